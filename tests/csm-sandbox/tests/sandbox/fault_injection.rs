//! Fault injection through the router: which requests count, the round-robin, what an injected answer carries.

use axum::http::{Method, StatusCode};
use csm_sandbox::config::{Behaviour, FaultKind, Settings};
use serde_json::json;

use crate::support::{api_request, one_customer, Sandbox};

#[tokio::test]
async fn faults_are_played_round_robin_on_every_nth_api_request() {
    let behaviour = Behaviour {
        fault_every: 2,
        faults: vec![FaultKind::RateLimit, FaultKind::Unavailable],
        retry_after: 7,
        ..Behaviour::default()
    };
    let sandbox = Sandbox::with(Settings { behaviour, ..Settings::default() });
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(sandbox.get("/customer/details").await.status.as_u16());
    }
    assert_eq!(statuses, [200, 429, 200, 503, 200, 429]);
    let state = sandbox.state().await;
    assert_eq!(state["stats"]["faults"], json!({"429": 2, "503": 1, "drop": 0}));
    assert_eq!(state["stats"]["apiRequests"], 6);
    assert_eq!(state["stats"]["byRoute"], json!({"GET /customer/details": 6}));
}

#[tokio::test]
async fn an_injected_429_carries_retry_after_and_cors_and_processes_nothing() {
    let sandbox = Sandbox::new();
    sandbox.configure(json!({"faultEvery": 1, "faults": ["429"], "retryAfter": 3})).await;
    let request = api_request(
        Method::POST,
        "/customer/profile/bulk",
        &[("origin", "http://localhost:8080")],
        Some(one_customer("ann@example.com").to_string()),
    );
    let answer = sandbox.send(request).await;
    assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(answer.json, json!({"message": "Rate limit exceeded. Try again later."}));
    assert_eq!(answer.header("retry-after"), Some("3"));
    assert_eq!(answer.header("x-ratelimit-remaining"), Some("0"));
    assert_eq!(answer.header("access-control-allow-origin"), Some("http://localhost:8080"));
    let state = sandbox.state().await;
    assert_eq!(state["tasks"], json!([]));
    assert_eq!(state["stats"]["bulkSubmits"], 0);
}

#[tokio::test]
async fn an_injected_503_carries_retry_after_and_a_message() {
    let sandbox = Sandbox::new();
    sandbox.configure(json!({"faultEvery": 1, "faults": ["503"]})).await;
    let answer = sandbox.get("/tasks/task-1").await;
    assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(answer.json, json!({"message": "Service temporarily unavailable."}));
    assert_eq!(answer.header("retry-after"), Some("1"));
}

#[tokio::test]
async fn control_routes_tenant_info_and_preflights_never_count_for_faults() {
    let sandbox = Sandbox::new();
    sandbox.configure(json!({"faultEvery": 2, "faults": ["503"]})).await;
    assert_eq!(sandbox.get("/customer/details").await.status, StatusCode::OK);
    sandbox.state().await;
    sandbox.control(Method::GET, "/_edge/tenant_info", None).await;
    sandbox.control(Method::OPTIONS, "/jsm/csm/cloudid/x/api/v1/customer/details", None).await;
    assert_eq!(sandbox.get("/customer/details").await.status, StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn setting_the_fault_plan_restarts_the_count() {
    let sandbox = Sandbox::new();
    sandbox.get("/customer/details").await;
    sandbox.configure(json!({"faultEvery": 2, "faults": ["429"]})).await;
    assert_eq!(sandbox.get("/customer/details").await.status, StatusCode::OK);
    assert_eq!(sandbox.get("/customer/details").await.status, StatusCode::TOO_MANY_REQUESTS);
}
