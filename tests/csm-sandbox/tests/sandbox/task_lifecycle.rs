//! Tasks over time: status progression, applying items when done, per-item failures, FAILED tasks, merging.

use axum::http::StatusCode;
use csm_sandbox::config::{Behaviour, Settings};
use serde_json::{json, Value};

use crate::support::{customers, one_customer, organizations, Sandbox};

const CUSTOMERS: &str = "/customer/profile/bulk";

async fn status(sandbox: &Sandbox, id: &str) -> Value {
    sandbox.get(&format!("/tasks/{id}")).await.json
}

#[tokio::test]
async fn a_task_moves_from_not_started_to_in_progress_to_finished_with_time() {
    let sandbox = Sandbox::new();
    sandbox.post(CUSTOMERS, one_customer("ann@example.com")).await;
    let task = status(&sandbox, "task-1").await;
    assert_eq!(task, json!({"id": "task-1", "type": "CUSTOMER_PROFILE_BULK", "status": "NOT_STARTED", "failures": []}));
    sandbox.wait(499);
    assert_eq!(status(&sandbox, "task-1").await["status"], "NOT_STARTED");
    sandbox.wait(1);
    assert_eq!(status(&sandbox, "task-1").await["status"], "IN_PROGRESS");
    assert_eq!(sandbox.state().await["customers"], json!([]), "nothing is applied before the task finishes");
    sandbox.wait(999);
    assert_eq!(status(&sandbox, "task-1").await["status"], "IN_PROGRESS");
    sandbox.wait(1);
    assert_eq!(status(&sandbox, "task-1").await["status"], "FINISHED");
    let state = sandbox.state().await;
    assert_eq!(
        state["customers"],
        json!([{"id": "10001", "email": "ann@example.com", "displayName": "ann@example.com", "details": {},
            "organizationIds": []}])
    );
}

#[tokio::test]
async fn an_unknown_task_id_is_a_404_with_a_message() {
    let sandbox = Sandbox::new();
    let answer = sandbox.get("/tasks/task-99").await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert!(answer.json["message"].is_string());
}

#[tokio::test]
async fn failing_items_are_reported_and_the_others_applied() {
    let sandbox = Sandbox::new();
    sandbox.post(CUSTOMERS, one_customer("taken@example.com")).await;
    sandbox.wait(1500);
    let body = customers(&[
        ("CREATE", "ok@example.com", json!([{"name": "Title", "values": ["CEO"]}])),
        ("CREATE", "unknown@example.com", json!([{"name": "title", "values": ["CEO"]}])),
        ("CREATE", "option@example.com", json!([{"name": "Type", "values": ["Customer", "VIP"]}])),
        ("UPSERT", "not an email", json!([])),
        ("CREATE", "TAKEN@example.com", json!([])),
        ("UPDATE", "nobody@example.com", json!([])),
    ]);
    sandbox.post(CUSTOMERS, body).await;
    sandbox.wait(1500);
    let task = status(&sandbox, "task-2").await;
    assert_eq!(task["status"], "FINISHED");
    let failure = |entity_id: Value, operation: &str, operated_on: &str, error: &str| {
        json!({"entity": "CUSTOMER", "entityId": entity_id, "operation": operation, "operatedOn": operated_on,
            "operatedOnIds": [], "error": error})
    };
    assert_eq!(
        task["failures"],
        json!([
            failure(Value::Null, "CREATE", "unknown@example.com", "Detail field 'title' does not exist."),
            failure(Value::Null, "CREATE", "option@example.com", "Option 'VIP' is not defined for field 'Type'."),
            failure(Value::Null, "UPSERT", "not an email", "Invalid email address"),
            failure(json!("10001"), "CREATE", "TAKEN@example.com", "A customer with this email already exists."),
            failure(Value::Null, "UPDATE", "nobody@example.com", "No customer with this email exists."),
        ])
    );
    let state = sandbox.state().await;
    let emails: Vec<_> = state["customers"].as_array().unwrap().iter().map(|c| c["email"].clone()).collect();
    assert_eq!(emails, ["taken@example.com", "ok@example.com"]);
    assert_eq!(state["tasks"][1]["failures"], 5);
}

#[tokio::test]
async fn typed_fields_check_their_values() {
    let sandbox = Sandbox::new();
    for (name, kind) in
        [("Seats", "NUMBER"), ("Since", "DATE"), ("Active", "BOOLEAN"), ("Home", "URL"), ("Billing", "EMAIL")]
    {
        let field = json!({"name": name, "type": {"name": kind}});
        assert_eq!(sandbox.post("/organization/details", field).await.status, StatusCode::CREATED);
    }
    let item = |name: &str, detail: &str, value: &str| json!({"operationType": "CREATE", "payload": {"name": name, "details": [{"name": detail, "values": [value]}]}});
    let body = json!({"organizationProfiles": [
        item("A", "Seats", "12.5"), item("B", "Seats", "12 seats"),
        item("C", "Since", "2024-02-29"), item("D", "Since", "2023-02-29"),
        item("E", "Active", "true"), item("F", "Active", "yes"),
        item("G", "Home", "https://g.example"), item("H", "Home", "g.example"),
        item("I", "Billing", "i@i.example"), item("J", "Billing", "i.example"),
        item("K", "Industry", "one"),
        {"operationType": "CREATE", "payload": {"name": "L", "details": [{"name": "Industry", "values": ["a", "b"]}]}},
        {"operationType": "CREATE", "payload": {"name": "  "}},
    ]});
    sandbox.post("/organization/profile/bulk", body).await;
    sandbox.wait(1500);
    let task = status(&sandbox, "task-1").await;
    let failed: Vec<_> = task["failures"].as_array().unwrap().iter().map(|f| f["operatedOn"].clone()).collect();
    assert_eq!(failed, ["B", "D", "F", "H", "J", "L", "  "]);
    assert_eq!(task["failures"][0]["entity"], "ORGANIZATION");
    assert_eq!(task["failures"][0]["error"], "Value '12 seats' for field 'Seats' is not a number.");
}

