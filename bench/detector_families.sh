#!/usr/bin/env bash
# Benchmark (not a test): every detector family cvkit trains, two-stage (R-CNN, Fast R-CNN,
# Faster R-CNN) and single-stage (RetinaNet, SSD, YOLO, YOLO v1), side by side on one generated
# set, each for the same wall-clock budget; then evaluated on its val split, timed at test time
# with 1 and 2 threads, and measured (parameters, file size); optionally torchvision's same-budget
# Faster R-CNN on the same folder.
#
#   bench/detector_families.sh OUT [BUDGET] [THREADS] [FAMILIES]
#     BUDGET    cvkit's --time (default 5m; the torchvision run gets the same minutes)
#     THREADS   training threads (default 2)
#     FAMILIES  default "rcnn fast-rcnn faster-rcnn retinanet ssd yolo yolov1"; add "torchvision"
#               for the peer (needs ../shared/bench/train_detect_torchvision.py or TORCHVISION_SCRIPT)
#   DATA_ARGS   extra options for cvkit data shapes (default: 2,000 train / 300 val images of 160²),
#               e.g. DATA_ARGS="--val 100" to keep R-CNN's evaluation short
#   TIMED=N     val images timed per thread count (default 50)
#
# OUT/data is generated once and kept. Per family: OUT/FAMILY/ is the run folder; eval.json the
# 12 COCO stats of best.safetensors on val; detect-1.log and detect-2.log the summary of cvkit
# detect over the first TIMED val images (test ms/img: the batch's wall time per image, JIT
# warm-up included, JVM start not). The load average is recorded before and after each
# step (OUT/load.txt): 2-core machines are shared and noisy. The table goes to stdout and
# OUT/families.md (with the lecture's test times: R-CNN 49 s, Fast R-CNN 2.3 s, Faster R-CNN
# 0.2 s per image), the rows to OUT/families.json and the plot to OUT/families.png.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:?usage: bench/detector_families.sh OUT [BUDGET] [THREADS] [FAMILIES]}"
budget="${2:-5m}"
threads="${3:-2}"
families="${4:-rcnn fast-rcnn faster-rcnn retinanet ssd yolo yolov1}"
timed="${TIMED:-50}"
cvkit="$root/bin/cvkit"
mkdir -p "$out"
# shellcheck disable=SC2086
[ -f "$out/data/val.json" ] || "$cvkit" data shapes --out "$out/data" --threads "$threads" ${DATA_ARGS:-}
if [ ! -d "$out/timed" ]; then
  rm -rf "$out/timed.tmp" && mkdir -p "$out/timed.tmp"
  find "$out/data/val" -type f | sort | head -n "$timed" | while read -r f; do cp "$f" "$out/timed.tmp/"; done
  mv "$out/timed.tmp" "$out/timed"
fi
echo "before: $(uptime)" | tee "$out/load.txt"
for f in $families; do
  if [ "$f" = torchvision ]; then
    script="${TORCHVISION_SCRIPT:-$root/../shared/bench/train_detect_torchvision.py}"
    minutes=$(python3 -c "import re,sys; s='$budget'; t=sum(float(v)*{'h':60,'m':1,'s':1/60}[u] for v,u in re.findall(r'([\d.]+)([hms])',s)) or float(s); print(t)")
    /usr/bin/python3 "$script" --data "$out/data" --model faster --budget-min "$minutes" --threads "$threads" \
      --rpn-pre-train 1000 --rpn-post-train 1000 --out "$out/torchvision.json" --name faster_rcnn_r18fpn > "$out/torchvision.log" 2>&1
    echo "after torchvision: $(uptime)" | tee -a "$out/load.txt"
    continue
  fi
  [ -f "$out/$f/best.safetensors" ] || "$cvkit" train --task detect --arch "$f" --data "$out/data/train.json" \
    --val "$out/data/val.json" --time "$budget" --threads "$threads" --out "$out/$f" -q 2> "$out/$f.train.log"
  echo "after training $f: $(uptime)" | tee -a "$out/load.txt"
  "$cvkit" eval --model "$out/$f/best.safetensors" --data "$out/data/val.json" --threads "$threads" --format json \
    > "$out/$f/eval.json" 2> "$out/$f/eval.log"
  for t in 1 2; do
    "$cvkit" detect --model "$out/$f/best.safetensors" "$out/timed/" --threads "$t" --format jsonl \
      > /dev/null 2> "$out/$f/detect-$t.log"
  done
  echo "after testing $f: $(uptime)" | tee -a "$out/load.txt"
