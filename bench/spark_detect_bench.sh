#!/usr/bin/env bash
# Spark in local mode against the one-machine CLI: detect (NanoDet, --model nanodet) over N copies of
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

measure() { # measure NAME COMMAND…: wall and CPU seconds (user + sys) into $work/NAME, output discarded
  local name="$1"
  shift
  /usr/bin/time -f "%e %U %S" -o "$work/$name.time" "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
  awk '{ printf "%.2f %.2f\n", $1, $2 + $3 }' "$work/$name.time" > "$work/$name"
}
spark() { measure "$1" "$home/bin/cvkit-spark" detect --model nanodet --master "local[$2]" --input "$3" --output "$work/out-$1" -q; }

load0=$(cut -d' ' -f1-3 /proc/loadavg)
measure c1 "$home/bin/cvkit" detect --model nanodet "$work/img" --threads 1 -q --format jsonl
measure c2 "$home/bin/cvkit" detect --model nanodet "$work/img" --threads 2 -q --format jsonl
spark s1 1 "$work/img"
spark s2 2 "$work/img"
measure o1 "$home/bin/cvkit" detect --model nanodet "$work/one" --threads 2 -q --format jsonl
spark o2 2 "$work/one"
load1=$(cut -d' ' -f1-3 /proc/loadavg)

echo "detect, NanoDet, $n images ($(nproc) cores; load average before $load0, after $load1)"
echo
echo "| run | wall s | images/s | vs CLI, same cores | CPU s (user+sys) | CPU ms per image |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
read -r c1 c1cpu < "$work/c1"; read -r c2 c2cpu < "$work/c2"; read -r s1 s1cpu < "$work/s1"; read -r s2 s2cpu < "$work/s2"
read -r o1 o1cpu < "$work/o1"; read -r o2 o2cpu < "$work/o2"
awk -v n="$n" -v c1="$c1" -v c2="$c2" -v s1="$s1" -v s2="$s2" -v c1c="$c1cpu" -v c2c="$c2cpu" -v s1c="$s1cpu" -v s2c="$s2cpu" \
    -v o1c="$o1cpu" -v o2c="$o2cpu" 'BEGIN {
  printf "| bin/cvkit detect --threads 1 | %.1f | %.1f | 1 | %.1f | %.0f |\n", c1, n / c1, c1c, 1000 * (c1c - o1c) / (n - 1)
  printf "| bin/cvkit detect --threads 2 | %.1f | %.1f | 1 | %.1f | %.0f |\n", c2, n / c2, c2c, 1000 * (c2c - o1c) / (n - 1)
  printf "| bin/cvkit-spark detect --master local[1] | %.1f | %.1f | %.2f× | %.1f | %.0f |\n", s1, n / s1, c1 / s1, s1c, 1000 * (s1c - o2c) / (n - 1)
  printf "| bin/cvkit-spark detect --master local[2] | %.1f | %.1f | %.2f× | %.1f | %.0f |\n", s2, n / s2, c2 / s2, s2c, 1000 * (s2c - o2c) / (n - 1)
}'
echo
awk -v o1="$o1" -v o2="$o2" -v o1c="$o1cpu" -v o2c="$o2cpu" 'BEGIN {
  printf "one image, 2 cores: CLI %.1f s (%.1f CPU s), Spark %.1f s (%.1f CPU s): a job costs %.1f s more\n", o1, o1c, o2, o2c, o2 - o1
}'
echo "(CPU ms per image: the run's CPU time less the one-image run's, over the other images)"
