//! Conversions between the core's HTTP types and the `http` crate's (feature `http`): the one place
//! where transports and servers built on `http` (hyper, axum, ...) cross between the two.
//!
//! - [`HttpRequest`] ⇄ `http::Request<B>` for any body type `B` that converts from and into a
//!   [`Body`] (`Vec<u8>`, `bytes::Bytes`, [`Body`]): the URL, the header values and the body are
//!   moved, not copied;
//! - [`HttpResponse`] ⇄ `http::Response<Vec<u8>>` (map the body with `Response::map` for another
//!   body type);
//! - [`Headers`] ⇄ [`http::HeaderMap`]: values of [sensitive headers](is_sensitive_header) are
//!   marked sensitive; values that are not UTF-8 are kept lossily (never dropped);
//! - [`Method`] ⇄ [`http::Method`] (only `GET` and `POST` exist in the core).
//!
//! Errors name the part that failed (a header's name, a status) and never repeat a header value or
//! a URL, which can carry a secret key.
//!
//! ```
//! use checkout_sdk_core::transport::{Headers, HttpRequest, HttpResponse, Method};
//!
//! let mut headers = Headers::new();
//! headers.insert("Authorization", "Bearer sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e");
//! let request = HttpRequest {
//!     method: Method::Post,
//!     url: "https://api.sandbox.checkout.com/payments".into(),
//!     headers,
//!     body: b"{}".to_vec().into(),
//!     timeout: None,
//! };
//! let outgoing = http::Request::<Vec<u8>>::try_from(request)?;
//! assert_eq!(outgoing.headers()["content-length"], "2");
//! assert!(outgoing.headers()["authorization"].is_sensitive());
//!
//! let incoming = http::Response::builder().status(201).header("Cko-Request-Id", "r1").body(b"{}".to_vec())?;
//! let response = HttpResponse::from(incoming);
//! assert_eq!((response.status, response.headers.get("cko-request-id")), (201, Some("r1")));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use http::header::{HeaderName, HeaderValue, CONTENT_LENGTH, TRANSFER_ENCODING};

use crate::transport::{is_sensitive_header, Body, Headers, HttpRequest, HttpResponse, Method, TransportError};

/// Why a value could not be converted. Never holds a header value or a URL.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConversionError {
    /// A method the core does not model (it has `GET` and `POST` only).
    UnsupportedMethod(String),
    /// A URL the `http` crate cannot parse.
    InvalidUrl,
    /// A header name that is not valid HTTP (the name, as given).
    InvalidHeaderName(String),
    /// A header value that is not valid HTTP (the header's name; the value is never repeated).
    InvalidHeaderValue(String),
    /// A status code outside 100-999.
    InvalidStatus(u16),
}

impl fmt::Display for ConversionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConversionError::UnsupportedMethod(method) => write!(f, "unsupported method {method}"),
            ConversionError::InvalidUrl => f.write_str("invalid request URL"),
            ConversionError::InvalidHeaderName(name) => write!(f, "invalid header name {name:?}"),
            ConversionError::InvalidHeaderValue(name) => write!(f, "invalid value for header {name}"),
            ConversionError::InvalidStatus(status) => write!(f, "invalid status code {status}"),
        }
    }
}

impl core::error::Error for ConversionError {}

impl From<ConversionError> for TransportError {
    /// A request that cannot be converted is never sent.
    fn from(error: ConversionError) -> Self {
        TransportError::not_sent(error.to_string())
    }
}

/// Where a transport may send a request: `https://` anywhere, plain `http://` to loopback only
/// (the local sandbox), never a URL with user info. Every transport checks this before any I/O,
/// and a refusal is `NotSent`.
pub fn check_destination(uri: &http::Uri) -> Result<(), TransportError> {
    let authority = uri.authority().ok_or_else(|| TransportError::not_sent("the request URL has no host"))?;
    if authority.as_str().contains('@') {
        return Err(TransportError::not_sent("request URLs with user info (user@host) are not supported"));
    }
    match uri.scheme_str() {
        Some("https") => Ok(()),
        Some("http") if crate::config::is_loopback_authority(authority.host()) => Ok(()),
        Some("http") => Err(TransportError::not_sent(alloc::format!(
            "plain http is only allowed to loopback hosts (localhost, 127.0.0.0/8, [::1]), not {:?}; use https",
            authority.host()
        ))),
        _ => Err(TransportError::not_sent("unsupported URL scheme; use https")),
    }
}

