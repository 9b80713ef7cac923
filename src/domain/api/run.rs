//! The import scheduler: which request to send next, and what each answer means for its batch.
//!
//! Sans I/O: the driver (ui) asks `actions(now)` for requests to start, sends them, and reports each answer with
//! `on_submit` / `on_poll`; `next_wake` says when to ask again if no answer arrives first. Time is milliseconds
//! from any monotonic origin; jitter and fresh keys come from the caller.
//! Invariants: a batch is resent only under its own key (a new key only after CSM reported its task FAILED, which
//! changes nothing); at most `MAX_UNFINISHED_TASKS` batches are being submitted or processed at once; a 429/503
//! holds every request until its wait is over; pausing or cancelling stops new submits but keeps polling what CSM
//! already has, so every sent row gets a result.

use super::backoff::{poll_delay, retry_delay, MAX_ATTEMPTS, TASK_TIMEOUT_MS};
use super::error::ApiError;
use super::plan::Batch;
use super::responses::{ItemFailure, TaskRef, TaskState, TaskStatus};
use super::MAX_UNFINISHED_TASKS;

/// How a batch ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BatchOutcome {
    /// CSM processed it; the listed items failed, the others were written.
    Finished { failures: Vec<ItemFailure> },
    /// The whole batch failed; every row gets this reason.
    Failed { error: ApiError },
    /// Cancelled before it was sent.
    NotSent,
}

/// Where a batch is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BatchState {
    /// To be sent (again) under its key, not before this time.
    Queued {
        not_before: u64,
    },
    /// A submit is on its way.
    Sending,
    /// CSM has it; poll at `next_poll`.
    Submitted {
        task_id: String,
        next_poll: u64,
        polls: u32,
    },
    /// A poll is on its way.
    Polling {
        task_id: String,
        polls: u32,
    },
    Done(BatchOutcome),
}

/// One batch and its history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchRun {
    pub batch: Batch,
    /// Part of the "test with the first rows" run.
    pub test: bool,
    pub state: BatchState,
    /// Transient failures in a row for the current request.
    pub attempts: u32,
    /// New keys taken after FAILED tasks.
    pub renewals: u32,
    /// When CSM accepted it (for the 30-minute timeout).
    pub accepted_at: Option<u64>,
    /// The task CSM last gave it (kept after it finished, for the journal).
    pub last_task: Option<String>,
}

impl BatchRun {
    pub fn task_id(&self) -> Option<&str> {
        match &self.state {
            BatchState::Submitted { task_id, .. } | BatchState::Polling { task_id, .. } => Some(task_id),
            _ => None,
        }
    }

    fn unfinished(&self) -> bool {
        matches!(self.state, BatchState::Sending | BatchState::Submitted { .. } | BatchState::Polling { .. })
    }
}

/// A request to start now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    Submit { batch: usize, key: String },
    Poll { batch: usize, task_id: String },
}

/// Counts for the progress line and the closing report.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub submits: u32,
    pub polls: u32,
    /// Requests sent again after a transient failure.
    pub retries: u32,
    pub rate_limited: u32,
    pub unavailable: u32,
    pub connection_lost: u32,
    pub queue_full: u32,
    pub key_renewals: u32,
}

/// What the run is doing, for the buttons and the status line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Phase {
    Running,
    /// The admin paused: nothing new is sent; CSM's work in hand is still followed.
    Paused,
    /// Something every request would hit (sign-in, permission, CORS, long outage): resume once fixed.
    Stopped(ApiError),
    /// Cancelled; waiting for batches CSM already has.
    Cancelling,
    Finished,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Run {
    pub batches: Vec<BatchRun>,
    paused: bool,
    cancelled: bool,
    stopped: Option<ApiError>,
    /// No request before this time (rate limit or outage seen).
    hold_until: u64,
    pub stats: Stats,
}

impl Run {
    pub fn new() -> Run {
        Run::default()
    }

    /// Appends batches to send (the test batch, later the rest), ready now.
    pub fn add(&mut self, batches: Vec<Batch>, test: bool) {
        self.cancelled = false;
        self.batches.extend(batches.into_iter().map(|batch| BatchRun {
            batch,
            test,
            state: BatchState::Queued { not_before: 0 },
            attempts: 0,
            renewals: 0,
            accepted_at: None,
            last_task: None,
        }));
    }

