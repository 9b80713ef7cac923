//! The real server on 127.0.0.1:0, spoken to over a raw TCP socket: a `drop` fault processes the request, then
//! closes the connection without a complete answer.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use csm_sandbox::clock::SystemClock;
use csm_sandbox::config::{Behaviour, FaultKind, Settings};
use serde_json::Value;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

use crate::support::{one_customer, API, BEARER};

async fn start(settings: Settings) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let app = csm_sandbox::app(settings, Arc::new(SystemClock));
    tokio::spawn(async move { axum::serve(listener, app).await });
    address
}

/// Sends one HTTP/1.1 request and reads until the server closes the connection.
async fn exchange(address: SocketAddr, head: &str, body: &str) -> String {
    let mut stream = TcpStream::connect(address).await.unwrap();
    let request =
        format!("{head}\r\nHost: {address}\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}", body.len());
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer)).await;
    match read.expect("the server answers or closes within 10 s") {
        Ok(_) => {}
        Err(error) => assert_eq!(error.kind(), std::io::ErrorKind::ConnectionReset, "{error}"),
    }
    String::from_utf8_lossy(&answer).into_owned()
}

fn submit(body: &str) -> (String, String) {
    let head = format!(
        "POST {API}/customer/profile/bulk HTTP/1.1\r\nAuthorization: {BEARER}\r\nX-ExperimentalApi: opt-in\r\n\
         Content-Type: application/json\r\nIdempotency-Key: drop-key"
    );
    (head, body.to_owned())
}

fn json_of(answer: &str) -> Value {
    let (_, body) = answer.split_once("\r\n\r\n").expect("a complete head");
    serde_json::from_str(body).expect("a JSON body")
}

#[tokio::test]
async fn a_drop_fault_closes_the_connection_without_an_answer_after_creating_the_task() {
    let behaviour = Behaviour { fault_every: 1, faults: vec![FaultKind::Drop], ..Behaviour::default() };
    let address = start(Settings { behaviour, ..Settings::default() }).await;
    let body = one_customer("ann@example.com").to_string();

    let (head, payload) = submit(&body);
    let dropped = exchange(address, &head, &payload).await;
    assert!(!dropped.contains("\r\n\r\n"), "no complete response may arrive, got {dropped:?}");

    let state = json_of(&exchange(address, "GET /_sandbox/state HTTP/1.1", "").await);
    assert_eq!(state["tasks"][0]["id"], "task-1");
    assert_eq!(state["tasks"][0]["idempotencyKey"], "drop-key");
    assert_eq!(state["stats"]["faults"]["drop"], 1);

    let config = "POST /_sandbox/config HTTP/1.1\r\nContent-Type: application/json";
    assert!(exchange(address, config, r#"{"faultEvery":0}"#).await.starts_with("HTTP/1.1 200"));
    let replay = exchange(address, &head, &payload).await;
    assert!(replay.starts_with("HTTP/1.1 200"), "{replay}");
    assert_eq!(json_of(&replay)["id"], "task-1", "the retry with the same key gets the task the drop hid");
}
