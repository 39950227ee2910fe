#!/usr/bin/env bash
# Runs every Jazzer fuzz target for a bounded time (coverage-guided fuzzing, not just the seeds).
#
#   scripts/fuzz.sh                 # 10 s per target, 8 targets: about 3 minutes in all
#   scripts/fuzz.sh 300             # 5 minutes per target
#   scripts/fuzz.sh 60 Config       # only targets whose name contains "Config"
#
# Plain `mvn test` already runs every fuzz test on its seed and regression inputs (no fuzzing).
# Each target runs in its own Maven invocation (Jazzer fuzzes one test per JVM). A finding stops
# that target, writes the input to the test's ...Inputs/<method>/ resource dir (where `mvn test`
# then replays it) and makes this script exit non-zero after the remaining targets ran.
# The corpus Jazzer grows is kept in <module>/.cifuzz-corpus/ (not committed) and reused.
set -uo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_TARGET="${1:-${FUZZ_SECONDS:-10}}"
FILTER="${2:-}"
MVN="./mvnw -o -B -q"
if [[ "${FUZZ_ONLINE:-}" == 1 ]]; then MVN="./mvnw -B -q -ntp"; fi

# module  test-class#method  instrumented packages (besides the project's own)  [libFuzzer flag]
TARGETS=(
  "core      io.tracewarden.core.fuzz.OtlpCodecFuzzTest#decodeTraces    com.google.protobuf.**:com.fasterxml.jackson.**"
  "core      io.tracewarden.core.fuzz.OtlpCodecFuzzTest#decodeLogs      com.google.protobuf.**:com.fasterxml.jackson.**"
  "core      io.tracewarden.core.fuzz.OtlpCodecFuzzTest#decodeMetrics   com.google.protobuf.**:com.fasterxml.jackson.**"
  "core      io.tracewarden.core.fuzz.ConfigFuzzTest#parse               org.yaml.snakeyaml.**"
  "core      io.tracewarden.core.fuzz.ConfigFuzzTest#buildService        org.yaml.snakeyaml.**"
  "receivers io.tracewarden.receivers.fuzz.OtlpHttpReceiverFuzzTest#httpRequest  none"
  "engine    io.tracewarden.engine.fuzz.SecretEngineFuzzTest#scanAnyText           com.google.re2j.**  -max_len=1024"
  "engine    io.tracewarden.engine.fuzz.SecretEngineFuzzTest#plantedSecretIsMasked com.google.re2j.**"
)

failed=()
mkdir -p target/fuzz-logs
for entry in "${TARGETS[@]}"; do
  read -r module test extra flag <<<"$entry"
  name="${test##*.}"
  if [[ -n "$FILTER" && "$name" != *"$FILTER"* ]]; then continue; fi
  includes="io.tracewarden.**"
  if [[ "$extra" != none ]]; then includes="$includes:$extra"; fi
  # The receiver test needs core's test classes: build the module with what it depends on.
  also=""
  if [[ "$module" == receivers ]]; then also="-am"; fi
  log="target/fuzz-logs/${name//#/.}.log"
  echo "fuzzing $name for ${SECONDS_PER_TARGET}s (log: $log)"
  # -max_total_time given as a libFuzzer argument overrides @FuzzTest(maxDuration);
  # -timeout makes one slow input (over 20 s) a finding.
  if JAZZER_FUZZ=1 $MVN test -pl "$module" $also -Dtest="$test" \
      -Dsurefire.failIfNoSpecifiedTests=false \
      -Djazzer.instrumentation_includes="$includes" \
      -Djazzer.internal.arg.0=fuzz \
      -Djazzer.internal.arg.1=-max_total_time="$SECONDS_PER_TARGET" \
      -Djazzer.internal.arg.2=-timeout=20 \
      ${flag:+-Djazzer.internal.arg.3="$flag"} >"$log" 2>&1; then
    grep -a -E '^Done [0-9]+ runs|^#[0-9]+ +DONE' "$log" | tail -1 | sed 's/^/  /'
  else
    echo "  FINDING or failure in $name: see $log"
    grep -a -m3 -E 'FuzzTestFindingException|Exception:|Error:' "$log" | sed 's/^/  /'
    failed+=("$name")
  fi
done

if ((${#failed[@]})); then
  echo "fuzzing found problems in: ${failed[*]}"
  exit 1
fi
echo "fuzzing: no findings"
