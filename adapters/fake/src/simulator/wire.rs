//! The HTTP side: routing, base URLs, queries, and turning a [`Reply`] into an [`HttpResponse`].

use checkout_sdk_core::id::{PaymentId, PaymentRef, SessionId};
use checkout_sdk_core::transport::{HttpResponse, Method};
use serde_json::{json, Value};

/// The API version reported in `Cko-Version`.
pub(super) const API_VERSION: &str = "1.0.0";

/// Which kind of redirect a pending payment waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RedirectKind {
    /// A 3-D Secure challenge (`/sandbox/3ds/...`).
    ThreeDs,
    /// An alternative payment method's page (`/sandbox/apm/...`).
    Apm,
}

impl RedirectKind {
    /// The path segment after `/sandbox/`.
    pub(super) fn segment(self) -> &'static str {
        match self {
            RedirectKind::ThreeDs => "3ds",
            RedirectKind::Apm => "apm",
        }
    }
}

/// A recognised request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Route {
    /// `POST /payments`
    CreatePayment,
    /// `GET /payments/{pay_|sid_}`
    GetPayment(PaymentRef),
    /// `GET /payments/{pay_}/actions`
    GetActions(PaymentId),
    /// `POST /payments/{pay_}/captures`
    Capture(PaymentId),
    /// `POST /payments/{pay_}/refunds`
    Refund(PaymentId),
    /// `POST /payments/{pay_}/voids`
    Void(PaymentId),
    /// `POST /tokens`
    CreateToken,
    /// `GET /sandbox/{3ds|apm}/{sid_}`
    RedirectPage(RedirectKind, SessionId),
    /// `POST /sandbox/{3ds|apm}/{sid_}/complete`
    CompleteRedirect(RedirectKind, SessionId),
}

impl Route {
    /// The payment routes, which need a secret key and get faults by default.
    pub(super) fn is_payment_route(&self) -> bool {
        !matches!(self, Route::CreateToken | Route::RedirectPage(..) | Route::CompleteRedirect(..))
    }

    /// Whether `Cko-Idempotency-Key` applies.
    pub(super) fn is_idempotent_post(&self) -> bool {
        matches!(
            self,
            Route::CreatePayment | Route::Capture(_) | Route::Refund(_) | Route::Void(_) | Route::CreateToken
        )
    }
}

/// The result of routing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Routing {
    /// A known route with the right method.
    Found(Route),
    /// A known path with another method; carries the `Allow` value.
    MethodNotAllowed(&'static str),
    /// Nothing here (including ids with characters an id cannot have).
    NotFound,
}

/// `path` without its query and fragment.
pub(super) fn strip_query(path: &str) -> &str {
    path.split(['?', '#']).next().unwrap_or_default()
}

/// The query of `path` (between `?` and `#`), if any.
pub(super) fn query(path: &str) -> &str {
    path.split('#').next().and_then(|p| p.split_once('?')).map_or("", |(_, q)| q)
}

/// The value of `name` in an `a=b&c=d` query or form body (no percent-decoding: the values the
/// simulator reads are plain words).
pub(super) fn query_param<'a>(query: &'a str, name: &str) -> Option<&'a str> {
    query.split('&').filter_map(|pair| pair.split_once('=')).find(|(k, _)| *k == name).map(|(_, v)| v)
}

/// Routes `method path`; `path` may carry a query, which API routes ignore.
pub(super) fn route(method: Method, path: &str) -> Routing {
    let path = strip_query(path);
    let Some(rest) = path.strip_prefix('/') else {
        return Routing::NotFound;
    };
    let segments: Vec<&str> = rest.split('/').collect();
    let expect = |wanted: Method, found: Route, allow: &'static str| {
        if method == wanted {
            Routing::Found(found)
        } else {
            Routing::MethodNotAllowed(allow)
        }
    };
    match segments.as_slice() {
        ["payments"] => expect(Method::Post, Route::CreatePayment, "POST"),
        ["tokens"] => expect(Method::Post, Route::CreateToken, "POST"),
        ["payments", id] => match id.parse::<PaymentRef>() {
            Ok(r) => expect(Method::Get, Route::GetPayment(r), "GET"),
            Err(_) => Routing::NotFound,
        },
        ["payments", id, action] => {
            let Ok(id) = PaymentId::new(*id) else {
                return Routing::NotFound;
            };
            match *action {
                "actions" => expect(Method::Get, Route::GetActions(id), "GET"),
                "captures" => expect(Method::Post, Route::Capture(id), "POST"),
                "refunds" => expect(Method::Post, Route::Refund(id), "POST"),
                "voids" => expect(Method::Post, Route::Void(id), "POST"),
                _ => Routing::NotFound,
            }
        }
        ["sandbox", kind, sid, tail @ ..] => {
            let kind = match *kind {
                "3ds" => RedirectKind::ThreeDs,
                "apm" => RedirectKind::Apm,
                _ => return Routing::NotFound,
            };
            let Ok(sid) = SessionId::new(*sid) else {
                return Routing::NotFound;
            };
            match tail {
                [] => expect(Method::Get, Route::RedirectPage(kind, sid), "GET"),
                ["complete"] => expect(Method::Post, Route::CompleteRedirect(kind, sid), "POST"),
                _ => Routing::NotFound,
            }
        }
        _ => Routing::NotFound,
    }
}

