//! What a direct import of the current rows sends, made a batch of records at a time: every valid row's profile
//! (`plan::send_rows`) and the fingerprint of the whole send for each operation (`plan::fingerprint`).
//!
//! Owns only the slicing. For a file of a million rows, building every profile and hashing every body takes
//! seconds, which the page must not spend in one task (opening the import step needs the fingerprints, to offer an
//! interrupted import). Invariant (tested): a finished job gives exactly `send_rows` and both `fingerprint`s.

use std::sync::Arc;

use super::payload::{profile, Operation};
use super::plan::{SendHash, SendRow};
use crate::domain::prepare::Prepared;
use crate::domain::schema::{Entity, Schema};

/// The rows to send and their fingerprints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SendPlan {
    pub entity: Entity,
    pub rows: Arc<Vec<SendRow>>,
    create: String,
    upsert: String,
}

impl SendPlan {
    /// `plan::fingerprint` of these rows for `operation`.
    pub fn fingerprint(&self, operation: Operation) -> &str {
        match operation {
            Operation::Create => &self.create,
            Operation::Upsert => &self.upsert,
        }
    }
}

/// `SendPlan` of a validation result, made by `step`.
pub struct SendPlanJob {
    prepared: Arc<Prepared>,
    schema: Schema,
    entity: Entity,
    next: usize,
    rows: Vec<SendRow>,
    create: SendHash,
    upsert: SendHash,
}

impl SendPlanJob {
    pub fn new(prepared: Arc<Prepared>, schema: Schema, entity: Entity) -> SendPlanJob {
        let rows = Vec::with_capacity(prepared.valid_count());
        SendPlanJob {
            prepared,
            schema,
            entity,
            next: 0,
            rows,
            create: SendHash::new(entity, Operation::Create),
            upsert: SendHash::new(entity, Operation::Upsert),
        }
    }

    /// Records looked at so far, and in all.
    pub fn progress(&self) -> (usize, usize) {
        (self.next, self.prepared.len())
    }

    /// The records of the file to read again (`Rows::fill`) before `step(batch)` when the table's blocks are in the
    /// file.
    pub fn missing(&self, batch: usize) -> Option<std::ops::Range<usize>> {
        let range = self.next..self.next + batch.max(1);
        self.prepared.records()?.missing_ahead(range, crate::domain::table::AHEAD_ROWS)
    }

    /// The checked table's records, if the check kept its source (where `missing` ones are filled).
    pub fn records(&self) -> Option<&crate::domain::table::Rows> {
        self.prepared.records()
    }

    /// Looks at `batch` more records. `Some` once every record has been looked at.
    pub fn step(&mut self, batch: usize) -> Option<SendPlan> {
        let end = (self.next + batch.max(1)).min(self.prepared.len());
        for r in self.next..end {
            if self.prepared.is_rejected(r) {
                continue;
            }
            let Some(row) = self.prepared.row(r) else { continue };
            let profile = profile(&self.schema, &self.prepared.columns, &row);
            self.create.add(&profile);
            self.upsert.add(&profile);
            self.rows.push(SendRow { record: row.record, row: row.row, profile });
        }
        self.next = end;
        (end == self.prepared.len()).then(|| SendPlan {
            entity: self.entity,
            rows: Arc::new(std::mem::take(&mut self.rows)),
            create: std::mem::replace(&mut self.create, SendHash::new(self.entity, Operation::Create)).finish(),
            upsert: std::mem::replace(&mut self.upsert, SendHash::new(self.entity, Operation::Upsert)).finish(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::plan::{fingerprint, send_rows};
    use super::*;
    use crate::domain::prepare::prepare;
    use crate::domain::read::{read, ReadOptions};
    use crate::domain::suggest::suggest;

    #[test]
    fn a_finished_job_gives_the_rows_and_fingerprints_of_the_whole_at_once_functions() {
        let mut csv = String::from("Email,FirstName,LastName,Phone\n");
        for i in 0..120 {
            let email = if i % 7 == 3 { format!("broken{i}") } else { format!("p{i}@example.com") };
            csv.push_str(&format!("{email},Ann {i},Lee,+1 415 555 01{:02}\n", i % 100));
        }
        let outcome = read(csv.as_bytes(), &ReadOptions::default()).expect("reads");
        for entity in [Entity::Customers, Entity::Organizations] {
            let schema = Schema::defaults(entity);
            let mapping = suggest(&schema, &outcome.table);
            let prepared = Arc::new(prepare(&outcome.table, &schema, &mapping, &Default::default(), &outcome.issues));
            let rows = send_rows(&prepared, &schema);
            // Customers leave the rows with a broken email out; organizations have no email to break.
            let expected = if entity == Entity::Customers { 120 - 17 } else { 120 };
            assert_eq!(rows.len(), expected);
            for batch in [1, 7, 1000] {
                let mut job = SendPlanJob::new(Arc::clone(&prepared), schema.clone(), entity);
                let plan = loop {
                    if let Some(plan) = job.step(batch) {
                        break plan;
                    }
                };
                assert_eq!(*plan.rows, rows);
                for operation in [Operation::Create, Operation::Upsert] {
                    assert_eq!(plan.fingerprint(operation), fingerprint(entity, operation, &rows));
                }
            }
        }
    }
}
