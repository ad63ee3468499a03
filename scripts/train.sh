#!/usr/bin/env bash
# Trains a model: scripts/train.sh --csv FILE [column flags] --output DIR   (scripts/train.sh --help for all)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jar="$root/model-training/target/model-training.jar"
if [ ! -f "$root/model-training/target/runtime.classpath" ] || [ ! -f "$jar" ]; then
  "$root/scripts/build.sh" package -pl model-training -am
fi
# One ND4J thread: the same numbers on every run for a given seed.
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
# scripts/model.sh runs the registry CLI of the same module
exec java -cp "$jar:$(cat "$root/model-training/target/runtime.classpath")" \
  "${STREAM_PREDICT_CLI:-dev.streampredict.training.TrainCli}" "$@"
