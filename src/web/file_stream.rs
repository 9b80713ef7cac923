//! A file read from a place on, in order, through the browser's own stream of it (`Blob.stream()` with a "bring
//! your own buffer" reader): every read fills the same buffer again.
//!
//! Reading 8 MiB spans with `Blob.arrayBuffer` gave the reading worker a new buffer each time: fresh memory the
//! system had to map and zero, page by page, on that worker's thread. Measured in headless Chromium on a 284 MB
//! file, the whole browser spent 600-720 ms of processor time reading it that way, 440 ms through this stream.
//! Owns only the reading; where the bytes go is the caller's (`engine::FileWindow`). Each read gives what the
//! browser has ready (often about 100 KB), never more than the buffer.

use js_sys::{ArrayBuffer, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{File, ReadableStreamByobReader, ReadableStreamGetReaderOptions, ReadableStreamReaderMode};

/// The buffer each read fills, at most.
const BUFFER_BYTES: u32 = 1 << 20;

/// The stream of one file from one place on.
pub struct FileStream {
    reader: ReadableStreamByobReader,
    /// Where in the file the next bytes read start.
    at: u64,
    /// The buffer the next read fills (the last read's, handed back with its bytes).
    buffer: Option<ArrayBuffer>,
}

impl FileStream {
    /// The stream of `file`'s bytes from `from` on.
    pub fn open(file: &File, from: u64) -> Result<FileStream, JsValue> {
        let blob = file.slice_with_f64(from as f64)?;
        let options = ReadableStreamGetReaderOptions::new();
        options.set_mode(ReadableStreamReaderMode::Byob);
        let reader = blob.stream().get_reader_with_options(&options).dyn_into::<ReadableStreamByobReader>()?;
        Ok(FileStream { reader, at: from, buffer: None })
    }

    /// Where in the file the next bytes read start.
    pub fn at(&self) -> u64 {
        self.at
    }

    /// The next bytes, valid until the next read (the caller copies them); `None` at the file's end.
    pub async fn read(&mut self) -> Result<Option<Uint8Array>, JsValue> {
        let buffer = self.buffer.take().unwrap_or_else(|| ArrayBuffer::new(BUFFER_BYTES));
        // The read takes the buffer (detached here) and gives it back, filled, in its result.
        let result = JsFuture::from(self.reader.read_with_array_buffer_view(&Uint8Array::new(&buffer))).await?;
        if Reflect::get(&result, &JsValue::from_str("done"))?.as_bool().unwrap_or(true) {
            return Ok(None);
        }
        let bytes = Reflect::get(&result, &JsValue::from_str("value"))?.dyn_into::<Uint8Array>()?;
        self.buffer = Some(bytes.buffer());
        self.at += u64::from(bytes.length());
        Ok(Some(bytes))
    }

    /// Stops the browser reading on (a stream no longer wanted: the scan starts again elsewhere).
    pub fn cancel(self) {
        let _ = self.reader.cancel();
    }
}
