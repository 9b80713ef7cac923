//! CSM Import Assistant: turns messy CRM exports into files and API calls that Atlassian Customer Service
//! Management accepts the first time.
//!
//! Three layers (see README, "Architecture"):
//! - [`domain`]: pure Rust, deterministic, tested natively. Reading, schema, mapping, validation, export.
//! - `web`: browser adapters (wasm32 only): files, downloads, fetch.
//! - `ui`: Leptos components (wasm32 only). State is plain domain values in signals.

pub mod domain;

#[cfg(target_arch = "wasm32")]
pub mod web;

#[cfg(target_arch = "wasm32")]
pub mod ui;
