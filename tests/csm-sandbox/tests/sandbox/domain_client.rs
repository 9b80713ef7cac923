//! The app's own sans-IO client (`csm_import::domain::api`) against the stand-in, end to end, natively and
//! deterministically: proof that what the client sends is what the sandbox accepts, and what the sandbox answers
//! is what the client understands.
//!
//! A small [`Driver`] plays the part of the browser app (`web::http` + the `ui` loop): it asks the scheduler
//! (`Run::actions`) what to send, builds each request with `requests::bulk` / `requests::task_status`, turns the
//! `HttpRequest` into an `http::Request` for the in-process router (`oneshot`), turns the answer back into an
//! `HttpResponse` (status, `Retry-After`, body text), classifies non-2xx answers with `ApiError::from_response`,
//! and reports each result with `on_submit` / `on_poll`. When there is nothing to send it moves one shared
//! manual time (the driver's `now` in milliseconds and the sandbox's `ManualClock`) to `Run::next_wake`.
//! Nothing sleeps: a whole import with retries and polling runs in milliseconds, and every run is identical.
//!
//! A `drop` fault has no connection to break in `oneshot` mode: the sandbox processes the request, then answers
//! with a body that fails on its first read (`faults::dropped`). The driver reads that as the browser would see a
//! dropped connection: `ApiError::ConnectionLost`, whatever the status line said.

use std::collections::BTreeMap;
use std::time::Duration;

use axum::body::Body;
use csm_import::domain::api::connection::{Auth, Connection, Secret};
use csm_import::domain::api::error::ApiError;
use csm_import::domain::api::http::{HttpRequest, HttpResponse, Method};
use csm_import::domain::api::journal::{Journal, Remembered, RunIdentity};
use csm_import::domain::api::payload::{Detail, Operation, Profile};
use csm_import::domain::api::plan::{self, SendRow};
use csm_import::domain::api::requests;
use csm_import::domain::api::responses::{parse_submit, parse_task};
use csm_import::domain::api::results::{results, RowResult};
use csm_import::domain::api::run::{Action, Phase, Run};
use csm_import::domain::api::MAX_BATCH;
use csm_import::domain::schema::Entity;
use csm_sandbox::config::{Behaviour, FaultKind, Settings};
use serde_json::{json, Value};
use tower::ServiceExt as _;

use crate::support::Sandbox;

/// The stand-in's address as the app would be configured with it; the router sees only the path after it.
const API_BASE: &str = "http://127.0.0.1";
const ENTITY: Entity = Entity::Customers;
/// The "random" share of every backoff, fixed so each run waits exactly as long as the last.
const JITTER: f64 = 0.5;
/// Scheduler rounds (a round sends what `actions` returns, or moves time) before a run counts as stuck.
const MAX_ROUNDS: usize = 1_000;

/// `n` customers `p0@example.com` … with a display name and a `Title` detail (a default TEXT field).
fn customers(n: usize) -> Vec<SendRow> {
    (0..n)
        .map(|i| SendRow {
            record: i,
            row: i as u64 + 2,
            profile: Profile {
                key: format!("p{i}@example.com"),
                display_name: Some(format!("Person {i}")),
                details: vec![Detail { name: "Title".into(), values: vec![format!("Title {i}")] }],
            },
        })
        .collect()
}

/// Deterministic "random" bytes for Idempotency-Keys: `seed` keeps the keys of different imports apart.
fn key_bytes(seed: u8) -> impl FnMut() -> [u8; 16] {
    let mut n = 0u8;
    move || {
        n += 1;
        let mut bytes = [0u8; 16];
        bytes[0] = seed;
        bytes[1] = n;
        bytes
    }
}

/// A run over all of `rows` in batches of at most 100, ready to send.
fn plan_run(rows: &[SendRow], seed: u8) -> Run {
    let mut run = Run::new();
    run.add(plan::batches(0, rows.len(), MAX_BATCH, key_bytes(seed)), false);
    run
}

/// The app's client loop, with the sandbox's router in place of the network.
struct Driver {
    sandbox: Sandbox,
    conn: Connection,
    operation: Operation,
    /// Milliseconds since the sandbox started; the sandbox's clock is always moved along with it.
    now: u64,
    /// Bulk submits whose answer was lost (drop fault): the sandbox had processed each one, so each comes back as
    /// an idempotent replay when the batch is sent again under its key.
    lost_submits: u64,
    /// Fresh keys handed out after a FAILED task.
    renewed_keys: u8,
}

