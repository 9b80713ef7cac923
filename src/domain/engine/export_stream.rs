//! Writing a big file's import download in a reading worker, from the file's records as the scan brings them
//! (`ScanRequest::exported`): the page's thread only takes the finished bytes and shows how far the work is.
//!
//! Owns the pairing of the scan's messages with an `ExportJob` over `StreamedRows`: each block of records is put at
//! hand and the job runs until it needs the next (`ExportJob::is_stalled`), so a worker holds one block and the part
//! being written, never the file. What comes out are messages for the page: the bytes of the download as they are
//! final (`ScanMessage::Piece`, at most `PIECE_BYTES` each) and news (`ScanMessage::Export`: `ExportNews`).
//! Invariant (tested): the pieces joined are the download `ExportJob` writes on the page from the checked table
//! (`export::import_file`'s files), for any chunk size, title and footer rows, edits and rows left out.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::export_job::{ExportJob, Written};
use super::export_order::{ExportOrder, StreamedRows};
use super::rejects_writer::RejectsWriter;
use super::scan_wire::{ScanMessage, WireError};
use crate::domain::export::{ExportError, ExportFile, CSV_MIME, ZIP_MIME};
use crate::domain::table::{Record, BLOCK_ROWS};

/// The most bytes of the download one message carries: the page copies each into its memory once.
pub const PIECE_BYTES: usize = 4 << 20;

/// What the worker writing the download tells the page, beside its bytes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExportNews {
    /// Rows written of all, and whether the .zip is being put together (then bytes of all: the later way's end).
    Progress { done: u64, total: u64, zipping: bool },
    /// Every byte sent so far is void: the scan starts again (the file is not UTF-8 after all).
    Dropped,
    /// The download is written: the bytes sent are the whole of it.
    Saved { name: String, zip: bool, rows: usize, parts: usize },
    /// It cannot be written, and why.
    Failed(ExportError),
    /// The file no longer holds the rows that were read from it: it changed since.
    Changed,
    /// The size limit cut a part more than the rows make, so the .zip's names were wrong: the page asks again, the
    /// later way (`ExportOrder::later`); nothing sent so far counts.
    Again,
}

impl ExportNews {
    pub fn encode(&self) -> Vec<u8> {
        ScanMessage::Export(&serde_json::to_vec(self).unwrap_or_default()).encode()
    }

    pub fn from_json(json: &[u8]) -> Result<ExportNews, WireError> {
        serde_json::from_slice(json).map_err(|_| WireError::Garbled)
    }

    /// The file the page saves from the bytes it took (`Saved`), all of them handed over already.
    pub fn saved_file(name: String, zip: bool, rows: usize, parts: usize) -> ExportFile {
        let mime = if zip { ZIP_MIME } else { CSV_MIME };
        ExportFile { name, mime, bytes: Default::default(), rows, parts }
    }
}

/// The download of one `ExportOrder`, written as the scan's records come.
pub struct ExportStream {
    order: Arc<ExportOrder>,
    /// `None` once the download is written or cannot be.
    job: Option<ExportJob<Box<StreamedRows>>>,
    /// The rejected-rows file being written instead, when the order asks for it (`ExportOrder::rejected_rows`).
    rejects: Option<Box<RejectsWriter>>,
    /// Why no job could start, said at the first message.
    refused: Option<ExportNews>,
    /// The file's records taken so far.
    seen: usize,
    /// The scan's index of the file equals the one it was read with (`ScanMessage::Index`, before the ending).
    same_file: bool,
    /// The ending was sent: nothing follows it.
    ended: bool,
    /// The last bytes and `Saved`, once the job wrote the file: sent when the scan ends and proves the file the same.
    written: Option<Vec<Vec<u8>>>,
}

impl ExportStream {
    pub fn new(order: ExportOrder) -> ExportStream {
        let order = Arc::new(order);
        let mut stream = ExportStream {
            order,
            job: None,
            rejects: None,
            refused: None,
            seen: 0,
            same_file: false,
            ended: false,
            written: None,
        };
        if let Err(e) = stream.start() {
            stream.refused = Some(ExportNews::Failed(e));
        }
        stream
    }

