#!/usr/bin/env bash
# A real multi-process Flink standalone cluster on this machine: one JobManager and N TaskManagers, each its own JVM,
# with lib/ assembled from Maven Central (cluster/target/flink-lib) and the configuration in flink-conf/.
#   scripts/cluster.sh start [--taskmanagers N] [--rest-port P] [--rpc-port P] [--work-dir DIR]
#                                                          (defaults: 2, 8081, 6123, work/cluster)
#   scripts/cluster.sh stop  [--work-dir DIR]
# Then submit the job jar with the web UI or REST (/jars/upload, /jars/{id}/run), or scripts/cluster.sh submit.
#   scripts/cluster.sh submit [--rest-port P] -- JOB ARGS...   uploads job/target/job-flink.jar and runs it
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
command="${1:-}"; shift || true
taskmanagers=2; rest_port=8081; rpc_port=6123; work="$root/work/cluster"
while [ $# -gt 0 ]; do
  case "$1" in
    --taskmanagers) taskmanagers="$2"; shift 2 ;;
    --rest-port) rest_port="$2"; shift 2 ;;
    --rpc-port) rpc_port="$2"; shift 2 ;;
    --work-dir) work="$2"; shift 2 ;;
    --) shift; break ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
lib="$root/cluster/target/flink-lib"
jar="$root/job/target/job-flink.jar"

# Settings that differ on one machine from flink-conf/config.yaml (which is written for the docker-compose hosts).
local_settings=(-D jobmanager.rpc.address=localhost -D rest.address=localhost -D rest.bind-address=127.0.0.1
  -D rest.port="$rest_port" -D jobmanager.rpc.port="$rpc_port" -D taskmanager.host=localhost
  -D execution.checkpointing.dir="file://$work/checkpoints" -D execution.checkpointing.savepoint-dir="file://$work/savepoints" -D blob.server.port=0
  -D taskmanager.memory.process.size=2g -D taskmanager.memory.managed.fraction=0.05
  -D jobmanager.memory.process.size=1200m -D metrics.reporter.prom.port=9249-9259
  -D heartbeat.interval=2000 -D heartbeat.timeout=10000)  # a lost TaskManager is noticed in seconds, not 50 s

# What Flink's own bin/ scripts do: derive the JVM memory flags and the full memory configuration from the settings.
resource_params() { # GET_TM_RESOURCE_PARAMS or GET_JM_RESOURCE_PARAMS; prints two lines: JVM flags, then -D settings
  java -cp "$lib/*" org.apache.flink.runtime.util.bash.BashJavaUtils "$1" --configDir "$root/flink-conf" \
    "${local_settings[@]}" 2>/dev/null | sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p'
}

java_opts="$(sed -n 's/^env\.java\.opts\.all: *"\(.*\)"$/\1/p' "$root/flink-conf/config.yaml")"

start_jvm() { # name main-class resource-command
  local name="$1" main="$2" params jvm dynamic
  params="$(resource_params "$3")"
  jvm="$(echo "$params" | sed -n 1p)"
  dynamic="$(echo "$params" | sed -n 2p)"
  [ -n "$jvm" ] || { echo "error: could not derive the memory settings of $name" >&2; exit 1; }
  mkdir -p "$work/logs"
  # One ND4J thread per task slot: more would oversubscribe the cores the slots already use.
  # shellcheck disable=SC2086  # the derived flags are separate words
  OMP_NUM_THREADS=1 nohup java $jvm $java_opts \
    -Dlog.file="$work/logs/$name.log" -Dlog4j.configurationFile="$root/flink-conf/log4j.properties" \
    -cp "$lib/*" "$main" --configDir "$root/flink-conf" "${local_settings[@]}" $dynamic \
    >"$work/logs/$name.out" 2>&1 &
  echo $! >"$work/$name.pid"
  echo "started $name (pid $!)"
}

