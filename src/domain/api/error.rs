//! Everything that can go wrong talking to CSM, as one typed error whose messages tell a non-technical admin what
//! happened and what to do.
//!
//! Owns `ApiError`, its classification from a status and body (`from_response`), and whether it is worth a retry.
//! It does not decide how long to wait (`backoff`).

use super::http::HttpResponse;
use super::responses::error_message;

/// A failed call. Transient ones are retried with the same Idempotency-Key; the others stop and explain.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    #[error(
        "CSM did not accept the sign-in (401). Check that the email is the one you use for Atlassian and that the \
         API token is current; you can create a new token at id.atlassian.com › Security › API tokens."
    )]
    Unauthorized,
    #[error(
        "You are signed in, but your account may not do this (403). Importing customers and organizations needs \
         the Administer Jira global permission: ask a Jira admin to grant it, or use an admin's API token."
    )]
    Forbidden,
    #[error(
        "CSM refused the request because these APIs are experimental and need the opt-in header (412). The app \
         sends it; if you use a relay, make it pass the X-ExperimentalApi header through."
    )]
    ExperimentalHeader,
    #[error("CSM answered \"not found\" (404): {message}. Check the cloud ID and the API address.")]
    NotFound { message: String },
    #[error("CSM asked us to slow down (429). The app waits and tries again by itself.")]
    RateLimited { retry_after_ms: Option<u64> },
    #[error("CSM is busy or briefly unavailable ({status}). The app waits and tries again by itself.")]
    Unavailable { status: u16, retry_after_ms: Option<u64> },
    #[error("CSM is still working on 5 earlier batches. The app waits for one to finish and sends this one again.")]
    TooManyTasks,
    #[error(
        "CSM already received a different batch under the same key (422). The file or your choices changed \
         since this import started: start a new import for the changed rows."
    )]
    KeyConflict,
    #[error("CSM refused the batch ({status}): {message}")]
    Rejected { status: u16, message: String },
    #[error("CSM had an internal error ({status}): {message}. The app waits and tries again by itself.")]
    Server { status: u16, message: String },
    #[error("The connection to CSM was lost before an answer arrived. The app tries again with the same key, so nothing is created twice.")]
    ConnectionLost,
    #[error(
        "The browser blocked the answer from {api_origin} because that server does not allow pages from \
         {app_origin} to call it (CORS). Atlassian's API may not accept calls from a web page directly. \
         The fix: ask your IT team to add a relay path on the server that hosts this app, for example in nginx \
         `location /csm-api/ {{ proxy_pass https://api.atlassian.com/; }}`, then set the API address here to /csm-api."
    )]
    CorsRefused { api_origin: String, app_origin: String },
    #[error(
        "This page's security policy does not allow connecting to {origin}. Use a relay path on this site \
         (such as /csm-api), or ask whoever hosts this app to add {origin} to connect-src in index.html."
    )]
    BlockedByPolicy { origin: String },
    #[error("Could not reach {base}. Check the API address and your network connection, then try again.")]
    Unreachable { base: String },
    #[error("CSM sent an answer the app could not read ({what}). Try again; if it keeps happening, report it.")]
    BadAnswer { what: String },
    #[error("CSM could not process this batch (the task failed). The app sends it again with a new key, which is safe because a failed task changes nothing.")]
    TaskFailed,
    #[error(
        "CSM did not finish this batch within 30 minutes. Check these rows in CSM; running the import again with \
         \"Create or update\" will complete them without duplicates."
    )]
    TaskTimedOut,
}

impl ApiError {
    /// Classifies a non-2xx answer. The body's message is read as contract §3 says: `message`, then
    /// `errorMessage`, then `errors`, then the raw text.
    pub fn from_response(response: &HttpResponse) -> ApiError {
        let message = error_message(&response.body);
        let retry_after_ms = response.retry_after.as_deref().and_then(parse_retry_after);
        match response.status {
            401 => ApiError::Unauthorized,
            403 => ApiError::Forbidden,
            412 => ApiError::ExperimentalHeader,
            404 => ApiError::NotFound { message },
            429 => ApiError::RateLimited { retry_after_ms },
            502..=504 => ApiError::Unavailable { status: response.status, retry_after_ms },
            422 => ApiError::KeyConflict,
            400 if message.to_lowercase().contains("maximum number of tasks") => ApiError::TooManyTasks,
            s @ 500..=599 => ApiError::Server { status: s, message },
            s => ApiError::Rejected { status: s, message },
        }
    }

