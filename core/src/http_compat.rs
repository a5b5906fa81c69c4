//! Conversions between the core's request/response types and the `http` crate's (feature
//! `http`), for transports built on `http`-based stacks.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::transport::{Headers, HttpRequest, HttpResponse, Method, TransportError};

impl From<Method> for http::Method {
    fn from(m: Method) -> Self {
        match m {
            Method::Get => http::Method::GET,
            Method::Post => http::Method::POST,
        }
    }
}

impl TryFrom<HttpRequest> for http::Request<Vec<u8>> {
    type Error = TransportError;
    /// Fails (as "not sent") on a URL or header the `http` crate refuses.
    fn try_from(r: HttpRequest) -> Result<Self, TransportError> {
        let mut builder = http::Request::builder().method(http::Method::from(r.method)).uri(r.url.as_str());
        for (name, value) in r.headers.iter() {
            builder = builder.header(name, value);
        }
        // The error text names the part that failed, never a header value.
        builder.body(r.body).map_err(|e| TransportError::not_sent(e.to_string()))
    }
}

impl From<http::Response<Vec<u8>>> for HttpResponse {
    /// Header values that are not UTF-8 are kept lossily.
    fn from(r: http::Response<Vec<u8>>) -> Self {
        let (parts, body) = r.into_parts();
        let headers: Headers = parts
            .headers
            .iter()
            .map(|(n, v)| (n.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect();
        HttpResponse { status: parts.status.as_u16(), headers, body, elapsed: None }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_and_responses_convert() {
        let mut headers = Headers::new();
        headers.insert("Authorization", "Bearer sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e");
        let r = HttpRequest {
            method: Method::Post,
            url: "https://h/payments".into(),
            headers,
            body: b"{}".to_vec(),
            timeout: None,
        };
        let http_req = http::Request::try_from(r).unwrap();
        assert_eq!(http_req.method(), http::Method::POST);
        assert_eq!(http_req.uri().path(), "/payments");
        let resp = http::Response::builder().status(201).header("Cko-Request-Id", "x").body(b"{}".to_vec()).unwrap();
        let resp = HttpResponse::from(resp);
        assert_eq!((resp.status, resp.headers.get("cko-request-id")), (201, Some("x")));
        let bad = HttpRequest {
            method: Method::Get,
            url: "not a url".into(),
            headers: Headers::new(),
            body: Vec::new(),
            timeout: None,
        };
        assert!(http::Request::try_from(bad).is_err());
    }
}
