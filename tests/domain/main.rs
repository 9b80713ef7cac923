//! Native integration suite: fixture files in, golden files out — "the whole app minus the browser".
//!
//! Each case reads a fixture exactly as the browser would hand it over (bytes), suggests a mapping, applies the
//! admin's decisions a test names explicitly, and compares the import file, the rejects file, the findings and the
//! mapping with files under `tests/domain/golden/<case>/`. Run with `UPDATE_GOLDEN=1` to rewrite them, then
//! review the diff like code.
#![cfg(not(target_arch = "wasm32"))]

mod golden;
mod pipeline;
mod reading;
mod reports;
mod sources;
mod splitting;
mod workbooks;
