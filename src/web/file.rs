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

/// The first file of an `<input type=file>` change or a drop, if any.
pub fn first_file(list: Option<web_sys::FileList>) -> Option<web_sys::File> {
    list.and_then(|l| l.get(0))
}