#[tokio::test]
async fn upsert_creates_then_merges_details_and_keeps_fields_not_sent() {
    let sandbox = Sandbox::new();
    let first = json!({"customerProfiles": [{"operationType": "UPSERT", "payload": {"email": "ann@example.com",
        "displayName": "Ann", "details": [{"name": "Title", "values": ["CEO"]}, {"name": "Region", "values": ["EMEA"]}]}}]});
    sandbox.post(CUSTOMERS, first).await;
    sandbox.wait(1500);
    let second = json!({"customerProfiles": [{"operationType": "UPSERT", "payload": {"email": "Ann@Example.com",
        "details": [{"name": "Title", "values": ["CTO"]}, {"name": "Type", "values": ["Customer", "Partner"]}]}}]});
    sandbox.post(CUSTOMERS, second).await;
    sandbox.wait(1500);
    let state = sandbox.state().await;
    assert_eq!(state["customers"].as_array().unwrap().len(), 1);
    let ann = &state["customers"][0];
    assert_eq!(ann["displayName"], "Ann");
    assert_eq!(ann["email"], "ann@example.com");
    assert_eq!(ann["details"], json!({"Region": ["EMEA"], "Title": ["CTO"], "Type": ["Customer", "Partner"]}));
}

#[tokio::test]
async fn customers_are_linked_to_existing_organizations_only() {
    let sandbox = Sandbox::new();
    sandbox.post("/organization/profile/bulk", organizations(&[("CREATE", "Acme"), ("CREATE", "Globex")])).await;
    sandbox.wait(1500);
    let linked = |email: &str, ids: Value| json!({"operationType": "CREATE", "payload": {"email": email, "associateOrganizations": {"organizationIds": ids}}});
    let body = json!({"customerProfiles": [linked("ann@example.com", json!(["10002"])), linked("bob@example.com", json!(["10009"]))]});
    sandbox.post(CUSTOMERS, body).await;
    sandbox.wait(1500);
    let task = status(&sandbox, "task-2").await;
    assert_eq!(task["failures"][0]["error"], "No organization with id '10009' exists.");
    let state = sandbox.state().await;
    assert_eq!(state["customers"][0]["organizationIds"], json!(["10002"]));
    assert_eq!(state["organizations"][1]["customerIds"], json!(["10001"]));
    assert_eq!(state["organizations"][0]["customerIds"], json!([]));
}

#[tokio::test]
async fn items_of_one_task_are_applied_in_order() {
    let sandbox = Sandbox::new();
    sandbox
        .post(
            CUSTOMERS,
            customers(&[("CREATE", "ann@example.com", json!([])), ("CREATE", "ann@example.com", json!([]))]),
        )
        .await;
    sandbox.wait(1500);
    let task = status(&sandbox, "task-1").await;
    assert_eq!(task["failures"][0]["error"], "A customer with this email already exists.");
}

#[tokio::test]
async fn a_task_created_while_fail_tasks_is_on_fails_and_applies_nothing() {
    let sandbox = Sandbox::with(Settings {
        behaviour: Behaviour { fail_tasks: true, ..Behaviour::default() },
        ..Settings::default()
    });
    sandbox.post(CUSTOMERS, one_customer("ann@example.com")).await;
    sandbox.configure(json!({"failTasks": false})).await;
    sandbox.wait(1000);
    assert_eq!(status(&sandbox, "task-1").await["status"], "IN_PROGRESS");
    sandbox.wait(500);
    assert_eq!(
        status(&sandbox, "task-1").await,
        json!({"id": "task-1", "type": "CUSTOMER_PROFILE_BULK", "status": "FAILED", "failures": [],
            "error": "The task failed. Submit it again."})
    );
    assert_eq!(sandbox.state().await["customers"], json!([]));
}

#[tokio::test]
async fn the_task_time_is_fixed_when_the_task_is_created() {
    let sandbox = Sandbox::new();
    sandbox.configure(json!({"taskMs": 300})).await;
    sandbox.post(CUSTOMERS, one_customer("ann@example.com")).await;
    sandbox.configure(json!({"taskMs": 10000})).await;
    sandbox.wait(99);
    assert_eq!(status(&sandbox, "task-1").await["status"], "NOT_STARTED");
    sandbox.wait(201);
    assert_eq!(status(&sandbox, "task-1").await["status"], "FINISHED");
}
