//! A blocking client for programs without async (feature `blocking`): the same calls, retries,
//! idempotency keys, credentials and errors as the async [`Client`](crate::Client), over ureq
//! (`checkout-sdk-ureq`) with rustls, and no runtime.
//!
//! ```no_run
//! use std::time::Duration;
//! use checkout_sdk::blocking::Client;
//! use checkout_sdk::core::prelude::*;
//!
//! # fn main() -> Result<(), Error> {
//! let client = Client::builder()
//!     .secret_key("sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e")
//!     .timeout(Duration::from_secs(20))
//!     .build()?;
//! let request = PaymentRequest::builder(TokenSource::new("tok_ubfj2q76miwundwlk72vxt2i7q"), 100, Currency::USD)
//!     .reference("ORD-1")
//!     .build()?;
//! let payment = client.payments().request(request)?;
//! if payment.can_capture() {
//!     client.payments().capture(&payment.id, ActionRequest::full())?;
//! }
//! # Ok(())
//! # }
//! ```

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use checkout_sdk_core::blocking::ThreadSleeper;
use checkout_sdk_core::credentials::Credentials;
use checkout_sdk_core::operation::{Operation, Paged};
use checkout_sdk_core::payments::Driver;
use checkout_sdk_core::response::Response;
use checkout_sdk_core::retry::RetryPolicy;
use checkout_sdk_core::{Config, Environment, Error, InvalidInput};
use checkout_sdk_ureq::UreqTransport;

/// The core's blocking client this one wraps: over ureq, sleeping the thread between retries.
pub type CoreClient = checkout_sdk_core::blocking::Client<UreqTransport, ThreadSleeper>;

/// The Payments API of a blocking [`Client`]: `client.payments()`. Owns a cheap clone of the
/// client; every method returns its result directly.
pub type Payments = checkout_sdk_core::Payments<Client>;

/// A blocking Checkout.com client: cheap to clone (everything is shared), safe to use from many
/// threads. Configured like the async [`Client`](crate::Client).
#[derive(Clone)]
pub struct Client {
    core: Arc<CoreClient>,
    /// What must live as long as the client (the embedded local sandbox).
    #[cfg(feature = "sandbox")]
    keep_alive: Option<Arc<dyn std::any::Any + Send + Sync>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("blocking::Client").field("core", &self.core).finish_non_exhaustive()
    }
}

impl Client {
    /// A builder: credentials, environment, timeouts, retries, proxy.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A sandbox client for `secret_key`, with the default transport and retries.
    ///
    /// # Errors
    ///
    /// [`InvalidInput`] for a malformed key (never repeated).
    pub fn sandbox(secret_key: &str) -> Result<Client, Error> {
        Self::builder().secret_key(secret_key).environment(Environment::Sandbox).build()
    }

    /// A production client for `secret_key`, with the default transport and retries.
    ///
    /// # Errors
    ///
    /// As [`Client::sandbox`].
    pub fn production(secret_key: &str) -> Result<Client, Error> {
        Self::builder().secret_key(secret_key).environment(Environment::Production).build()
    }

    /// A client configured from the environment variables listed in [`env`](crate::env).
    ///
    /// # Errors
    ///
    /// [`InvalidInput`] naming the variable that is missing or wrong (its value is never
    /// repeated).
    pub fn from_env() -> Result<Client, Error> {
        ClientBuilder::from_env().build()
    }

    /// The Payments API: request, get, actions, capture, refund, void. The handle owns a clone
    /// of the client, so it can be stored.
    pub fn payments(&self) -> Payments {
        Payments::new(self.clone())
    }

    /// Runs any operation (see [`core::operation`](checkout_sdk_core::operation)) with this
    /// client's retries, keys and credentials.
    ///
    /// # Errors
    ///
    /// The call's [`Error`], after the retries the policy allows.
    pub fn execute<O: Operation + ?Sized>(&self, op: &O) -> Result<Response<O::Data>, Error> {
        self.core.execute(op)
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        self.core.config()
    }

