#!/usr/bin/env bash
# Trains a model: scripts/train.sh --csv FILE [column flags] --output DIR   (scripts/train.sh --help for all)
exec "$(dirname "$0")/cli.sh" dev.streampredict.cli.TrainCli "$@"
