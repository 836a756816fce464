#!/usr/bin/env bash
# Detection throughput: images per second per model at 1 and 2 threads, next to the original
# TF.js runtime (pure-JS CPU backend) on the same kind of images.
#
#   bench/detect_bench.sh [REPEAT]        (default REPEAT=5: each image set is run 5 times)
#   NODE=1 bench/detect_bench.sh          also re-run the Node reference live (slow: ~10 s/image)
#   MODELS="centernet nanodet" bench/detect_bench.sh   only these models (default: all four)
#
# Needs target/cvkit.jar (mvn -o -q package -DskipTests) and the models (tools/fetch-models.sh
# --import). Images: samples/ when present, else the test fixtures. img/s comes from detect's
# own summary line (model loading and JVM start excluded, JIT warm-up and image decoding
# included); "warm median ms" is the median per-image detect time ("ms" in the JSONL: network +
# pre/post-processing) over the last pass, and the speedup compares it with the original
# runtime's forward pass as recorded in the fixtures (or measured live with NODE=1).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repeat="${1:-5}"
jar="$root/target/cvkit.jar"
[[ -f "$jar" ]] || { echo "detect_bench: build first: mvn -o -q package -DskipTests" >&2; exit 2; }
fx="$root/src/test/resources/fixtures/detect"
if [[ -d "$root/samples" ]]; then imgs=("$root"/samples/*.jpg "$root"/samples/*.png); else imgs=("$fx"/*.png); fi

node_ms() { # model -> mean ms per image of the original runtime
  python3 - "$fx" "$1" <<'PY'
import json, sys
fx, model = sys.argv[1], sys.argv[2]
if model in ("nanodet", "centernet"):
    ms = [v["ms"] for v in json.load(open(f"{fx}/{model}-reference.json"))["images"].values()]
else:
    key = "ssd" if model == "face-ssd" else "tiny"
    ms = [v[key]["ms"] for v in json.load(open(f"{fx}/faceapi-reference.json"))["images"].values()]
print(round(sum(ms) / len(ms)))
PY
}

if [[ "${NODE:-0}" == "1" ]]; then
  "$root/tools/reference/run_all.sh" >/dev/null
fi

tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT
printf "%-10s %7s %9s %10s %14s %13s %9s\n" model threads "img/s" "ms/img" "warm median ms" "tfjs ms/img" speedup
for model in ${MODELS:-centernet nanodet face-ssd face-tiny}; do
  ref=$(node_ms "$model")
  for threads in 1 2; do
    list=$(for ((i = 0; i < repeat; i++)); do printf '%s\n' "${imgs[@]}"; done)
    line=$(printf '%s\n' "$list" | java -jar "$jar" detect --model "$model" --threads "$threads" --timings --format jsonl - 2>&1 >"$tmp" | grep -E "inputs? in [0-9.]+ s" | tail -n 1)
    # "detect: N inputs in S s"
    n=$(sed -E 's/.* ([0-9]+) inputs? in ([0-9.]+) s.*/\1/' <<<"$line")
    s=$(sed -E 's/.* ([0-9]+) inputs? in ([0-9.]+) s.*/\2/' <<<"$line")
    python3 - "$model" "$threads" "$n" "$s" "$ref" "$tmp" "${#imgs[@]}" <<'PY'
import json, statistics, sys
model, threads, n, s, ref = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
ms = [json.loads(l)["ms"] for l in open(sys.argv[6]) if l.strip()]
warm = statistics.median(ms[-int(sys.argv[7]):])  # the last pass over the image set: JIT warm
rate = n / s
print(f"{model:<10} {threads:>7} {rate:>9.2f} {1000 / rate:>10.1f} {warm:>14.0f} {ref:>13.0f} {ref / warm:>8.0f}x")
PY
  done
done
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
