#!/usr/bin/env bash
# Regenerates every TF.js reference fixture (slow: pure-JS TF.js, ~10 s per image and model).
#   tools/reference/run_all.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cache="${CVKIT_CACHE:-$root/data/cache}/npm"
"$root/tools/fetch-models.sh"
(cd "$root/tools/reference" && npm ci --no-audit --no-fund --silent)
fx="$root/src/test/resources/fixtures"
node "$root/tools/reference/decode_weights.js" "$fx/tfjs" "$cache"
node "$root/tools/reference/faceapi_reference.js" "$cache/face-api-1.7.15/model" "$fx/detect/faceapi-reference.json" \
  "$fx/detect/astronaut.png" "$fx/detect/person.png"
node "$root/tools/reference/nanodet_reference.js" "$cache/human-models-3.0.4/models/nanodet.json" "$fx/detect/nanodet-reference.json" \
  rgbnorm "$fx/detect/dog.png" "$fx/detect/person.png"
node "$root/tools/reference/centernet_reference.js" "$cache/human-models-3.0.4/models/centernet.json" "$fx/detect/centernet-reference.json" \
  "$fx/detect/dog.png" "$fx/detect/person.png"
for seg in meet selfie; do
  node "$root/tools/reference/personseg_reference.js" "$cache/human-models-3.0.4/models/$seg.json" "$fx/segment/$seg-reference.json" \
    "$fx/detect/dog.png" "$fx/detect/person.png"
done