    /// Starts writing from the first row: the import file, or the rejected rows.
    fn start(&mut self) -> Result<(), ExportError> {
        match &self.order.rejects {
            Some(part) => self.rejects = Some(Box::new(RejectsWriter::new(&self.order, part)?)),
            None => self.job = Some(self.new_job()?),
        }
        Ok(())
    }

    /// A job from the first row, or why there can be none (no valid rows).
    fn new_job(&self) -> Result<ExportJob<Box<StreamedRows>>, ExportError> {
        // Known before any row is read.
        if self.order.is_empty() {
            return Err(ExportError::NoValidRows);
        }
        let rows = Box::new(StreamedRows::new(Arc::clone(&self.order)));
        let job = ExportJob::new(rows, self.order.limits, &self.order.stem)?;
        Ok(if self.order.later { job.later_only() } else { job })
    }

    /// The messages for the page for one `message` of the scan, in order.
    pub fn relay(&mut self, message: &[u8]) -> Vec<Vec<u8>> {
        if let Some(refused) = self.refused.take() {
            return self.end(refused);
        }
        if self.ended {
            return Vec::new();
        }
        match ScanMessage::decode(message) {
            Ok(ScanMessage::Records { batch, .. }) => match batch.block() {
                Ok(block) => self.take(block.records()),
                Err(e) => self.end(ExportNews::Failed(ExportError::Write(e.to_string()))),
            },
            Ok(ScanMessage::Restart) => {
                (self.seen, self.written) = (0, None);
                if let Err(e) = self.start() {
                    return self.end(ExportNews::Failed(e));
                }
                vec![ExportNews::Dropped.encode()]
            }
            Ok(ScanMessage::Index(index)) => {
                self.same_file = self.order.is_same_file(&index);
                Vec::new()
            }
            Ok(ScanMessage::Done(Ok(_))) => {
                let mut out = self.work();
                // Every record checked (fewer than were read: the file changed, below): the file is written.
                if let Some(rejects) = self.rejects.take().filter(|r| r.done() == self.order.rows()) {
                    match rejects.finish() {
                        Ok(file) => self.written = Some(written_file(file)),
                        Err(e) => return self.end(ExportNews::Failed(e)),
                    }
                }
                match self.written.take() {
                    Some(written) if self.same_file => {
                        self.ended = true;
                        out.extend(written);
                    }
                    // Rows still to write and no more records (the file has fewer than were read), or another file.
                    _ => out.extend(self.end(ExportNews::Changed)),
                }
                out
            }
            // The file could not be read (or read as before): the page says so.
            Ok(ScanMessage::Done(Err(_)) | ScanMessage::Unreadable(_)) | Err(_) => vec![message.to_vec()],
            // Nothing else comes in a scan whose records are not kept.
            Ok(_) => Vec::new(),
        }
    }

    /// Puts the table's records among `records` (the file's next ones) at hand and writes them.
    fn take(&mut self, records: Vec<Record>) -> Vec<Vec<u8>> {
        if self.job.is_none() && self.rejects.is_none() {
            return Vec::new();
        }
        let (mut first, mut at_hand) = (None, Vec::with_capacity(BLOCK_ROWS));
        for record in records {
            let index = self.seen;
            self.seen += 1;
            let Some(r) = self.order.record_of(index) else { continue };
            if !self.order.is_in_place(r, &record) {
                return self.end(ExportNews::Changed);
            }
            first.get_or_insert(r);
            at_hand.push(record);
        }
        let Some(first) = first else { return Vec::new() };
        if let Some(rejects) = self.rejects.as_mut() {
            if let Err(e) = rejects.write(&self.order, first, &at_hand) {
                return self.end(ExportNews::Failed(e));
            }
            let done = (rejects.done() as u64, self.order.rows() as u64);
            let written = rejects.take_written();
            let mut out: Vec<Vec<u8>> = pieces_of(&written).collect();
            out.push(ExportNews::Progress { done: done.0, total: done.1, zipping: false }.encode());
            return out;
        }
        let Some(job) = self.job.as_mut() else { return Vec::new() };
        job.source_mut().set(first, at_hand);
        let mut out = self.work();
        if let Some(job) = &self.job {
            let (done, total, zipping) = job.progress();
            out.push(ExportNews::Progress { done: done as u64, total: total as u64, zipping }.encode());
        }
        out
    }

