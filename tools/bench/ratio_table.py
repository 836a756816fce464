#!/usr/bin/python3
"""Ratio table cvkit / PyTorch from JSON Lines written in one sitting by
`cvkit bench --format jsonl` and `torch_bench.py` (same case names and fields).

Usage: ratio_table.py TORCH.jsonl CVKIT.jsonl [TORCH2.jsonl CVKIT2.jsonl ...]  → Markdown table on stdout.
A ratio > 1 means cvkit is faster: ours/theirs for rates (GFLOPS, images/s), theirs/ours for
times per call (nms: us_per_call, roi_align: ms_per_call).
"""
import json
import sys


def key(r):
    if "aligned" in r:
        size = "aligned" if r["aligned"] else "unaligned"
    else:
        size = r.get("name") or r.get("batch") or r.get("boxes") or ""
    return (r["case"], size, r["threads"])


RATES = ("gflops", "images_per_s")
TIMES = ("us_per_call", "ms_per_call")


def value(r):
    """(field, value, higher_is_better) of a record."""
    for f in RATES + TIMES:
        if f in r:
            return f, r[f], f in RATES
    raise KeyError("no speed field in " + json.dumps(r))


def ratio(ours, theirs, higher_is_better):
    if not ours or not theirs:
        return float("nan")
    return ours / theirs if higher_is_better else theirs / ours


def main(paths):
    torch, ours, load = {}, {}, {}
    for i, p in enumerate(paths):
        with open(p) as f:
            for line in f:
                if not line.strip():
                    continue
                r = json.loads(line)
                (ours if r.get("engine") == "cvkit" else torch)[key(r)] = r
    print("| case | size | threads | unit | PyTorch | cvkit | ratio | load (torch / cvkit) |")
    print("|---|---|---|---|---:|---:|---:|---|")
    for k, r in ours.items():
        t = torch.get(k)
        if not t:
            continue
        unit, v, higher = value(r)
        _, tv, _ = value(t)
        print("| %s | %s | %d | %s | %.2f | %.2f | %.2f× | %.1f / %.1f |" % (
            k[0], k[1], k[2], unit.replace("_per_s", "/s").replace("_per_call", "/call"), tv, v, ratio(v, tv, higher),
            t.get("loadavg1", 0), r.get("loadavg1", 0)))


if __name__ == "__main__":
    main(sys.argv[1:])
