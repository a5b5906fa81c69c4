//! The sans-IO operations: each API call as a value that builds an [`HttpRequest`] and parses
//! an [`HttpResponse`]. No I/O, no clock, no randomness.
//!
//! | call | operation |
//! |---|---|
//! | `POST /payments` | [`RequestPayment`], and [`RequestPayout`] (with a `destination`) |
//! | `GET /payments/{id}` | [`GetPayment`] (`pay_` or `sid_`) |
//! | `GET /payments/{id}/actions` | [`GetPaymentActions`] |
//! | `POST /payments/{id}/captures`, `refunds`, `voids` | [`CapturePayment`], [`RefundPayment`], [`VoidPayment`] |
//! | `POST /payments/{id}/authorizations` | [`IncrementAuthorization`] |
//! | `POST /payments/{id}/reversals` | [`ReversePayment`] |
//! | `POST /payments/{id}/cancellations` | [`CancelScheduledRetry`] |
//! | `GET /payments?reference=…` | [`ListPayments`] (a page; [`Paged::next_page`] for the next) |
//! | `POST /payments/search` | [`SearchPayments`] (likewise) |
//! | `POST /connect/token` | [`RequestAccessToken`](crate::oauth::RequestAccessToken) |
//!
//! The [`Client`](crate::client::Client) drives these through an [`HttpTransport`]; an embedded
//! stack that cannot use async can drive them itself:
//!
//! ```
//! use checkout_sdk_core::config::{Config, SecretKey};
//! use checkout_sdk_core::id::PaymentRef;
//! use checkout_sdk_core::operation::{GetPayment, Operation};
//! use checkout_sdk_core::transport::HttpResponse;
//!
//! let config = Config::sandbox("sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e".parse().unwrap());
//! let op = GetPayment::new("pay_mbabizu24mvu3mela5njyhpit4".parse::<PaymentRef>().unwrap());
//! let request = op.build_request(&config).unwrap();
//! assert_eq!(request.url, "https://api.sandbox.checkout.com/payments/pay_mbabizu24mvu3mela5njyhpit4");
//!
//! // ... send `request` with any HTTP stack, then:
//! let response = HttpResponse::new(200, br#"{"id": "pay_mbabizu24mvu3mela5njyhpit4", "status": "Captured"}"#.to_vec());
//! let payment = op.parse_response(response).unwrap();
//! assert_eq!(payment.id, "pay_mbabizu24mvu3mela5njyhpit4");
//! ```
//!
//! [`HttpTransport`]: crate::transport::HttpTransport

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::config::Config;
use crate::error::{ApiError, DecodeError, DecodeErrorKind, Error, InvalidInput};
use crate::id::IdempotencyKey;
use crate::link::Links;
use crate::response::{HttpInfo, Response};
use crate::transport::{Body, Headers, HttpRequest, HttpResponse, Method};

mod action;
mod find;
mod payment;
mod payout;

pub use action::{
    CancelScheduledRetry, CapturePayment, IncrementAuthorization, RefundPayment, ReversePayment, VoidPayment,
};
pub use find::{ListPayments, PageWalk, Paged, SearchPayments};
pub use payment::{GetPayment, GetPaymentActions, RequestPayment};
pub use payout::RequestPayout;

/// The idempotency header.
pub const IDEMPOTENCY_KEY_HEADER: &str = "Cko-Idempotency-Key";

/// One API call, without I/O.
pub trait Operation {
    /// The typed data of a successful call; the call returns it as a [`Response<Self::Data>`]
    /// with the raw body and HTTP metadata.
    type Data;

    /// The HTTP method.
    fn method(&self) -> Method;

    /// The path relative to the base URL, without a leading `/` (e.g. `payments/pay_x/captures`).
    fn path(&self) -> String;

    /// The JSON body, for `POST`s (the configuration supplies defaults such as the processing
    /// channel).
    fn body(&self, _config: &Config) -> Result<Option<Vec<u8>>, Error> {
        Ok(None)
    }

    /// Whether repeating the request is harmless without an idempotency key (`GET`s, and the
    /// OAuth token exchange). Every other request is sent with a key.
    fn is_idempotent(&self) -> bool {
        self.method() == Method::Get
    }

    /// The idempotency key the caller chose, if any.
    fn idempotency_key(&self) -> Option<&IdempotencyKey> {
        None
    }

    /// Checks the request against the API's documented rules before anything is built (a list's
    /// page size, a search query's length, ...).
    fn validate(&self) -> Result<(), Error> {
        Ok(())
    }

    /// The success statuses this operation expects; any other status is an error.
    fn expected_statuses(&self) -> &'static [u16];

    /// Turns a response with an expected status into the typed response.
    fn parse_success(&self, response: HttpResponse) -> Result<Response<Self::Data>, Error>;

    /// Builds the HTTP request: URL, `Authorization`, `User-Agent`, JSON body and headers.
    fn build_request(&self, config: &Config) -> Result<HttpRequest, Error> {
        build_request_at(self, config, &self.path())
    }

    /// Parses any response: an expected status into the output, anything else into an
    /// [`Error`] carrying status, `error_type`, `error_codes`, request id and version.
    fn parse_response(&self, response: HttpResponse) -> Result<Response<Self::Data>, Error> {
        if self.expected_statuses().contains(&response.status) {
            self.parse_success(response)
        } else {
            Err(parse_error(&response))
        }
    }
}

