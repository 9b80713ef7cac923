//! Validating every row in slices: the same `Prepared` as `prepare::prepare`, a batch of rows at a time.
//!
//! Owns the order of the work: first one pass counting what the raw values of each date column whose day/month
//! order is not chosen look like (the order is decided from all of them, as `prepare` does), then every row through
//! one `RowChecker` in file order, then `finish`. It owns clones of the schema, mapping and edits and shares the read outcome, so the admin may go
//! on changing things while it runs: the caller drops a job whose inputs changed and starts a new one.

use std::collections::HashMap;
use std::sync::Arc;

use crate::domain::dates::{DateDetection, DateTally};
use crate::domain::edits::Edits;
use crate::domain::mapping::Mapping;
use crate::domain::person_accounts;
use crate::domain::prepare::{raw_value, DateQuestion, Prepared, RowChecker};
use crate::domain::read::ReadOutcome;
use crate::domain::report::Issue;
use crate::domain::schema::{Field, FieldType, Schema};
use crate::domain::table::AHEAD_ROWS;

enum Stage {
    /// Counting what the raw values of every one of `fields` look like (each in its tally), up to row `row`: one
    /// pass over the rows for all of them, in constant memory.
    Dates {
        fields: Vec<Field>,
        row: usize,
        tallies: Vec<DateTally>,
    },
    Rows(Box<Rows>),
    Finished,
}

struct Rows {
    checker: RowChecker,
    date_questions: Vec<DateQuestion>,
    /// Rows checked so far.
    next: usize,
    issues: Vec<Issue>,
}

/// One validation pass over a read file. `step` until it returns the result.
pub struct ValidateJob {
    outcome: Arc<ReadOutcome>,
    schema: Schema,
    mapping: Mapping,
    edits: Edits,
    stage: Stage,
}

impl ValidateJob {
    pub fn new(outcome: Arc<ReadOutcome>, schema: Schema, mapping: Mapping, edits: Edits) -> ValidateJob {
        let fields: Vec<Field> = mapping
            .mapped_fields(&schema)
            .into_iter()
            .filter(|f| f.kind == FieldType::Date && !mapping.date_formats.contains_key(&f.name))
            .cloned()
            .collect();
        let tallies = vec![DateTally::default(); fields.len()];
        let stage = Stage::Dates { fields, row: 0, tallies };
        ValidateJob { outcome, schema, mapping, edits, stage }
    }

    /// Rows of work in the whole pass (date values collected, then rows checked).
    pub fn total(&self) -> usize {
        let rows = self.outcome.table.records.len();
        match &self.stage {
            Stage::Dates { fields, .. } if !fields.is_empty() => rows * 2,
            _ => rows,
        }
    }

    /// Rows of work done, out of `total()` (which shrinks once the dates are collected; the fraction is what counts).
    pub fn done(&self) -> usize {
        let rows = self.outcome.table.records.len();
        match &self.stage {
            Stage::Dates { row, .. } => *row,
            Stage::Rows(r) => r.next,
            Stage::Finished => rows,
        }
    }

    /// Rows checked so far.
    pub fn rows_checked(&self) -> usize {
        match &self.stage {
            Stage::Rows(r) => r.next,
            Stage::Finished => self.outcome.table.records.len(),
            Stage::Dates { .. } => 0,
        }
    }

    /// The records of the file to read again into `rows()` (`Rows::fill`) before `step(batch)`, when the table's
    /// blocks are in the file: the batch's, and those after it (`AHEAD_ROWS`).
    pub fn missing(&self, batch: usize) -> Option<std::ops::Range<usize>> {
        let next = match &self.stage {
            Stage::Dates { fields, row, .. } if !fields.is_empty() => *row,
            Stage::Rows(r) => r.next,
            Stage::Dates { .. } | Stage::Finished => return None,
        };
        self.rows().missing_ahead(next..next + batch.max(1), AHEAD_ROWS)
    }

    /// The table's records (where `missing` ones are filled).
    pub fn rows(&self) -> &crate::domain::table::Rows {
        &self.outcome.table.records
    }

