#!/usr/bin/env bash
# Follows the input topic, retrains on it and publishes a better model to the registry (as a shadow by default):
#   scripts/retrain.sh --every 5000 --history 20000        (scripts/retrain.sh --help for all)
exec "$(dirname "$0")/cli.sh" dev.streampredict.cli.RetrainCli "$@"
