//! What the page sends the reading workers so they write a big file's import download there (`ExportStream`): the
//! decisions the rows are normalised with, the admin's edits, which records are left out, where the table's
//! records lie among the file's, and the download's limits and name. And the rows an export reads from them
//! (`StreamedRows`): the block of records the scan brought last.
//!
//! Owns only what travels, and nothing is decided again in the worker: the rows left out are the page's (one bit a
//! record), the values are those the page's check gives (its `Normaliser`, sent whole). The workers read the file
//! again as it was read, so its records are the table's: the scan's index of the file (`FileIndex`, a hash of
//! every stretch of its bytes) must equal the one the table was read with, and the spreadsheet rows of the table's
//! first and last records tell a change early; a file changed since fails (`ExportNews::Changed`). A table read by
//! the workers has that index (`ScanRequest::indexed`); one read on the page has none and is written there.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::reread::FileIndex;
use crate::domain::edits::Edits;
use crate::domain::export::{ExportRows, Limits};
use crate::domain::prepare::{Normaliser, Prepared};
use crate::domain::report::Issue;
use crate::domain::table::Record;

/// The import download of a checked table, to be written from the file's records as a scan brings them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportOrder {
    normaliser: Normaliser,
    #[serde(with = "crate::domain::edits::as_list")]
    edits: Edits,
    fields: Vec<String>,
    /// One bit a record, set when it is left out of the import.
    rejected: Vec<u64>,
    rows: usize,
    valid: usize,
    /// The file's records before the table's first: the title rows and the header.
    skip: usize,
    /// The spreadsheet rows of the table's first and last records.
    ends: Option<(u64, u64)>,
    /// The index of the file as it was read (`FileIndex::to_wire`).
    index: String,
    pub limits: Limits,
    pub stem: String,
    /// The .zip is written the later way only (`ExportJob::later_only`): the straight way started again once.
    #[serde(default)]
    pub later: bool,
    /// The rejected-rows file is written instead of the import file (`ExportOrder::rejected_rows`).
    #[serde(default)]
    pub rejects: Option<RejectsPart>,
}

/// What the rejected-rows file needs beside the import's order: the table's columns (the file is in the admin's
/// own columns) and what reading found (a row's reasons start with them).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectsPart {
    pub headers: Vec<String>,
    pub read_issues: Vec<Issue>,
}

impl ExportOrder {
    /// The order for the import download of `prepared` (`export::import_file`'s, with `limits`, named after
    /// `stem`): `None` when the check kept no source, or its file's index is not known (read on the page).
    pub fn of(prepared: &Prepared, limits: Limits, stem: &str) -> Option<ExportOrder> {
        let (table, edits, normaliser) = prepared.source_parts()?;
        let index = table.records.index()?.to_wire();
        let rows = prepared.len();
        let mut rejected = vec![0u64; rows.div_ceil(64)];
        for r in prepared.rejected_records() {
            rejected[r / 64] |= 1 << (r % 64);
        }
        let records = &table.records;
        let ends = (rows > 0 && records.has(0) && records.has(rows - 1))
            .then(|| records.get(0).zip(records.get(rows - 1)).map(|(first, last)| (first.pos.row, last.pos.row)))
            .flatten();
        Some(ExportOrder {
            normaliser: normaliser.clone(),
            edits: edits.clone(),
            fields: ExportRows::fields(prepared),
            rejected,
            rows,
            valid: prepared.valid_count(),
            skip: records.skipped(),
            ends,
            index,
            limits,
            stem: stem.to_owned(),
            later: false,
            rejects: None,
        })
    }

    /// The order for the rejected-rows download of `prepared` (`export::rejects_file`'s, named after `stem`), whose
    /// table reading found `read_issues` in: the workers check the rows again with the same decisions, for each
    /// rejected row's reasons (a repeated key's first row needs every row before it).
    pub fn rejected_rows(prepared: &Prepared, read_issues: &[Issue], stem: &str) -> Option<ExportOrder> {
        let headers = prepared.source_parts()?.0.headers.clone();
        let order = ExportOrder::of(prepared, Limits::for_site(false), stem)?;
        Some(ExportOrder { rejects: Some(RejectsPart { headers, read_issues: read_issues.to_vec() }), ..order })
    }

    /// The decisions the rows are checked and normalised with.
    pub(crate) fn normaliser(&self) -> &Normaliser {
        &self.normaliser
    }

    /// The admin's edits.
    pub fn edits(&self) -> &Edits {
        &self.edits
    }

    /// Records checked (the table's rows).
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Whether the table's record `r` is left out of the import.
    pub fn is_rejected(&self, r: usize) -> bool {
        self.rejected.get(r / 64).is_some_and(|word| word & (1 << (r % 64)) != 0)
    }

    /// Whether no row will be imported.
    pub fn is_empty(&self) -> bool {
        self.valid == 0
    }

    /// The same order, the .zip written the later way only.
    pub fn later(self) -> ExportOrder {
        ExportOrder { later: true, ..self }
    }

    /// The table's record a file's record `index` is (counted from the file's first), if it is one.
    pub fn record_of(&self, index: usize) -> Option<usize> {
        index.checked_sub(self.skip).filter(|r| *r < self.rows)
    }

    /// Whether `index`, the scan's index of the file, is the one the table was read with: the same bytes.
    pub fn is_same_file(&self, index: &FileIndex) -> bool {
        FileIndex::from_wire(&self.index).is_some_and(|read| read == *index)
    }

    /// Whether `record`, the table's record `r`, is where the table had it (its first and last are checked).
    pub fn is_in_place(&self, r: usize, record: &Record) -> bool {
        match self.ends {
            Some((first, _)) if r == 0 => record.pos.row == first,
            Some((_, last)) if r + 1 == self.rows => record.pos.row == last,
            _ => true,
        }
    }
}

/// The rows of an `ExportOrder`'s table at hand in a worker: the records of the block the scan brought last.
pub struct StreamedRows {
    order: Arc<ExportOrder>,
    /// The table's record `records[0]` is.
    first: usize,
    records: Vec<Record>,
}

impl StreamedRows {
    pub fn new(order: Arc<ExportOrder>) -> StreamedRows {
        StreamedRows { order, first: 0, records: Vec::new() }
    }

    /// The next records at hand, the table's from `first` on, in place of those before (all written by now).
    pub fn set(&mut self, first: usize, records: Vec<Record>) {
        (self.first, self.records) = (first, records);
    }
}

impl ExportRows for StreamedRows {
    fn fields(&self) -> Vec<String> {
        self.order.fields.clone()
    }

    fn checked_rows(&self) -> usize {
        self.order.rows
    }

    fn valid_count(&self) -> usize {
        self.order.valid
    }

    fn is_rejected(&self, r: usize) -> bool {
        self.order.is_rejected(r)
    }

    fn each_output(&self, r: usize, visit: &mut dyn FnMut(&str)) -> Option<u64> {
        let record = self.records.get(r.checked_sub(self.first)?)?;
        self.order.normaliser.each_output(r, record, &self.order.edits, visit);
        Some(record.pos.row)
    }

    fn available(&self) -> usize {
        self.first + self.records.len()
    }
}