    /// Does at most `batch` rows of work. `Some` once finished, with exactly what `prepare` returns.
    pub fn step(&mut self, batch: usize) -> Option<Prepared> {
        let batch = batch.max(1);
        let table = &self.outcome.table;
        match std::mem::replace(&mut self.stage, Stage::Finished) {
            Stage::Dates { fields, row, mut tallies } => {
                if row < table.records.len() && !fields.is_empty() {
                    let end = (row + batch).min(table.records.len());
                    for (r, record) in (row..end).zip(table.records.range(row..end)) {
                        for (f, tally) in fields.iter().zip(tallies.iter_mut()) {
                            tally.add(&raw_value(&self.mapping, &self.edits, r, &record, f).0);
                        }
                    }
                    self.stage = Stage::Dates { fields, row: end, tallies };
                } else {
                    let found = fields.iter().map(|f| f.name.clone()).zip(tallies.into_iter().map(DateTally::verdict));
                    self.stage = Stage::Rows(Box::new(self.start_rows(found.collect())));
                }
                None
            }
            Stage::Rows(mut rows) => {
                let start = rows.next;
                let end = (start + batch).min(table.records.len());
                for (r, record) in (start..end).zip(table.records.range(start..end)) {
                    rows.checker.check(r, &record, &self.edits, &mut rows.issues);
                }
                rows.next = end;
                if end < table.records.len() {
                    self.stage = Stage::Rows(rows);
                    return None;
                }
                let Rows { checker, date_questions, issues, .. } = *rows;
                let edits = std::mem::take(&mut self.edits);
                Some(checker.finish(Arc::clone(&self.outcome.table), edits, issues, date_questions))
            }
            Stage::Finished => None,
        }
    }

    fn start_rows(&self, mut found: HashMap<String, DateDetection>) -> Rows {
        let table = &self.outcome.table;
        let person_column = person_accounts::left_out_column(&self.schema, &self.mapping, &table.headers);
        let (mut checker, date_questions) =
            RowChecker::new(&self.schema, &self.mapping, &table.headers, person_column, &self.outcome.issues, |f| {
                found.remove(&f.name).unwrap_or(DateDetection::NoDates)
            });
        checker.reserve(table.records.len());
        Rows { checker, date_questions, next: 0, issues: self.outcome.issues.clone() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::DateFormat;
    use crate::domain::prepare::prepare;
    use crate::domain::read::{read, ReadOptions};
    use crate::domain::schema::Entity;
    use crate::domain::suggest::suggest;

    fn run(outcome: &Arc<ReadOutcome>, schema: &Schema, mapping: &Mapping, edits: &Edits, batch: usize) -> Prepared {
        let mut job = ValidateJob::new(Arc::clone(outcome), schema.clone(), mapping.clone(), edits.clone());
        let mut last_fraction = 0.0;
        for _ in 0..1_000_000 {
            if let Some(p) = job.step(batch) {
                return p;
            }
            let fraction = job.done() as f64 / job.total().max(1) as f64;
            assert!(fraction <= 1.0, "{fraction}");
            last_fraction = fraction;
        }
        panic!("never finished ({last_fraction})");
    }

    #[test]
    fn equals_prepare_with_dates_duplicates_edits_and_ragged_rows() {
        let text = "Email,Name,Signed up,Phone\n\
                    ada@example.com,Ada,03/04/2024,+44 20 7946 0000\n\
                    ADA@example.com,Ada again,05/06/2024,\n\
                    not-an-email,Bob,13/01/2024,12\n\
                    grace@example.com,Grace,,555,extra\n\
                    ,Nobody,01/02/2024\n";
        let outcome = Arc::new(read(text.as_bytes(), &ReadOptions::default()).expect("reads"));
        let mut schema = Schema::defaults(Entity::Customers);
        schema.upsert_field(Field::new("Signed up", FieldType::Date));
        let mut mapping = suggest(&schema, &outcome.table);
        let mut edits = Edits::new();
        edits.insert((2, "Email".into()), "bob@example.com".into());
        for batch in [1, 2, 5, 1000] {
            let expected = prepare(&outcome.table, &schema, &mapping, &edits, &outcome.issues);
            assert!(expected.report.invalid > 0 && !expected.report.issues.is_empty());
            assert_eq!(run(&outcome, &schema, &mapping, &edits, batch), expected, "batch {batch}");
        }
        mapping.date_formats.insert("Signed up".into(), DateFormat::Iso);
        let expected = prepare(&outcome.table, &schema, &mapping, &edits, &outcome.issues);
        assert_eq!(run(&outcome, &schema, &mapping, &edits, 2), expected);
    }
}
