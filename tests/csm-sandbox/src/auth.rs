//! Credentials: who may call the API (`Basic base64(email:token)` or `Bearer token`), and whether the caller may
//! write (the read-only token lacks the Administer Jira permission).

use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, Method};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use crate::config::Settings;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    Admin,
    ReadOnly,
}

/// The caller's access, or `None` when the credentials are missing or wrong.
pub fn authenticate(headers: &HeaderMap, settings: &Settings) -> Option<Access> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, credentials) = value.split_once(' ')?;
    let credentials = credentials.trim();
    let token = if scheme.eq_ignore_ascii_case("basic") {
        let decoded = String::from_utf8(STANDARD.decode(credentials).ok()?).ok()?;
        let (email, token) = decoded.split_once(':')?;
        if !email.eq_ignore_ascii_case(&settings.email) {
            return None;
        }
        token.to_owned()
    } else if scheme.eq_ignore_ascii_case("bearer") {
        credentials.to_owned()
    } else {
        return None;
    };
    if token == settings.token {
        Some(Access::Admin)
    } else if settings.readonly_token.as_deref() == Some(token.as_str()) {
        Some(Access::ReadOnly)
    } else {
        None
    }
}

/// Requests that need the Administer Jira permission: bulk submits and creating detail fields.
pub fn is_write(method: &Method, route: &str) -> bool {
    method == Method::POST && (route.ends_with("/profile/bulk") || route.ends_with("/details"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, HeaderValue::from_str(value).unwrap());
        headers
    }

    fn settings() -> Settings {
        Settings { readonly_token: Some("look".into()), ..Settings::default() }
    }

    #[test]
    fn basic_and_bearer_credentials_are_both_accepted() {
        let basic = format!("Basic {}", STANDARD.encode("admin@example.com:sandbox-token"));
        assert_eq!(authenticate(&headers(&basic), &settings()), Some(Access::Admin));
        assert_eq!(authenticate(&headers("Bearer sandbox-token"), &settings()), Some(Access::Admin));
        assert_eq!(authenticate(&headers("Bearer look"), &settings()), Some(Access::ReadOnly));
    }

    #[test]
    fn a_wrong_email_or_token_is_not_authenticated() {
        let wrong_email = format!("Basic {}", STANDARD.encode("eve@example.com:sandbox-token"));
        assert_eq!(authenticate(&headers(&wrong_email), &settings()), None);
        assert_eq!(authenticate(&headers("Bearer nope"), &settings()), None);
        assert_eq!(authenticate(&headers("Basic !!!"), &settings()), None);
        assert_eq!(authenticate(&HeaderMap::new(), &settings()), None);
    }
}
