//! # checkout-sdk
//!
//! The Rust SDK for the [Checkout.com Payments API]: request a payment from a card token, a
//! stored source, a customer, full card details or a local payment method, with or without
//! 3-D Secure; read it back by payment or session id; list its actions; capture, refund, void,
//! reverse or increment it; list and search payments; send payouts; verify webhooks. Every
//! outcome and every error is a type to match, not a string to parse.
//!
//! ## What this crate is, and is not
//!
//! It is the facade most programs depend on: one [`Client`], configured like `reqwest`'s
//! ([`Client::builder`], [`Client::from_env`]), over a transport chosen by features, with the
//! whole API of the `no_std` core re-exported as [`core`] and the types most programs need in
//! [`prelude`].
//!
//! It is not:
//!
//! - a client for Checkout.com's other APIs (customers, instruments, disputes, ...): only
//!   payments, their actions, payouts and webhooks;
//! - a card vault: card tokens come from Frames or the mobile SDKs in the customer's browser or
//!   app, and sending full card details needs PCI SAQ-D and Checkout.com's consent;
//! - an HTTP client: requests are built and responses parsed by the sans-IO core
//!   ([`core::operation`]); bytes move through a transport, hyper's by default or yours.
//!
//! ## Quick start
//!
//! `cargo add checkout-sdk` and `cargo add tokio --features macros,rt-multi-thread`; with the
//! `sandbox` feature, [`Client`]`::from_env_or_local_sandbox()` runs the same program offline,
//! against a simulation of Checkout.com's sandbox, when `CKO_SECRET_KEY` is not set (as here).
//!
//! ```
//! use checkout_sdk::prelude::*;
//!
//! #[tokio::main]
//! async fn main() -> Result<(), Error> {
//! #   for name in ["CKO_SECRET_KEY", "CKO_OAUTH_CLIENT_ID", "CKO_BASE_URL"] { std::env::remove_var(name); }
//!     let client = Client::from_env_or_local_sandbox().await?; // in production: Client::from_env()?
//!
//!     let card = CardSource::new("4242424242424242", 6, 2030)?.cvv("100")?;
//!     let request = PaymentRequest::builder(card, 6500, Currency::USD).reference("ORD-5023").build()?;
//!     let payment = client.payments().request(request).await?;
//!     match payment.outcome() {
//!         Outcome::Pending { redirect } => println!("send the customer to {:?}", redirect.map(|l| l.href)),
//!         Outcome::Approved | Outcome::Flagged => {
//!             let capture = client.payments().capture(&payment.id, ActionRequest::full()).await?;
//!             println!("captured {}: {}", Currency::USD.format_amount(6500), capture.action_id);
//!         }
//!         Outcome::Declined { response_code, .. } => println!("declined: {response_code:?}"),
//!         _ => {}
//!     }
//!     # assert!(payment.is_approved());
//!     Ok(())
//! }
//! ```
//!
//! The repository's `examples/` hold one such program per task (sources, 3-D Secure, outcomes,
//! actions, errors and recovery), each runnable offline with `cargo run --example NAME`.
//!
//! ## Choosing a transport
//!
//! A transport sends one HTTP request and returns the response: the one-method
//! [`HttpTransport`](core::transport::HttpTransport) trait. Retries, idempotency keys,
//! credentials, timeouts per attempt and parsing stay in the client whatever the transport.
//!
//! | you want | use |
//! |---|---|
//! | a production-ready async client on tokio | the default: [`Client::builder`] or [`Client::from_env`] use hyper 1 (feature `hyper`) with rustls (`rustls`, no system OpenSSL) or the platform's TLS (`native-tls`); proxies come from `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY` |
//! | the `reqwest::Client` your service already has | the `reqwest` feature: `checkout_sdk::reqwest::ReqwestTransport`, given to [`ClientBuilder::transport`] |
//! | no async at all | the `blocking` feature: `checkout_sdk::blocking::Client`, the same builder, retries and keys over ureq; or drive [`core::blocking`] over a blocking transport of your own |
//! | another HTTP stack | implement [`HttpTransport`](core::transport::HttpTransport) (below) and give it to [`ClientBuilder::transport`]; or drive the sans-IO [`core::call::Call`] yourself |
//! | unit tests without a network | the `fake` feature: `checkout_sdk::fake::recording::FakeTransport` (scripted replies, request assertions, cassettes) |
//! | realistic end-to-end tests offline | the `simulator` feature: `checkout_sdk::simulator::Simulator` is itself a transport (below); the `sandbox` feature serves it over HTTP (`Client::from_env_or_local_sandbox`, or the `checkout-sandbox` binary) |
//!
//! A transport of your own promises what the built-in ones do: it honours
//! [`HttpRequest::timeout`](core::transport::HttpRequest::timeout), caps what it reads, and says
//! in its errors whether the request may have been sent
//! ([`TransportError::not_sent`](core::transport::TransportError::not_sent) or
//! [`interrupted`](core::transport::TransportError::interrupted)), which decides whether a
//! payment may exist and what is retried:
//!
//! ```
//! use checkout_sdk::core::transport::{HttpRequest, HttpResponse, HttpTransport, TransportError};
//! use checkout_sdk::prelude::*;
//!
//! /// Your HTTP stack (here it answers in place, as the API would for a payment lookup).
//! struct MyStack;
//!
//! #[async_trait::async_trait] // cargo add async-trait
//! impl HttpTransport for MyStack {
//!     async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
//!         // Send request.method to request.url with request.headers and request.body, within
//!         // request.timeout; a connect failure is TransportError::not_sent(..).
//!         assert_eq!(request.url, "https://api.sandbox.checkout.com/payments/pay_mbabizu24mvu3mela5njyhpit4");
//!         let body = br#"{"id": "pay_mbabizu24mvu3mela5njyhpit4", "status": "Captured", "amount": 6500, "currency": "USD"}"#;
//!         Ok(HttpResponse::new(200, body.to_vec()).with_header("Cko-Request-Id", "0HL80RJLS76I7"))
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Error> {
//! let client = Client::builder().secret_key("sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e").transport(MyStack).build()?;
//! let payment = client.payments().get("pay_mbabizu24mvu3mela5njyhpit4").await?;
//! assert_eq!(payment.status, Some(PaymentStatus::Captured));
//! assert_eq!(payment.request_id(), Some("0HL80RJLS76I7"));
//! # Ok(())
//! # }
//! ```
//!
//! In tests, the simulator of the Checkout.com sandbox is a transport too: the same calls, test
//! cards and amount rules, 3-D Secure and APM redirects and fault injection, in memory:
//!
//! ```
//! use checkout_sdk::prelude::*;
//! use checkout_sdk::simulator::Simulator;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Error> {
//! let sandbox = Simulator::new();
//! let client = Client::builder()
//!     .secret_key(checkout_sdk::LOCAL_SANDBOX_KEY)
//!     .processing_channel(checkout_sdk::LOCAL_PROCESSING_CHANNEL)
//!     .transport(sandbox.clone())
//!     .build()?;
//! let card = CardSource::new("4544249167673670", 6, 2030)?.cvv("100")?; // declined: insufficient funds
//! let request = PaymentRequest::builder(card, 100, Currency::EUR).reference("ORD-1").build()?;
//! let payment = client.payments().request(request).await?;
//! assert!(matches!(payment.outcome(), Outcome::Declined { .. }));
//! assert_eq!(sandbox.payments_with_reference("ORD-1"), 1);
//! # Ok(())
//! # }
//! ```
//!
//! ## Reliability
//!
//! Every `POST` carries an idempotency key (yours, or one the client generates before the first
//! attempt) and every retry reuses it, so a retry never charges twice. The client retries what
//! is safe — 429, 5xx, timeouts and lost connections — with exponential backoff, jitter and
//! `Retry-After`, under a [`RetryPolicy`](core::retry::RetryPolicy) ([`ClientBuilder::retry_policy`]).
//! Every attempt has a timeout ([`ClientBuilder::timeout`]), and so can the whole call.
//!
//! A failed call's [`Error`] is one opaque type: match [`Error::kind`] against [`ErrorKind`] for
//! the details, and ask it what to do next. When [`Error::may_have_been_processed`] is true, a
//! payment may exist: send the same request again with [`Error::idempotency_key`], and the API
//! returns the first payment instead of making a second one.
//!
//! ```
//! use checkout_sdk::prelude::*;
//!
//! /// Requests a payment; when its outcome is unknown, asks again with the same key.
//! async fn pay(payments: &Payments, request: PaymentRequest) -> Result<Response<Payment>, Error> {
//!     match payments.request(request.clone()).await {
//!         Err(err) if err.may_have_been_processed() && err.idempotency_key().is_some() => {
//!             let mut again = request;
//!             again.idempotency_key = err.idempotency_key().cloned();
//!             payments.request(again).await
//!         }
//!         Err(err) if matches!(err.kind(), ErrorKind::Validation(_)) => {
//!             eprintln!("refused: {:?} (request id {:?})", err.error_codes(), err.request_id());
//!             Err(err)
//!         }
//!         other => other,
//!     }
//! }
//! ```
//!
//! Secret keys, `Authorization` headers, card numbers and CVVs never appear in any `Debug` or
//! `Display` output, error, trace or recorded cassette. The repository's `docs/reliability.md`
//! lists every promise and the test that proves it.
//!
//! ## Tracing
//!
//! With the `tracing` feature, every call runs in one `checkout.call` span, entered for the
//! whole call, transport included, so events your transport or HTTP stack emits belong to it. It
//! records `method`, `path`, `attempt`, `status` and `request_id` (server texts redacted); the
//! events `checkout.retry` (debug), `checkout.failed` (warn) and `checkout.ok` (debug) happen
//! inside it. Headers, bodies, keys and card data are never recorded.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), checkout_sdk::Error> {
//! # for name in ["CKO_SECRET_KEY", "CKO_OAUTH_CLIENT_ID", "CKO_BASE_URL"] { std::env::remove_var(name); }
//! // cargo add tracing-subscriber; then every call logs its span and events.
//! tracing_subscriber::fmt().with_max_level(tracing::Level::DEBUG).init();
//! let client = checkout_sdk::Client::from_env_or_local_sandbox().await?;
//! # assert!(client.payments().get("pay_aaaaaaaaaaaaaaaaaaaaaaaaaa").await.is_err());
//! # Ok(())
//! # }
//! ```
//!
//! ## Features
//!
//! - `hyper` (default): the built-in transport, hyper 1 on tokio, and tokio's timer for retries.
//! - `rustls` (default): TLS for it with rustls and Mozilla's roots: no system OpenSSL.
//! - `native-tls`: TLS with the platform's library instead (OpenSSL on Linux).
//! - `reqwest`: a transport over your own `reqwest::Client`.
//! - `blocking`: `blocking::Client`, for programs without async.
//! - `sandbox`: the local sandbox (`Client::from_env_or_local_sandbox`, `Client::local_sandbox`)
//!   and the simulator served over HTTP (`checkout_sdk::sandbox`).
//! - `simulator`: the in-memory simulator of the Checkout.com sandbox (`checkout_sdk::simulator`).
//! - `fake`: the recording fake, cassettes and fault injection (`checkout_sdk::fake`), and the
//!   simulator.
//! - `tracing`: the span and events above.
//!
//! ## The core's modules
//!
//! [`core::client`] (the client and its builder), [`core::payments`] (every Payments call),
//! [`core::request`], [`core::source`] (sources and inference), [`core::payment`],
//! [`core::action`], [`core::outcome`], [`core::response`], [`core::error`],
//! [`core::retry`], [`core::credentials`] (keys, OAuth), [`core::config`], [`core::id`] (typed
//! ids), [`core::currency`], [`core::transport`], [`core::operation`] and [`core::call`] (the
//! sans-IO layer), [`core::blocking`], [`core::webhook`] (verifying and reading webhooks),
//! [`core::redact`]. [`env`](mod@env) lists the environment variables [`Client::from_env`] reads.
//!
//! [Checkout.com Payments API]: https://api-reference.checkout.com/#tag/Payments
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "blocking")]
pub mod blocking;
mod client;
pub mod env;
#[cfg(feature = "sandbox")]
mod local;

pub use checkout_sdk_core as core;
#[cfg(feature = "fake")]
pub use checkout_sdk_fake as fake;
#[cfg(feature = "hyper")]
pub use checkout_sdk_hyper as hyper;
#[cfg(feature = "reqwest")]
pub use checkout_sdk_reqwest as reqwest;
#[cfg(feature = "sandbox")]
pub use checkout_sdk_sandbox as sandbox;
#[cfg(feature = "simulator")]
pub use checkout_sdk_simulator as simulator;
#[cfg(feature = "blocking")]
pub use checkout_sdk_ureq as ureq;

pub use checkout_sdk_core::{Config, Environment, Error, ErrorKind, InvalidInput, SecretKey};
pub use client::{Client, ClientBuilder};
#[cfg(feature = "sandbox")]
pub use local::{LOCAL_PROCESSING_CHANNEL, LOCAL_SANDBOX_KEY};

/// The Payments API of a [`Client`]: `client.payments()`. Owns a cheap clone of the client.
pub type Payments = checkout_sdk_core::Payments<checkout_sdk_core::Client>;

/// The types most programs need.
pub mod prelude {
    pub use crate::{Client, Payments};
    pub use checkout_sdk_core::prelude::*;
}

/// The README's code blocks, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