    /// Runs the job until it needs more records or ends: the bytes it is done with, and its ending if it ended.
    fn work(&mut self) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        while let Some(job) = self.job.as_mut() {
            let result = job.step(BLOCK_ROWS);
            match job.take_written() {
                Written::Pieces(pieces) => out.extend(pieces.iter().flat_map(|p| pieces_of(p))),
                Written::Restarted => return self.end(ExportNews::Again),
            }
            match result {
                Some(Ok(file)) => {
                    // Held until the scan ends: the file's index proves its rows were those read.
                    (self.job, self.written) = (None, Some(written_file(file)));
                }
                Some(Err(e)) => out.extend(self.end(ExportNews::Failed(e))),
                None if job.is_stalled() => break,
                None => {}
            }
        }
        out
    }

    /// Ends the download with `news` (nothing more is written).
    fn end(&mut self, news: ExportNews) -> Vec<Vec<u8>> {
        (self.job, self.rejects) = (None, None);
        self.ended = true;
        vec![news.encode()]
    }
}

/// The messages that end a written `file`: its bytes (those not sent yet), then `Saved`.
fn written_file(file: ExportFile) -> Vec<Vec<u8>> {
    let mut written: Vec<Vec<u8>> = file.bytes.pieces().iter().flat_map(|p| pieces_of(p)).collect();
    let zip = file.mime == ZIP_MIME;
    written.push(ExportNews::Saved { name: file.name, zip, rows: file.rows, parts: file.parts }.encode());
    written
}

/// `bytes` as `Piece` messages of at most `PIECE_BYTES`.
fn pieces_of(bytes: &[u8]) -> impl Iterator<Item = Vec<u8>> + '_ {
    bytes.chunks(PIECE_BYTES).map(|piece| ScanMessage::Piece(piece).encode())
}

#[cfg(test)]
mod tests {
    use std::ops::Range;

    use super::*;
    use crate::domain::edits::Edits;
    use crate::domain::engine::export_job::tests::contents;
    use std::sync::Arc;

    use crate::domain::engine::{CheckRelay, ReadJob, Refill, RemoteScan, ScanRequest, ValidateJob};
    use crate::domain::export::{import_file, rejects_file, FileBytes, Limits};
    use crate::domain::prepare::{prepare, Prepared};
    use crate::domain::read::{read, ReadOptions, ReadOutcome};
    use crate::domain::schema::{Entity, Field, FieldType, Schema};
    use crate::domain::suggest::suggest;

    /// A report export: title rows, a header, `rows` rows (some rejected: a broken email, a repeated one, a ragged
    /// row; `in_file_passes::file_of`), and a footer.
    fn report(rows: usize) -> Vec<u8> {
        let mut bytes = b"Contacts report\nGenerated today\n\n".to_vec();
        bytes.extend(crate::domain::engine::in_file_passes::file_of(rows));
        bytes.extend_from_slice(b"Grand Totals,,,,\n\"Copyright (c) 2026 Salesforce, Inc.\"\n");
        bytes
    }

    /// The file read and checked as the page has a big file: read through the worker's messages (`chunk` bytes a
    /// step, as the workers read it again: the index depends on the steps), the table kept in the file and its rows
    /// read back from it as the check goes, with edits.
    /// Also the check of the table read whole (`prepare`), to compare with.
    fn checked(bytes: &[u8], chunk: u64) -> (ReadOutcome, Prepared, Prepared) {
        checked_kept(bytes, chunk, true)
    }

