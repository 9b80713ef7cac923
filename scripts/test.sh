#!/usr/bin/env bash
# The whole check, in one command: `bash scripts/test.sh`. It first runs scripts/setup.sh (idempotent:
# installs what a fresh machine lacks, a no-op otherwise), then, in order, stopping at the first failure:
#   fmt, clippy (native, whole workspace), clippy (wasm32), native tests (app + the CSM stand-in),
#   wasm tests in headless Chromium, release bundle (trunk), CSP hash check, the CSM stand-in binary,
#   Playwright journeys against dist/ (the API journeys start their own stand-in on 127.0.0.1).
# Each step prints a header and its elapsed seconds; the total is printed at the end.
# Set SKIP_SETUP=1 to skip the setup step (e.g. when iterating and tools are known to be installed).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

TOTAL_T0=$EPOCHREALTIME
# Every step's output is also kept here, so the closing line can add up the tests that ran.
TEST_LOG=$(mktemp)
trap 'rm -f "$TEST_LOG"' EXIT
elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
STEP_NO=0
STEP_COUNT=10
run_step() { # name, command...
  local name=$1 t0=$EPOCHREALTIME rc=0
  shift
  STEP_NO=$((STEP_NO + 1))
  echo
  echo "==== [$STEP_NO/$STEP_COUNT] $name"
  echo "     \$ $*"
  "$@" 2>&1 | tee -a "$TEST_LOG" || rc=${PIPESTATUS[0]}
  if [ "$rc" -ne 0 ]; then
    echo "==== FAILED: [$STEP_NO/$STEP_COUNT] $name (exit $rc, $(elapsed "$t0")s); total $(elapsed "$TOTAL_T0")s" >&2
    exit "$rc"
  fi
  echo "==== ok: [$STEP_NO/$STEP_COUNT] $name ($(elapsed "$t0")s)"
}

if [ "${SKIP_SETUP:-0}" = 1 ]; then
  STEP_NO=1
  echo "==== [1/$STEP_COUNT] setup skipped (SKIP_SETUP=1)"
else
  run_step "setup (scripts/setup.sh)" bash scripts/setup.sh
fi

# Same PATH as setup.sh: npm's wasm-opt first, then cargo-installed trunk / wasm-bindgen(-test-runner).
export PATH="$ROOT/scripts/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# wasm-bindgen-test-runner (the wasm32 runner in .cargo/config.toml) drives Debian's Chromium through
# ChromeDriver, headless; webdriver.json adds flags that keep Chromium off the network.
export CHROMEDRIVER=/usr/bin/chromedriver
export WASM_BINDGEN_TEST_WEBDRIVER_JSON="$ROOT/webdriver.json"
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-120}"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
# Trunk: no network at all (Trunk.toml has offline = true; the env var also turns off its crates.io update check).
export TRUNK_OFFLINE=true TRUNK_SKIP_VERSION_CHECK=true

run_step "cargo fmt --check" cargo fmt --all --check
run_step "clippy (native)" cargo clippy --locked --workspace --all-targets -- -D warnings
run_step "clippy (wasm32)" cargo clippy --locked --target wasm32-unknown-unknown --lib --bins --tests -- -D warnings
run_step "native tests" cargo test --locked --workspace
run_step "wasm tests (headless Chromium)" cargo test --locked --target wasm32-unknown-unknown --test web
run_step "release bundle (trunk build --release, offline)" trunk build --release
run_step "CSP allows the loader by hash (dist/index.html)" python3 scripts/csp-hash.py --check dist/index.html
run_step "CSM stand-in for the API journeys (cargo build -p csm-sandbox)" cargo build --locked -p csm-sandbox
run_step "end-to-end journeys (Playwright, Debian Chromium)" bash -c 'cd tests/e2e && npx --no playwright test'

# One plain closing line over all runners: cargo's "test result:" lines (native and wasm) and Playwright's summary.
totals=$(awk '
  /^test result: / { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
  /^ +[0-9]+ passed \(/ { p += $1 }
  END { printf "%d passed, %d failed", p, f }' "$TEST_LOG")
echo
echo "==== ALL OK: $STEP_COUNT steps in $(elapsed "$TOTAL_T0")s"
echo "tests: $totals"
