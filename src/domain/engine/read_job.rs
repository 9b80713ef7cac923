//! Reading a file in slices it asks for: the same `ReadOutcome` as `read::read`, one bounded step at a time, with
//! never more of the file in memory than the slice in hand.
//!
//! The job says which bytes of the file its next step reads (`wants`), and the caller hands exactly those in: from
//! memory, or read from disk just before (`Blob.slice` in the browser). The bytes go to a `ReadScan` (encoding,
//! delimiter, then every record, chunk by chunk); the job keeps the records and, once the scan is done, assembles
//! the table as `read` assembles it, a batch of rows per step. The scan can also run elsewhere (a Web Worker): a
//! job made `remote` takes the records from `ScanMessage`s instead (`receive`) and then goes on the same way.
//! A workbook is read in one step (calamine needs the whole archive). It decides nothing itself: each choice is
//! the one `decode`, `sniff` and `structure` make for the whole file, which is why the outcome is equal.

use std::ops::Range;

use super::read_scan::{Decided, ReadScan, ScanProgress, ScanStep, Scanned};
use super::reread::Refill;
use super::scan_wire::{ScanMessage, WireError};
use crate::domain::read::{Assembler, ReadError, ReadOptions, ReadOutcome, RowsFrom};
use crate::domain::table::{Rows, AHEAD_ROWS};
use crate::domain::xlsx::read_workbook;

/// Rows moved or squared per step while the table is put together (each is a few bytes of work).
const ASSEMBLE_ROWS: usize = 100_000;
/// The same when the table's blocks are in the file: no more than `missing` asks for at once.
const ASSEMBLE_IN_FILE_ROWS: usize = AHEAD_ROWS;

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
    /// Scanning here, from the bytes handed to `step`.
    Scan(Box<ReadScan>),
    /// Scanned elsewhere: records arrive through `receive`.
    Remote(ScanProgress),
    /// A workbook: the whole file at once.
    Workbook,
    Assemble(Box<Assembler>, Decided),
    /// The scan ended in an error, given out by the next `step`.
    Failed(ReadError),
    Finished,
}

/// One file being read. Ask `wants`, hand those bytes to `step`, until it returns the outcome.
pub struct ReadJob {
    size: u64,
    options: ReadOptions,
    stage: Stage,
    records: Rows,
}

impl ReadJob {
    /// A job for a file of `size` bytes.
    pub fn new(size: u64, options: ReadOptions) -> ReadJob {
        let scan = Box::new(ReadScan::new(size, &options));
        ReadJob { size, options, stage: Stage::Scan(scan), records: Rows::new() }
    }

    /// A job whose file is scanned elsewhere: feed it every `ScanMessage` of that scan with `receive`, then drive
    /// it with `wants` and `step` as any job.
    pub fn remote(size: u64, options: ReadOptions) -> ReadJob {
        let progress = ScanProgress { guessing: false, done: 0, total: size };
        ReadJob { size, options, stage: Stage::Remote(progress), records: Rows::new() }
    }

    /// Keeps only a few blocks of the table, reading the others again from the file when needed (`Rows::keep_in_file`):
    /// for a remote scan asked with `ScanRequest::in_file`, whose index arrives before its ending. Whatever reads
    /// the table then first asks what is `missing` and fills it (`Rows::fill`), this job included.
    pub fn in_file(mut self) -> ReadJob {
        self.records.keep_in_file();
        self
    }

    /// The records of the file to read again and `fill` into `rows()` before the next `step`.
    pub fn missing(&self) -> Option<Range<usize>> {
        match &self.stage {
            Stage::Assemble(assembler, _) => assembler.missing(self.assemble_rows()),
            _ => None,
        }
    }

    /// The records read so far (where `missing` records are filled).
    pub fn rows(&self) -> &Rows {
        match &self.stage {
            Stage::Assemble(assembler, _) => assembler.records(),
            _ => &self.records,
        }
    }

    fn assemble_rows(&self) -> usize {
        if self.rows().is_in_file() {
            ASSEMBLE_IN_FILE_ROWS
        } else {
            ASSEMBLE_ROWS
        }
    }

    /// Parses `bytes` per step instead of `CHUNK_BYTES` (tests use tiny chunks to cross every boundary).
    pub fn with_chunk(mut self, bytes: u64) -> ReadJob {
        if let Stage::Scan(scan) = self.stage {
            self.stage = Stage::Scan(Box::new(scan.with_chunk(bytes)));
        }
        self
    }

