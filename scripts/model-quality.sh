#!/usr/bin/env bash
# Trains and evaluates the models of REPORT 3.1 on the shipped datasets, with cross-validation, and keeps each
# training's evaluation (metrics, baselines, held-out forecasts, folds) in benchmark/results/training/NAME.json,
# from which scripts/figures.sh draws. The models themselves go to target/model-quality/ and are not kept.
#   scripts/model-quality.sh                   (all four, about 10 minutes on two cores)
#   scripts/model-quality.sh --architectures   (REPORT 3.11: both series with an MLP, an LSTM and a CNN, each with
#                                               90% intervals, one split, Seattle's with 5 rolling origins too; in
#                                               benchmark/results/training/architectures/)
#   scripts/model-quality.sh --series          (REPORT 3.12: Seattle's temperature from temperature, pressure and
#                                               wind, each architecture, as above; in .../training/series/)
#   scripts/model-quality.sh --horizon         (REPORT 3.13: Seattle's temperature 24 hours ahead, each step
#                                               evaluated, each architecture, as above, and an MLP of window 25;
#                                               in .../training/horizon/)
#   scripts/model-quality.sh --weather         (REPORT 3.14: daily maximum temperature in Seattle and New York, three
#                                               days ahead, from itself alone and from all four observed series,
#                                               each architecture, as above, with 5 rolling-origin folds and the
#                                               seasonal naive forecast of a year before; in
#                                               .../training/weather/)
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
# One series with each network and 90% intervals, one split: NAME-mlp, NAME-lstm, NAME-cnn in $results/DIR.
each_network() {
  local dir="$1" name="$2"; shift 2
  local all="$results"
  results="$all/$dir"
  mkdir -p "$results"
  for architecture in mlp lstm cnn; do
    train "$name-$architecture" "$@" --architecture "$architecture" --interval-level 0.9
  done
  echo "evaluations in $results"
  results="$all"
}
sp500=(--csv data/sp500-2000.csv --key sp500 --timestamp-column date --feature-columns close)
seattle=(--csv data/seattle-weather-hourly-normals.csv --key seattle --timestamp-column date)
weather=(--csv data/weather.csv --key-column location --timestamp-column date --target temp_max --horizon 3 --cv 5
  --season 365)
case "${1:-}" in
  --architectures)
    each_network architectures sp500-close "${sp500[@]}"
    each_network architectures seattle-temperature "${seattle[@]}" --feature-columns temperature --cv 5
    exit 0 ;;
  --series)
    each_network series seattle-temperature-pressure-wind "${seattle[@]}" \
      --feature-columns temperature,pressure,wind --target temperature
    exit 0 ;;
  --horizon)
    each_network horizon seattle-temperature-24h "${seattle[@]}" --feature-columns temperature --horizon 24
    # and a window that reaches the same hour the day before
    results="$results/horizon" train seattle-temperature-24h-w25-mlp "${seattle[@]}" --feature-columns temperature \
      --horizon 24 --window 25 --interval-level 0.9
    exit 0 ;;
  --weather)
    each_network weather weather-temp_max-3d "${weather[@]}" --feature-columns temp_max
    each_network weather weather-all-3d "${weather[@]}" --feature-columns temp_max,temp_min,precipitation,wind
    exit 0 ;;
esac
train sp500-close "${sp500[@]}" --cv 5
train seattle-temperature "${seattle[@]}" --feature-columns temperature --cv 5
train iris-species --task classification --csv data/iris.csv --label-column species --cv 10 --repeats 3
train penguins-species --task classification --csv data/penguins.csv --label-column species --cv 10 --repeats 3
echo "evaluations in $results; draw them with scripts/figures.sh"
