//! Scripted answers: a response, or an injected transport failure.

use std::time::Duration;

use checkout_sdk_core::transport::{HttpRequest, HttpResponse, TransportError, TransportErrorKind};
use serde_json::Value;

/// How long an injected timeout says it waited when the request carried no timeout.
const DEFAULT_FAKE_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, Clone)]
enum ReplyKind {
    Response(HttpResponse),
    /// A timeout; `None` reports the request's own timeout (or 30 s) as elapsed.
    TimedOut(Option<Duration>),
    Error(TransportError),
}

/// One scripted answer: a response, or an injected transport failure.
///
/// ```
/// use checkout_sdk_fake::recording::Reply;
/// use serde_json::json;
///
/// let created = Reply::json(201, json!({"id": "pay_123"})).header("Cko-Request-Id", "req_1");
/// let no_content = Reply::empty(204);
/// let html = Reply::raw(502, "<html>Bad gateway</html>").header("Content-Type", "text/html");
/// let lost = Reply::dropped_after_send();
/// # let _ = (created, no_content, html, lost);
/// ```
#[derive(Debug, Clone)]
pub struct Reply {
    kind: ReplyKind,
}

impl Reply {
    /// A response with a JSON body and `Content-Type: application/json`.
    pub fn json(status: u16, body: Value) -> Self {
        let response =
            HttpResponse::new(status, body.to_string().into_bytes()).with_header("Content-Type", "application/json");
        Reply::response(response)
    }

    /// A response with `body` as is and no headers.
    pub fn raw(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Reply::response(HttpResponse::new(status, body))
    }

    /// A response with an empty body and no headers.
    pub fn empty(status: u16) -> Self {
        Reply::raw(status, Vec::new())
    }

    /// Exactly this response.
    pub fn response(response: HttpResponse) -> Self {
        Reply { kind: ReplyKind::Response(response) }
    }

    /// Fails with exactly this transport error.
    pub fn error(error: TransportError) -> Self {
        Reply { kind: ReplyKind::Error(error) }
    }

    /// Fails with [`TransportErrorKind::TimedOut`] (the server may have processed the request),
    /// reporting the request's timeout (or 30 s when it has none) as elapsed.
    pub fn timeout() -> Self {
        Reply { kind: ReplyKind::TimedOut(None) }
    }

    /// Fails with [`TransportErrorKind::TimedOut`], reporting `after` as elapsed.
    pub fn timeout_after(after: Duration) -> Self {
        Reply { kind: ReplyKind::TimedOut(Some(after)) }
    }

    /// Fails with [`TransportErrorKind::NotSent`]: the connection was refused, nothing reached the
    /// server.
    pub fn connection_refused() -> Self {
        Reply::error(TransportError::not_sent("FakeTransport: connection refused (injected)"))
    }

    /// Fails with [`TransportErrorKind::Interrupted`]: the connection dropped after the request
    /// was sent, so the server got it (and may have acted on it).
    pub fn dropped_after_send() -> Self {
        Reply::error(TransportError::interrupted(
            "FakeTransport: connection dropped after the request was sent (injected)",
        ))
    }

    /// Fails with [`TransportErrorKind::BodyTooLarge`]: the server processed the request but the
    /// response was over the transport's cap.
    pub fn body_too_large() -> Self {
        Reply::error(TransportError::new(
            TransportErrorKind::BodyTooLarge,
            "FakeTransport: response body over the limit (injected)",
        ))
    }

    /// Adds a response header (builder style). Ignored for failures.
    #[must_use]
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        if let ReplyKind::Response(response) = &mut self.kind {
            response.headers.append(name, value);
        }
        self
    }

    /// Whether this reply is an injected failure rather than a response.
    pub fn is_failure(&self) -> bool {
        !matches!(self.kind, ReplyKind::Response(_))
    }

    /// The outcome this reply gives for `request`.
    pub fn into_result(self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        match self.kind {
            ReplyKind::Response(response) => Ok(response),
            ReplyKind::TimedOut(after) => {
                Err(TransportError::timed_out(after.or(request.timeout).unwrap_or(DEFAULT_FAKE_TIMEOUT)))
            }
            ReplyKind::Error(error) => Err(error),
        }
    }
}

impl From<HttpResponse> for Reply {
    fn from(response: HttpResponse) -> Self {
        Reply::response(response)
    }
}

impl From<TransportError> for Reply {
    fn from(error: TransportError) -> Self {
        Reply::error(error)
    }
}
