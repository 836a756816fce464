"""Reference for `cvkit eval --semantic`: torchvision references/segmentation's ConfusionMatrix in NumPy.

Writes a small fixture: random ground-truth label maps (with 255 = ignore) and predictions as
8-bit PNGs (grayscale and palette), and expected.json with the metrics computed here:
    h = sum over images of bincount(n * t + p, minlength=n*n) over pixels with t != 255
    acc = trace(h) / sum(h); iu = diag / (rows + cols - diag)
    miou = nanmean(iu) (torchvision's iu.mean() is NaN if a class is in neither side; cvkit
    averages the classes that occur), fwiou = sum over classes with target pixels of freq * iu.
Usage: python3 semantic_metrics.py OUT_DIR (needs only NumPy).
"""
import json
import struct
import sys
import zlib
from pathlib import Path

import numpy as np


def png(path, a, palette=False):
    h, w = a.shape
    raw = b"".join(b"\x00" + a[y].astype(np.uint8).tobytes() for y in range(h))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 3 if palette else 0, 0, 0, 0))
    if palette:
        pal = np.zeros((256, 3), np.uint8)
        pal[:, 0] = np.arange(256)
        pal[:, 1] = (np.arange(256) * 37) % 256
        pal[:, 2] = 255 - np.arange(256)
        out += chunk(b"PLTE", pal.tobytes())
    out += chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(out)


def main(out):
    rng = np.random.default_rng(13)
    n = 6  # classes 0..5; class 3 occurs nowhere, class 5 only in predictions
    sizes = [("a.png", 17, 23), ("sub/b.png", 12, 31), ("sub/c.png", 40, 9)]
    h = np.zeros((n, n), np.int64)
    for k, (name, rows, cols) in enumerate(sizes):
        t = rng.choice([0, 1, 2, 4], size=(rows, cols), p=[0.4, 0.3, 0.2, 0.1])
        t[rng.random((rows, cols)) < 0.08] = 255
        p = t.copy()
        p[p == 255] = rng.integers(0, 3, size=(p == 255).sum())
        noise = rng.random((rows, cols)) < 0.3
        p[noise] = rng.choice([0, 1, 2, 4, 5], size=noise.sum())
        png(Path(out, "gt", name), t, palette=k == 0)
        png(Path(out, "pred", name), p, palette=k == 1)
        keep = t != 255
        h += np.bincount(n * t[keep] + p[keep], minlength=n * n).reshape(n, n)
    diag = np.diag(h).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        iu = diag / (h.sum(1) + h.sum(0) - diag)
    freq = h.sum(1) / h.sum()
    expected = {
        "pixel_acc": float(diag.sum() / h.sum()),
        "miou": float(np.nanmean(iu)),
        "fwiou": float((freq[freq > 0] * iu[freq > 0]).sum()),
        "iou": [None if np.isnan(v) else float(v) for v in iu],
        "pixels": int(h.sum()),
        "confusion": h.tolist(),
    }
    Path(out, "expected.json").write_text(json.dumps(expected, indent=1) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
