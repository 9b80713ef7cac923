//! The direct-import state: the connection form, the site's fields, the dry run, the running import and its
//! journal identity, as signals holding domain values.
//!
//! Owns `ApiState` (a `Copy` context beside `ImportState`) and the memos derived from it (results per row).
//! The token lives only in the `token` signal — and in sessionStorage if, and only if, the admin ticks "keep it
//! while this tab is open". Non-secret settings (API address, cloud ID, email) are kept in localStorage so the
//! form is filled next time. Sending happens in `api_driver`.

use std::sync::Arc;

use leptos::prelude::*;

use crate::domain::api::connection::{Auth, Connection, ConnectionError, Secret, DIRECT_API_BASE};
use crate::domain::api::dry_run::DryRun;
use crate::domain::api::journal::{Journal, RunIdentity};
use crate::domain::api::payload::Operation;
use crate::domain::api::plan::SendRow;
use crate::domain::api::results::{results, Results};
use crate::domain::api::run::Run;
use crate::domain::api::send_plan::SendPlan;
use crate::domain::prepare::Prepared;
use crate::web::storage::{self, Area};

const SETTINGS_KEY: &str = "csm-import.connection";
const TOKEN_KEY: &str = "csm-import.token";

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum AuthKind {
    /// Email + API token.
    Basic,
    /// OAuth access token.
    Bearer,
}

/// Where "Test connection" stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConnStatus {
    Idle,
    Testing,
    Connected { customers: usize, organizations: usize, notes: Vec<String> },
    Failed(String),
}

/// Where the dry run stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DryRunState {
    NotRun,
    Running {
        done: usize,
        total: usize,
    },
    Done(DryRun),
    /// The site cannot say which profiles exist (no lookup endpoint): the import still works.
    Unavailable(String),
    Failed(String),
}

/// Non-secret connection settings remembered on this computer.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct Settings {
    site: String,
    api_base: String,
    cloud_id: String,
    auth_kind: AuthKind,
    email: String,
}

#[derive(Clone, Copy)]
pub struct ApiState {
    pub site: RwSignal<String>,
    pub api_base: RwSignal<String>,
    pub cloud_id: RwSignal<String>,
    pub auth_kind: RwSignal<AuthKind>,
    pub email: RwSignal<String>,
    pub token: RwSignal<String>,
    pub remember_token: RwSignal<bool>,
    pub status: RwSignal<ConnStatus>,
    /// The tested connection requests go through.
    pub connection: RwSignal<Option<Connection>>,
    pub operation: RwSignal<Operation>,
    pub dry_run: RwSignal<DryRunState>,
    /// The rows of the current run, frozen when it started.
    pub rows: RwSignal<Arc<Vec<SendRow>>>,
    pub run: RwSignal<Run>,
    pub identity: RwSignal<Option<RunIdentity>>,
    /// An interrupted import of exactly these rows and choices, offered for resuming.
    pub resumable: RwSignal<Option<Journal>>,
    /// A problem outside the run itself (the journal could not be saved…).
    pub warning: RwSignal<Option<String>>,
    /// Bumped to wake the scheduler's timer loop.
    pub generation: RwSignal<u64>,
    /// What the current rows would send, with the validation result it was made from (`api_driver::send_plan`).
    pub plan: StoredValue<Option<(Arc<Prepared>, Arc<SendPlan>)>>,
    /// Records looked at and in all, while the send plan of a big file is being made.
    pub preparing: RwSignal<Option<(usize, usize)>>,
    pub results: Memo<Results>,
}

impl ApiState {
    pub fn new() -> ApiState {
        let saved: Option<Settings> =
            storage::get(Area::Local, SETTINGS_KEY).and_then(|s| serde_json::from_str(&s).ok());
        let token = storage::get(Area::Session, TOKEN_KEY);
        let rows: RwSignal<Arc<Vec<SendRow>>> = RwSignal::new(Arc::new(Vec::new()));
        let run = RwSignal::new(Run::new());
        let identity: RwSignal<Option<RunIdentity>> = RwSignal::new(None);
        let dry_run = RwSignal::new(DryRunState::NotRun);
        let results = Memo::new(move |_| {
            let existing = dry_run.with(|d| match d {
                DryRunState::Done(d) => Some(d.existing.clone()),
                _ => None,
            });
            let Some(id) = identity.get() else { return Results::default() };
            rows.with(|rows| run.with(|run| results(id.entity, id.operation, rows, run, existing.as_ref())))
        });
        ApiState {
            site: RwSignal::new(saved.as_ref().map(|s| s.site.clone()).unwrap_or_default()),
            api_base: RwSignal::new(saved.as_ref().map_or_else(|| DIRECT_API_BASE.to_owned(), |s| s.api_base.clone())),
            cloud_id: RwSignal::new(saved.as_ref().map(|s| s.cloud_id.clone()).unwrap_or_default()),
            auth_kind: RwSignal::new(saved.as_ref().map_or(AuthKind::Basic, |s| s.auth_kind)),
            email: RwSignal::new(saved.as_ref().map(|s| s.email.clone()).unwrap_or_default()),
            remember_token: RwSignal::new(token.is_some()),
            token: RwSignal::new(token.unwrap_or_default()),
            status: RwSignal::new(ConnStatus::Idle),
            connection: RwSignal::new(None),
            operation: RwSignal::new(Operation::Create),
            dry_run,
            rows,
            run,
            identity,
            resumable: RwSignal::new(None),
            warning: RwSignal::new(None),
            generation: RwSignal::new(0),
            plan: StoredValue::new(None),
            preparing: RwSignal::new(None),
            results,
        }
    }

    /// Remembers the non-secret settings, and the token only when the admin opted in (for this tab only).
    pub fn save_settings(&self) {
        let settings = Settings {
            site: self.site.get_untracked(),
            api_base: self.api_base.get_untracked(),
            cloud_id: self.cloud_id.get_untracked(),
            auth_kind: self.auth_kind.get_untracked(),
            email: self.email.get_untracked(),
        };
        if let Ok(json) = serde_json::to_string(&settings) {
            let _ = storage::set(Area::Local, SETTINGS_KEY, &json);
        }
        if self.remember_token.get_untracked() {
            let _ = storage::set(Area::Session, TOKEN_KEY, &self.token.get_untracked());
        } else {
            storage::remove(Area::Session, TOKEN_KEY);
        }
    }

    /// Forgets the token everywhere (the "Forget token" button and unticking "keep").
    pub fn forget_token(&self) {
        self.token.set(String::new());
        storage::remove(Area::Session, TOKEN_KEY);
    }

    /// The connection the form describes (not yet tested).
    pub fn form_connection(&self) -> Result<Connection, ConnectionError> {
        let token = Secret::new(self.token.get_untracked());
        let auth = match self.auth_kind.get_untracked() {
            AuthKind::Basic => Auth::Basic { email: self.email.get_untracked(), token },
            AuthKind::Bearer => Auth::Bearer { token },
        };
        Connection::new(&self.api_base.get_untracked(), &self.cloud_id.get_untracked(), auth)
    }

    /// A run exists (started, resumed or finished) for the current rows.
    pub fn has_run(&self) -> bool {
        self.run.with(|r| !r.batches.is_empty())
    }
}

impl Default for ApiState {
    fn default() -> Self {
        ApiState::new()
    }
}
