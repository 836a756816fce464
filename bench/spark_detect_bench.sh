#!/usr/bin/env bash
# Spark in local mode against the one-machine CLI: detect (the default NanoDet) over N copies of
# the sample photographs (default 600), with bin/cvkit detect --threads 1 and 2, and
# bin/cvkit-spark detect --master local[1] and local[2]; then both on one image, for the cost
# of a job. Prints a Markdown table. Usage: bench/spark_detect_bench.sh [N]
# Builds what it needs on first use (bin/cvkit and bin/cvkit-spark do). Takes minutes.
set -euo pipefail
home="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n="${1:-600}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/img" "$work/one"
photos=("$home"/samples/*.jpg "$home"/samples/*.png)
for ((i = 0; i < n; i++)); do
  p="${photos[i % ${#photos[@]}]}"
  cp "$p" "$work/img/$(printf %05d "$i").${p##*.}"
done
cp "${photos[0]}" "$work/one/"
"$home/bin/cvkit" --version >/dev/null
"$home/bin/cvkit-spark" --version >/dev/null

secs() { # wall seconds of a command, its output discarded
  local s e
  s=$(date +%s.%N)
  "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
  e=$(date +%s.%N)
  awk -v s="$s" -v e="$e" 'BEGIN { printf "%.2f", e - s }'
}
spark() { secs "$home/bin/cvkit-spark" detect --master "local[$1]" --input "$2" --output "$work/$3" -q; }

load0=$(cut -d' ' -f1-3 /proc/loadavg)
c1=$(secs "$home/bin/cvkit" detect "$work/img" --threads 1 -q --format jsonl)
c2=$(secs "$home/bin/cvkit" detect "$work/img" --threads 2 -q --format jsonl)
s1=$(spark 1 "$work/img" out1)
s2=$(spark 2 "$work/img" out2)
o1=$(secs "$home/bin/cvkit" detect "$work/one" --threads 2 -q --format jsonl)
o2=$(spark 2 "$work/one" out3)
load1=$(cut -d' ' -f1-3 /proc/loadavg)

echo "detect, NanoDet, $n images ($(nproc) cores; load average before $load0, after $load1)"
echo
echo "| run | wall s | images/s | vs CLI, same cores |"
echo "| --- | ---: | ---: | ---: |"
awk -v n="$n" -v c1="$c1" -v c2="$c2" -v s1="$s1" -v s2="$s2" 'BEGIN {
  printf "| bin/cvkit detect --threads 1 | %.1f | %.1f | 1 |\n", c1, n / c1
  printf "| bin/cvkit detect --threads 2 | %.1f | %.1f | 1 |\n", c2, n / c2
  printf "| bin/cvkit-spark detect --master local[1] | %.1f | %.1f | %.2f× |\n", s1, n / s1, c1 / s1
  printf "| bin/cvkit-spark detect --master local[2] | %.1f | %.1f | %.2f× |\n", s2, n / s2, c2 / s2
}'
echo
awk -v o1="$o1" -v o2="$o2" -v n="$n" -v c2="$c2" -v s2="$s2" 'BEGIN {
  printf "one image, 2 cores: CLI %.1f s, Spark %.1f s: a job costs %.1f s more;\n", o1, o2, o2 - o1
  printf "per image beyond that (2 cores): CLI %.1f ms, Spark %.1f ms\n", 1000 * (c2 - o1) / (n - 1), 1000 * (s2 - o2) / (n - 1)
}'