    /// Whether the job waits for the next `ScanMessage` (`receive`) rather than bytes.
    pub fn awaits_message(&self) -> bool {
        matches!(self.stage, Stage::Remote(_))
    }

    /// Takes one message of the remote scan. A message that cannot be read is an error of the channel, not of
    /// the file; the job is then finished.
    pub fn receive(&mut self, message: &[u8]) -> Result<(), WireError> {
        if !self.awaits_message() {
            return Ok(());
        }
        let taken = self.take(message);
        if taken.is_err() {
            self.stage = Stage::Finished;
        }
        taken
    }

    fn take(&mut self, message: &[u8]) -> Result<(), WireError> {
        match ScanMessage::decode(message)? {
            ScanMessage::Records { progress, batch } => {
                self.stage = Stage::Remote(progress);
                self.records.push_checked(batch.block()?);
            }
            ScanMessage::Packed { progress, block } => {
                self.stage = Stage::Remote(progress);
                self.records.push_packed(block).ok_or(WireError::Garbled)?;
            }
            ScanMessage::Gone { progress, first_row, cells } => {
                self.stage = Stage::Remote(progress);
                self.records.push_gone(first_row, cells).ok_or(WireError::Garbled)?;
            }
            ScanMessage::Restart => self.restart(),
            ScanMessage::Index(index) => self.records.set_index(index),
            ScanMessage::Done(Ok(Scanned::Text(_)))
                if self.records.is_in_file() && self.records.reread(0).is_none() =>
            {
                // The worker was asked for the index and did not send it: the records let go could not be had.
                return Err(WireError::Garbled);
            }
            ScanMessage::Done(done) => self.scanned(done),
            ScanMessage::Unreadable(detail) => return Err(WireError::Unreadable(detail)),
            // What the worker's check found comes after the ending, to whoever asked for it; a download, only when
            // one is asked for (`ScanRequest::exported`), never in a read.
            ScanMessage::Found(_) | ScanMessage::Findings(_) | ScanMessage::Piece(_) | ScanMessage::Export(_) => {
                return Err(WireError::Garbled)
            }
        }
        Ok(())
    }

    /// The bytes of the file (offsets from its start) the next `step` reads; empty when it reads none.
    pub fn wants(&self) -> Range<u64> {
        match &self.stage {
            Stage::Scan(scan) => scan.wants(),
            Stage::Workbook => 0..self.size,
            Stage::Remote(_) | Stage::Assemble(..) | Stage::Failed(_) | Stage::Finished => 0..0,
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
            let mut last = None;
            while let Some(missing) = self.missing() {
                if last.replace(missing.clone()) == Some(missing.clone()) {
                    break;
                }
                Refill::all(self.rows(), missing, file);
            }
            let Range { start, end } = self.wants();
            let slice = file.get(start as usize..end as usize).unwrap_or_default();
            if let Some(done) = self.step(slice) {
                return done;
            }
        }
    }

    /// How far the job is.
    pub fn progress(&self) -> ReadProgress {
        let rows = self.records.len() as u64;
        let scanning = |p: ScanProgress| {
            let stage = if p.guessing { ReadStage::Encoding } else { ReadStage::Rows };
            ReadProgress { stage, done: p.done, total: p.total, rows: if p.guessing { 0 } else { rows } }
        };
        let table = |rows| ReadProgress { stage: ReadStage::Table, done: self.size, total: self.size, rows };
        let progress = match &self.stage {
            Stage::Scan(scan) => scanning(scan.progress()),
            Stage::Remote(p) => scanning(*p),
            Stage::Workbook => scanning(ScanProgress { guessing: false, done: 0, total: self.size }),
            Stage::Assemble(assembler, _) => table(assembler.rows() as u64 + 1),
            Stage::Failed(_) | Stage::Finished => table(0),
        };
        ReadProgress { rows: progress.rows.saturating_sub(1), ..progress }
    }

