//! Writing the rejected-rows download in slices: byte for byte the file `export::rejects_file` writes, a batch of
//! rows at a time, so a big file with many rejected rows never blocks the page while it is written.
//!
//! Owns only the order (the header, then the rejected records in file order, each with its reasons). The lines and
//! the reasons are `export`'s own (`ReasonsFile`, `reasons`). It shares the validation result and the table (never
//! copies them) and holds the file being written.

use std::sync::Arc;

use crate::domain::export::{reasons, rejects_name, ExportError, ExportFile, ReasonsFile};
use crate::domain::prepare::Prepared;
use crate::domain::table::{Rows, Table, AHEAD_ROWS};

/// One rejected-rows download being written. `step` until it returns the file.
pub struct RejectsJob {
    prepared: Arc<Prepared>,
    table: Arc<Table>,
    name: String,
    /// The file being written (taken once finished).
    file: Option<ReasonsFile>,
    /// The next record to look at.
    next: usize,
    finished: bool,
}

impl RejectsJob {
    pub fn new(prepared: Arc<Prepared>, table: Arc<Table>, stem: &str) -> Result<RejectsJob, ExportError> {
        let file = Some(ReasonsFile::new(&table)?);
        Ok(RejectsJob { prepared, table, name: rejects_name(stem), file, next: 0, finished: false })
    }

    /// Records looked at, and in all.
    pub fn progress(&self) -> (usize, usize) {
        (self.next, self.prepared.len())
    }

    /// The records of the file to read again (`Rows::fill`) before `step(batch)` when the table's blocks are in the
    /// file: from the batch's first rejected row, those of the batch and after it.
    pub fn missing(&self, batch: usize) -> Option<std::ops::Range<usize>> {
        let end = (self.next + batch.max(1)).min(self.prepared.len());
        let first = (self.next..end).find(|r| self.prepared.is_rejected(*r))?;
        self.table.records.missing_ahead(first..end, AHEAD_ROWS)
    }

    /// The table's records (where `missing` ones are filled).
    pub fn rows(&self) -> &Rows {
        &self.table.records
    }

    /// Looks at most `batch` more records. `Some` once finished, with what `rejects_file` gives.
    pub fn step(&mut self, batch: usize) -> Option<Result<ExportFile, ExportError>> {
        if self.finished {
            return None;
        }
        let result = self.advance(batch.max(1)).transpose();
        if result.is_some() {
            self.finished = true;
        }
        result
    }

    fn advance(&mut self, batch: usize) -> Result<Option<ExportFile>, ExportError> {
        let Some(file) = self.file.as_mut() else { return Ok(None) };
        let end = (self.next + batch).min(self.prepared.len());
        for record in (self.next..end).filter(|r| self.prepared.is_rejected(*r)) {
            file.push(&self.table, record, &reasons(&self.prepared, record))?;
        }
        self.next = end;
        if end < self.prepared.len() {
            return Ok(None);
        }
        if file.rows() == 0 {
            return Err(ExportError::NoRejectedRows);
        }
        Ok(self.file.take().map(|file| file.finish(std::mem::take(&mut self.name))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::edits::Edits;
    use crate::domain::export::rejects_file;
    use crate::domain::prepare::prepare;
    use crate::domain::read::{read, ReadOptions};
    use crate::domain::schema::{Entity, Schema};
    use crate::domain::suggest::suggest;

    fn run(prepared: &Arc<Prepared>, table: &Arc<Table>, batch: usize) -> Result<ExportFile, ExportError> {
        let mut job = RejectsJob::new(Arc::clone(prepared), Arc::clone(table), "customers-import")?;
        loop {
            let (done, total) = job.progress();
            assert!(done <= total);
            if let Some(file) = job.step(batch) {
                return file;
            }
        }
    }

    #[test]
    fn equals_rejects_file_at_every_batch_size_and_says_when_there_is_nothing() {
        let mut text = String::from("Email,First Name,Notes\n");
        for i in 0..2_000 {
            let email = if i % 7 == 0 { format!("broken{i}") } else { format!("p{i}@example.com") };
            text.push_str(&format!("{email},=Zoë,\"a note\nover two lines\"\n"));
        }
        text.push_str("p1@example.com,again,dup\n");
        let outcome = read(text.as_bytes(), &ReadOptions::default()).expect("reads");
        let schema = Schema::defaults(Entity::Customers);
        let mapping = suggest(&schema, &outcome.table);
        let prepared = Arc::new(prepare(&outcome.table, &schema, &mapping, &Edits::new(), &outcome.issues));
        let expected = rejects_file(&prepared, &outcome.table, "customers-import").expect("writes");
        assert_eq!(expected.rows, 287);
        for batch in [1, 13, 256, 100_000] {
            assert_eq!(run(&prepared, &outcome.table, batch).expect("writes"), expected, "batch {batch}");
        }
        let fine = read(b"Email\na@example.com\n", &ReadOptions::default()).expect("reads");
        let clean = Arc::new(prepare(&fine.table, &schema, &suggest(&schema, &fine.table), &Edits::new(), &[]));
        assert!(matches!(run(&clean, &fine.table, 10), Err(ExportError::NoRejectedRows)));
        assert!(matches!(rejects_file(&clean, &fine.table, "x"), Err(ExportError::NoRejectedRows)));
    }
}