impl Driver {
    fn new(settings: Settings) -> Self {
        let token = Secret::new(settings.token.clone());
        let auth = Auth::Basic { email: settings.email.clone(), token };
        let conn = Connection::new(API_BASE, "test-cloud", auth).expect("a valid connection");
        Self {
            sandbox: Sandbox::with(settings),
            conn,
            operation: Operation::Create,
            now: 0,
            lost_submits: 0,
            renewed_keys: 0,
        }
    }

    /// Moves the driver's time and the sandbox's clock together.
    fn sleep_until(&mut self, wake: u64) {
        assert!(wake >= self.now, "time only moves forward ({} → {wake})", self.now);
        self.sandbox.clock.advance(Duration::from_millis(wake - self.now));
        self.now = wake;
    }

    /// What `web::http` does with a request, against the in-process router.
    async fn exchange(&self, request: &HttpRequest) -> Result<HttpResponse, ApiError> {
        let path = request.url.strip_prefix(API_BASE).expect("every request goes to the configured API base");
        let method = match request.method {
            Method::Get => axum::http::Method::GET,
            Method::Post => axum::http::Method::POST,
        };
        let mut builder = axum::http::Request::builder().method(method).uri(path);
        for (name, value) in &request.headers {
            builder = builder.header(*name, value.as_str());
        }
        let body = request.body.clone().map_or_else(Body::empty, Body::from);
        let response = self
            .sandbox
            .router
            .clone()
            .oneshot(builder.body(body).expect("a valid request"))
            .await
            .expect("the router is infallible");
        let status = response.status().as_u16();
        let retry_after =
            response.headers().get("retry-after").and_then(|value| value.to_str().ok()).map(str::to_owned);
        // A drop fault's body fails on its first read: the answer never arrived.
        let bytes =
            axum::body::to_bytes(response.into_body(), usize::MAX).await.map_err(|_| ApiError::ConnectionLost)?;
        let body = String::from_utf8(bytes.to_vec()).expect("the sandbox answers UTF-8");
        let answer = HttpResponse { status, retry_after, body };
        if answer.is_success() {
            Ok(answer)
        } else {
            Err(ApiError::from_response(&answer))
        }
    }

    /// Sends the request for `action` and returns its answer, not yet reported to the run.
    async fn send(&mut self, run: &Run, rows: &[SendRow], action: &Action) -> Result<HttpResponse, ApiError> {
        let request = match action {
            Action::Submit { batch, key } => {
                let body = run.batches[*batch].batch.body(ENTITY, self.operation, rows);
                requests::bulk(&self.conn, ENTITY, body, key)
            }
            Action::Poll { task_id, .. } => requests::task_status(&self.conn, task_id),
        };
        let answer = self.exchange(&request).await;
        if matches!(action, Action::Submit { .. }) && answer == Err(ApiError::ConnectionLost) {
            self.lost_submits += 1;
        }
        answer
    }

    /// Reports an answer to the run, parsed as the app parses it.
    fn answer(&mut self, run: &mut Run, action: &Action, answer: Result<HttpResponse, ApiError>) {
        match action {
            Action::Submit { batch, .. } => {
                let result = answer.and_then(|a| parse_submit(&a.body));
                run.on_submit(*batch, result, self.now, JITTER);
            }
            Action::Poll { batch, .. } => {
                let result = answer.and_then(|a| parse_task(&a.body));
                let renewed = &mut self.renewed_keys;
                run.on_poll(*batch, result, self.now, JITTER, || {
                    *renewed += 1;
                    let mut bytes = [0u8; 16];
                    bytes[..2].copy_from_slice(&[0xEE, *renewed]);
                    plan::idempotency_key(bytes)
                });
            }
        }
    }

    /// The app's loop: send what the scheduler asks for, else sleep until it wakes, until the run has finished.
    async fn drive(&mut self, run: &mut Run, rows: &[SendRow]) {
        for _ in 0..MAX_ROUNDS {
            match run.phase() {
                Phase::Finished => return,
                Phase::Stopped(error) => panic!("the run stopped at {} ms: {error}", self.now),
                _ => {}
            }
            let actions = run.actions(self.now);
            if actions.is_empty() {
                let wake = run.next_wake(self.now).expect("an unfinished run has something to wait for");
                assert!(wake > self.now, "nothing to send at {} ms, yet the run wakes at once", self.now);
                self.sleep_until(wake);
                continue;
            }
            for action in &actions {
                let answer = self.send(run, rows, action).await;
                self.answer(run, action, answer);
            }
        }
        panic!("the run did not finish within {MAX_ROUNDS} rounds: {:?} at {} ms", run.phase(), self.now);
    }

