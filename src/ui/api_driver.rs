//! Drives the direct import: tests the connection, runs the dry run, and feeds the `domain::api::run` scheduler
//! with real requests, answers, time and randomness.
//!
//! Owns the async side: `spawn_local` tasks that send one request each and report back, one timer for the
//! scheduler's next wake-up, and saving the journal after every change. All decisions (what to send, when to
//! retry, what an answer means) stay in `domain::api`; this file only performs them.

use std::cell::Cell;
use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::api_state::{ApiState, ConnStatus, DryRunState};
use super::jobs::{drive, Refills};
use super::state::ImportState;
use crate::domain::api::backoff::{retry_delay, MAX_ATTEMPTS};
use crate::domain::api::connection::Connection;
use crate::domain::api::dry_run::{lookup_chunks, DryRun};
use crate::domain::api::error::ApiError;
use crate::domain::api::http::HttpRequest;
use crate::domain::api::journal::{Journal, RunIdentity, STORAGE_PREFIX};
use crate::domain::api::payload::Operation;
use crate::domain::api::plan::{batches, idempotency_key};
use crate::domain::api::requests;
use crate::domain::api::responses::{parse_catalogue, parse_fetch, parse_submit, parse_task};
use crate::domain::api::run::{Action, Phase, Run};
use crate::domain::api::send_plan::{SendPlan, SendPlanJob};
use crate::domain::api::{MAX_BATCH, TEST_BATCH};
use crate::domain::engine::Refill;
use crate::domain::prepare::Prepared;
use crate::domain::schema::Entity;
use crate::web::http::{diagnose, send};
use crate::web::random::{jitter, key_bytes, now_ms};
use crate::web::storage::{self, Area};

thread_local! {
    /// When the pending wake-up timer fires, if one is pending.
    static WAKE_AT: Cell<Option<u64>> = const { Cell::new(None) };
}

fn now() -> u64 {
    now_ms().max(0.0) as u64
}

/// Sends a read-only `request` with the import's retry policy (Retry-After, backoff with jitter). A fetch that
/// keeps failing outright is diagnosed (CORS, the page's CSP, unreachable) on the first failure for a cross-origin
/// refusal, since retrying cannot fix that.
async fn send_with_retry(conn: &Connection, request: &HttpRequest) -> Result<String, ApiError> {
    let mut attempt = 0;
    loop {
        match send(request).await {
            Ok(r) => return Ok(r.body),
            Err(ApiError::ConnectionLost) => match diagnose(conn).await {
                // The server answered a plain probe: a refusal by CORS or a blocked origin will not go away.
                e @ (ApiError::CorsRefused { .. } | ApiError::BlockedByPolicy { .. }) => return Err(e),
                e if attempt >= MAX_ATTEMPTS => return Err(e),
                _ => attempt += 1,
            },
            Err(e) if e.is_transient() && attempt < MAX_ATTEMPTS => {
                attempt += 1;
                let wait = retry_delay(&e, attempt, jitter());
                gloo_timers::future::sleep(std::time::Duration::from_millis(wait)).await;
            }
            Err(e) => return Err(e),
        }
    }
}

/// "Test connection": loads both field catalogues and uses the site's fields from now on.
pub fn test_connection(api: ApiState, import: ImportState) {
    let conn = match api.form_connection() {
        Ok(c) => c,
        Err(e) => return api.status.set(ConnStatus::Failed(e.to_string())),
    };
    api.save_settings();
    api.status.set(ConnStatus::Testing);
    spawn_local(async move {
        let load = |entity: Entity| {
            let conn = conn.clone();
            async move {
                let body = send_with_retry(&conn, &requests::field_catalogue(&conn, entity)).await?;
                parse_catalogue(entity, &body)
            }
        };
        let result = match load(Entity::Customers).await {
            Ok(c) => load(Entity::Organizations).await.map(|o| (c, o)),
            Err(e) => Err(e),
        };
        match result {
            Ok((customers, organizations)) => {
                let count = |s: &crate::domain::schema::Schema| {
                    s.fields.iter().filter(|f| f.role == crate::domain::schema::FieldRole::Detail).count()
                };
                let mut notes = customers.notes.clone();
                notes.extend(organizations.notes.clone());
                api.status.set(ConnStatus::Connected {
                    customers: count(&customers.schema),
                    organizations: count(&organizations.schema),
                    notes,
                });
                api.connection.set(Some(conn));
                import.use_site_schemas(customers.schema, organizations.schema);
            }
            Err(e) => {
                api.connection.set(None);
                api.status.set(ConnStatus::Failed(e.to_string()));
            }
        }
    });
}

