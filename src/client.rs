//! The client, configured like `reqwest`: `Client::builder()...build()`, or `Client::from_env()`.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use checkout_sdk_core::credentials::{Credentials, OAuthCredentials};
use checkout_sdk_core::id::ProcessingChannelId;
use checkout_sdk_core::operation::Operation;
use checkout_sdk_core::response::Response;
use checkout_sdk_core::retry::RetryPolicy;
use checkout_sdk_core::transport::{HttpTransport, Sleeper};
use checkout_sdk_core::{Config, Environment, Error, InvalidInput, SecretKey};

use crate::Payments;

/// A Checkout.com client: cheap to clone (everything is shared), safe to use from many tasks.
///
/// ```no_run
/// use std::time::Duration;
/// use checkout_sdk::prelude::*;
///
/// # fn main() -> Result<(), Error> {
/// let client = Client::builder()
///     .secret_key("sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e")
///     .processing_channel("pc_q4dbxom5jbgudnjzjpz7j2z6uq")
///     .timeout(Duration::from_secs(20))
///     .user_agent_suffix("my-shop/1.4")
///     .build()?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Client {
    core: checkout_sdk_core::Client,
    /// What must live as long as the client (the embedded local sandbox).
    #[cfg(feature = "sandbox")]
    keep_alive: Option<Arc<dyn std::any::Any + Send + Sync>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client").field("core", &self.core).finish_non_exhaustive()
    }
}

impl Client {
    /// A builder: credentials, environment, timeouts, retries, transport.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A sandbox client for `secret_key`, with the default transport and retries.
    ///
    /// # Errors
    ///
    /// [`InvalidInput`] for a malformed key (never repeated), or a transport error when TLS
    /// cannot be set up.
    pub fn sandbox(secret_key: &str) -> Result<Self, Error> {
        Self::builder().secret_key(secret_key).environment(Environment::Sandbox).build()
    }

    /// A production client for `secret_key`, with the default transport and retries.
    ///
    /// # Errors
    ///
    /// As [`Client::sandbox`].
    pub fn production(secret_key: &str) -> Result<Self, Error> {
        Self::builder().secret_key(secret_key).environment(Environment::Production).build()
    }

    /// A client configured from the environment variables listed in [`env`](crate::env).
    ///
    /// # Errors
    ///
    /// [`InvalidInput`] naming the variable that is missing or wrong (its value is never
    /// repeated), or a transport error when TLS cannot be set up.
    pub fn from_env() -> Result<Self, Error> {
        ClientBuilder::from_env().build()
    }

    /// The Payments API: request, get, actions, capture, refund, void, and the rest. The handle
    /// owns a clone of the client, so it can be stored.
    pub fn payments(&self) -> Payments {
        self.core.payments()
    }

