//! Sending an `HttpRequest` with the browser's fetch and reading the answer into an `HttpResponse`.
//!
//! Owns the fetch options (CORS mode, no cookies, no cache, a 60-second abort) and the diagnosis of a failed fetch:
//! the browser reports a CORS refusal, a blocked address and a dropped connection all as the same `TypeError`,
//! so `diagnose` tells them apart — the page's own CSP first, then a `no-cors` probe that succeeds only when the
//! server answered but withheld CORS permission. Never logs headers or bodies.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortController, Headers, Request, RequestCache, RequestCredentials, RequestInit, RequestMode, Response,
};

use crate::domain::api::connection::Connection;
use crate::domain::api::csp::connect_allowed;
use crate::domain::api::error::ApiError;
use crate::domain::api::http::{HttpRequest, HttpResponse, Method};

/// Longest wait for an answer before the request counts as a lost connection.
const TIMEOUT_MS: i32 = 60_000;

/// Sends `request`. A non-2xx answer is a typed `ApiError`; a fetch that fails outright is `ConnectionLost`
/// (use `diagnose` to find out why when it matters).
pub async fn send(request: &HttpRequest) -> Result<HttpResponse, ApiError> {
    let response = fetch(request, RequestMode::Cors).await.map_err(|_| ApiError::ConnectionLost)?;
    if response.is_success() {
        Ok(response)
    } else {
        Err(ApiError::from_response(&response))
    }
}

/// Why a request to `conn` could not be made at all.
pub async fn diagnose(conn: &Connection) -> ApiError {
    let base = conn.api_base().to_owned();
    let Some(api_origin) = conn.api_origin() else {
        // A same-origin relay: no CORS involved, so the network or the relay itself is down.
        return ApiError::Unreachable { base: if base.is_empty() { "this site".into() } else { base } };
    };
    let page = page_origin().unwrap_or_default();
    if let Some(policy) = page_csp() {
        if !connect_allowed(&policy, &page, &api_origin) {
            return ApiError::BlockedByPolicy { origin: api_origin };
        }
    }
    let probe = HttpRequest { method: Method::Get, url: conn.api_root(), headers: vec![], body: None };
    match fetch(&probe, RequestMode::NoCors).await {
        Ok(_) => ApiError::CorsRefused { api_origin, app_origin: page },
        Err(_) => ApiError::Unreachable { base },
    }
}

/// The page's origin, e.g. `https://intranet.example.com`.
pub fn page_origin() -> Option<String> {
    web_sys::window()?.location().origin().ok()
}

/// The Content-Security-Policy of the page's `<meta http-equiv>` tag.
fn page_csp() -> Option<String> {
    let document = web_sys::window()?.document()?;
    let meta = document.query_selector("meta[http-equiv='Content-Security-Policy']").ok()??;
    meta.get_attribute("content")
}

async fn fetch(request: &HttpRequest, mode: RequestMode) -> Result<HttpResponse, JsValue> {
    let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
    let init = RequestInit::new();
    init.set_method(request.method.as_str());
    init.set_mode(mode);
    init.set_credentials(RequestCredentials::Omit);
    init.set_cache(RequestCache::NoStore);
    let headers = Headers::new()?;
    for (name, value) in &request.headers {
        headers.set(name, value)?;
    }
    init.set_headers(&headers);
    if let Some(body) = &request.body {
        init.set_body(&JsValue::from_str(body));
    }
    let abort = AbortController::new()?;
    init.set_signal(Some(&abort.signal()));
    let timer = {
        let abort = abort.clone();
        gloo_timers::callback::Timeout::new(TIMEOUT_MS as u32, move || abort.abort())
    };
    let req = Request::new_with_str_and_init(&request.url, &init)?;
    let response: Response = JsFuture::from(window.fetch_with_request(&req)).await?.dyn_into()?;
    let status = response.status();
    let retry_after = response.headers().get("Retry-After").ok().flatten();
    let body = if mode == RequestMode::NoCors {
        String::new()
    } else {
        JsFuture::from(response.text()?).await?.as_string().unwrap_or_default()
    };
    drop(timer);
    Ok(HttpResponse { status, retry_after, body })
}
