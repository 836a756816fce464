#!/usr/bin/env bash
# Coverage-guided fuzzing (Jazzer) of every parser of untrusted input, one target after another:
#   tools/fuzz.sh [TARGET ...]        (each for ParserFuzzTest.BUDGET, 2 minutes)
# A finding stops its target and is written to
# src/test/resources/dev/cvkit/fuzz/ParserFuzzTestInputs/TARGET/crash-*; commit it with the fix,
# and it runs as a regression test in every `mvn verify`. Summary lines: target, executions, result.
set -uo pipefail
cd "$(dirname "$0")/.."
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(cocoDataset cocoResults proposalResults safetensors classifierConfig detectorConfig
  tfjsManifest tfjsGraph image idxFile metricsLog)
status=0
for t in "${targets[@]}"; do
  log="target/fuzz-$t.log"
  mkdir -p target
  mvn -B -o -f pom-cvkit.xml -Pfuzz test -Dtest="ParserFuzzTest#$t" -Dsurefire.failIfNoSpecifiedTests=false >"$log" 2>&1
  rc=$?
  runs=$(grep -oE '^Done [0-9]+ runs' "$log" | tail -1 | awk '{print $2}')
  [ -z "$runs" ] && runs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
  if [ $rc -eq 0 ]; then echo "$t: ${runs:-?} executions, no finding"; else echo "$t: ${runs:-?} executions, FINDING (see $log)"; status=1; fi
done
exit $status
