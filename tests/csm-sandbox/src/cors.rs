//! CORS. Allowing: every answer reflects the request's Origin and exposes the rate-limit headers; preflights
//! (any OPTIONS) answer 204. Refusing: no Access-Control-* header at all and preflights answer 403. The control
//! routes (`/_sandbox/*`) always allow. Preflights never reach authentication or fault injection.

use axum::extract::{Request, State};
use axum::http::header::{
    HeaderValue, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN,
    ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE, ORIGIN, VARY,
};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::state::AppState;

const EXPOSE_HEADERS: &str = "Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset";
const ALLOW_METHODS: &str = "GET, POST, OPTIONS";
const ALLOW_HEADERS: &str = "authorization, content-type, accept, idempotency-key, x-experimentalapi";
const MAX_AGE_SECONDS: u32 = 600;

pub async fn cors(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let origin = request.headers().get(ORIGIN).cloned();
    let allow = request.uri().path().starts_with("/_sandbox/") || state.world().behaviour.cors_allow;
    let mut response = if request.method() == Method::OPTIONS {
        let status = if allow { StatusCode::NO_CONTENT } else { StatusCode::FORBIDDEN };
        let mut response = status.into_response();
        if allow {
            let headers = response.headers_mut();
            headers.insert(ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static(ALLOW_METHODS));
            headers.insert(ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static(ALLOW_HEADERS));
            headers.insert(ACCESS_CONTROL_MAX_AGE, HeaderValue::from(MAX_AGE_SECONDS));
        }
        response
    } else {
        next.run(request).await
    };
    decorate(response.headers_mut(), origin, allow);
    response
}

fn decorate(headers: &mut HeaderMap, origin: Option<HeaderValue>, allow: bool) {
    headers.append(VARY, HeaderValue::from_static("Origin"));
    if !allow {
        return;
    }
    if let Some(origin) = origin {
        headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    }
    headers.insert(ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static(EXPOSE_HEADERS));
}
