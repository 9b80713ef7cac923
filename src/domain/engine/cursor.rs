//! Reading records from a file's bytes one chunk at a time, the chunk handed in by the caller (from memory, or
//! read from disk just before), so the file never has to be in memory at once.
//!
//! The bytes are the file's body: any BOM has been stepped over (`decode::first_look` measures it), so no BOM
//! handling happens here. Owns chunking: each chunk is cut just after its last line break (a `\n` byte in
//! ASCII-compatible encodings, an aligned `\n` code unit in UTF-16), so a step ends between records whenever it can;
//! a chunk with no line break at all is read whole. A character split by a cut is kept whole by the streaming
//! decoder. Invariant: records and their positions are exactly those `stream::RecordStream` gives for the whole
//! text (and so those `read` gives).

use std::ops::Range;

use encoding_rs::{Encoding, ISO_2022_JP, UTF_16BE, UTF_16LE, UTF_8};

use crate::domain::decode::is_blank;
use crate::domain::stream::{ChunkDecoder, RecordStream, StreamMark, StreamRecord};

/// Bytes read per step: small enough that a step takes a few milliseconds (so Stop and progress are prompt).
pub const CHUNK_BYTES: u64 = 512 * 1024;

/// A place in the body where reading can start again (`Cursor::resume`) and give the same records from there on:
/// a step's start that fell between two records, just after a line break.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    /// Bytes of the body before it.
    pub offset: u64,
    /// Records given out before it (blank ones are not given).
    pub given: u64,
    /// Where the parser stood.
    pub mark: StreamMark,
}

pub struct Cursor {
    encoding: &'static Encoding,
    decoder: ChunkDecoder,
    stream: RecordStream,
    offset: u64,
    /// The body's length in bytes.
    size: u64,
    /// Bytes read per step.
    chunk: u64,
    done: bool,
    /// Whether malformed bytes were replaced with U+FFFD so far.
    replaced: bool,
    /// Whether all the text so far is blank (white space and U+FEFF), which `decode` refuses as an empty file.
    blank: bool,
    text: String,
    /// Records given out so far.
    given: u64,
    /// The next step starts just after a line break (or at the start), where the decoder holds nothing.
    at_cut: bool,
    /// The places where reading can start again, in order (`Checkpoint`).
    checkpoints: Vec<Checkpoint>,
    /// For each place, the hash (xxh3) of the bytes from it to the next one (or to the end): the last one's once
    /// done. A reading from a place checks the bytes it reads against them (`Reread`), so a file changed since is
    /// never read as if it were the same.
    hashes: Vec<u64>,
    /// The hash of the bytes since the last place.
    hasher: xxhash_rust::xxh3::Xxh3,
}

impl Cursor {
    /// A cursor at the start of a body of `size` bytes.
    pub fn new(encoding: &'static Encoding, delimiter: u8, size: u64) -> Cursor {
        let start = Checkpoint { offset: 0, given: 0, mark: StreamMark::default() };
        Cursor { blank: true, ..Cursor::resume(encoding, delimiter, size, start) }
    }

    /// A cursor that starts at `checkpoint` (one that a cursor over the same body in the same encoding and
    /// delimiter gave): its records are those that cursor gave after it, at the same positions. Whether the text
    /// before was blank is not known, so `all_blank` says no.
    pub fn resume(encoding: &'static Encoding, delimiter: u8, size: u64, checkpoint: Checkpoint) -> Cursor {
        Cursor {
            encoding,
            decoder: ChunkDecoder::resume(encoding),
            stream: RecordStream::resume(delimiter, checkpoint.mark),
            offset: checkpoint.offset,
            size,
            chunk: CHUNK_BYTES,
            done: false,
            replaced: false,
            blank: false,
            text: String::new(),
            given: checkpoint.given,
            at_cut: true,
            checkpoints: Vec::new(),
            hashes: Vec::new(),
            hasher: xxhash_rust::xxh3::Xxh3::new(),
        }
    }

    /// The hash of the bytes from each checkpoint to the next (`checkpoints`), the last one's to the end once done.
    pub fn hashes(&self) -> &[u64] {
        &self.hashes
    }

    /// The places where reading can start again found so far, in order: the start among them.
    pub fn checkpoints(&self) -> &[Checkpoint] {
        &self.checkpoints
    }

    /// Records given out so far (counting those before the checkpoint a resumed cursor started at).
    pub fn given(&self) -> u64 {
        self.given
    }

    /// Reads `bytes` per step instead of `CHUNK_BYTES` (at least 1).
    pub fn with_chunk(mut self, bytes: u64) -> Cursor {
        self.chunk = bytes.max(1);
        self
    }

    /// Bytes consumed so far.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Whether any bytes so far were malformed in the encoding (and read as U+FFFD).
    pub fn had_replacements(&self) -> bool {
        self.replaced
    }

    /// Whether all the text read so far is blank (white space and U+FEFF; all of it, once done).
    pub fn all_blank(&self) -> bool {
        self.blank
    }

