//! The requests the app sends, as values: URL, headers and body for each CSM endpoint it uses (contract §3).
//!
//! Owns the endpoint paths and the header set. Every request carries Authorization, `Accept: application/json`
//! and `X-ExperimentalApi: opt-in`; bulk requests add `Content-Type` and the batch's `Idempotency-Key`.

use super::connection::Connection;
use super::http::{HttpRequest, Method};
use crate::domain::schema::Entity;

fn segment(entity: Entity) -> &'static str {
    match entity {
        Entity::Customers => "customer",
        Entity::Organizations => "organization",
    }
}

fn headers(conn: &Connection) -> Vec<(&'static str, String)> {
    vec![
        ("Authorization", conn.auth.header()),
        ("Accept", "application/json".to_owned()),
        ("X-ExperimentalApi", "opt-in".to_owned()),
    ]
}

fn post(conn: &Connection, path: &str, body: String) -> HttpRequest {
    let mut headers = headers(conn);
    headers.push(("Content-Type", "application/json".to_owned()));
    HttpRequest { method: Method::Post, url: format!("{}{path}", conn.api_root()), headers, body: Some(body) }
}

/// `GET /customer/details` or `/organization/details`: the site's detail fields.
pub fn field_catalogue(conn: &Connection, entity: Entity) -> HttpRequest {
    let url = format!("{}/{}/details", conn.api_root(), segment(entity));
    HttpRequest { method: Method::Get, url, headers: headers(conn), body: None }
}

/// `POST /…/profile/bulk` with one batch and its Idempotency-Key.
pub fn bulk(conn: &Connection, entity: Entity, body: String, idempotency_key: &str) -> HttpRequest {
    let mut request = post(conn, &format!("/{}/profile/bulk", segment(entity)), body);
    request.headers.push(("Idempotency-Key", idempotency_key.to_owned()));
    request
}

/// `GET /tasks/{taskId}`.
pub fn task_status(conn: &Connection, task_id: &str) -> HttpRequest {
    let url = format!("{}/tasks/{}", conn.api_root(), path_segment(task_id));
    HttpRequest { method: Method::Get, url, headers: headers(conn), body: None }
}

/// Which of these keys already exist: `POST /organization/fetch` `{"names":[…]}` (contract §3), and for customers
/// `POST /customer/fetch` `{"emails":[…]}` — **(chosen)**: the contract names no customer lookup; a site that
/// lacks it answers 404 and the dry run says it cannot tell.
pub fn fetch_existing(conn: &Connection, entity: Entity, keys: &[String]) -> HttpRequest {
    let field = match entity {
        Entity::Customers => "emails",
        Entity::Organizations => "names",
    };
    let body = serde_json::json!({ field: keys }).to_string();
    post(conn, &format!("/{}/fetch", segment(entity)), body)
}

/// Percent-encodes everything but unreserved characters, so a task id cannot change the path.
fn path_segment(raw: &str) -> String {
    raw.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::api::connection::{Auth, Secret};

    fn conn() -> Connection {
        Connection::new("https://api.atlassian.com", "c1", Auth::Bearer { token: Secret::new("t") }).expect("valid")
    }

    #[test]
    fn bulk_requests_carry_every_header_the_contract_names() {
        let r = bulk(&conn(), Entity::Customers, "{}".into(), "k-1");
        assert_eq!(r.method, Method::Post);
        assert_eq!(r.url, "https://api.atlassian.com/jsm/csm/cloudid/c1/api/v1/customer/profile/bulk");
        assert_eq!(r.header("authorization"), Some("Bearer t"));
        assert_eq!(r.header("Accept"), Some("application/json"));
        assert_eq!(r.header("Content-Type"), Some("application/json"));
        assert_eq!(r.header("X-ExperimentalApi"), Some("opt-in"));
        assert_eq!(r.header("Idempotency-Key"), Some("k-1"));
    }

    #[test]
    fn reads_are_gets_without_a_body_or_key() {
        let r = field_catalogue(&conn(), Entity::Organizations);
        assert_eq!((r.method, r.body.as_deref()), (Method::Get, None));
        assert!(r.url.ends_with("/api/v1/organization/details"));
        assert_eq!(r.header("Idempotency-Key"), None);
        assert!(task_status(&conn(), "a/b").url.ends_with("/tasks/a%2Fb"));
    }

    #[test]
    fn fetch_sends_names_for_organizations_and_emails_for_customers() {
        let keys = vec!["Acme".to_owned()];
        let r = fetch_existing(&conn(), Entity::Organizations, &keys);
        assert!(r.url.ends_with("/organization/fetch"));
        assert_eq!(r.body.as_deref(), Some(r#"{"names":["Acme"]}"#));
        assert_eq!(fetch_existing(&conn(), Entity::Customers, &keys).body.as_deref(), Some(r#"{"emails":["Acme"]}"#));
    }
}
