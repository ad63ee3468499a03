#!/usr/bin/env bash
# Measures the pipeline against raw Kafka on one broker in one run, and end-to-end latency in both delivery modes:
#   scripts/benchmark.sh                 (defaults; --help for all options)
#   scripts/benchmark.sh --jmh           (inference alone, per prediction, batch 1 vs batched, with JMH)
#   scripts/benchmark.sh --jmh RuntimeBenchmark   (one batch of the peer FFNN in DL4J and in ONNX Runtime)
#   scripts/benchmark.sh --jmh ArchitectureBenchmark   (one batch of an MLP, LSTM and CNN forecaster)
#   scripts/benchmark.sh --state-sizes   (a forecaster's state per key, in bytes, over window, horizon and series)
#   scripts/benchmark.sh --series-architectures mlp,lstm,cnn   (the series forecast by each network, drained in
#                                        the same rounds; REPORT 3.11 has the command that measured them)
# Results: a table on stdout, and target/benchmark/results.{csv,json}. Run it on an otherwise idle machine.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
scripts/ensure-toolchain.sh
# a measurement runs the code as it is now, so it builds first; reading the options needs only a build there is
if ! { [[ "${1:-}" =~ ^(-h|--help)$ ]] && [ -f benchmark/target/benchmark.jar ] \
       && [ -f benchmark/target/runtime.classpath ]; }; then
  scripts/build.sh install -pl benchmark -am
fi
cp="benchmark/target/benchmark.jar:$(cat benchmark/target/runtime.classpath)"
# One ND4J thread per Flink task: with one task per core, more threads only oversubscribe the cores.
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
if [ "${1:-}" = "--state-sizes" ]; then
  exec java -cp "$cp" dev.streampredict.benchmark.StateSizes
fi
if [ "${1:-}" = "--jmh" ]; then
  shift
  exec java -cp "$cp" org.openjdk.jmh.Main -f 1 -wi 3 -i 5 -w 2s -r 2s -tu us "${@:-InferenceBenchmark}"
fi
exec java -Xmx4g -Dlocal.log.file=target/benchmark/benchmark.log -cp "$cp" dev.streampredict.benchmark.Benchmark "$@"
