//! [`HyperTransport`]: the core's [`HttpTransport`] over hyper 1, hyper-util's pooled client and
//! the [`DefaultConnector`] (proxies, then rustls or native-tls).

use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use bytes::Bytes;
use checkout_sdk_core::http_compat::check_destination;
use checkout_sdk_core::transport::{error_chain, CappedBody, HttpRequest, HttpResponse, HttpTransport, TransportError};
use http::header::{CONTENT_LENGTH, PROXY_AUTHORIZATION};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::client::legacy::connect::{Connect, HttpConnector};
use hyper_util::client::legacy::{Builder as ClientBuilder, Client, Error as ClientError};
use hyper_util::rt::{TokioExecutor, TokioTimer};

use crate::connector::{DefaultConnector, ProxyConnector, TlsBackend};
use crate::proxy::{Proxy, ProxySettings};

/// Default limit on a whole exchange: connecting, sending, and reading the entire response body.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default limit on establishing a TCP connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default cap on a response body: 4 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 4 * 1024 * 1024;
/// Default time an unused pooled connection is kept before it is closed.
///
/// Shorter than the 60 s idle timeout common on load balancers, so the pool rarely hands out a
/// connection the far end is about to close.
pub const DEFAULT_POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// An [`HttpTransport`] over hyper 1 with a pooled, keep-alive connection per host.
///
/// Cloning is cheap and clones share the connection pool, so make one transport and clone it
/// wherever it is needed. It must be used inside a tokio runtime with the I/O and time drivers
/// enabled (`#[tokio::main]` enables both).
///
/// For every request it:
/// - refuses, before any I/O and as [`TransportErrorKind::NotSent`](checkout_sdk_core::transport::TransportErrorKind::NotSent), URLs that are not `https://`
///   unless they are plain `http://` to a loopback host (`localhost`, `127.0.0.0/8`, `[::1]`),
///   URLs with user info, and headers that are not valid HTTP;
/// - limits the whole exchange (connect, send, and the entire body) to the smaller of its own
///   timeout and [`HttpRequest::timeout`], failing with [`TransportErrorKind::TimedOut`](checkout_sdk_core::transport::TransportErrorKind::TimedOut);
/// - reads at most [`max_body_bytes`](HyperTransportBuilder::max_body_bytes), failing with
///   [`TransportErrorKind::BodyTooLarge`](checkout_sdk_core::transport::TransportErrorKind::BodyTooLarge);
/// - reports connect, DNS and TLS failures as [`TransportErrorKind::NotSent`](checkout_sdk_core::transport::TransportErrorKind::NotSent), and any later
///   failure (reset, connection closed before or during the body) as
///   [`TransportErrorKind::Interrupted`](checkout_sdk_core::transport::TransportErrorKind::Interrupted);
/// - records [`HttpResponse::elapsed`] (and the elapsed time on errors).
///
/// It never retries a request that may have reached the server, never follows redirects, and
/// never puts header values or bodies into error messages.
///
/// The type parameter is the connector; it is [`DefaultConnector`] unless the transport was made
/// with [`with_connector`](Self::with_connector) or [`from_client`](Self::from_client).
pub struct HyperTransport<C = DefaultConnector> {
    client: Client<C, Full<Bytes>>,
    timeout: Duration,
    max_body_bytes: usize,
    /// The proxies of the [`DefaultConnector`]: `http://` requests through a proxy carry its
    /// `Proxy-Authorization`. `None` for a custom connector.
    proxies: Option<Arc<ProxySettings>>,
}

impl<C: Clone> Clone for HyperTransport<C> {
    fn clone(&self) -> Self {
        HyperTransport {
            client: self.client.clone(),
            timeout: self.timeout,
            max_body_bytes: self.max_body_bytes,
            proxies: self.proxies.clone(),
        }
    }
}

impl<C> fmt::Debug for HyperTransport<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HyperTransport")
            .field("timeout", &self.timeout)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("proxies", &self.proxies)
            .finish_non_exhaustive()
    }
}

impl HyperTransport {
    /// A transport with the default settings ([`DEFAULT_TIMEOUT`], [`DEFAULT_CONNECT_TIMEOUT`],
    /// [`DEFAULT_MAX_BODY_BYTES`], [`DEFAULT_POOL_IDLE_TIMEOUT`]).
    ///
    /// Proxies come from the environment (`HTTPS_PROXY`, `NO_PROXY`, ...: see
    /// [`proxy`](crate::proxy)).
    ///
    /// # Panics
    ///
    /// If a proxy variable holds an unusable URL, or the TLS library cannot be initialised (a
    /// broken OpenSSL installation, with `native-tls`); never because of anything on the network.
    /// Use [`HyperTransportBuilder::try_build`] to get an error instead.
    pub fn new() -> Self {
        Self::builder().build()
    }

