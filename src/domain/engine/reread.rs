//! Reading a text file's records again from the file itself, from any record on, instead of keeping them: the
//! index a scan leaves (`FileIndex`: the encoding, the delimiter and the places where reading can start again)
//! and a reading that starts at the nearest such place before the record asked for (`Reread`).
//!
//! Owns the way back from "record n" to bytes of the file. The places are the scan's `Checkpoint`s: a step's start
//! that fell between two records just after a line break, where the decoder holds nothing. There is one a step
//! (`CHUNK_BYTES`) unless a quoted field spans a step's end, so a reading from any record parses at most about one
//! step before it, and the index takes a few bytes per thousand rows. Invariant (tested): the records a `Reread`
//! gives from record n are exactly the records the scan gave from its n-th one on, at the same positions.

use std::ops::Range;

use encoding_rs::Encoding;
use serde::{Deserialize, Serialize};

use super::cursor::{Checkpoint, Cursor};
use crate::domain::stream::{StreamMark, StreamRecord};
use crate::domain::table::{Record, RowBlock, Rows, BLOCK_ROWS};

/// Where a scanned text file's records can be read again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileIndex {
    encoding: &'static Encoding,
    delimiter: u8,
    /// Bytes of the byte order mark before the body.
    bom_len: u64,
    /// Bytes of the body.
    body_len: u64,
    /// In order; the first is the body's start.
    checkpoints: Vec<Checkpoint>,
    /// For each checkpoint, the hash (xxh3) of the bytes from it to the next one (the last one's to the end).
    hashes: Vec<u64>,
}

