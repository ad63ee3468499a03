#!/usr/bin/env bash
# Runs one of the model commands of the cli module (train, model, retrain); each has its own script.
# Builds the module first if it has not been built.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
main="$1"
shift
jar="$root/cli/target/cli.jar"
if [ ! -f "$root/cli/target/runtime.classpath" ] || [ ! -f "$jar" ]; then
  "$root/scripts/build.sh" package -pl cli -am
fi
# One ND4J thread: the same numbers on every run for a given seed.
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
exec java -cp "$jar:$(cat "$root/cli/target/runtime.classpath")" "$main" "$@"
