//! Where a loaded file's bytes are: in memory (a small file, the bundled sample) or still on the admin's disk (a
//! big file, read a slice at a time whenever it is read again, never held whole).
//!
//! Owns the window the big-file reader reads through (`Window`: one slice of the file in memory at a time) and what
//! is kept of a file besides its table (`Kept`: its first megabyte for the encoding preview, and its fingerprint).

use std::ops::Range;
use std::sync::Arc;

use send_wrapper::SendWrapper;

use crate::domain::api::plan::{file_hash, file_spans, FileFingerprint};
use crate::domain::engine::FileWindow;
use crate::web::file::read_slice;
use crate::web::yield_now::yield_now;
use crate::web::WebError;

/// Bytes of the file hashed per turn for its fingerprint (SHA-256 in wasm: a few ms).
const HASH_BYTES: usize = 128 << 10;

/// Bytes read from disk at once by a `Window`: big enough that the browser's per-read cost does not show, small
/// enough to be nothing beside the table.
const WINDOW_BYTES: u64 = 8 << 20;

/// A loaded file's bytes.
#[derive(Clone, Debug)]
pub enum FileSource {
    Memory(Arc<Vec<u8>>),
    /// The admin's file, read only on this page's thread (the handle cannot be sent elsewhere).
    Disk(SendWrapper<web_sys::File>),
}

impl FileSource {
    pub fn disk(file: web_sys::File) -> FileSource {
        FileSource::Disk(SendWrapper::new(file))
    }

    pub fn size(&self) -> u64 {
        match self {
            FileSource::Memory(bytes) => bytes.len() as u64,
            FileSource::Disk(file) => file.size() as u64,
        }
    }

    /// Bytes `range` of the file.
    pub async fn read(&self, range: Range<u64>) -> Result<Vec<u8>, WebError> {
        match self {
            FileSource::Memory(bytes) => {
                Ok(bytes.get(range.start as usize..range.end as usize).unwrap_or_default().to_vec())
            }
            FileSource::Disk(file) => read_slice(file, range).await,
        }
    }

    /// What is kept of the file besides its table: its head and its fingerprint (two slices of at most 1 MiB,
    /// hashed `HASH_BYTES` a turn so the page never waits on it).
    pub async fn kept(&self) -> Result<Kept, WebError> {
        let size = self.size();
        let [head, tail] = file_spans(size);
        let head = self.read(head).await?;
        let tail = self.read(tail).await?;
        let mut fingerprint = FileFingerprint::new(size);
        for piece in head.chunks(HASH_BYTES).chain(tail.chunks(HASH_BYTES)) {
            fingerprint.update(piece);
            yield_now().await;
        }
        Ok(Kept { fingerprint: fingerprint.finish(), head: Arc::new(head) })
    }
}

/// What is kept of a loaded file besides its table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Kept {
    /// `plan::file_fingerprint`: recognises the file again (an unfinished import).
    pub fingerprint: String,
    /// The file's first MiB: the encoding preview compares its lines in each candidate encoding.
    pub head: Arc<Vec<u8>>,
}

impl Kept {
    /// What is kept of a file in memory.
    pub fn of_memory(bytes: &[u8]) -> Kept {
        let [head, _] = file_spans(bytes.len() as u64);
        Kept { fingerprint: file_hash(bytes), head: Arc::new(bytes[..head.end as usize].to_vec()) }
    }
}

/// The part of a file in memory while it is read from start to end: reads from disk `WINDOW_BYTES` at a time.
pub struct Window {
    source: FileSource,
    window: FileWindow,
    /// Bytes read from disk at once.
    bytes: u64,
}

impl Window {
    pub fn new(source: FileSource) -> Window {
        Window::sized(source, WINDOW_BYTES)
    }

    /// A window that reads `bytes` at once (a page of the grid needs a few hundred KB, not `WINDOW_BYTES`).
    pub fn sized(source: FileSource, bytes: u64) -> Window {
        Window { source, window: FileWindow::default(), bytes }
    }

    /// The file this window reads.
    pub fn source(&self) -> &FileSource {
        &self.source
    }

    /// Whether `range` can be had at once (`get`).
    pub fn covers(&self, range: &Range<u64>) -> bool {
        match &self.source {
            FileSource::Memory(_) => true,
            FileSource::Disk(_) => self.window.covers(range),
        }
    }

    /// Reads from disk so that `range` is covered: from its start, at least `WINDOW_BYTES` (up to the file's end).
    pub async fn load(&mut self, range: Range<u64>) -> Result<(), WebError> {
        if self.covers(&range) {
            return Ok(());
        }
        let span = FileWindow::span(&range, self.bytes, self.source.size());
        self.window.clear();
        let bytes = self.source.read(span.clone()).await?;
        self.window.fill(span.start, bytes);
        Ok(())
    }

    /// Bytes `range`, once covered (empty outside what is covered).
    pub fn get(&self, range: Range<u64>) -> &[u8] {
        match &self.source {
            FileSource::Memory(bytes) => bytes.get(range.start as usize..range.end as usize).unwrap_or_default(),
            FileSource::Disk(_) => self.window.get(range),
        }
    }
}
