//! A `ReadScan` run for a page elsewhere (the reading worker): each step's records and ending turned into the
//! `ScanMessage`s to send. The page feeds them to `ReadJob::remote`, which ends with exactly what `read` gives.
//!
//! Owns only the pairing of a scan step with its messages; the bytes come from the caller (`Blob` reads in the
//! worker) and the sending too. Records go out a table block (`BLOCK_ROWS`) a message, so the page packs each one
//! as it comes; the last block goes out with the ending. For a page that keeps the table in the file and has the
//! rows checked, the blocks it lets go of carry only the columns the check reads (`SlimBlocks`).

use std::ops::Range;

use super::read_scan::{ReadScan, ScanStep};
use super::scan_wire::{RecordBatch, ScanMessage, ScanRequest, WireError};
use super::slim_blocks::SlimBlocks;
use crate::domain::table::BLOCK_ROWS;

/// One file being scanned for the page.
pub struct RemoteScan {
    scan: ReadScan,
    finished: bool,
    /// Records parsed and not yet sent: fewer than a block.
    batch: RecordBatch,
    /// Full blocks go out packed (`ScanMessage::Packed`): the worker does the page's packing while the page is behind.
    packing: bool,
    /// The page keeps the table's blocks in the file (`ScanRequest::in_file`): nothing is packed, and the file's
    /// index goes out before the ending.
    in_file: bool,
    /// The file's index goes out before the ending (`ScanRequest::indexed`, or `in_file`).
    indexed: bool,
    /// The rows are checked (`ScanRequest::checked_for`) or exported (`ScanRequest::exported`) as the messages are
    /// relayed (`CheckRelay`): nothing is packed, so the relay reads every block as it lies.
    checked: bool,
    /// The blocks the page lets go of go with only the columns the relay's check reads (`SlimBlocks`).
    slim: Option<SlimBlocks>,
}

impl RemoteScan {
    /// A scan of a file of `size` bytes, as the page asked.
    pub fn new(size: u64, request: &ScanRequest) -> Result<RemoteScan, WireError> {
        Ok(RemoteScan {
            scan: ReadScan::new(size, &request.options()?),
            finished: false,
            batch: RecordBatch::default(),
            packing: false,
            in_file: request.in_file,
            indexed: request.in_file || request.indexed,
            checked: request.schema.is_some() || request.export.is_some(),
            slim: SlimBlocks::for_request(request),
        })
    }

    /// Parses `bytes` per step instead of `CHUNK_BYTES` (tests).
    pub fn with_chunk(self, bytes: u64) -> RemoteScan {
        RemoteScan { scan: self.scan.with_chunk(bytes), ..self }
    }

    /// The bytes of the file the next `step` reads.
    pub fn wants(&self) -> Range<u64> {
        self.scan.wants()
    }

    /// Whether the next steps send full blocks packed (the caller packs while the page falls behind).
    pub fn set_packing(&mut self, packing: bool) {
        self.packing = packing && !self.in_file && !self.checked;
    }