    /// `checked`, the table kept in the file when `in_file`, else in memory (its index asked for: `indexed`).
    fn checked_kept(bytes: &[u8], chunk: u64, in_file: bool) -> (ReadOutcome, Prepared, Prepared) {
        let size = bytes.len() as u64;
        let (mut request, mut job) = (ScanRequest::default().indexed(), ReadJob::remote(size, ReadOptions::default()));
        if in_file {
            (request, job) = (request.in_file(), job.in_file());
        }
        let mut scan = RemoteScan::new(size, &request).expect("request").with_chunk(chunk);
        while !scan.is_finished() {
            let Range { start, end } = scan.wants();
            for message in scan.step(&bytes[start as usize..end as usize]) {
                job.receive(&message).expect("readable message");
            }
        }
        let outcome = job.run(bytes).expect("reads");
        let whole = read(bytes, &ReadOptions::default()).expect("reads");
        let mut schema = Schema::defaults(Entity::Customers);
        schema.upsert_field(Field::new("Signed up", FieldType::Date));
        let kinds = ["Customer", "Partner", "Vendor"];
        schema.upsert_field(Field::with_options("Customer type", FieldType::Select, &kinds));
        let mapping = suggest(&schema, &whole.table);
        let mut edits = Edits::new();
        edits.insert((0, "Email".into()), "fixed@example.com".into());
        edits.insert((7, "Last Name".into()), "Edited".into());
        let expected = prepare(&whole.table, &schema, &mapping, &edits, &whole.issues);
        let mut check = ValidateJob::new(Arc::new(outcome.clone()), schema, mapping, edits);
        let prepared = loop {
            if let Some(missing) = check.missing(256) {
                Refill::all(check.rows(), missing, bytes);
            }
            if let Some(prepared) = check.step(256) {
                break prepared;
            }
        };
        assert_eq!(prepared.report, expected.report);
        (outcome, prepared, expected)
    }

    /// Writes the download in the workers: the scan of `bytes` (`chunk` bytes a step) relayed by the worker that
    /// writes it. The bytes sent (those after the last `Dropped`), and the news.
    fn export(bytes: &[u8], outcome: &ReadOutcome, order: ExportOrder, chunk: u64) -> (Vec<u8>, Vec<ExportNews>) {
        let request = ScanRequest::of(&outcome.options).in_file().exported(order);
        let request = ScanRequest::from_json(&request.to_json()).expect("the request travels");
        let mut scan = RemoteScan::new(bytes.len() as u64, &request).expect("request").with_chunk(chunk);
        let mut relay = CheckRelay::new(&request);
        assert!(!relay.wants_facts());
        let (mut written, mut news) = (Vec::new(), Vec::new());
        while !scan.is_finished() {
            let Range { start, end } = scan.wants();
            for message in scan.step(&bytes[start as usize..end as usize]).into_iter().flat_map(|m| relay.relay(m)) {
                match ScanMessage::decode(&message).expect("readable") {
                    ScanMessage::Piece(piece) => {
                        assert!(piece.len() <= PIECE_BYTES);
                        written.extend_from_slice(piece);
                    }
                    ScanMessage::Export(json) => {
                        let told = ExportNews::from_json(json).expect("news");
                        if told == ExportNews::Dropped {
                            written.clear();
                        }
                        news.push(told);
                    }
                    other => panic!("the page gets only the download: {other:?}"),
                }
            }
        }
        (written, news)
    }

    /// The file the page saves from what came.
    fn saved(written: Vec<u8>, news: &[ExportNews]) -> ExportFile {
        let Some(ExportNews::Saved { name, zip, rows, parts }) = news.last().cloned() else {
            panic!("not saved: {:?}", news.last())
        };
        ExportFile { bytes: FileBytes::from(written), ..ExportNews::saved_file(name, zip, rows, parts) }
    }