    /// A builder for a transport with non-default settings.
    pub fn builder() -> HyperTransportBuilder {
        HyperTransportBuilder::default()
    }
}

impl Default for HyperTransport {
    /// Same as [`HyperTransport::new`] (and panics in the same case).
    fn default() -> Self {
        Self::new()
    }
}

impl<C> HyperTransport<C> {
    /// A transport over a client the caller configured, with the default timeout and body cap
    /// (change them with [`with_timeout`](Self::with_timeout) and
    /// [`with_max_body_bytes`](Self::with_max_body_bytes)).
    ///
    /// The loopback-only rule for plain `http://` still applies. The client's own settings (pool,
    /// connector timeouts) are used as they are. Build the client with a timer
    /// (`pool_timer(TokioTimer::new())`) if it has a pool idle timeout, or idle connections are
    /// never expired.
    pub fn from_client(client: Client<C, Full<Bytes>>) -> Self {
        HyperTransport { client, timeout: DEFAULT_TIMEOUT, max_body_bytes: DEFAULT_MAX_BODY_BYTES, proxies: None }
    }

    /// A transport with the default settings over a custom connector (a proxy, a different TLS
    /// configuration, a test double). Same as
    /// `HyperTransport::builder().build_with_connector(connector)`.
    pub fn with_connector(connector: C) -> Self
    where
        C: Connect + Clone,
    {
        HyperTransportBuilder::default().build_with_connector(connector)
    }

    /// Replaces the limit on a whole exchange (connect, send, and reading the entire body).
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Replaces the cap on a response body.
    #[must_use]
    pub fn with_max_body_bytes(mut self, max_body_bytes: usize) -> Self {
        self.max_body_bytes = max_body_bytes;
        self
    }

    /// The limit on a whole exchange; a request's own [`HttpRequest::timeout`] can only shorten it.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The cap on a response body, in bytes.
    pub fn max_body_bytes(&self) -> usize {
        self.max_body_bytes
    }

    /// The proxy settings in force, for a transport over the [`DefaultConnector`].
    pub fn proxies(&self) -> Option<&ProxySettings> {
        self.proxies.as_deref()
    }

    /// The underlying hyper-util client.
    pub fn client(&self) -> &Client<C, Full<Bytes>> {
        &self.client
    }
}

impl<C> HyperTransport<C>
where
    C: Connect + Clone + Send + Sync + 'static,
{
    /// Sends the request and reads the whole body, without the overall timeout.
    async fn exchange(&self, request: http::Request<Full<Bytes>>) -> Result<HttpResponse, TransportError> {
        let response = self.client.request(request).await.map_err(request_failed)?;
        let (parts, body) = response.into_parts();
        let capped = CappedBody::new(self.max_body_bytes, parts.headers.get(CONTENT_LENGTH).map(|v| v.as_bytes()))?;
        let body = read_body(body, capped).await?;
        Ok(HttpResponse::from(http::Response::from_parts(parts, body)))
    }
}

#[async_trait]
impl<C> HttpTransport for HyperTransport<C>
where
    C: Connect + Clone + Send + Sync + 'static,
{
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let started = Instant::now();
        let budget = request.budget(self.timeout);
        let mut outgoing = match to_hyper_request(request) {
            Ok(outgoing) => outgoing,
            Err(error) => return Err(error.with_elapsed(started.elapsed())),
        };
        // A plain-http request to a proxy is read by the proxy itself: it carries the proxy's
        // credentials (an https request's go in the CONNECT, which the connector sends).
        if outgoing.uri().scheme_str() == Some("http") {
            let proxy = self.proxies.as_deref().and_then(|p| p.proxy_for(outgoing.uri()));
            if let Some(authorization) = proxy.and_then(Proxy::authorization) {
                outgoing.headers_mut().insert(PROXY_AUTHORIZATION, authorization.clone());
            }
        }
        if budget.is_zero() {
            return Err(TransportError::no_time_left().with_elapsed(started.elapsed()));
        }
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(TransportError::not_sent("HyperTransport must be used inside a tokio runtime")
                .with_elapsed(started.elapsed()));
        }
        if !runtime_has_timers() {
            return Err(TransportError::not_sent(
                "the tokio runtime has no timers: build it with enable_time() or enable_all()",
            )
            .with_elapsed(started.elapsed()));
        }
        match tokio::time::timeout(budget, self.exchange(outgoing)).await {
            Ok(Ok(mut response)) => {
                response.elapsed = Some(started.elapsed());
                Ok(response)
            }
            Ok(Err(error)) => Err(error.with_elapsed(started.elapsed())),
            Err(_) => Err(TransportError::timed_out(started.elapsed())),
        }
    }
}

