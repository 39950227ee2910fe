#!/usr/bin/env bash
# Soak test of the persistent sending queue: kill -9 and backend outages.
#
# Real processes on 127.0.0.1: an OTLP/HTTP backend that records received span ids, the agent
# (otlp receiver -> batch -> otlp_http exporter with sending_queue storage: disk and
# retry_on_failure max_elapsed_time: 0), and a load generator sending N spans with unique ids that
# records which requests were acknowledged with HTTP 200. During the run the backend is stopped
# for OUTAGE seconds twice and the agent is killed with SIGKILL three times and restarted.
# Afterwards every acknowledged span must have reached the backend (duplicates are allowed and
# counted). Prints N, lost, duplicates and the agent's peak RSS (VmHWM).
#
# Usage (from the repository root, after ./mvnw -q -DskipTests package -pl agent -am):
#   scripts/soak/run.sh            # defaults below; about 3 minutes
#   SPANS=100000 RATE=40 OUTAGE=10 scripts/soak/run.sh
# Not part of the test suite. Stops by itself: every wait is bounded.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
JAR=${JAR:-$ROOT/agent/target/tracewarden.jar}
SOAK=$ROOT/scripts/soak/Soak.java
SPANS=${SPANS:-300000}          # N, a multiple of PER_REQUEST
PER_REQUEST=${PER_REQUEST:-50}
RATE=${RATE:-50}                # requests per second offered by the load generator
THREADS=${THREADS:-8}
OUTAGE=${OUTAGE:-30}            # seconds the backend is down, twice
AGENT_PORT=${AGENT_PORT:-}        # default: a free port picked at random
BACKEND_PORT=${BACKEND_PORT:-}
AGENT_HEAP=${AGENT_HEAP:--Xmx256m}
LOAD_DEADLINE=${LOAD_DEADLINE:-600}   # seconds the load generator may take at most
DRAIN_TIMEOUT=${DRAIN_TIMEOUT:-180}   # seconds to wait for the backend to catch up at the end
WORK=${WORK:-$(mktemp -d /tmp/tracewarden-soak.XXXXXX)}

[[ -f $JAR ]] || { echo "no agent jar at $JAR; build it with ./mvnw -q -DskipTests package -pl agent -am" >&2; exit 2; }
(( SPANS % PER_REQUEST == 0 )) || { echo "SPANS must be a multiple of PER_REQUEST" >&2; exit 2; }
mkdir -p "$WORK"
echo "soak: work directory $WORK"
# A private copy: a rebuild of agent/target during the run must not change the running agent.
for ((i = 0; i < 10; i++)); do
  cp "$JAR" "$WORK/tracewarden.jar"
  if unzip -tqq "$WORK/tracewarden.jar" >/dev/null 2>&1; then break; fi
  echo "soak: the agent jar is being rebuilt; retrying the copy" >&2; sleep 10
done
unzip -tqq "$WORK/tracewarden.jar" >/dev/null 2>&1 || { echo "soak: no intact agent jar" >&2; exit 2; }
JAR=$WORK/tracewarden.jar

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
  local i port
  for ((i = 0; i < 50; i++)); do
    port=$((20000 + RANDOM % 30000))
    if ! listening "$port"; then echo "$port"; return 0; fi
  done
  echo "soak: no free port found" >&2; return 1
}
[[ -n $AGENT_PORT ]] || AGENT_PORT=$(free_port)
[[ -n $BACKEND_PORT ]] || BACKEND_PORT=$(free_port)
[[ $AGENT_PORT != "$BACKEND_PORT" ]] || BACKEND_PORT=$((AGENT_PORT + 1))
for port in $AGENT_PORT $BACKEND_PORT; do
  if listening "$port"; then echo "soak: 127.0.0.1:$port is already in use" >&2; exit 2; fi
done
echo "soak: agent on 127.0.0.1:$AGENT_PORT, backend on 127.0.0.1:$BACKEND_PORT"

AGENT_PID= BACKEND_PID= LOAD_PID= PEAK_KB=0 AGENT_RUNS=0
cleanup() {
  for pid in $LOAD_PID $AGENT_PID $BACKEND_PID; do
    kill "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
}
trap cleanup EXIT

cat > "$WORK/agent.yaml" <<EOF
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:$AGENT_PORT
processors:
  batch:
    send_batch_size: 1000
    timeout: 200ms
exporters:
  otlp_http/backend:
    endpoint: http://127.0.0.1:$BACKEND_PORT
    timeout: 5s
    sending_queue:
      enabled: true
      storage: disk
      max_bytes: 256MiB
      fsync: batch
      num_consumers: 4
    retry_on_failure:
      initial_interval: 200ms
      max_interval: 2s
      max_elapsed_time: 0
service:
  data_directory: $WORK/data
  shutdown_timeout: 5s
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [otlp_http/backend]
EOF