    /// Runs any operation (see [`core::operation`](checkout_sdk_core::operation)) with this
    /// client's retries, keys and credentials.
    ///
    /// # Errors
    ///
    /// The call's [`Error`].
    pub async fn execute<O: Operation + Sync>(&self, op: &O) -> Result<Response<O::Data>, Error> {
        self.core.execute(op).await
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

    /// The `no_std` core's client underneath.
    pub fn as_core(&self) -> &checkout_sdk_core::Client {
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

impl From<checkout_sdk_core::Client> for Client {
    fn from(core: checkout_sdk_core::Client) -> Self {
        Client {
            core,
            #[cfg(feature = "sandbox")]
            keep_alive: None,
        }
    }
}

/// Builds a [`Client`]. Mistakes (a malformed key, a bad URL) are kept until
/// [`build`](Self::build), which reports the first one.
#[must_use]
#[derive(Default)]
pub struct ClientBuilder {
    config: Option<Config>,
    credentials: Option<Credentials>,
    scopes: Option<Vec<String>>,
    environment: Option<Environment>,
    processing_channel: Option<ProcessingChannelId>,
    user_agent_suffix: Option<String>,
    retry: Option<RetryPolicy>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    #[cfg(feature = "hyper")]
    proxy: ProxyChoice,
    transport: Option<Arc<dyn HttpTransport>>,
    sleeper: Option<Arc<dyn Sleeper>>,
    error: Option<Error>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("credentials", &self.credentials)
            .field("environment", &self.environment)
            .field("processing_channel", &self.processing_channel)
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .field("proxy", &self.proxy_debug())
            .field("transport", &self.transport.is_some())
            .field("error", &self.error)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// A builder filled in from the environment variables listed in [`env`](crate::env).
    pub fn from_env() -> Self {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// A builder filled in from variables looked up with `var` (a map in tests).
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Self {
        match crate::env::read(var) {
            Ok(read) => {
                let mut builder = Self::default().credentials(read.credentials).environment(read.environment);
                builder.processing_channel = read.processing_channel;
                builder
            }
            Err(error) => Self { error: Some(error), ..Self::default() },
        }
    }

    pub(crate) fn fail(mut self, error: impl Into<Error>) -> Self {
        self.error.get_or_insert(error.into());
        self
    }

    /// Authenticates with a secret key (`sk_sbox_...`, `sk_test_<uuid>`, or a production key).
    pub fn secret_key(self, key: &str) -> Self {
        match SecretKey::new(key) {
            Ok(key) => self.credentials(key),
            Err(e) => self.fail(e),
        }
    }

    /// Authenticates with OAuth client credentials: an access key id (`ack_...`) and secret,
    /// exchanged for a token that the client caches and refreshes.
    pub fn oauth(self, client_id: &str, client_secret: &str) -> Self {
        match OAuthCredentials::new(client_id, client_secret) {
            Ok(oauth) => self.credentials(oauth),
            Err(e) => self.fail(e),
        }
    }

    /// The OAuth scopes to ask for, with [`oauth`](Self::oauth) (default `gateway`; see
    /// [`scopes`](checkout_sdk_core::credentials::scopes)).
    pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes = Some(scopes.into_iter().map(Into::into).collect());
        self
    }

    /// Starts from a ready [`Config`]: its credentials, environment, processing channel and user
    /// agent (a processing channel or user-agent suffix set here is added to it).
    pub fn config(mut self, config: Config) -> Self {
        self.config = Some(config);
        self
    }

    /// Any [`Credentials`]: a secret key, OAuth credentials, or an access token.
    pub fn credentials(mut self, credentials: impl Into<Credentials>) -> Self {
        self.credentials = Some(credentials.into());
        self
    }

    /// Where requests go (the sandbox by default).
    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = Some(environment);
        self
    }

    /// The account's own API host, `https://{prefix}.api.sandbox.checkout.com/` (or production's,
    /// when [`environment`](Self::environment) was set to production first).
    pub fn subdomain(self, prefix: &str) -> Self {
        let production = matches!(self.environment, Some(Environment::Production));
        let environment =
            if production { Environment::production_subdomain(prefix) } else { Environment::sandbox_subdomain(prefix) };
        match environment {
            Ok(environment) => self.environment(environment),
            Err(e) => self.fail(e),
        }
    }

    /// Any other base URL: a proxy, or a local sandbox (`http://` only to loopback).
    pub fn base_url(self, url: &str) -> Self {
        match Environment::custom(url) {
            Ok(environment) => self.environment(environment),
            Err(e) => self.fail(e),
        }
    }

    /// The processing channel (`pc_...`) sent with every payment that names none.
    pub fn processing_channel(mut self, id: &str) -> Self {
        match ProcessingChannelId::new(id) {
            Ok(id) => {
                self.processing_channel = Some(id);
                self
            }
            Err(e) => self.fail(e),
        }
    }

    /// Appends `product/version` to the user agent.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// The retry policy ([`RetryPolicy::none`] turns retries off; the default retries twice).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// The most one attempt may take, connect to last body byte (default 60 s). For the built-in
    /// transport only: a custom [`transport`](Self::transport) keeps its own.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The most a TCP connect may take (default 10 s). For the built-in transport only.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Sends every request through this HTTP proxy (`http://host:port`, optionally with
    /// `user:password@`, never printed) instead of the proxies named by the environment
    /// (`HTTPS_PROXY`, `NO_PROXY`, ..., honoured by default; see
    /// [`hyper::proxy`](checkout_sdk_hyper::proxy)). `https://` requests go through a `CONNECT`
    /// tunnel. For the built-in transport only.
    ///
    /// ```
    /// let client = checkout_sdk::Client::builder()
    ///     .secret_key("sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e")
    ///     .proxy("http://shop:s3cret@proxy.corp:3128")
    ///     .build()?;
    /// assert!(!format!("{client:?}").contains("s3cret"));
    /// # Ok::<(), checkout_sdk::Error>(())
    /// ```
    #[cfg(feature = "hyper")]
    pub fn proxy(mut self, url: &str) -> Self {
        match checkout_sdk_hyper::proxy::Proxy::new(url) {
            Ok(proxy) => {
                self.proxy = ProxyChoice::Explicit(proxy);
                self
            }
            Err(e) => self.fail(InvalidInput::BaseUrl(format!("invalid proxy: {e}"))),
        }
    }

    /// Sends every request directly: no proxy, whatever the environment says. For the built-in
    /// transport only.
    #[cfg(feature = "hyper")]
    pub fn no_proxy(mut self) -> Self {
        self.proxy = ProxyChoice::Off;
        self
    }

    #[cfg(feature = "hyper")]
    fn proxy_debug(&self) -> &dyn fmt::Debug {
        &self.proxy
    }

    #[cfg(not(feature = "hyper"))]
    fn proxy_debug(&self) -> &dyn fmt::Debug {
        &"none"
    }

    /// Sends requests through `transport` instead of the built-in one.
    pub fn transport(mut self, transport: impl HttpTransport + 'static) -> Self {
        self.transport = Some(Arc::new(transport));
        self
    }

    /// How to wait between retries (with the `hyper` feature, tokio's timer by default; without a
    /// sleeper, nothing is retried).
    pub fn sleeper(mut self, sleeper: impl Sleeper + 'static) -> Self {
        self.sleeper = Some(Arc::new(sleeper));
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    ///
    /// The first mistake made on the builder, missing credentials, or a transport error when the
    /// built-in transport's TLS cannot be set up.
    pub fn build(mut self) -> Result<Client, Error> {
        let config = self.take_config()?;
        let transport = match self.transport {
            Some(transport) => transport,
            #[cfg(feature = "hyper")]
            None => default_transport(self.timeout, self.connect_timeout, self.proxy)?,
            #[cfg(not(feature = "hyper"))]
            None => default_transport()?,
        };
        let mut core =
            checkout_sdk_core::Client::builder_shared(config, transport).retry_policy(self.retry.unwrap_or_default());
        if let Some(sleeper) = self.sleeper.or_else(default_sleeper) {
            core = core.sleeper_shared(sleeper);
        }
        Ok(Client::from(core.build()))
    }

    /// The first mistake made on the builder, or the [`Config`] its credentials, environment,
    /// processing channel and user agent make (the blocking client's builder shares this).
    pub(crate) fn take_config(&mut self) -> Result<Config, Error> {
        if let Some(error) = self.error.take() {
            return Err(error);
        }
        let credentials = match (self.credentials.take(), self.scopes.take()) {
            (Some(Credentials::OAuth(oauth)), Some(scopes)) => Some(Credentials::OAuth(oauth.scopes(scopes))),
            (credentials, _) => credentials,
        };
        let mut config = match (self.config.take(), credentials, self.environment.take()) {
            (Some(config), None, None) => config,
            (Some(_), _, _) => {
                return Err(InvalidInput::Request(
                    "set credentials and environment either with config() or with their own methods, not both".into(),
                )
                .into())
            }
            (None, None, _) => {
                return Err(InvalidInput::Credentials("no credentials: set a secret key or OAuth credentials").into())
            }
            (None, Some(credentials), environment) => {
                Config::with_credentials(credentials, environment.unwrap_or(Environment::Sandbox))
            }
        };
        if let Some(channel) = self.processing_channel.take() {
            config = config.with_processing_channel(channel);
        }
        if let Some(suffix) = &self.user_agent_suffix {
            config = config.with_user_agent_suffix(suffix);
        }
        Ok(config)
    }

    /// The retry policy, timeout and connect timeout set so far (for the blocking client).
    #[cfg(feature = "blocking")]
    pub(crate) fn limits(&self) -> (Option<RetryPolicy>, Option<Duration>, Option<Duration>) {
        (self.retry.clone(), self.timeout, self.connect_timeout)
    }
}

/// Which proxy the built-in transport uses.
#[cfg(feature = "hyper")]
#[derive(Debug, Clone, Default)]
enum ProxyChoice {
    /// The environment's (`HTTPS_PROXY`, `NO_PROXY`, ...).
    #[default]
    FromEnvironment,
    /// This one, for every request.
    Explicit(checkout_sdk_hyper::proxy::Proxy),
    /// None.
    Off,
}

#[cfg(feature = "hyper")]
fn default_transport(
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    proxy: ProxyChoice,
) -> Result<Arc<dyn HttpTransport>, Error> {
    let mut builder = checkout_sdk_hyper::HyperTransport::builder();
    builder = match proxy {
        ProxyChoice::FromEnvironment => builder,
        ProxyChoice::Explicit(proxy) => builder.proxy(proxy),
        ProxyChoice::Off => builder.no_proxy(),
    };
    if let Some(timeout) = timeout {
        builder = builder.timeout(timeout);
    }
    if let Some(timeout) = connect_timeout {
        builder = builder.connect_timeout(timeout);
    }
    let transport = builder
        .try_build()
        .map_err(|e| Error::from_transport(checkout_sdk_core::transport::TransportError::not_sent(e.to_string())))?;
    Ok(Arc::new(transport))
}

#[cfg(not(feature = "hyper"))]
fn default_transport() -> Result<Arc<dyn HttpTransport>, Error> {
    Err(InvalidInput::Request(
        "no transport: enable the `hyper` feature or set one with ClientBuilder::transport".into(),
    )
    .into())
}

fn default_sleeper() -> Option<Arc<dyn Sleeper>> {
    #[cfg(feature = "hyper")]
    return Some(Arc::new(checkout_sdk_hyper::TokioSleeper::new()));
    #[cfg(not(feature = "hyper"))]
    None
}