case "$command" in
  start)
    [ -d "$lib" ] || { echo "error: $lib is missing: build it with: mvn -B -DskipTests package -pl cluster -am" >&2; exit 1; }
    mkdir -p "$work"
    start_jvm jobmanager org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint GET_JM_RESOURCE_PARAMS
    for i in $(seq 1 "$taskmanagers"); do
      start_jvm "taskmanager-$i" org.apache.flink.runtime.taskexecutor.TaskManagerRunner GET_TM_RESOURCE_PARAMS
    done
    command -v curl >/dev/null || { echo "starting: web UI http://localhost:$rest_port, logs in $work/logs"; exit 0; }
    for _ in $(seq 1 120); do
      if curl -fsS "http://127.0.0.1:$rest_port/taskmanagers" 2>/dev/null | grep -o '"id"' | wc -l \
          | grep -qx "$taskmanagers"; then
        echo "cluster up: web UI http://localhost:$rest_port, $taskmanagers task managers, logs in $work/logs"
        exit 0
      fi
      sleep 1
    done
    echo "error: the cluster did not come up within 120 s; see $work/logs" >&2
    exit 1 ;;
  stop)
    # Wait until each JVM is gone: a JVM still shutting down writes its log and cleans its blobs in the work dir,
    # which a user (or a test) may be about to delete.
    pids=()
    for pidfile in "$work"/*.pid; do
      [ -e "$pidfile" ] || continue
      pid="$(cat "$pidfile")"
      kill "$pid" 2>/dev/null && pids+=("$pid")
      rm -f "$pidfile"
    done
    for pid in "${pids[@]}"; do
      for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
      if kill -0 "$pid" 2>/dev/null; then
        echo "pid $pid did not stop within 30 s: killed" >&2
        kill -9 "$pid" 2>/dev/null || true
      fi
    done
    echo "stopped" ;;
  submit)
    [ -f "$jar" ] || { echo "error: no job jar: build it with: mvn -B -DskipTests package -pl job -am" >&2; exit 1; }
    id="$(curl -fsS -X POST -F "jarfile=@$jar" "http://127.0.0.1:$rest_port/jars/upload" \
      | sed -n 's/.*"filename":"[^"]*\/\([^"/]*\)".*/\1/p')"
    args="$(printf '"%s",' "$@")"
    # A REST run without a parallelism runs at 1, not at the cluster's parallelism.default (Flink's JarRunHandler
    # takes its default from the request): ask the JobManager for its value and send it. --parallelism in the job's
    # arguments still wins.
    parallelism="$(curl -fsS "http://127.0.0.1:$rest_port/jobmanager/config" \
      | grep -o '"key":"parallelism.default","value":"[0-9]*"' | grep -o '[0-9]*"$' | tr -d '"' || true)"
    response="$(curl -sS -X POST -H 'Content-Type: application/json' -w '\n%{http_code}' \
      -d "{\"programArgsList\":[${args%,}]${parallelism:+,\"parallelism\":$parallelism}}" \
      "http://127.0.0.1:$rest_port/jars/$id/run")"
    status="${response##*$'\n'}"
    body="${response%$'\n'*}"
    if [ "${status:0:1}" != 2 ]; then
      # Flink answers with the whole stack trace: the job's own message is what its main failed with
      trace="$(printf '%s' "$body" | sed 's/\\n/\n/g; s/\\t/ /g')"
      cause="$(printf '%s\n' "$trace" | grep -o 'The main method caused an error: .*' | head -1 | cut -d' ' -f7-)"
      [ -n "$cause" ] || cause="$(printf '%s\n' "$trace" | grep '^Caused by: ' | tail -1 | sed 's/^Caused by: [^ ]*: //')"
      echo "error: the cluster did not run the job (HTTP $status): ${cause:-$body}" >&2
      exit 1
    fi
    echo "$body" ;;
  *)
    sed -n '2,8p' "$0" >&2; exit 2 ;;
esac
