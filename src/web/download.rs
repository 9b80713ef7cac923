//! Handing bytes to the browser as a file download (a Blob URL clicked through a temporary link), so files are
//! produced on the admin's device and never sent anywhere.

use wasm_bindgen::JsCast;

use super::{describe, WebError};
use crate::domain::export::FileBytes;

/// Bytes handed to the browser per turn by `save_in_slices`.
const SLICE_BYTES: usize = 4 << 20;

/// Offers `bytes` as a download named `name` with the given MIME type.
pub fn save(name: &str, mime: &str, bytes: &[u8]) -> Result<(), WebError> {
    offer(name, mime, &js_sys::Array::of1(&js_sys::Uint8Array::from(bytes)))
}

/// The first bytes of a download, handed to the browser while the rest is still being written: a Blob a piece, so
/// the page's memory never holds the whole file. `save_in_slices` puts them before the rest.
pub struct Handed {
    parts: js_sys::Array,
    failed: Option<WebError>,
}

impl Default for Handed {
    fn default() -> Self {
        Handed { parts: js_sys::Array::new(), failed: None }
    }
}

impl Handed {
    /// Hands the next bytes over. A failure is kept and reported by `save_in_slices`, not lost.
    pub fn push(&mut self, bytes: &[u8]) {
        if self.failed.is_some() {
            return;
        }
        let part = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
        match web_sys::Blob::new_with_u8_array_sequence(&part) {
            Ok(blob) => {
                self.parts.push(&blob);
            }
            Err(e) => self.failed = Some(WebError::Download(describe(&e))),
        }
    }

    /// `push` for bytes that are not in this page's memory (a worker's message): no copy is made first.
    pub fn push_array(&mut self, bytes: &js_sys::Uint8Array) {
        if self.failed.is_some() {
            return;
        }
        match web_sys::Blob::new_with_u8_array_sequence(&js_sys::Array::of1(bytes)) {
            Ok(blob) => {
                self.parts.push(&blob);
            }
            Err(e) => self.failed = Some(WebError::Download(describe(&e))),
        }
    }

    /// Drops every byte handed over: the file is being written again.
    pub fn clear(&mut self) {
        *self = Handed::default();
    }
}

/// `save` for a file of any size: the bytes `handed` over already, then `bytes`, handed over the same way 4 MB a
/// turn (one Blob each; the download is a Blob of those, which the browser joins without copying), so handing over
/// hundreds of MB never blocks the page.
pub async fn save_in_slices(name: &str, mime: &str, mut handed: Handed, bytes: &FileBytes) -> Result<(), WebError> {
    for slice in bytes.pieces().iter().flat_map(|piece| piece.chunks(SLICE_BYTES)) {
        if handed.failed.is_some() {
            break;
        }
        handed.push(slice);
        super::yield_now::yield_now().await;
    }
    match handed.failed {
        Some(failed) => Err(failed),
        None => offer(name, mime, &handed.parts),
    }
}

/// Offers the Blob made of `parts` (byte arrays or Blobs) as a download.
fn offer(name: &str, mime: &str, parts: &js_sys::Array) -> Result<(), WebError> {
    let err = |e: wasm_bindgen::JsValue| WebError::Download(describe(&e));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_blob_sequence_and_options(parts, &options).map_err(err)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(err)?;
    let document =
        web_sys::window().and_then(|w| w.document()).ok_or_else(|| WebError::Download("no document".into()))?;
    let anchor: web_sys::HtmlAnchorElement =
        document.create_element("a").map_err(err)?.dyn_into().map_err(|e| err(e.into()))?;
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.set_hidden(true);
    let body = document.body().ok_or_else(|| WebError::Download("no body".into()))?;
    body.append_child(&anchor).map_err(err)?;
    anchor.click();
    anchor.remove();
    // Revoke later: revoking at once can cancel the download in some browsers.
    let revoke = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    if let Some(window) = web_sys::window() {
        window.set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 60_000).map_err(err)?;
    }
    Ok(())
}
