#!/usr/bin/python3
"""Ratio table cvkit / PyTorch from JSON Lines written in one sitting by
`cvkit bench --format jsonl` and `torch_bench.py` (same case names and fields).

Usage: ratio_table.py TORCH.jsonl CVKIT.jsonl [TORCH2.jsonl CVKIT2.jsonl ...]  → Markdown table on stdout.
A ratio > 1 means cvkit is faster (higher GFLOPS or images/s).
"""
import json
import sys


def key(r):
    return (r["case"], r.get("name") or r.get("batch") or "", r["threads"])


def value(r):
    return ("gflops", r["gflops"]) if "gflops" in r else ("images_per_s", r["images_per_s"])


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
        unit, v = value(r)
        _, tv = value(t)
        print("| %s | %s | %d | %s | %.2f | %.2f | %.2f× | %.1f / %.1f |" % (
            k[0], k[1], k[2], unit.replace("_per_s", "/s"), tv, v, v / tv if tv else float("nan"),
            t.get("loadavg1", 0), r.get("loadavg1", 0)))


if __name__ == "__main__":
    main(sys.argv[1:])
