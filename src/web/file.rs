//! Reading a `File` the admin chose or dropped into bytes, entirely in the browser (nothing is uploaded).

use super::WebError;

/// A file's name and full contents.
#[derive(Clone, Debug)]
pub struct PickedFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Reads the whole file. (Streaming very large files is the worker's job; see the big-files issue.)
pub async fn read_file(file: web_sys::File) -> Result<PickedFile, WebError> {
    let name = file.name();
    let blob = gloo_file::File::from(file);
    gloo_file::futures::read_as_bytes(&blob)
        .await
        .map(|bytes| PickedFile { name: name.clone(), bytes })
        .map_err(|e| WebError::FileRead { name, detail: e.to_string() })
}

/// Bytes read per slice by `read_file_in_slices`.
const SLICE_BYTES: f64 = 8.0 * 1024.0 * 1024.0;

/// Reads the whole file a slice at a time (`Blob.slice` + `arrayBuffer`), calling `progress(done, total)` after
/// each, and stops early (`Ok(None)`) when `go_on()` says so. The browser never holds the file as one buffer, and
/// the page can paint and answer clicks between slices.
pub async fn read_file_in_slices(
    file: web_sys::File,
    mut progress: impl FnMut(u64, u64),
    go_on: impl Fn() -> bool,
) -> Result<Option<PickedFile>, WebError> {
    let name = file.name();
    let size = file.size();
    let failed = |e: wasm_bindgen::JsValue| WebError::FileRead { name: name.clone(), detail: super::describe(&e) };
    let mut bytes = Vec::with_capacity(size as usize);
    let mut start = 0.0;
    while start < size {
        let end = (start + SLICE_BYTES).min(size);
        let slice = file.slice_with_f64_and_f64(start, end).map_err(failed)?;
        let buffer = wasm_bindgen_futures::JsFuture::from(slice.array_buffer()).await.map_err(failed)?;
        if !go_on() {
            return Ok(None);
        }
        // Copied once, straight from the slice's buffer into its place in `bytes`.
        let array = js_sys::Uint8Array::new(&buffer);
        let at = bytes.len();
        bytes.resize(at + array.length() as usize, 0);
        array.copy_to(&mut bytes[at..]);
        start = end;
        progress(start as u64, size as u64);
    }
    Ok(Some(PickedFile { name, bytes }))
}

/// The first file of an `<input type=file>` change or a drop, if any.
pub fn first_file(list: Option<web_sys::FileList>) -> Option<web_sys::File> {
    list.and_then(|l| l.get(0))
}
