//! Fetching a sample file shipped with the app (same origin, so the CSP's `connect-src 'self'` allows it).

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::{describe, WebError};

/// Fetches `path` (relative to the page) as bytes.
pub async fn fetch_bytes(path: &str) -> Result<Vec<u8>, WebError> {
    let window = web_sys::window().ok_or_else(|| WebError::Sample("no window".into()))?;
    let response = JsFuture::from(window.fetch_with_str(path)).await.map_err(|e| WebError::Sample(describe(&e)))?;
    let response: web_sys::Response = response.dyn_into().map_err(|e| WebError::Sample(describe(&e)))?;
    if !response.ok() {
        return Err(WebError::Sample(format!("HTTP {}", response.status())));
    }
    let buffer = response.array_buffer().map_err(|e| WebError::Sample(describe(&e)))?;
    let buffer = JsFuture::from(buffer).await.map_err(|e| WebError::Sample(describe(&e)))?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}
