//! CORS: reflecting the Origin, preflights, refusing, and the control routes that always allow.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use csm_sandbox::config::{Behaviour, Settings};
use serde_json::json;

use crate::support::{api_request, Answer, Sandbox, API};

const ORIGIN: &str = "http://localhost:8080";

fn preflight(path: &str) -> Request<Body> {
    Request::builder()
        .method(Method::OPTIONS)
        .uri(path)
        .header("origin", ORIGIN)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "authorization, idempotency-key, x-experimentalapi")
        .body(Body::empty())
        .unwrap()
}

fn access_control_headers(answer: &Answer) -> Vec<String> {
    answer
        .headers
        .keys()
        .map(|name| name.as_str().to_owned())
        .filter(|name| name.starts_with("access-control-"))
        .collect()
}

fn refusing() -> Sandbox {
    Sandbox::with(Settings {
        behaviour: Behaviour { cors_allow: false, ..Behaviour::default() },
        ..Settings::default()
    })
}

#[tokio::test]
async fn allowing_cors_reflects_the_origin_and_exposes_the_rate_limit_headers() {
    let sandbox = Sandbox::new();
    let request = api_request(Method::GET, "/customer/details", &[("origin", ORIGIN)], None);
    let answer = sandbox.send(request).await;
    assert_eq!(answer.header("access-control-allow-origin"), Some(ORIGIN));
    assert_eq!(answer.header("vary"), Some("Origin"));
    assert_eq!(
        answer.header("access-control-expose-headers"),
        Some("Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset")
    );
    let mut unauthenticated = api_request(Method::GET, "/customer/details", &[("origin", ORIGIN)], None);
    unauthenticated.headers_mut().remove("authorization");
    let error = sandbox.send(unauthenticated).await;
    assert_eq!(error.status, StatusCode::UNAUTHORIZED);
    assert_eq!(error.header("access-control-allow-origin"), Some(ORIGIN), "errors carry CORS headers too");
}

#[tokio::test]
async fn a_request_without_an_origin_gets_no_allow_origin_header() {
    let sandbox = Sandbox::new();
    let answer = sandbox.get("/customer/details").await;
    assert_eq!(answer.header("access-control-allow-origin"), None);
    assert_eq!(answer.header("vary"), Some("Origin"));
}

#[tokio::test]
async fn a_preflight_is_answered_204_without_auth_and_is_not_counted() {
    let sandbox = Sandbox::new();
    let answer = sandbox.send(preflight(&format!("{API}/customer/profile/bulk"))).await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
    assert_eq!(answer.header("access-control-allow-origin"), Some(ORIGIN));
    assert_eq!(answer.header("access-control-allow-methods"), Some("GET, POST, OPTIONS"));
    assert_eq!(
        answer.header("access-control-allow-headers"),
        Some("authorization, content-type, accept, idempotency-key, x-experimentalapi")
    );
    assert_eq!(answer.header("access-control-max-age"), Some("600"));
    assert_eq!(answer.header("allow"), None);
    assert_eq!(sandbox.state().await["stats"]["apiRequests"], 0);
}

#[tokio::test]
async fn refusing_cors_strips_every_access_control_header_and_fails_preflights() {
    let sandbox = refusing();
    let answer = sandbox.send(api_request(Method::GET, "/customer/details", &[("origin", ORIGIN)], None)).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(access_control_headers(&answer), Vec::<String>::new());
    let preflight = sandbox.send(preflight(&format!("{API}/customer/profile/bulk"))).await;
    assert_eq!(preflight.status, StatusCode::FORBIDDEN);
    assert_eq!(access_control_headers(&preflight), Vec::<String>::new());
}

#[tokio::test]
async fn control_routes_allow_cors_even_when_refusing() {
    let sandbox = refusing();
    let preflight = sandbox.send(preflight("/_sandbox/config")).await;
    assert_eq!(preflight.status, StatusCode::NO_CONTENT);
    assert_eq!(preflight.header("access-control-allow-origin"), Some(ORIGIN));
    let request = Request::builder().uri("/_sandbox/state").header("origin", ORIGIN).body(Body::empty()).unwrap();
    assert_eq!(sandbox.send(request).await.header("access-control-allow-origin"), Some(ORIGIN));
}

#[tokio::test]
async fn cors_can_be_switched_while_running() {
    let sandbox = Sandbox::new();
    assert_eq!(sandbox.configure(json!({"cors": "refuse"})).await.json["cors"], "refuse");
    let refused = sandbox.send(preflight(&format!("{API}/tasks/task-1"))).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    sandbox.configure(json!({"cors": "allow"})).await;
    assert_eq!(sandbox.send(preflight(&format!("{API}/tasks/task-1"))).await.status, StatusCode::NO_CONTENT);
}