impl From<Method> for http::Method {
    fn from(method: Method) -> Self {
        match method {
            Method::Get => http::Method::GET,
            Method::Post => http::Method::POST,
        }
    }
}

impl TryFrom<&http::Method> for Method {
    type Error = ConversionError;

    /// `GET` and `POST`; any other method is [`ConversionError::UnsupportedMethod`].
    fn try_from(method: &http::Method) -> Result<Self, ConversionError> {
        match *method {
            http::Method::GET => Ok(Method::Get),
            http::Method::POST => Ok(Method::Post),
            _ => Err(ConversionError::UnsupportedMethod(method.as_str().to_string())),
        }
    }
}

fn header_name(name: &str) -> Result<HeaderName, ConversionError> {
    HeaderName::from_bytes(name.as_bytes()).map_err(|_| ConversionError::InvalidHeaderName(name.to_string()))
}

/// Marks the value of a [sensitive header](is_sensitive_header) sensitive.
fn with_sensitivity(mut value: HeaderValue, name: &str) -> HeaderValue {
    value.set_sensitive(is_sensitive_header(name));
    value
}

fn invalid_value(name: &HeaderName) -> ConversionError {
    ConversionError::InvalidHeaderValue(name.as_str().to_string())
}

impl TryFrom<&Headers> for http::HeaderMap {
    type Error = ConversionError;

    /// Every header, in order; the values of sensitive headers are marked sensitive.
    fn try_from(headers: &Headers) -> Result<Self, ConversionError> {
        let mut map = http::HeaderMap::with_capacity(headers.len());
        for (name, value) in headers.iter() {
            let header_name = header_name(name)?;
            let header_value = HeaderValue::from_bytes(value.as_bytes()).map_err(|_| invalid_value(&header_name))?;
            map.append(header_name, with_sensitivity(header_value, name));
        }
        Ok(map)
    }
}

impl TryFrom<Headers> for http::HeaderMap {
    type Error = ConversionError;

    /// Every header, in order, each value's buffer moved into the map rather than copied; the
    /// values of sensitive headers are marked sensitive.
    fn try_from(headers: Headers) -> Result<Self, ConversionError> {
        let mut map = http::HeaderMap::with_capacity(headers.len());
        for (name, value) in headers {
            let header_name = header_name(&name)?;
            let header_value = HeaderValue::try_from(value).map_err(|_| invalid_value(&header_name))?;
            map.append(header_name, with_sensitivity(header_value, &name));
        }
        Ok(map)
    }
}

impl From<&http::HeaderMap> for Headers {
    /// Every header, in order, names in lower case; values that are not UTF-8 are kept lossily
    /// (invalid bytes become U+FFFD), so a value is never silently dropped.
    fn from(map: &http::HeaderMap) -> Self {
        let mut headers = Headers::with_capacity(map.len());
        for (name, value) in map {
            let value = match value.to_str() {
                Ok(text) => String::from(text),
                Err(_) => String::from_utf8_lossy(value.as_bytes()).into_owned(),
            };
            headers.append(name.as_str(), value);
        }
        headers
    }
}

impl<B: From<Body>> TryFrom<HttpRequest> for http::Request<B> {
    type Error = ConversionError;