    fn advance(&mut self, bytes: &[u8]) -> Result<Option<ReadOutcome>, ReadError> {
        match std::mem::replace(&mut self.stage, Stage::Finished) {
            Stage::Scan(mut scan) => {
                let records = &mut self.records;
                let step = scan.step(bytes, |r| {
                    let (text, ends) = r.text_and_ends();
                    records.push_bytes(r.pos, text, ends, || r.to_cells());
                });
                self.stage = Stage::Scan(scan);
                match step {
                    ScanStep::Going => {}
                    ScanStep::Restart => self.restart(),
                    ScanStep::Done(done) => self.scanned(done),
                }
            }
            Stage::Remote(progress) => self.stage = Stage::Remote(progress),
            Stage::Workbook => return read_workbook(bytes, &self.options).map(Some),
            Stage::Assemble(mut assembler, d) => {
                let batch = if assembler.records().is_in_file() { ASSEMBLE_IN_FILE_ROWS } else { ASSEMBLE_ROWS };
                let Some(assembled) = assembler.step(batch) else {
                    self.stage = Stage::Assemble(assembler, d);
                    return Ok(None);
                };
                let outcome =
                    ReadOutcome::of_text(assembled?, (d.encoding, d.guessed), (d.delimiter, d.sniffed), &self.options);
                return Ok(Some(outcome));
            }
            Stage::Failed(e) => return Err(e),
            Stage::Finished => {}
        }
        Ok(None)
    }

    /// The records so far are void: the scan starts again.
    fn restart(&mut self) {
        let in_file = self.records.is_in_file();
        self.records = Rows::new();
        if in_file {
            self.records.keep_in_file();
        }
    }

    /// The scan ended: on to the workbook, the table, or the scan's error.
    fn scanned(&mut self, done: Result<Scanned, ReadError>) {
        self.stage = match done {
            Ok(Scanned::Workbook) => Stage::Workbook,
            Ok(Scanned::Text(decided)) => {
                let records = std::mem::take(&mut self.records);
                match Assembler::new(records, &self.options, RowsFrom::Text) {
                    Ok(assembler) => Stage::Assemble(Box::new(assembler), decided),
                    Err(e) => Stage::Failed(e),
                }
            }
            Err(e) => Stage::Failed(e),
        };
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::super::read_scan::SNIFF_RAW_BYTES;
    use super::*;
    use crate::domain::decode::BINARY_SNIFF_BYTES;
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

    /// Files of every shape a reader must agree with `read` on (a report with title, footer, quoted line break,
    /// blank and ragged rows; in UTF-8 with and without BOM, Windows-1252 and UTF-16), each with the choices to read
    /// it with. Shared with the reading worker's tests (`remote_scan`).
    pub(crate) fn shapes() -> Vec<(Vec<u8>, ReadOptions)> {
        let report = "Contacts\nFiltered By:\n\nFirst Name;Last Name;Email\r\nZoë;\"Li\nNa\";z@example.com\r\n;;\r\n\
                      Ada;Lovelace;ada@example.com;extra\r\nGrace\r\n\nGrand Totals (3 records)\n";
        let default = ReadOptions::default;
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(report.as_bytes());
        let cp1252 = WINDOWS_1252.encode(report).0.into_owned();
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(report.replace(';', "\t").encode_utf16().flat_map(u16::to_le_bytes));
        vec![
            (report.into(), default()),
            (report.into(), ReadOptions { keep_footer: true, header_row: Some(4), ..default() }),
            (report.into(), ReadOptions { delimiter: Some(b','), ..default() }),
            (bom.clone(), default()),
            (bom, ReadOptions { encoding: Some(WINDOWS_1252), ..default() }),
            (cp1252.clone(), default()),
            (cp1252, ReadOptions { encoding: Some(WINDOWS_1252), ..default() }),
            (utf16.clone(), default()),
            (utf16[2..].to_vec(), default()),
            (utf16[2..].to_vec(), ReadOptions { encoding: Some(UTF_16LE), ..default() }),
        ]
    }

    /// A header and `rows` rows of two columns ("Person 7", "Köln"), separated by `delimiter`: UTF-8, not ASCII.
    pub(crate) fn people(rows: usize, delimiter: char) -> String {
        let mut text = format!("Name{delimiter}City\n");
        for i in 0..rows {
            text.push_str(&format!("Person {i}{delimiter}Köln\n"));
        }
        text
    }

    #[test]
    fn equals_read_on_texts_of_every_shape() {
        for (bytes, options) in shapes() {
            same_as_read(&bytes, &options);
        }
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
        let text = people(200_000, ';');
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
        let text = people(300_000, ',');
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
