#!/usr/bin/env bash
# The whole system on this machine in one command: a Kafka broker, the prediction job on a local Flink cluster
# with its web UI (http://localhost:8081), the producer, and a status line. Ctrl-C stops everything.
# Options: ./run-local.sh --help
set -euo pipefail
cd "$(dirname "$0")"
scripts/ensure-toolchain.sh
if [ -d "$HOME/.m2/repository/org/apache/flink/flink-runtime" ]; then
  echo "building ..."
else
  echo "building (the first build downloads dependencies from Maven Central: a few minutes) ..."
fi
scripts/build.sh package -pl local-stack -am
# One ND4J thread per Flink task: more would oversubscribe the cores the tasks already use.
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
exec java -Xmx3g -cp "local-stack/target/local-stack.jar:$(cat local-stack/target/runtime.classpath)" \
  dev.streampredict.local.LocalStack "$@"