    /// The retry policy in force.
    pub fn retry_policy(&self) -> &RetryPolicy {
        self.core.retry_policy()
    }

    /// How many OAuth access tokens this client (and its clones) has fetched.
    pub fn tokens_fetched(&self) -> u64 {
        self.core.tokens_fetched()
    }

    /// The core's blocking client underneath.
    pub fn as_core(&self) -> &CoreClient {
        &self.core
    }

    #[cfg(feature = "sandbox")]
    pub(crate) fn with_keep_alive(mut self, value: Arc<dyn std::any::Any + Send + Sync>) -> Self {
        self.keep_alive = Some(value);
        self
    }

    #[cfg(feature = "sandbox")]
    pub(crate) fn keep_alive(&self) -> Option<&Arc<dyn std::any::Any + Send + Sync>> {
        self.keep_alive.as_ref()
    }
}

impl Driver for Client {
    type Output<D: Send + 'static> = Result<Response<D>, Error>;

    fn run<O>(&self, op: O) -> Result<Response<O::Data>, Error>
    where
        O: Operation + Send + Sync + 'static,
        O::Data: Send + 'static,
    {
        self.core.execute(&op)
    }

    fn fail<D: Send + 'static>(&self, error: Error) -> Result<Response<D>, Error> {
        Err(error)
    }

    type All<T: Send + 'static> = Result<Vec<T>, Error>;

    fn run_all<P>(&self, first: P) -> Result<Vec<P::Item>, Error>
    where
        P: Paged + Send + Sync + 'static,
        P::Item: Send + 'static,
    {
        Driver::run_all(&&*self.core, first)
    }
}

/// Builds a blocking [`Client`]; the same settings as the async
/// [`ClientBuilder`](crate::ClientBuilder), with ureq as the transport. Mistakes are kept until
/// [`build`](Self::build), which reports the first one.
#[must_use]
#[derive(Default)]
pub struct ClientBuilder {
    settings: crate::ClientBuilder,
    proxy: ProxyChoice,
}

#[derive(Clone, Default)]
enum ProxyChoice {
    #[default]
    FromEnvironment,
    Explicit(checkout_sdk_ureq::ureq::Proxy),
    Off,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let proxy = match &self.proxy {
            ProxyChoice::FromEnvironment => "from the environment".to_owned(),
            ProxyChoice::Explicit(p) => format!("{}:{}", p.host(), p.port()),
            ProxyChoice::Off => "none".to_owned(),
        };
        f.debug_struct("blocking::ClientBuilder").field("settings", &self.settings).field("proxy", &proxy).finish()
    }
}

impl ClientBuilder {
    /// A builder filled in from the environment variables listed in [`env`](crate::env).
    pub fn from_env() -> ClientBuilder {
        ClientBuilder { settings: crate::ClientBuilder::from_env(), proxy: ProxyChoice::default() }
    }

    /// A builder filled in from variables looked up with `var` (a map in tests).
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> ClientBuilder {
        ClientBuilder { settings: crate::ClientBuilder::from_vars(var), proxy: ProxyChoice::default() }
    }

    fn with(mut self, set: impl FnOnce(crate::ClientBuilder) -> crate::ClientBuilder) -> Self {
        self.settings = set(self.settings);
        self
    }

    /// Authenticates with a secret key (`sk_sbox_...`, `sk_test_<uuid>`, or a production key).
    pub fn secret_key(self, key: &str) -> Self {
        self.with(|s| s.secret_key(key))
    }

    /// Authenticates with OAuth client credentials (`ack_...` and its secret), exchanged for a
    /// token that the client caches and refreshes.
    pub fn oauth(self, client_id: &str, client_secret: &str) -> Self {
        self.with(|s| s.oauth(client_id, client_secret))
    }

    /// The OAuth scopes to ask for, with [`oauth`](Self::oauth) (default `gateway`).
    pub fn scopes<S: Into<String>>(self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.with(|s| s.scopes(scopes))
    }

