//! csm-sandbox: a faithful local stand-in of the Atlassian Customer Service Management (CSM) REST API
//! (the CSM contract, §3–4), for Playwright end-to-end tests and API-mode demos.
//! [`app`] builds the whole HTTP service; the binary (`main.rs`) binds it to 127.0.0.1.

pub mod api;
pub mod auth;
pub mod bulk;
pub mod cli;
pub mod clock;
pub mod config;
pub mod control;
pub mod cors;
pub mod entity;
pub mod errors;
pub mod faults;
pub mod fields;
pub mod gate;
pub mod profiles;
pub mod routes;
pub mod state;
pub mod stats;
pub mod tasks;

use std::sync::Arc;

use axum::Router;

use crate::clock::Clock;
use crate::config::Settings;
use crate::state::Shared;

/// The sandbox as a router, reading time from `clock`.
pub fn app(settings: Settings, clock: Arc<dyn Clock>) -> Router {
    routes::router(Shared::new(settings, clock))
}
