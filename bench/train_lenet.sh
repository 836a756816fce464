#!/usr/bin/env bash
# Quality benchmark (not a test): trains LeNet-5 with cvkit on Fashion-MNIST and on MNIST, one
# after the other, each within a 10-minute wall-clock budget, and evaluates on the test split.
# Targets: Fashion-MNIST >= 90.0 % and MNIST >= 99.0 % test top-1 (docs/benchmarks.md).
#
#   bench/train_lenet.sh [fashion-mnist|mnist ...]      (default: both)
#
# Needs target/cvkit.jar (mvn -o -q package -DskipTests) and the data (tools/fetch-data.sh; run
# here if missing). Runs go to runs/bench/<set>-<time>/; a summary line per set is printed and
# appended to runs/bench/lenet-results.tsv. Same schedule as bench/train_lenet_torch.py.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
jar="$root/target/cvkit.jar"
[ -f "$jar" ] || { echo "train_lenet: build first: mvn -o -q package -DskipTests" >&2; exit 2; }
[ -f data/cache/mnist/classes.txt ] && [ -f data/cache/fashion-mnist/classes.txt ] || tools/fetch-data.sh
threads="${THREADS:-$(nproc)}"
budget=600
sets=("$@")
[ ${#sets[@]} -gt 0 ] || sets=(fashion-mnist mnist)

for set in "${sets[@]}"; do
  case "$set" in
    # Fashion-MNIST: clothes are left/right symmetric, so flips are a fair augmentation
    fashion-mnist) args=(--epochs 15 --augment flip --schedule cosine) ;;
    mnist)         args=(--epochs 12 --augment shift=2 --schedule cosine) ;;
    *) echo "train_lenet: unknown set $set" >&2; exit 2 ;;
  esac
  out="runs/bench/$set-$(date -u +%Y%m%dT%H%M%S)"
  start=$(date +%s.%N)
  # the budget is a hard limit: a run still going at 10 minutes is stopped and its best epoch counts
  timeout --signal=KILL "$budget" java -jar "$jar" train --task classify --arch lenet5 --data "data/cache/$set" \
    --val-split 0 --batch 64 --optimizer adam --lr 0.001 "${args[@]}" --seed 1 --threads "$threads" \
    --out "$out" || echo "train_lenet: $set: training stopped at the ${budget}s budget" >&2
  train_s=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
  json="$(java -jar "$jar" eval --model "$out/best.safetensors" --data "data/cache/$set" --split test \
    --format json --threads "$threads" --plots "$out" --quiet)"
  top1="$(printf '%s' "$json" | python3 -c 'import json,sys; print("%.4f" % json.load(sys.stdin)["top1"])')"
  epochs="$(wc -l < "$out/metrics.jsonl")"
  line="$(printf '%s\tcvkit\tlenet5\t%s epochs\ttrain %.0f s\ttest top-1 %s\t%s' "$set" "$epochs" "$train_s" "$top1" "$out")"
  echo "$line"
  mkdir -p runs/bench && echo "$line" >> runs/bench/lenet-results.tsv
done
