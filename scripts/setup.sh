#!/usr/bin/env bash
# Idempotent toolchain setup for csm-import on Debian 12 x86_64 (as root, or with sudo for apt).
#
# Installs only from Debian apt, crates.io (cargo/rustup) and the npm registry. Nothing downloads a browser
# or a prebuilt binary: Chromium and ChromeDriver come from Debian, wasm-opt from npm `binaryen` (a JS/wasm
# build), trunk and wasm-bindgen-cli are compiled by cargo. Re-running skips what is already present (a
# fast no-op); every step prints its elapsed seconds.
#
# Cold cost on a 2-core machine: trunk ~9 min, wasm-bindgen-cli ~3 min, apt ~40 s, the rest seconds.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

TRUNK_VERSION=0.21.14 # trunk 0.22.x needs rustc >= 1.96.1; keep in step with Trunk.toml trunk-version
WASM_OPT_VERSION=version_132 # npm binaryen@132.0.0 (scripts/package.json); Trunk.toml [tools] wasm_opt

# Tools first on PATH: npm's wasm-opt (so no other wasm-opt can win), then cargo-installed binaries.
export PATH="$ROOT/scripts/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# Belt and braces: the e2e suite uses Debian's /usr/bin/chromium; npm installs run with --ignore-scripts.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

SETUP_T0=$EPOCHREALTIME
elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
step() { STEP_NAME=$1; STEP_T0=$EPOCHREALTIME; echo "== setup: $1"; }
step_done() { echo "   ok (${STEP_NAME}: $(elapsed "$STEP_T0")s)"; }
die() { echo "setup: ERROR: $*" >&2; exit 1; }
has_version() { command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | grep -qF -- "$2"; }
deb_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi

# --- preconditions -----------------------------------------------------------------------------------------
[ -f Cargo.lock ] || die "Cargo.lock not found in $ROOT. Run \`cargo generate-lockfile\` (or any cargo build) once
       and commit Cargo.lock: setup installs the wasm-bindgen-cli version it pins, and all builds use --locked."
# wasm-bindgen-cli must be EXACTLY the wasm-bindgen crate version in Cargo.lock.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
[ -n "$WASM_BINDGEN_VERSION" ] || die "no wasm-bindgen package in Cargo.lock (is the crate's wasm32 dependency missing?)"
TRUNK_PIN=$(sed -n 's/^wasm_bindgen *= *"\([^"]*\)".*/\1/p' Trunk.toml)
[ "$TRUNK_PIN" = "$WASM_BINDGEN_VERSION" ] || die "Trunk.toml pins wasm_bindgen = \"$TRUNK_PIN\" but Cargo.lock has
       wasm-bindgen $WASM_BINDGEN_VERSION; make them equal (Trunk.toml [tools] wasm_bindgen)."

# --- apt: Chromium + ChromeDriver (Debian's, for wasm-bindgen-test and Playwright) ------------------------
step "apt: chromium + chromium-driver"
missing=()
for p in chromium chromium-driver; do deb_installed "$p" || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "   installing: ${missing[*]}"
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
[ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] || die "/usr/bin/chromium or /usr/bin/chromedriver missing"
if deb_installed binaryen; then
  echo "   WARNING: Debian's binaryen (wasm-opt 108) is installed. It silently breaks wasm-bindgen output"
  echo "            (blank page). Trunk.toml pins wasm_opt = \"$WASM_OPT_VERSION\" so trunk refuses it, and the"
  echo "            scripts put scripts/node_modules/.bin first on PATH. Consider: apt-get remove binaryen"
fi
step_done

# --- rustup: wasm target + rustfmt + clippy ---------------------------------------------------------------
step "rustup: wasm32-unknown-unknown, rustfmt, clippy"
rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
installed_components=$(rustup component list --installed)
for c in rustfmt clippy; do
  grep -q "^$c" <<<"$installed_components" || rustup component add "$c"
done
step_done

# --- trunk --------------------------------------------------------------------------------------------------
step "trunk $TRUNK_VERSION"
has_version trunk "trunk $TRUNK_VERSION" || cargo install trunk --version "$TRUNK_VERSION" --locked
step_done

# --- wasm-bindgen-cli (wasm-bindgen, wasm-bindgen-test-runner) ---------------------------------------------
step "wasm-bindgen-cli $WASM_BINDGEN_VERSION"
if ! has_version wasm-bindgen "wasm-bindgen $WASM_BINDGEN_VERSION" \
  || ! has_version wasm-bindgen-test-runner "$WASM_BINDGEN_VERSION"; then
  # --locked can fail when a crate pinned in the CLI's published lock file is missing from the registry
  # mirror (seen: webpki-roots 1.0.11 for 0.2.130); then let cargo resolve its dependencies afresh.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --locked --force \
    || { echo "   --locked failed; retrying without --locked"
         cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force; }
fi
step_done

# --- npm: build tools (binaryen's wasm-opt) and the Playwright suite -----------------------------------------
# npm ci only when node_modules was not installed from exactly this package.json + package-lock.json
# (a stamp with their sha256 sits in node_modules). --ignore-scripts: no install script may run (none is
# needed; this also rules out any browser download).
npm_ci() { # dir, marker file that must exist afterwards
  local dir=$1 marker=$2 stamp want
  stamp="$dir/node_modules/.csm-setup-stamp"
  want=$(cd "$dir" && sha256sum package.json package-lock.json)
  if [ -e "$dir/$marker" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  (cd "$dir" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
  [ -e "$dir/$marker" ] || die "npm ci in $dir did not produce $marker"
  printf '%s\n' "$want" >"$stamp"
}
step "npm ci scripts/ (binaryen: wasm-opt $WASM_OPT_VERSION)"
npm_ci scripts node_modules/.bin/wasm-opt
[ "$(command -v wasm-opt)" = "$ROOT/scripts/node_modules/.bin/wasm-opt" ] \
  || die "wasm-opt on PATH is $(command -v wasm-opt), expected scripts/node_modules/.bin/wasm-opt"
has_version wasm-opt "($WASM_OPT_VERSION)" || die "scripts/node_modules/.bin/wasm-opt is not $WASM_OPT_VERSION: $(wasm-opt --version)"
step_done

step "npm ci tests/e2e/ (@playwright/test)"
npm_ci tests/e2e node_modules/.bin/playwright
step_done

# --- crates (trunk runs cargo with --offline --locked) ---------------------------------------------------------
step "cargo fetch --locked"
cargo fetch --locked --quiet
step_done

echo "setup OK in $(elapsed "$SETUP_T0")s: $(trunk --version), $(wasm-bindgen --version), $(wasm-opt --version)," \
  "$(/usr/bin/chromium --version 2>/dev/null), @playwright/test $(node -p 'require("./tests/e2e/node_modules/@playwright/test/package.json").version')"