    /// The bytes of the body the next step reads.
    pub fn wants(&self) -> Range<u64> {
        if self.done {
            return self.offset..self.offset;
        }
        self.offset..(self.offset + self.chunk).min(self.size)
    }

    /// Reads, decodes and parses the next chunk: `bytes` are the body's bytes in `wants()` (fewer only if the
    /// body ends sooner). Calls `on_record` for each non-blank record.
    pub fn step(&mut self, bytes: &[u8], mut on_record: impl FnMut(&StreamRecord<'_>)) {
        if self.done {
            return;
        }
        // ISO-2022-JP's decoder keeps its mode across line breaks: only its start is a place to start again.
        let stateless = self.encoding != ISO_2022_JP || self.offset == 0;
        if let Some(mark) = self.stream.mark().filter(|_| self.at_cut && stateless) {
            if self.checkpoints.last().is_none_or(|c| c.offset < self.offset) {
                if !self.checkpoints.is_empty() {
                    self.hashes.push(self.hasher.digest());
                    self.hasher.reset();
                }
                self.checkpoints.push(Checkpoint { offset: self.offset, given: self.given, mark });
            }
        }
        // The decoder holds nothing from the chunk before: UTF-8 that checks whole needs no decoding.
        let clean = self.at_cut && self.encoding == UTF_8;
        let mut bytes = &bytes[..bytes.len().min(self.chunk as usize)];
        let last = self.offset + bytes.len() as u64 >= self.size;
        let cut = if last { None } else { self.cut(bytes) };
        if let Some(cut) = cut {
            bytes = &bytes[..cut];
        }
        self.at_cut = cut.is_some();
        self.offset += bytes.len() as u64;
        self.hasher.update(bytes);
        if last && !self.checkpoints.is_empty() {
            self.hashes.push(self.hasher.digest());
        }
        self.text.clear();
        // Valid UTF-8 is its own decoding (simdutf8, 16 bytes at a time with wasm SIMD): parsed where it lies, not
        // copied by encoding_rs's decoder after its own, slower check. Anything else goes through the decoder.
        let text = match clean.then(|| simdutf8::basic::from_utf8(bytes).ok()).flatten() {
            Some(text) => text,
            None => {
                self.replaced |= self.decoder.push(bytes, last, &mut self.text);
                &self.text
            }
        };
        self.blank = self.blank && is_blank(text);
        let given = &mut self.given;
        let mut on_record = |record: &StreamRecord<'_>| {
            *given += 1;
            on_record(record);
        };
        // Empty input means "end of file" to csv_core: a chunk that only began a character adds nothing yet.
        if !text.is_empty() {
            self.stream.push(text.as_bytes(), &mut on_record);
        }
        if last {
            self.stream.finish(&mut on_record);
            self.done = true;
        }
    }

