//! Bulk submits: body validation, task answers, Idempotency-Key replay and conflict, the 5-unfinished limit.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::support::{api_request, one_customer, organizations, Sandbox};

const CUSTOMERS: &str = "/customer/profile/bulk";

#[tokio::test]
async fn a_submit_answers_a_task_id_and_its_status_url() {
    let sandbox = Sandbox::new();
    let answer = sandbox.post(CUSTOMERS, one_customer("ann@example.com")).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.json, json!({"id": "task-1", "statusUrl": "/api/v1/tasks/task-1"}));
    let second = sandbox.post("/organization/profile/bulk", organizations(&[("CREATE", "Acme")])).await;
    assert_eq!(second.json["id"], "task-2");
}

#[tokio::test]
async fn malformed_or_badly_shaped_bodies_are_400s_with_an_errors_list() {
    let sandbox = Sandbox::new();
    let too_many = Value::Array(
        (0..101).map(|n| one_customer(&format!("c{n}@example.com"))["customerProfiles"][0].clone()).collect(),
    );
    let bodies = [
        "{not json".to_owned(),
        json!([]).to_string(),
        json!({"customers": []}).to_string(),
        json!({"customerProfiles": []}).to_string(),
        json!({ "customerProfiles": too_many }).to_string(),
        json!({"customerProfiles": [{"operationType": "DELETE", "payload": {"email": "a@b.com"}}]}).to_string(),
        json!({"customerProfiles": [{"operationType": "CREATE"}]}).to_string(),
        json!({"customerProfiles": [{"operationType": "CREATE", "payload": {"email": 7}}]}).to_string(),
        json!({"customerProfiles": [{"operationType": "CREATE", "payload": {"email": "a@b.com", "details": {}}}]})
            .to_string(),
        json!({"customerProfiles": [{"operationType": "CREATE", "payload": {"email": "a@b.com",
            "associateOrganizations": {"organizationIds": [10001]}}}]})
        .to_string(),
    ];
    for body in bodies {
        let answer = sandbox.send(api_request(Method::POST, CUSTOMERS, &[], Some(body.clone()))).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{body}");
        assert!(answer.json["errors"][0]["message"].is_string(), "{body}");
    }
    let state = sandbox.state().await;
    assert_eq!(state["tasks"], json!([]));
    assert_eq!(state["stats"]["bulkSubmits"], 10);
}

#[tokio::test]
async fn one_hundred_items_are_accepted() {
    let sandbox = Sandbox::new();
    let items: Vec<_> =
        (0..100).map(|n| one_customer(&format!("c{n}@example.com"))["customerProfiles"][0].clone()).collect();
    let answer = sandbox.post(CUSTOMERS, json!({ "customerProfiles": items })).await;
    assert_eq!(answer.status, StatusCode::OK);
    sandbox.wait(1500);
    assert_eq!(sandbox.state().await["customers"].as_array().unwrap().len(), 100);
}

#[tokio::test]
async fn the_same_key_with_the_same_body_replays_the_task_without_creating_another() {
    let sandbox = Sandbox::new();
    let body = one_customer("ann@example.com");
    let first = sandbox.submit_keyed(CUSTOMERS, "key-1", &body).await;
    let again = sandbox.submit_keyed(CUSTOMERS, "key-1", &body).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.json, first.json);
    let state = sandbox.state().await;
    assert_eq!(state["tasks"].as_array().unwrap().len(), 1);
    assert_eq!(state["tasks"][0]["idempotencyKey"], "key-1");
    assert_eq!(state["stats"]["idempotentReplays"], 1);
    assert_eq!(state["stats"]["tasksCreated"], 1);
}

#[tokio::test]
async fn the_same_key_with_another_body_is_a_422_conflict() {
    let sandbox = Sandbox::new();
    sandbox.submit_keyed(CUSTOMERS, "key-1", &one_customer("ann@example.com")).await;
    let answer = sandbox.submit_keyed(CUSTOMERS, "key-1", &one_customer("bob@example.com")).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(answer.json, json!({"message": "This Idempotency-Key was already used with a different request body."}));
    assert_eq!(sandbox.state().await["stats"]["keyConflicts"], 1);
}

#[tokio::test]
async fn submits_without_a_key_always_create_a_new_task() {
    let sandbox = Sandbox::new();
    let body = organizations(&[("UPSERT", "Acme")]);
    sandbox.post("/organization/profile/bulk", body.clone()).await;
    let second = sandbox.post("/organization/profile/bulk", body).await;
    assert_eq!(second.json["id"], "task-2");
}

#[tokio::test]
async fn a_sixth_unfinished_task_is_refused_and_its_key_is_not_remembered() {
    let sandbox = Sandbox::new();
    for n in 0..5 {
        let answer =
            sandbox.submit_keyed(CUSTOMERS, &format!("key-{n}"), &one_customer(&format!("c{n}@example.com"))).await;
        assert_eq!(answer.status, StatusCode::OK);
    }
    let sixth = one_customer("six@example.com");
    let refused = sandbox.submit_keyed(CUSTOMERS, "key-6", &sixth).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(refused.json, json!({"message": "Maximum number of tasks reached"}));
    let organization = sandbox.post("/organization/profile/bulk", organizations(&[("CREATE", "Acme")])).await;
    assert_eq!(organization.status, StatusCode::BAD_REQUEST, "the limit covers both entities");

    let replay = sandbox.submit_keyed(CUSTOMERS, "key-0", &one_customer("c0@example.com")).await;
    assert_eq!(replay.status, StatusCode::OK, "a replay is answered even at the limit");
    assert_eq!(replay.json["id"], "task-1");

    sandbox.wait(1500);
    let retried = sandbox.submit_keyed(CUSTOMERS, "key-6", &sixth).await;
    assert_eq!(retried.status, StatusCode::OK);
    assert_eq!(retried.json["id"], "task-6");
    let stats = &sandbox.state().await["stats"];
    assert_eq!(stats["taskLimitRejections"], 2);
    assert_eq!(stats["tasksCreated"], 6);
}
