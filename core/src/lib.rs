//! # checkout-sdk-core
//!
//! The `no_std` + `alloc` core of the Rust SDK for the [Checkout.com Payments API]: request
//! and response types, payment source inference, outcome classification, the error type, and
//! every API call as a pure, sans-IO step — build an HTTP request, parse an HTTP response.
//!
//! What this crate is **not**: an HTTP client. It opens no sockets, reads no clock and has no
//! runtime. Bytes move through an [`HttpTransport`](transport::HttpTransport) you choose:
//! `checkout-sdk-hyper` (hyper 1 + TLS, tokio), `checkout-sdk-fake` (a recording fake and an in-memory
//! sandbox simulator for tests), or your own — one async method. Most applications depend on
//! the `checkout-sdk` facade instead, which wires these together.
//!
//! ## A payment, end to end
//!
//! ```
//! use checkout_sdk_core::prelude::*;
//! use serde_json::json;
//! # use checkout_sdk_core::transport::*;
//! # struct Sandbox;
//! # #[async_trait::async_trait]
//! # impl HttpTransport for Sandbox {
//! #     async fn send(&self, r: HttpRequest) -> Result<HttpResponse, TransportError> {
//! #         assert_eq!(r.headers.get("authorization"), Some("Bearer sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e"));
//! #         Ok(HttpResponse::new(201, br#"{"id": "pay_mbabizu24mvu3mela5njyhpit4", "approved": true,
//! #             "status": "Authorized", "response_code": "10000", "risk": {"flagged": false},
//! #             "_links": {"capture": {"href": "https://api.sandbox.checkout.com/payments/pay_mbabizu24mvu3mela5njyhpit4/captures"}}}"#.to_vec())
//! #             .with_header("Cko-Request-Id", "0HL80RJLS76I7"))
//! #     }
//! # }
//! # fn block_on<F: core::future::Future>(f: F) -> F::Output {
//! #     let mut f = core::pin::pin!(f);
//! #     let mut cx = core::task::Context::from_waker(core::task::Waker::noop());
//! #     loop { if let core::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; } }
//! # }
//! # block_on(async {
//! let config = Config::sandbox("sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e".parse()?);
//! let client = Client::new(config, Sandbox);
//!
//! // The source type is inferred as the original SDK documents: `number` means a card.
//! let source = PaymentSource::infer(json!({
//!     "number": "4242424242424242", "expiry_month": 6, "expiry_year": 2030, "cvv": "100"
//! }))?;
//! let request = PaymentRequest::builder(source, 100, "usd".parse()?).reference("pay_ref").build()?;
//!
//! let payment = client.payments().request(request).await?;
//! match payment.outcome() {
//!     Outcome::Pending { redirect } => println!("redirect to {:?}", redirect.map(|l| l.href)),
//!     Outcome::Approved => println!("approved: {}", payment.id),
//!     Outcome::Flagged => println!("approved but flagged for review"),
//!     Outcome::Declined { response_code, .. } => println!("declined: {response_code:?}"),
//!     _ => {}
//! }
//! assert_eq!(payment.request_id(), Some("0HL80RJLS76I7"));
//! assert!(payment.can_capture());
//! assert_eq!(payment["response_code"], "10000");
//! # Ok::<(), Error>(())
//! # }).unwrap();
//! ```
//!
//! ## Layers
//!
//! 1. **Domain** — [`config`] (keys, environments), [`id`] (typed ids that cannot escape a URL
//!    path), [`source`] (sources and inference), [`currency`], [`request`], [`payment`],
//!    [`action`], [`link`], [`outcome`], [`error`].
//! 2. **Operations** — [`operation`]: each call as a value with `build_request` and
//!    `parse_response`. Drive them yourself on a stack without async.
//! 3. **Client** — [`client`]: a configuration and a transport; runs operations, retrying what is
//!    safe under a [`retry::RetryPolicy`] (with the same idempotency key on every attempt).
//!
//! ## Features
//!
//! - `std` (default): `std::error::Error` for the error types and an OS-seeded random source
//!   for idempotency keys and jitter.
//! - `http`: conversions to and from the `http` crate's types.
//! - `tracing`: one span per attempt (method, path, attempt, status, request id); never
//!   headers or bodies.
//! - `webhooks` (default): the `webhook` module, verify `Cko-Signature` (HMAC-SHA256) and read typed
//!   webhook events. Leave it out of a firmware build that receives no webhooks.
//!
//! ## Secrets and card data
//!
//! Secret keys, `Authorization` headers, card numbers and CVVs never appear in `Debug` or
//! `Display` output or in error messages: card numbers show at most their last four digits.
//!
//! [Checkout.com Payments API]: https://api-reference.checkout.com/#tag/Payments
#![no_std]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod action;
pub mod authorization;
pub mod balances;
pub mod blocking;
pub mod call;
pub mod client;
pub mod config;
pub mod credentials;
pub mod currency;
pub mod error;
#[cfg(feature = "http")]
pub mod http_compat;
pub mod id;
mod lenient;
pub mod link;
pub mod oauth;
pub mod operation;
pub mod outcome;
pub mod page;
pub mod payment;
pub mod payments;
pub mod payout;
pub mod redact;
pub mod request;
pub mod response;
pub mod retry;
pub mod retry_after;
pub mod reversal;
pub mod source;
pub mod transport;
#[cfg(feature = "webhooks")]
pub mod webhook;

pub use client::{Client, ClientBuilder};
pub use config::{Config, Environment, SecretKey};
pub use error::{Error, ErrorKind, InvalidInput};
pub use payments::Payments;

/// The types most programs need.
pub mod prelude {
    pub use crate::action::{ActionAccepted, ActionType, PaymentAction};
    pub use crate::client::Client;
    pub use crate::config::{Config, Environment, SecretKey};
    pub use crate::credentials::{Credentials, OAuthCredentials};
    pub use crate::currency::Currency;
    pub use crate::error::{Error, ErrorKind, InvalidInput};
    pub use crate::id::{
        ActionId, CustomerId, IdempotencyKey, PaymentId, PaymentRef, ProcessingChannelId, SessionId, SourceId,
    };
    pub use crate::link::Link;
    pub use crate::outcome::{Outcome, ResponseCode, ResponseCodeFamily};
    pub use crate::payment::{Payment, PaymentStatus};
    pub use crate::payments::Payments;
    pub use crate::request::{
        ActionRequest, CaptureRequest, Customer, PaymentRequest, PaymentType, RefundRequest, ThreeDs, VoidRequest,
    };
    pub use crate::response::Response;
    pub use crate::retry::RetryPolicy;
    pub use crate::source::{AlternativeSource, CardSource, CustomerSource, IdSource, PaymentSource, TokenSource};
    #[cfg(feature = "webhooks")]
    pub use crate::{
        id::EventId,
        webhook::{EventType, SignatureKey, WebhookAuthorization, WebhookError, WebhookEvent, WebhookReceiver},
    };
}
