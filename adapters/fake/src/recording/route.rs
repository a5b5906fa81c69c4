//! Routes: answers for every request whose method and path match, with path globs.

use std::fmt;

use checkout_sdk_core::redact::Redacted;
use checkout_sdk_core::transport::{HttpRequest, Method};
use serde_json::Value;

use super::reply::Reply;
use super::request::url_path;
use super::transport::FakeTransport;

/// A route being added with [`FakeTransport::on`]; [`reply`](Self::reply) registers it.
#[must_use = "a route does nothing until .reply(...) registers it"]
pub struct RouteBuilder<'a> {
    fake: &'a FakeTransport,
    method: Method,
    pattern: String,
}

impl<'a> RouteBuilder<'a> {
    pub(super) fn new(fake: &'a FakeTransport, method: Method, pattern: &str) -> Self {
        RouteBuilder { fake, method, pattern: pattern.to_string() }
    }

    /// Answers every matching request with `reply`.
    pub fn reply(self, reply: impl Into<Reply>) -> &'a FakeTransport {
        let reply = reply.into();
        self.reply_with(move |_| reply.clone())
    }

    /// Answers every matching request with a JSON response.
    pub fn reply_json(self, status: u16, body: Value) -> &'a FakeTransport {
        self.reply(Reply::json(status, body))
    }

    /// Answers every matching request with what `responder` makes of it.
    pub fn reply_with<F>(self, responder: F) -> &'a FakeTransport
    where
        F: Fn(&HttpRequest) -> Reply + Send + Sync + 'static,
    {
        let RouteBuilder { fake, method, pattern } = self;
        fake.on_fn(move |request| {
            (request.method == method && path_matches(&pattern, url_path(&request.url))).then(|| responder(request))
        })
    }
}

impl fmt::Debug for RouteBuilder<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RouteBuilder").field("method", &self.method).field("pattern", &Redacted(&self.pattern)).finish()
    }
}

/// Whether `path` matches `pattern`: exact, with `*` matching within a segment and `**` matching
/// anything.
fn path_matches(pattern: &str, path: &str) -> bool {
    glob(pattern.as_bytes(), path.as_bytes())
}

fn glob(pattern: &[u8], text: &[u8]) -> bool {
    match pattern {
        [] => text.is_empty(),
        [b'*', b'*', rest @ ..] => (0..=text.len()).any(|i| glob(rest, &text[i..])),
        [b'*', rest @ ..] => {
            let segment_end = text.iter().position(|c| *c == b'/').unwrap_or(text.len());
            (0..=segment_end).any(|i| glob(rest, &text[i..]))
        }
        [c, rest @ ..] => text.first() == Some(c) && glob(rest, &text[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_segments() {
        assert!(path_matches("/payments", "/payments"));
        assert!(!path_matches("/payments", "/payments/x"));
        assert!(path_matches("/payments/*/captures", "/payments/pay_1/captures"));
        assert!(!path_matches("/payments/*/captures", "/payments/a/b/captures"));
        assert!(path_matches("/payments/**", "/payments/a/b"));
        assert!(!path_matches("/payments/**", "/payments"));
        assert!(path_matches("/pay*", "/payments"));
    }
}
