//! Browser adapters (wasm32 only): reading a dropped or chosen file, fetching the bundled sample, handing
//! bytes to the browser as a download, calling the CSM API, storage for the resume journal, randomness, and the
//! Web Worker that reads big files (and the file stream it reads them through).
//! Each turns `JsValue` failures into typed errors at the boundary, so the `ui` never sees a raw JavaScript error.

#![deny(clippy::unwrap_used, clippy::expect_used)]

pub mod download;
pub mod file;
pub mod file_stream;
pub mod http;
pub mod random;
pub mod read_worker;
pub mod sample;
pub mod storage;
pub mod timing;
pub mod yield_now;

use thiserror::Error;
use wasm_bindgen::JsCast;

/// A browser operation that failed, in words the admin can act on.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum WebError {
    #[error("The browser could not read “{name}” ({detail}). Check that the file is not open in another program, then choose it again.")]
    FileRead { name: String, detail: String },
    #[error("“{name}” changed on your computer after it was read, so its rows can no longer be read back as they were checked. Choose it again on the first step to read it as it is now.")]
    FileChanged { name: String },
    #[error("The sample file could not be loaded ({0}). Reload the page and try again.")]
    Sample(String),
    #[error("The browser refused to save the file ({0}). Allow downloads for this page and try again.")]
    Download(String),
    #[error("The browser would not keep data for this page ({0}). Private windows and full storage do this; the import still works, but cannot be resumed after this tab closes.")]
    Storage(String),
}

/// A short description of a JavaScript error value, for messages (never contains cell values).
pub(crate) fn describe(value: &wasm_bindgen::JsValue) -> String {
    value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| "unknown error".to_owned())
}
