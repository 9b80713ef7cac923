#!/usr/bin/env bash
# Big-file benchmark: the app in dist/ (reading, parsing and checking in its two reading workers)
# against Papa Parse in a Web Worker and against a bare Blob read + TextDecoder in a worker, on the same generated
# file, in headless Chromium.
# What it measures and how: the header of tests/bench/bench.mjs. It is a command, not a test: a missed target is
# printed as MISS and does not fail it.
#
#   bash scripts/bench.sh [ROWS] [--end-to-end] [more bench.mjs options, e.g. --timeout 600, --only a, --profile F]
#   bash scripts/bench.sh --rows 2000000 --end-to-end     (ROWS may also be given as --rows N)
#
# ROWS defaults to 1,000,000. The CSV (Salesforce-style contacts from shared/tools/gen_contacts.py, or $GEN_CONTACTS)
# is cached as bench-out/contacts-ROWS.csv and made only when missing. Needs the release build in dist/ (this script
# does not build it) and Debian's /usr/bin/chromium (never a downloaded browser). npm ci runs in tests/bench when its
# node_modules are missing or older than package-lock.json (no browser download, no install scripts).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

ROWS=1000000
ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) ROWS=${2:?--rows needs a number}; shift 2 ;;
    --rows=*) ROWS=${1#--rows=}; shift ;;
    --timeout | --only | --profile) ARGS+=("$1" "${2:?$1 needs a value}"); shift 2 ;; # bench.mjs options with a value
    -h | --help) sed -n '2,14p' "$0"; exit 0 ;;
    *)
      if [[ $1 =~ ^[0-9]+$ ]]; then ROWS=$1; else ARGS+=("$1"); fi
      shift ;;
  esac
done
if ! [[ $ROWS =~ ^[0-9]+$ ]] || [ "$ROWS" -eq 0 ]; then
  echo "bench.sh: ROWS must be a positive whole number, not '$ROWS'" >&2
  exit 2
fi

if [ ! -f dist/index.html ]; then
  echo "bench.sh: dist/index.html is missing: build the release bundle first (trunk build --release)" >&2
  exit 1
fi

GEN=${GEN_CONTACTS:-$ROOT/../shared/tools/gen_contacts.py}
mkdir -p bench-out
CSV=bench-out/contacts-$ROWS.csv
if [ ! -f "$CSV" ]; then
  if [ ! -f "$GEN" ]; then
    echo "bench.sh: the generator $GEN is missing (set GEN_CONTACTS to its path)" >&2
    exit 1
  fi
  echo "bench.sh: generating $CSV ($ROWS rows) with $(basename "$GEN") ..." >&2
  python3 "$GEN" "$ROWS" "$CSV.part"
  mv "$CSV.part" "$CSV" # only a complete file is ever cached
fi

BENCH=tests/bench
if [ ! -f "$BENCH/node_modules/.package-lock.json" ] || [ "$BENCH/package-lock.json" -nt "$BENCH/node_modules/.package-lock.json" ]; then
  echo "bench.sh: npm ci in $BENCH ..." >&2
  (cd "$BENCH" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund)
fi

exec node "$BENCH/bench.mjs" --file "$CSV" --rows "$ROWS" ${ARGS[@]+"${ARGS[@]}"}
