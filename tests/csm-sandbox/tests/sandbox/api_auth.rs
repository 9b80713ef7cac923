//! Authentication (401), the experimental opt-in (412) and the read-only token (403).

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use csm_sandbox::config::Settings;
use serde_json::json;

use crate::support::{api_request, one_customer, Sandbox, API};

fn bare(method: Method, route: &str, headers: &[(&str, &str)]) -> Request<Body> {
    let mut request = Request::builder().method(method).uri(format!("{API}{route}"));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.body(Body::empty()).unwrap()
}

#[tokio::test]
async fn a_request_without_credentials_is_answered_401_with_a_message() {
    let sandbox = Sandbox::new();
    let answer = sandbox.send(bare(Method::GET, "/customer/details", &[("x-experimentalapi", "opt-in")])).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer.json, json!({"message": "Client must be authenticated to access this resource."}));
    assert_eq!(answer.header("content-type"), Some("application/json"));
}

#[tokio::test]
async fn wrong_credentials_are_checked_before_the_experimental_header() {
    let sandbox = Sandbox::new();
    let answer = sandbox.send(bare(Method::GET, "/customer/details", &[("authorization", "Bearer wrong")])).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn basic_credentials_of_the_configured_email_and_token_are_accepted() {
    let sandbox = Sandbox::new();
    let basic = format!("Basic {}", STANDARD.encode("admin@example.com:sandbox-token"));
    let headers = [("authorization", basic.as_str()), ("x-experimentalapi", "opt-in")];
    let answer = sandbox.send(bare(Method::GET, "/organization/details", &headers)).await;
    assert_eq!(answer.status, StatusCode::OK);
}

#[tokio::test]
async fn a_request_without_the_experimental_header_is_answered_412_with_an_error_message() {
    let sandbox = Sandbox::new();
    let answer =
        sandbox.send(bare(Method::GET, "/customer/details", &[("authorization", "Bearer sandbox-token")])).await;
    assert_eq!(answer.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(
        answer.json,
        json!({"errorMessage": "This API is experimental. Send the header X-ExperimentalApi: opt-in to use it."})
    );
}

#[tokio::test]
async fn the_readonly_token_may_read_but_every_write_is_forbidden() {
    let sandbox = Sandbox::with(Settings { readonly_token: Some("look-only".into()), ..Settings::default() });
    let as_reader = |method, route: &str, body: Option<String>| {
        let mut request = api_request(method, route, &[], body);
        request.headers_mut().insert("authorization", "Bearer look-only".parse().unwrap());
        request
    };
    for route in ["/customer/details", "/organization/details"] {
        assert_eq!(sandbox.send(as_reader(Method::GET, route, None)).await.status, StatusCode::OK);
    }
    let fetch = Some(json!({"names": ["Acme"]}).to_string());
    assert_eq!(sandbox.send(as_reader(Method::POST, "/organization/fetch", fetch)).await.status, StatusCode::OK);
    let writes = [
        ("/customer/profile/bulk", one_customer("ann@example.com")),
        (
            "/organization/profile/bulk",
            json!({"organizationProfiles": [{"operationType": "CREATE", "payload": {"name": "A"}}]}),
        ),
        ("/customer/details", json!({"name": "Plan", "type": {"name": "TEXT"}})),
        ("/organization/details", json!({"name": "Plan", "type": {"name": "TEXT"}})),
    ];
    for (route, body) in writes {
        let answer = sandbox.send(as_reader(Method::POST, route, Some(body.to_string()))).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{route}");
        assert!(answer.json["message"].is_string());
    }
    assert_eq!(sandbox.state().await["stats"]["tasksCreated"], 0);
}

#[tokio::test]
async fn tenant_info_needs_no_auth_and_names_the_configured_cloud_id() {
    let sandbox = Sandbox::with(Settings { cloud_id: "c-123".into(), ..Settings::default() });
    let answer = sandbox.control(Method::GET, "/_edge/tenant_info", None).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.json, json!({"cloudId": "c-123"}));
}

#[tokio::test]
async fn unknown_api_paths_and_wrong_methods_answer_json_errors() {
    let sandbox = Sandbox::new();
    let missing = sandbox.get("/nothing/here").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.json["message"].is_string());
    let wrong_method = sandbox.get("/customer/profile/bulk").await;
    assert_eq!(wrong_method.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(wrong_method.json["message"].is_string());
}
