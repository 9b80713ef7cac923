//! The detail-field catalogues: defaults, creating fields, refusing bad ones.

use axum::http::StatusCode;
use serde_json::json;

use crate::support::Sandbox;

#[tokio::test]
async fn the_catalogues_start_with_the_contract_defaults() {
    let sandbox = Sandbox::new();
    let customers = sandbox.get("/customer/details").await.json;
    let names: Vec<_> = customers["results"].as_array().unwrap().iter().map(|field| field["name"].clone()).collect();
    assert_eq!(names, ["Full name", "Phone", "External ID", "Type", "Title", "Region", "Preferred Language"]);
    assert_eq!(customers["results"][0], json!({"name": "Full name", "type": {"name": "TEXT"}}));
    assert_eq!(
        customers["results"][3]["type"]["options"],
        json!(["Customer", "Prospect", "Partner", "Supplier/Vendor", "Other"])
    );
    let organizations = sandbox.get("/organization/details").await.json;
    assert_eq!(organizations["results"][4], json!({"name": "Website", "type": {"name": "URL"}}));
    assert_eq!(
        organizations["results"][5]["type"]["options"],
        json!(["Enterprise", "Mid-market", "SMB", "Startup", "Consumer"])
    );
}

#[tokio::test]
async fn a_new_select_field_is_answered_201_and_listed_afterwards() {
    let sandbox = Sandbox::new();
    let field = json!({"name": "Plan", "type": {"name": "SELECT", "options": ["Gold", "Silver"]}});
    let answer = sandbox.post("/customer/details", field.clone()).await;
    assert_eq!(answer.status, StatusCode::CREATED);
    assert_eq!(answer.json, field);
    let listed = sandbox.get("/customer/details").await.json;
    assert_eq!(listed["results"].as_array().unwrap().last(), Some(&field));
    let organizations = sandbox.get("/organization/details").await.json;
    assert_eq!(organizations["results"].as_array().unwrap().len(), 6);
}

#[tokio::test]
async fn a_bad_new_field_is_a_400_with_an_errors_list() {
    let sandbox = Sandbox::new();
    let bad = [
        json!({"name": "", "type": {"name": "TEXT"}}),
        json!({"name": "Title", "type": {"name": "TEXT"}}),
        json!({"name": "Age", "type": {"name": "INTEGER"}}),
        json!({"name": "Plan", "type": {"name": "MULTISELECT"}}),
        json!({"name": "Plan", "type": {"name": "SELECT", "options": []}}),
    ];
    for body in bad {
        let answer = sandbox.post("/customer/details", body.clone()).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{body}");
        assert!(answer.json["errors"][0]["message"].is_string(), "{body}");
    }
}
