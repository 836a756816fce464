#!/usr/bin/env bash
# Quality of the bundled person segmenters on real photos, with and without people
# (docs/segmentation.md): how much of each hand-checked person box is marked person, how much is
# marked outside the boxes, and how much of each photo without people is marked.
#
#   bench/person_seg_quality.sh [MODEL...]      (default: meet selfie)
#
# Photos: samples/ and Debian's opencv-doc examples (apt-get install opencv-doc): messi5,
# basketball1, frames 100 and 500 of vtest.avi, and photos of animals, fruit, buildings, streets.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/target/cvkit.jar"
[[ -f "$jar" ]] || { echo "person_seg_quality: build first: mvn -o -q package -DskipTests" >&2; exit 2; }
doc="${OPENCV_DOC:-/usr/share/doc/opencv-doc/examples/data}"   # Debian opencv-doc's photos
[[ -d "$doc" ]] || { echo "person_seg_quality: needs Debian's opencv-doc (apt-get install opencv-doc)" >&2; exit 2; }
models=("$@")
[[ ${#models[@]} -gt 0 ]] || models=(meet selfie)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/photos"
cp "$root"/samples/{person.jpg,astronaut.png,chelsea.png,coffee.png,dog.jpg,eagle.jpg,horses.jpg} "$work/photos/"
for f in messi5.jpg basketball1.png leuvenA.jpg building.jpg home.jpg fruits.jpg baboon.jpg butterfly.jpg \
    squirrel_cls.jpg orange.jpg apple.jpg aero1.jpg licenseplate_motion.jpg; do
  cp "$doc/$f" "$work/photos/"
done
for n in 100 500; do
  java -cp "$jar" "$root/bench/VideoFrame.java" "$doc/vtest.avi" "$work/photos/vtest_$n.png" "$n" 2>/dev/null
done
for m in "${models[@]}"; do
  java -jar "$jar" segment --model "$m" "$work/photos" --alpha "$work/$m" --format jsonl --quiet >/dev/null
done
python3 "$root/bench/person_seg_quality.py" "$work" "${models[@]}"
