//! Reading a whole file in slices: the same `ReadOutcome` as `read::read`, one bounded step at a time.
//!
//! Owns the order of the slices: the head of the file (workbooks and binary files refused, a BOM or UTF-16's
//! NUL-byte pattern deciding the encoding), then — when the encoding is not decided — a pass checking the body is
//! valid UTF-8 and, if it is not, a pass feeding chardetng, then the delimiter sniffed from the first megabytes, then
//! decoding and parsing chunk by chunk (`Cursor`), and last the table assembled as `read` assembles it. A workbook
//! is read in one step (calamine needs the whole archive). It decides nothing itself: each choice is the one
//! `decode`, `sniff` and `structure` make for the whole file, which is why the outcome is equal. Memory: the file's
//! bytes (shared, not copied), one chunk of text, and the records read so far.

use std::sync::Arc;

use chardetng::EncodingDetector;
use encoding_rs::{Encoding, UTF_8};

use super::cursor::Cursor;
use crate::domain::decode::{first_look, legacy_guess, new_detector};
use crate::domain::read::{assemble, ReadError, ReadOptions, ReadOutcome, Rows};
use crate::domain::sniff::sniff_delimiter;
use crate::domain::table::Record;
use crate::domain::xlsx::{is_workbook, read_workbook};

/// Bytes looked at per step while checking UTF-8 or feeding chardetng (both run at hundreds of MB/s).
const CHECK_BYTES: usize = 4 << 20;
/// Raw bytes decoded for the delimiter sniffer: they always give more text than the sniffer reads (at most 2 bytes
/// of a file make 1 byte of UTF-8 text, and the sniffer judges the first MiB), so it sees what it would see in the
/// whole text.
const SNIFF_RAW_BYTES: usize = 4 << 20;

/// What the job is doing, for the progress line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadStage {
    /// Telling the encoding (checking UTF-8, or guessing a legacy encoding).
    Encoding,
    /// Decoding and splitting into rows.
    Rows,
    /// Finding the header and footer, squaring rows.
    Table,
}

/// How far the job is: bytes of the current pass, and data rows found so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadProgress {
    pub stage: ReadStage,
    pub done: u64,
    pub total: u64,
    pub rows: u64,
}

enum Stage {
    Start,
    CheckUtf8 { offset: usize },
    Guess { offset: usize, detector: Box<EncodingDetector> },
    Parse(Box<Parse>),
    Assemble(Vec<Record>, Decided),
    Finished,
}

/// What was decided before parsing.
#[derive(Clone, Copy)]
struct Decided {
    encoding: &'static Encoding,
    guessed: bool,
    delimiter: u8,
    sniffed: bool,
}

struct Parse {
    decided: Decided,
    cursor: Cursor,
    records: Vec<Record>,
}

/// One file being read. `step` until it returns the outcome.
pub struct ReadJob {
    bytes: Arc<Vec<u8>>,
    options: ReadOptions,
    bom_len: usize,
    chunk: u64,
    stage: Stage,
}

impl ReadJob {
    pub fn new(bytes: Arc<Vec<u8>>, options: ReadOptions) -> ReadJob {
        ReadJob { bytes, options, bom_len: 0, chunk: super::CHUNK_BYTES, stage: Stage::Start }
    }

    /// Parses `bytes` per step instead of `CHUNK_BYTES` (tests use tiny chunks to cross every boundary).
    pub fn with_chunk(mut self, bytes: u64) -> ReadJob {
        self.chunk = bytes.max(1);
        self
    }

    /// Does one bounded piece of work. `Some` once finished, with exactly what `read::read` returns for the file.
    pub fn step(&mut self) -> Option<Result<ReadOutcome, ReadError>> {
        match self.advance() {
            Ok(None) => None,
            Ok(Some(outcome)) => {
                self.stage = Stage::Finished;
                Some(Ok(outcome))
            }
            Err(e) => {
                self.stage = Stage::Finished;
                Some(Err(e))
            }
        }
    }

