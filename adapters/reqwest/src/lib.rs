//! A transport for the Checkout.com Payments SDK over a [`reqwest::Client`] you already have.
//!
//! Services that already run reqwest keep one HTTP stack: wrap your client in a
//! [`ReqwestTransport`] and give it to the SDK's client builder. Its connection pool, proxies, TLS
//! settings and DNS resolver are used as they are; the transport adds what the SDK needs of every
//! transport:
//!
//! - **a timeout per attempt** ([`with_timeout`](ReqwestTransport::with_timeout), default
//!   60 s), covering connect, send and the whole body; the smaller of it and the core's
//!   [`HttpRequest::timeout`] (what is left of the retry budget) wins;
//! - **a body cap** ([`with_max_body_bytes`](ReqwestTransport::with_max_body_bytes), default
//!   4 MiB), read chunk by chunk: a declared `Content-Length` over the cap fails at once, and is
//!   never used to size a buffer;
//! - **errors that say whether the request may have been sent**: [`TransportErrorKind`];
//! - **plain `http://` only to loopback hosts** (a local sandbox), refused as `NotSent` before any
//!   I/O otherwise; no user info in URLs;
//! - **no secrets in errors**: reqwest's messages are used without their URL, and never carry
//!   header values.
//!
//! ```no_run
//! use std::time::Duration;
//! use checkout_sdk_reqwest::ReqwestTransport;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // Your client, as your service builds it (the SDK never follows redirects itself, so turn
//! // them off unless your client needs them elsewhere).
//! let client = reqwest::Client::builder()
//!     .redirect(reqwest::redirect::Policy::none())
//!     .connect_timeout(Duration::from_secs(5))
//!     .build()?;
//! let transport = ReqwestTransport::new(client).with_timeout(Duration::from_secs(30));
//! // checkout_sdk::Client::builder().secret_key(..).transport(transport).build()?
//! # Ok(())
//! # }
//! ```
//!
//! # Errors
//!
//! | What happened | [`TransportErrorKind`] |
//! |---|---|
//! | Invalid URL or header, plain `http://` to a non-loopback host, no tokio runtime | `NotSent` |
//! | reqwest could not build the request, or could not connect (DNS, TCP, proxy, TLS) | `NotSent` |
//! | No complete response within the timeout (reqwest's own included) | `TimedOut` |
//! | Any other failure after connecting: reset, closed before or during the body | `Interrupted` |
//! | Body larger than the cap (by `Content-Length` or as it streams) | `BodyTooLarge` |
//!
//! # TLS
//!
//! The crate's `rustls` feature (default) turns on reqwest's `rustls-no-provider` and adds
//! [`ReqwestTransport::default_client_builder`]: rustls with the ring provider and Mozilla's root
//! certificates, TLS 1.2 or newer, no system OpenSSL, and no aws-lc-rs (which needs cmake).
//! Your own client uses whatever TLS features your `Cargo.toml` gives reqwest 0.13. If those are
//! none (`default-features = false` and no TLS feature), reqwest's own `Client::new()` panics for
//! want of a rustls crypto provider: start from
//! [`default_client_builder`](ReqwestTransport::default_client_builder), or install one first
//! (`rustls::crypto::ring::default_provider().install_default()`).
//!
//! [`TransportErrorKind`]: checkout_sdk_core::transport::TransportErrorKind
#![forbid(unsafe_code)]

use std::fmt;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use checkout_sdk_core::http_compat::check_destination;
use checkout_sdk_core::transport::{
    error_chain, CappedBody, Headers, HttpRequest, HttpResponse, HttpTransport, TransportError, TransportErrorKind,
};

/// Default limit on a whole attempt: connecting, sending and reading the entire body.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default cap on a response body: 4 MiB (Payments API responses are a few KiB).
pub const DEFAULT_MAX_BODY_BYTES: usize = 4 * 1024 * 1024;
/// The connect timeout of [`ReqwestTransport::default_client_builder`].
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// An [`HttpTransport`] over a [`reqwest::Client`].
///
/// Cloning is cheap (reqwest's client is shared), and clones share the connection pool. It must
/// be used inside a tokio runtime with the I/O and time drivers (`#[tokio::main]` enables both);
/// elsewhere `send` fails with [`TransportErrorKind::NotSent`] instead of panicking.
#[derive(Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
    timeout: Duration,
    max_body_bytes: usize,
}

impl fmt::Debug for ReqwestTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReqwestTransport")
            .field("timeout", &self.timeout)
            .field("max_body_bytes", &self.max_body_bytes)
            .finish_non_exhaustive()
    }
}

impl ReqwestTransport {
    /// Wraps `client`, with [`DEFAULT_TIMEOUT`] and [`DEFAULT_MAX_BODY_BYTES`].
    pub fn new(client: reqwest::Client) -> ReqwestTransport {
        ReqwestTransport { client, timeout: DEFAULT_TIMEOUT, max_body_bytes: DEFAULT_MAX_BODY_BYTES }
    }

    /// A transport over [`default_client_builder`](Self::default_client_builder)'s client.
    ///
    /// # Errors
    ///
    /// reqwest's, when the client cannot be built.
    #[cfg(feature = "rustls")]
    pub fn with_default_client() -> Result<ReqwestTransport, reqwest::Error> {
        Ok(ReqwestTransport::new(Self::default_client_builder().build()?))
    }