/// Records looked at per `SendPlanJob::step`, so the clock is looked at often enough to keep slices short.
const PLAN_BATCH: usize = 128;

/// What the current file and choices would send (every valid row's profile, and the fingerprints). Made once per
/// validation result, in slices (`jobs::drive`) with progress (`api.preparing`), and kept (`api.plan`) until the
/// result changes. `None` when the result changed meanwhile (the caller then does nothing: the admin acts again).
async fn send_plan(api: ApiState, import: ImportState) -> Option<Arc<SendPlan>> {
    let prepared = import.prepared.with_untracked(|p| Arc::clone(&p.0));
    let entity = import.entity.get_untracked();
    let current = |prepared: &Arc<Prepared>| {
        import.prepared.with_untracked(|p| Arc::ptr_eq(&p.0, prepared)) && import.entity.get_untracked() == entity
    };
    let cached = api.plan.with_value(|c| {
        c.as_ref().filter(|(p, plan)| Arc::ptr_eq(p, &prepared) && plan.entity == entity).map(|(_, plan)| plan.clone())
    });
    if let Some(plan) = cached {
        return Some(plan);
    }
    let mut job = SendPlanJob::new(Arc::clone(&prepared), import.schema.get_untracked(), entity);
    let step = |job: &mut SendPlanJob| job.step(PLAN_BATCH);
    let publish = |job: &SendPlanJob| api.preparing.set(Some(job.progress()));
    let refills = match import.in_file_source() {
        Some(source) => Refills::from(source, |job: &SendPlanJob| {
            job.missing(PLAN_BATCH).and_then(|m| job.records().and_then(|rows| Refill::new(rows, m)))
        }),
        None => Refills::none(),
    };
    let plan = drive(|| current(&prepared), &mut job, refills, step, publish).await;
    api.preparing.set(None);
    let plan = match plan {
        Ok(plan) => Arc::new(plan?),
        Err(e) => {
            import.file_error.set(Some(e.to_string()));
            return None;
        }
    };
    api.plan.set_value(Some((prepared, Arc::clone(&plan))));
    Some(plan)
}

fn current_file(import: &ImportState) -> (String, String) {
    import
        .loaded
        .with_untracked(|l| l.as_ref().map(|l| (l.kept.fingerprint.clone(), l.name.clone())))
        .unwrap_or_default()
}

/// The dry run: looks up every key, 50 at a time, with the import's retry policy.
pub fn start_dry_run(api: ApiState, import: ImportState) {
    let Some(conn) = api.connection.get_untracked() else { return };
    let entity = import.entity.get_untracked();
    spawn_local(async move {
        let Some(plan) = send_plan(api, import).await else { return };
        let rows = &plan.rows;
        let chunks = lookup_chunks(rows);
        api.dry_run.set(DryRunState::Running { done: 0, total: rows.len() });
        let mut found = Vec::new();
        for (i, chunk) in chunks.iter().enumerate() {
            api.dry_run.set(DryRunState::Running { done: i * chunk.len(), total: rows.len() });
            let request = requests::fetch_existing(&conn, entity, chunk);
            match send_with_retry(&conn, &request).await.and_then(|body| parse_fetch(entity, &body)) {
                Ok(keys) => found.extend(keys),
                Err(ApiError::NotFound { .. }) => {
                    api.dry_run.set(DryRunState::Unavailable(format!(
                        "This site cannot look up {} before importing, so the app cannot tell new from existing \
                         ones in advance. The import still reports every row's result.",
                        entity.noun()
                    )));
                    return;
                }
                Err(e) => {
                    api.dry_run.set(DryRunState::Failed(e.to_string()));
                    return;
                }
            }
        }
        api.dry_run.set(DryRunState::Done(DryRun::classify(entity, rows, found)));
    });
}

