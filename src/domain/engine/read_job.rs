//! Reading a file in slices it asks for: the same `ReadOutcome` as `read::read`, one bounded step at a time, with
//! never more of the file in memory than the slice in hand.
//!
//! The job says which bytes of the file its next step reads (`wants`), and the caller hands exactly those in: from
//! memory, or read from disk just before (`Blob.slice` in the browser). It owns the order of the slices: the head of
//! the file (workbooks and binary files refused, a BOM or UTF-16's NUL-byte pattern deciding the encoding), the
//! delimiter sniffed from the first megabytes, then decoding and parsing chunk by chunk (`Cursor`), and last the
//! table assembled as `read` assembles it. When nothing decided the encoding, the body is parsed as UTF-8 while it is
//! checked; at the first malformed byte the records are dropped, chardetng reads the whole body, and parsing starts
//! again in its guess — exactly `decode`'s rule (valid UTF-8 is UTF-8, anything else is guessed), in one pass for the
//! usual file. A workbook is read in one step (calamine needs the whole archive). It decides nothing itself: each
//! choice is the one `decode`, `sniff` and `structure` make for the whole file, which is why the outcome is equal.

use std::ops::Range;

use chardetng::EncodingDetector;
use encoding_rs::{Encoding, UTF_8};

use super::cursor::Cursor;
use crate::domain::decode::{first_look, legacy_guess, new_detector, BINARY_SNIFF_BYTES};
use crate::domain::read::{Assembler, ReadError, ReadOptions, ReadOutcome, Rows};
use crate::domain::sniff::sniff_delimiter;
use crate::domain::table::Record;
use crate::domain::xlsx::{is_workbook, read_workbook};

/// Bytes looked at per step while feeding chardetng (it runs at hundreds of MB/s).
const GUESS_BYTES: u64 = 4 << 20;
/// Rows moved or squared per step while the table is put together (each is a few bytes of work).
const ASSEMBLE_ROWS: usize = 100_000;
/// Raw bytes decoded for the delimiter sniffer: they always give more text than the sniffer reads (at most 2 bytes
/// of a file make 1 byte of UTF-8 text, and the sniffer judges the first MiB), so it sees what it would see in the
/// whole text.
const SNIFF_RAW_BYTES: u64 = 4 << 20;

/// What the job is doing, for the progress line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadStage {
    /// Telling the encoding (guessing a legacy encoding).
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
    /// Looking at the head of the file.
    Start,
    /// A workbook: the whole file at once.
    Workbook,
    /// Feeding chardetng the body from `offset`.
    Guess {
        offset: u64,
        detector: Box<EncodingDetector>,
    },
    /// The encoding is known (or assumed UTF-8 while checked): sniffing the delimiter from the body's head.
    Sniff {
        encoding: &'static Encoding,
        guessed: bool,
    },
    Parse(Box<Parse>),
    Assemble(Box<Assembler>, Decided),
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
    /// UTF-8 assumed, not known: a malformed byte sends the job to `Guess`.
    checking_utf8: bool,
    cursor: Cursor,
    records: Vec<Record>,
}

/// One file being read. Ask `wants`, hand those bytes to `step`, until it returns the outcome.
pub struct ReadJob {
    size: u64,
    options: ReadOptions,
    bom_len: u64,
    chunk: u64,
    stage: Stage,
}

impl ReadJob {
    /// A job for a file of `size` bytes.
    pub fn new(size: u64, options: ReadOptions) -> ReadJob {
        ReadJob { size, options, bom_len: 0, chunk: super::CHUNK_BYTES, stage: Stage::Start }
    }

    /// Parses `bytes` per step instead of `CHUNK_BYTES` (tests use tiny chunks to cross every boundary).
    pub fn with_chunk(mut self, bytes: u64) -> ReadJob {
        self.chunk = bytes.max(1);
        self
    }

    /// The bytes of the file (offsets from its start) the next `step` reads; empty when it reads none.
    pub fn wants(&self) -> Range<u64> {
        let body = |r: Range<u64>| (self.bom_len + r.start).min(self.size)..(self.bom_len + r.end).min(self.size);
        match &self.stage {
            Stage::Start => 0..self.size.min(BINARY_SNIFF_BYTES as u64),
            Stage::Workbook => 0..self.size,
            Stage::Guess { offset, .. } => body(*offset..offset + GUESS_BYTES),
            Stage::Sniff { .. } => body(0..SNIFF_RAW_BYTES),
            Stage::Parse(p) => body(p.cursor.wants()),
            Stage::Assemble(..) | Stage::Finished => 0..0,
        }
    }