    /// The body is sent whole: `Content-Length` is its length (on every request but a bodiless
    /// `GET`), and any `Content-Length` or `Transfer-Encoding` in the headers is dropped. The
    /// URL, the header values and the body are moved into the request, not copied (the URL and
    /// the headers are still checked: they must be valid HTTP).
    fn try_from(request: HttpRequest) -> Result<Self, ConversionError> {
        let HttpRequest { method, url, headers, body, .. } = request;
        let uri = http::Uri::try_from(url).map_err(|_| ConversionError::InvalidUrl)?;
        let mut map = http::HeaderMap::with_capacity(headers.len() + 1);
        for (name, value) in headers {
            let header_name = header_name(&name)?;
            if header_name == CONTENT_LENGTH || header_name == TRANSFER_ENCODING {
                continue;
            }
            let header_value = HeaderValue::try_from(value).map_err(|_| invalid_value(&header_name))?;
            map.append(header_name, with_sensitivity(header_value, &name));
        }
        if !body.is_empty() || method != Method::Get {
            map.insert(CONTENT_LENGTH, HeaderValue::from(body.len()));
        }
        let mut outgoing = http::Request::new(B::from(body));
        *outgoing.method_mut() = method.into();
        *outgoing.uri_mut() = uri;
        *outgoing.headers_mut() = map;
        Ok(outgoing)
    }
}

impl<B: Into<Body>> TryFrom<http::Request<B>> for HttpRequest {
    type Error = ConversionError;

    /// The URL is the request's URI as it stands: absolute (`http://host/path`) when the server
    /// made it so, or a bare path. No timeout.
    fn try_from(request: http::Request<B>) -> Result<Self, ConversionError> {
        let (parts, body) = request.into_parts();
        Ok(HttpRequest {
            method: Method::try_from(&parts.method)?,
            url: parts.uri.to_string(),
            headers: Headers::from(&parts.headers),
            body: body.into(),
            timeout: None,
        })
    }
}

impl From<http::Response<Vec<u8>>> for HttpResponse {
    /// Header values that are not UTF-8 are kept lossily. No elapsed time.
    fn from(response: http::Response<Vec<u8>>) -> Self {
        let (parts, body) = response.into_parts();
        HttpResponse { status: parts.status.as_u16(), headers: Headers::from(&parts.headers), body, elapsed: None }
    }
}

impl TryFrom<HttpResponse> for http::Response<Vec<u8>> {
    type Error = ConversionError;

