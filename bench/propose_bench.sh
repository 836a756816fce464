#!/usr/bin/env bash
# Proposals per second: cvkit propose vs OpenCV's Python selective search, same images, same sitting.
#
#   bench/propose_bench.sh [REPS]         (REPS: alternating runs per tool, default 3; medians reported)
#
# Needs the peer stack (sh ../shared/bench/setup-peers.sh) for the OpenCV side; PEER_BENCH points to
# the folder holding opencv_ss_ref.py (default: ../shared/bench next to the repository).
set -euo pipefail
cd "$(dirname "$0")/.."
reps="${1:-3}"
peer="${PEER_BENCH:-../shared/bench}/opencv_ss_ref.py"
images=(samples/*.jpg samples/*.png)
bin/cvkit --version >/dev/null   # builds the jar if needed, outside the timings
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

for r in $(seq "$reps"); do
  for t in 1 2; do
    s=$(date +%s.%N)
    bin/cvkit propose --max-side 500 --mode fast --top 0 --threads "$t" -q --format jsonl "${images[@]}" > "$tmp/cvkit-$t-$r.jsonl"
    e=$(date +%s.%N)
    echo "$s $e" > "$tmp/cvkit-$t-$r.time"
  done
  if [ -f "$peer" ]; then
    for t in 1 2; do
      /usr/bin/python3 "$peer" --mode fast --max-side 500 --threads "$t" "${images[@]}" > "$tmp/opencv-$t-$r.jsonl"
    done
  fi
done

/usr/bin/python3 - "$tmp" "$reps" <<'PY'
import json, statistics, sys, glob, os
tmp, reps = sys.argv[1], int(sys.argv[2])
rows = []
for t in (1, 2):
    walls, props, inner = [], [], []
    for r in range(1, reps + 1):
        s, e = map(float, open(f"{tmp}/cvkit-{t}-{r}.time").read().split())
        lines = [json.loads(l) for l in open(f"{tmp}/cvkit-{t}-{r}.jsonl")]
        walls.append(e - s); props.append(sum(len(l["proposals"]) for l in lines)); inner.append(sum(l["ms"] for l in lines) / 1000)
    n = len(lines)
    w = statistics.median(walls)
    rows.append(("cvkit (whole process)", t, n, props[0], w))
    ocv = f"{tmp}/opencv-{t}-1.jsonl"
    if os.path.exists(ocv):
        secs, oprops = [], 0
        for r in range(1, reps + 1):
            recs = [json.loads(l) for l in open(f"{tmp}/opencv-{t}-{r}.jsonl")]
            secs.append(sum(x["seconds"] for x in recs)); oprops = sum(x["proposals"] for x in recs)
        rows.append(("OpenCV ximgproc (process() only)", t, len(recs), oprops, statistics.median(secs)))
print("| tool | threads | images | proposals | seconds | proposals/s | images/s |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
for name, t, n, p, s in rows:
    print(f"| {name} | {t} | {n} | {p} | {s:.2f} | {p/s:.0f} | {n/s:.2f} |")
PY
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
