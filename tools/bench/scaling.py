#!/usr/bin/python3
"""Thread-scaling efficiency (speed-up with 2 threads ÷ 2) per case, both tools, from the
JSON Lines of one sitting: `cvkit bench --format jsonl` and torch_bench.py at 1 and 2 threads.

Usage: scaling.py TORCH_T1.jsonl CVKIT_T1.jsonl TORCH_T2.jsonl CVKIT_T2.jsonl → Markdown table.
"""
import sys

from ratio_table import key, value
import json


def load(paths):
    out = {}
    for p in paths:
        with open(p) as f:
            for line in f:
                if line.strip():
                    r = json.loads(line)
                    out[("cvkit" if r.get("engine") == "cvkit" else "torch",) + key(r)] = r
    return out


def speedup(r1, r2):
    _, v1, higher = value(r1)
    _, v2, _ = value(r2)
    if not v1 or not v2:
        return float("nan")
    return v2 / v1 if higher else v1 / v2


def main(paths):
    recs = load(paths)
    print("| case | size | PyTorch 2-thread efficiency | cvkit 2-thread efficiency |")
    print("|---|---|---:|---:|")
    for k in [k for k in recs if k[0] == "cvkit" and k[3] == 1]:
        c2 = recs.get(("cvkit", k[1], k[2], 2))
        t1, t2 = recs.get(("torch", k[1], k[2], 1)), recs.get(("torch", k[1], k[2], 2))
        if not (c2 and t1 and t2):
            continue
        print("| %s | %s | %.2f | %.2f |" % (k[1], k[2], speedup(t1, t2) / 2, speedup(recs[k], c2) / 2))


if __name__ == "__main__":
    main(sys.argv[1:])
