//! The URL check: a web address CSM can link to, kept exactly as written, and the fix for near misses.
//!
//! Owns what a valid URL is (http or https written out, a real host, no credentials, no spaces) and how a near
//! miss is repaired (missing scheme, wrapping brackets or quotes, a malformed scheme or spaces the `url` crate can
//! re-serialise). Does not trim or decide `Empty` (that is `check`); the domain-name rule is the email one.
//! Invariant: a valid URL is returned as written, never re-serialised; only a fix may be re-serialised.

use std::borrow::Cow;

use url::{Host, Url};

use super::email::is_domain;
use super::{verdict, Checked};
use crate::domain::report::Problem;

pub fn check_url(raw: &str) -> Checked<'_> {
    verdict(raw, Problem::InvalidUrl, valid_url, url_fix)
}

/// http(s), a host with a dot (or localhost), no credentials, no spaces. Returned as written, never re-serialised.
fn valid_url(s: &str) -> Option<Cow<'_, str>> {
    let scheme_written =
        ["http://", "https://"].iter().any(|p| s.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p)));
    let url = Url::parse(s).ok()?;
    let ok = scheme_written
        && !s.chars().any(char::is_whitespace)
        && url.username().is_empty()
        && url.password().is_none()
        && has_real_host(&url, s);
    ok.then_some(Cow::Borrowed(s))
}

fn has_real_host(url: &Url, written: &str) -> bool {
    match url.host() {
        Some(Host::Domain(d)) => d == "localhost" || is_domain(d),
        // "https://1.5" parses as 1.0.0.5: only an address written out in full counts.
        Some(Host::Ipv4(ip)) => written.contains(&ip.to_string()),
        _ => false,
    }
}

/// Surrounding brackets/quotes and trailing punctuation removed; "https://" added when no scheme is written;
/// malformed schemes ("http:/x.com") and spaces repaired by the url crate when the host is a name.
fn url_fix(s: &str) -> Option<String> {
    let s = s.trim_start_matches(['<', '"', '\'']).trim_end_matches(['>', '"', '\'', '.', ',', ';']);
    let mut candidates = vec![s.to_string()];
    if !s.contains("://") && !s.contains('@') {
        candidates.push(format!("https://{}", s.trim_start_matches('/')));
    }
    candidates.iter().find_map(|c| valid_url(c).map(Cow::into_owned).or_else(|| reserialised_url(c)))
}

fn reserialised_url(s: &str) -> Option<String> {
    let url = Url::parse(s).ok()?;
    matches!(url.host(), Some(Host::Domain(_))).then_some(())?;
    valid_url(url.as_str()).map(Cow::into_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::check::tests::{fixed, unfixable, valid};

    #[test]
    fn url_with_scheme_is_returned_as_written() {
        assert_eq!(check_url("https://example.com"), valid("https://example.com"));
        assert_eq!(check_url("HTTP://Example.com/a?b=c#d"), valid("HTTP://Example.com/a?b=c#d"));
        assert_eq!(check_url("http://localhost:8080"), valid("http://localhost:8080"));
        assert_eq!(check_url("http://192.168.1.10/admin"), valid("http://192.168.1.10/admin"));
    }

    #[test]
    fn url_without_scheme_gets_https_fix() {
        assert_eq!(check_url("example.com"), fixed(Problem::InvalidUrl, "https://example.com"));
        assert_eq!(check_url("www.example.com/path"), fixed(Problem::InvalidUrl, "https://www.example.com/path"));
        assert_eq!(check_url("<www.example.com>."), fixed(Problem::InvalidUrl, "https://www.example.com"));
    }

    #[test]
    fn url_with_a_broken_scheme_or_spaces_gets_a_repaired_fix() {
        assert_eq!(check_url("http:/example.com"), fixed(Problem::InvalidUrl, "http://example.com/"));
        assert_eq!(
            check_url("https://example.com/my page"),
            fixed(Problem::InvalidUrl, "https://example.com/my%20page")
        );
    }

    #[test]
    fn url_without_a_dot_is_invalid_except_localhost() {
        assert_eq!(check_url("https://intranet"), unfixable(Problem::InvalidUrl));
        assert_eq!(check_url("n/a"), unfixable(Problem::InvalidUrl));
        assert_eq!(check_url("https://example..com"), unfixable(Problem::InvalidUrl));
    }

    #[test]
    fn non_web_schemes_and_credentials_are_invalid() {
        assert_eq!(check_url("ftp://example.com"), unfixable(Problem::InvalidUrl));
        assert_eq!(check_url("https://user:pw@example.com"), unfixable(Problem::InvalidUrl));
        assert_eq!(check_url("jane@example.com"), unfixable(Problem::InvalidUrl));
    }

    #[test]
    fn a_decimal_number_is_not_taken_for_an_ip_address() {
        assert_eq!(check_url("1.5"), unfixable(Problem::InvalidUrl));
        assert_eq!(check_url("https://1.5"), unfixable(Problem::InvalidUrl));
    }
}
