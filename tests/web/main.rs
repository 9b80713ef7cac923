//! Component and browser-adapter tests, run by wasm-bindgen-test in headless Chromium.
#![cfg(target_arch = "wasm32")]
