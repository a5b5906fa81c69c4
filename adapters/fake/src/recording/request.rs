//! Requests as the fake received them, and how they may be shown.

use std::fmt;
use std::time::Duration;

use checkout_sdk_core::redact::{redact_headers, redact_json, redact_text};
use checkout_sdk_core::transport::{path_and_query, Headers, HttpRequest, Method};
use serde_json::Value;

/// A body as it may be shown: redacted JSON, redacted text, or its size.
pub(crate) fn describe_body(body: &[u8]) -> String {
    if body.is_empty() {
        return "<empty>".to_string();
    }
    if let Ok(mut value) = serde_json::from_slice::<Value>(body) {
        redact_json(&mut value);
        return value.to_string();
    }
    match std::str::from_utf8(body) {
        Ok(text) => format!("{:?}", redact_text(text)),
        Err(_) => format!("<{} bytes, not UTF-8>", body.len()),
    }
}

/// The path of a URL without scheme, host, query or fragment (`/` when it has none).
pub(crate) fn url_path(url: &str) -> &str {
    let path_and_query = path_and_query(url);
    let end = path_and_query.find(['?', '#']).unwrap_or(path_and_query.len());
    &path_and_query[..end]
}

/// A request as the fake received it (unredacted: compare freely in tests).
///
/// `Debug` shows everything redacted by value ([`checkout_sdk_core::redact`]): sensitive headers
/// and secret keys show as `<redacted>`, card numbers keep their last four digits, CVVs show as
/// `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// The method.
    pub method: Method,
    /// The absolute URL.
    pub url: String,
    /// The headers, as sent.
    pub headers: Headers,
    /// The body bytes, as sent.
    pub body: Vec<u8>,
    /// The attempt's timeout, as the client set it.
    pub timeout: Option<Duration>,
}

impl RecordedRequest {
    /// The URL's path without query or fragment (`/payments/pay_123`).
    pub fn path(&self) -> &str {
        url_path(&self.url)
    }

    /// The URL's path and query (`/payments?reference=ORD-1`).
    pub fn path_and_query(&self) -> &str {
        path_and_query(&self.url)
    }

    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)
    }

    /// The body parsed as JSON, if it is JSON.
    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The body as UTF-8 text, if it is.
    pub fn body_text(&self) -> Option<&str> {
        std::str::from_utf8(&self.body).ok()
    }

    /// The request as an [`HttpRequest`] again.
    pub fn to_http_request(&self) -> HttpRequest {
        HttpRequest {
            method: self.method,
            url: self.url.clone(),
            headers: self.headers.clone(),
            body: self.body.clone().into(),
            timeout: self.timeout,
        }
    }

    /// `POST /payments`, the path redacted by value.
    pub(crate) fn describe(&self) -> String {
        format!("{} {}", self.method, redact_text(self.path_and_query()))
    }
}

impl From<HttpRequest> for RecordedRequest {
    fn from(request: HttpRequest) -> Self {
        RecordedRequest {
            method: request.method,
            url: request.url,
            headers: request.headers,
            body: request.body.into(),
            timeout: request.timeout,
        }
    }
}

impl From<&HttpRequest> for RecordedRequest {
    fn from(request: &HttpRequest) -> Self {
        RecordedRequest::from(request.clone())
    }
}

impl fmt::Debug for RecordedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordedRequest")
            .field("method", &self.method)
            .field("url", &redact_text(&self.url))
            .field("headers", &redact_headers(&self.headers))
            .field("body", &format_args!("{}", describe_body(&self.body)))
            .field("timeout", &self.timeout)
            .finish()
    }
}