    /// Plans and runs a whole import of `rows` (keys seeded by `seed`).
    async fn import(&mut self, rows: &[SendRow], seed: u8) -> Run {
        let mut run = plan_run(rows, seed);
        self.drive(&mut run, rows).await;
        run
    }

    async fn state(&self) -> Value {
        self.sandbox.state().await
    }
}

/// The number of batches a run of `rows` rows is cut into.
fn batch_count(rows: usize) -> u64 {
    rows.div_ceil(MAX_BATCH) as u64
}

/// Every one of `rows` is in the sandbox exactly once with its display name and details, and nothing else is.
fn assert_arrived_once(state: &Value, rows: &[SendRow]) {
    let stored = state["customers"].as_array().expect("a customer list");
    let mut by_email: BTreeMap<&str, &Value> = BTreeMap::new();
    for customer in stored {
        let email = customer["email"].as_str().expect("an email");
        assert!(by_email.insert(email, customer).is_none(), "{email} was created twice");
    }
    assert_eq!(by_email.len(), rows.len(), "one customer per row, no more");
    for row in rows {
        let customer =
            by_email.get(row.profile.key.as_str()).unwrap_or_else(|| panic!("{} is missing", row.profile.key));
        assert_eq!(customer["displayName"], json!(row.profile.display_name), "{}", row.profile.key);
        let details: BTreeMap<&str, &[String]> =
            row.profile.details.iter().map(|d| (d.name.as_str(), d.values.as_slice())).collect();
        assert_eq!(customer["details"], json!(details), "{}", row.profile.key);
    }
}

/// Every row's result says it was written.
fn assert_all_written(run: &Run, rows: &[SendRow]) {
    let r = results(ENTITY, Operation::Create, rows, run, None);
    assert_eq!((r.written, r.failed, r.waiting, r.not_sent), (rows.len(), 0, 0, 0), "{:?}", r.rows);
    assert!(r.unattributed.is_empty(), "{:?}", r.unattributed);
}

#[tokio::test]
async fn two_hundred_fifty_customers_arrive_exactly_once_with_their_details() {
    let mut driver = Driver::new(Settings::default());
    let rows = customers(250);
    let run = driver.import(&rows, 1).await;

    let state = driver.state().await;
    assert_arrived_once(&state, &rows);
    assert_eq!(state["stats"]["tasksCreated"], batch_count(rows.len()));
    assert_eq!(state["stats"]["idempotentReplays"], 0);
    assert_eq!(state["stats"]["keyConflicts"], 0);
    let items: Vec<&Value> = state["tasks"].as_array().expect("a task list").iter().map(|t| &t["items"]).collect();
    assert_eq!(items, [&json!(100), &json!(100), &json!(50)], "batches of at most 100, in row order");
    assert_all_written(&run, &rows);
    assert_eq!(run.stats.retries, 0);
}

#[tokio::test]
async fn with_a_429_a_503_or_a_drop_on_every_third_request_all_still_arrive_exactly_once() {
    // Drop first, so the very first fault (request 3, the third batch's submit) loses an answer CSM had already
    // acted on; tasks take 4 s, so polls also meet NOT_STARTED / IN_PROGRESS and faults.
    let faults = vec![FaultKind::Drop, FaultKind::RateLimit, FaultKind::Unavailable];
    let behaviour = Behaviour { fault_every: 3, faults, retry_after: 1, task_ms: 4_000, ..Behaviour::default() };
    let mut driver = Driver::new(Settings { behaviour, ..Settings::default() });
    let rows = customers(250);
    let run = driver.import(&rows, 2).await;

    let state = driver.state().await;
    assert_arrived_once(&state, &rows);
    let stats = &state["stats"];
    for kind in ["429", "503", "drop"] {
        assert!(stats["faults"][kind].as_u64() > Some(0), "no {kind} was played: {stats}");
    }
    assert_eq!(stats["tasksCreated"], batch_count(rows.len()), "a retry never creates a second task: {stats}");
    // Three batches never meet the 5-task limit, so every lost submit had been acted on (task created or replayed)
    // and its retry under the same key is one more replay.
    assert_eq!(stats["taskLimitRejections"], 0);
    assert!(driver.lost_submits > 0, "no drop hit a submit, so replays went untested: {stats}");
    assert_eq!(stats["idempotentReplays"], driver.lost_submits, "each lost submit is replayed under its key");
    assert_eq!(stats["keyConflicts"], 0, "a retry sends the very same body");
    assert_all_written(&run, &rows);
    assert!(
        run.stats.rate_limited > 0 && run.stats.unavailable > 0 && run.stats.connection_lost > 0,
        "{:?}",
        run.stats
    );
}

