#!/usr/bin/env bash
# Person segmentation throughput: images per second of 'cvkit segment' per bundled model at 1 and
# 2 threads, next to the original TF.js runtime's forward pass (Node, pure-JS CPU and WASM backends).
#
#   bench/segment_bench.sh [REPEAT]        (default REPEAT=5: the sample photos are run 5 times)
#
# Needs target/cvkit.jar (mvn -o -q package -DskipTests); the TF.js columns need the npm cache
# (tools/fetch-models.sh) and tools/reference's packages (npm ci --prefix tools/reference), else
# they show '-'. img/s comes from segment's own summary line (model loading and JVM start
# excluded; image decoding, resizing the mask to the photo and the JSONL included).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repeat="${1:-5}"
jar="$root/target/cvkit.jar"
[[ -f "$jar" ]] || { echo "segment_bench: build first: mvn -o -q package -DskipTests" >&2; exit 2; }
cache="${CVKIT_CACHE:-$root/data/cache}/npm/human-models-3.0.4/models"
imgs=("$root"/samples/*.jpg "$root"/samples/*.png)
printf "%-8s %7s %9s %10s %14s %15s\n" model threads "img/s" "ms/img" "tfjs-cpu ms" "tfjs-wasm ms"
for model in meet selfie; do
  cpu=-; wasm=-
  if [[ -f "$cache/$model.json" && -d "$root/tools/reference/node_modules/@tensorflow/tfjs" ]]; then
    cpu=$(node "$root/tools/reference/personseg_speed.js" "$cache/$model.json" "$root/src/test/resources/fixtures/detect/person.png" 10 cpu 2>/dev/null | cut -d' ' -f2)
    wasm=$(node "$root/tools/reference/personseg_speed.js" "$cache/$model.json" "$root/src/test/resources/fixtures/detect/person.png" 10 wasm 2>/dev/null | cut -d' ' -f2 || echo -)
  fi
  for threads in 1 2; do
    list=$(for ((i = 0; i < repeat; i++)); do printf '%s\n' "${imgs[@]}"; done)
    line=$(printf '%s\n' "$list" | java -jar "$jar" segment --model "$model" --threads "$threads" --format jsonl - 2>&1 >/dev/null | tail -n 1)
    # "segment: N inputs in S s"
    n=$(sed -E 's/.* ([0-9]+) inputs? in ([0-9.]+) s.*/\1/' <<<"$line")
    s=$(sed -E 's/.* ([0-9]+) inputs? in ([0-9.]+) s.*/\2/' <<<"$line")
    awk -v m="$model" -v t="$threads" -v n="$n" -v s="$s" -v c="$cpu" -v w="$wasm" \
      'BEGIN { printf "%-8s %7d %9.2f %10.1f %14s %15s\n", m, t, n / s, 1000 * s / n, c, w }'
  done
done
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