    /// The status, headers and body as they are.
    fn try_from(response: HttpResponse) -> Result<Self, ConversionError> {
        let status =
            http::StatusCode::from_u16(response.status).map_err(|_| ConversionError::InvalidStatus(response.status))?;
        let headers = http::HeaderMap::try_from(&response.headers)?;
        let mut outgoing = http::Response::new(response.body);
        *outgoing.status_mut() = status;
        *outgoing.headers_mut() = headers;
        Ok(outgoing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;
    use alloc::vec;

    const KEY: &str = "sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e";

    fn request(method: Method, url: &str, headers: &[(&str, &str)], body: &[u8]) -> HttpRequest {
        HttpRequest {
            method,
            url: url.into(),
            headers: headers.iter().copied().collect(),
            body: body.to_vec().into(),
            timeout: None,
        }
    }

    #[test]
    fn a_request_converts_with_its_length_and_sensitive_key() {
        let auth = format!("Bearer {KEY}");
        let r = request(Method::Post, "https://h/payments?x=1", &[("Authorization", &auth), ("X-A", "1")], b"{}");
        let out = http::Request::<Vec<u8>>::try_from(r).unwrap();
        assert_eq!(out.method(), http::Method::POST);
        assert_eq!(out.uri().path_and_query().map(|p| p.as_str()), Some("/payments?x=1"));
        assert_eq!(out.headers()["content-length"], "2");
        assert!(out.headers()["authorization"].is_sensitive());
        assert!(!out.headers()["x-a"].is_sensitive());
        assert_eq!(out.body(), b"{}");
    }

    #[test]
    fn a_request_converts_without_copying_its_body_or_header_values() {
        let auth = format!("Bearer {KEY}");
        let r = request(Method::Post, "https://h/payments", &[("Authorization", &auth)], br#"{"amount":1}"#);
        let (body_at, auth_at) = (r.body.as_ptr(), r.headers.get("authorization").unwrap().as_ptr());
        let out = http::Request::<bytes::Bytes>::try_from(r).unwrap();
        assert_eq!(out.body().as_ptr(), body_at, "the body was copied");
        assert_eq!(out.headers()["authorization"].as_bytes().as_ptr(), auth_at, "the header value was copied");
        assert_eq!(out.body().as_ref(), br#"{"amount":1}"#);
    }

    #[test]
    fn framing_headers_are_replaced_and_a_bodiless_get_has_no_length() {
        let get =
            request(Method::Get, "https://h/", &[("Content-Length", "99"), ("Transfer-Encoding", "chunked")], b"");
        let out = http::Request::<Vec<u8>>::try_from(get).unwrap();
        assert!(out.headers().get("content-length").is_none());
        assert!(out.headers().get("transfer-encoding").is_none());
        let empty_post = request(Method::Post, "https://h/voids", &[("Content-Length", "99")], b"");
        let out = http::Request::<Vec<u8>>::try_from(empty_post).unwrap();
        assert_eq!(out.headers()["content-length"], "0");
    }

    #[test]
    fn conversion_errors_name_the_part_and_never_the_value() {
        let auth = format!("Bearer {KEY}\r\nX-Injected: 1");
        let bad_value = request(Method::Get, "https://h/", &[("Authorization", &auth)], b"");
        let error = http::Request::<Vec<u8>>::try_from(bad_value).unwrap_err();
        assert_eq!(error, ConversionError::InvalidHeaderValue("authorization".into()));
        let bad_name = request(Method::Get, "https://h/", &[("Bad Header", "v")], b"");
        assert_eq!(
            http::Request::<Vec<u8>>::try_from(bad_name).unwrap_err().to_string(),
            "invalid header name \"Bad Header\""
        );
        let bad_url = request(Method::Get, &format!("https://h/{KEY} x"), &[], b"");
        let error = TransportError::from(http::Request::<Vec<u8>>::try_from(bad_url).unwrap_err());
        assert!(!error.may_have_been_sent());
        assert!(!format!("{error} {error:?}").contains(KEY));
    }

    #[test]
    fn incoming_requests_convert_back_and_odd_values_survive() {
        let incoming = http::Request::builder()
            .method("POST")
            .uri("http://127.0.0.1:8080/payments")
            .header("Cko-Idempotency-Key", HeaderValue::from_bytes(b"idk_caf\xe9").unwrap())
            .body(b"{}".to_vec())
            .unwrap();
        let request = HttpRequest::try_from(incoming).unwrap();
        assert_eq!((request.method, request.url.as_str()), (Method::Post, "http://127.0.0.1:8080/payments"));
        assert_eq!(request.headers.get("cko-idempotency-key"), Some("idk_caf\u{fffd}"));
        assert_eq!(request.path(), "/payments");
        let relative = http::Request::builder().uri("/payments/pay_x?y=1").body(Vec::new()).unwrap();
        assert_eq!(HttpRequest::try_from(relative).unwrap().url, "/payments/pay_x?y=1");
        let put = http::Request::builder().method("PUT").uri("/").body(Vec::new()).unwrap();
        assert_eq!(HttpRequest::try_from(put).unwrap_err(), ConversionError::UnsupportedMethod("PUT".into()));
    }

    #[test]
    fn responses_convert_both_ways() {
        let incoming =
            http::Response::builder().status(201).header("Cko-Request-Id", "x").body(b"{}".to_vec()).unwrap();
        let response = HttpResponse::from(incoming);
        assert_eq!((response.status, response.headers.get("cko-request-id")), (201, Some("x")));
        assert_eq!(response.elapsed, None);

        let outgoing = http::Response::<Vec<u8>>::try_from(response.clone()).unwrap();
        assert_eq!(outgoing.status(), 201);
        assert_eq!(outgoing.headers()["cko-request-id"], "x");
        assert_eq!(outgoing.body(), &vec![b'{', b'}']);
        let bad = HttpResponse::new(1000, Vec::new());
        assert_eq!(http::Response::<Vec<u8>>::try_from(bad).unwrap_err(), ConversionError::InvalidStatus(1000));
    }

    #[test]
    fn methods_convert_both_ways() {
        for method in [Method::Get, Method::Post] {
            assert_eq!(Method::try_from(&http::Method::from(method)), Ok(method));
        }
        assert!(Method::try_from(&http::Method::DELETE).is_err());
    }
}