    /// How far the job is.
    pub fn progress(&self) -> ReadProgress {
        let body = (self.bytes.len() - self.bom_len) as u64;
        let (stage, done, rows) = match &self.stage {
            Stage::Start => (ReadStage::Encoding, 0, 0),
            Stage::CheckUtf8 { offset } | Stage::Guess { offset, .. } => (ReadStage::Encoding, *offset as u64, 0),
            Stage::Parse(p) => (ReadStage::Rows, p.cursor.offset(), p.records.len() as u64),
            Stage::Assemble(records, _) => (ReadStage::Table, body, records.len() as u64),
            Stage::Finished => (ReadStage::Table, body, 0),
        };
        ReadProgress { stage, done, total: body, rows: rows.saturating_sub(1) }
    }

    fn advance(&mut self) -> Result<Option<ReadOutcome>, ReadError> {
        let bytes = Arc::clone(&self.bytes);
        let body = &bytes[self.bom_len..];
        match std::mem::replace(&mut self.stage, Stage::Finished) {
            Stage::Start => {
                if is_workbook(&bytes) {
                    return read_workbook(&bytes, &self.options).map(Some);
                }
                let first = first_look(&bytes, self.options.encoding)?;
                self.bom_len = first.bom_len;
                self.stage = match first.encoding {
                    Some((encoding, guessed)) => self.start_parse(encoding, guessed),
                    None => Stage::CheckUtf8 { offset: 0 },
                };
            }
            Stage::CheckUtf8 { offset } => {
                let end = (offset + CHECK_BYTES).min(body.len());
                self.stage = match std::str::from_utf8(&body[offset..end]) {
                    Ok(_) if end == body.len() => self.start_parse(UTF_8, false),
                    Ok(_) => Stage::CheckUtf8 { offset: end },
                    // A character cut by the end of this slice: check it again with the next slice.
                    Err(e) if e.error_len().is_none() && end < body.len() => {
                        Stage::CheckUtf8 { offset: offset + e.valid_up_to() }
                    }
                    Err(_) => Stage::Guess { offset: 0, detector: Box::new(new_detector()) },
                };
            }
            Stage::Guess { offset, mut detector } => {
                let end = (offset + CHECK_BYTES).min(body.len());
                detector.feed(&body[offset..end], end == body.len());
                self.stage = if end == body.len() {
                    self.start_parse(legacy_guess(&detector), true)
                } else {
                    Stage::Guess { offset: end, detector }
                };
            }
            Stage::Parse(mut parse) => {
                let records = &mut parse.records;
                parse.cursor.step(body, |r| records.push(Record { pos: r.pos, cells: r.cells().collect() }));
                self.stage = if parse.cursor.is_done() {
                    Stage::Assemble(std::mem::take(&mut parse.records), parse.decided)
                } else {
                    Stage::Parse(parse)
                };
            }
            Stage::Assemble(records, d) => {
                let assembled = assemble(records, &self.options, Rows::Text)?;
                let outcome =
                    ReadOutcome::of_text(assembled, (d.encoding, d.guessed), (d.delimiter, d.sniffed), &self.options);
                return Ok(Some(outcome));
            }
            Stage::Finished => {}
        }
        Ok(None)
    }

