//! The resume journal: what an import has sent, so a closed tab or a reload can carry on without duplicates.
//!
//! Owns `Journal` (kept by `web::storage` in the browser's localStorage under `STORAGE_PREFIX` + fingerprint) and
//! its conversion to and from a `Run`. It records, per batch, the rows it covers (as positions), its
//! Idempotency-Key, its task id and its state — never a cell value, a token or an error text from CSM.
//! Resuming: a batch whose task id is known is polled again (CSM keeps tasks for 3 days); any other unfinished
//! batch is sent again under its recorded key, so CSM answers with the task it already has, if any.

use serde::{Deserialize, Serialize};

use super::payload::Operation;
use super::plan::Batch;
use super::run::{BatchOutcome, BatchRun, BatchState, Run};
use crate::domain::schema::Entity;

pub const STORAGE_PREFIX: &str = "csm-import.journal.";
const VERSION: u32 = 1;

/// A batch as remembered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Remembered {
    /// Not yet accepted by CSM (perhaps sent, answer lost).
    Waiting,
    /// CSM accepted it as this task.
    Accepted { task_id: String },
    /// CSM finished it; `failed` items failed.
    Finished { task_id: Option<String>, failed: usize },
    /// It failed as a whole.
    Failed,
    /// Cancelled before sending.
    NotSent,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JournalBatch {
    pub batch: Batch,
    pub test: bool,
    pub state: Remembered,
}

/// Which import a run is: exactly these rows and choices, from this file, since then. The running import (ui) and
/// its journal share it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunIdentity {
    /// `plan::fingerprint` of what is sent: the journal applies only to exactly these rows and choices.
    pub fingerprint: String,
    /// `plan::file_fingerprint`: recognises the file on the first step.
    pub file_hash: String,
    pub file_name: String,
    pub entity: Entity,
    pub operation: Operation,
    /// Milliseconds since 1970, for "started on …".
    pub started_at: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Journal {
    pub version: u32,
    #[serde(flatten)]
    pub identity: RunIdentity,
    pub rows: usize,
    pub batches: Vec<JournalBatch>,
}

impl Journal {
    /// What the run of `rows` send rows has done so far.
    pub fn record(identity: &RunIdentity, rows: usize, run: &Run) -> Journal {
        let batches = run
            .batches
            .iter()
            .map(|b| JournalBatch {
                batch: b.batch.clone(),
                test: b.test,
                state: match &b.state {
                    BatchState::Queued { .. } | BatchState::Sending => Remembered::Waiting,
                    BatchState::Submitted { task_id, .. } | BatchState::Polling { task_id, .. } => {
                        Remembered::Accepted { task_id: task_id.clone() }
                    }
                    BatchState::Done(BatchOutcome::Finished { failures }) => {
                        Remembered::Finished { task_id: b.last_task.clone(), failed: failures.len() }
                    }
                    BatchState::Done(BatchOutcome::Failed { .. }) => Remembered::Failed,
                    BatchState::Done(BatchOutcome::NotSent) => Remembered::NotSent,
                },
            })
            .collect();
        Journal { version: VERSION, identity: identity.clone(), rows, batches }
    }

    /// A run that carries on from here at `now`: accepted and finished batches are polled again (to learn their
    /// results), everything else unfinished is queued under its recorded key.
    pub fn resume(&self, now: u64) -> Run {
        let mut run = Run::new();
        for jb in &self.batches {
            let state = match &jb.state {
                Remembered::Accepted { task_id } | Remembered::Finished { task_id: Some(task_id), .. } => {
                    BatchState::Submitted { task_id: task_id.clone(), next_poll: now, polls: 0 }
                }
                Remembered::Finished { task_id: None, .. } => {
                    BatchState::Done(BatchOutcome::Finished { failures: vec![] })
                }
                Remembered::Waiting | Remembered::Failed | Remembered::NotSent => {
                    BatchState::Queued { not_before: now }
                }
            };
            let accepted_at = matches!(state, BatchState::Submitted { .. }).then_some(now);
            let last_task = match &jb.state {
                Remembered::Accepted { task_id } => Some(task_id.clone()),
                Remembered::Finished { task_id, .. } => task_id.clone(),
                _ => None,
            };
            run.restore(BatchRun {
                batch: jb.batch.clone(),
                test: jb.test,
                state,
                attempts: 0,
                renewals: 0,
                accepted_at,
                last_task,
            });
        }
        run
    }

