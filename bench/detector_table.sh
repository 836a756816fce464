#!/usr/bin/env bash
# The bundled COCO detectors side by side: accuracy on the hand-labelled photos and speed per
# image at 1 and 2 threads (the table of docs/detectors.md).
#
#   bench/detector_table.sh              (MODELS="centernet nanodet", REPEAT=2 passes for speed)
#
# Accuracy: `cvkit eval --model M --data GT` (COCO stats at the evaluation threshold 0.05) on
# samples/gt.json (15 objects), bench/photos/gt.json (43 objects) and both together (the two
# ground truths merged into a temporary folder of links). Speed: `cvkit detect --threads N` over
# the same 17 photos REPEAT times; "ms/img" is wall time per image from detect's own summary
# (model loading and JVM start excluded, image decoding and JIT warm-up included), and the
# stage split is detect's "Speed:" line. The machine's load average is printed: on a shared
# machine the times move with it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cvkit="$root/bin/cvkit"
repeat="${REPEAT:-2}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/all"
for f in "$root"/samples/*.jpg "$root"/samples/*.png "$root"/bench/photos/*.jpg "$root"/bench/photos/*.png; do
  ln -s "$f" "$tmp/all/$(basename "$f")"
done
python3 - "$root/samples/gt.json" "$root/bench/photos/gt.json" "$tmp/all/gt.json" <<'PY'
import json, sys
images, anns, cats = [], [], {}
for path in sys.argv[1:3]:
    g = json.load(open(path))
    ids = {}
    for im in g["images"]:
        ids[im["id"]] = len(images) + 1
        images.append(dict(im, id=ids[im["id"]]))
    for a in g["annotations"]:
        anns.append(dict(a, id=len(anns) + 1, image_id=ids[a["image_id"]]))
    cats.update({c["id"]: c for c in g["categories"]})
json.dump({"images": images, "annotations": anns, "categories": sorted(cats.values(), key=lambda c: c["id"])},
          open(sys.argv[3], "w"))
PY

stats() { # model gt -> "AP AP50 AP75 APs"
  "$cvkit" eval --model "$1" --data "$2" --format json -q | python3 -c '
import json, sys
s = json.load(sys.stdin)
s = s["stats_named"]
print(" ".join(f"{s[k]:.3f}" for k in ("AP", "AP50", "AP75", "APs")))'
}

printf "%-10s %-13s %6s %6s %6s %6s\n" model set AP AP50 AP75 APs
for model in ${MODELS:-centernet nanodet}; do
  for set in samples bench/photos all; do
    gt="$root/$set/gt.json"
    [[ "$set" == all ]] && gt="$tmp/all/gt.json"
    printf "%-10s %-13s %s\n" "$model" "$set" "$(stats "$model" "$gt" | awk '{printf "%6s %6s %6s %6s", $1, $2, $3, $4}')"
  done
done

echo
printf "%-10s %7s %8s  %s\n" model threads "ms/img" "stages per image (detect's Speed line)"
for model in ${MODELS:-centernet nanodet}; do
  for threads in 1 2; do
    list=$(for ((i = 0; i < repeat; i++)); do ls "$tmp"/all/*.jpg "$tmp"/all/*.png; done)
    err=$(printf '%s\n' "$list" | "$cvkit" detect --model "$model" --threads "$threads" --format jsonl - 2>&1 >/dev/null)
    n=$(grep -E "inputs? in" <<<"$err" | sed -E 's/.* ([0-9]+) inputs? in ([0-9.]+) s.*/\1/')
    s=$(grep -E "inputs? in" <<<"$err" | sed -E 's/.* ([0-9]+) inputs? in ([0-9.]+) s.*/\2/')
    printf "%-10s %7s %8.0f  %s\n" "$model" "$threads" "$(python3 -c "print(1000 * $s / $n)")" "$(grep '^Speed:' <<<"$err" | sed 's/^Speed: //')"
  done
done
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
