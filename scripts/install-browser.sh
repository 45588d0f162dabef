#!/usr/bin/env bash
# Installs Debian's Chromium for the browser-heap tests (tests skip them without it,
# except in CI, where they must run). Needs root, as on the project's machines.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium >/dev/null
/usr/bin/chromium --version
