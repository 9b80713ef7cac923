//! Reading profiles back: `/organization/fetch` (contract) and `/customer/fetch` (the sandbox's own choice).

use axum::http::StatusCode;
use serde_json::json;

use crate::support::{one_customer, Sandbox};

async fn with_organizations(sandbox: &Sandbox) {
    let body = json!({"organizationProfiles": [
        {"operationType": "CREATE", "payload": {"name": "Acme", "details": [{"name": "Industry", "values": ["Rockets"]}]}},
        {"operationType": "CREATE", "payload": {"name": "Globex"}},
    ]});
    sandbox.post("/organization/profile/bulk", body).await;
    sandbox.wait(1500);
}

#[tokio::test]
async fn organizations_are_found_by_trimmed_case_insensitive_name_and_by_id() {
    let sandbox = Sandbox::new();
    with_organizations(&sandbox).await;
    let answer = sandbox.post("/organization/fetch", json!({"names": ["  ACME ", "Initech"]})).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        answer.json,
        json!({"results": [{"id": "10001", "name": "Acme", "details": [{"name": "Industry", "values": ["Rockets"]}]}]})
    );
    let by_id = sandbox.post("/organization/fetch", json!({"ids": ["10002", "10003"]})).await;
    assert_eq!(by_id.json, json!({"results": [{"id": "10002", "name": "Globex", "details": []}]}));
}

#[tokio::test]
async fn fetching_more_than_fifty_or_nothing_is_a_400() {
    let sandbox = Sandbox::new();
    let names: Vec<_> = (0..51).map(|n| format!("Org {n}")).collect();
    for body in [json!({ "names": names }), json!({}), json!({"names": "Acme"})] {
        let answer = sandbox.post("/organization/fetch", body).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST);
        assert!(answer.json["errors"][0]["message"].is_string());
    }
    let emails: Vec<_> = (0..51).map(|n| format!("c{n}@example.com")).collect();
    assert_eq!(sandbox.post("/customer/fetch", json!({ "emails": emails })).await.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn customers_are_found_by_email_ignoring_case() {
    let sandbox = Sandbox::new();
    sandbox.post("/customer/profile/bulk", one_customer("ann@example.com")).await;
    sandbox.wait(1500);
    let answer = sandbox.post("/customer/fetch", json!({"emails": ["ANN@example.com", "bob@example.com"]})).await;
    assert_eq!(
        answer.json,
        json!({"results": [{"id": "10001", "email": "ann@example.com", "displayName": "ann@example.com", "details": []}]})
    );
}
