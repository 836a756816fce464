#!/usr/bin/env bash
# Inference img/s of cvkit's trained segmenters next to torchvision 0.14 on the same network with
# the same weights, at 1 and 2 threads, on the same images, both tools in the same run:
#   fcn        cvkit's ResNet-18 FCN-8s, bilinear (train --task segment --arch fcn, defaults)
#              against that network built in PyTorch from torchvision's resnet18 and FCNHead;
#   mask-rcnn  cvkit's Mask R-CNN R18-FPN (--arch mask-rcnn) against torchvision's MaskRCNN built
#              with the settings of ../shared/bench/train_detect_torchvision.py;
#   lraspp     torchvision's lraspp_mobilenet_v3_large (untrained), the issue's reference model,
#              torchvision only: its ratio column is cvkit's FCN over it.
# torchvision loads cvkit's model files (same parameter names), so both sides run identical
# weights; the table says whether their outputs agree (FCN: pixels per class; Mask R-CNN:
# detections and mask pixels).
#
#   bench/segment_speed.sh [OUT] [SECONDS] [IMAGES]      (default: a temp dir, 10 s, 20 images)
#
# Environment: FCN_MODEL, MASK_MODEL: cvkit model files to time (default: trained here for one
# epoch of 16 generated images, 2 iterations, so effectively untrained); DATA: a `cvkit data
# shapes` folder whose first IMAGES val images are timed (default: generated here, seed 1);
# CONF: Mask R-CNN score threshold on both sides (default 0.05, torchvision's; the IoU and
# detection count are the model file's); BATCH: torchvision's batch (default 4; cvkit segments
# one image per worker, as `cvkit segment` does); MODELS: a subset of "fcn lraspp mask-rcnn";
# PYTHON: python3 with torch 1.13 and torchvision 0.14.
#
# One pass = decode the IMAGES PNGs and segment them (FCN: best class per pixel; Mask R-CNN:
# instances with masks pasted into the image and cut at 0.5); img/s = IMAGES ÷ median pass time
# (at least 3 passes and SECONDS, after warm-up passes: cvkit at least SECONDS for the JIT,
# torchvision 3); CPU ms/img = the process's CPU time per image, median over the passes (ratio:
# torchvision's ÷ cvkit's, > 1: cvkit cheaper), the fair comparison on a shared machine, except
# that torchvision's OpenMP workers spin-wait and so count waiting as CPU. Needs target/cvkit.jar (mvn -o -q package -DskipTests). Prints one JSON line
# per (tool, model, threads) into OUT/results.jsonl, the load average into OUT/load.txt, and the table.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$(mktemp -d)}"; secs="${2:-10}"; count="${3:-20}"
py="${PYTHON:-}"
if [[ -z "$py" ]]; then  # the first python3 that has torch (a PATH python3 may be a venv without it)
  for c in python3 /usr/bin/python3; do "$c" -c 'import torch, torchvision' 2>/dev/null && { py="$c"; break; }; done
  [[ -n "$py" ]] || { echo "$(basename "$0"): no python3 with torch and torchvision (set PYTHON)" >&2; exit 2; }
fi
conf="${CONF:-0.05}"; batch="${BATCH:-4}"
models=(${MODELS:-fcn lraspp mask-rcnn})
jar="$root/target/cvkit.jar"
[[ -f "$jar" ]] || { echo "segment_speed: build first: mvn -o -q package -DskipTests" >&2; exit 2; }
mkdir -p "$out"
out="$(cd "$out" && pwd)"
wants() { [[ " ${models[*]} " == *" $1 "* ]]; }
# without FCN_MODEL/MASK_MODEL: a 16-image set and 1-epoch runs in OUT (kept for a rerun)
fcn="${FCN_MODEL:-$out/fcn/best.safetensors}"; mask="${MASK_MODEL:-$out/mask-rcnn/best.safetensors}"
if [[ -z "${DATA:-}" || -z "${FCN_MODEL:-}" || -z "${MASK_MODEL:-}" ]] && [[ ! -f "$out/data/val.json" ]]; then
  java -jar "$jar" data shapes --out "$out/data" --train 16 --val "$count" --seed 1 -q
fi
data="${DATA:-$out/data}"
for arch in fcn mask-rcnn; do
  if wants "$arch" && [[ "$arch" == fcn && -z "${FCN_MODEL:-}" || "$arch" == mask-rcnn && -z "${MASK_MODEL:-}" ]] \
      && [[ ! -f "$out/$arch/best.safetensors" ]]; then
    java -jar "$jar" train --task segment --arch "$arch" --data "$out/data/train.json" --val "$out/data/val.json" \
      --epochs 1 --threads 2 --out "$out/$arch" -q
  fi