    /// A `reqwest::ClientBuilder` set up as the SDK would: rustls (ring provider, Mozilla's roots,
    /// TLS 1.2 or newer), no redirects followed, a [`DEFAULT_CONNECT_TIMEOUT`], proxies from the
    /// environment (reqwest's default). Change anything, then `build()` and wrap it with
    /// [`new`](Self::new).
    ///
    /// ```
    /// use checkout_sdk_reqwest::ReqwestTransport;
    ///
    /// let client = ReqwestTransport::default_client_builder().user_agent("my-shop/1.0").build()?;
    /// let transport = ReqwestTransport::new(client);
    /// # Ok::<(), reqwest::Error>(())
    /// ```
    #[cfg(feature = "rustls")]
    pub fn default_client_builder() -> reqwest::ClientBuilder {
        // The provider is given explicitly: reqwest's own default would be aws-lc-rs.
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        let roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
        let builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(DEFAULT_CONNECT_TIMEOUT);
        match rustls::ClientConfig::builder_with_provider(provider)
            .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        {
            Ok(config) => builder.tls_backend_preconfigured(config.with_root_certificates(roots).with_no_client_auth()),
            // ring supports both versions; should it ever not, reqwest reports the missing
            // provider when the client is built.
            Err(_) => builder,
        }
    }

    /// Replaces the limit on a whole attempt (connect, send and the entire body).
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> ReqwestTransport {
        self.timeout = timeout;
        self
    }

    /// Replaces the cap on a response body.
    #[must_use]
    pub fn with_max_body_bytes(mut self, max_body_bytes: usize) -> ReqwestTransport {
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

    /// The wrapped client.
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// Sends the request and reads the whole body, without the overall timeout.
    async fn exchange(&self, request: reqwest::Request) -> Result<HttpResponse, TransportError> {
        let mut response = self.client.execute(request).await.map_err(|e| classify(e, "sending the request"))?;
        let declared = response.headers().get(http::header::CONTENT_LENGTH).map(|v| v.as_bytes());
        let mut body = CappedBody::new(self.max_body_bytes, declared)?;
        while let Some(chunk) = response.chunk().await.map_err(|e| classify(e, "reading the response body"))? {
            body.push(chunk)?;
        }
        let body = body.into_vec();
        Ok(HttpResponse {
            status: response.status().as_u16(),
            headers: Headers::from(response.headers()),
            body,
            elapsed: None,
        })
    }
}

#[async_trait]
impl HttpTransport for ReqwestTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let started = Instant::now();
        let budget = request.budget(self.timeout);
        let outgoing = match to_reqwest_request(request) {
            Ok(outgoing) => outgoing,
            Err(error) => return Err(error.with_elapsed(started.elapsed())),
        };
        if budget.is_zero() {
            return Err(TransportError::no_time_left().with_elapsed(started.elapsed()));
        }
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(TransportError::not_sent("ReqwestTransport must be used inside a tokio runtime")
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

/// Whether the current tokio runtime has its time driver (tokio cannot be asked, and every timer
/// constructor panics without it).
fn runtime_has_timers() -> bool {
    std::panic::catch_unwind(|| drop(tokio::time::sleep(Duration::ZERO))).is_ok()
}

/// Converts the request (with the core's `http` conversion) and checks where it goes; every
/// failure is `NotSent`.
fn to_reqwest_request(request: HttpRequest) -> Result<reqwest::Request, TransportError> {
    let outgoing = http::Request::<Vec<u8>>::try_from(request)?;
    check_destination(outgoing.uri())?;
    reqwest::Request::try_from(outgoing).map_err(|e| {
        TransportError::not_sent(format!("reqwest refused the request: {}", error_chain(&e.without_url())))
    })
}

/// Maps a reqwest error to how far the exchange got. `while_` says what was being done.
fn classify(error: reqwest::Error, while_: &str) -> TransportError {
    let error = error.without_url();
    let detail = error_chain(&error);
    if error.is_builder() {
        TransportError::not_sent(format!("reqwest refused the request: {detail}"))
    } else if error.is_connect() {
        // Connecting (DNS, TCP, proxy tunnel, TLS) comes before anything is written.
        TransportError::not_sent(format!("could not connect: {detail}"))
    } else if error.is_timeout() {
        TransportError::new(TransportErrorKind::TimedOut, format!("reqwest's own timeout, {while_}: {detail}"))
    } else {
        TransportError::interrupted(format!("{while_}: {detail}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destinations_are_checked_before_any_io() {
        for (url, ok) in [
            ("https://api.checkout.com/payments", true),
            ("http://127.0.0.1:8080/", true),
            ("http://localhost/", true),
            ("http://[::1]:1/", true),
            ("http://api.checkout.com/", false),
            ("http://10.0.0.1/", false),
            ("ftp://127.0.0.1/", false),
            ("https://user:pass@api.checkout.com/", false),
        ] {
            let uri: http::Uri = url.parse().unwrap();
            let result = check_destination(&uri);
            assert_eq!(result.is_ok(), ok, "{url}: {result:?}");
            if let Err(error) = result {
                assert_eq!(error.kind(), TransportErrorKind::NotSent);
                assert!(!error.to_string().contains("pass"), "{error}");
            }
        }
    }
}
