//! The part of reading that needs the file's bytes: telling the encoding and the delimiter, then decoding and
//! parsing every record, chunk by chunk in slices the scan asks for. It keeps no record: each one goes to the
//! caller as it is parsed, so the scan can run where the table is not (in a Web Worker) or feed one that is
//! (`ReadJob`).
//!
//! Owns the order of the slices: the head of the file (workbooks and binary files refused or set apart, a BOM or
//! UTF-16's NUL-byte pattern deciding the encoding), the delimiter sniffed from the first megabytes, then the body
//! chunk by chunk (`Cursor`). When nothing decided the encoding, the body is parsed as UTF-8 while it is checked;
//! at the first malformed byte the scan says `Restart` (the records so far are void), chardetng reads the whole
//! body, and parsing starts again in its guess — exactly `decode`'s rule, in one pass for the usual file. Each
//! choice is the one `decode` and `sniff` make for the whole file, so the records are exactly those `read` parses.

use std::ops::Range;

use chardetng::EncodingDetector;
use encoding_rs::{Encoding, UTF_8};

use super::cursor::Cursor;
use super::reread::FileIndex;
use crate::domain::decode::{first_look, legacy_guess, new_detector, BINARY_SNIFF_BYTES};
use crate::domain::read::{ReadError, ReadOptions};
use crate::domain::sniff::sniff_delimiter;
use crate::domain::stream::StreamRecord;
use crate::domain::xlsx::is_workbook;

/// Bytes looked at per step while feeding chardetng (it runs at hundreds of MB/s).
const GUESS_BYTES: u64 = 4 << 20;
/// Raw bytes decoded for the delimiter sniffer: they always give more text than the sniffer reads (at most 2 bytes
/// of a file make 1 byte of UTF-8 text, and the sniffer judges the first MiB), so it sees what it would see in the
/// whole text.
pub(crate) const SNIFF_RAW_BYTES: u64 = 4 << 20;

/// What was decided before parsing: the text's encoding and delimiter, and whether each was guessed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decided {
    pub encoding: &'static Encoding,
    pub guessed: bool,
    pub delimiter: u8,
    pub sniffed: bool,
}

/// How a finished scan ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scanned {
    /// Every record was given out.
    Text(Decided),
    /// The file is an Excel workbook: it has no text records and is read whole (calamine needs the archive).
    Workbook,
}

/// What one step did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScanStep {
    /// More to do.
    Going,
    /// The records given out so far are void: the file is not UTF-8 after all and is parsed again from the start.
    Restart,
    /// Finished.
    Done(Result<Scanned, ReadError>),
}

/// How far a scan is through the body (bytes), and whether it is telling the encoding or parsing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScanProgress {
    /// Feeding chardetng rather than parsing.
    pub guessing: bool,
    pub done: u64,
    pub total: u64,
}

enum Stage {
    /// Looking at the head of the file.
    Start,
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
    Finished,
}

struct Parse {
    decided: Decided,
    /// UTF-8 assumed, not known: a malformed byte sends the scan to `Guess`.
    checking_utf8: bool,
    cursor: Cursor,
}

/// One file being scanned. Ask `wants`, hand those bytes to `step`, until it says `Done`.
pub struct ReadScan {
    size: u64,
    options: ReadOptions,
    bom_len: u64,
    chunk: u64,
    stage: Stage,
    /// Where reading can start again, once every record was given (`index`).
    index: Option<FileIndex>,
}

impl ReadScan {
    /// A scan of a file of `size` bytes. Of the options, only the encoding and the delimiter matter here.
    pub fn new(size: u64, options: &ReadOptions) -> ReadScan {
        let chunk = super::CHUNK_BYTES;
        ReadScan { size, options: options.clone(), bom_len: 0, chunk, stage: Stage::Start, index: None }
    }

    /// Parses `bytes` per step instead of `CHUNK_BYTES` (tests use tiny chunks to cross every boundary).
    pub fn with_chunk(mut self, bytes: u64) -> ReadScan {
        self.chunk = bytes.max(1);
        self
    }

