//! A result for every row: created, updated, failed with CSM's reason, or not sent — and the failed rows as a
//! file in the admin's own columns.
//!
//! Owns `RowResult` and `Results`. Per-item failures in a finished task are tied to rows by the email or name CSM
//! names in `operatedOn` (compared as `prepare::key_identity` compares keys); whether a written row was created or
//! updated comes from the dry run when there was one.

use std::collections::{HashMap, HashSet};

use super::payload::Operation;
use super::plan::SendRow;
use super::run::{BatchOutcome, BatchState, Run};
use crate::domain::prepare::key_identity;
use crate::domain::schema::Entity;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RowResult {
    /// Not in any batch yet.
    NotStarted,
    /// Sent; CSM has not finished it.
    Waiting,
    Created,
    Updated,
    /// Written; without a dry run the app cannot tell created from updated.
    Written,
    Failed(String),
    /// Cancelled before it was sent.
    NotSent,
}

impl RowResult {
    pub fn label(&self) -> &str {
        match self {
            RowResult::NotStarted => "Not started",
            RowResult::Waiting => "Waiting for CSM",
            RowResult::Created => "Created",
            RowResult::Updated => "Updated",
            RowResult::Written => "Created or updated",
            RowResult::Failed(_) => "Failed",
            RowResult::NotSent => "Not sent",
        }
    }
}

/// Every send row's result, with counts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Results {
    pub rows: Vec<RowResult>,
    pub created: usize,
    pub updated: usize,
    pub written: usize,
    pub failed: usize,
    pub not_sent: usize,
    pub waiting: usize,
    /// Failures CSM reported without naming a row we sent (shown as they are).
    pub unattributed: Vec<String>,
}

/// `existing` holds the key identities the dry run found in CSM, if it ran.
pub fn results(
    entity: Entity,
    operation: Operation,
    rows: &[SendRow],
    run: &Run,
    existing: Option<&HashSet<String>>,
) -> Results {
    let mut out = Results { rows: vec![RowResult::NotStarted; rows.len()], ..Results::default() };
    for b in &run.batches {
        let range = b.batch.range();
        let slice = rows.get(range.clone()).unwrap_or_default();
        match &b.state {
            BatchState::Done(BatchOutcome::Finished { failures }) => {
                let mut reasons: HashMap<String, String> = HashMap::new();
                for f in failures {
                    match &f.operated_on {
                        Some(key)
                            if slice
                                .iter()
                                .any(|r| key_identity(entity, &r.profile.key) == key_identity(entity, key)) =>
                        {
                            reasons.insert(key_identity(entity, key), f.error.clone());
                        }
                        _ => out.unattributed.push(f.error.clone()),
                    }
                }
                for (i, r) in range.zip(slice) {
                    let id = key_identity(entity, &r.profile.key);
                    out.rows[i] = match (reasons.remove(&id), existing) {
                        (Some(reason), _) => RowResult::Failed(reason),
                        (None, None) => RowResult::Written,
                        (None, Some(found)) if found.contains(&id) && operation == Operation::Upsert => {
                            RowResult::Updated
                        }
                        (None, Some(_)) => RowResult::Created,
                    };
                }
            }
            BatchState::Done(BatchOutcome::Failed { error }) => {
                for i in range.take(slice.len()) {
                    out.rows[i] = RowResult::Failed(error.to_string());
                }
            }
            BatchState::Done(BatchOutcome::NotSent) => {
                for i in range.take(slice.len()) {
                    out.rows[i] = RowResult::NotSent;
                }
            }
            _ => {
                for i in range.take(slice.len()) {
                    out.rows[i] = RowResult::Waiting;
                }
            }
        }
    }
    for r in &out.rows {
        match r {
            RowResult::Created => out.created += 1,
            RowResult::Updated => out.updated += 1,
            RowResult::Written => out.written += 1,
            RowResult::Failed(_) => out.failed += 1,
            RowResult::NotSent => out.not_sent += 1,
            RowResult::Waiting => out.waiting += 1,
            RowResult::NotStarted => {}
        }
    }
    out
}

