//! The router: every API route under `/jsm/csm/cloudid/{cloudId}/api/v1`, `/_edge/tenant_info`, the control
//! routes, JSON 404/405 answers, and in front of all routing the two layers (CORS outside, the API gate inside).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};
use axum::Router;

use crate::api;
use crate::control;
use crate::cors::cors;
use crate::entity::Entity;
use crate::errors::ApiError;
use crate::gate::gate;
use crate::state::AppState;

fn api_path(route: &str) -> String {
    format!("/jsm/csm/cloudid/{{cloud_id}}/api/v1{route}")
}

pub fn router(state: AppState) -> Router {
    let mut router = Router::new();
    for entity in [Entity::Customer, Entity::Organization] {
        let prefix = match entity {
            Entity::Customer => "/customer",
            Entity::Organization => "/organization",
        };
        router = router
            .route(
                &api_path(&format!("{prefix}/details")),
                get(move |State(state): State<AppState>| api::list_details(state, entity))
                    .post(move |State(state): State<AppState>, body: Bytes| api::create_detail(state, entity, body)),
            )
            .route(
                &api_path(&format!("{prefix}/profile/bulk")),
                post(move |State(state): State<AppState>, headers: HeaderMap, body: Bytes| {
                    api::bulk_submit(state, entity, headers, body)
                }),
            );
    }
    let routed = router
        .route(&api_path("/tasks/{task_id}"), get(api::task_status))
        .route(&api_path("/organization/fetch"), post(api::fetch_organizations))
        .route(&api_path("/customer/fetch"), post(api::fetch_customers))
        .route("/_edge/tenant_info", get(api::tenant_info))
        .route("/_sandbox/state", get(control::state))
        .route("/_sandbox/reset", post(control::reset))
        .route("/_sandbox/config", get(control::config).post(control::change_config))
        .route("/_sandbox/fields", post(control::add_field))
        .fallback(|| async { ApiError::NotFound("No such resource.".into()) })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .with_state(state.clone());
    // `Router::layer` wraps each route after routing; wrapping the whole router as one fallback service instead
    // puts CORS and the gate in front of routing, so a preflight never meets a method router.
    Router::new()
        .fallback_service(routed)
        .layer(from_fn_with_state(state.clone(), gate))
        .layer(from_fn_with_state(state, cors))
}
