#!/usr/bin/env bash
# Try "Import via API" with no Atlassian site: sets everything up (idempotent), starts the local CSM stand-in
# (tests/csm-sandbox) on http://127.0.0.1:${SANDBOX_PORT:-8081} and the app on http://127.0.0.1:${PORT:-8080}.
# In the app's last step enter: API address http://127.0.0.1:8081, any cloud ID (e.g. demo), email
# admin@example.com, API token sandbox-token. Ctrl-C stops both. Extra arguments go to the stand-in, e.g.
#   bash scripts/demo.sh --fault-every 3 --faults 429,503,drop     (see: cargo run -p csm-sandbox -- --help)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
SANDBOX_PORT="${SANDBOX_PORT:-8081}"
cargo build --locked -p csm-sandbox
target/debug/csm-sandbox --port "$SANDBOX_PORT" --cloud-id demo "$@" &
SANDBOX_PID=$!
trap 'kill "$SANDBOX_PID" 2>/dev/null || true' EXIT INT TERM
echo "== CSM stand-in: http://127.0.0.1:$SANDBOX_PORT (state: http://127.0.0.1:$SANDBOX_PORT/_sandbox/state)"
echo "== in the app: API address http://127.0.0.1:$SANDBOX_PORT, cloud ID demo, admin@example.com / sandbox-token"
SKIP_SETUP=1 bash scripts/run.sh
