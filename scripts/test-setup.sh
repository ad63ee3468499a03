#!/usr/bin/env bash
# Everything the tests need, before `mvn -B verify` (the README's test command is
# `scripts/test-setup.sh && mvn -B verify`): a JDK 17 and Maven, and Debian's prometheus, chromium, chromium-driver
# and docker-compose for the monitoring and compose-file checks, and fontconfig with the DejaVu fonts for the
# figures, installed when run as root. Then the two checks that need no JVM: the Prometheus configuration and
# docker-compose.yml.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-toolchain.sh
tools=(prometheus chromium chromedriver docker-compose fc-list)
have_tools() {
  for tool in "${tools[@]}"; do command -v "$tool" >/dev/null || return 1; done
}
if ! have_tools; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "installing prometheus, chromium, chromium-driver, docker-compose and fonts from Debian's packages ..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends prometheus chromium chromium-driver docker-compose \
      fontconfig fonts-dejavu-core >/dev/null
  else
    echo "note: without Debian's ${tools[*]} the monitoring, compose-file and figure checks are skipped" >&2
  fi
fi
if have_tools; then
  promtool check config monitoring/prometheus.yml
  # the alerting rules fire on their test series and stay quiet otherwise
  (cd monitoring && promtool test rules alerts-test.yml)
  # Debian's docker-compose (1.29) validates the file against the Compose schema; it needs no Docker engine
  docker-compose --file docker-compose.yml config --quiet
fi