    /// Just after the chunk's last line break, if it has one.
    fn cut(&self, bytes: &[u8]) -> Option<usize> {
        let unit = |hi: u8, lo: u8| {
            (0..bytes.len().saturating_sub(1))
                .rev()
                .find(|&i| (self.offset + i as u64).is_multiple_of(2) && bytes[i] == hi && bytes[i + 1] == lo)
        };
        let found = if self.encoding == UTF_16LE {
            unit(b'\n', 0).map(|i| i + 2)
        } else if self.encoding == UTF_16BE {
            unit(0, b'\n').map(|i| i + 2)
        } else {
            bytes.iter().rposition(|&b| b == b'\n').map(|i| i + 1)
        };
        found.filter(|&cut| cut > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::read::{read, ReadOptions};
    use crate::domain::table::{Position, Record};
    use encoding_rs::{SHIFT_JIS, UTF_8};

    fn all(encoding: &'static Encoding, bytes: &[u8], delimiter: u8, chunk: u64) -> Vec<Record> {
        let mut cursor = Cursor::new(encoding, delimiter, bytes.len() as u64).with_chunk(chunk);
        let mut out = Vec::new();
        while !cursor.is_done() {
            let Range { start, end } = cursor.wants();
            cursor.step(&bytes[start as usize..end as usize], |r| out.push(Record { pos: r.pos, cells: r.to_cells() }));
        }
        assert_eq!(cursor.offset(), bytes.len() as u64);
        out
    }

    fn text(rows: usize) -> String {
        let mut s = String::from("Name,Note,City\r\n");
        for i in 0..rows {
            s.push_str(&format!("Zoë {i},\"line one\nline two, 😀\",Köln\r\n"));
            if i % 100 == 0 {
                s.push_str(",,\r\n");
            }
        }
        s
    }

    #[test]
    fn chunked_records_equal_the_whole_text_at_every_chunk_size() {
        let text = text(2_000);
        let whole = read(text.as_bytes(), &ReadOptions::default()).expect("reads");
        for chunk in [1, 2, 3, 7, 100, 4096, CHUNK_BYTES] {
            let records = all(UTF_8, text.as_bytes(), b',', chunk);
            assert_eq!(records.len(), whole.table.records.len() + 1, "chunk {chunk}");
            assert_eq!(&records[1..], whole.table.records.to_vec().as_slice(), "chunk {chunk}");
        }
    }

    #[test]
    fn utf16_and_shift_jis_read_the_same_records() {
        let text = text(500);
        let utf8 = all(UTF_8, text.as_bytes(), b',', 4096);
        let utf16: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        for chunk in [3, 1001, 4096] {
            assert_eq!(all(UTF_16LE, &utf16, b',', chunk), utf8, "chunk {chunk}");
        }
        let sjis = SHIFT_JIS.encode(&text.replace('😀', "データ").replace(['ë', 'ö'], "e")).0.into_owned();
        let records = all(SHIFT_JIS, &sjis, b',', 999);
        assert_eq!(records.len(), utf8.len());
        assert_eq!(&records[3].cells[1], "line one\nline two, データ");
        assert_eq!(records[3].pos, utf8[3].pos);
        assert_eq!(records[3].pos, Position { row: 5, line: 7 });
    }

    /// Reads from `cursor` to the end of `bytes` (the body), keeping every record.
    fn rest(mut cursor: Cursor, bytes: &[u8]) -> Vec<Record> {
        let mut out = Vec::new();
        while !cursor.is_done() {
            let Range { start, end } = cursor.wants();
            cursor.step(&bytes[start as usize..end as usize], |r| out.push(Record { pos: r.pos, cells: r.to_cells() }));
        }
        out
    }

    #[test]
    fn reading_again_from_any_checkpoint_gives_the_same_records_from_there_on() {
        // Records of many lengths, a third of them with a line break inside quotes, so chunks end all over them.
        let mut text = String::from("Name,Note,City\r\n");
        for i in 0..1500 {
            let note = if i % 3 == 0 { "\"line one\nline two, 😀\"" } else { "plain" };
            text.push_str(&format!("Zoë {},{note},Köln\r\n", "x".repeat(i % 37)));
        }
        let utf16: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let sjis = SHIFT_JIS.encode(&text.replace('😀', "データ").replace(['ë', 'ö'], "e")).0.into_owned();
        for (encoding, bytes) in [(UTF_8, text.into_bytes()), (UTF_16LE, utf16), (SHIFT_JIS, sjis)] {
            for chunk in [5, 333, 4096] {
                let size = bytes.len() as u64;
                let mut cursor = Cursor::new(encoding, b',', size).with_chunk(chunk);
                let mut records = Vec::new();
                while !cursor.is_done() {
                    let Range { start, end } = cursor.wants();
                    cursor.step(&bytes[start as usize..end as usize], |r| {
                        records.push(Record { pos: r.pos, cells: r.to_cells() })
                    });
                }
                assert_eq!(cursor.given(), records.len() as u64);
                let checkpoints = cursor.checkpoints();
                assert_eq!(checkpoints[0], Checkpoint { offset: 0, given: 0, mark: StreamMark::default() });
                // Each record has a quoted line break: a chunk that ends inside one is not a place to start again,
                // nor one without a line break (read whole, it may end inside a character).
                // Chunks that end inside a quoted field are not places to start again, nor chunks without a line
                // break (read whole, they may end inside a character): still, most chunks here are.
                let steps = size.div_ceil(chunk.max(100)) as usize;
                assert!(
                    checkpoints.len() * 3 > steps,
                    "{} in chunks of {chunk}: {}",
                    encoding.name(),
                    checkpoints.len()
                );
                assert!(checkpoints.windows(2).all(|w| w[0].offset < w[1].offset && w[0].given <= w[1].given));
                for checkpoint in checkpoints.iter().step_by(7).chain(checkpoints.last()) {
                    let again = rest(Cursor::resume(encoding, b',', size, *checkpoint).with_chunk(chunk), &bytes);
                    let from = checkpoint.given as usize;
                    assert_eq!(again, records[from..], "{} in chunks of {chunk} from {checkpoint:?}", encoding.name());
                }
            }
        }
    }

    #[test]
    fn iso_2022_jp_starts_again_only_at_the_start() {
        let bytes = ISO_2022_JP.encode("名前,都市\n山田,東京\n佐藤,大阪\n").0.into_owned();
        let mut cursor = Cursor::new(ISO_2022_JP, b',', bytes.len() as u64).with_chunk(8);
        let records = rest_keeping(&mut cursor, &bytes);
        assert_eq!(records, 3);
        assert_eq!(cursor.checkpoints().len(), 1);
    }

    fn rest_keeping(cursor: &mut Cursor, bytes: &[u8]) -> usize {
        let mut n = 0;
        while !cursor.is_done() {
            let Range { start, end } = cursor.wants();
            cursor.step(&bytes[start as usize..end as usize], |_| n += 1);
        }
        n
    }

    #[test]
    fn a_file_without_line_breaks_is_read_whole() {
        let text = "a,".repeat(400_000);
        let records = all(UTF_8, text.as_bytes(), b',', CHUNK_BYTES);
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].cells.len(), 400_001);
    }
}
