#!/usr/bin/env bash
# The model registry: scripts/model.sh import FILE --task … --output DIR | publish DIR | list | describe VERSION | stable VERSION | canary VERSION PERCENT
#                     | shadow VERSION | promote | rollback | keygen DIR   (scripts/model.sh --help for all)
exec "$(dirname "$0")/cli.sh" dev.streampredict.cli.ModelCli "$@"
