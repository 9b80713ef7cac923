//! The API front door, in this order: count the request, play a fault (429/503 answer at once, `drop` lets the
//! request run and then kills the connection), authenticate (401), require `X-ExperimentalApi: opt-in` (412),
//! and refuse writes to the read-only token (403). Requests outside the API prefix pass untouched.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::auth::{authenticate, is_write, Access};
use crate::config::FaultKind;
use crate::errors::ApiError;
use crate::faults;
use crate::state::AppState;

/// Every API path starts with this, then `{cloudId}/api/v1`.
const API_PREFIX: &str = "/jsm/csm/cloudid/";

/// The part of an API path after `/api/v1` (any cloudId), or `None` for paths outside the API.
pub fn api_route(path: &str) -> Option<&str> {
    let (cloud_id, rest) = path.strip_prefix(API_PREFIX)?.split_once('/')?;
    let route = rest.strip_prefix("api/v1")?;
    (!cloud_id.is_empty() && (route.is_empty() || route.starts_with('/'))).then_some(route)
}

/// The stats name of a route, with task ids folded: `GET /tasks/{id}`.
fn route_name(method: &Method, route: &str) -> String {
    let route = if route.starts_with("/tasks/") { "/tasks/{id}" } else { route };
    format!("{method} {route}")
}

pub async fn gate(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(route) = api_route(request.uri().path()) else {
        return next.run(request).await;
    };
    let route = route.to_owned();
    let (fault, retry_after) = {
        let mut world = state.world();
        let name = route_name(request.method(), &route);
        world.stats.count_request(&name);
        let behaviour = world.behaviour.clone();
        let fault = world.faults.next(&behaviour);
        if let Some(kind) = fault {
            world.stats.count_fault(kind);
        }
        (fault, behaviour.retry_after)
    };
    match fault {
        Some(FaultKind::RateLimit) => return ApiError::RateLimited { retry_after }.into_response(),
        Some(FaultKind::Unavailable) => return ApiError::Unavailable { retry_after }.into_response(),
        Some(FaultKind::Drop) | None => {}
    }
    let response = match admit(request.headers(), request.method(), &route, &state) {
        Ok(()) => next.run(request).await,
        Err(error) => error.into_response(),
    };
    if fault == Some(FaultKind::Drop) {
        faults::dropped(response)
    } else {
        response
    }
}

fn admit(headers: &HeaderMap, method: &Method, route: &str, state: &AppState) -> Result<(), ApiError> {
    let access = authenticate(headers, &state.settings).ok_or(ApiError::Unauthenticated)?;
    let opted_in = headers
        .get("x-experimentalapi")
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.trim().eq_ignore_ascii_case("opt-in"));
    if !opted_in {
        return Err(ApiError::NotExperimental);
    }
    if access == Access::ReadOnly && is_write(method, route) {
        return Err(ApiError::Forbidden);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_routes_are_found_under_any_cloud_id() {
        assert_eq!(api_route("/jsm/csm/cloudid/abc/api/v1/tasks/task-1"), Some("/tasks/task-1"));
        assert_eq!(api_route("/jsm/csm/cloudid/abc/api/v2/tasks"), None);
        assert_eq!(api_route("/jsm/csm/cloudid//api/v1/tasks"), None);
        assert_eq!(api_route("/_sandbox/state"), None);
        assert_eq!(route_name(&Method::GET, "/tasks/task-9"), "GET /tasks/{id}");
    }
}
