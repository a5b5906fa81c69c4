//! The request target: the one place a request's URL is taken apart.
//!
//! The core's [`HttpRequest::path`] drops the scheme and host; this splits what is left into the
//! path (what routing and idempotency look at) and the query (what the redirect pages read), and
//! takes the base that links point back to.

use checkout_sdk_core::transport::HttpRequest;

/// A request's URL, taken apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target<'a> {
    /// The path without query or fragment: `/payments/pay_…`.
    pub(crate) path: &'a str,
    /// The query, between `?` and `#` (empty when there is none).
    pub(crate) query: &'a str,
    /// `scheme://authority` for links back to whoever received the request, or empty (links
    /// become absolute paths) when the URL has no usable scheme or host.
    pub(crate) base: String,
}

impl<'a> Target<'a> {
    /// The target of `request`.
    pub(crate) fn of(request: &'a HttpRequest) -> Self {
        let path_and_query = request.path();
        let without_fragment = path_and_query.split('#').next().unwrap_or_default();
        let (path, query) = without_fragment.split_once('?').unwrap_or((without_fragment, ""));
        Target { path, query, base: base_of(&request.url) }
    }
}

/// The value of `name` in an `a=b&c=d` query or form body (no percent-decoding: the values the
/// simulator reads are plain words).
pub(crate) fn query_param<'a>(query: &'a str, name: &str) -> Option<&'a str> {
    query.split('&').filter_map(|pair| pair.split_once('=')).find(|(k, _)| *k == name).map(|(_, v)| v)
}

/// `scheme://authority` of an absolute URL, or empty when the URL has no usable scheme or host:
/// only `http`/`https`, and a host of letters, digits, `.`, `-`, `_`, `:` and brackets (no user
/// info, nothing that could break out of a link).
fn base_of(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return String::new();
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let scheme_ok = scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https");
    let authority_ok = !authority.is_empty()
        && authority.len() <= 255
        && authority.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']' | b'_'));
    if scheme_ok && authority_ok {
        format!("{}://{authority}", scheme.to_ascii_lowercase())
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use checkout_sdk_core::transport::{Headers, Method};

    fn target(url: &str) -> (String, String, String) {
        let request = HttpRequest {
            method: Method::Get,
            url: url.into(),
            headers: Headers::new(),
            body: Default::default(),
            timeout: None,
        };
        let t = Target::of(&request);
        (t.path.to_string(), t.query.to_string(), t.base)
    }

    #[test]
    fn urls_split_into_path_query_and_base() {
        assert_eq!(
            target("http://127.0.0.1:8080/payments?x=1#f"),
            ("/payments".into(), "x=1".into(), "http://127.0.0.1:8080".into())
        );
        assert_eq!(target("/sandbox/3ds/sid_x/complete?outcome=success").1, "outcome=success");
        assert_eq!(target("https://h/p#a?b"), ("/p".into(), String::new(), "https://h".into()));
        assert_eq!(target("https://h").0, "/");
        assert_eq!(target("").0, "/");
    }

    #[test]
    fn bases_are_only_taken_from_clean_urls() {
        assert_eq!(base_of("http://127.0.0.1:8080/payments"), "http://127.0.0.1:8080");
        assert_eq!(base_of("HTTPS://api.sandbox.checkout.com"), "https://api.sandbox.checkout.com");
        assert_eq!(base_of("http://[::1]:80/x?y"), "http://[::1]:80");
        assert_eq!(base_of("/payments"), "");
        assert_eq!(base_of("ftp://host/"), "");
        assert_eq!(base_of("http://a\"b/"), "");
        assert_eq!(base_of("http://user@host/"), "");
    }

    #[test]
    fn queries_are_read_without_decoding() {
        assert_eq!(query_param("a=1&outcome=failure", "outcome"), Some("failure"));
        assert_eq!(query_param("", "outcome"), None);
    }
}