    #[test]
    fn the_download_written_in_the_workers_holds_the_files_the_page_writes() {
        let bytes = report(9_000);
        for (chunk, in_file) in [(4_099, true), (65_536, true), (1 << 20, true), (65_536, false)] {
            let (outcome, prepared, whole) = checked_kept(&bytes, chunk, in_file);
            assert_eq!(outcome.table.records.is_in_file(), in_file);
            assert!(prepared.report.invalid > 150, "{}", prepared.report.invalid);
            assert!(outcome.structure.title_rows.len() >= 2);
            for limits in [Limits { rows: 2_000, bytes: usize::MAX }, Limits::for_site(false), Limits::for_site(true)] {
                let expected = import_file(&whole, limits, "customers-import").expect("writes");
                let order = ExportOrder::of(&prepared, limits, "customers-import").expect("an order");
                let (written, news) = export(&bytes, &outcome, order, chunk);
                let got = saved(written, &news);
                assert_eq!(
                    (&got.name, got.mime, got.rows, got.parts),
                    (&expected.name, expected.mime, expected.rows, expected.parts),
                    "{limits:?}, chunk {chunk}"
                );
                assert!(contents(&got) == contents(&expected), "the same files, {limits:?}, chunk {chunk}");
                let progress: Vec<u64> = news
                    .iter()
                    .filter_map(|n| match n {
                        ExportNews::Progress { done, total, .. } => Some(*done * 10_000 + *total),
                        _ => None,
                    })
                    .collect();
                assert!(progress.len() >= 8 && progress.windows(2).all(|w| w[0] <= w[1]), "{progress:?}");
            }
        }
    }

    #[test]
    fn a_part_cut_at_the_size_limit_asks_again_and_the_later_way_writes_it() {
        let bytes = report(3_000);
        let (outcome, prepared, whole) = checked(&bytes, 65_536);
        // 1,000 rows a part would make 3; 40 KB a part cuts many more.
        let limits = Limits { rows: 1_000, bytes: 40_000 };
        let expected = import_file(&whole, limits, "customers-import").expect("writes");
        assert!(expected.parts > 3);
        let order = ExportOrder::of(&prepared, limits, "customers-import").expect("an order");
        let (_, news) = export(&bytes, &outcome, order.clone(), 65_536);
        assert_eq!(news.last(), Some(&ExportNews::Again));
        let (written, news) = export(&bytes, &outcome, order.later(), 65_536);
        assert_eq!(saved(written, &news), expected, "a .zip of parts under a megabyte: the same bytes");
    }

    #[test]
    fn a_file_changed_since_it_was_read_or_without_valid_rows_is_said_so() {
        let bytes = report(3_000);
        let (outcome, prepared, _) = checked(&bytes, 65_536);
        let limits = Limits::for_site(false);
        let order = ExportOrder::of(&prepared, limits, "customers-import").expect("an order");
        // Read again in other steps, the same file gives another index: it cannot be proved the same (the page then
        // writes the download itself, checking each stretch it reads again).
        let (_, news) = export(&bytes, &outcome, order.clone(), 4_099);
        assert_eq!(news.last(), Some(&ExportNews::Changed));
        // Rows cut off the end, a row taken out before the table (every row then one line up), a value changed.
        let text = String::from_utf8(bytes.clone()).expect("text");
        let shorter = text[..text.len() / 2].to_owned() + "\n";
        let moved = text.replacen("Generated today\n", "", 1);
        let edited = text.replacen("p1500@example.com", "p1501@example.com", 1);
        for changed in [shorter, moved, edited] {
            let (_, news) = export(changed.as_bytes(), &outcome, order.clone(), 65_536);
            assert_eq!(news.last(), Some(&ExportNews::Changed));
        }
        // Every row's email from the first names: none is valid.
        let schema = Schema::defaults(Entity::Customers);
        let mut mapping = suggest(&schema, &outcome.table);
        mapping.set_source("Email", crate::domain::mapping::Source::Column(1));
        let nothing = prepare(&outcome.table, &schema, &mapping, &Edits::new(), &outcome.issues);
        assert_eq!(nothing.valid_count(), 0);
        let order = ExportOrder::of(&nothing, limits, "customers-import").expect("an order");
        let (written, news) = export(&bytes, &outcome, order, 65_536);
        assert_eq!((written.len(), news), (0, vec![ExportNews::Failed(ExportError::NoValidRows)]));
    }