done
rm -rf "$out/images"
"$py" "$root/bench/segment_speed_torchvision.py" write-images "$data" "$out/images" "$count"
tv=(); ck=()
wants fcn && { tv+=("fcn=$fcn"); ck+=("fcn=$fcn"); }
wants lraspp && tv+=("lraspp")
wants mask-rcnn && { tv+=("mask-rcnn=$mask"); ck+=("mask-rcnn=$mask"); }
: > "$out/results.jsonl"; : > "$out/load.txt"
for threads in 1 2; do
  echo "load before $threads thread(s): $(cat /proc/loadavg)" | tee -a "$out/load.txt"
  OMP_NUM_THREADS=$threads OPENBLAS_NUM_THREADS=$threads \
    "$py" "$root/bench/segment_speed_torchvision.py" time "$out/images" "$threads" "$batch" "$secs" "$conf" "${tv[@]}" | tee -a "$out/results.jsonl"
  if (( ${#ck[@]} )); then
    (cd "$root" && java -cp "$jar" bench/SegmentSpeed.java "$out/images" "$threads" "$secs" "$conf" "${ck[@]}") | tee -a "$out/results.jsonl"
  fi
  echo "load after $threads thread(s): $(cat /proc/loadavg)" | tee -a "$out/load.txt"
done
"$py" - "$out/results.jsonl" <<'PY'
import json, sys
by = {(r["tool"], r["model"], r["threads"]): r for r in map(json.loads, open(sys.argv[1]))}
def same(c, t):
    if "class_pixels" in c:
        a, b = c["class_pixels"], t["class_pixels"]
        sa, sb = c["first_image_score_sums"], t["first_image_score_sums"]
        scores = "scores %.0e" % (max(abs(x - y) for x, y in zip(sa, sb)) / max(1e-30, max(abs(x) for x in sb)))
        if a == b:
            return "yes, " + scores
        return "%.3f%% px differ, %s" % (100 * sum(abs(x - y) for x, y in zip(a, b)) / 2 / sum(a), scores)
    if c["detections_per_image"] == t["detections_per_image"] and c["mask_pixels"] == t["mask_pixels"]:
        return "yes, %.1f det/img" % c["detections_per_image"]
    return "det/img %.1f vs %.1f, mask px %d vs %d" % (c["detections_per_image"], t["detections_per_image"], c["mask_pixels"], t["mask_pixels"])
names = {"fcn": "FCN-8s R18", "mask-rcnn": "Mask R-CNN R18-FPN", "lraspp": "LRASPP-MNv3 (tv only)*"}
print(f"{'model':24} {'threads':>7} {'cvkit img/s':>12} {'torchvision img/s':>18} {'ratio':>7} {'CPU ms/img cvkit':>16} {'tv':>6} {'ratio':>6} {'cvkit params':>13} {'tv params':>11}  same output")
def cpu(c, t):
    if c is None or "cpu_ms_per_img" not in t or "cpu_ms_per_img" not in c:
        return f"{'-':>16} {t.get('cpu_ms_per_img', 0):>6.1f} {'-':>6}"
    return f"{c['cpu_ms_per_img']:>16.1f} {t['cpu_ms_per_img']:>6.1f} {t['cpu_ms_per_img'] / c['cpu_ms_per_img']:>6.2f}"
for model in ("fcn", "mask-rcnn", "lraspp"):
    for threads in (1, 2):
        t = by.get(("torchvision", model, threads))
        if t is None:
            continue
        if model == "lraspp":
            f = by.get(("cvkit", "fcn", threads))
            ratio = f"{f['img_per_s'] / t['img_per_s']:.2f}" if f else "-"
            print(f"{names[model]:24} {threads:>7} {'-':>12} {t['img_per_s']:>18.2f} {ratio:>7} {cpu(f, t)} {'-':>13} {t['params']:>11,}  -")
            continue
        c = by.get(("cvkit", model, threads))
        if c is None:
            continue
        print(f"{names[model]:24} {threads:>7} {c['img_per_s']:>12.2f} {t['img_per_s']:>18.2f} {c['img_per_s'] / t['img_per_s']:>7.2f} "
              f"{cpu(c, t)} {c['params']:>13,} {t['params']:>11,}  {same(c, t)}")
if any(m == "lraspp" for _, m, _ in by):
    print("* ratio: cvkit's FCN-8s R18 img/s over torchvision's LRASPP-MobileNetV3-Large (a different, much smaller network)")
PY
