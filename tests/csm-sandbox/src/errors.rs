//! Every error answer the sandbox gives. The bodies are deliberately not uniform, as on real CSM: `message` for
//! 401/403/404/405/422/429/503 and the task limit, `errorMessage` for 412, `errors: [{message}]` for body validation.

use axum::http::header::{HeaderValue, RETRY_AFTER};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// 401: missing or wrong credentials.
    Unauthenticated,
    /// 403: the token lacks the Administer Jira permission.
    Forbidden,
    /// 412: the `X-ExperimentalApi: opt-in` header is missing.
    NotExperimental,
    /// 400: the body is malformed or has the wrong shape; one sentence per problem.
    Invalid(Vec<String>),
    /// 404 with a sentence.
    NotFound(String),
    /// 405: the path exists, the method does not.
    MethodNotAllowed,
    /// 400: five tasks are already unfinished.
    TaskLimit,
    /// 422: an Idempotency-Key reused with another body.
    KeyConflict,
    /// 429 (fault injection).
    RateLimited { retry_after: u64 },
    /// 503 (fault injection).
    Unavailable { retry_after: u64 },
}

impl ApiError {
    pub fn invalid(message: impl Into<String>) -> Self {
        ApiError::Invalid(vec![message.into()])
    }

    fn status_and_body(&self) -> (StatusCode, Value) {
        let message = |status, text: &str| (status, json!({ "message": text }));
        match self {
            ApiError::Unauthenticated => {
                message(StatusCode::UNAUTHORIZED, "Client must be authenticated to access this resource.")
            }
            ApiError::Forbidden => message(
                StatusCode::FORBIDDEN,
                "You do not have permission to perform this operation. It needs the Administer Jira permission.",
            ),
            ApiError::NotExperimental => (
                StatusCode::PRECONDITION_FAILED,
                json!({ "errorMessage": "This API is experimental. Send the header X-ExperimentalApi: opt-in to use it." }),
            ),
            ApiError::Invalid(problems) => (
                StatusCode::BAD_REQUEST,
                json!({ "errors": problems.iter().map(|text| json!({ "message": text })).collect::<Vec<_>>() }),
            ),
            ApiError::NotFound(text) => message(StatusCode::NOT_FOUND, text),
            ApiError::MethodNotAllowed => {
                message(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed on this resource.")
            }
            ApiError::TaskLimit => message(StatusCode::BAD_REQUEST, "Maximum number of tasks reached"),
            ApiError::KeyConflict => message(
                StatusCode::UNPROCESSABLE_ENTITY,
                "This Idempotency-Key was already used with a different request body.",
            ),
            ApiError::RateLimited { .. } => {
                message(StatusCode::TOO_MANY_REQUESTS, "Rate limit exceeded. Try again later.")
            }
            ApiError::Unavailable { .. } => {
                message(StatusCode::SERVICE_UNAVAILABLE, "Service temporarily unavailable.")
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = self.status_and_body();
        let mut response = (status, Json(body)).into_response();
        let headers = response.headers_mut();
        match self {
            ApiError::RateLimited { retry_after } => {
                headers.insert(RETRY_AFTER, HeaderValue::from(retry_after));
                headers.insert("x-ratelimit-remaining", HeaderValue::from_static("0"));
            }
            ApiError::Unavailable { retry_after } => {
                headers.insert(RETRY_AFTER, HeaderValue::from(retry_after));
            }
            _ => {}
        }
        response
    }
}

/// A request body as JSON, or a 400 naming the syntax error.
pub fn parse_json(bytes: &[u8]) -> Result<Value, ApiError> {
    serde_json::from_slice(bytes)
        .map_err(|error| ApiError::invalid(format!("The request body is not valid JSON: {error}.")))
}
