#!/usr/bin/env bash
# All tests, with everything they need: unit tests, then integration tests against a real Kafka broker, Flink
# MiniClusters, the one-command stack as a separate process, the real Prometheus and a headless Chromium.
# Installs what is missing from Debian's packages when run as root (JDK 17, Maven, prometheus, chromium,
# docker-compose).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-toolchain.sh
tools=(prometheus chromium chromedriver docker-compose)
have_tools() {
  for tool in "${tools[@]}"; do command -v "$tool" >/dev/null || return 1; done
}
if ! have_tools; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "installing prometheus, chromium, chromium-driver and docker-compose from Debian's packages ..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends prometheus chromium chromium-driver docker-compose >/dev/null
  else
    echo "note: without Debian's ${tools[*]} the monitoring and compose-file checks are skipped" >&2
  fi
fi
if have_tools; then
  promtool check config monitoring/prometheus.yml
  # Debian's docker-compose (1.29) validates the file against the Compose schema; it needs no Docker engine
  docker-compose --file docker-compose.yml config --quiet
  # from here on the monitoring checks in LocalStackIT must run, not skip
  export STREAM_PREDICT_MONITORING_TOOLS=required
fi
mvn -B verify "$@"