wait_port() { # port, seconds, pid that must be the one listening
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    kill -0 "$3" 2>/dev/null || { echo "soak: process $3 died at start; see $WORK/*.log" >&2; return 1; }
    if listening "$1"; then return 0; fi
    sleep 0.1
  done
  echo "soak: nothing listens on 127.0.0.1:$1 after $2 s" >&2
  return 1
}

sample_rss() {
  if [[ -n $AGENT_PID && -r /proc/$AGENT_PID/status ]]; then
    local kb
    kb=$(awk '/^VmHWM:/ {print $2}' "/proc/$AGENT_PID/status" 2>/dev/null || echo 0)
    if [[ -n $kb ]] && (( kb > PEAK_KB )); then PEAK_KB=$kb; fi
  fi
}

start_backend() {
  java -cp "$JAR" "$SOAK" backend "$BACKEND_PORT" "$WORK/received.txt" >> "$WORK/backend.log" 2>&1 &
  BACKEND_PID=$!
  wait_port "$BACKEND_PORT" 30 "$BACKEND_PID"
  echo "soak: $(date +%T) backend up (pid $BACKEND_PID)"
}

stop_backend() {
  kill "$BACKEND_PID"; wait "$BACKEND_PID" 2>/dev/null || true
  echo "soak: $(date +%T) backend stopped for $OUTAGE s"
  BACKEND_PID=
}

start_agent() {
  AGENT_RUNS=$((AGENT_RUNS + 1))
  java $AGENT_HEAP -jar "$JAR" run -c "$WORK/agent.yaml" >> "$WORK/agent-$AGENT_RUNS.log" 2>&1 &
  AGENT_PID=$!
  wait_port "$AGENT_PORT" 60 "$AGENT_PID"
  echo "soak: $(date +%T) agent up (run $AGENT_RUNS, pid $AGENT_PID)"
}

kill_agent() {
  sample_rss
  kill -9 "$AGENT_PID"; wait "$AGENT_PID" 2>/dev/null || true
  echo "soak: $(date +%T) agent killed with SIGKILL (run $AGENT_RUNS)"
  AGENT_PID=
}

pause() { # seconds, sampling RSS meanwhile
  local i
  for ((i = 0; i < $1; i++)); do sample_rss; sleep 1; done
}

: > "$WORK/received.txt"
start_backend
start_agent
java -cp "$JAR" "$SOAK" load "$AGENT_PORT" "$SPANS" "$PER_REQUEST" "$RATE" "$THREADS" \
  "$WORK/acked.txt" "$LOAD_DEADLINE" > "$WORK/load.log" 2>&1 &
LOAD_PID=$!
echo "soak: $(date +%T) load generator started: $SPANS spans, $PER_REQUEST per request, $RATE req/s"

# The schedule: three kills, two outages (one of them with a kill inside it).
pause 15;       kill_agent; sleep 2; start_agent
pause 10;       stop_backend
pause $((OUTAGE / 2)); kill_agent; sleep 1; start_agent
pause $((OUTAGE - OUTAGE / 2)); start_backend
pause 15;       kill_agent; sleep 1; start_agent
pause 5;        stop_backend
pause "$OUTAGE"; start_backend

# Wait for the load generator (bounded by its own deadline) and then for the backend to catch up.
for ((i = 0; i < LOAD_DEADLINE + 30; i++)); do
  kill -0 "$LOAD_PID" 2>/dev/null || break
  sample_rss; sleep 1
done
wait "$LOAD_PID" || true
LOAD_PID=
cat "$WORK/load.log"

expected=$(( $(grep -c . "$WORK/acked.txt" || true) * PER_REQUEST ))
for ((i = 0; i < DRAIN_TIMEOUT; i++)); do
  got=$(sort -un "$WORK/received.txt" | wc -l)
  (( got >= expected )) && break
  sample_rss; sleep 1
done
sample_rss
sleep 2   # a last in-flight request

kill "$AGENT_PID" 2>/dev/null || true; wait "$AGENT_PID" 2>/dev/null || true; AGENT_PID=
kill "$BACKEND_PID" 2>/dev/null || true; wait "$BACKEND_PID" 2>/dev/null || true; BACKEND_PID=

status=0
java -cp "$JAR" "$SOAK" check "$WORK/acked.txt" "$WORK/received.txt" "$PER_REQUEST" || status=$?
echo "soak: agent runs $AGENT_RUNS (3 of them ended by SIGKILL), backend outages 2 x ${OUTAGE}s"
echo "soak: agent peak RSS (max VmHWM over its runs): $((PEAK_KB / 1024)) MiB with $AGENT_HEAP"
echo "soak: queue directory left: $(du -sh "$WORK/data/queue" 2>/dev/null | cut -f1)"
grep -h "recovered\|cut short\|corrupt" "$WORK"/agent-*.log | sed 's/^/soak: agent log: /' | head -20 || true
exit $status
