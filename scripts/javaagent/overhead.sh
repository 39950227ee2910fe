#!/usr/bin/env bash
# Request latency of the javaagent's sample apps with and without the agent, against the fake model
# (zero think time) and a local OTLP receiver, all on loopback. See docs/benchmarks.md, section
# "javaagent overhead".
#
#   scripts/javaagent/overhead.sh                     # defaults below
#   APPS="anthropic-sync" RUNS=5 scripts/javaagent/overhead.sh
#   REBUILD=1 scripts/javaagent/overhead.sh           # rebuild the agent jar and test classes first
#
# Knobs (environment): APPS ("anthropic-sync anthropic-stream langchain4j-stream openai"),
# ITERATIONS per JVM (2000; the first half is warm-up), RUNS per configuration (3), JAVA_OPTS for
# every app JVM (-Xmx256m), CONFIGS ("none bare off on"): "none" (no agent), "bare" (the upstream
# agent alone: masking, our GenAI instrumentations and the Anthropic SDK's own tracing off), "off"
# (agent, masking off: tracewarden.disabled=true), "on" (agent, masking on, the default). Prints one "RESULT" line per
# app, configuration and run: the app's median and p99 per call, and the fake model's own median
# handler time over the same JVM's calls; a run whose app failed prints a FAILED line instead.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
module="$root/javaagent"
agent="$module/target/tracewarden-javaagent.jar"
APPS=${APPS:-anthropic-sync anthropic-stream langchain4j-stream openai}
ITERATIONS=${ITERATIONS:-2000}
RUNS=${RUNS:-3}
JAVA_OPTS=${JAVA_OPTS:--Xmx256m}
CONFIGS=${CONFIGS:-none bare off on}

if [[ ! -f "$agent" || ! -f "$module/target/sample-app.classpath" || "${REBUILD:-0}" == 1 ]]; then
  (cd "$root" && ./mvnw -q -o -DskipTests package -pl javaagent -am)
fi
work="$(mktemp -d /tmp/tracewarden-javaagent-overhead.XXXXXX)"
# -am with a phase, so that engine and guard resolve from this checkout rather than from a local
# repository they were never installed into; javaagent, built last, writes the file last.
(cd "$root" && ./mvnw -q -o -pl javaagent -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$work/test.classpath" >/dev/null)
sample_cp="$module/target/test-classes:$(cat "$module/target/sample-app.classpath")"
servers_cp="$module/target/test-classes:$(cat "$work/test.classpath")"

# The fake model and the receiver in their own JVM, as an application's model and backend would be.
java -Xmx256m -Dsun.net.httpserver.nodelay=true -cp "$servers_cp" \
  io.tracewarden.javaagent.it.FakeServers >"$work/servers.log" 2>&1 &
servers=$!
trap 'kill $servers 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  grep -q '^OTLP ' "$work/servers.log" 2>/dev/null && break
  sleep 0.1
done
model=$(awk '/^MODEL /{print $2}' "$work/servers.log")
anthropic=$(awk '/^ANTHROPIC /{print $2}' "$work/servers.log")
otlp=$(awk '/^OTLP /{print $2}' "$work/servers.log")

app_args() {
  case "$1" in
    anthropic-sync) echo "io.tracewarden.javaagent.sample.AnthropicSampleApp $anthropic $ITERATIONS sync" ;;
    anthropic-stream) echo "io.tracewarden.javaagent.sample.AnthropicSampleApp $anthropic $ITERATIONS stream" ;;
    langchain4j-stream) echo "io.tracewarden.javaagent.sample.LangChain4jStreamingSampleApp $model $ITERATIONS" ;;
    openai) echo "io.tracewarden.javaagent.sample.OpenAiSampleApp $model $ITERATIONS" ;;
    *) echo "unknown app $1" >&2; exit 2 ;;
  esac
}

agent_opts() {
  local common="-javaagent:$agent -Dotel.service.name=overhead -Dotel.exporter.otlp.endpoint=$otlp
    -Dotel.exporter.otlp.protocol=http/protobuf -Dotel.metrics.exporter=none
    -Dtracewarden.fingerprint_key_file=$work/fingerprint.key"
  case "$1" in
    none) ;;
    # The upstream agent alone: our GenAI instrumentations and the Anthropic SDK's own tracing off.
    bare) echo "$common -Dtracewarden.disabled=true -Danthropic.openTelemetry=false" \
      "-Dotel.instrumentation.tracewarden-anthropic.enabled=false" \
      "-Dotel.instrumentation.tracewarden-langchain4j.enabled=false" ;;
    off) echo "$common -Dtracewarden.disabled=true" ;;
    on) echo "$common" ;;
  esac
}

for app in $APPS; do
  for run in $(seq 1 "$RUNS"); do
    for config in $CONFIGS; do
      curl -s "${anthropic}/stats" >/dev/null # resets the fake model's handler times
      # shellcheck disable=SC2046
      if ! out=$(java $JAVA_OPTS $(agent_opts "$config") -cp "$sample_cp" $(app_args "$app") 2>&1); then
        # A failed call ends the app (no retries): reported and skipped, never averaged in.
        echo "FAILED app=$app config=$config run=$run:" >&2
        grep -m 3 -E 'Exception|Error' <<<"$out" >&2 || tail -5 <<<"$out" >&2
        continue
      fi
      read -r count model_median _ <<<"$(curl -s "${anthropic}/stats")"
      median=$(awk '/^LATENCY_NANOS /{print $2}' <<<"$out")
      p99=$(awk '/^LATENCY_P99_NANOS /{print $2}' <<<"$out")
      printf 'RESULT app=%s config=%s run=%s median_us=%.1f p99_us=%.1f model_median_us=%.1f model_calls=%s\n' \
        "$app" "$config" "$run" "$(bc -l <<<"$median/1000")" "$(bc -l <<<"$p99/1000")" \
        "$(bc -l <<<"$model_median/1000")" "$count"
    done
  done
done