/// "Test with the first 10 rows" (`test`) or "Import all": adds batches for the rows not yet in the run.
pub fn start_run(api: ApiState, import: ImportState, test: bool) {
    if api.connection.get_untracked().is_none() {
        api.warning.set(Some("Test the connection first.".into()));
        return;
    }
    let entity = import.entity.get_untracked();
    let operation = api.operation.get_untracked();
    spawn_local(async move {
        let Some(plan) = send_plan(api, import).await else { return };
        let fp = plan.fingerprint(operation).to_owned();
        let same = api.identity.with_untracked(|i| i.as_ref().is_some_and(|i| i.fingerprint == fp));
        if !same {
            if api.has_run() {
                api.warning.set(Some(
                    "The rows or your choices changed since the last run, so this is a new import: rows sent before \
                     are sent again (with \"Create new only\" they are reported as already existing)."
                        .into(),
                ));
            }
            let (hash, name) = current_file(&import);
            api.identity.set(Some(RunIdentity {
                fingerprint: fp,
                file_hash: hash,
                file_name: name,
                entity,
                operation,
                started_at: now_ms(),
            }));
            api.rows.set(Arc::clone(&plan.rows));
            api.run.set(Default::default());
        }
        let total = api.rows.with_untracked(|r| r.len());
        let covered = api.run.with_untracked(Run::rows_planned);
        let (end, size) = if test { ((covered + TEST_BATCH).min(total), TEST_BATCH) } else { (total, MAX_BATCH) };
        let planned = batches(covered, end, size, key_bytes);
        api.run.update(|r| {
            r.requeue_not_sent();
            r.add(planned, test);
            r.resume();
        });
        api.resumable.set(None);
        save_journal(api);
        tick(api);
    });
}

/// Carries on an interrupted import from its journal.
pub fn resume_journal(api: ApiState, import: ImportState, journal: Journal) {
    if api.connection.get_untracked().is_none() {
        match api.form_connection() {
            Ok(c) => api.connection.set(Some(c)),
            Err(e) => return api.warning.set(Some(e.to_string())),
        }
    }
    spawn_local(async move {
        let Some(plan) = send_plan(api, import).await else { return };
        let identity = journal.identity.clone();
        if plan.entity != identity.entity || plan.fingerprint(identity.operation) != identity.fingerprint {
            api.warning.set(Some(
                "This file or your choices differ from the interrupted import, so it cannot be resumed.".into(),
            ));
            return;
        }
        api.operation.set(identity.operation);
        api.identity.set(Some(identity));
        api.rows.set(Arc::clone(&plan.rows));
        api.run.set(journal.resume(now()));
        api.resumable.set(None);
        tick(api);
    });
}

/// An interrupted import of exactly the current rows and choices (either operation), if one is stored.
pub fn find_resumable(api: ApiState, import: ImportState) {
    spawn_local(async move {
        let Some(plan) = send_plan(api, import).await else { return };
        if plan.rows.is_empty() {
            return;
        }
        let current = api.identity.with_untracked(|i| i.as_ref().map(|i| i.fingerprint.clone()));
        let found = [Operation::Create, Operation::Upsert].into_iter().find_map(|op| {
            let fp = plan.fingerprint(op);
            if current.as_deref() == Some(fp) {
                return None;
            }
            storage::get(Area::Local, &format!("{STORAGE_PREFIX}{fp}"))
                .and_then(|s| Journal::from_json(&s))
                .filter(|j| !j.is_complete())
        });
        api.resumable.set(found);
    });
}

