#!/usr/bin/env bash
# Makes sure a JDK 17+ and Maven are on the PATH, installing Debian's packages if they are not (needs root).
set -euo pipefail
java_ok() { command -v java >/dev/null && command -v javac >/dev/null &&
  [ "$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)" -ge 17 ]; }
if java_ok && command -v mvn >/dev/null; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "error: this needs a JDK 17 and Maven on the PATH; install them (Debian: apt-get install openjdk-17-jdk-headless maven) and run again" >&2
  exit 1
fi
echo "installing JDK 17 and Maven from Debian's packages ..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq openjdk-17-jdk-headless maven >/dev/null