    /// Adds a batch in a known state (resuming from the journal).
    pub fn restore(&mut self, run: BatchRun) {
        self.batches.push(run);
    }

    fn may_submit(&self) -> bool {
        !self.paused && !self.cancelled && self.stopped.is_none()
    }

    /// The requests to start now; marks them as on their way.
    pub fn actions(&mut self, now: u64) -> Vec<Action> {
        let mut out = Vec::new();
        if now < self.hold_until || self.stopped.is_some() {
            return out;
        }
        for (i, b) in self.batches.iter_mut().enumerate() {
            if let BatchState::Submitted { task_id, next_poll, polls } = &b.state {
                if *next_poll <= now {
                    out.push(Action::Poll { batch: i, task_id: task_id.clone() });
                    b.state = BatchState::Polling { task_id: task_id.clone(), polls: *polls };
                }
            }
        }
        if self.may_submit() {
            let mut unfinished = self.batches.iter().filter(|b| b.unfinished()).count();
            for (i, b) in self.batches.iter_mut().enumerate() {
                if unfinished >= MAX_UNFINISHED_TASKS {
                    break;
                }
                if matches!(b.state, BatchState::Queued { not_before } if not_before <= now) {
                    out.push(Action::Submit { batch: i, key: b.batch.key.clone() });
                    b.state = BatchState::Sending;
                    unfinished += 1;
                }
            }
        }
        out
    }

    /// When to call `actions` again if no answer arrives first; `None` when only answers can move things.
    pub fn next_wake(&self, now: u64) -> Option<u64> {
        if self.stopped.is_some() {
            return None;
        }
        let submits = self.may_submit();
        let unfinished = self.batches.iter().filter(|b| b.unfinished()).count();
        self.batches
            .iter()
            .filter_map(|b| match b.state {
                BatchState::Submitted { next_poll, .. } => Some(next_poll),
                BatchState::Queued { not_before } if submits && unfinished < MAX_UNFINISHED_TASKS => Some(not_before),
                _ => None,
            })
            .min()
            .map(|t| t.max(self.hold_until).max(now))
    }

    /// Records the answer to a submit.
    pub fn on_submit(&mut self, i: usize, result: Result<TaskRef, ApiError>, now: u64, jitter: f64) {
        match result {
            Ok(task) => {
                self.stats.submits += 1;
                if let Some(b) = self.batches.get_mut(i) {
                    b.attempts = 0;
                    b.accepted_at = Some(now);
                    b.last_task = Some(task.id.clone());
                    b.state = BatchState::Submitted { task_id: task.id, next_poll: now + poll_delay(0), polls: 0 };
                }
            }
            Err(e) => self.on_error(i, e, now, jitter, None),
        }
    }

    /// Records the answer to a poll. `fresh_key` is called only when CSM says the task FAILED.
    pub fn on_poll(
        &mut self,
        i: usize,
        result: Result<TaskStatus, ApiError>,
        now: u64,
        jitter: f64,
        fresh_key: impl FnOnce() -> String,
    ) {
        let Some(b) = self.batches.get_mut(i) else { return };
        let (task_id, polls) = match &b.state {
            BatchState::Polling { task_id, polls } => (task_id.clone(), *polls),
            _ => return,
        };
        self.stats.polls += 1;
        match result {
            Ok(status) => {
                b.attempts = 0;
                b.state = match status.status {
                    TaskState::Finished => BatchState::Done(BatchOutcome::Finished { failures: status.failures }),
                    TaskState::Failed if b.renewals < 2 => {
                        b.renewals += 1;
                        self.stats.key_renewals += 1;
                        b.batch.key = fresh_key();
                        BatchState::Queued { not_before: now }
                    }
                    TaskState::Failed => BatchState::Done(BatchOutcome::Failed { error: ApiError::TaskFailed }),
                    _ if now.saturating_sub(b.accepted_at.unwrap_or(now)) > TASK_TIMEOUT_MS => {
                        BatchState::Done(BatchOutcome::Failed { error: ApiError::TaskTimedOut })
                    }
                    _ => BatchState::Submitted { task_id, next_poll: now + poll_delay(polls + 1), polls: polls + 1 },
                };
            }
            Err(ApiError::NotFound { .. }) => {
                let error = ApiError::BadAnswer {
                    what: "CSM no longer knows this batch's task (tasks are kept 3 days)".into(),
                };
                b.state = BatchState::Done(BatchOutcome::Failed { error });
            }
            Err(e) => self.on_error(i, e, now, jitter, Some((task_id, polls))),
        }
    }