impl FileIndex {
    /// The index of a scan of a body of `body.1` bytes after a BOM of `body.0` bytes, in `encoding` and with
    /// `delimiter`, that found `checkpoints` (body offsets, in order, the first at the start) and the `hashes` of the
    /// bytes from each to the next (`Cursor::hashes`). `None` for anything else.
    pub fn new(
        (encoding, delimiter): (&'static Encoding, u8),
        body: (u64, u64),
        checkpoints: Vec<Checkpoint>,
        hashes: Vec<u64>,
    ) -> Option<FileIndex> {
        let start = Checkpoint { offset: 0, given: 0, mark: StreamMark::default() };
        let ordered = checkpoints.windows(2).all(|w| w[0].offset < w[1].offset && w[0].given <= w[1].given);
        let inside = checkpoints.iter().all(|c| c.offset <= body.1);
        let whole = checkpoints.first() == Some(&start) && hashes.len() == checkpoints.len();
        (ordered && inside && whole).then_some(FileIndex {
            encoding,
            delimiter,
            bom_len: body.0,
            body_len: body.1,
            checkpoints,
            hashes,
        })
    }

    /// Places where reading can start again.
    pub fn len(&self) -> usize {
        self.checkpoints.len()
    }

    pub fn is_empty(&self) -> bool {
        self.checkpoints.is_empty()
    }

    /// Bytes the index takes in memory.
    pub fn memory(&self) -> usize {
        let each = std::mem::size_of::<Checkpoint>() + std::mem::size_of::<u64>();
        std::mem::size_of::<FileIndex>() + self.checkpoints.len() * each
    }

    /// The index as the reading worker sends it to the page (`from_wire` reads it back).
    pub fn to_wire(&self) -> String {
        let checkpoints = (self.checkpoints.iter().zip(&self.hashes))
            .map(|(c, hash)| [c.offset, c.given, c.mark.breaks, c.mark.inner_breaks, c.mark.records, *hash])
            .collect();
        let wire = Wire {
            encoding: self.encoding.name().to_owned(),
            delimiter: self.delimiter,
            bom_len: self.bom_len,
            body_len: self.body_len,
            checkpoints,
        };
        serde_json::to_string(&wire).unwrap_or_default()
    }

    /// An index sent by `to_wire`; `None` for anything else.
    pub fn from_wire(json: &str) -> Option<FileIndex> {
        let wire: Wire = serde_json::from_str(json).ok()?;
        let encoding = Encoding::for_label(wire.encoding.as_bytes())?;
        let checkpoints: Vec<Checkpoint> = (wire.checkpoints.iter())
            .map(|[offset, given, breaks, inner_breaks, records, _]| Checkpoint {
                offset: *offset,
                given: *given,
                mark: StreamMark { breaks: *breaks, inner_breaks: *inner_breaks, records: *records },
            })
            .collect();
        let hashes = wire.checkpoints.iter().map(|c| c[5]).collect();
        FileIndex::new((encoding, wire.delimiter), (wire.bom_len, wire.body_len), checkpoints, hashes)
    }

    /// A reading of the records from the `record`-th one on (counted from 0 over the records the scan gave).
    pub fn reread(&self, record: u64) -> Reread {
        let at = self.checkpoints.partition_point(|c| c.given <= record).saturating_sub(1);
        let start = self.checkpoints[at];
        // Each part of the file from there on: where it ends, and the hash of its bytes.
        let ends = self.checkpoints.iter().skip(at + 1).map(|c| c.offset).chain([self.body_len]);
        let parts = ends.zip(self.hashes.iter().skip(at).copied()).collect();
        Reread {
            cursor: Cursor::resume(self.encoding, self.delimiter, self.body_len, start),
            bom_len: self.bom_len,
            first: record,
            parts,
            part: 0,
            hasher: xxhash_rust::xxh3::Xxh3::new(),
            changed: false,
        }
    }
}

/// `FileIndex` as JSON: checkpoints as `[offset, given, breaks, inner_breaks, records, hash]`.
#[derive(Serialize, Deserialize)]
struct Wire {
    encoding: String,
    delimiter: u8,
    bom_len: u64,
    body_len: u64,
    checkpoints: Vec<[u64; 6]>,
}

/// Records read again from the file, from one record on. Ask `wants`, hand those bytes of the file to `step`,
/// until `is_done`. The bytes read are checked against the scan's (a hash of each part between two places where
/// reading can start again): a file changed since it was scanned is `changed`, never read as if it were the same.
pub struct Reread {
    cursor: Cursor,
    bom_len: u64,
    /// The first record given out; those before it are parsed and passed over.
    first: u64,
    /// The parts of the body from the start on: where each ends, and the hash of its bytes.
    parts: Vec<(u64, u64)>,
    /// The part being read, and the hash of its bytes so far.
    part: usize,
    hasher: xxhash_rust::xxh3::Xxh3,
    changed: bool,
}

impl Reread {
    /// Parses `bytes` per step instead of `CHUNK_BYTES` (tests).
    pub fn with_chunk(self, bytes: u64) -> Reread {
        Reread { cursor: self.cursor.with_chunk(bytes), ..self }
    }

    /// The bytes of the file (offsets from its start) the next `step` reads; empty once done.
    pub fn wants(&self) -> Range<u64> {
        let Range { start, end } = self.cursor.wants();
        self.bom_len + start..self.bom_len + end
    }

    /// Done: every record read, or the file found changed (nothing more is read then).
    pub fn is_done(&self) -> bool {
        self.cursor.is_done() || self.changed
    }

    /// Whether bytes read differ from those the scan read: the file changed since (its records read are void).
    pub fn changed(&self) -> bool {
        self.changed
    }

    /// The parts of the file wholly read and checked so far.
    pub fn parts_checked(&self) -> usize {
        self.part
    }

    /// The number (from 0) of the record the next `on_record` call gives.
    pub fn next_record(&self) -> u64 {
        self.cursor.given().max(self.first)
    }

