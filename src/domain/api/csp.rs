//! Whether the page's own Content-Security-Policy lets it connect to an API origin, so a blocked address is
//! explained as such instead of as a network error.
//!
//! Owns a small reading of `connect-src` (falling back to `default-src`) as CSP Level 3 defines source
//! expressions: `'self'`, `*`, schemes (`https:`) and hosts with optional `*.` and `:*`. Keywords it does not
//! know allow nothing. It reads policies; it never writes one.

/// Does `policy` let a page at `page_origin` fetch from `target_origin` (both `scheme://host[:port]`)?
pub fn connect_allowed(policy: &str, page_origin: &str, target_origin: &str) -> bool {
    let directive = |name: &str| {
        policy.split(';').map(str::trim).find_map(|d| {
            let mut words = d.split_whitespace();
            (words.next()?.eq_ignore_ascii_case(name)).then(|| words.map(str::to_owned).collect::<Vec<_>>())
        })
    };
    let Some(sources) = directive("connect-src").or_else(|| directive("default-src")) else { return true };
    let Some(target) = Origin::parse(target_origin) else { return false };
    sources.iter().any(|s| matches_source(s, page_origin, &target))
}

struct Origin {
    scheme: String,
    host: String,
    port: Option<String>,
}

impl Origin {
    fn parse(text: &str) -> Option<Origin> {
        let (scheme, rest) = text.split_once("://")?;
        let rest = rest.split('/').next()?;
        let (host, port) = match rest.rsplit_once(':') {
            Some((h, p)) if !h.is_empty() => (h, Some(p.to_owned())),
            _ => (rest, None),
        };
        Some(Origin { scheme: scheme.to_ascii_lowercase(), host: host.to_ascii_lowercase(), port })
    }

    fn port_or_default(&self) -> String {
        self.port.clone().unwrap_or_else(|| if self.scheme == "https" { "443".into() } else { "80".into() })
    }
}

fn matches_source(source: &str, page_origin: &str, target: &Origin) -> bool {
    let s = source.to_ascii_lowercase();
    if s == "'self'" {
        return Origin::parse(page_origin).is_some_and(|p| {
            p.scheme == target.scheme && p.host == target.host && p.port_or_default() == target.port_or_default()
        });
    }
    if s == "*" {
        return matches!(target.scheme.as_str(), "http" | "https");
    }
    if s.starts_with('\'') {
        return false;
    }
    if let Some(scheme) = s.strip_suffix(':') {
        return scheme == target.scheme;
    }
    let (scheme, rest) = match s.split_once("://") {
        Some((scheme, rest)) => (Some(scheme), rest),
        None => (None, s.as_str()),
    };
    if scheme.is_some_and(|sc| sc != target.scheme) {
        return false;
    }
    let rest = rest.split('/').next().unwrap_or_default();
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (rest, None),
    };
    let host_ok = match host.strip_prefix("*.") {
        Some(suffix) => target.host.ends_with(&format!(".{suffix}")),
        None => host == target.host,
    };
    let port_ok = match port {
        Some("*") => true,
        Some(p) => p == target.port_or_default(),
        None => {
            target.port.is_none() || target.port_or_default() == if target.scheme == "https" { "443" } else { "80" }
        }
    };
    host_ok && port_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    const APP: &str = "default-src 'self'; connect-src 'self' https://api.atlassian.com http://127.0.0.1:*";

    #[test]
    fn the_shipped_policy_allows_atlassian_loopback_and_self_only() {
        let page = "https://intranet.example.com";
        assert!(connect_allowed(APP, page, "https://api.atlassian.com"));
        assert!(connect_allowed(APP, page, "http://127.0.0.1:8081"));
        assert!(connect_allowed(APP, page, "https://intranet.example.com"));
        assert!(!connect_allowed(APP, page, "https://evil.example.net"));
        assert!(!connect_allowed(APP, page, "http://api.atlassian.com"));
    }

    #[test]
    fn default_src_applies_when_connect_src_is_absent_and_wildcards_work() {
        assert!(!connect_allowed("default-src 'self'", "https://a.com", "https://b.com"));
        assert!(connect_allowed("connect-src https://*.atlassian.com", "https://a.com", "https://api.atlassian.com"));
        assert!(connect_allowed("connect-src https:", "https://a.com", "https://b.com"));
        assert!(connect_allowed("img-src 'self'", "https://a.com", "https://b.com"));
        assert!(!connect_allowed("connect-src 'none'", "https://a.com", "https://a.com"));
    }
}
