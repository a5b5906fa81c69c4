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
//! let client = Client::from_env()?; // CKO_SECRET_KEY, CKO_ENVIRONMENT, CKO_BASE_URL
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
//! | a production-ready async client (tokio) | the `hyper` feature (default): [`Client::sandbox`], [`Client::production`], [`Client::from_env`], or [`hyper::HyperTransport`] for timeouts and caps |
//! | unit tests without a network | the `fake` feature: `fake::recording::FakeTransport` (scripted replies, request assertions, cassettes) |
//! | realistic end-to-end tests offline | the `simulator` feature's `simulator::Simulator` in memory, or the `sandbox` feature's HTTP server |
//! | another HTTP stack, or no async at all | implement the one-method `HttpTransport` trait, or drive the sans-IO [`core::operation`]s yourself |
//!
//! ## Reliability
//!
//! With the default transport, [`Client::from_env`] and friends retry what is safe (`GET`s and
//! `POST`s carrying an idempotency key) on 429, 5xx, timeouts and connection failures, with
//! exponential backoff, jitter and `Retry-After`. Every `POST` gets one idempotency key reused
//! on every attempt, so a payment is never charged twice by a retry.
//!
//! ## Features
//!
//! - `hyper` (default): the hyper 1 + hyper-tls transport and tokio sleeper.
//! - `fake`: the recording fake, cassettes and test helpers (and the simulator).
//! - `simulator`: the in-memory simulator of the Checkout.com sandbox.
//! - `sandbox`: the simulator served over HTTP (`checkout-sandbox`).
//!
//! [Checkout.com Payments API]: https://api-reference.checkout.com/#tag/Payments
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub use checkout_sdk_core as core;
#[cfg(feature = "fake")]
pub use checkout_sdk_fake as fake;
#[cfg(feature = "hyper")]
pub use checkout_sdk_hyper as hyper;
#[cfg(feature = "sandbox")]
pub use checkout_sdk_sandbox as sandbox;
#[cfg(feature = "simulator")]
pub use checkout_sdk_simulator as simulator;

pub use checkout_sdk_core::{Config, Environment, Error, InvalidInput, SecretKey};

use std::ops::Deref;

use checkout_sdk_core::transport::HttpTransport;
#[cfg(feature = "hyper")]
use {checkout_sdk_core::retry::RetryPolicy, std::sync::Arc};

/// The environment variable holding the secret key.
pub const ENV_SECRET_KEY: &str = "CKO_SECRET_KEY";
/// The environment variable choosing `sandbox` (default) or `production`.
pub const ENV_ENVIRONMENT: &str = "CKO_ENVIRONMENT";
/// The environment variable overriding the base URL (e.g. a local simulator).
pub const ENV_BASE_URL: &str = "CKO_BASE_URL";

/// A Checkout.com client: [`checkout_sdk_core::Client`] with convenience constructors.
///
/// Dereferences to the core client, so `client.payments()` works directly.
#[derive(Debug, Clone)]
pub struct Client(checkout_sdk_core::Client);

impl Client {
    /// A client over any transport, without retries (add them with [`Client::builder`]).
    pub fn with_transport(config: Config, transport: impl HttpTransport + 'static) -> Self {
        Client(checkout_sdk_core::Client::new(config, transport))
    }

    /// A builder over any transport (sleeper, randomness, retry policy).
    pub fn builder(config: Config, transport: impl HttpTransport + 'static) -> checkout_sdk_core::ClientBuilder {
        checkout_sdk_core::Client::builder(config, transport)
    }

    /// The core client.
    pub fn into_core(self) -> checkout_sdk_core::Client {
        self.0
    }

    /// Reads the configuration from the environment: `CKO_SECRET_KEY` (required),
    /// `CKO_ENVIRONMENT` (`sandbox`, the default, or `production`) and `CKO_BASE_URL` (overrides
    /// the environment's base URL, e.g. for a local simulator).
    pub fn config_from_env() -> Result<Config, Error> {
        Self::config_from_vars(|name| std::env::var(name).ok())
    }

