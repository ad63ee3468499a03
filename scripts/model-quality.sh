#!/usr/bin/env bash
# Trains and evaluates the models of REPORT 3.1 on the shipped datasets, with cross-validation, and keeps each
# training's evaluation (metrics, baselines, held-out forecasts, folds) in benchmark/results/training/NAME.json,
# from which scripts/figures.sh draws. The models themselves go to target/model-quality/ and are not kept.
#   scripts/model-quality.sh                   (all four, about 10 minutes on two cores)
#   scripts/model-quality.sh --architectures   (REPORT 3.11: both series with an MLP, an LSTM and a CNN, each with
#                                               90% intervals, one split; in benchmark/results/training/architectures/)
#   scripts/model-quality.sh --series          (REPORT 3.12: Seattle's temperature from temperature, pressure and
#                                               wind, each architecture, as above; in .../training/series/)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
results=benchmark/results/training
work=target/model-quality
mkdir -p "$results" "$work"
train() {
  local name="$1"; shift
  echo "== $name: scripts/train.sh $*"
  scripts/train.sh "$@" --output "$work/$name" | grep -v "^epoch"
  cp "$work/$name/evaluation.json" "$results/$name.json"
}
if [ "${1:-}" = "--architectures" ]; then
  results="$results/architectures"
  mkdir -p "$results"
  for architecture in mlp lstm cnn; do
    train "sp500-close-$architecture" --csv data/sp500-2000.csv --key sp500 --timestamp-column date \
      --feature-columns close --architecture "$architecture" --interval-level 0.9
    train "seattle-temperature-$architecture" --csv data/seattle-weather-hourly-normals.csv --key seattle \
      --timestamp-column date --feature-columns temperature --architecture "$architecture" --interval-level 0.9
  done
  echo "evaluations in $results"
  exit 0
fi
if [ "${1:-}" = "--series" ]; then
  results="$results/series"
  mkdir -p "$results"
  for architecture in mlp lstm cnn; do
    train "seattle-temperature-pressure-wind-$architecture" --csv data/seattle-weather-hourly-normals.csv \
      --key seattle --timestamp-column date --feature-columns temperature,pressure,wind --target temperature \
      --architecture "$architecture" --interval-level 0.9
  done
  echo "evaluations in $results"
  exit 0
fi
train sp500-close --csv data/sp500-2000.csv --key sp500 --timestamp-column date --feature-columns close --cv 5
train seattle-temperature --csv data/seattle-weather-hourly-normals.csv --key seattle --timestamp-column date \
  --feature-columns temperature --cv 5
train iris-species --task classification --csv data/iris.csv --label-column species --cv 10 --repeats 3
train penguins-species --task classification --csv data/penguins.csv --label-column species --cv 10 --repeats 3
echo "evaluations in $results; draw them with scripts/figures.sh"