done
python3 - "$out" "$budget" "$threads" $families <<'PY' | tee "$out/families.md"
import json, os, re, struct, sys
out, budget, threads, fams = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
lecture = {"rcnn": "49 s", "fast-rcnn": "2.3 s", "faster-rcnn": "0.2 s"}
def ms(path):
    # wall time per image of the whole batch (throughput, JIT warm-up included); the 'Speed:' line is
    # each image's own latency, which grows when two images run at once
    m = re.search(r"(\d+) inputs in ([\d.]+) s", open(path).read())
    return 1000.0 * float(m.group(2)) / int(m.group(1)) if m else float("nan")
def params(path):
    with open(path, "rb") as fh:
        n = struct.unpack("<Q", fh.read(8))[0]
        h = json.loads(fh.read(n))
    total = 0
    for k, v in h.items():
        if k == "__metadata__": continue
        c = 1
        for d in v["shape"]: c *= d
        total += c
    return total
def ap(v):
    return "-" if v < 0 else "%.3f" % v  # -1: no ground truth of that size in the val split
rows = []
print("Budget %s per family, %s training threads; load averages in load.txt.\n" % (budget, threads))
print("| family | AP | AP50 | APs | APm | APl | train img/s | test ms/img, 1 thread | 2 threads | × Faster R-CNN | lecture (s/img) | parameters | file MB |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for f in fams:
    if f == "torchvision":
        p = os.path.join(out, "torchvision.json")
        if not os.path.exists(p): continue
        e = json.load(open(p))["faster_rcnn_r18fpn"]
        b = e["eval"]["bbox"]
        rows.append({"family": "torchvision faster-rcnn", "AP": b["AP"], "AP50": b["AP50"], "APs": b.get("APs", -1), "APm": b.get("APm", -1),
                     "APl": b.get("APl", -1), "train_img_s": e["train_images_per_s"], "ms_1thread": float("nan"),
                     "ms_2threads": 1000.0 / e["eval"]["eval_images_per_s"], "parameters": 0, "file_mb": float("nan")})
        continue
    st = json.load(open(os.path.join(out, f, "eval.json")))["stats_named"]
    metrics = [json.loads(l) for l in open(os.path.join(out, f, "metrics.jsonl"))]
    ips = [r["images_per_s"] for r in metrics if "images_per_s" in r]
    best = os.path.join(out, f, "best.safetensors")
    rows.append({"family": f, "AP": st["AP"], "AP50": st["AP50"], "APs": st["APs"], "APm": st["APm"], "APl": st["APl"],
                 "train_img_s": sum(ips) / len(ips) if ips else float("nan"),
                 "ms_1thread": ms(os.path.join(out, f, "detect-1.log")), "ms_2threads": ms(os.path.join(out, f, "detect-2.log")),
                 "parameters": params(best), "file_mb": os.path.getsize(best) / 1e6})
base = next((r["ms_2threads"] for r in rows if r["family"] == "faster-rcnn"), None)
for r in rows:
    ratio = "%.2f×" % (r["ms_2threads"] / base) if base and not r["family"].startswith("torchvision") else ""
    print("| %s | %s | %s | %s | %s | %s | %.1f | %.0f | %.0f | %s | %s | %s | %.1f |" % (r["family"], ap(r["AP"]), ap(r["AP50"]), ap(r["APs"]),
          ap(r["APm"]), ap(r["APl"]), r["train_img_s"], r["ms_1thread"], r["ms_2threads"], ratio, lecture.get(r["family"], ""),
          format(r["parameters"], ","), r["file_mb"]))
json.dump([r for r in rows if not r["family"].startswith("torchvision")], open(os.path.join(out, "families.json"), "w"), indent=1)
PY
java -cp "$root/target/cvkit.jar" "$root/bench/FamiliesPlot.java" "$out/families.json" "$out/families.png"
echo "plot: $out/families.png"