    /// A failed request: wait and retry under the same key, stop everything, or fail the batch.
    fn on_error(&mut self, i: usize, e: ApiError, now: u64, jitter: f64, poll: Option<(String, u32)>) {
        let Some(b) = self.batches.get_mut(i) else { return };
        let again = |not_before: u64| match &poll {
            Some((task_id, polls)) => {
                BatchState::Submitted { task_id: task_id.clone(), next_poll: not_before, polls: *polls }
            }
            None => BatchState::Queued { not_before },
        };
        if e.stops_everything() {
            b.state = again(now);
            self.stopped = Some(e);
            return;
        }
        let retryable = e.is_transient() || (poll.is_some() && matches!(e, ApiError::BadAnswer { .. }));
        if !retryable {
            b.state = BatchState::Done(BatchOutcome::Failed { error: e });
            return;
        }
        b.attempts += 1;
        let delay = retry_delay(&e, b.attempts, jitter);
        b.state = again(now + delay);
        let stats = &mut self.stats;
        stats.retries += 1;
        match e {
            ApiError::RateLimited { .. } => stats.rate_limited += 1,
            ApiError::Unavailable { .. } | ApiError::Server { .. } => stats.unavailable += 1,
            ApiError::ConnectionLost => stats.connection_lost += 1,
            ApiError::TooManyTasks => stats.queue_full += 1,
            _ => {}
        }
        if matches!(e, ApiError::RateLimited { .. } | ApiError::Unavailable { .. }) {
            self.hold_until = self.hold_until.max(now + delay);
        }
        if b.attempts >= MAX_ATTEMPTS {
            b.attempts = 0;
            self.stopped = Some(e);
        }
    }

    pub fn pause(&mut self) {
        self.paused = true;
    }

    /// Continues after a pause or a stop (once the admin fixed its cause).
    pub fn resume(&mut self) {
        self.paused = false;
        self.stopped = None;
        self.hold_until = 0;
    }

    /// Sends nothing more; batches CSM already has are still followed to their result.
    pub fn cancel(&mut self) {
        self.cancelled = true;
        for b in &mut self.batches {
            if matches!(b.state, BatchState::Queued { .. }) {
                b.state = BatchState::Done(BatchOutcome::NotSent);
            }
        }
    }

    /// Puts cancelled batches back in the queue (continuing after a cancel).
    pub fn requeue_not_sent(&mut self) {
        self.cancelled = false;
        for b in &mut self.batches {
            if b.state == BatchState::Done(BatchOutcome::NotSent) {
                b.state = BatchState::Queued { not_before: 0 };
            }
        }
    }

    pub fn phase(&self) -> Phase {
        let all_done = self.batches.iter().all(|b| matches!(b.state, BatchState::Done(_)));
        if let Some(e) = &self.stopped {
            Phase::Stopped(e.clone())
        } else if all_done {
            Phase::Finished
        } else if self.cancelled {
            Phase::Cancelling
        } else if self.paused {
            Phase::Paused
        } else {
            Phase::Running
        }
    }

    /// Send rows covered by a batch so far (batches are cut in order, so the next batch starts here).
    pub fn rows_planned(&self) -> usize {
        self.batches.iter().map(|b| b.batch.first + b.batch.len).max().unwrap_or(0)
    }

    /// Batches exist and not all of them are done.
    pub fn is_busy(&self) -> bool {
        !self.batches.is_empty() && self.phase() != Phase::Finished
    }