    /// Rows in batches CSM finished.
    pub fn rows_done(&self) -> usize {
        self.batches.iter().filter(|b| matches!(b.state, Remembered::Finished { .. })).map(|b| b.batch.len).sum()
    }

    /// Everything sent has a result and nothing is left to send.
    pub fn is_complete(&self) -> bool {
        self.batches.iter().map(|b| b.batch.len).sum::<usize>() == self.rows
            && self.batches.iter().all(|b| matches!(b.state, Remembered::Finished { .. } | Remembered::Failed))
    }

    pub fn storage_key(&self) -> String {
        format!("{STORAGE_PREFIX}{}", self.identity.fingerprint)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A stored journal, or `None` when it is from another version or unreadable (it is then ignored, not fatal).
    pub fn from_json(text: &str) -> Option<Journal> {
        serde_json::from_str::<Journal>(text).ok().filter(|j| j.version == VERSION)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::api::plan::batches;
    use crate::domain::api::responses::{ItemFailure, TaskRef, TaskState, TaskStatus};

    fn identity() -> RunIdentity {
        RunIdentity {
            fingerprint: "fp".into(),
            file_hash: "fh".into(),
            file_name: "contacts.csv".into(),
            entity: Entity::Customers,
            operation: Operation::Create,
            started_at: 1.0,
        }
    }

    fn three_batches() -> Run {
        let mut n = 0u8;
        let mut run = Run::new();
        run.add(
            batches(0, 300, 100, || {
                n += 1;
                [n; 16]
            }),
            false,
        );
        run
    }

    #[test]
    fn a_journal_remembers_keys_and_tasks_but_no_values() {
        let mut run = three_batches();
        run.actions(0);
        run.on_submit(0, Ok(TaskRef { id: "t0".into() }), 0, 0.0);
        run.on_submit(1, Ok(TaskRef { id: "t1".into() }), 0, 0.0);
        run.actions(2_000);
        let failure = ItemFailure { operated_on: Some("secret@example.com".into()), error: "Invalid email".into() };
        run.on_poll(
            0,
            Ok(TaskStatus { status: TaskState::Finished, failures: vec![failure] }),
            2_000,
            0.0,
            String::new,
        );
        let journal = Journal::record(&identity(), 300, &run);
        let json = journal.to_json();
        assert!(!json.contains("secret@example.com") && !json.contains("Invalid email"), "{json}");
        assert_eq!(journal.batches[0].state, Remembered::Finished { task_id: Some("t0".into()), failed: 1 });
        assert_eq!(journal.batches[1].state, Remembered::Accepted { task_id: "t1".into() });
        assert_eq!(journal.batches[2].state, Remembered::Waiting);
        assert_eq!(Journal::from_json(&json), Some(journal));
    }

    #[test]
    fn resuming_polls_known_tasks_and_resends_the_rest_under_their_recorded_keys() {
        let mut run = three_batches();
        let keys: Vec<String> = run.batches.iter().map(|b| b.batch.key.clone()).collect();
        run.actions(0);
        run.on_submit(0, Ok(TaskRef { id: "t0".into() }), 0, 0.0);
        let journal = Journal::record(&identity(), 300, &run);
        let mut resumed = journal.resume(50);
        let actions = resumed.actions(50);
        use crate::domain::api::run::Action;
        assert_eq!(
            actions,
            [
                Action::Poll { batch: 0, task_id: "t0".into() },
                Action::Submit { batch: 1, key: keys[1].clone() },
                Action::Submit { batch: 2, key: keys[2].clone() },
            ]
        );
        assert!(!journal.is_complete());
    }

    #[test]
    fn an_unreadable_or_old_journal_is_ignored() {
        assert_eq!(Journal::from_json("{"), None);
        let mut j = Journal::record(&identity(), 300, &Run::new());
        j.version = 0;
        assert_eq!(Journal::from_json(&j.to_json()), None);
    }
}