/// Settings for a [`HyperTransport`]; start from [`HyperTransport::builder`].
///
/// ```
/// use std::time::Duration;
/// use checkout_sdk_hyper::HyperTransport;
///
/// let transport = HyperTransport::builder()
///     .timeout(Duration::from_secs(30))
///     .connect_timeout(Duration::from_secs(5))
///     .max_body_bytes(1024 * 1024)
///     .build();
/// assert_eq!(transport.timeout(), Duration::from_secs(30));
/// ```
#[derive(Debug, Clone)]
pub struct HyperTransportBuilder {
    timeout: Duration,
    connect_timeout: Duration,
    max_body_bytes: usize,
    pool_idle_timeout: Option<Duration>,
    pool_max_idle_per_host: usize,
    /// `None`: read from the environment when the transport is built.
    proxies: Option<ProxySettings>,
    tls: Option<TlsBackend>,
}

impl Default for HyperTransportBuilder {
    fn default() -> Self {
        HyperTransportBuilder {
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            pool_idle_timeout: Some(DEFAULT_POOL_IDLE_TIMEOUT),
            pool_max_idle_per_host: usize::MAX,
            proxies: None,
            tls: TlsBackend::preferred(),
        }
    }
}

impl HyperTransportBuilder {
    /// The limit on a whole exchange: connecting, sending, and reading the entire response body
    /// (default [`DEFAULT_TIMEOUT`]). A request's [`HttpRequest::timeout`] can only shorten it.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The limit on establishing a TCP connection (default [`DEFAULT_CONNECT_TIMEOUT`]), shared
    /// evenly when a host resolves to several addresses. A connect that times out is reported as
    /// [`TransportErrorKind::NotSent`](checkout_sdk_core::transport::TransportErrorKind::NotSent). Only applies to [`build`](Self::build) and
    /// [`try_build`](Self::try_build): a custom connector brings its own.
    #[must_use]
    pub fn connect_timeout(mut self, connect_timeout: Duration) -> Self {
        self.connect_timeout = connect_timeout;
        self
    }

    /// The largest response body accepted, in bytes (default [`DEFAULT_MAX_BODY_BYTES`]); a
    /// larger one fails with [`TransportErrorKind::BodyTooLarge`](checkout_sdk_core::transport::TransportErrorKind::BodyTooLarge).
    #[must_use]
    pub fn max_body_bytes(mut self, max_body_bytes: usize) -> Self {
        self.max_body_bytes = max_body_bytes;
        self
    }

    /// How long an unused pooled connection is kept (default [`DEFAULT_POOL_IDLE_TIMEOUT`]);
    /// `None` keeps idle connections until the server closes them.
    #[must_use]
    pub fn pool_idle_timeout(mut self, idle_timeout: impl Into<Option<Duration>>) -> Self {
        self.pool_idle_timeout = idle_timeout.into();
        self
    }

    /// The most idle connections kept per host (default: no limit); `0` disables reuse.
    #[must_use]
    pub fn pool_max_idle_per_host(mut self, max_idle: usize) -> Self {
        self.pool_max_idle_per_host = max_idle;
        self
    }