    /// (batches done, batches in all, rows in finished batches, rows in all).
    pub fn progress(&self) -> (usize, usize, usize, usize) {
        let done = self.batches.iter().filter(|b| matches!(b.state, BatchState::Done(_)));
        let rows_done = done.clone().map(|b| b.batch.len).sum();
        (done.count(), self.batches.len(), rows_done, self.batches.iter().map(|b| b.batch.len).sum())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::api::plan::batches;

    fn run(batch_count: usize) -> Run {
        let mut n = 0u8;
        let mut r = Run::new();
        r.add(
            batches(0, batch_count * 100, 100, || {
                n += 1;
                [n; 16]
            }),
            false,
        );
        r
    }

    fn task(id: &str) -> Result<TaskRef, ApiError> {
        Ok(TaskRef { id: id.into() })
    }

    fn status(s: TaskState) -> Result<TaskStatus, ApiError> {
        Ok(TaskStatus { status: s, failures: vec![] })
    }

    fn submits(actions: &[Action]) -> Vec<usize> {
        actions.iter().filter_map(|a| if let Action::Submit { batch, .. } = a { Some(*batch) } else { None }).collect()
    }

    #[test]
    fn at_most_five_batches_are_unfinished_at_once() {
        let mut r = run(8);
        let first = r.actions(0);
        assert_eq!(submits(&first), [0, 1, 2, 3, 4]);
        assert!(r.actions(0).is_empty());
        r.on_submit(0, task("t0"), 10, 0.5);
        assert!(r.actions(10).is_empty(), "task t0 is unfinished until polled as FINISHED");
        assert_eq!(r.next_wake(10), Some(2_010));
        assert_eq!(r.actions(2_010), [Action::Poll { batch: 0, task_id: "t0".into() }]);
        r.on_poll(0, status(TaskState::Finished), 2_020, 0.5, String::new);
        assert_eq!(submits(&r.actions(2_020)), [5]);
    }

    #[test]
    fn polling_backs_off_until_the_task_finishes_with_item_failures() {
        let mut r = run(1);
        r.actions(0);
        r.on_submit(0, task("t"), 0, 0.5);
        r.actions(2_000);
        r.on_poll(0, status(TaskState::InProgress), 2_000, 0.5, String::new);
        assert_eq!(r.next_wake(2_000), Some(5_000));
        r.actions(5_000);
        let failure = ItemFailure { operated_on: Some("a@b.co".into()), error: "Invalid email address".into() };
        r.on_poll(
            0,
            Ok(TaskStatus { status: TaskState::Finished, failures: vec![failure.clone()] }),
            5_000,
            0.5,
            String::new,
        );
        assert_eq!(r.batches[0].state, BatchState::Done(BatchOutcome::Finished { failures: vec![failure] }));
        assert_eq!(r.phase(), Phase::Finished);
        assert_eq!(r.progress(), (1, 1, 100, 100));
    }

    #[test]
    fn a_retry_reuses_the_batch_key_and_honours_retry_after_for_every_request() {
        let mut r = run(2);
        let first = r.actions(0);
        let Action::Submit { key, .. } = &first[0] else { panic!("submit expected") };
        r.on_submit(0, Err(ApiError::RateLimited { retry_after_ms: Some(3_000) }), 100, 0.0);
        r.on_submit(1, task("t1"), 100, 0.0);
        assert!(r.actions(2_500).is_empty(), "the whole client holds until Retry-After has passed");
        let again = r.actions(3_100);
        assert!(again.contains(&Action::Submit { batch: 0, key: key.clone() }), "{again:?}");
        assert_eq!((r.stats.retries, r.stats.rate_limited), (1, 1));
    }

    #[test]
    fn a_lost_connection_is_retried_with_backoff_under_the_same_key() {
        let mut r = run(1);
        let key = r.batches[0].batch.key.clone();
        r.actions(0);
        r.on_submit(0, Err(ApiError::ConnectionLost), 0, 1.0);
        assert_eq!(r.batches[0].state, BatchState::Queued { not_before: 1_000 });
        r.actions(1_000);
        r.on_submit(0, Err(ApiError::ConnectionLost), 1_000, 1.0);
        assert_eq!(r.batches[0].state, BatchState::Queued { not_before: 3_000 });
        assert_eq!(r.actions(3_000), [Action::Submit { batch: 0, key }]);
    }

    #[test]
    fn a_full_task_queue_waits_and_resubmits_the_same_key() {
        let mut r = run(1);
        r.actions(0);
        r.on_submit(0, Err(ApiError::TooManyTasks), 0, 0.0);
        assert_eq!(r.batches[0].state, BatchState::Queued { not_before: 1_000 });
        assert_eq!(r.stats.queue_full, 1);
    }

    #[test]
    fn a_failed_task_is_sent_again_under_a_new_key_at_most_twice() {
        let mut r = run(1);
        for round in 0..3 {
            r.actions(0);
            r.on_submit(0, task("t"), 0, 0.0);
            r.actions(2_000);
            r.on_poll(0, status(TaskState::Failed), 2_000, 0.0, || format!("new-{round}"));
        }
        assert_eq!(r.batches[0].batch.key, "new-1");
        assert_eq!(r.batches[0].state, BatchState::Done(BatchOutcome::Failed { error: ApiError::TaskFailed }));
    }

    #[test]
    fn a_task_unfinished_after_30_minutes_has_timed_out() {
        let mut r = run(1);
        r.actions(0);
        r.on_submit(0, task("t"), 0, 0.0);
        r.actions(TASK_TIMEOUT_MS + 1);
        r.on_poll(0, status(TaskState::InProgress), TASK_TIMEOUT_MS + 1, 0.0, String::new);
        assert_eq!(r.batches[0].state, BatchState::Done(BatchOutcome::Failed { error: ApiError::TaskTimedOut }));
    }

    #[test]
    fn a_sign_in_problem_stops_the_run_until_resumed_and_loses_no_batch() {
        let mut r = run(2);
        r.actions(0);
        r.on_submit(0, Err(ApiError::Unauthorized), 0, 0.0);
        assert_eq!(r.phase(), Phase::Stopped(ApiError::Unauthorized));
        assert!(r.actions(10).is_empty());
        r.on_submit(1, Err(ApiError::Unauthorized), 0, 0.0);
        r.resume();
        assert_eq!(submits(&r.actions(20)), [0, 1]);
    }

    #[test]
    fn a_refused_batch_fails_its_rows_and_the_run_goes_on() {
        let mut r = run(2);
        r.actions(0);
        let refused = ApiError::Rejected { status: 400, message: "bad".into() };
        r.on_submit(0, Err(refused.clone()), 0, 0.0);
        assert_eq!(r.batches[0].state, BatchState::Done(BatchOutcome::Failed { error: refused }));
        assert_eq!(r.phase(), Phase::Running);
    }

    #[test]
    fn too_many_transient_failures_in_a_row_pause_the_run() {
        let mut r = run(1);
        for attempt in 0..MAX_ATTEMPTS {
            let now = u64::from(attempt) * 100_000;
            assert_eq!(r.actions(now).len(), 1, "attempt {attempt}");
            r.on_submit(0, Err(ApiError::Unavailable { status: 503, retry_after_ms: Some(1) }), now, 0.0);
        }
        assert!(matches!(r.phase(), Phase::Stopped(ApiError::Unavailable { .. })));
    }

    #[test]
    fn pause_stops_submits_but_keeps_polling_and_cancel_marks_the_rest_not_sent() {
        let mut r = run(7);
        r.actions(0);
        r.on_submit(0, task("t0"), 0, 0.0);
        r.pause();
        assert_eq!(r.phase(), Phase::Paused);
        r.on_poll(0, status(TaskState::Finished), 0, 0.0, String::new);
        assert_eq!(r.actions(2_000), [Action::Poll { batch: 0, task_id: "t0".into() }]);
        r.cancel();
        assert_eq!(r.batches[6].state, BatchState::Done(BatchOutcome::NotSent));
        assert_eq!(r.phase(), Phase::Cancelling, "batches 1–4 are still with CSM");
        r.requeue_not_sent();
        r.resume();
        assert_eq!(r.batches[6].state, BatchState::Queued { not_before: 0 });
    }
}
