//! The sandbox's behaviour through its HTTP surface: most tests drive the router in-process with `oneshot` and a
//! hand-moved clock; `server` starts the real server on 127.0.0.1:0 to watch a dropped connection; `domain_client`
//! drives the app's own sans-IO client (`csm_import::domain::api`) against the router, end to end.

mod api_auth;
mod bulk_submit;
mod control_api;
mod cors_policy;
mod detail_fields;
mod domain_client;
mod fault_injection;
mod fetching;
mod server;
mod support;
mod task_lifecycle;
