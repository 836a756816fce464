#!/usr/bin/env bash
# The engine against PyTorch in one sitting: `cvkit bench` next to the peer script
# tools/bench/torch_bench.py (or $TORCH_BENCH), alternating tools, 1 then 2 threads, then
# the same again in the opposite order; prints the ratio table of each sitting.
#
#   bench/engine_bench.sh [OUTDIR]         (default: a new temporary directory)
#
# Needs target/cvkit.jar (mvn -o -q package -DskipTests) and /usr/bin/python3 with torch and
# torchvision (../shared/bench/setup-peers.sh). About 30 minutes on 2 cores. Other load on the
# machine moves single numbers by 10–25 %: compare the two sittings before trusting a ratio.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/target/cvkit.jar"
peer="${TORCH_BENCH:-$root/tools/bench/torch_bench.py}"
[[ -f "$jar" ]] || { echo "engine_bench: build first: mvn -o -q package -DskipTests" >&2; exit 2; }
[[ -f "$peer" ]] || { echo "engine_bench: no torch_bench.py at $peer (set TORCH_BENCH)" >&2; exit 2; }
out="${1:-$(mktemp -d)}"
mkdir -p "$out"
torch() { /usr/bin/python3 "$peer" --threads "$1" --quick > "$out/$2"; }
# through the launcher, so the JVM runs with the options users get (its collector)
cvkit() { "$root/bin/cvkit" bench --threads "$1" --format jsonl > "$out/$2"; }
torch 1 torch_t1.jsonl; cvkit 1 cv_t1.jsonl; torch 2 torch_t2.jsonl; cvkit 2 cv_t2.jsonl
cvkit 1 cv_t1b.jsonl; torch 1 torch_t1b.jsonl; cvkit 2 cv_t2b.jsonl; torch 2 torch_t2b.jsonl
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
