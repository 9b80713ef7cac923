//! Writing the rejected-rows download in a reading worker (`ExportOrder::rejected_rows`, driven by
//! `ExportStream`): every row of the file read again is checked with the page's decisions, in file order (a
//! repeated key names its first row, so every row before counts), and each row the page rejected is written in the
//! admin's own columns with its reasons, as `export::rejects_file` writes it.
//!
//! Owns only the per-row order: the reasons of a row are what reading found in it, then what the check found, as
//! the page's validation result lists them (`Prepared::issues_of`). Which rows are rejected is the page's (one bit
//! a row), never decided again.

use crate::domain::export::{reasons_of, rejects_name, ExportError, ExportFile, ReasonsFile};
use crate::domain::prepare::RowChecker;
use crate::domain::report::Issue;
use crate::domain::table::Record;

use super::export_order::{ExportOrder, RejectsPart};

/// The rejected-rows file of one order, written a block of records at a time.
pub struct RejectsWriter {
    checker: RowChecker,
    /// What reading found, by record (in their order within one), and the first not yet passed.
    read_issues: Vec<Issue>,
    next_read: usize,
    /// The table's columns: each record is written squared to them, as the table gives it.
    width: usize,
    file: ReasonsFile,
    name: String,
    /// Records checked so far.
    done: usize,
    found: Vec<Issue>,
}

impl RejectsWriter {
    pub fn new(order: &ExportOrder, part: &RejectsPart) -> Result<RejectsWriter, ExportError> {
        let mut read_issues = part.read_issues.clone();
        read_issues.sort_by_key(|i| i.record);
        let mut checker = RowChecker::from_normaliser(order.normaliser().clone(), &part.headers, &read_issues);
        checker.reserve(order.rows());
        Ok(RejectsWriter {
            checker,
            read_issues,
            next_read: 0,
            width: part.headers.len(),
            file: ReasonsFile::for_headers(&part.headers)?,
            name: rejects_name(&order.stem),
            done: 0,
            found: Vec::new(),
        })
    }

    /// Records checked so far.
    pub fn done(&self) -> usize {
        self.done
    }

    /// Checks `records`, the table's from `first` on (the next ones), writing those `order` rejects.
    pub fn write(&mut self, order: &ExportOrder, first: usize, records: &[Record]) -> Result<(), ExportError> {
        for (r, record) in (first..).zip(records) {
            self.found.clear();
            self.checker.check(r, record, order.edits(), &mut self.found);
            self.done = r + 1;
            if !order.is_rejected(r) {
                continue;
            }
            while self.read_issues.get(self.next_read).is_some_and(|i| i.record < r) {
                self.next_read += 1;
            }
            let read = self.read_issues[self.next_read..].iter().take_while(|i| i.record == r);
            let reason = reasons_of(read.chain(&self.found));
            let cells = (0..self.width).map(|c| record.cells.get(c).unwrap_or(""));
            self.file.push_cells(cells, record.pos.row, &reason)?;
        }
        Ok(())
    }

    /// The bytes written so far, taken out.
    pub fn take_written(&mut self) -> Vec<u8> {
        self.file.take_written()
    }

    /// The file (its bytes but those taken), once every record is checked.
    pub fn finish(self) -> Result<ExportFile, ExportError> {
        if self.file.rows() == 0 {
            return Err(ExportError::NoRejectedRows);
        }
        Ok(self.file.finish(self.name))
    }
}