    /// Whether the next steps send full blocks packed (`set_packing`).
    pub fn packs(&self) -> bool {
        self.packing
    }

    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// One step on `bytes` (the file's bytes in `wants()`): the messages it makes, in order. There is always one
    /// with records (a block of them, or none) and the progress; the last is `Done` once finished.
    pub fn step(&mut self, bytes: &[u8]) -> Vec<Vec<u8>> {
        if self.finished {
            return Vec::new();
        }
        // Each block's message (its progress set below), or its packed bytes (`true`).
        let mut full: Vec<(Vec<u8>, bool)> = Vec::new();
        let (pending, packing, slim) = (&mut self.batch, self.packing, &mut self.slim);
        let step = self.scan.step(bytes, |record| {
            pending.push(record);
            if pending.len() == BLOCK_ROWS {
                let block = std::mem::take(pending);
                // A block the checking worker reads a few columns of may wait for the next one (`SlimBlocks`).
                let sent = match slim.as_mut() {
                    Some(slim) => slim.pass(block),
                    None => Some(block),
                };
                full.extend(sent.map(|block| {
                    if packing {
                        (block.into_packed(), true)
                    } else {
                        (block.into_message(), false)
                    }
                }));
            }
        });
        if !matches!(step, ScanStep::Going) {
            // The records so far go out before a restart voids them or the ending closes the table: the block held
            // back first, whole.
            if let Some(held) = self.slim.as_mut().and_then(SlimBlocks::release) {
                full.push((held.into_message(), false));
            }
            full.push((std::mem::take(&mut self.batch).into_message(), false));
            if let (ScanStep::Restart, Some(slim)) = (&step, self.slim.as_mut()) {
                slim.restart();
            }
        } else if full.is_empty() {
            // No block filled: the progress goes out alone (a part of a block would leave the page's blocks cut
            // where the worker's are not).
            full.push((RecordBatch::default().into_message(), false));
        }
        let progress = self.scan.progress();
        let mut messages: Vec<Vec<u8>> = full
            .into_iter()
            .map(|(mut bytes, packed)| {
                if packed {
                    ScanMessage::Packed { progress, block: &bytes }.encode()
                } else {
                    ScanMessage::set_progress(&mut bytes, &progress);
                    bytes
                }
            })
            .collect();
        match step {
            ScanStep::Going => {}
            ScanStep::Restart => messages.push(ScanMessage::Restart.encode()),
            ScanStep::Done(done) => {
                self.finished = true;
                if let Some(index) = self.scan.index().filter(|_| self.indexed) {
                    messages.push(ScanMessage::Index(index.clone()).encode());
                }
                messages.push(ScanMessage::Done(done).encode());
            }
        }
        messages
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::engine::read_job::tests::{people, shapes};
    use crate::domain::engine::{ReadJob, Refill};
    use crate::domain::read::{read, ReadError, ReadOptions, ReadOutcome};
    use encoding_rs::WINDOWS_1252;

    /// Scans `bytes` as the worker does and reads the messages as the page does.
    fn through_messages(bytes: &[u8], options: &ReadOptions, chunk: u64) -> Result<ReadOutcome, ReadError> {
        let size = bytes.len() as u64;
        let mut scan = RemoteScan::new(size, &ScanRequest::of(options)).expect("request").with_chunk(chunk);
        let mut job = ReadJob::remote(size, options.clone());
        let mut steps = 0;
        while !scan.is_finished() {
            // Packed and plain blocks mixed, as a worker sends them when the page falls behind now and then.
            steps += 1;
            scan.set_packing(steps % 3 == 1);
            let Range { start, end } = scan.wants();
            for message in scan.step(&bytes[start as usize..end as usize]) {
                job.receive(&message).expect("readable message");
            }
        }
        assert!(!job.awaits_message());
        job.run(bytes)
    }

    fn same_as_read(bytes: &[u8], options: &ReadOptions) {
        let whole = read(bytes, options);
        for chunk in [1, 7, 1000, 1 << 20] {
            assert_eq!(through_messages(bytes, options, chunk), whole, "chunk {chunk}");
        }
    }

    #[test]
    fn records_go_out_a_whole_table_block_a_message_but_the_last() {
        let bytes = people(3 * BLOCK_ROWS + 5, ',').into_bytes();
        let mut scan = RemoteScan::new(bytes.len() as u64, &ScanRequest::default()).expect("request").with_chunk(5000);
        let mut sizes = Vec::new();
        while !scan.is_finished() {
            let Range { start, end } = scan.wants();
            for message in scan.step(&bytes[start as usize..end as usize]) {
                if let Ok(ScanMessage::Records { batch, .. }) = ScanMessage::decode(&message) {
                    sizes.push(batch.block().expect("whole").rows());
                }
            }
        }
        let (last, rest) = sizes.split_last().expect("messages");
        assert!(rest.iter().all(|n| *n == 0 || *n == BLOCK_ROWS), "{sizes:?}");
        assert_eq!(rest.iter().sum::<usize>() + last, 3 * BLOCK_ROWS + 6, "the header and every row");
    }

    #[test]
    fn blocks_packed_by_the_worker_make_the_same_table() {
        let bytes = people(5 * BLOCK_ROWS + 17, ';').into_bytes();
        let mut scan = RemoteScan::new(bytes.len() as u64, &ScanRequest::default()).expect("request").with_chunk(9000);
        scan.set_packing(true);
        let mut job = ReadJob::remote(bytes.len() as u64, ReadOptions::default());
        let mut packed = 0;
        while !scan.is_finished() {
            let Range { start, end } = scan.wants();
            for message in scan.step(&bytes[start as usize..end as usize]) {
                packed += usize::from(matches!(ScanMessage::decode(&message), Ok(ScanMessage::Packed { .. })));
                job.receive(&message).expect("readable message");
            }
        }
        assert_eq!(packed, 5, "every full block, and only those");
        let outcome = job.run(&bytes).expect("reads");
        assert_eq!(Ok(&outcome), read(&bytes, &ReadOptions::default()).as_ref());
        assert!(outcome.table.records.bytes() < bytes.len() / 2, "kept packed");
    }

    /// Scans `bytes` as the worker does for a page that keeps the table in the file, and reads the messages as
    /// that page does; every record is then read back from the file, to compare.
    fn in_file(bytes: &[u8], options: &ReadOptions, chunk: u64) -> Result<ReadOutcome, ReadError> {
        let size = bytes.len() as u64;
        let request = ScanRequest::of(options).in_file();
        let mut scan = RemoteScan::new(size, &request).expect("request").with_chunk(chunk);
        scan.set_packing(true);
        let mut job = ReadJob::remote(size, options.clone()).in_file();
        while !scan.is_finished() {
            let Range { start, end } = scan.wants();
            for message in scan.step(&bytes[start as usize..end as usize]) {
                assert!(!matches!(ScanMessage::decode(&message), Ok(ScanMessage::Packed { .. })), "nothing packed");
                job.receive(&message).expect("readable message");
            }
        }
        let outcome = job.run(bytes)?;
        let rows = &outcome.table.records;
        assert!(rows.is_in_file());
        Refill::all(rows, 0..rows.len(), bytes);
        Ok(outcome)
    }

    #[test]
    fn a_page_that_keeps_the_table_in_the_file_reads_as_read_reads_it() {
        for (bytes, options) in shapes() {
            for chunk in [1, 7, 1000] {
                assert_eq!(in_file(&bytes, &options, chunk), read(&bytes, &options), "chunk {chunk}");
            }
        }
        // Many blocks, ragged rows in blocks let go (found when the table is put together), a footer, and a
        // Windows-1252 byte late in the file (the scan starts again).
        let mut text = String::from("Report\n\nName,City,Note\n");
        for i in 0..30 * BLOCK_ROWS {
            match i % 4099 {
                7 => text.push_str(&format!("Person {i},Köln\n")),
                9 => text.push_str(&format!("Person {i},Köln,\"a\nb\",extra\n")),
                _ => text.push_str(&format!("Person {i},Köln,\"x{}\"\n", i % 13)),
            }
        }
        text.push_str("Grand Totals (30720 records)\n");
        let utf8 = text.clone().into_bytes();
        let mut legacy = text.into_bytes();
        legacy.extend_from_slice(b"Last,M\xFCnchen,x\n");
        for bytes in [utf8, legacy] {
            let whole = read(&bytes, &ReadOptions::default()).expect("reads");
            assert!(whole.issues.len() >= 14, "ragged rows found: {}", whole.issues.len());
            for chunk in [4096, 1 << 20] {
                let outcome = in_file(&bytes, &ReadOptions::default(), chunk).expect("reads");
                assert!(
                    outcome.table.records.bytes() < bytes.len() / 8,
                    "{} bytes kept",
                    outcome.table.records.bytes()
                );
                assert_eq!(outcome, whole, "chunk {chunk}");
            }
        }
    }

    #[test]
    fn a_file_scanned_elsewhere_reads_as_read_reads_it() {
        for (bytes, options) in shapes() {
            same_as_read(&bytes, &options);
        }
        for refused in [&b""[..], b"  \n\t\n", b"A,B\n", b"A,B\n\x00\x01", b"\x0c\xef\xbb\xbf\x0c"] {
            same_as_read(refused, &ReadOptions::default());
        }
        same_as_read(b"A,B\n1,2\n", &ReadOptions { header_row: Some(9), ..Default::default() });
    }

    #[test]
    fn a_late_legacy_byte_restarts_the_page_too() {
        let mut bytes = people(20_000, ',').into_bytes();
        bytes.extend_from_slice(b"Last,M\xFCnchen\n");
        let outcome = through_messages(&bytes, &ReadOptions::default(), 64 << 10).expect("reads");
        assert_eq!((outcome.encoding, outcome.table.records.len()), (WINDOWS_1252, 20_001));
        assert_eq!(Ok(outcome), read(&bytes, &ReadOptions::default()));
    }

    #[test]
    fn a_workbook_is_left_to_the_page() {
        let mut scan = RemoteScan::new(8, &ScanRequest::default()).expect("request");
        let messages = scan.step(b"PK\x03\x04junk");
        assert!(scan.is_finished());
        let last = messages.last().expect("a message");
        assert_eq!(ScanMessage::decode(last), Ok(ScanMessage::Done(Ok(super::super::read_scan::Scanned::Workbook))));
        let mut job = ReadJob::remote(8, ReadOptions::default());
        for message in &messages {
            job.receive(message).expect("readable");
        }
        assert_eq!(job.wants(), 0..8);
    }
}
