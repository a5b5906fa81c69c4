//! Responses: what a route family answers, and how it becomes the wire [`HttpResponse`].

use checkout_sdk_core::transport::HttpResponse;
use serde_json::{json, Value};

/// The API version reported in `Cko-Version`.
const API_VERSION: &str = "1.0.0";

/// A body to send.
#[derive(Debug, Clone)]
enum Body {
    Empty,
    Json(Value),
    Html(String),
}

/// A response before the common headers are added.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    status: u16,
    body: Body,
    headers: Vec<(&'static str, String)>,
}

impl Reply {
    /// A response with no body.
    pub(crate) fn empty(status: u16) -> Self {
        Reply { status, body: Body::Empty, headers: Vec::new() }
    }

    /// A JSON response.
    pub(crate) fn json(status: u16, body: Value) -> Self {
        Reply { status, body: Body::Json(body), headers: Vec::new() }
    }

    /// An HTML page.
    pub(crate) fn html(status: u16, page: String) -> Self {
        Reply { status, body: Body::Html(page), headers: Vec::new() }
    }

    /// The API's error body: `{"request_id", "error_type", "error_codes"}`.
    pub(crate) fn error(status: u16, request_id: &str, error_type: &str, codes: &[&str]) -> Self {
        Reply::json(status, json!({ "request_id": request_id, "error_type": error_type, "error_codes": codes }))
    }

    /// 422 `request_invalid` with `codes`.
    pub(crate) fn invalid(request_id: &str, codes: &[&str]) -> Self {
        Reply::error(422, request_id, "request_invalid", codes)
    }

    /// 422 `request_malformed`.
    pub(crate) fn malformed(request_id: &str) -> Self {
        Reply::error(422, request_id, "request_malformed", &["request_body_malformed"])
    }

    /// Adds a header (builder style).
    pub(crate) fn with_header(mut self, name: &'static str, value: String) -> Self {
        self.headers.push((name, value));
        self
    }

    /// The wire response: `Cko-Request-Id` always, `Cko-Version` on 2xx, `Content-Type` with a body.
    pub(crate) fn finish(self, request_id: &str) -> HttpResponse {
        let (body, content_type) = match self.body {
            Body::Empty => (Vec::new(), None),
            // Serialising a `Value` cannot fail; an empty object is a safe fallback all the same.
            Body::Json(value) => {
                (serde_json::to_vec(&value).unwrap_or_else(|_| b"{}".to_vec()), Some("application/json"))
            }
            Body::Html(page) => (page.into_bytes(), Some("text/html; charset=utf-8")),
        };
        let mut response = HttpResponse::new(self.status, body).with_header("Cko-Request-Id", request_id);
        if (200..300).contains(&self.status) {
            response.headers.append("Cko-Version", API_VERSION);
        }
        if let Some(content_type) = content_type {
            response.headers.append("Content-Type", content_type);
        }
        for (name, value) in self.headers {
            response.headers.append(name, value);
        }
        response
    }
}

/// Escapes text for HTML element content and attribute values.
pub(crate) fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_escaped() {
        assert_eq!(html_escape("<a href='x'>&\"</a>"), "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;");
    }

    #[test]
    fn common_headers_follow_the_status_and_body() {
        let ok = Reply::json(201, json!({})).finish("req");
        assert_eq!(ok.headers.get("Cko-Version"), Some(API_VERSION));
        assert_eq!(ok.headers.get("Content-Type"), Some("application/json"));
        let missing = Reply::empty(404).finish("req");
        assert_eq!((missing.headers.get("Cko-Version"), missing.headers.get("Content-Type")), (None, None));
        assert_eq!(missing.headers.get("Cko-Request-Id"), Some("req"));
    }
}
