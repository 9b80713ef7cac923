#!/usr/bin/env bash
# One command to try the app locally: set up the toolchain (idempotent), then build the release bundle and
# serve it on http://127.0.0.1:${PORT:-8080}/ (Ctrl-C to stop). Trunk rebuilds when sources change; reload
# the page yourself (--no-autoreload: the reload script's websocket is not needed, and the page behaves
# exactly like the deployed static files).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# SKIP_SETUP=1 skips the setup step (scripts/demo.sh has just run it).
[ "${SKIP_SETUP:-0}" = 1 ] || bash scripts/setup.sh
export PATH="$PWD/scripts/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# Trunk: no network at all (Trunk.toml has offline = true; the env var also turns off its crates.io update check).
export TRUNK_OFFLINE=true TRUNK_SKIP_VERSION_CHECK=true
PORT="${PORT:-8080}"
echo "== serving on http://127.0.0.1:$PORT/"
trunk serve --release --no-autoreload --address 127.0.0.1 --port "$PORT"