    /// Worth sending again (with the same key) after a wait.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            ApiError::RateLimited { .. }
                | ApiError::Unavailable { .. }
                | ApiError::TooManyTasks
                | ApiError::Server { .. }
                | ApiError::ConnectionLost
        )
    }

    /// Every later request would fail the same way, so the whole run stops and explains.
    pub fn stops_everything(&self) -> bool {
        matches!(
            self,
            ApiError::Unauthorized
                | ApiError::Forbidden
                | ApiError::ExperimentalHeader
                | ApiError::NotFound { .. }
                | ApiError::CorsRefused { .. }
                | ApiError::BlockedByPolicy { .. }
                | ApiError::Unreachable { .. }
        )
    }

    /// The server's own wait, when it gave one.
    pub fn retry_after_ms(&self) -> Option<u64> {
        match self {
            ApiError::RateLimited { retry_after_ms } | ApiError::Unavailable { retry_after_ms, .. } => *retry_after_ms,
            _ => None,
        }
    }
}

/// `Retry-After` in seconds (the form CSM uses); an HTTP date is ignored and the backoff decides.
fn parse_retry_after(value: &str) -> Option<u64> {
    value.trim().parse::<f64>().ok().filter(|s| s.is_finite() && *s >= 0.0).map(|s| (s * 1000.0) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, body: &str) -> HttpResponse {
        HttpResponse { status, retry_after: None, body: body.into() }
    }

    #[test]
    fn statuses_become_errors_that_say_what_to_do() {
        assert_eq!(ApiError::from_response(&answer(401, "")), ApiError::Unauthorized);
        assert_eq!(ApiError::from_response(&answer(403, "{}")), ApiError::Forbidden);
        assert_eq!(ApiError::from_response(&answer(412, "")), ApiError::ExperimentalHeader);
        assert_eq!(
            ApiError::from_response(&answer(400, r#"{"message":"Maximum number of tasks reached"}"#)),
            ApiError::TooManyTasks
        );
        assert_eq!(
            ApiError::from_response(&answer(400, r#"{"errors":[{"message":"too many items"}]}"#)),
            ApiError::Rejected { status: 400, message: "too many items".into() }
        );
        assert!(ApiError::Forbidden.to_string().contains("Administer Jira"));
    }

    #[test]
    fn retry_after_seconds_are_read_and_kept() {
        let r = HttpResponse { status: 429, retry_after: Some("2".into()), body: String::new() };
        let e = ApiError::from_response(&r);
        assert_eq!(e.retry_after_ms(), Some(2_000));
        assert!(e.is_transient() && !e.stops_everything());
        let dated = HttpResponse { retry_after: Some("Wed, 21 Oct 2026 07:28:00 GMT".into()), ..r };
        assert_eq!(ApiError::from_response(&dated).retry_after_ms(), None);
    }

    #[test]
    fn auth_and_cors_problems_stop_the_run_but_rate_limits_do_not() {
        assert!(ApiError::Unauthorized.stops_everything());
        assert!(ApiError::CorsRefused { api_origin: "a".into(), app_origin: "b".into() }.stops_everything());
        assert!(!ApiError::Unavailable { status: 503, retry_after_ms: None }.stops_everything());
        assert!(ApiError::ConnectionLost.is_transient());
        assert!(!ApiError::KeyConflict.is_transient());
    }

    #[test]
    fn the_cors_message_names_the_relay_fix() {
        let e = ApiError::CorsRefused {
            api_origin: "https://api.atlassian.com".into(),
            app_origin: "https://intra".into(),
        };
        let text = e.to_string();
        assert!(text.contains("relay") && text.contains("proxy_pass") && text.contains("/csm-api"), "{text}");
    }
}