    /// [`config_from_env`](Self::config_from_env) over any variable lookup (for tests).
    pub fn config_from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Config, Error> {
        let key = var(ENV_SECRET_KEY)
            .filter(|k| !k.is_empty())
            .ok_or(InvalidInput::SecretKey("CKO_SECRET_KEY is not set"))?;
        let key = SecretKey::new(key)?;
        let mut environment = match var(ENV_ENVIRONMENT).filter(|v| !v.is_empty()) {
            Some(name) if name.eq_ignore_ascii_case("sandbox") => Environment::Sandbox,
            Some(name) if name.eq_ignore_ascii_case("production") => Environment::Production,
            Some(other) => {
                return Err(InvalidInput::BaseUrl(format!(
                    "CKO_ENVIRONMENT must be sandbox or production, not {:?}",
                    checkout_sdk_core::redact::redact_secret_keys(&other)
                ))
                .into())
            }
            None => Environment::Sandbox,
        };
        if let Some(url) = var(ENV_BASE_URL).filter(|v| !v.is_empty()) {
            environment = Environment::custom(&url)?;
        }
        Ok(Config::new(key, environment))
    }
}

#[cfg(feature = "hyper")]
impl Client {
    /// A client for the sandbox with the default hyper transport and retries.
    pub fn sandbox(secret_key: &str) -> Result<Self, Error> {
        Self::from_config(Config::sandbox(SecretKey::new(secret_key)?))
    }

    /// A client for production with the default hyper transport and retries.
    pub fn production(secret_key: &str) -> Result<Self, Error> {
        Self::from_config(Config::production(SecretKey::new(secret_key)?))
    }

    /// A client configured from `CKO_SECRET_KEY`, `CKO_ENVIRONMENT` and `CKO_BASE_URL` (see
    /// [`config_from_env`](Self::config_from_env)), with the default hyper transport and retries.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_config(Self::config_from_env()?)
    }

    /// A client for `config` with the default hyper transport, the tokio sleeper and the default
    /// [`RetryPolicy`]. Fails (as a transport error: nothing was sent) only when the system TLS
    /// library cannot be initialised.
    pub fn from_config(config: Config) -> Result<Self, Error> {
        let transport = checkout_sdk_hyper::HyperTransport::builder().try_build().map_err(|e| {
            Error::from_transport(checkout_sdk_core::transport::TransportError::not_sent(e.to_string()))
        })?;
        Ok(Self::from_config_with(config, transport, RetryPolicy::default()))
    }

    /// A client for `config` over a configured hyper transport with `policy`.
    pub fn from_config_with<C>(
        config: Config,
        transport: checkout_sdk_hyper::HyperTransport<C>,
        policy: RetryPolicy,
    ) -> Self
    where
        checkout_sdk_hyper::HyperTransport<C>: HttpTransport + 'static,
    {
        let shared: Arc<dyn HttpTransport> = Arc::new(transport);
        Client(
            checkout_sdk_core::Client::builder_shared(config, shared)
                .sleeper(checkout_sdk_hyper::TokioSleeper::new())
                .retry_policy(policy)
                .build(),
        )
    }
}

impl Deref for Client {
    type Target = checkout_sdk_core::Client;
    fn deref(&self) -> &checkout_sdk_core::Client {
        &self.0
    }
}

impl From<checkout_sdk_core::Client> for Client {
    fn from(client: checkout_sdk_core::Client) -> Self {
        Client(client)
    }
}

/// The types most programs need.
pub mod prelude {
    pub use crate::Client;
    pub use checkout_sdk_core::prelude::Client as CoreClient;
    pub use checkout_sdk_core::prelude::*;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| (*v).to_string())
    }

    const KEY: &str = "sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e";

    #[test]
    fn config_comes_from_the_environment_variables() {
        let c = Client::config_from_vars(vars(&[(ENV_SECRET_KEY, KEY)])).unwrap();
        assert_eq!(c.environment(), &Environment::Sandbox);
        let c = Client::config_from_vars(vars(&[(ENV_SECRET_KEY, KEY), (ENV_ENVIRONMENT, "production")])).unwrap();
        assert_eq!(c.environment().base_url(), "https://api.checkout.com/");
        let c =
            Client::config_from_vars(vars(&[(ENV_SECRET_KEY, KEY), (ENV_BASE_URL, "http://127.0.0.1:8080")])).unwrap();
        assert_eq!(c.environment().base_url(), "http://127.0.0.1:8080/");
    }

    #[test]
    fn bad_environment_variables_are_typed_errors() {
        for pairs in [
            &[][..],
            &[(ENV_SECRET_KEY, "")][..],
            &[(ENV_SECRET_KEY, "sk_nope")][..],
            &[(ENV_SECRET_KEY, KEY), (ENV_ENVIRONMENT, "staging")][..],
            &[(ENV_SECRET_KEY, KEY), (ENV_BASE_URL, "http://example.com")][..],
        ] {
            let err = Client::config_from_vars(vars(pairs)).unwrap_err();
            assert!(err.is_invalid_input(), "{pairs:?}: {err}");
            assert!(!err.to_string().contains("m73dzbpy"), "{err}");
        }
    }
}
