#!/usr/bin/env bash
# All tests, with everything they need: unit tests, then integration tests against a real Kafka broker, Flink
# MiniClusters, the one-command stack as a separate process, the real Prometheus and a headless Chromium.
# Installs what is missing from Debian's packages when run as root (JDK 17, Maven, prometheus, chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-toolchain.sh
if ! command -v prometheus >/dev/null || ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "installing prometheus, chromium and chromium-driver from Debian's packages ..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends prometheus chromium chromium-driver >/dev/null
  else
    echo "note: without Debian's prometheus, chromium and chromium-driver the monitoring checks are skipped" >&2
  fi
fi
if command -v prometheus >/dev/null && command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
  promtool check config monitoring/prometheus.yml
  # from here on the monitoring checks in LocalStackIT must run, not skip
  export STREAM_PREDICT_MONITORING_TOOLS=required
fi
mvn -B verify "$@"
