#!/usr/bin/env bash
# Pass-through pipeline load test: LoadGen --OTLP/HTTP--> agent [otlp -> (secrets) -> batch ->
# otlp_http] --OTLP/HTTP--> Sink, all on loopback on this machine. See docs/benchmarks.md,
# section "Pipeline throughput (otlp → batch → otlp_http)".
#
#   scripts/load/run.sh                         # defaults below
#   SECRETS=1 scripts/load/run.sh               # add the secrets processor before batch
#   RECORDING=full scripts/load/run.sh          # also fan out to the recording exporter (full|metadata)
#   QUEUE=1 QUEUE_SIZE=8 CONSUMERS=4 scripts/load/run.sh   # exporter with its sending queue
#   CONNECTIONS=16 BATCH_SIZE=8192 CONSUMERS=4 DURATION=60 scripts/load/run.sh
#   JFR=1 scripts/load/run.sh                   # also record the agent (JFR file path printed)
#   REBUILD=1 scripts/load/run.sh               # rebuild agent/target/tracewarden.jar first
#
# Knobs (environment): CONNECTIONS (8), WARMUP (15 s), DURATION (30 s), BATCH_SIZE (2000),
# BATCH_TIMEOUT (200ms), QUEUE (0: sending_queue off, so each sender's ack waits for the backend;
# 1: on), QUEUE_SIZE (8 requests = batches; see the docs on why not 1000), CONSUMERS (4), SECRETS (0), CONTENT (clean |
# secrets10pct), AGENT_HEAP (-Xmx320m -Xmn200m), AGENT_GC (-XX:+UseParallelGC), AGENT_OPTS (extra),
# OTLP_PORT (24318), SINK_PORT (24319), ADMIN_PORT (23133), JFR (0), NMT (0; 1 runs the agent with
# -XX:NativeMemoryTracking=summary and prints jcmd's summary at the end of the window).
# KEEP=1 keeps the work dir (logs, config) under /tmp. Prints one "RESULT ..." line; exits non-zero when the agent dies or nothing was delivered.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$root/scripts/load"
jar="$root/agent/target/tracewarden.jar"
bench_jar="$root/benchmarks/target/benchmarks.jar"

CONNECTIONS=${CONNECTIONS:-8}
WARMUP=${WARMUP:-15}
DURATION=${DURATION:-30}
BATCH_SIZE=${BATCH_SIZE:-2000}
BATCH_TIMEOUT=${BATCH_TIMEOUT:-200ms}
CONSUMERS=${CONSUMERS:-4}
QUEUE_SIZE=${QUEUE_SIZE:-8}
QUEUE=${QUEUE:-0}
SECRETS=${SECRETS:-0}
RECORDING=${RECORDING:-}
CONTENT=${CONTENT:-clean}
AGENT_HEAP=${AGENT_HEAP:--Xmx320m -Xmn200m}
AGENT_GC=${AGENT_GC:--XX:+UseParallelGC}
AGENT_OPTS=${AGENT_OPTS:-}
OTLP_PORT=${OTLP_PORT:-24318}
SINK_PORT=${SINK_PORT:-24319}
ADMIN_PORT=${ADMIN_PORT:-23133}
JFR=${JFR:-0}

if [[ ! -f "$jar" || "${REBUILD:-0}" == 1 ]]; then
  (cd "$root" && ./mvnw -q -o -DskipTests package -pl agent -am)
fi
work="$(mktemp -d /tmp/tracewarden-load.XXXXXX)"
# Run a private copy: other builds may rewrite agent/target/tracewarden.jar while we run.
cp "$jar" "$work/tracewarden.jar"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "$work/data" "$work/tracewarden.jar" "$work/benchmarks.jar"
  # Keep logs (agent.log, gc.log, loadgen.log, sink.log, agent.yaml) only when asked or profiling.
  if [[ "${KEEP:-0}" != 1 && "$JFR" != 1 ]]; then rm -rf "$work"; fi
}
trap cleanup EXIT INT TERM

processors="[batch]"
secrets_cfg=""
if [[ "$SECRETS" == 1 ]]; then
  processors="[secrets, batch]"
  secrets_cfg="  secrets:
    rules: [builtin]
    fingerprint_key: 0123456789abcdef0123"
fi
exporters="[otlp_http]"
recording_cfg=""
if [[ -n "$RECORDING" ]]; then
  exporters="[otlp_http, recording]"
  recording_cfg="  recording:
    directory: $work/audit
    content: $RECORDING"
fi
cat >"$work/agent.yaml" <<EOF
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:$OTLP_PORT
processors:
$secrets_cfg
  batch:
    send_batch_size: $BATCH_SIZE
    timeout: $BATCH_TIMEOUT
