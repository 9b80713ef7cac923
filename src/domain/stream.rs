//! Reading a file as a stream of chunks instead of one buffer: the foundation of the big-file engine.
//!
//! Owns two push-style stages that never hold more than a chunk and one record: `ChunkDecoder` (bytes in any
//! supported encoding → UTF-8 text, a character never split across chunks) and `RecordStream` (text → records with
//! the same cells, skipping and positions as `read` gives for the whole file). It does not decide the encoding or
//! the delimiter (`decode`, `sniff` do, from a sample) and holds no table: callers keep what they need per record.
//! Invariant, tested on every fixture at many chunk sizes: streaming gives exactly what the whole-file reader gives.

pub mod chunk_decoder;
pub mod plain_record;
pub mod record_stream;

pub use chunk_decoder::ChunkDecoder;
pub use record_stream::{RecordStream, StreamMark, StreamRecord};

/// A small deterministic random source for the tests that compare the parsers on random text (xorshift64).
#[cfg(test)]
pub(crate) fn xorshift(mut seed: u64) -> impl FnMut() -> u64 {
    move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    }
}