    #[test]
    fn the_rejected_rows_written_in_the_workers_are_the_page_s() {
        // Broken and repeated emails, ragged rows (too many values), edits, title and footer rows.
        let bytes = report(9_000);
        for (chunk, in_file) in [(4_099, true), (1 << 20, true), (65_536, false)] {
            let (outcome, prepared, whole) = checked_kept(&bytes, chunk, in_file);
            let whole_read = read(&bytes, &ReadOptions::default()).expect("reads");
            let expected = rejects_file(&whole, &whole_read.table, "customers-import").expect("writes");
            assert!(expected.rows > 150 && outcome.issues.len() >= 4, "{} rows", expected.rows);
            let order = ExportOrder::rejected_rows(&prepared, &outcome.issues, "customers-import").expect("an order");
            let (written, news) = export(&bytes, &outcome, order, chunk);
            let got = saved(written, &news);
            assert_eq!(got, expected, "chunk {chunk}, in file: {in_file}");
        }
        // A file changed since: refused; no rejected rows: said so.
        let (outcome, prepared, _) = checked_kept(&bytes, 65_536, true);
        let order = ExportOrder::rejected_rows(&prepared, &outcome.issues, "customers-import").expect("an order");
        let text = String::from_utf8(bytes.clone()).expect("text");
        let edited = text.replacen("p1500@example.com", "p1501@example.com", 1);
        let (_, news) = export(edited.as_bytes(), &outcome, order, 65_536);
        assert_eq!(news.last(), Some(&ExportNews::Changed));
        let clean = report(99).into_iter().collect::<Vec<u8>>();
        let clean = String::from_utf8(clean).expect("text").replace("broken0", "p0@example.com").replace(",extra", "");
        let (outcome, prepared, whole) = checked_kept(clean.as_bytes(), 65_536, true);
        assert_eq!(whole.report.invalid, 0, "{:?}", whole.report.issues);
        let order = ExportOrder::rejected_rows(&prepared, &outcome.issues, "customers-import").expect("an order");
        let (_, news) = export(clean.as_bytes(), &outcome, order, 65_536);
        assert_eq!(news.last(), Some(&ExportNews::Failed(ExportError::NoRejectedRows)));
    }

    #[test]
    fn a_unicode_text_report_is_written_in_the_workers_as_on_the_page() {
        // Excel's "Unicode text": UTF-16LE with a BOM, tab-separated; steps of an odd size cut characters in two.
        let text = String::from_utf8(report(5_000)).expect("text").replace(',', "\t");
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        for chunk in [7_777, 1 << 20] {
            let (outcome, prepared, whole) = checked_kept(&bytes, chunk, true);
            assert_eq!((outcome.encoding, outcome.delimiter), (encoding_rs::UTF_16LE, b'\t'));
            let limits = Limits { rows: 2_000, bytes: usize::MAX };
            let expected = import_file(&whole, limits, "customers-import").expect("writes");
            let order = ExportOrder::of(&prepared, limits, "customers-import").expect("an order");
            let (written, news) = export(&bytes, &outcome, order, chunk);
            assert!(contents(&saved(written, &news)) == contents(&expected), "chunk {chunk}");
        }
    }

    #[test]
    fn a_scan_that_starts_again_drops_what_was_sent() {
        // A Windows-1252 byte in the last rows, after the first 4 MiB the encoding is guessed from: the scan, taking
        // the file for UTF-8, starts again.
        let mut bytes = report(100_000);
        assert!(bytes.len() > 4 << 20);
        bytes.extend_from_slice(b"m\xFCller@example.com,J,M\xFCller,01/03/2024,Vendor\n");
        let (outcome, prepared, whole) = checked(&bytes, 65_536);
        assert_eq!(outcome.encoding, encoding_rs::WINDOWS_1252);
        let limits = Limits { rows: 20_000, bytes: usize::MAX };
        let expected = import_file(&whole, limits, "customers-import").expect("writes");
        let order = ExportOrder::of(&prepared, limits, "customers-import").expect("an order");
        let (written, news) = export(&bytes, &outcome, order, 65_536);
        let dropped = news.iter().position(|n| *n == ExportNews::Dropped).expect("dropped");
        assert!(news[..dropped].iter().any(|n| matches!(n, ExportNews::Progress { .. })), "rows written first");
        assert!(contents(&saved(written, &news)) == contents(&expected));
    }
}