/// Interrupted imports of the file with this fingerprint (for the hint on the first step).
pub fn journals_for_file(fingerprint: &str) -> Vec<Journal> {
    storage::values_with_prefix(Area::Local, STORAGE_PREFIX)
        .iter()
        .filter_map(|s| Journal::from_json(s))
        .filter(|j| !j.is_complete() && j.identity.file_hash == fingerprint)
        .collect()
}

pub fn pause(api: ApiState) {
    api.run.update(|r| r.pause());
    save_journal(api);
}

pub fn resume(api: ApiState) {
    api.run.update(|r| {
        r.requeue_not_sent();
        r.resume();
    });
    tick(api);
}

pub fn cancel(api: ApiState) {
    api.run.update(|r| r.cancel());
    save_journal(api);
}

/// After a finished import: forget its run (its journal is already complete or removed) so the admin can send
/// again, e.g. with "Create or update" after fixing rows.
pub fn start_over(api: ApiState) {
    api.run.set(Default::default());
    api.identity.set(None);
    api.dry_run.set(DryRunState::NotRun);
    api.warning.set(None);
}

/// Starts every request that is due and arranges to look again when the next one will be.
fn tick(api: ApiState) {
    let Some(conn) = api.connection.get_untracked() else { return };
    let now = now();
    let mut actions = Vec::new();
    api.run.update(|r| actions = r.actions(now));
    if !actions.is_empty() {
        save_journal(api);
    }
    for action in actions {
        spawn_local(perform(api, conn.clone(), action));
    }
    let wake = api.run.with_untracked(|r| r.next_wake(now));
    if let Some(at) = wake {
        let pending = WAKE_AT.with(Cell::get);
        if pending.is_none_or(|p| at < p || p < now) {
            WAKE_AT.with(|w| w.set(Some(at)));
            gloo_timers::callback::Timeout::new((at.saturating_sub(now)).min(u32::MAX as u64) as u32, move || {
                WAKE_AT.with(|w| w.set(None));
                tick(api);
            })
            .forget();
        }
    }
    api.generation.update(|g| *g += 1);
}

/// Sends one request and reports the answer to the scheduler.
async fn perform(api: ApiState, conn: Connection, action: Action) {
    let Some(identity) = api.identity.get_untracked() else { return };
    match action {
        Action::Submit { batch, key } => {
            let body = api.rows.with_untracked(|rows| {
                api.run.with_untracked(|r| {
                    r.batches.get(batch).map(|b| b.batch.body(identity.entity, identity.operation, rows))
                })
            });
            let Some(body) = body else { return };
            let request = requests::bulk(&conn, identity.entity, body, &key);
            let result = send(&request).await.and_then(|r| parse_submit(&r.body));
            api.run.update(|r| r.on_submit(batch, result, now(), jitter()));
        }
        Action::Poll { batch, task_id } => {
            let result = send(&requests::task_status(&conn, &task_id)).await.and_then(|r| parse_task(&r.body));
            api.run.update(|r| r.on_poll(batch, result, now(), jitter(), || idempotency_key(key_bytes())));
        }
    }
    save_journal(api);
    tick(api);
}

/// Writes the journal (keys, task ids, states; never values). A finished import's journal is removed.
fn save_journal(api: ApiState) {
    let Some(id) = api.identity.get_untracked() else { return };
    let rows = api.rows.with_untracked(|r| r.len());
    let journal = api.run.with_untracked(|r| Journal::record(&id, rows, r));
    let finished = api.run.with_untracked(|r| r.phase() == Phase::Finished);
    if finished && journal.is_complete() {
        storage::remove(Area::Local, &journal.storage_key());
    } else if let Err(e) = storage::set(Area::Local, &journal.storage_key(), &journal.to_json()) {
        api.warning.set(Some(e.to_string()));
    }
}
