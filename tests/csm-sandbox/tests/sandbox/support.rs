//! A sandbox under test: the router, the clock it reads, and request helpers that answer status, headers and JSON.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use axum::Router;
use csm_sandbox::clock::ManualClock;
use csm_sandbox::config::Settings;
use serde_json::{json, Value};
use tower::ServiceExt as _;

pub const API: &str = "/jsm/csm/cloudid/test-cloud/api/v1";
pub const BEARER: &str = "Bearer sandbox-token";

pub struct Sandbox {
    pub router: Router,
    pub clock: Arc<ManualClock>,
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub json: Value,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
}

impl Sandbox {
    /// Default settings, with tasks taking 1500 ms.
    pub fn new() -> Self {
        Self::with(Settings::default())
    }

    pub fn with(settings: Settings) -> Self {
        let clock = Arc::new(ManualClock::new());
        Self { router: csm_sandbox::app(settings, clock.clone()), clock }
    }

    pub fn wait(&self, millis: u64) {
        self.clock.advance(Duration::from_millis(millis));
    }

    pub async fn send(&self, request: Request<Body>) -> Answer {
        let response = self.router.clone().oneshot(request).await.expect("the router is infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("a complete body");
        let json = if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).expect("a JSON body") };
        Answer { status, headers, json }
    }

    /// An authenticated, opted-in API call; `body` is sent as JSON text when given.
    pub async fn api(&self, method: Method, route: &str, body: Option<Value>) -> Answer {
        self.send(api_request(method, route, &[], body.map(|body| body.to_string()))).await
    }

    pub async fn get(&self, route: &str) -> Answer {
        self.api(Method::GET, route, None).await
    }

    pub async fn post(&self, route: &str, body: Value) -> Answer {
        self.api(Method::POST, route, Some(body)).await
    }

    /// A bulk submit with an Idempotency-Key.
    pub async fn submit_keyed(&self, route: &str, key: &str, body: &Value) -> Answer {
        self.send(api_request(Method::POST, route, &[("idempotency-key", key)], Some(body.to_string()))).await
    }

    /// A control call (no auth).
    pub async fn control(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        let request = Request::builder().method(method).uri(path);
        let body = body.map_or_else(Body::empty, |body| Body::from(body.to_string()));
        self.send(request.body(body).expect("a valid request")).await
    }

    pub async fn state(&self) -> Value {
        self.control(Method::GET, "/_sandbox/state", None).await.json
    }

    pub async fn configure(&self, patch: Value) -> Answer {
        self.control(Method::POST, "/_sandbox/config", Some(patch)).await
    }
}

/// `{API}{route}` with Bearer credentials, the experimental opt-in and `extra` headers.
pub fn api_request(method: Method, route: &str, extra: &[(&str, &str)], body: Option<String>) -> Request<Body> {
    let mut request = Request::builder()
        .method(method)
        .uri(format!("{API}{route}"))
        .header("authorization", BEARER)
        .header("x-experimentalapi", "opt-in")
        .header("content-type", "application/json");
    for (name, value) in extra {
        request = request.header(*name, *value);
    }
    request.body(body.map_or_else(Body::empty, Body::from)).expect("a valid request")
}

/// A customer bulk body of `(operation, email, details)` items.
pub fn customers(items: &[(&str, &str, Value)]) -> Value {
    let profiles: Vec<_> = items
        .iter()
        .map(|(operation, email, details)| {
            json!({"operationType": operation, "payload": {"email": email, "details": details}})
        })
        .collect();
    json!({ "customerProfiles": profiles })
}

/// A one-item customer CREATE body.
pub fn one_customer(email: &str) -> Value {
    customers(&[("CREATE", email, json!([]))])
}

/// An organization bulk body of `(operation, name)` items.
pub fn organizations(items: &[(&str, &str)]) -> Value {
    let profiles: Vec<_> =
        items.iter().map(|(operation, name)| json!({"operationType": operation, "payload": {"name": name}})).collect();
    json!({ "organizationProfiles": profiles })
}