    /// Reads the file's bytes in `wants()`, calling `on_record` for each record from the first one asked for on.
    pub fn step(&mut self, bytes: &[u8], mut on_record: impl FnMut(&StreamRecord<'_>)) {
        let wanted = self.cursor.wants();
        if (bytes.len() as u64) < wanted.end - wanted.start {
            // Fewer bytes than the scan read there: the file is shorter now.
            self.changed = true;
            return;
        }
        let first = self.first;
        let mut at = self.cursor.given();
        let before = self.cursor.offset();
        self.cursor.step(bytes, |record| {
            if at >= first {
                on_record(record);
            }
            at += 1;
        });
        let read = bytes.get(..(self.cursor.offset() - before) as usize).unwrap_or(bytes);
        self.check(before, read);
    }

    /// Hashes `read` (the body's bytes from `offset`), comparing each part as it ends with the scan's hash of it.
    fn check(&mut self, mut offset: u64, mut read: &[u8]) {
        while let Some(&(end, hash)) = self.parts.get(self.part) {
            let take = (end.saturating_sub(offset) as usize).min(read.len());
            self.hasher.update(&read[..take]);
            (offset, read) = (offset + take as u64, &read[take..]);
            if offset < end {
                return;
            }
            self.changed |= self.hasher.digest() != hash;
            self.hasher.reset();
            self.part += 1;
        }
    }
}

/// Bytes of the file a `Refill` parses per step: half a scan's step, so a step on the page's thread stays a few
/// milliseconds (a step is the unit between two looks at the clock).
pub const REFILL_CHUNK_BYTES: u64 = 256 << 10;

/// Reading back the records a table asked for (`Rows::missing`) and handing them to it (`Rows::fill`): ask `wants`,
/// hand those bytes of the file to `step` until it says done, then `finish`. It holds a copy of the table's store,
/// which shares what is loaded with every other copy.
pub struct Refill {
    reread: Reread,
    rows: Rows,
    range: std::ops::Range<usize>,
    /// Records read, a block at a time: each block's records share one copy of its text.
    records: Vec<Record>,
    /// The records of the block being read, laid out (`RowBlock`), and how many were read in all.
    block: RowBlock,
    read: usize,
    /// The blocks to load (`Rows::block_of`), when not all of them (`only`).
    only: Option<Vec<usize>>,
    /// Once every record asked for is read: the parts that must be checked before they are handed over.
    parts: Option<usize>,
}

impl Refill {
    /// A reading of the file's records in `range` (as `missing` gives it) for `rows`; `None` when its records are
    /// not in a file.
    pub fn new(rows: &Rows, range: std::ops::Range<usize>) -> Option<Refill> {
        let reread = rows.reread(range.start)?.with_chunk(REFILL_CHUNK_BYTES);
        let records = Vec::with_capacity(range.len());
        let block = RowBlock::new();
        Some(Refill { reread, rows: rows.clone(), records, block, read: 0, range, only: None, parts: None })
    }

    /// Loads only the blocks of the records in view at `needed` (the others are read on the way and let go).
    pub fn only(self, needed: &[usize]) -> Refill {
        let blocks = needed.iter().map(|i| self.rows.block_of(*i)).collect();
        Refill { only: Some(blocks), ..self }
    }

    /// What `missing` asked for.
    pub fn range(&self) -> std::ops::Range<usize> {
        self.range.clone()
    }

    /// The bytes of the file the next `step` reads.
    pub fn wants(&self) -> Range<u64> {
        self.reread.wants()
    }

    /// Reads the file's bytes in `wants()`. Whether every record asked for is read (or the file ended).
    pub fn step(&mut self, bytes: &[u8]) -> bool {
        let (records, block, read, want) = (&mut self.records, &mut self.block, &mut self.read, self.range.len());
        self.reread.step(bytes, |r| {
            if *read < want {
                let (text, ends) = r.text_and_ends();
                block.push_bytes(r.pos, text, ends, || r.to_cells());
                *read += 1;
                if block.rows() == BLOCK_ROWS {
                    records.extend(std::mem::take(block).records());
                }
            }
        });
        if self.read >= want && self.parts.is_none() {
            // The part the last record ends in is read to its end, so its bytes are checked too.
            self.parts = Some(self.reread.parts_checked() + 1);
        }
        let checked = self.parts.is_some_and(|parts| self.reread.parts_checked() >= parts);
        checked || self.reread.is_done() || self.reread.changed()
    }