/// `scheme://authority` of an absolute URL, for links back to whoever received the request; empty
/// (links become absolute paths) when the URL has no usable scheme or host.
pub(super) fn base_of(url: &str) -> String {
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

/// A body to send.
#[derive(Debug, Clone)]
pub(super) enum Body {
    Empty,
    Json(Value),
    Html(String),
}

/// A response before the common headers are added.
#[derive(Debug, Clone)]
pub(super) struct Reply {
    pub(super) status: u16,
    pub(super) body: Body,
    pub(super) headers: Vec<(&'static str, String)>,
}

impl Reply {
    /// A response with no body.
    pub(super) fn empty(status: u16) -> Self {
        Reply { status, body: Body::Empty, headers: Vec::new() }
    }

    /// A JSON response.
    pub(super) fn json(status: u16, body: Value) -> Self {
        Reply { status, body: Body::Json(body), headers: Vec::new() }
    }

    /// An HTML page.
    pub(super) fn html(status: u16, page: String) -> Self {
        Reply { status, body: Body::Html(page), headers: Vec::new() }
    }

    /// The API's error body: `{"request_id", "error_type", "error_codes"}`.
    pub(super) fn error(status: u16, request_id: &str, error_type: &str, codes: &[&str]) -> Self {
        Reply::json(status, json!({ "request_id": request_id, "error_type": error_type, "error_codes": codes }))
    }

    /// 422 `request_invalid` with `codes`.
    pub(super) fn invalid(request_id: &str, codes: &[&str]) -> Self {
        Reply::error(422, request_id, "request_invalid", codes)
    }

    /// 422 `request_malformed`.
    pub(super) fn malformed(request_id: &str) -> Self {
        Reply::error(422, request_id, "request_malformed", &["request_body_malformed"])
    }

    /// Adds a header (builder style).
    pub(super) fn with_header(mut self, name: &'static str, value: String) -> Self {
        self.headers.push((name, value));
        self
    }

    /// The wire response: `Cko-Request-Id` always, `Cko-Version` on 2xx, `Content-Type` with a body.
    pub(super) fn finish(self, request_id: &str) -> HttpResponse {
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
pub(super) fn html_escape(text: &str) -> String {
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
    fn routes_by_method_and_path() {
        let pay = "pay_mbabizu24mvu3mela5njyhpit4";
        assert_eq!(route(Method::Post, "/payments"), Routing::Found(Route::CreatePayment));
        assert_eq!(route(Method::Post, "/payments?x=1"), Routing::Found(Route::CreatePayment));
        assert_eq!(route(Method::Get, "/payments"), Routing::MethodNotAllowed("POST"));
        assert!(matches!(route(Method::Get, &format!("/payments/{pay}")), Routing::Found(Route::GetPayment(_))));
        assert!(matches!(route(Method::Get, "/payments/sid_abc"), Routing::Found(Route::GetPayment(_))));
        assert_eq!(route(Method::Post, &format!("/payments/{pay}")), Routing::MethodNotAllowed("GET"));
        assert!(matches!(route(Method::Post, &format!("/payments/{pay}/voids")), Routing::Found(Route::Void(_))));
        assert_eq!(route(Method::Get, &format!("/payments/{pay}/voids")), Routing::MethodNotAllowed("POST"));
        for bad in [
            "/",
            "",
            "payments",
            "/payments/",
            "/payments/cus_abc",
            "/payments/pay_a%2Fb",
            "/payments/pay_x/y",
            "/payments/sid_x/captures",
            "/sandbox/3ds/pay_x",
            "/sandbox/xyz/sid_x",
            "/sandbox/3ds/sid_x/other",
            "/payments//",
        ] {
            assert_eq!(route(Method::Get, bad), Routing::NotFound, "{bad}");
            assert_eq!(route(Method::Post, bad), Routing::NotFound, "{bad}");
        }
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
        assert_eq!(query("/x?outcome=success#f"), "outcome=success");
        assert_eq!(query_param("a=1&outcome=failure", "outcome"), Some("failure"));
        assert_eq!(query_param("", "outcome"), None);
        assert_eq!(html_escape("<a href='x'>&\"</a>"), "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;");
    }
}
