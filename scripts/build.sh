#!/usr/bin/env bash
# Builds what a script needs without tests: `scripts/build.sh package -pl local-stack -am`. Quiet when it works;
# Maven's whole output when it does not (its -q mode still prints terminal reset codes, so it is kept off screen).
set -euo pipefail
cd "$(dirname "$0")/.."
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! mvn -B -DskipTests -DskipShade "$@" >"$log" 2>&1; then
  cat "$log" >&2
  echo "error: the build failed (the output above says why)" >&2
  exit 1
fi