    /// Does one bounded piece of work on `bytes`, the file's bytes in `wants()`. `Some` once finished, with
    /// exactly what `read::read` returns for the file.
    pub fn step(&mut self, bytes: &[u8]) -> Option<Result<ReadOutcome, ReadError>> {
        match self.advance(bytes) {
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

    /// Runs the whole job over a file in memory (tests, and tools).
    pub fn run(mut self, file: &[u8]) -> Result<ReadOutcome, ReadError> {
        loop {
            let Range { start, end } = self.wants();
            let slice = file.get(start as usize..end as usize).unwrap_or_default();
            if let Some(done) = self.step(slice) {
                return done;
            }
        }
    }

    /// How far the job is.
    pub fn progress(&self) -> ReadProgress {
        let body = self.size - self.bom_len;
        let (stage, done, rows) = match &self.stage {
            Stage::Start | Stage::Workbook | Stage::Sniff { .. } => (ReadStage::Rows, 0, 0),
            Stage::Guess { offset, .. } => (ReadStage::Encoding, *offset, 0),
            Stage::Parse(p) => (ReadStage::Rows, p.cursor.offset(), p.records.len() as u64),
            Stage::Assemble(assembler, _) => (ReadStage::Table, body, assembler.rows() as u64 + 1),
            Stage::Finished => (ReadStage::Table, body, 0),
        };
        ReadProgress { stage, done, total: body, rows: rows.saturating_sub(1) }
    }

    fn advance(&mut self, bytes: &[u8]) -> Result<Option<ReadOutcome>, ReadError> {
        let body_len = self.size - self.bom_len;
        match std::mem::replace(&mut self.stage, Stage::Finished) {
            Stage::Start => {
                if is_workbook(bytes) {
                    self.stage = Stage::Workbook;
                    return Ok(None);
                }
                // `first_look` refuses an empty file by its bytes: the head is empty exactly when the file is.
                let first = first_look(bytes, self.options.encoding)?;
                self.bom_len = first.bom_len as u64;
                let (encoding, guessed) = first.encoding.unwrap_or((UTF_8, false));
                self.stage = Stage::Sniff { encoding, guessed };
            }
            Stage::Workbook => return read_workbook(bytes, &self.options).map(Some),
            Stage::Guess { offset, mut detector } => {
                let end = offset + bytes.len() as u64;
                detector.feed(bytes, end >= body_len);
                self.stage = if end >= body_len {
                    Stage::Sniff { encoding: legacy_guess(&detector), guessed: true }
                } else {
                    Stage::Guess { offset: end, detector }
                };
            }
            Stage::Sniff { encoding, guessed } => {
                let (delimiter, sniffed) = match self.options.delimiter {
                    Some(d) => (d, false),
                    None => (sniff_delimiter(&encoding.decode_without_bom_handling(bytes).0), true),
                };
                let decided = Decided { encoding, guessed, delimiter, sniffed };
                // Neither forced, nor a BOM, nor UTF-16's pattern: UTF-8 until a byte says otherwise.
                let checking_utf8 = encoding == UTF_8 && self.options.encoding.is_none() && self.bom_len == 0;
                let cursor = Cursor::new(encoding, delimiter, body_len).with_chunk(self.chunk);
                self.stage = Stage::Parse(Box::new(Parse { decided, checking_utf8, cursor, records: Vec::new() }));
            }
            Stage::Parse(mut parse) => {
                let first = parse.cursor.offset() == 0;
                let records = &mut parse.records;
                parse.cursor.step(bytes, |r| records.push(Record { pos: r.pos, cells: r.to_cells() }));
                if first {
                    // Room for the rows the whole body will hold, judged from the first chunk (and 5 % more):
                    // growing the list later would copy every record read so far in one step. At most one row per
                    // 64 bytes of file, in case the first rows are much shorter than the rest; and only if the
                    // memory is there (otherwise the list grows as it would have).
                    let read = parse.cursor.offset().max(1);
                    let expected = parse.records.len() as u64 * body_len / read * 21 / 20;
                    let rows = expected.min(body_len / 64) as usize;
                    let _ = parse.records.try_reserve(rows.saturating_sub(parse.records.len()));
                }
                self.stage = if parse.checking_utf8 && parse.cursor.had_replacements() {
                    // Not UTF-8 after all: what was read so far is dropped and the body guessed from the start.
                    Stage::Guess { offset: 0, detector: Box::new(new_detector()) }
                } else if parse.cursor.is_done() && parse.cursor.all_blank() {
                    // Nothing but white space (and byte order marks): as `decode` refuses it.
                    return Err(ReadError::Empty);
                } else if parse.cursor.is_done() {
                    let records = std::mem::take(&mut parse.records);
                    Stage::Assemble(Box::new(Assembler::new(records, &self.options, Rows::Text)?), parse.decided)
                } else {
                    Stage::Parse(parse)
                };
            }
            Stage::Assemble(mut assembler, d) => {
                let Some(assembled) = assembler.step(ASSEMBLE_ROWS) else {
                    self.stage = Stage::Assemble(assembler, d);
                    return Ok(None);
                };
                let outcome =
                    ReadOutcome::of_text(assembled?, (d.encoding, d.guessed), (d.delimiter, d.sniffed), &self.options);
                return Ok(Some(outcome));
            }
            Stage::Finished => {}
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::read::read;
    use encoding_rs::{UTF_16LE, WINDOWS_1252};

    fn run(bytes: &[u8], options: &ReadOptions, chunk: u64) -> (Result<ReadOutcome, ReadError>, usize) {
        let mut job = ReadJob::new(bytes.len() as u64, options.clone()).with_chunk(chunk);
        let mut steps = 0;
        loop {
            steps += 1;
            let Range { start, end } = job.wants();
            assert!(start <= end && end <= bytes.len() as u64, "{start}..{end}");
            if let Some(done) = job.step(&bytes[start as usize..end as usize]) {
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

    /// Bytes handed to the job over a whole read.
    fn bytes_read(bytes: &[u8]) -> u64 {
        let mut job = ReadJob::new(bytes.len() as u64, ReadOptions::default());
        let mut total = 0;
        loop {
            let Range { start, end } = job.wants();
            total += end - start;
            if job.step(&bytes[start as usize..end as usize]).is_some() {
                return total;
            }
        }
    }

    #[test]
    fn a_utf8_file_is_read_once_and_a_legacy_one_again_after_its_first_bad_byte() {
        let mut text = String::from("Name;City\n");
        for i in 0..200_000 {
            text.push_str(&format!("Person {i};Köln\n"));
        }
        let size = text.len() as u64;
        // Besides the one pass: the head (for the BOM and binary checks), the sniffer's sample, and the part line
        // at the end of each chunk, asked for again by the next step.
        let overhead = BINARY_SNIFF_BYTES as u64 + SNIFF_RAW_BYTES.min(size);
        let once = bytes_read(text.as_bytes());
        assert!(once >= size + overhead && once < size + overhead + size / 1000, "{once} for {size}");
        let legacy = WINDOWS_1252.encode(&text).0.into_owned();
        let read_twice = bytes_read(&legacy);
        assert!(read_twice > 2 * legacy.len() as u64, "{read_twice}");
    }

    #[test]
    fn refusals_equal_read() {
        for bytes in [&b""[..], b"  \n\t\n", b",,\n,\n", b"A,B\n", b"PK\x03\x04junk", b"A,B\n\x00\x01"] {
            same_as_read(bytes, &ReadOptions::default());
        }
        // Found by the fuzz target `read_job`: form feeds around a byte order mark in the middle are blank to
        // `decode` (an empty file), though the parser sees a record.
        let blank = b"\x0c\x0c\x0c\xef\xbb\xbf\x0c\x0c";
        same_as_read(blank, &ReadOptions::default());
        same_as_read(blank, &ReadOptions { header_row: Some(12), ..Default::default() });
        assert_eq!(run(blank, &ReadOptions::default(), 3).0, Err(ReadError::Empty));
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