    /// Starts from a ready [`Config`].
    pub fn config(self, config: Config) -> Self {
        self.with(|s| s.config(config))
    }

    /// Any [`Credentials`]: a secret key, OAuth credentials, or an access token.
    pub fn credentials(self, credentials: impl Into<Credentials>) -> Self {
        self.with(|s| s.credentials(credentials))
    }

    /// Where requests go (the sandbox by default).
    pub fn environment(self, environment: Environment) -> Self {
        self.with(|s| s.environment(environment))
    }

    /// The account's own API host, `https://{prefix}.api.sandbox.checkout.com/` (or production's,
    /// when [`environment`](Self::environment) was set to production first).
    pub fn subdomain(self, prefix: &str) -> Self {
        self.with(|s| s.subdomain(prefix))
    }

    /// Any other base URL: a local sandbox (`http://` only to loopback), say.
    pub fn base_url(self, url: &str) -> Self {
        self.with(|s| s.base_url(url))
    }

    /// The processing channel (`pc_...`) sent with every payment that names none.
    pub fn processing_channel(self, id: &str) -> Self {
        self.with(|s| s.processing_channel(id))
    }

    /// Appends `product/version` to the user agent.
    pub fn user_agent_suffix(self, suffix: impl Into<String>) -> Self {
        self.with(|s| s.user_agent_suffix(suffix))
    }

    /// The retry policy ([`RetryPolicy::none`] turns retries off; the default retries twice,
    /// sleeping the calling thread in between).
    pub fn retry_policy(self, policy: RetryPolicy) -> Self {
        self.with(|s| s.retry_policy(policy))
    }

    /// The most one attempt may take, connect to last body byte (default 60 s).
    pub fn timeout(self, timeout: Duration) -> Self {
        self.with(|s| s.timeout(timeout))
    }

    /// The most connecting may take: DNS, TCP, proxy and TLS (default 10 s).
    pub fn connect_timeout(self, timeout: Duration) -> Self {
        self.with(|s| s.connect_timeout(timeout))
    }

    /// Sends every request through this proxy (`http://[user:password@]host:port`, never
    /// printed) instead of the environment's (`ALL_PROXY`, `HTTPS_PROXY`, `HTTP_PROXY`,
    /// `NO_PROXY`, honoured by default as ureq reads them).
    pub fn proxy(mut self, url: &str) -> Self {
        match checkout_sdk_ureq::ureq::Proxy::new(url) {
            Ok(proxy) => {
                self.proxy = ProxyChoice::Explicit(proxy);
                self
            }
            // ureq's message may repeat the URL, and with it a password.
            Err(_) => self.with(|s| s.fail(InvalidInput::BaseUrl("invalid proxy URL".into()))),
        }
    }

    /// Sends every request directly: no proxy, whatever the environment says.
    pub fn no_proxy(mut self) -> Self {
        self.proxy = ProxyChoice::Off;
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    ///
    /// The first mistake made on the builder, or missing credentials.
    pub fn build(mut self) -> Result<Client, Error> {
        let config = self.settings.take_config()?;
        let (retry, timeout, connect_timeout) = self.settings.limits();
        let mut transport = UreqTransport::builder();
        if let Some(timeout) = timeout {
            transport = transport.timeout(timeout);
        }
        if let Some(timeout) = connect_timeout {
            transport = transport.connect_timeout(timeout);
        }
        transport = match self.proxy {
            ProxyChoice::FromEnvironment => transport,
            ProxyChoice::Explicit(proxy) => transport.proxy(proxy),
            ProxyChoice::Off => transport.no_proxy(),
        };
        let core = checkout_sdk_core::blocking::Client::builder(config, transport.build())
            .sleeper(ThreadSleeper)
            .retry_policy(retry.unwrap_or_default())
            .build();
        Ok(Client {
            core: Arc::new(core),
            #[cfg(feature = "sandbox")]
            keep_alive: None,
        })
    }
}
