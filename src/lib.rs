//! # checkout-sdk
//!
//! The Rust SDK for the [Checkout.com Payments API]: request a payment from a card token, a
//! stored source, a customer, full card details or a local payment method, with or without
//! 3-D Secure; read it back by payment or session id; list its actions; capture, refund and
//! void it; and handle every outcome and every error with types instead of strings.
//!
//! ```no_run
//! use checkout_sdk::prelude::*;
//! use serde_json::json;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Error> {
//! let client = Client::from_env()?; // CKO_SECRET_KEY or CKO_OAUTH_*, CKO_ENVIRONMENT, ... (see `env`)
//! let source = PaymentSource::infer(json!({"token": "tok_ubfj2q76miwundwlk72vxt2i7q"}))?;
//! let request = PaymentRequest::builder(source, 100, Currency::USD).reference("ORD-1").build()?;
//! let payment = client.payments().request(request).await?;
//! match payment.outcome() {
//!     Outcome::Pending { redirect } => println!("send the customer to {:?}", redirect.map(|l| l.href)),
//!     Outcome::Approved | Outcome::Flagged => {
//!         client.payments().capture(&payment.id, ActionRequest::full().reference("CAPTURE")).await?;
//!     }
//!     Outcome::Declined { response_code, response_summary } => {
//!         println!("declined: {response_code:?} {response_summary:?}")
//!     }
//!     _ => {}
//! }
//! # Ok(())
//! # }
//! ```
//!
//! ## Choosing a transport
//!
//! The SDK's logic lives in [`checkout_sdk_core`] (re-exported as [`core`]), which never does I/O:
//! requests go through a [`core::transport::HttpTransport`].
//!
//! | you want | use |
//! |---|---|
//! | a production-ready async client (tokio) | the `hyper` and `rustls` features (default): [`Client::sandbox`], [`Client::production`], [`Client::from_env`] or [`Client::builder`]; rustls TLS, proxies from `HTTPS_PROXY`/`NO_PROXY` ([`ClientBuilder::proxy`], [`ClientBuilder::no_proxy`]) |
//! | the platform's TLS (OpenSSL, Secure Transport, SChannel) | the `native-tls` feature (needs `libssl-dev` on Linux to build) |
//! | the `reqwest::Client` your service already has | the `reqwest` feature: `ClientBuilder::transport(reqwest::ReqwestTransport::new(client))` |
//! | no async at all | the `blocking` feature: `blocking::Client` over ureq, with the same builder, retries and keys |
//! | unit tests without a network | the `fake` feature: `fake::recording::FakeTransport` (scripted replies, request assertions, cassettes) |
//! | realistic end-to-end tests offline | the `simulator` feature's `simulator::Simulator` in memory, or the `sandbox` feature's HTTP server |
//! | another HTTP stack | implement the one-method `HttpTransport` (or the core's `BlockingTransport`), check it with `fake::conformance`, or drive the sans-IO [`core::operation`]s yourself |
//!
//! Every transport above makes the same promises, checked by one conformance suite: the smaller
//! of its timeout and the core's per-attempt budget applies, bodies are capped as they stream,
//! plain `http://` goes to loopback only, errors say whether the request may have been sent, and
//! no error shows a secret.
//!
//! ## Reliability
//!
//! Every `POST` carries an idempotency key (yours, or one the client generates before the first
//! attempt) and every retry reuses it, so a payment is never charged twice by a retry. Clients
//! retry what is safe on 429, 5xx, timeouts and connection failures, with exponential backoff,
//! jitter and `Retry-After`. A failed call's [`Error`] says whether the payment may exist
//! ([`Error::may_have_been_processed`]) and hands back the key to recover with
//! ([`Error::idempotency_key`]): send the same request again with it.
//!
//! ## Features
//!
//! - `hyper` (default): the hyper 1 transport (proxies from the environment) and tokio sleeper.
//! - `rustls` (default): TLS for it with rustls (ring, Mozilla's roots): no system OpenSSL.
//! - `native-tls`: TLS for it with the platform's library instead (OpenSSL on Linux).
//! - `reqwest`: `reqwest::ReqwestTransport`, over your own `reqwest::Client`.
//! - `blocking`: `blocking::Client`, over ureq, for programs without async.
//! - `fake`: the recording fake, cassettes and test helpers (and the simulator).
//! - `simulator`: the in-memory simulator of the Checkout.com sandbox.
//! - `sandbox`: the simulator served over HTTP (`checkout-sandbox`).
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
