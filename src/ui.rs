//! Leptos components (wasm32 only). State lives in one [`state::ImportState`] context of signals holding plain
//! domain values; derived values are memos that call domain functions; intent methods are the only writers.

#![deny(clippy::unwrap_used, clippy::expect_used)]

pub mod api_driver;
pub mod api_state;
mod app;
pub mod components;
pub mod file_rows;
pub mod file_source;
pub mod jobs;
pub mod state;
pub mod steps;
pub mod worker_export;

pub use app::App;
pub use state::{ImportState, Step};