/// (source record, reason) for every failed row, for `export::rows_with_reasons`.
pub fn failed_rows<'a>(rows: &'a [SendRow], results: &'a Results) -> impl Iterator<Item = (usize, String)> + 'a {
    rows.iter().zip(&results.rows).filter_map(|(row, r)| match r {
        RowResult::Failed(reason) => Some((row.record, format!("CSM: {reason}"))),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::api::error::ApiError;
    use crate::domain::api::payload::Profile;
    use crate::domain::api::plan::batches;
    use crate::domain::api::responses::{ItemFailure, TaskRef, TaskState, TaskStatus};

    fn rows(n: usize) -> Vec<SendRow> {
        (0..n)
            .map(|i| SendRow {
                record: i,
                row: i as u64 + 2,
                profile: Profile { key: format!("p{i}@example.com"), display_name: None, details: vec![] },
            })
            .collect()
    }

    fn finished_run(n: usize, size: usize, failures: Vec<ItemFailure>) -> Run {
        let mut run = Run::new();
        run.add(batches(0, n, size, || [1; 16]), false);
        run.actions(0);
        run.on_submit(0, Ok(TaskRef { id: "t".into() }), 0, 0.0);
        run.actions(2_000);
        run.on_poll(0, Ok(TaskStatus { status: TaskState::Finished, failures }), 2_000, 0.0, String::new);
        run
    }

    #[test]
    fn item_failures_land_on_their_rows_by_email_ignoring_case() {
        let failure =
            ItemFailure { operated_on: Some("P1@Example.com".into()), error: "Option 'Gold' is not defined".into() };
        let run = finished_run(3, 3, vec![failure]);
        let r = results(Entity::Customers, Operation::Create, &rows(3), &run, None);
        assert_eq!(r.rows[1], RowResult::Failed("Option 'Gold' is not defined".into()));
        assert_eq!((r.written, r.failed), (2, 1));
        let failed: Vec<(usize, String)> = failed_rows(&rows(3), &r).collect();
        assert_eq!(failed, [(1, "CSM: Option 'Gold' is not defined".to_owned())]);
    }

    #[test]
    fn the_dry_run_tells_created_from_updated() {
        let run = finished_run(2, 2, vec![]);
        let existing: HashSet<String> = ["p0@example.com".to_owned()].into();
        let r = results(Entity::Customers, Operation::Upsert, &rows(2), &run, Some(&existing));
        assert_eq!(r.rows, [RowResult::Updated, RowResult::Created]);
    }

    #[test]
    fn unsent_waiting_and_wholly_failed_batches_are_reported_per_row() {
        let mut run = Run::new();
        run.add(batches(0, 12, 2, || [1; 16]), false);
        run.actions(0);
        run.on_submit(0, Err(ApiError::Rejected { status: 400, message: "bad".into() }), 0, 0.0);
        run.on_submit(1, Ok(TaskRef { id: "t".into() }), 0, 0.0);
        run.cancel();
        let r = results(Entity::Customers, Operation::Create, &rows(12), &run, None);
        assert!(matches!(r.rows[0], RowResult::Failed(_)));
        assert_eq!(r.rows[2], RowResult::Waiting);
        assert_eq!(r.rows[11], RowResult::NotSent);
        assert_eq!((r.failed, r.waiting, r.not_sent), (2, 8, 2), "{:?}", r.rows);
    }

    #[test]
    fn a_failure_naming_no_sent_row_is_kept_apart() {
        let failure = ItemFailure { operated_on: None, error: "Something else".into() };
        let r = results(Entity::Customers, Operation::Create, &rows(1), &finished_run(1, 1, vec![failure]), None);
        assert_eq!(r.unattributed, ["Something else"]);
    }
}
