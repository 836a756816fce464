"""Inference img/s of torchvision 0.14's single-stage detectors, untrained (weights=None,
weights_backbone=None), 91 classes, at the sizes of bench/SingleStageSpeed.java: one timed batch
is model(images) in eval mode (transform, forward, decoding and NMS), as cvkit's is.

  python3 bench/single_stage_torchvision.py IMAGES_DIR THREADS BATCH SECONDS [MODEL...]

With --write-images, it first writes the batch (the sample photographs centre-cropped and resized
to 300² and 320², PNG) into IMAGES_DIR for both tools to read.
"""
import json, os, statistics, sys, time

import torch
import torchvision
from torchvision.io import ImageReadMode, read_image, write_png
from torchvision.models import detection as D


def write_images(out, photos):
    for side in (300, 320):
        os.makedirs(f"{out}/{side}", exist_ok=True)
        for i, p in enumerate(photos):
            im = read_image(p, ImageReadMode.RGB)
            h, w = im.shape[1:]
            s = min(h, w)
            im = im[:, (h - s) // 2:(h - s) // 2 + s, (w - s) // 2:(w - s) // 2 + s]
            im = torch.nn.functional.interpolate(im[None].float(), size=(side, side), mode="bilinear", align_corners=False)[0]
            write_png(im.round().clamp(0, 255).to(torch.uint8), f"{out}/{side}/{i:03d}.png")


def build(name):
    if name == "ssd300":
        return D.ssd300_vgg16(weights=None, weights_backbone=None, num_classes=91), 300
    if name == "ssdlite320":
        return D.ssdlite320_mobilenet_v3_large(weights=None, weights_backbone=None, num_classes=91), 320
    return D.retinanet_resnet50_fpn(weights=None, weights_backbone=None, num_classes=91, min_size=320, max_size=320), 320


def timed(model, images, seconds):
    """Batch wall times, the last batch's detections, and the process CPU seconds per batch."""
    times, t0, c0 = [], time.perf_counter(), time.process_time()
    while len(times) < 3 or time.perf_counter() - t0 < seconds:
        s = time.perf_counter()
        found = model(images)
        times.append(time.perf_counter() - s)
    return times, found, (time.process_time() - c0) / len(times)


def main():
    args = [a for a in sys.argv[1:] if a != "--write-images"]
    out, threads, batch, seconds = args[0], int(args[1]), int(args[2]), float(args[3])
    if "--write-images" in sys.argv:
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        photos = sorted(os.path.join(root, "samples", f) for f in os.listdir(os.path.join(root, "samples")) if f.endswith(".jpg"))
        write_images(out, photos)
        return
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    for name in args[4:] or ["ssd300", "ssdlite320", "retinanet_r50"]:
        model, side = build(name)
        model.eval()
        files = sorted(os.listdir(f"{out}/{side}"))[:batch]
        images = [read_image(f"{out}/{side}/{f}", ImageReadMode.RGB).float() / 255 for f in files]
        with torch.no_grad():
            for _ in range(3):
                model(images)
            times, found, cpu = timed(model, images, seconds)
            # a score threshold no box passes: transform and forward only (the difference is decoding and NMS)
            thresh, model.score_thresh = model.score_thresh, 1.0
            forward, _, cpu_forward = timed(model, images, seconds / 2)
            model.score_thresh = thresh
        print(json.dumps({"tool": "torchvision", "model": name, "threads": threads, "batch": batch, "side": side,
                          "img_per_s": batch / statistics.median(times), "batches": len(times),
                          "img_per_s_without_candidates": batch / statistics.median(forward),
                          "cpu_s_per_batch": cpu, "cpu_s_per_batch_without_candidates": cpu_forward,
                          "params": sum(p.numel() for p in model.parameters()),
                          "detections_per_image": sum(len(f["boxes"]) for f in found) / batch}), flush=True)


if __name__ == "__main__":
    main()