    /// Hands the records read to the table; `Err` (and nothing handed) when the file changed since it was scanned.
    pub fn finish(mut self) -> Result<(), FileChanged> {
        if self.reread.changed() {
            return Err(FileChanged);
        }
        self.records.extend(self.block.records());
        match &self.only {
            Some(blocks) => self.rows.fill_blocks(self.range.start, self.records, |b| blocks.contains(&b)),
            None => self.rows.fill(self.range.start, self.records),
        }
        Ok(())
    }

    /// Reads back everything `rows` is `missing` in `range` from the file's bytes in memory (tests and tools).
    pub fn all(rows: &Rows, range: std::ops::Range<usize>, file: &[u8]) {
        let mut last = None;
        while let Some(missing) = rows.missing(range.clone()) {
            // Filling a range always removes it from what is missing: the same one twice would be a loop.
            assert_ne!(last.replace(missing.clone()), Some(missing.clone()), "filled and still missing");
            let Some(mut refill) = Refill::new(rows, missing) else { return };
            loop {
                let Range { start, end } = refill.wants();
                let bytes = file.get(start as usize..end as usize).unwrap_or_default();
                if refill.step(bytes) {
                    break;
                }
            }
            if refill.finish().is_err() {
                return;
            }
        }
    }
}

/// The file's bytes differ from those its index was made from: it changed since it was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the file changed since it was read")]
pub struct FileChanged;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::engine::read_job::tests::shapes;
    use crate::domain::engine::read_scan::{ReadScan, ScanStep};
    use crate::domain::read::ReadOptions;
    use crate::domain::table::Record;
    use encoding_rs::WINDOWS_1252;

    /// Scans `bytes` as the reader does: every record given, and the index left.
    fn scan(bytes: &[u8], options: &ReadOptions, chunk: u64) -> Option<(Vec<Record>, FileIndex)> {
        let mut scan = ReadScan::new(bytes.len() as u64, options).with_chunk(chunk);
        let mut records = Vec::new();
        loop {
            let Range { start, end } = scan.wants();
            let step = scan.step(&bytes[start as usize..end as usize], |r| {
                records.push(Record { pos: r.pos, cells: r.to_cells() })
            });
            match step {
                ScanStep::Going => {}
                ScanStep::Restart => records.clear(),
                ScanStep::Done(Ok(_)) => return scan.index().cloned().map(|index| (records, index)),
                ScanStep::Done(Err(_)) => return None,
            }
        }
    }

    fn reread(index: &FileIndex, bytes: &[u8], record: u64, chunk: u64) -> Vec<Record> {
        let mut reread = index.reread(record).with_chunk(chunk);
        let mut out = Vec::new();
        while !reread.is_done() {
            assert_eq!(reread.next_record(), record + out.len() as u64);
            let Range { start, end } = reread.wants();
            reread.step(&bytes[start as usize..end as usize], |r| out.push(Record { pos: r.pos, cells: r.to_cells() }));
        }
        out
    }

    #[test]
    fn records_read_again_from_any_record_equal_the_scans() {
        let mut files = shapes();
        let mut long = String::from("Name;City;Note\r\n");
        for i in 0..3000 {
            let note = if i % 5 == 0 { "\"two\nlines\"" } else { "one line" };
            long.push_str(&format!("Zoë {i};Köln;{note}\r\n"));
            if i % 700 == 0 {
                long.push_str(";;\r\n\r\n");
            }
        }
        files.push((long.clone().into_bytes(), ReadOptions::default()));
        // Windows-1252, told only by a byte after the first chunks: the scan starts again, and so does its index.
        files.push((WINDOWS_1252.encode(&format!("{long}Last;München;x\r\n")).0.into_owned(), ReadOptions::default()));
        let mut utf16 = vec![0xFE, 0xFF];
        utf16.extend(long.encode_utf16().flat_map(u16::to_be_bytes));
        files.push((utf16, ReadOptions::default()));
        for (bytes, options) in files {
            for chunk in [3, 200, 4096] {
                let Some((records, index)) = scan(&bytes, &options, chunk) else { continue };
                assert!(index.len() > (bytes.len() as u64 / chunk.max(200) / 4) as usize, "{} places", index.len());
                let n = records.len() as u64;
                for record in [0, 1, n / 3, n / 2 + 1, n.saturating_sub(1), n] {
                    let again = reread(&index, &bytes, record, chunk);
                    assert_eq!(again, records[record.min(n) as usize..], "from record {record}, chunk {chunk}");
                }
            }
        }
    }