exporters:
  otlp_http:
    endpoint: http://127.0.0.1:$SINK_PORT
    compression: none
    sending_queue: { enabled: $([[ $QUEUE == 1 ]] && echo true || echo false), queue_size: $QUEUE_SIZE, num_consumers: $CONSUMERS }
    retry_on_failure: { enabled: true, initial_interval: 100ms, max_interval: 1s }
$recording_cfg
extensions:
  admin:
    endpoint: 127.0.0.1:$ADMIN_PORT
service:
  extensions: [admin]
  data_directory: $work/data
  telemetry: { logs: { level: warn } }
  pipelines:
    traces:
      receivers: [otlp]
      processors: $processors
      exporters: $exporters
EOF

wait_port() { # host port seconds
  for _ in $(seq $(($3 * 10))); do
    (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "timed out waiting for $1:$2" >&2
  return 1
}
ticks() { # utime+stime of a pid, in clock ticks
  awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0
}
status_kb() { # pid field
  awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status" 2>/dev/null || echo 0
}

java -Xmx256m -XX:+UseParallelGC "$here/Sink.java" "$SINK_PORT" >"$work/sink.log" 2>&1 &
sink_pid=$!; pids+=("$sink_pid")
wait_port 127.0.0.1 "$SINK_PORT" 60

jfr_opt=()
[[ "${NMT:-0}" == 1 ]] && jfr_opt+=("-XX:NativeMemoryTracking=summary")
if [[ "$JFR" == 1 ]]; then
  jfr_opt=("-XX:StartFlightRecording=delay=${WARMUP}s,duration=${DURATION}s,settings=profile,filename=$work/agent.jfr")
fi
# shellcheck disable=SC2086 # AGENT_OPTS is a list by design
java $AGENT_HEAP $AGENT_GC -Xlog:gc:file="$work/gc.log" $AGENT_OPTS "${jfr_opt[@]}" -jar "$work/tracewarden.jar" run -c "$work/agent.yaml" \
  >"$work/agent.log" 2>&1 &
agent_pid=$!; pids+=("$agent_pid")
for _ in $(seq 600); do
  curl -sf -m 2 "http://127.0.0.1:$ADMIN_PORT/ready" >/dev/null 2>&1 && break
  kill -0 "$agent_pid" 2>/dev/null || { echo "agent died:" >&2; cat "$work/agent.log" >&2; exit 1; }
  sleep 0.1
done
curl -sf -m 2 "http://127.0.0.1:$ADMIN_PORT/ready" >/dev/null || { echo "agent not ready" >&2; exit 1; }

# protobuf-java + opentelemetry-proto for LoadGen; benchmarks.jar also brings the exact
# PipelineCostBenchmark request (otherwise LoadGen builds an equivalent one).
gen_cp="$work/tracewarden.jar"
[[ -f "$bench_jar" ]] && cp "$bench_jar" "$work/benchmarks.jar" && gen_cp="$work/benchmarks.jar:$gen_cp"
java -Xmx512m -XX:+UseParallelGC -cp "$gen_cp" "$here/LoadGen.java" \
  --url "http://127.0.0.1:$OTLP_PORT/v1/traces" --connections "$CONNECTIONS" \
  --warmup "$WARMUP" --duration "$DURATION" --content "$CONTENT" >"$work/loadgen.log" 2>&1 &
gen_pid=$!; pids+=("$gen_pid")

# Sample RSS every 0.5 s for the whole run; CPU and sink counters at the window's edges.
peak_rss=0
sample() {
  local r; r=$(status_kb "$agent_pid" VmRSS); r=${r:-0}
  ((r > peak_rss)) && peak_rss=$r
  return 0
}
deadline=$((SECONDS + WARMUP + DURATION + 120))
until grep -q MEASURE_START "$work/loadgen.log" 2>/dev/null; do
  kill -0 "$gen_pid" 2>/dev/null || { cat "$work/loadgen.log" >&2; exit 1; }
  ((SECONDS < deadline)) || { echo "loadgen never started measuring" >&2; exit 1; }
  sample; sleep 0.5
done
read -r _ sink_spans0 _ <<<"$(curl -s -m 5 "http://127.0.0.1:$SINK_PORT/stats")"
jcmd "$agent_pid" Thread.print >"$work/threads0.txt" 2>/dev/null || true
a0=$(ticks "$agent_pid"); g0=$(ticks "$gen_pid"); s0=$(ticks "$sink_pid"); t0=$(date +%s.%N)
stat0=$(awk '/^cpu /{print $2+$3+$4+$6+$7+$8, $5}' /proc/stat)
until grep -q MEASURE_END "$work/loadgen.log" 2>/dev/null; do
  kill -0 "$gen_pid" 2>/dev/null || break
  kill -0 "$agent_pid" 2>/dev/null || { echo "agent died" >&2; tail -20 "$work/agent.log" >&2; exit 1; }
  ((SECONDS < deadline)) || { echo "loadgen overran" >&2; exit 1; }
  sample; sleep 0.5
done
jcmd "$agent_pid" Thread.print >"$work/threads1.txt" 2>/dev/null || true
a1=$(ticks "$agent_pid"); g1=$(ticks "$gen_pid"); s1=$(ticks "$sink_pid"); t1=$(date +%s.%N)
stat1=$(awk '/^cpu /{print $2+$3+$4+$6+$7+$8, $5}' /proc/stat)
read -r _ sink_spans1 _ <<<"$(curl -s -m 5 "http://127.0.0.1:$SINK_PORT/stats")"
sample
wait "$gen_pid" || true
hwm=$(status_kb "$agent_pid" VmHWM)
if [[ "${NMT:-0}" == 1 ]]; then
  jcmd "$agent_pid" VM.native_memory summary scale=MB | grep -E 'Total|committed=' | head -30
fi
grep -E '^tracewarden_(items_(accepted|refused|exported|failed)_total|receiver_requests_refused_total)' \
  <(curl -s -m 5 "http://127.0.0.1:$ADMIN_PORT/metrics") >"$work/metrics.txt" || true

hz=$(getconf CLK_TCK)
result=$(grep '^loadgen result' "$work/loadgen.log" || true)
[[ -n "$result" ]] || { cat "$work/loadgen.log" >&2; exit 1; }
awk -v r="$result" -v a0="$a0" -v a1="$a1" -v g0="$g0" -v g1="$g1" -v s0="$s0" -v s1="$s1" \
  -v t0="$t0" -v t1="$t1" -v hz="$hz" -v sp0="$sink_spans0" -v sp1="$sink_spans1" \
  -v rss="$peak_rss" -v hwm="$hwm" -v st0="$stat0" -v st1="$stat1" \
  -v cfg="secrets=$SECRETS recording=${RECORDING:-off} content=$CONTENT connections=$CONNECTIONS batch=$BATCH_SIZE/$BATCH_TIMEOUT queue=$QUEUE/$QUEUE_SIZE consumers=$CONSUMERS heap=$AGENT_HEAP gc=$AGENT_GC" \
  'BEGIN {
    dt = t1 - t0; split(st0, x); split(st1, y)
    busy = (y[1] - x[1]); idle = (y[2] - x[2])
    sub(/^loadgen result: /, "", r)
    split(r, kv, /[ =]/); sps = kv[2]
    printf "RESULT %s | sink_spans_per_s=%.0f | spans_per_agent_cpu_s=%.0f | cpu_cores agent=%.2f loadgen=%.2f sink=%.2f machine_busy=%.0f%% | agent_rss_peak_mb=%.0f vmhwm_mb=%.0f | %s\n",
      r, (sp1 - sp0) / dt, sps / ((a1 - a0) / hz / dt), (a1 - a0) / hz / dt, (g1 - g0) / hz / dt, (s1 - s0) / hz / dt,
      100 * busy / (busy + idle), rss / 1024, hwm / 1024, cfg
  }'
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)   agent GC (whole run): $(grep -c 'Pause Young' "$work/gc.log") young, $(grep -c 'Pause Full' "$work/gc.log") full, $(awk '/Pause/{sub(/ms$/, "", $NF); t += $NF} END {printf "%.1f s", t / 1000}' "$work/gc.log") paused"
python3 "$here/thread_cpu.py" "$work/threads0.txt" "$work/threads1.txt" "$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}')" || true
echo "agent metrics:"
sed 's/^/  /' "$work/metrics.txt"
grep -hiE 'exception|error|warn' "$work/agent.log" | head -5 || true
if [[ "${sink_spans1:-0}" -le "${sink_spans0:-0}" ]]; then
  echo "nothing reached the sink during the window" >&2
  exit 1
fi
if [[ "$JFR" == 1 ]]; then
  for _ in $(seq 100); do [[ -s "$work/agent.jfr" ]] && break; sleep 0.2; done
  kill "$agent_pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$agent_pid" 2>/dev/null || break; sleep 0.1; done
  echo "JFR: $work/agent.jfr  (summarise: python3 $here/jfr_top.py $work/agent.jfr)"
fi
