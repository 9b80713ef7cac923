//! A request as plain data and the parts of an answer the app reads, so building and parsing are tested without
//! a network.
//!
//! Owns `HttpRequest`, `HttpResponse` and `Method`. `web::http` turns an `HttpRequest` into a browser fetch and
//! the answer back into an `HttpResponse`; nothing here knows about the browser.

/// The two methods the CSM API needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// A request ready to send. Headers never include cookies; the Authorization header carries the secret, so
/// `Debug` leaves its value out.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: Method,
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Option<String>,
}

impl HttpRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

impl std::fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(n, v)| (*n, if n.eq_ignore_ascii_case("authorization") { "<redacted>" } else { v.as_str() }))
            .collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &headers)
            .field("body_bytes", &self.body.as_ref().map_or(0, String::len))
            .finish()
    }
}

/// What came back: the status, the headers the app uses and the body text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    pub retry_after: Option<String>,
    pub body: String,
}

impl HttpResponse {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_redacts_the_authorization_header_and_leaves_out_the_body() {
        let r = HttpRequest {
            method: Method::Post,
            url: "https://x/y".into(),
            headers: vec![("Authorization", "Basic c2VjcmV0".into()), ("Accept", "application/json".into())],
            body: Some("{\"email\":\"ann@example.com\"}".into()),
        };
        let printed = format!("{r:?}");
        assert!(!printed.contains("c2VjcmV0") && !printed.contains("ann@"), "{printed}");
        assert!(printed.contains("application/json"), "{printed}");
    }
}
