//! Reading a `File` the admin chose or dropped into bytes, entirely in the browser (nothing is uploaded).

use std::ops::Range;

use super::WebError;

/// A file's name and full contents.
#[derive(Clone, Debug)]
pub struct PickedFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Reads the whole file (a small one: big files are read in slices, `read_slice`).
pub async fn read_file(file: web_sys::File) -> Result<PickedFile, WebError> {
    let name = file.name();
    let blob = gloo_file::File::from(file);
    gloo_file::futures::read_as_bytes(&blob)
        .await
        .map(|bytes| PickedFile { name: name.clone(), bytes })
        .map_err(|e| WebError::FileRead { name, detail: e.to_string() })
}

/// Bytes `range` of the file (`Blob.slice` + `arrayBuffer`): a big file is read a slice at a time when it is
/// needed, never whole.
pub async fn read_slice(file: &web_sys::File, range: Range<u64>) -> Result<Vec<u8>, WebError> {
    let failed = |e: wasm_bindgen::JsValue| WebError::FileRead { name: file.name(), detail: super::describe(&e) };
    let slice = file.slice_with_f64_and_f64(range.start as f64, range.end as f64).map_err(failed)?;
    let buffer = wasm_bindgen_futures::JsFuture::from(slice.array_buffer()).await.map_err(failed)?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// The first file of an `<input type=file>` change or a drop, if any.
pub fn first_file(list: Option<web_sys::FileList>) -> Option<web_sys::File> {
    list.and_then(|l| l.get(0))
}
