//! Direct import through CSM's bulk REST APIs (contract §3–4), sans I/O.
//!
//! Owns everything about the API that can be decided without a network: the connection settings and their
//! redacted secret, the request values (URL, headers, body), parsing answers and error bodies into typed
//! `ApiError`s, which rows go into which batch with which Idempotency-Key, the retry and polling policy, the
//! scheduler that says what to do next, per-row results and the resume journal. It does not send anything:
//! `web::http` performs a request and hands back an `HttpResponse`; the `ui` drives the scheduler.
//! Invariants: a batch keeps its Idempotency-Key for every retry (so nothing is created twice), no more than
//! `MAX_UNFINISHED_TASKS` tasks are unfinished at once, and no cell value is ever written to the journal.

pub mod backoff;
pub mod connection;
pub mod csp;
pub mod dry_run;
pub mod error;
pub mod http;
pub mod journal;
pub mod payload;
pub mod plan;
pub mod requests;
pub mod responses;
pub mod results;
pub mod run;
pub mod send_plan;

/// Profiles per bulk request (contract §3).
pub const MAX_BATCH: usize = 100;
/// Rows in the "test with the first rows" run.
pub const TEST_BATCH: usize = 10;
/// Unfinished tasks CSM allows per site (contract §3).
pub const MAX_UNFINISHED_TASKS: usize = 5;
/// Names or ids per `/organization/fetch` (and our `/customer/fetch`) request.
pub const MAX_FETCH: usize = 50;
