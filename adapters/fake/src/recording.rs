//! A scriptable, recording [`HttpTransport`](checkout_sdk_core::transport::HttpTransport) for unit tests.
//!
//! [`FakeTransport`] answers requests from a FIFO script of [`Reply`] values, from routes
//! ([`FakeTransport::on`]) and from closures ([`FakeTransport::on_fn`]), records every request it
//! sees, and offers panicking assertion helpers ([`FakeTransport::assert_request`],
//! [`FakeTransport::assert_exhausted`], ...) whose messages never show secrets or card numbers.
//!
//! Its `send` future is ready on the first poll, so it works under any executor, or none (see
//! [`FakeTransport::respond`] for a synchronous entry point).
//!
//! ```
//! use checkout_sdk_core::transport::{Headers, HttpRequest, HttpTransport, Method};
//! use checkout_sdk_fake::recording::{FakeTransport, Reply};
//! use serde_json::json;
//!
//! let fake = FakeTransport::new();
//! fake.push(Reply::json(201, json!({"id": "pay_123", "status": "Authorized"})).header("Cko-Request-Id", "req_1"));
//! fake.on(Method::Get, "/payments/*").reply(Reply::json(200, json!({"id": "pay_123"})));
//!
//! let request = HttpRequest {
//!     method: Method::Post,
//!     url: "https://api.sandbox.checkout.com/payments".into(),
//!     headers: Headers::new(),
//!     body: br#"{"amount":1000,"currency":"GBP"}"#.into(),
//!     timeout: None,
//! };
//! let response = fake.respond(request).unwrap();
//! assert_eq!(response.status, 201);
//!
//! fake.assert_request(0).method(Method::Post).path("/payments").json_body_includes(json!({"amount": 1000}));
//! fake.assert_exhausted();
//! ```
//!
//! Everything the fake shows (its request log's `Debug`, its assertion and error messages) is
//! redacted by value with the core's one redaction, [`checkout_sdk_core::redact`], re-exported
//! here ([`redact_json`], [`redact_text`], [`redact_header_value`], ...) for the fake's users.
//!
//! The code has one module per concept (replies, the fake transport, routes and path globs,
//! recorded requests, assertions, the JSON differ); their public types are re-exported here.

mod assertion;
mod json_diff;
mod reply;
mod request;
mod route;
mod transport;

pub use assertion::{RequestAssertion, VOLATILE_HEADERS};
pub use reply::Reply;
pub use request::RecordedRequest;
pub use route::RouteBuilder;
pub use transport::FakeTransport;

pub(crate) use json_diff::json_difference;

// The one redaction lives in the core; re-exported here for the fake's users.
pub use checkout_sdk_core::redact::{
    contains_secret_key, mask_card_number, redact_header_value, redact_headers, redact_json, redact_secret_keys,
    redact_text, MASKED_CVV, REDACTED,
};
