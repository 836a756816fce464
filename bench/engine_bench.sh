#!/usr/bin/env bash
# The engine against PyTorch in one sitting: `cvkit bench` next to the peer script
# tools/bench/torch_bench.py (or $TORCH_BENCH), each case in a fresh process, the tools taking
# turns case by case, 1 then 2 threads, then the same again with the other tool first; prints
# the ratio table of each sitting.
#
#   bench/engine_bench.sh [OUTDIR]         (default: a new temporary directory)
#
# Needs target/cvkit.jar (mvn -o -q package -DskipTests) and /usr/bin/python3 with torch and
# torchvision (../shared/bench/setup-peers.sh). About 25 minutes on 2 cores. Other load on the
# machine moves single numbers by 10–25 %: compare the two sittings before trusting a ratio.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/target/cvkit.jar"
peer="${TORCH_BENCH:-$root/tools/bench/torch_bench.py}"
[[ -f "$jar" ]] || { echo "engine_bench: build first: mvn -o -q package -DskipTests" >&2; exit 2; }
[[ -f "$peer" ]] || { echo "engine_bench: no torch_bench.py at $peer (set TORCH_BENCH)" >&2; exit 2; }
out="${1:-$(mktemp -d)}"
mkdir -p "$out"
# One process per case on both sides (roi_align brings roi_align_backward, a prefix): in one
# process PyTorch's Faster R-CNN step ran 10–20 % slower after the cases before it than alone.
# The two tools take turns case by case, so the host's drift falls on both alike.
cases=(sgemm conv2d train_lenet5 train_resnet20 infer_resnet18 nms roi_align train_fasterrcnn_r18fpn
       train_maskrcnn_r18fpn infer_fcn_resnet50)
torch() { /usr/bin/python3 "$peer" --threads "$1" --quick --case "$2" >> "$out/$3"; }
# through the launcher, so the JVM runs with the options users get
cvkit() { "$root/bin/cvkit" bench --threads "$1" --format jsonl --case "$2" >> "$out/$3"; }
sitting() { # $1: the tool that goes first, $2: suffix of the record files
  local t c
  for t in 1 2; do
    : > "$out/torch_t$t$2.jsonl"
    : > "$out/cv_t$t$2.jsonl"
    for c in "${cases[@]}"; do
      if [[ $1 == torch ]]; then
        torch "$t" "$c" "torch_t$t$2.jsonl"; cvkit "$t" "$c" "cv_t$t$2.jsonl"
      else
        cvkit "$t" "$c" "cv_t$t$2.jsonl"; torch "$t" "$c" "torch_t$t$2.jsonl"
      fi
    done
  done
}
sitting torch ""
sitting cvkit b
echo "sitting 1 (PyTorch first):"
python3 "$root/tools/bench/ratio_table.py" "$out"/torch_t1.jsonl "$out"/cv_t1.jsonl "$out"/torch_t2.jsonl "$out"/cv_t2.jsonl
echo
python3 "$root/tools/bench/scaling.py" "$out"/torch_t1.jsonl "$out"/cv_t1.jsonl "$out"/torch_t2.jsonl "$out"/cv_t2.jsonl
echo
echo "sitting 2 (cvkit first):"
python3 "$root/tools/bench/ratio_table.py" "$out"/torch_t1b.jsonl "$out"/cv_t1b.jsonl "$out"/torch_t2b.jsonl "$out"/cv_t2b.jsonl
echo
python3 "$root/tools/bench/scaling.py" "$out"/torch_t1b.jsonl "$out"/cv_t1b.jsonl "$out"/torch_t2b.jsonl "$out"/cv_t2b.jsonl
echo
echo "records: $out"
