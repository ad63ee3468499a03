#!/usr/bin/env bash
# Flink's SQL client with this project's model provider ('provider' = 'stream-predict'), the Kafka SQL connector and
# the JSON and Avro formats: CREATE MODEL and ML_PREDICT as docs/sql.md shows them.
#   scripts/sql-client.sh [SQL client options]        statements run in the client's own Flink, on this machine
#                                                     (beside ./run-local.sh, whose broker is 127.0.0.1:9092)
#   scripts/sql-client.sh --cluster [--rest-port P] [SQL client options]
#                                                     statements run on scripts/cluster.sh's cluster (P: 8081); the
#                                                     provider jar, the connector and the formats go with each one,
#                                                     as ADD JAR sends them
# SQL client options: -f FILE runs a script and exits; -i FILE runs one first; -j JAR adds a jar; --help for all.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cluster=false; rest_port=8081
while [ $# -gt 0 ]; do
  case "$1" in
    --cluster) cluster=true; shift ;;
    --rest-port)
      [[ "${2:-}" =~ ^[0-9]+$ ]] || { echo "error: --rest-port takes a port number, got '${2:-}'" >&2; exit 2; }
      rest_port="$2"; shift 2 ;;
    *) break ;;
  esac
done
# The SQL client starts without a word on an option it does not know, and with a stack trace (exit 0) on a script
# file that is not there: both are caught here.
args=("$@")
script=false
for i in "${!args[@]}"; do
  case "${args[$i]}" in
    -f|--file) script=true ;;&
    -f|--file|-i|--init|-j|--jar)
      file="${args[$((i + 1))]:-}"
      [ -f "$file" ] || { echo "error: ${args[$i]} '$file': no such file" >&2; exit 2; } ;;
    --cluster|--rest-port)
      echo "error: ${args[$i]} goes before the SQL client's options" >&2; exit 2 ;;
    --file=*|--init=*|--jar=*|--library=*|--session=*|--history=*) ;;
    --library|--session|--history|--help|--py*) ;;
    --*)
      echo "error: unknown option ${args[$i]}: this script takes --cluster and --rest-port P, then the SQL" \
        "client's options (scripts/sql-client.sh --help)" >&2
      exit 2 ;;
  esac
done
lib="$root/sql-client/target/lib"
provider="$root/sql/target/stream-predict-sql.jar"
if [ ! -d "$lib" ] || [ ! -f "$provider" ]; then
  echo "building the SQL client's classpath (the first time downloads it from Maven Central) ..." >&2
  "$root/scripts/build.sh" package -pl sql-client -am
fi

classpath="$lib/*"
work="$root/work/sql-client"
# this run's configuration and output, apart from another client's running beside it
run="$(mktemp -d)"
trap 'rm -rf "$run"' EXIT
mkdir -p "$work" "$run/conf"
if $cluster; then
  curl -fsS -o /dev/null "http://127.0.0.1:$rest_port/config" 2>/dev/null || {
    echo "error: no Flink cluster answers at http://127.0.0.1:$rest_port: start one with scripts/cluster.sh start" \
      "(or give its port with --rest-port)" >&2
    exit 1
  }
  target="execution.target: remote
rest.address: 127.0.0.1
rest.port: $rest_port"
  # Shipped with every statement, as ADD JAR would: the cluster's lib/ holds Flink's table runtime and the model
  # runtimes, not this provider or the Kafka SQL connector (which would clash with the prediction job's own).
  shipped=()
  for jar in "$provider" "$lib"/flink-sql-connector-kafka-*.jar "$lib"/flink-json-*.jar "$lib"/flink-avro-*.jar \
      "$lib"/avro-[0-9]*.jar; do
    shipped+=(--jar "$jar")
  done
else
  # a Flink of its own in this process for each statement: its classpath is the client's
  target="execution.target: local"
  shipped=()
  classpath="$classpath:$provider"
fi
cat >"$run/conf/config.yaml" <<EOF
# written by scripts/sql-client.sh for this run
$target
EOF

# One ND4J thread per task slot, as on the cluster.
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
export FLINK_CONF_DIR="$run/conf"
java_opts="$(sed -n 's/^env\.java\.opts\.all: *"\(.*\)"$/\1/p' "$root/flink-conf/config.yaml")"
client() {
  # shellcheck disable=SC2086  # the JVM options are separate words
  java $java_opts -Dlog.file="$work/sql-client.log" -Dlog4j.configurationFile="$root/flink-conf/log4j.properties" \
    -cp "$classpath" org.apache.flink.table.client.SqlClient embedded "${shipped[@]}" "$@"
}
if ! $script; then
  client "$@"
  exit  # with the client's status; the trap removes this run's files
fi
# A script's failed statement stops it, but the client still exits with 0: a caller (CI, a shell script) is told.
client "$@" 2>&1 | tee "$run/output.txt"
status="${PIPESTATUS[0]}"
if [ "$status" = 0 ] && grep -q '\[ERROR\]' "$run/output.txt"; then
  echo "error: a statement failed (above; the client's log: $work/sql-client.log)" >&2
  exit 1
fi
exit "$status"