#[tokio::test]
async fn a_create_of_three_existing_emails_fails_exactly_those_rows_with_the_sandbox_reason() {
    let mut driver = Driver::new(Settings::default());
    let rows = customers(250);
    // Rows in the first, second and last batch already exist in CSM, from an earlier import.
    let existing = [5, 120, 249];
    let earlier: Vec<SendRow> = existing.iter().map(|&i| rows[i].clone()).collect();
    driver.import(&earlier, 3).await;

    let run = driver.import(&rows, 4).await;

    let r = results(ENTITY, Operation::Create, &rows, &run, None);
    for (i, result) in r.rows.iter().enumerate() {
        if existing.contains(&i) {
            assert_eq!(result, &RowResult::Failed("A customer with this email already exists.".into()), "row {i}");
        } else {
            assert_eq!(result, &RowResult::Written, "row {i}");
        }
    }
    assert_eq!((r.written, r.failed), (247, 3));
    assert!(r.unattributed.is_empty(), "{:?}", r.unattributed);
    let state = driver.state().await;
    assert_arrived_once(&state, &rows);
    assert_eq!(state["stats"]["tasksCreated"], 1 + batch_count(rows.len()));
    let failures: Vec<&Value> =
        state["tasks"].as_array().expect("a task list").iter().map(|t| &t["failures"]).collect();
    assert_eq!(failures, [&json!(0), &json!(1), &json!(1), &json!(1)]);
}

#[tokio::test]
async fn a_journal_recorded_mid_run_resumes_to_the_end_without_creating_any_extra_task() {
    let mut driver = Driver::new(Settings::default());
    let rows = customers(250);
    let mut run = plan_run(&rows, 5);
    let keys: Vec<String> = run.batches.iter().map(|b| b.batch.key.clone()).collect();

    // All three submits reach CSM, but only the first answer reaches the app before the tab closes…
    let first = run.actions(driver.now);
    assert_eq!(first.len(), 3, "{first:?}");
    let mut answers = Vec::new();
    for action in &first {
        answers.push(driver.send(&run, &rows, action).await);
    }
    let first_answer = answers.remove(0);
    driver.answer(&mut run, &first[0], first_answer);
    // …after the first batch was polled to its end.
    let wake = run.next_wake(driver.now).expect("a poll is due");
    driver.sleep_until(wake);
    let polls = run.actions(driver.now);
    assert_eq!(polls, [Action::Poll { batch: 0, task_id: "task-1".into() }]);
    let poll_answer = driver.send(&run, &rows, &polls[0]).await;
    driver.answer(&mut run, &polls[0], poll_answer);

    // The app stores the journal (as JSON, like localStorage) and the tab goes away.
    let fingerprint = plan::fingerprint(ENTITY, Operation::Create, &rows);
    let file_hash = plan::file_hash(b"250 customers");
    let identity = RunIdentity {
        fingerprint,
        file_hash,
        file_name: "customers.csv".into(),
        entity: ENTITY,
        operation: Operation::Create,
        started_at: 0.0,
    };
    let stored = Journal::record(&identity, rows.len(), &run).to_json();
    drop(run);
    let journal = Journal::from_json(&stored).expect("the stored journal reads back");
    let remembered: Vec<&Remembered> = journal.batches.iter().map(|b| &b.state).collect();
    let finished = Remembered::Finished { task_id: Some("task-1".into()), failed: 0 };
    assert_eq!(remembered, [&finished, &Remembered::Waiting, &Remembered::Waiting]);
    let journaled_keys: Vec<&str> = journal.batches.iter().map(|b| b.batch.key.as_str()).collect();
    assert_eq!(journaled_keys, keys);

    // Later, the app reopens and carries on from the journal.
    driver.sleep_until(driver.now + 60_000);
    let mut resumed = journal.resume(driver.now);
    driver.drive(&mut resumed, &rows).await;

    let state = driver.state().await;
    assert_arrived_once(&state, &rows);
    assert_eq!(state["stats"]["tasksCreated"], batch_count(rows.len()), "no batch was created twice");
    assert_eq!(state["stats"]["idempotentReplays"], 2, "the two unanswered submits were replayed under their keys");
    assert_eq!(state["stats"]["keyConflicts"], 0);
    assert_all_written(&resumed, &rows);
}