    /// Sends every request (`http://` and `https://`) through `proxy`, whatever the environment
    /// says. `https://` requests go through a `CONNECT` tunnel, so the proxy sees only the host.
    ///
    /// ```
    /// use checkout_sdk_hyper::{proxy::Proxy, HyperTransport};
    ///
    /// let proxy = Proxy::new("http://proxy.corp:3128")?.basic_auth("shop", "s3cret");
    /// let transport = HyperTransport::builder().proxy(proxy).try_build()?;
    /// assert!(!format!("{transport:?}").contains("s3cret"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn proxy(self, proxy: Proxy) -> Self {
        self.proxy_settings(ProxySettings::all(proxy))
    }

    /// Sends every request directly: no proxy, and the proxy variables of the environment are
    /// not read.
    #[must_use]
    pub fn no_proxy(self) -> Self {
        self.proxy_settings(ProxySettings::none())
    }

    /// Uses these proxy settings instead of the environment's (by default
    /// [`ProxySettings::from_env`] is read when the transport is built).
    #[must_use]
    pub fn proxy_settings(mut self, settings: ProxySettings) -> Self {
        self.proxies = Some(settings);
        self
    }

    /// The TLS library to use (default [`TlsBackend::preferred`]).
    #[must_use]
    pub fn tls_backend(mut self, backend: TlsBackend) -> Self {
        self.tls = Some(backend);
        self
    }

    /// Builds the transport over the [`DefaultConnector`].
    ///
    /// # Panics
    ///
    /// If a proxy variable of the environment holds an unusable URL, or the TLS library cannot
    /// be initialised; [`try_build`](Self::try_build) returns those as errors instead.
    pub fn build(self) -> HyperTransport {
        match self.try_build() {
            Ok(transport) => transport,
            Err(error) => panic!("{error}"),
        }
    }

    /// Builds the transport over the [`DefaultConnector`].
    ///
    /// # Errors
    ///
    /// [`BuildError`] when a proxy variable of the environment holds an unusable URL (the error
    /// names the variable, never its value), or the TLS library cannot be initialised.
    pub fn try_build(mut self) -> Result<HyperTransport, BuildError> {
        let proxies = match self.proxies.take() {
            Some(settings) => settings,
            None => ProxySettings::from_env().map_err(|error| BuildError(error.to_string()))?,
        };
        let proxies = Arc::new(proxies);
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_nodelay(true);
        http.set_connect_timeout(Some(self.connect_timeout));
        let connector = DefaultConnector::new(ProxyConnector::new(http, proxies.clone()), self.tls)?;
        let mut transport = self.build_with_connector(connector);
        transport.proxies = Some(proxies);
        Ok(transport)
    }

    /// Builds the transport over a custom connector, with these timeout, body-cap and pool
    /// settings ([`connect_timeout`](Self::connect_timeout) is the connector's business).
    pub fn build_with_connector<C>(self, connector: C) -> HyperTransport<C>
    where
        C: Connect + Clone,
    {
        let client = self.client_builder().build(connector);
        HyperTransport { client, timeout: self.timeout, max_body_bytes: self.max_body_bytes, proxies: None }
    }

    fn client_builder(&self) -> ClientBuilder {
        let mut builder = Client::builder(TokioExecutor::new());
        builder
            .pool_timer(TokioTimer::new())
            .pool_idle_timeout(self.pool_idle_timeout)
            .pool_max_idle_per_host(self.pool_max_idle_per_host);
        builder
    }
}

/// Why a [`HyperTransport`] could not be built: an unusable proxy variable, or a TLS library
/// that failed to initialise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildError(String);

impl BuildError {
    #[cfg_attr(not(any(feature = "rustls", feature = "native-tls")), allow(dead_code))]
    pub(crate) fn new(message: String) -> BuildError {
        BuildError(message)
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl StdError for BuildError {}

/// Whether the current tokio runtime has its time driver, which the timeouts and the pool need.
///
/// Tokio has no way to ask, and every timer constructor panics without the driver, so this builds
/// a zero-length sleep under `catch_unwind`. The panic hook still reports that panic (on stderr, by
/// default); under `panic = "abort"` the process aborts, as it would have on the first timer.
fn runtime_has_timers() -> bool {
    std::panic::catch_unwind(|| drop(tokio::time::sleep(Duration::ZERO))).is_ok()
}

/// Converts the request (with the core's `http` conversion, which moves the URL, the header values
/// and the body's shared bytes instead of copying them) and checks where it goes; every failure is
/// `NotSent`.
fn to_hyper_request(request: HttpRequest) -> Result<http::Request<Full<Bytes>>, TransportError> {
    let outgoing = http::Request::<Bytes>::try_from(request)?;
    check_destination(outgoing.uri())?;
    Ok(outgoing.map(Full::new))
}

/// Reads the whole body into `capped` as it arrives. A body that arrives in one frame (most API
/// responses) is copied once, from hyper's read buffer; later frames are appended.
async fn read_body(body: Incoming, mut capped: CappedBody) -> Result<Vec<u8>, TransportError> {
    let mut body = std::pin::pin!(body);
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|error| {
            TransportError::interrupted(format!("while reading the response body: {}", error_chain(&error)))
        })?;
        if let Ok(data) = frame.into_data() {
            capped.push(data)?;
        }
    }
    Ok(capped.into_vec())
}

/// Classifies a failure before the response head arrived.
fn request_failed(error: ClientError) -> TransportError {
    // hyper-util's own text is just "client error (Kind)"; its cause says what happened.
    let detail = match error.source() {
        Some(cause) => error_chain(cause),
        None => error.to_string(),
    };
    if error.is_connect() {
        TransportError::not_sent(format!("could not connect: {detail}"))
    } else {
        TransportError::interrupted(detail)
    }
}
