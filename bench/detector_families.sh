#!/usr/bin/env bash
# Benchmark (not a test): the two-stage families cvkit trains, side by side on one generated set,
# each for the same wall-clock budget, then evaluated on its val split and timed at test time;
# optionally torchvision's same-budget Faster R-CNN on the same folder.
#
#   bench/detector_families.sh OUT [BUDGET] [THREADS] [FAMILIES]
#     BUDGET    cvkit's --time (default 20m; the torchvision run gets the same minutes)
#     THREADS   default 2
#     FAMILIES  default "faster-rcnn fast-rcnn"; add "torchvision" for the peer
#                (needs ../shared/bench/train_detect_torchvision.py or TORCHVISION_SCRIPT)
#
# OUT/data is generated once (cvkit data shapes: 2,000 train / 300 val images of 160²) and kept.
# Per family: OUT/FAMILY/ is the run folder; eval.json the 12 COCO stats of best.safetensors on
# val; detect.log the 'Speed:' line (ms per image) of cvkit detect over val/. The summary table
# goes to stdout and OUT/families.md. Record the load (uptime) with the numbers: 2-core machines
# are shared and noisy.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:?usage: bench/detector_families.sh OUT [BUDGET] [THREADS] [FAMILIES]}"
budget="${2:-20m}"
threads="${3:-2}"
families="${4:-faster-rcnn fast-rcnn}"
cvkit="$root/bin/cvkit"
mkdir -p "$out"
[ -f "$out/data/val.json" ] || "$cvkit" data shapes --out "$out/data" --threads "$threads"
echo "load before: $(uptime)" | tee "$out/load.txt"
for f in $families; do
  if [ "$f" = torchvision ]; then
    script="${TORCHVISION_SCRIPT:-$root/../shared/bench/train_detect_torchvision.py}"
    minutes=$(python3 -c "import re,sys; s='$budget'; t=sum(float(v)*{'h':60,'m':1,'s':1/60}[u] for v,u in re.findall(r'([\d.]+)([hms])',s)) or float(s); print(t)")
    /usr/bin/python3 "$script" --data "$out/data" --model faster --budget-min "$minutes" --threads "$threads" \
      --out "$out/torchvision.json" --name faster_rcnn_r18fpn > "$out/torchvision.log" 2>&1
    continue
  fi
  [ -f "$out/$f/best.safetensors" ] || "$cvkit" train --task detect --arch "$f" --data "$out/data/train.json" \
    --val "$out/data/val.json" --time "$budget" --threads "$threads" --out "$out/$f" 2> "$out/$f.train.log"
  "$cvkit" eval --model "$out/$f/best.safetensors" --data "$out/data/val.json" --threads "$threads" --format json \
    > "$out/$f/eval.json" 2> "$out/$f/eval.log"
  "$cvkit" detect --model "$out/$f/best.safetensors" "$out/data/val/" --threads "$threads" --format jsonl \
    > /dev/null 2> "$out/$f/detect.log"
  echo "load after $f: $(uptime)" | tee -a "$out/load.txt"
done
python3 - "$out" $families <<'PY' | tee "$out/families.md"
import json, os, re, sys
out, fams = sys.argv[1], sys.argv[2:]
print("| family | AP | AP50 | train img/s | test ms/image |")
print("| --- | ---: | ---: | ---: | ---: |")
for f in fams:
    if f == "torchvision":
        p = os.path.join(out, "torchvision.json")
        if not os.path.exists(p): continue
        e = json.load(open(p))["faster_rcnn_r18fpn"]
        ms = 1000.0 / e["eval"]["eval_images_per_s"]
        print("| torchvision Faster R-CNN | %.3f | %.3f | %.2f | %.0f |" % (e["eval"]["bbox"]["AP"], e["eval"]["bbox"]["AP50"], e["train_images_per_s"], ms))
        continue
    st = json.load(open(os.path.join(out, f, "eval.json")))["stats_named"]
    rows = [json.loads(l) for l in open(os.path.join(out, f, "metrics.jsonl"))]
    ips = sum(r["images_per_s"] for r in rows) / len(rows)
    speed = open(os.path.join(out, f, "detect.log")).read()
    m = re.search(r"Speed: ([\d.]+)ms preprocess, ([\d.]+)ms inference, ([\d.]+)ms postprocess", speed)
    ms = sum(float(x) for x in m.groups()) if m else float("nan")
    print("| cvkit %s | %.3f | %.3f | %.2f | %.0f |" % (f, st["AP"], st["AP50"], ips, ms))
PY
