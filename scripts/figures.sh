#!/usr/bin/env bash
# Draws every figure of REPORT.md and README.md again from the results files:
#   scripts/figures.sh        (reads benchmark/results, writes docs/figures; --help for options)
# The results come from scripts/benchmark.sh, scripts/model-quality.sh and FeedbackLoopIT (see REPORT.md).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
scripts/ensure-toolchain.sh
scripts/build.sh install -pl figures -am
exec java -Djava.awt.headless=true -cp "figures/target/figures.jar:$(cat figures/target/runtime.classpath)" \
  dev.streampredict.figures.FiguresCli "$@"