    /// The bytes of the file (offsets from its start) the next `step` reads; empty when it reads none.
    pub fn wants(&self) -> Range<u64> {
        let body = |r: Range<u64>| (self.bom_len + r.start).min(self.size)..(self.bom_len + r.end).min(self.size);
        match &self.stage {
            Stage::Start => 0..self.size.min(BINARY_SNIFF_BYTES as u64),
            Stage::Guess { offset, .. } => body(*offset..offset + GUESS_BYTES),
            Stage::Sniff { .. } => body(0..SNIFF_RAW_BYTES),
            Stage::Parse(p) => body(p.cursor.wants()),
            Stage::Finished => 0..0,
        }
    }

    /// Where the records given can be read again from the file (`FileIndex::reread`), once the scan gave every
    /// record of a text file.
    pub fn index(&self) -> Option<&FileIndex> {
        self.index.as_ref()
    }

    /// How far the scan is.
    pub fn progress(&self) -> ScanProgress {
        let total = self.size - self.bom_len;
        let (guessing, done) = match &self.stage {
            Stage::Start | Stage::Sniff { .. } => (false, 0),
            Stage::Guess { offset, .. } => (true, *offset),
            Stage::Parse(p) => (false, p.cursor.offset()),
            Stage::Finished => (false, total),
        };
        ScanProgress { guessing, done, total }
    }

    /// Does one bounded piece of work on `bytes`, the file's bytes in `wants()`, calling `on_record` for each
    /// non-blank record parsed.
    pub fn step(&mut self, bytes: &[u8], on_record: impl FnMut(&StreamRecord<'_>)) -> ScanStep {
        match self.advance(bytes, on_record) {
            Ok(ScanStep::Done(done)) => {
                self.stage = Stage::Finished;
                ScanStep::Done(done)
            }
            Ok(step) => step,
            Err(e) => {
                self.stage = Stage::Finished;
                ScanStep::Done(Err(e))
            }
        }
    }

    fn advance(&mut self, bytes: &[u8], on_record: impl FnMut(&StreamRecord<'_>)) -> Result<ScanStep, ReadError> {
        let body_len = self.size - self.bom_len;
        match std::mem::replace(&mut self.stage, Stage::Finished) {
            Stage::Start => {
                if is_workbook(bytes) {
                    return Ok(ScanStep::Done(Ok(Scanned::Workbook)));
                }
                // `first_look` refuses an empty file by its bytes: the head is empty exactly when the file is.
                let first = first_look(bytes, self.options.encoding)?;
                self.bom_len = first.bom_len as u64;
                let (encoding, guessed) = first.encoding.unwrap_or((UTF_8, false));
                self.stage = Stage::Sniff { encoding, guessed };
            }
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
                self.stage = Stage::Parse(Box::new(Parse { decided, checking_utf8, cursor }));
            }
            Stage::Parse(mut parse) => {
                parse.cursor.step(bytes, on_record);
                if parse.checking_utf8 && parse.cursor.had_replacements() {
                    // Not UTF-8 after all: the body is guessed from the start, and parsed again in the guess.
                    self.stage = Stage::Guess { offset: 0, detector: Box::new(new_detector()) };
                    return Ok(ScanStep::Restart);
                } else if parse.cursor.is_done() && parse.cursor.all_blank() {
                    // Nothing but white space (and byte order marks): as `decode` refuses it.
                    return Err(ReadError::Empty);
                } else if parse.cursor.is_done() {
                    let decided = parse.decided;
                    let (encoding, delimiter) = (decided.encoding, decided.delimiter);
                    let body = (self.bom_len, body_len);
                    let (checkpoints, hashes) = (parse.cursor.checkpoints().to_vec(), parse.cursor.hashes().to_vec());
                    self.index = FileIndex::new((encoding, delimiter), body, checkpoints, hashes);
                    return Ok(ScanStep::Done(Ok(Scanned::Text(decided))));
                }
                self.stage = Stage::Parse(parse);
            }
            Stage::Finished => {}
        }
        Ok(ScanStep::Going)
    }
}