/// Builds the request of `op` for `path` (relative to the base URL): the body of
/// [`Operation::build_request`], for operations that choose their path at build time.
pub(crate) fn build_request_at<O: Operation + ?Sized>(
    op: &O,
    config: &Config,
    path: &str,
) -> Result<HttpRequest, Error> {
    op.validate()?;
    // The user agent is the one header value a caller can shape freely (a suffix): refuse
    // control characters here rather than let a transport fail on them and be retried.
    if !config.user_agent().bytes().all(|b| b == b' ' || b.is_ascii_graphic()) {
        return Err(
            InvalidInput::Request("the user agent may only hold visible ASCII characters and spaces".into()).into()
        );
    }
    // Distinct names on a fresh list: append, no need to search for earlier values.
    let mut headers = Headers::with_capacity(6);
    // OAuth tokens change over time: the call machine adds them before each attempt.
    if let Some(authorization) = config.credentials().static_authorization() {
        headers.append("Authorization", authorization);
    }
    headers.append("User-Agent", config.user_agent());
    headers.append("Accept", "application/json");
    let body = op.body(config)?;
    if body.is_some() {
        headers.append("Content-Type", "application/json");
    }
    if let Some(key) = op.idempotency_key() {
        headers.append(IDEMPOTENCY_KEY_HEADER, key.as_str());
    }
    Ok(HttpRequest {
        method: op.method(),
        url: config.url(path),
        headers,
        body: body.map(Body::from).unwrap_or_default(),
        timeout: None,
    })
}

/// Turns an error response (any status) into an [`Error`]. Bodies are read leniently: an empty or
/// non-JSON error body still gives the status, request id and version.
pub fn parse_error(response: &HttpResponse) -> Error {
    let body: Option<Value> = serde_json::from_slice(&response.body).ok();
    let body = body.as_ref();
    let request_id = crate::response::request_id(&response.headers, body);
    let error_type = body.and_then(|b| b.get("error_type")).and_then(Value::as_str).map(String::from);
    let error_codes = body
        .and_then(|b| b.get("error_codes"))
        .and_then(Value::as_array)
        .map(|codes| codes.iter().filter_map(Value::as_str).map(String::from).collect())
        .unwrap_or_default();
    let retry_after = response
        .headers
        .get("retry-after")
        .and_then(|v| crate::retry_after::retry_after(v, response.headers.get("date")));
    Error::from_api(ApiError {
        status: response.status,
        error_type,
        error_codes,
        request_id,
        api_version: response.headers.get("cko-version").map(String::from),
        elapsed: response.elapsed,
        retry_after,
    })
}

fn decode_error(response: &HttpResponse, kind: DecodeErrorKind, detail: String) -> Error {
    Error::from_decode(DecodeError {
        kind,
        status: response.status,
        request_id: response.headers.get("cko-request-id").map(String::from),
        // Parser messages quote values from the body: mask every digit run (a PAN, or a CVV
        // echoed by a hostile server) and any secret key.
        detail: crate::redact::mask_digit_runs(&crate::redact::redact_secret_keys(&detail)),
        elapsed: response.elapsed,
    })
}

/// Parses a success body into `T`, straight from the bytes (no intermediate JSON value), plus its
/// metadata; the bytes are kept for the raw JSON view and the links, read only when asked for.
pub fn parse_typed<T: DeserializeOwned>(response: HttpResponse) -> Result<Response<T>, Error> {
    if response.body.iter().all(u8::is_ascii_whitespace) {
        return Err(decode_error(&response, DecodeErrorKind::Empty, "expected a JSON body".into()));
    }
    // serde_json bounds nesting at 128 levels, so hostile depth is an error, not a stack overflow.
    let not_decoded = |response: &HttpResponse, e: serde_json::Error| {
        // A shape error can come before the parser reaches broken (or too deeply nested) JSON
        // further on: tell the two apart with a full parse, on the error path only.
        if e.classify() != serde_json::error::Category::Data {
            return decode_error(response, DecodeErrorKind::NotJson, e.to_string());
        }
        match serde_json::from_slice::<Value>(&response.body) {
            Err(syntax) => decode_error(response, DecodeErrorKind::NotJson, syntax.to_string()),
            Ok(_) => decode_error(response, DecodeErrorKind::WrongShape, e.to_string()),
        }
    };
    let data = decode::<T>(&response.body).map_err(|e| not_decoded(&response, e))?;
    // The body's request id stands in for a missing `Cko-Request-Id` header: only then is the body
    // read a second time (skipping all but `_links` and `request_id`), and the links kept.
    let (links, body_request_id) = if response.headers.contains("cko-request-id") {
        (None, None)
    } else {
        let envelope = Links::envelope(&response.body).map_err(|e| not_decoded(&response, e))?;
        (Some(envelope.links), envelope.request_id)
    };
    let info = HttpInfo::new(response.status, response.headers, response.elapsed, body_request_id);
    Ok(Response::from_raw(data, response.body, info, links))
}

/// Decodes `T` from JSON bytes.
///
/// With `std`, a body that is UTF-8 as a whole (every API response) is checked once, up front,
/// and decoded as text: serde_json then skips checking each of a payment's seventy-odd short
/// strings on its own, which costs more. Without `std` (firmware, where flash is scarce) only the
/// byte decoder is built: a text decoder for every type as well would add about 19 KB. The result
/// and the errors are the same either way.
pub(crate) fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, serde_json::Error> {
    #[cfg(feature = "std")]
    if let Ok(text) = core::str::from_utf8(body) {
        return serde_json::from_str(text);
    }
    serde_json::from_slice(body)
}

pub(crate) fn json_body<T: Serialize>(value: &T) -> Result<Option<Vec<u8>>, Error> {
    // `to_vec`, not `to_writer` into a sized buffer: serde_json's writer API needs std.
    serde_json::to_vec(value)
        .map(Some)
        .map_err(|e| InvalidInput::Request(format!("cannot serialise the request: {e}")).into())
}
