//! Where the engine's bytes come from: a file read in slices (`FileReaderSync` in the worker), or bytes in memory
//! (tests, benchmarks). Owns the trait and the engine's error type; the engine never holds more than one slice.

use thiserror::Error;

use crate::domain::read::ReadError;

/// A file that can be read in slices.
pub trait ByteSource {
    /// The file's size in bytes.
    fn size(&self) -> u64;
    /// Bytes `start..end` (`end` ≤ `size`).
    fn read(&mut self, start: u64, end: u64) -> Result<Vec<u8>, EngineError>;
}

/// Bytes in memory as a source.
pub struct SliceSource<'a>(pub &'a [u8]);

impl ByteSource for SliceSource<'_> {
    fn size(&self) -> u64 {
        self.0.len() as u64
    }

    fn read(&mut self, start: u64, end: u64) -> Result<Vec<u8>, EngineError> {
        let (start, end) = (start as usize, (end as usize).min(self.0.len()));
        Ok(self.0.get(start..end).unwrap_or_default().to_vec())
    }
}

/// What stops a pass. Messages are sentences an admin can act on.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum EngineError {
    #[error(
        "The file could not be read from your computer any more ({0}). It may have been moved, renamed or changed \
         while it was open here. Choose it again."
    )]
    Io(String),
    #[error("{0}")]
    Read(#[from] ReadError),
    #[error("The file has changed since it was read: {0}. Choose it again.")]
    Changed(String),
}
