#!/usr/bin/env bash
# Fuzzes the read path with cargo-fuzz (libFuzzer): `read_job` (the big-file reader must equal `read` for any
# bytes, choices and chunk size), `read_csv` (any bytes, with delimiter/encoding/header/footer
# choices), `read_xlsx` (workbooks, raw or built around fuzzed sheet XML) and `reread` (records read again from
# the file from any record, by the index a scan leaves, must equal the scan's). Not part of CI or scripts/test.sh.
#
#   bash scripts/fuzz.sh            # each target for 300 s
#   bash scripts/fuzz.sh 60         # each target for 60 s
#   bash scripts/fuzz.sh 600 read_xlsx
#
# Needs a nightly toolchain (`rustup toolchain install nightly`) and cargo-fuzz (`cargo install cargo-fuzz
# --locked`). `-O` keeps cargo-fuzz from forcing debug assertions on every crate: overflow checks and
# debug assertions come from fuzz/Cargo.toml's release profile instead (calamine excepted, as in the app's builds). Starts from the committed seeds in fuzz/seeds/<target>; the corpus it grows lands in
# fuzz/corpus/<target> and crashes in fuzz/artifacts/<target> (both ignored by git). One process at a time, so it
# leaves room for other builds. A crash prints the input's path: reproduce it with
# `cargo +nightly fuzz run -O <target> <path>`, fix it, and add a regression unit test in src/domain.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-300}"
shift || true
if [ $# -gt 0 ]; then targets=("$@"); else targets=(read_csv read_xlsx read_job reread); fi

for target in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$target"
  echo "== $target: ${seconds}s"
  cargo +nightly fuzz run -O "$target" "fuzz/corpus/$target" "fuzz/seeds/$target" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
done
