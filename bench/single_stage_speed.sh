#!/usr/bin/env bash
# Inference img/s of cvkit's single-stage detectors next to torchvision 0.14 on the closest
# architecture (ssd300_vgg16, ssdlite320_mobilenet_v3_large, retinanet_resnet50_fpn; untrained,
# 91 classes, same image size and thresholds), one batch = transform + forward + decoding + NMS,
# at 1 and 2 threads, both tools in the same run (alternating per thread count), with the load
# average before and after each sitting.
#
#   bench/single_stage_speed.sh [OUT] [SECONDS] [BATCH]      (default: a temp dir, 10 s, 4 images)
#   MODELS="ssdlite320" bench/single_stage_speed.sh            only these (ssd300 ssdlite320 retinanet_r50)
#
# Needs target/cvkit.jar (mvn -o -q package -DskipTests) and python3 with torch 1.13 and
# torchvision 0.14 (PYTHON=...). Prints one JSON line per (tool, model, threads) and a ratio
# table (cvkit img/s ÷ torchvision img/s; "fwd-only": both with a score threshold of 1, so no box
# is decoded: the transform and forward pass alone; "cpu ratio": torchvision's process CPU seconds
# per batch ÷ cvkit's, the comparison that holds on a loaded machine).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$(mktemp -d)}"; secs="${2:-10}"; batch="${3:-4}"
py="${PYTHON:-}"
if [[ -z "$py" ]]; then  # the first python3 that has torch (a PATH python3 may be a venv without it)
  for c in python3 /usr/bin/python3; do "$c" -c 'import torch, torchvision' 2>/dev/null && { py="$c"; break; }; done
  [[ -n "$py" ]] || { echo "$(basename "$0"): no python3 with torch and torchvision (set PYTHON)" >&2; exit 2; }
fi
models=(${MODELS:-ssd300 ssdlite320 retinanet_r50})
jar="$root/target/cvkit.jar"
[[ -f "$jar" ]] || { echo "single_stage_speed: build first: mvn -o -q package -DskipTests" >&2; exit 2; }
mkdir -p "$out"
"$py" "$root/bench/single_stage_torchvision.py" "$out/images" 1 "$batch" 0 --write-images
: > "$out/results.jsonl"
for threads in 1 2; do
  echo "load before $threads thread(s): $(cat /proc/loadavg)" | tee -a "$out/load.txt"
  "$py" "$root/bench/single_stage_torchvision.py" "$out/images" "$threads" "$batch" "$secs" "${models[@]}" | tee -a "$out/results.jsonl"
  (cd "$root" && java -cp "$jar" bench/SingleStageSpeed.java "$out/images" "$threads" "$batch" "$secs" "${models[@]}") | tee -a "$out/results.jsonl"
  echo "load after $threads thread(s): $(cat /proc/loadavg)" | tee -a "$out/load.txt"
done
"$py" - "$out/results.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
by = {(r["tool"], r["model"], r["threads"]): r for r in rows}
print(f"{'model':14} {'threads':>7} {'cvkit img/s':>12} {'torchvision':>12} {'ratio':>7} {'fwd-only ratio':>15} {'cpu ratio':>10} {'fwd-only cpu':>13} {'cvkit params':>13} {'tv params':>11}")
for (tool, model, threads), r in sorted(by.items(), key=lambda kv: (kv[0][1], kv[0][2])):
    if tool != "cvkit" or ("torchvision", model, threads) not in by:
        continue
    t = by[("torchvision", model, threads)]
    print(f"{model:14} {threads:>7} {r['img_per_s']:>12.2f} {t['img_per_s']:>12.2f} {r['img_per_s'] / t['img_per_s']:>7.2f} "
          f"{r['img_per_s_without_candidates'] / t['img_per_s_without_candidates']:>15.2f} "
          f"{t['cpu_s_per_batch'] / r['cpu_s_per_batch']:>10.2f} "
          f"{t['cpu_s_per_batch_without_candidates'] / r['cpu_s_per_batch_without_candidates']:>13.2f} {r['params']:>13,} {t['params']:>11,}")
PY
