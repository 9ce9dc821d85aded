#!/usr/bin/env bash
# Installs what building and testing Switchboard needs on Debian 12, and nothing that is
# already there. Safe to run again. Uses sudo when not root.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config ccache
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev sqlite3 libpq-dev libssl-dev libspdlog-dev libcli11-dev
  libspeexdsp-dev libwebrtc-audio-processing-dev
  libpocketsphinx-dev pocketsphinx-en-us flite1-dev
  libsofia-sip-ua-dev
  googletest libgtest-dev libbenchmark-dev
  python3 curl ca-certificates
)
if [ "${1:-}" = "--test" ] || [ "${1:-}" = "--bench" ]; then
  # flite's command line makes the callers' speech the tests play; sipp (sip-tester) is the
  # SIP peer of the end-to-end tests; postgresql: the storage suites also run against a
  # throwaway cluster.
  packages+=(clang libclang-rt-14-dev clang-format-14 flite sip-tester postgresql)
fi
if [ "${1:-}" = "--bench" ]; then
  packages+=(wrk nginx-light util-linux)
fi
if [ "${1:-}" = "--multi" ]; then
  # scripts/two-instances.sh: a throwaway PostgreSQL and nginx in front of two instances.
  packages+=(postgresql nginx-light curl)
fi
# Node.js runs the end-to-end tests with the official SDK; any Node >= 18 will do.
if ! command -v node >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "Installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# Boost 1.81 replaces 1.74's development packages if those are present (they conflict).
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
