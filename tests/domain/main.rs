//! Native integration suite: fixture files in, golden files out — "the whole app minus the browser".
#![cfg(not(target_arch = "wasm32"))]
