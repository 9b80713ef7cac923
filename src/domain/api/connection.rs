//! Where and as whom the app calls CSM: the API base (direct or a same-origin relay), the site's cloudId and the
//! credentials.
//!
//! Owns `Connection`, `Auth` and `Secret` (a token that never appears in `Debug` output or logs) and the help to
//! find a cloudId. It does not build requests (`requests`). Invariant: a `Connection` that exists has a usable
//! base URL, a cloudId and a non-empty token.

use std::fmt;

use base64::Engine;

/// The public API host (contract §3).
pub const DIRECT_API_BASE: &str = "https://api.atlassian.com";

/// A token or password: kept in memory, redacted when printed.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The secret itself, only for building the Authorization header.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// How the app signs in (contract §3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Auth {
    /// An Atlassian account email and an API token ("for scripts and bots").
    Basic { email: String, token: Secret },
    /// An OAuth 2.0 access token.
    Bearer { token: Secret },
}

impl Auth {
    /// The `Authorization` header value.
    pub fn header(&self) -> String {
        match self {
            Auth::Basic { email, token } => {
                let raw = format!("{}:{}", email.trim(), token.expose().trim());
                format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(raw))
            }
            Auth::Bearer { token } => format!("Bearer {}", token.expose().trim()),
        }
    }
}

/// What is wrong with the connection form, as sentences.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ConnectionError {
    #[error("Enter your site's cloud ID. Open the link under the field to see it.")]
    MissingCloudId,
    #[error("The cloud ID should look like 1a2b3c4d-…: letters, digits and dashes only.")]
    BadCloudId,
    #[error("Enter the email address you sign in to Atlassian with.")]
    MissingEmail,
    #[error("Enter the API token (or the OAuth access token).")]
    MissingToken,
    #[error(
        "The API address must start with https:// (or http:// for a test server on this computer), or be a path \
         on this site that starts with /, such as /csm-api."
    )]
    BadBase,
}

/// A checked connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Connection {
    /// `https://api.atlassian.com`, a relay path such as `/csm-api`, or a local stand-in's address.
    api_base: String,
    cloud_id: String,
    pub auth: Auth,
}

impl Connection {
    pub fn new(api_base: &str, cloud_id: &str, auth: Auth) -> Result<Connection, ConnectionError> {
        let api_base = api_base.trim().trim_end_matches('/').to_owned();
        let cloud_id = cloud_id.trim().to_owned();
        let base_ok = api_base.starts_with("https://")
            || api_base.starts_with("http://127.0.0.1")
            || api_base.starts_with("http://localhost")
            || (api_base.starts_with('/') && !api_base.starts_with("//"))
            || api_base.is_empty();
        if !base_ok || url_host_missing(&api_base) {
            return Err(ConnectionError::BadBase);
        }
        if cloud_id.is_empty() {
            return Err(ConnectionError::MissingCloudId);
        }
        if !cloud_id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            return Err(ConnectionError::BadCloudId);
        }
        match &auth {
            Auth::Basic { email, .. } if email.trim().is_empty() => return Err(ConnectionError::MissingEmail),
            Auth::Basic { token, .. } | Auth::Bearer { token } if token.is_empty() => {
                return Err(ConnectionError::MissingToken)
            }
            _ => {}
        }
        Ok(Connection { api_base, cloud_id, auth })
    }

    /// `{base}/jsm/csm/cloudid/{cloudId}/api/v1` (an empty base means this site's root, i.e. a relay at `/`).
    pub fn api_root(&self) -> String {
        format!("{}/jsm/csm/cloudid/{}/api/v1", self.api_base, self.cloud_id)
    }

    pub fn api_base(&self) -> &str {
        &self.api_base
    }

    pub fn cloud_id(&self) -> &str {
        &self.cloud_id
    }

    /// The origin requests go to, or `None` for a same-origin relay path.
    pub fn api_origin(&self) -> Option<String> {
        let url = url::Url::parse(&self.api_base).ok()?;
        Some(url.origin().ascii_serialization())
    }
}

fn url_host_missing(base: &str) -> bool {
    base.contains("://") && url::Url::parse(base).ok().and_then(|u| u.host_str().map(str::to_owned)).is_none()
}

/// The page that shows a site's cloudId, from whatever the admin typed: "acme", "acme.atlassian.net" or a URL
/// of any page on the site.
pub fn tenant_info_url(site: &str) -> Option<String> {
    let site = site.trim();
    if site.is_empty() {
        return None;
    }
    let with_scheme = if site.contains("://") { site.to_owned() } else { format!("https://{site}") };
    let url = url::Url::parse(&with_scheme).ok()?;
    let host = url.host_str()?.to_owned();
    let host = if host.contains('.') { host } else { format!("{host}.atlassian.net") };
    Some(format!("https://{host}/_edge/tenant_info"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basic() -> Auth {
        Auth::Basic { email: "ann@example.com".into(), token: Secret::new("s3cret") }
    }

    #[test]
    fn basic_auth_is_base64_of_email_colon_token() {
        assert_eq!(basic().header(), "Basic YW5uQGV4YW1wbGUuY29tOnMzY3JldA==");
        assert_eq!(Auth::Bearer { token: Secret::new("abc") }.header(), "Bearer abc");
    }

    #[test]
    fn the_token_never_appears_in_debug_output() {
        let c = Connection::new(DIRECT_API_BASE, "cloud-1", basic()).expect("valid");
        let printed = format!("{c:?}");
        assert!(!printed.contains("s3cret") && printed.contains("redacted"), "{printed}");
    }

    #[test]
    fn api_root_joins_base_and_cloud_id_for_direct_and_relay() {
        let c = Connection::new("https://api.atlassian.com/", " abc-123 ", basic()).expect("valid");
        assert_eq!(c.api_root(), "https://api.atlassian.com/jsm/csm/cloudid/abc-123/api/v1");
        assert_eq!(c.api_origin().as_deref(), Some("https://api.atlassian.com"));
        let relay = Connection::new("/csm-api", "abc", basic()).expect("valid");
        assert_eq!(relay.api_root(), "/csm-api/jsm/csm/cloudid/abc/api/v1");
        assert_eq!(relay.api_origin(), None);
    }

    #[test]
    fn the_form_explains_what_is_missing() {
        assert_eq!(Connection::new("ftp://x", "a", basic()), Err(ConnectionError::BadBase));
        assert_eq!(Connection::new(DIRECT_API_BASE, "", basic()), Err(ConnectionError::MissingCloudId));
        assert_eq!(Connection::new(DIRECT_API_BASE, "a b", basic()), Err(ConnectionError::BadCloudId));
        let no_token = Auth::Basic { email: "a@b.c".into(), token: Secret::new(" ") };
        assert_eq!(Connection::new(DIRECT_API_BASE, "a", no_token), Err(ConnectionError::MissingToken));
        let no_email = Auth::Basic { email: "".into(), token: Secret::new("t") };
        assert_eq!(Connection::new(DIRECT_API_BASE, "a", no_email), Err(ConnectionError::MissingEmail));
    }

    #[test]
    fn tenant_info_url_accepts_a_name_a_host_or_any_url_of_the_site() {
        let want = Some("https://acme.atlassian.net/_edge/tenant_info".to_owned());
        assert_eq!(tenant_info_url("acme"), want);
        assert_eq!(tenant_info_url("acme.atlassian.net"), want);
        assert_eq!(tenant_info_url("https://acme.atlassian.net/jira/servicedesk"), want);
        assert_eq!(tenant_info_url("  "), None);
    }
}
