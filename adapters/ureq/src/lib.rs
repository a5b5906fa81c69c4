//! A blocking transport for the Checkout.com Payments SDK over [ureq] 3: for programs without an
//! async runtime.
//!
//! [`UreqTransport`] implements the core's
//! [`BlockingTransport`], so the core's blocking
//! client ([`checkout_sdk_core::blocking::Client`], or `checkout_sdk::blocking::Client` with the
//! facade's `blocking` feature) runs every call over it with the same retries, idempotency keys
//! and errors as the async client.
//!
//! ```no_run
//! use std::time::Duration;
//! use checkout_sdk_core::blocking::BlockingTransport;
//! use checkout_sdk_core::transport::{Headers, HttpRequest, Method, TransportErrorKind};
//! use checkout_sdk_ureq::UreqTransport;
//!
//! let transport = UreqTransport::builder()
//!     .timeout(Duration::from_secs(30))
//!     .connect_timeout(Duration::from_secs(5))
//!     .build();
//!
//! let mut headers = Headers::new();
//! headers.insert("Authorization", "Bearer sk_sbox_...");
//! let request = HttpRequest {
//!     method: Method::Get,
//!     url: "https://api.sandbox.checkout.com/payments/pay_123".into(),
//!     headers,
//!     body: Default::default(),
//!     timeout: None,
//! };
//! match transport.send(request) {
//!     Ok(response) => println!("{} in {:?}", response.status, response.elapsed),
//!     Err(error) if error.kind() == TransportErrorKind::NotSent => println!("safe to retry: {error}"),
//!     Err(error) => println!("may have reached the server: {error}"),
//! }
//! ```
//!
//! What it guarantees (the same as the hyper and reqwest transports, checked by the shared
//! conformance suite, `checkout_sdk_fake::conformance`):
//!
//! - one `send` is one attempt: no retries, no redirects followed, HTTP error statuses returned
//!   as responses;
//! - the effective timeout is the smaller of the transport's and [`HttpRequest::timeout`];
//! - the body is read chunk by chunk up to the cap: a declared `Content-Length` over it fails at
//!   once, and is never used to size a buffer;
//! - plain `http://` only to loopback hosts, refused as `NotSent` before any I/O otherwise;
//! - errors say whether the request may have been sent, and never contain header values,
//!   bodies or URLs.
//!
//! | What happened | [`TransportErrorKind`] |
//! |---|---|
//! | Invalid URL or header, plain `http://` to a non-loopback host | `NotSent` |
//! | DNS, TCP connect (or its timeout), proxy, TLS failure | `NotSent` |
//! | No complete response within the timeout | `TimedOut` |
//! | Connection reset or closed after connecting, malformed response, cut-short body | `Interrupted` |
//! | A server that hangs up mid-handshake (ureq does not say it was still connecting) | `Interrupted` (the cautious answer) |
//! | Body larger than the cap | `BodyTooLarge` |
//!
//! # TLS and proxies
//!
//! TLS is rustls with the ring provider and Mozilla's root certificates (webpki-roots), TLS 1.2
//! or newer: no system OpenSSL. Proxies follow ureq: by default the first of `ALL_PROXY`,
//! `HTTPS_PROXY`, `HTTP_PROXY` (or their lower-case forms) that holds a usable proxy URL is used
//! for every request, except hosts on `NO_PROXY`; [`UreqTransportBuilder::proxy`] sets one
//! explicitly and [`UreqTransportBuilder::no_proxy`] turns proxies off.
//!
//! [ureq]: https://docs.rs/ureq/3
//! [`TransportErrorKind`]: checkout_sdk_core::transport::TransportErrorKind
#![forbid(unsafe_code)]

use std::fmt;
use std::io::{self, Read};
use std::time::{Duration, Instant};

use checkout_sdk_core::blocking::BlockingTransport;
use checkout_sdk_core::http_compat::check_destination;
use checkout_sdk_core::transport::{
    CappedBody, Headers, HttpRequest, HttpResponse, TransportError, TransportErrorKind,
};
use ureq::Agent;

/// The ureq crate this transport is built on (for [`ureq::Proxy`], [`ureq::Agent`]).
pub use ureq;

/// Default limit on a whole attempt: connecting, sending and reading the entire body.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default limit on connecting (DNS, TCP, proxy and TLS).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default cap on a response body: 4 MiB (Payments API responses are a few KiB).
pub const DEFAULT_MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// A [`BlockingTransport`] over a [`ureq::Agent`] (pooled keep-alive connections).
///
/// Cloning is cheap, and clones share the connection pool. `Send + Sync`: one transport can
/// serve many threads.
#[derive(Clone)]
pub struct UreqTransport {
    agent: Agent,
    timeout: Duration,
    max_body_bytes: usize,
}

impl fmt::Debug for UreqTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The agent's configuration is left out: its proxy may carry credentials.
        f.debug_struct("UreqTransport")
            .field("timeout", &self.timeout)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("proxy", &self.agent.config().proxy().map(|p| format!("{}:{}", p.host(), p.port())))
            .finish_non_exhaustive()
    }
}

