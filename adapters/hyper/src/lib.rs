//! The tokio + hyper 1 transport for the Checkout.com Payments SDK.
//!
//! The SDK's core is sans-IO: it builds [`HttpRequest`](checkout_sdk_core::transport::HttpRequest)s
//! and interprets [`HttpResponse`](checkout_sdk_core::transport::HttpResponse)s. This crate moves them
//! over the network:
//!
//! - [`HyperTransport`] implements [`HttpTransport`](checkout_sdk_core::transport::HttpTransport) with
//!   hyper-util's pooled client (keep-alive connections are reused) over the [`DefaultConnector`]:
//!   TCP directly or through an HTTP proxy (from `HTTPS_PROXY`, `NO_PROXY`, ... by default; see
//!   [`proxy`]), then TLS 1.2 or newer with rustls (the default) or the platform's library.
//! - [`TokioSleeper`] implements [`Sleeper`](checkout_sdk_core::transport::Sleeper), the wait between
//!   retries, with `tokio::time::sleep`.
//!
//! # What it is not
//!
//! - **Not a retrying client.** One `send` is one attempt; the core's retry policy decides
//!   whether to try again (with an idempotency key), using the [`TransportErrorKind`] this crate
//!   reports. The only thing hyper-util resends on its own is a request that was never written,
//!   because a pooled connection turned out to be closed.
//! - **Not a general HTTP client.** No redirects, no cookies, no compression, HTTP/1.1 only, and
//!   only `http://` proxies (no SOCKS, no TLS to the proxy). For custom TLS (a corporate root
//!   certificate, client certificates), bring your own connector with
//!   [`HyperTransport::with_connector`] or a whole client with [`HyperTransport::from_client`].
//! - **Not for plain HTTP on the network.** `http://` URLs are refused (as
//!   [`TransportErrorKind::NotSent`], before any I/O) unless the host is loopback (`localhost`,
//!   `127.0.0.0/8`, `[::1]`), which is what a local simulator needs. `https://` is always allowed.
//! - **Not runtime-agnostic.** It needs a tokio runtime with the I/O and time drivers; outside a
//!   runtime, or in one without timers, `send` fails with [`TransportErrorKind::NotSent`].
//!
//! # Example
//!
//! ```no_run
//! use std::time::Duration;
//!
//! use checkout_sdk_core::transport::{Headers, HttpRequest, HttpTransport, Method, TransportErrorKind};
//! use checkout_sdk_hyper::HyperTransport;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let transport = HyperTransport::builder()
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
//!
//! match transport.send(request).await {
//!     Ok(response) => println!("{} in {:?}", response.status, response.elapsed),
//!     Err(error) if error.kind() == TransportErrorKind::NotSent => println!("safe to retry: {error}"),
//!     Err(error) => println!("may have reached the server: {error}"),
//! }
//! # }
//! ```
//!
//! # Choosing timeouts
//!
//! - [`timeout`](HyperTransportBuilder::timeout) (default 60 s) bounds a whole attempt: connecting,
//!   sending, waiting for the response and reading its entire body. When the core passes a
//!   smaller [`HttpRequest::timeout`](checkout_sdk_core::transport::HttpRequest::timeout) (what is
//!   left of its retry budget), that one wins. Payment requests can take several seconds when a
//!   card issuer or 3-D Secure is slow, so keep it well above the API's typical latency: 30 s to
//!   60 s. A timed-out `POST` may still have created a payment
//!   ([`TransportErrorKind::TimedOut`]), so retry it only with the same idempotency key.
//! - [`connect_timeout`](HyperTransportBuilder::connect_timeout) (default 10 s) bounds the TCP
//!   connect (shared evenly when a host has several addresses). Nothing has been sent when it
//!   fires, so that failure is [`TransportErrorKind::NotSent`] and always safe to retry; keep it
//!   below `timeout`, or the overall timeout fires first and reports the more cautious `TimedOut`.
//!   A few seconds is plenty. The TLS handshake is bounded by `timeout` only.
//! - [`max_body_bytes`](HyperTransportBuilder::max_body_bytes) (default 4 MiB) caps how much of a
//!   response is read into memory; Payments API responses are a few KiB.
//! - [`pool_idle_timeout`](HyperTransportBuilder::pool_idle_timeout) (default 30 s) drops unused
//!   connections before a load balancer's idle timeout would.
//!
//! Make one transport and clone it: clones share the connection pool.
//!
//! # TLS
//!
//! | feature | TLS library | root certificates | needs at build time |
//! |---|---|---|---|
//! | `rustls` (default) | rustls, ring provider | Mozilla's, compiled in (webpki-roots) | a C compiler (for ring) |
//! | `native-tls` | OpenSSL / Secure Transport / SChannel | the system's | OpenSSL headers on Linux (`libssl-dev`) |
//!
//! Compiled-in roots make the default build behave the same on every machine, including minimal
//! containers without a CA bundle; Checkout.com's API hosts use public CAs. Both backends refuse
//! anything older than TLS 1.2. With both features on, `native-tls` is used unless
//! [`HyperTransportBuilder::tls_backend`] says otherwise.
//!
//! # Proxies
//!
//! Like reqwest and curl, the transport honours `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and
//! `NO_PROXY` (and their lower-case forms) by default, read once when it is built;
//! [`HyperTransportBuilder::proxy`] sets one explicitly (with optional basic auth, never
//! printed), and [`HyperTransportBuilder::no_proxy`] turns proxies off. `https://` requests go
//! through a `CONNECT` tunnel (the proxy sees the host and port, never the request); plain
//! `http://` requests (loopback only) are sent to the proxy in absolute form. A proxy that
//! refuses the tunnel is [`TransportErrorKind::NotSent`]. The rules are in [`proxy`].
//!
//! # Errors
//!
//! | What happened | [`TransportErrorKind`] |
//! |---|---|
//! | Invalid URL or header, plain `http://` to a non-loopback host, DNS, connect, proxy tunnel or TLS failure | `NotSent` |
//! | No complete response within the timeout | `TimedOut` |
//! | Connection reset or closed after the request may have been written, or mid-body | `Interrupted` |
//! | Body larger than `max_body_bytes` (by `Content-Length` or as it streams) | `BodyTooLarge` |
//!
//! Error messages never contain header values (such as `Authorization`) or bodies.
//!
//! [`TransportErrorKind`]: checkout_sdk_core::transport::TransportErrorKind
//! [`TransportErrorKind::NotSent`]: checkout_sdk_core::transport::TransportErrorKind::NotSent
//! [`TransportErrorKind::TimedOut`]: checkout_sdk_core::transport::TransportErrorKind::TimedOut
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]

mod connector;
pub mod proxy;
mod sleeper;
mod transport;

pub use connector::{DefaultConnector, DefaultStream, TlsBackend};
pub use sleeper::TokioSleeper;
pub use transport::{
    BuildError, HyperTransport, HyperTransportBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_BODY_BYTES,
    DEFAULT_POOL_IDLE_TIMEOUT, DEFAULT_TIMEOUT,
};
