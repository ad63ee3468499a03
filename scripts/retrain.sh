#!/usr/bin/env bash
# Follows the input topic, retrains on it and publishes a better model to the registry (as a shadow by default):
#   scripts/retrain.sh --every 5000 --history 20000        (scripts/retrain.sh --help for all)
STREAM_PREDICT_CLI=dev.streampredict.training.RetrainCli exec "$(dirname "$0")/train.sh" "$@"