    /// Reads from record `record` to the end of `bytes`: whether the reading found the file changed.
    fn changed_from(index: &FileIndex, bytes: &[u8], record: u64) -> bool {
        let mut reread = index.reread(record).with_chunk(1000);
        while !reread.is_done() && !reread.changed() {
            let Range { start, end } = reread.wants();
            reread.step(bytes.get(start as usize..end as usize).unwrap_or_default(), |_| {});
        }
        reread.changed()
    }

    #[test]
    fn a_file_changed_since_it_was_scanned_is_found_changed() {
        let mut text = String::from("Email,Name\n");
        for i in 0..50_000 {
            text.push_str(&format!("person{i}@example.com,Person {i}\n"));
        }
        let bytes = text.into_bytes();
        let (records, index) = scan(&bytes, &ReadOptions::default(), 64 << 10).expect("reads");
        assert!(index.len() > 10);
        let n = records.len() as u64;
        for record in [0, n / 2, n - 1] {
            assert!(!changed_from(&index, &bytes, record), "unchanged, from {record}");
        }
        // One letter, the same length: only readings through that part find it.
        let at = bytes.len() * 3 / 4;
        let mut edited = bytes.clone();
        edited[at] = if edited[at] == b'x' { b'y' } else { b'x' };
        assert!(changed_from(&index, &edited, n / 2));
        assert!(!changed_from(&index, &edited, n - 1));
        let shorter = &bytes[..bytes.len() - 5];
        assert!(changed_from(&index, shorter, n - 1));
        // Bytes added at the end are not read: the rows read back are still those scanned.
        let longer = [bytes.as_slice(), b"more,rows\n"].concat();
        assert!(!changed_from(&index, &longer, n - 1));

        // A refill from a changed file hands nothing over.
        let kept: Rows = records.iter().cloned().collect();
        let refill_changed = |file: &[u8]| {
            let mut refill = Refill {
                reread: index.reread(n / 2),
                rows: kept.clone(),
                range: (n / 2) as usize..n as usize,
                records: Vec::new(),
                block: RowBlock::new(),
                read: 0,
                only: None,
                parts: None,
            };
            loop {
                let Range { start, end } = refill.wants();
                if refill.step(file.get(start as usize..end as usize).unwrap_or_default()) {
                    break;
                }
            }
            refill.finish()
        };
        assert_eq!(refill_changed(&edited), Err(FileChanged));
        assert_eq!(refill_changed(&bytes), Ok(()));
    }

    #[test]
    fn a_long_file_is_indexed_in_a_few_bytes_per_thousand_rows() {
        let mut text = String::from("Email,Name\n");
        for i in 0..100_000 {
            text.push_str(&format!("person{i}@example.com,Person {i}\n"));
        }
        let (records, index) =
            scan(text.as_bytes(), &ReadOptions::default(), crate::domain::engine::CHUNK_BYTES).expect("reads");
        assert_eq!(records.len(), 100_001);
        assert!(index.memory() * 1000 < records.len() * 20, "{} bytes", index.memory());
        let tail = reread(&index, text.as_bytes(), 99_990, crate::domain::engine::CHUNK_BYTES);
        assert_eq!(tail, records[99_990..]);
        assert_eq!(FileIndex::from_wire(&index.to_wire()), Some(index));
        assert_eq!(FileIndex::from_wire("{}"), None);
    }
}
