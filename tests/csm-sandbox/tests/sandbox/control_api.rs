//! The control API: state dump, reset, config, adding fields.

use axum::http::{Method, StatusCode};
use csm_sandbox::config::{Behaviour, Settings};
use serde_json::json;

use crate::support::{one_customer, Sandbox};

#[tokio::test]
async fn reset_returns_to_the_start_state_and_the_command_line_behaviour() {
    let behaviour = Behaviour { task_ms: 900, ..Behaviour::default() };
    let sandbox = Sandbox::with(Settings { behaviour, ..Settings::default() });
    let fresh = sandbox.state().await;
    sandbox.post("/customer/details", json!({"name": "Plan", "type": {"name": "TEXT"}})).await;
    sandbox.post("/customer/profile/bulk", one_customer("ann@example.com")).await;
    sandbox.configure(json!({"taskMs": 5, "cors": "refuse"})).await;
    sandbox.wait(1000);
    assert_ne!(sandbox.state().await, fresh);

    let reset = sandbox.control(Method::POST, "/_sandbox/reset", None).await;
    assert_eq!(reset.status, StatusCode::OK);
    assert_eq!(sandbox.state().await, fresh);
    let config = sandbox.control(Method::GET, "/_sandbox/config", None).await.json;
    assert_eq!(config["taskMs"], 900);
    assert_eq!(config["cors"], "allow");
    assert_eq!(sandbox.post("/customer/profile/bulk", one_customer("ann@example.com")).await.json["id"], "task-1");
}

#[tokio::test]
async fn a_config_change_answers_the_whole_config() {
    let sandbox = Sandbox::new();
    let answer = sandbox.configure(json!({"faultEvery": 3, "faults": ["drop", "429"], "failTasks": true})).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        answer.json,
        json!({"cors": "allow", "taskMs": 1500, "failTasks": true, "faultEvery": 3, "faults": ["drop", "429"],
            "retryAfter": 1})
    );
}

#[tokio::test]
async fn a_bad_config_change_is_a_400_and_changes_nothing() {
    let sandbox = Sandbox::new();
    let before = sandbox.control(Method::GET, "/_sandbox/config", None).await.json;
    for patch in [
        json!({"taskMs": -1}),
        json!({"faults": ["500"]}),
        json!({"cors": "maybe"}),
        json!({"speed": 1}),
        json!({"taskMs": 5, "failTasks": "yes"}),
    ] {
        let answer = sandbox.configure(patch.clone()).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{patch}");
        assert!(answer.json["errors"][0]["message"].is_string());
    }
    assert_eq!(sandbox.control(Method::GET, "/_sandbox/config", None).await.json, before);
}

#[tokio::test]
async fn a_field_added_through_the_control_api_is_usable_in_bulk_items() {
    let sandbox = Sandbox::new();
    let field = json!({"entity": "customers", "name": "Plan", "type": {"name": "SELECT", "options": ["Gold"]}});
    let answer = sandbox.control(Method::POST, "/_sandbox/fields", Some(field)).await;
    assert_eq!(answer.status, StatusCode::CREATED);
    assert_eq!(answer.json, json!({"name": "Plan", "type": {"name": "SELECT", "options": ["Gold"]}}));
    let body = json!({"customerProfiles": [{"operationType": "CREATE", "payload": {"email": "ann@example.com",
        "details": [{"name": "Plan", "values": ["Gold"]}]}}]});
    sandbox.post("/customer/profile/bulk", body).await;
    sandbox.wait(1500);
    let state = sandbox.state().await;
    assert_eq!(state["customers"][0]["details"], json!({"Plan": ["Gold"]}));
    assert_eq!(state["fields"]["customers"].as_array().unwrap().len(), 8);
    let wrong = json!({"entity": "people", "name": "X", "type": {"name": "TEXT"}});
    assert_eq!(sandbox.control(Method::POST, "/_sandbox/fields", Some(wrong)).await.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_state_dump_lists_tasks_and_counts_routes() {
    let sandbox = Sandbox::new();
    sandbox.submit_keyed("/customer/profile/bulk", "k", &one_customer("ann@example.com")).await;
    sandbox.get("/tasks/task-1").await;
    let state = sandbox.state().await;
    assert_eq!(
        state["tasks"],
        json!([{"id": "task-1", "type": "CUSTOMER_PROFILE_BULK", "status": "NOT_STARTED", "items": 1,
            "idempotencyKey": "k", "failures": 0}])
    );
    assert_eq!(state["stats"]["byRoute"], json!({"POST /customer/profile/bulk": 1, "GET /tasks/{id}": 1}));
    assert_eq!(state["stats"]["bulkSubmits"], 1);
}