impl Default for UreqTransport {
    fn default() -> Self {
        Self::new()
    }
}

impl UreqTransport {
    /// A transport with the default settings ([`DEFAULT_TIMEOUT`], [`DEFAULT_CONNECT_TIMEOUT`],
    /// [`DEFAULT_MAX_BODY_BYTES`], proxies from the environment).
    pub fn new() -> UreqTransport {
        Self::builder().build()
    }

    /// A builder for a transport with non-default settings.
    pub fn builder() -> UreqTransportBuilder {
        UreqTransportBuilder::default()
    }

    /// A transport over an agent the caller configured, with the default timeout and body cap.
    /// Configure it with `http_status_as_error(false)` (or error statuses become `Interrupted`
    /// failures instead of responses) and `max_redirects(0)`.
    pub fn from_agent(agent: Agent) -> UreqTransport {
        UreqTransport { agent, timeout: DEFAULT_TIMEOUT, max_body_bytes: DEFAULT_MAX_BODY_BYTES }
    }

    /// Replaces the limit on a whole attempt.
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> UreqTransport {
        self.timeout = timeout;
        self
    }

    /// Replaces the cap on a response body.
    #[must_use]
    pub fn with_max_body_bytes(mut self, max_body_bytes: usize) -> UreqTransport {
        self.max_body_bytes = max_body_bytes;
        self
    }

    /// The limit on a whole attempt; a request's own [`HttpRequest::timeout`] can only shorten it.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The cap on a response body, in bytes.
    pub fn max_body_bytes(&self) -> usize {
        self.max_body_bytes
    }

    /// The underlying agent.
    pub fn agent(&self) -> &Agent {
        &self.agent
    }

    fn exchange(&self, request: http::Request<Vec<u8>>, budget: Duration) -> Result<HttpResponse, TransportError> {
        let request = self.agent.configure_request(request).timeout_global(Some(budget)).build();
        let response = self.agent.run(request).map_err(|e| classify(e, "sending the request"))?;
        let (parts, body) = response.into_parts();
        let declared = parts.headers.get(http::header::CONTENT_LENGTH).map(|v| v.as_bytes());
        let mut capped = CappedBody::new(self.max_body_bytes, declared)?;
        let mut reader = body.into_reader();
        let mut chunk = [0u8; 8 * 1024];
        loop {
            let n = match reader.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(classify(ureq::Error::from(e), "reading the response body")),
            };
            capped.push(&chunk[..n])?;
        }
        let body = capped.into_vec();
        Ok(HttpResponse { status: parts.status.as_u16(), headers: Headers::from(&parts.headers), body, elapsed: None })
    }
}

impl BlockingTransport for UreqTransport {
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let started = Instant::now();
        let budget = request.budget(self.timeout);
        let result = to_http_request(request).and_then(|outgoing| {
            if budget.is_zero() {
                return Err(TransportError::no_time_left());
            }
            self.exchange(outgoing, budget)
        });
        match result {
            Ok(mut response) => {
                response.elapsed = Some(started.elapsed());
                Ok(response)
            }
            Err(error) => Err(error.with_elapsed(started.elapsed())),
        }
    }
}

/// Settings for a [`UreqTransport`]; start from [`UreqTransport::builder`].
///
/// ```
/// use std::time::Duration;
/// use checkout_sdk_ureq::UreqTransport;
///
/// let transport = UreqTransport::builder().timeout(Duration::from_secs(30)).max_body_bytes(1 << 20).build();
/// assert_eq!(transport.timeout(), Duration::from_secs(30));
/// ```
#[derive(Clone)]
#[must_use]
pub struct UreqTransportBuilder {
    timeout: Duration,
    connect_timeout: Duration,
    max_body_bytes: usize,
    proxy: ProxyChoice,
}

#[derive(Clone)]
enum ProxyChoice {
    FromEnvironment,
    Explicit(ureq::Proxy),
    Off,
}

impl fmt::Debug for UreqTransportBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let proxy = match &self.proxy {
            ProxyChoice::FromEnvironment => "from the environment".to_owned(),
            ProxyChoice::Explicit(p) => format!("{}:{}", p.host(), p.port()),
            ProxyChoice::Off => "none".to_owned(),
        };
        f.debug_struct("UreqTransportBuilder")
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("proxy", &proxy)
            .finish()
    }
}

impl Default for UreqTransportBuilder {
    fn default() -> Self {
        UreqTransportBuilder {
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            proxy: ProxyChoice::FromEnvironment,
        }
    }
}

impl UreqTransportBuilder {
    /// The limit on a whole attempt: connecting, sending and reading the entire body (default
    /// [`DEFAULT_TIMEOUT`]). A request's [`HttpRequest::timeout`] can only shorten it.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The limit on connecting: DNS, TCP, proxy and TLS (default [`DEFAULT_CONNECT_TIMEOUT`]).
    /// Nothing has been sent when it fires, so that failure is `NotSent`.
    pub fn connect_timeout(mut self, connect_timeout: Duration) -> Self {
        self.connect_timeout = connect_timeout;
        self
    }

