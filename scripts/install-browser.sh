#!/usr/bin/env bash
# Installs Debian's Chromium and Firefox ESR for the browser tests: heaps of pages and
# the explorer's page end to end (tests skip them without the browsers, except in CI,
# where they must run). Needs root, as on the project's machines.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/firefox-esr ] || missing+=(firefox-esr)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
/usr/bin/chromium --version
/usr/bin/firefox-esr --version
