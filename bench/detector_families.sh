#!/usr/bin/env bash
# Benchmark (not a test): the two-stage families cvkit trains — R-CNN, Fast R-CNN, Faster R-CNN —
# side by side on one generated set, each for the same wall-clock budget, then evaluated on its
# val split and timed at test time; optionally torchvision's same-budget Faster R-CNN on the same
# folder.
#
#   bench/detector_families.sh OUT [BUDGET] [THREADS] [FAMILIES]
#     BUDGET    cvkit's --time (default 5m; the torchvision run gets the same minutes)
#     THREADS   default 2
#     FAMILIES  default "rcnn fast-rcnn faster-rcnn"; add "torchvision" for the peer
#               (needs ../shared/bench/train_detect_torchvision.py or TORCHVISION_SCRIPT)
#   DATA_ARGS   extra options for cvkit data shapes (default: 2,000 train / 300 val images of 160²),
#               e.g. DATA_ARGS="--val 100" to keep R-CNN's evaluation short
#
# OUT/data is generated once and kept. Per family: OUT/FAMILY/ is the run folder; eval.json the
# 12 COCO stats of best.safetensors on val; detect.log the 'Speed:' line (ms per image) of cvkit
# detect over val/. The load average is recorded before and after each family (OUT/load.txt):
# 2-core machines are shared and noisy. The table goes to stdout and OUT/families.md, with the
# lecture's test times (R-CNN 49 s, Fast R-CNN 2.3 s, Faster R-CNN 0.2 s per image) beside ours.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:?usage: bench/detector_families.sh OUT [BUDGET] [THREADS] [FAMILIES]}"
budget="${2:-5m}"
threads="${3:-2}"
families="${4:-rcnn fast-rcnn faster-rcnn}"
cvkit="$root/bin/cvkit"
mkdir -p "$out"
# shellcheck disable=SC2086
[ -f "$out/data/val.json" ] || "$cvkit" data shapes --out "$out/data" --threads "$threads" ${DATA_ARGS:-}
echo "before: $(uptime)" | tee "$out/load.txt"
for f in $families; do
  if [ "$f" = torchvision ]; then
    script="${TORCHVISION_SCRIPT:-$root/../shared/bench/train_detect_torchvision.py}"
    minutes=$(python3 -c "import re,sys; s='$budget'; t=sum(float(v)*{'h':60,'m':1,'s':1/60}[u] for v,u in re.findall(r'([\d.]+)([hms])',s)) or float(s); print(t)")
    /usr/bin/python3 "$script" --data "$out/data" --model faster --budget-min "$minutes" --threads "$threads" \
      --out "$out/torchvision.json" --name faster_rcnn_r18fpn > "$out/torchvision.log" 2>&1
    echo "after torchvision: $(uptime)" | tee -a "$out/load.txt"
    continue
  fi
  start=$(date +%s)
  [ -f "$out/$f/best.safetensors" ] || "$cvkit" train --task detect --arch "$f" --data "$out/data/train.json" \
    --val "$out/data/val.json" --time "$budget" --threads "$threads" --out "$out/$f" 2> "$out/$f.train.log"
  echo "$(( $(date +%s) - start ))" > "$out/$f/train_wall_s"
  echo "after training $f: $(uptime)" | tee -a "$out/load.txt"
  "$cvkit" eval --model "$out/$f/best.safetensors" --data "$out/data/val.json" --threads "$threads" --format json \
    > "$out/$f/eval.json" 2> "$out/$f/eval.log"
  "$cvkit" detect --model "$out/$f/best.safetensors" "$out/data/val/" --threads "$threads" --format jsonl \
    > /dev/null 2> "$out/$f/detect.log"
  echo "after testing $f: $(uptime)" | tee -a "$out/load.txt"
done
python3 - "$out" "$budget" "$threads" $families <<'PY' | tee "$out/families.md"
import json, os, re, sys
out, budget, threads, fams = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
lecture = {"rcnn": "49 s", "fast-rcnn": "2.3 s", "faster-rcnn": "0.2 s"}
rows, ms_of = [], {}
for f in fams:
    if f == "torchvision":
        p = os.path.join(out, "torchvision.json")
        if not os.path.exists(p): continue
        e = json.load(open(p))["faster_rcnn_r18fpn"]
        ms = 1000.0 / e["eval"]["eval_images_per_s"]
        rows.append(("torchvision Faster R-CNN", e["eval"]["bbox"]["AP"], e["eval"]["bbox"]["AP50"], e["train_images_per_s"], ms, "", ""))
        continue
    st = json.load(open(os.path.join(out, f, "eval.json")))["stats_named"]
    metrics = [json.loads(l) for l in open(os.path.join(out, f, "metrics.jsonl"))]
    ips = [r["images_per_s"] for r in metrics if "images_per_s" in r]
    speed = open(os.path.join(out, f, "detect.log")).read()
    m = re.search(r"Speed: ([\d.]+)ms preprocess, ([\d.]+)ms inference, ([\d.]+)ms postprocess", speed)
    ms = sum(float(x) for x in m.groups()) if m else float("nan")
    ms_of[f] = ms
    note = ""
    svm = [r for r in metrics if r.get("stage") == "svm"]
    if svm:
        s = svm[-1]
        note = "fine-tuning on %d iterations; SVMs on the features of %d images (%d regions)" % (s["iteration"], s["svm_images"], s["svm_regions"])
    rows.append(("cvkit " + f, st["AP"], st["AP50"], sum(ips) / len(ips) if ips else float("nan"), ms, lecture.get(f, ""), note))
print("Budget %s per family, %s threads; load averages in load.txt.\n" % (budget, threads))
print("| family | AP | AP50 | train img/s | test ms/image | × Faster R-CNN's test time | lecture (test s/image) | note |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
base = ms_of.get("faster-rcnn")
for name, ap, ap50, ips, ms, lec, note in rows:
    ratio = "%.1f×" % (ms / base) if base and ms == ms and not name.startswith("torchvision") else ""
    print("| %s | %.3f | %.3f | %.2f | %.0f | %s | %s | %s |" % (name, ap, ap50, ips, ms, ratio, lec, note))
PY