    /// The largest response body accepted, in bytes (default [`DEFAULT_MAX_BODY_BYTES`]).
    pub fn max_body_bytes(mut self, max_body_bytes: usize) -> Self {
        self.max_body_bytes = max_body_bytes;
        self
    }

    /// Sends every request through this proxy (`ureq::Proxy::new("http://user:pass@host:port")`)
    /// instead of the environment's.
    pub fn proxy(mut self, proxy: ureq::Proxy) -> Self {
        self.proxy = ProxyChoice::Explicit(proxy);
        self
    }

    /// Sends every request directly: no proxy, whatever the environment says.
    pub fn no_proxy(mut self) -> Self {
        self.proxy = ProxyChoice::Off;
        self
    }

    /// Builds the transport.
    pub fn build(self) -> UreqTransport {
        let proxy = match self.proxy {
            ProxyChoice::FromEnvironment => ureq::Proxy::try_from_env(),
            ProxyChoice::Explicit(proxy) => Some(proxy),
            ProxyChoice::Off => None,
        };
        let config = Agent::config_builder()
            // Error statuses are responses: the core reads their bodies.
            .http_status_as_error(false)
            // One send is one exchange: a redirect is returned, not followed.
            .max_redirects(0)
            .max_redirects_will_error(false)
            .timeout_connect(Some(self.connect_timeout))
            .timeout_global(Some(self.timeout))
            .proxy(proxy)
            .build();
        UreqTransport { agent: config.new_agent(), timeout: self.timeout, max_body_bytes: self.max_body_bytes }
    }
}

/// Converts the request (with the core's `http` conversion) and checks where it goes; every
/// failure is `NotSent`.
fn to_http_request(request: HttpRequest) -> Result<http::Request<Vec<u8>>, TransportError> {
    let outgoing = http::Request::<Vec<u8>>::try_from(request)?;
    check_destination(outgoing.uri())?;
    Ok(outgoing)
}

/// Maps a ureq error to how far the exchange got. `while_` says what was being done.
fn classify(error: ureq::Error, while_: &str) -> TransportError {
    use ureq::Error as E;
    use ureq::Timeout as T;
    match error {
        // Connecting (DNS, TCP, proxy, TLS) comes before anything is written.
        E::Timeout(T::Resolve | T::Connect) => TransportError::not_sent(format!("could not connect in time ({error})")),
        E::Timeout(_) => TransportError::new(TransportErrorKind::TimedOut, format!("{while_}: {error}")),
        E::HostNotFound | E::ConnectionFailed | E::InvalidProxyUrl | E::ConnectProxyFailed(_) | E::TlsRequired => {
            TransportError::not_sent(format!("could not connect: {error}"))
        }
        E::Tls(_) | E::Pem(_) | E::Rustls(_) => TransportError::not_sent(format!("TLS failed: {error}")),
        // These carry the URL; it is never repeated.
        E::BadUri(_) | E::RequireHttpsOnly(_) | E::Http(_) => TransportError::not_sent("ureq refused the request URL"),
        E::Io(ref io) if connect_failure(io.kind()) => TransportError::not_sent(format!("could not connect: {error}")),
        E::Io(ref io) if io.kind() == io::ErrorKind::TimedOut => {
            TransportError::new(TransportErrorKind::TimedOut, format!("{while_}: {error}"))
        }
        other => TransportError::interrupted(format!("{while_}: {other}")),
    }
}

/// I/O errors that only connecting can cause.
fn connect_failure(kind: io::ErrorKind) -> bool {
    matches!(
        kind,
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::AddrNotAvailable
            | io::ErrorKind::AddrInUse
            | io::ErrorKind::HostUnreachable
            | io::ErrorKind::NetworkUnreachable
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_classified_by_how_far_the_exchange_got() {
        use ureq::Error as E;
        use TransportErrorKind::*;
        let io = |kind| E::Io(io::Error::new(kind, "os says"));
        for (error, kind) in [
            (E::Timeout(ureq::Timeout::Connect), NotSent),
            (E::Timeout(ureq::Timeout::Resolve), NotSent),
            (E::Timeout(ureq::Timeout::Global), TimedOut),
            (E::Timeout(ureq::Timeout::RecvBody), TimedOut),
            (E::HostNotFound, NotSent),
            (E::ConnectionFailed, NotSent),
            (E::ConnectProxyFailed("407".into()), NotSent),
            (E::BadUri("https://sk_sbox_secret@x/".into()), NotSent),
            (io(io::ErrorKind::ConnectionRefused), NotSent),
            (io(io::ErrorKind::ConnectionReset), Interrupted),
            (io(io::ErrorKind::UnexpectedEof), Interrupted),
            (io(io::ErrorKind::TimedOut), TimedOut),
            (E::LargeResponseHeader(1, 2), Interrupted),
        ] {
            let mapped = classify(error, "testing");
            assert_eq!(mapped.kind(), kind, "{mapped}");
            assert!(!mapped.to_string().contains("secret"), "{mapped}");
        }
    }
}