    /// The encoding is known: sniff the delimiter from the start of the text and begin parsing.
    fn start_parse(&self, encoding: &'static Encoding, guessed: bool) -> Stage {
        let body = &self.bytes[self.bom_len..];
        let (delimiter, sniffed) = match self.options.delimiter {
            Some(d) => (d, false),
            None => {
                let head = &body[..body.len().min(SNIFF_RAW_BYTES)];
                (sniff_delimiter(&encoding.decode_without_bom_handling(head).0), true)
            }
        };
        let decided = Decided { encoding, guessed, delimiter, sniffed };
        let cursor = Cursor::new(encoding, delimiter).with_chunk(self.chunk);
        Stage::Parse(Box::new(Parse { decided, cursor, records: Vec::new() }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::read::read;
    use encoding_rs::{UTF_16LE, WINDOWS_1252};

    fn run(bytes: &[u8], options: &ReadOptions, chunk: u64) -> (Result<ReadOutcome, ReadError>, usize) {
        let mut job = ReadJob::new(Arc::new(bytes.to_vec()), options.clone()).with_chunk(chunk);
        let mut steps = 0;
        loop {
            steps += 1;
            if let Some(done) = job.step() {
                return (done, steps);
            }
            let progress = job.progress();
            assert!(progress.done <= progress.total, "{progress:?}");
        }
    }

    fn same_as_read(bytes: &[u8], options: &ReadOptions) {
        let whole = read(bytes, options);
        for chunk in [1, 3, 64, 1000, 1 << 20] {
            assert_eq!(run(bytes, options, chunk).0, whole, "chunk {chunk}");
        }
    }

    #[test]
    fn equals_read_on_texts_of_every_shape() {
        let report = "Contacts\nFiltered By:\n\nFirst Name;Last Name;Email\r\nZoë;\"Li\nNa\";z@example.com\r\n;;\r\n\
                      Ada;Lovelace;ada@example.com;extra\r\nGrace\r\n\nGrand Totals (3 records)\n";
        same_as_read(report.as_bytes(), &ReadOptions::default());
        same_as_read(report.as_bytes(), &ReadOptions { keep_footer: true, header_row: Some(4), ..Default::default() });
        same_as_read(report.as_bytes(), &ReadOptions { delimiter: Some(b','), ..Default::default() });
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(report.as_bytes());
        same_as_read(&bom, &ReadOptions::default());
        same_as_read(&bom, &ReadOptions { encoding: Some(WINDOWS_1252), ..Default::default() });
        let cp1252 = WINDOWS_1252.encode(report).0.into_owned();
        same_as_read(&cp1252, &ReadOptions::default());
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(report.replace(';', "\t").encode_utf16().flat_map(u16::to_le_bytes));
        same_as_read(&utf16, &ReadOptions::default());
        same_as_read(&utf16[2..], &ReadOptions::default());
        same_as_read(&utf16[2..], &ReadOptions { encoding: Some(UTF_16LE), ..Default::default() });
    }

    #[test]
    fn refusals_equal_read() {
        for bytes in [&b""[..], b"  \n\t\n", b",,\n,\n", b"A,B\n", b"PK\x03\x04junk", b"A,B\n\x00\x01"] {
            same_as_read(bytes, &ReadOptions::default());
        }
        same_as_read(b"A,B\n1,2\n", &ReadOptions { header_row: Some(9), ..Default::default() });
    }

    #[test]
    fn a_big_file_takes_many_bounded_steps_and_tells_utf8_from_a_late_legacy_byte() {
        let mut text = String::from("Name,City\n");
        for i in 0..300_000 {
            text.push_str(&format!("Person {i},Köln\n"));
        }
        let (outcome, steps) = run(text.as_bytes(), &ReadOptions::default(), super::super::CHUNK_BYTES);
        let outcome = outcome.expect("reads");
        assert_eq!(outcome.table.records.len(), 300_000);
        assert!(steps > 10, "{steps} steps");
        // One Windows-1252 byte after the first 4 MiB: the whole file is Windows-1252, as `read` decides.
        let mut bytes = text.into_bytes();
        bytes.extend_from_slice(b"Last,M\xFCnchen\n");
        let whole = read(&bytes, &ReadOptions::default()).expect("reads");
        let (streamed, _) = run(&bytes, &ReadOptions::default(), super::super::CHUNK_BYTES);
        let streamed = streamed.expect("reads");
        assert_eq!((streamed.encoding, streamed.encoding_guessed), (WINDOWS_1252, true));
        assert_eq!(streamed, whole);
    }
}
