//! [`DefaultConnector`]: TCP, directly or through the proxy [`ProxySettings`] picks, then TLS
//! (rustls by default, or native-tls).

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use http::Uri;
use hyper::rt::{Read, ReadBufCursor, Write};
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::client::legacy::connect::{Connected, Connection, HttpConnector};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tower_service::Service;

use crate::proxy::ProxySettings;
use crate::transport::BuildError;

type BoxError = Box<dyn StdError + Send + Sync>;
type BoxFuture<T> = Pin<Box<dyn Future<Output = Result<T, BoxError>> + Send>>;

/// The TLS library a [`HyperTransport`](crate::HyperTransport) built by its builder uses.
///
/// Which ones exist depends on the crate's features: `rustls` (default) and `native-tls`. When
/// both are compiled in, `native-tls` is the default (turning it on is an explicit choice);
/// choose with [`HyperTransportBuilder::tls_backend`](crate::HyperTransportBuilder::tls_backend).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TlsBackend {
    /// rustls with the ring provider and Mozilla's root certificates (webpki-roots), TLS 1.2 or
    /// newer. Needs no system library.
    #[cfg(feature = "rustls")]
    Rustls,
    /// The platform's TLS (OpenSSL on Linux, Secure Transport on macOS, SChannel on Windows) and
    /// its root certificates, TLS 1.2 or newer.
    #[cfg(feature = "native-tls")]
    NativeTls,
}

impl TlsBackend {
    /// The backend used when none is chosen: `native-tls` when that feature is on, else rustls;
    /// `None` when neither feature is on (then only plain `http://` to loopback works).
    pub fn preferred() -> Option<TlsBackend> {
        #[cfg(feature = "native-tls")]
        return Some(TlsBackend::NativeTls);
        #[cfg(all(feature = "rustls", not(feature = "native-tls")))]
        return Some(TlsBackend::Rustls);
        #[cfg(not(any(feature = "rustls", feature = "native-tls")))]
        None
    }
}

/// The connector [`HyperTransport::new`](crate::HyperTransport::new) and the builder use: TCP
/// with a connect timeout, directly or through an HTTP proxy (`CONNECT` for `https://`,
/// absolute-form requests for plain `http://`), then TLS with the chosen [`TlsBackend`].
#[derive(Clone)]
pub struct DefaultConnector {
    tls: Secured,
    proxies: Arc<ProxySettings>,
}

#[derive(Clone)]
enum Secured {
    #[cfg(feature = "rustls")]
    Rustls(hyper_rustls::HttpsConnector<ProxyConnector>),
    #[cfg(feature = "native-tls")]
    Native(hyper_tls::HttpsConnector<ProxyConnector>),
    /// No TLS backend compiled in: plain http only.
    #[cfg_attr(any(feature = "rustls", feature = "native-tls"), allow(dead_code))]
    None(ProxyConnector),
}

impl fmt::Debug for DefaultConnector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DefaultConnector")
            .field("tls", &self.tls_backend())
            .field("proxies", &self.proxies)
            .finish_non_exhaustive()
    }
}

impl DefaultConnector {
    pub(crate) fn new(tcp: ProxyConnector, backend: Option<TlsBackend>) -> Result<DefaultConnector, BuildError> {
        let proxies = tcp.proxies.clone();
        let tls = match backend {
            None => Secured::None(tcp),
            #[cfg(feature = "rustls")]
            Some(TlsBackend::Rustls) => Secured::Rustls(rustls_connector(tcp)?),
            #[cfg(feature = "native-tls")]
            Some(TlsBackend::NativeTls) => Secured::Native(native_tls_connector(tcp)?),
        };
        Ok(DefaultConnector { tls, proxies })
    }

    /// Which proxy each destination goes through.
    pub fn proxies(&self) -> &ProxySettings {
        &self.proxies
    }

    /// The TLS library in use, or `None` when none is compiled in.
    pub fn tls_backend(&self) -> Option<TlsBackend> {
        match self.tls {
            #[cfg(feature = "rustls")]
            Secured::Rustls(_) => Some(TlsBackend::Rustls),
            #[cfg(feature = "native-tls")]
            Secured::Native(_) => Some(TlsBackend::NativeTls),
            Secured::None(_) => None,
        }
    }
}

#[cfg(feature = "rustls")]
fn rustls_connector(tcp: ProxyConnector) -> Result<hyper_rustls::HttpsConnector<ProxyConnector>, BuildError> {
    // The provider is given explicitly, so nothing depends on (or panics for lack of) a
    // process-wide default provider.
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|error| BuildError::new(format!("could not initialise TLS: {error}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(config)
        .https_or_http()
        .enable_http1()
        .wrap_connector(tcp))
}

#[cfg(feature = "native-tls")]
fn native_tls_connector(tcp: ProxyConnector) -> Result<hyper_tls::HttpsConnector<ProxyConnector>, BuildError> {
    let tls = native_tls::TlsConnector::builder()
        .min_protocol_version(Some(native_tls::Protocol::Tlsv12))
        .build()
        .map_err(|error| BuildError::new(format!("could not initialise TLS: {error}")))?;
    Ok(hyper_tls::HttpsConnector::from((tcp, tls.into())))
}

impl Service<Uri> for DefaultConnector {
    type Response = DefaultStream;
    type Error = BoxError;
    type Future = BoxFuture<DefaultStream>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        match &mut self.tls {
            #[cfg(feature = "rustls")]
            Secured::Rustls(tls) => tls.poll_ready(cx),
            #[cfg(feature = "native-tls")]
            Secured::Native(tls) => tls.poll_ready(cx),
            Secured::None(tcp) => tcp.poll_ready(cx),
        }
    }

    fn call(&mut self, dst: Uri) -> Self::Future {
        match &mut self.tls {
            #[cfg(feature = "rustls")]
            Secured::Rustls(tls) => {
                let connecting = tls.call(dst);
                Box::pin(async move { Ok(DefaultStream(Stream::Rustls(Box::new(connecting.await?)))) })
            }
            #[cfg(feature = "native-tls")]
            Secured::Native(tls) => {
                let connecting = tls.call(dst);
                Box::pin(async move { Ok(DefaultStream(Stream::NativeTls(connecting.await?))) })
            }
            Secured::None(_) if dst.scheme_str() == Some("https") => {
                Box::pin(async { Err("https needs a TLS backend: enable the `rustls` or `native-tls` feature".into()) })
            }
            Secured::None(tcp) => {
                let connecting = tcp.call(dst);
                Box::pin(async move { Ok(DefaultStream(Stream::Plain(connecting.await?))) })
            }
        }
    }
}

/// A connection made by the [`DefaultConnector`]: TLS or plain, direct or through a proxy.
pub struct DefaultStream(Stream);

enum Stream {
    /// Boxed: a rustls connection's state is about a kilobyte.
    #[cfg(feature = "rustls")]
    Rustls(Box<hyper_rustls::MaybeHttpsStream<ProxyStream>>),
    #[cfg(feature = "native-tls")]
    NativeTls(hyper_tls::MaybeHttpsStream<ProxyStream>),
    Plain(ProxyStream),
}

impl fmt::Debug for DefaultStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DefaultStream").finish_non_exhaustive()
    }
}

/// Forwards a method to whichever stream is inside (all of them are `Unpin`).
macro_rules! each_stream {
    ($self:expr, $stream:ident => $body:expr) => {
        match &mut $self.0 {
            #[cfg(feature = "rustls")]
            Stream::Rustls(boxed) => {
                let $stream = &mut **boxed;
                $body
            }
            #[cfg(feature = "native-tls")]
            Stream::NativeTls($stream) => $body,
            Stream::Plain($stream) => $body,
        }
    };
}

impl Read for DefaultStream {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: ReadBufCursor<'_>) -> Poll<io::Result<()>> {
        each_stream!(self.get_mut(), s => Pin::new(s).poll_read(cx, buf))
    }
}

impl Write for DefaultStream {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        each_stream!(self.get_mut(), s => Pin::new(s).poll_write(cx, buf))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        each_stream!(self.get_mut(), s => Pin::new(s).poll_flush(cx))
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        each_stream!(self.get_mut(), s => Pin::new(s).poll_shutdown(cx))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        each_stream!(self.get_mut(), s => Pin::new(s).poll_write_vectored(cx, bufs))
    }

    fn is_write_vectored(&self) -> bool {
        match &self.0 {
            #[cfg(feature = "rustls")]
            Stream::Rustls(s) => s.is_write_vectored(),
            #[cfg(feature = "native-tls")]
            Stream::NativeTls(s) => s.is_write_vectored(),
            Stream::Plain(s) => s.is_write_vectored(),
        }
    }
}

impl Connection for DefaultStream {
    fn connected(&self) -> Connected {
        match &self.0 {
            #[cfg(feature = "rustls")]
            Stream::Rustls(s) => s.connected(),
            #[cfg(feature = "native-tls")]
            Stream::NativeTls(s) => s.connected(),
            Stream::Plain(s) => s.connected(),
        }
    }
}

/// TCP to the destination, or to the proxy [`ProxySettings::proxy_for`] names: a `CONNECT`
/// tunnel for `https://` (TLS then runs end to end inside it), or a plain connection on which
/// hyper writes absolute-form requests for `http://`.
#[derive(Clone)]
pub(crate) struct ProxyConnector {
    tcp: HttpConnector,
    proxies: Arc<ProxySettings>,
}

impl ProxyConnector {
    pub(crate) fn new(tcp: HttpConnector, proxies: Arc<ProxySettings>) -> ProxyConnector {
        ProxyConnector { tcp, proxies }
    }
}

/// A `CONNECT` the proxy refused or could not complete; names the proxy's host and port only.
#[derive(Debug)]
struct ProxyFailed {
    proxy: String,
    cause: BoxError,
}

impl fmt::Display for ProxyFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "through the proxy at {}", self.proxy)
    }
}

impl StdError for ProxyFailed {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&*self.cause)
    }
}

impl Service<Uri> for ProxyConnector {
    type Response = ProxyStream;
    type Error = BoxError;
    type Future = BoxFuture<ProxyStream>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.tcp.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, dst: Uri) -> Self::Future {
        let mut tcp = self.tcp.clone();
        match self.proxies.proxy_for(&dst).cloned() {
            None => Box::pin(async move { Ok(ProxyStream { io: tcp.call(dst).await?, absolute_form: false }) }),
            Some(proxy) if dst.scheme_str() == Some("https") => {
                let mut tunnel = Tunnel::new(proxy.uri().clone(), tcp);
                if let Some(authorization) = proxy.authorization() {
                    tunnel = tunnel.with_auth(authorization.clone());
                }
                Box::pin(async move {
                    let failed = |cause: BoxError| ProxyFailed { proxy: proxy.authority().to_owned(), cause };
                    std::future::poll_fn(|cx| tunnel.poll_ready(cx)).await.map_err(|e| failed(e.into()))?;
                    let io = tunnel.call(dst).await.map_err(|e| failed(e.into()))?;
                    Ok(ProxyStream { io, absolute_form: false })
                })
            }
            Some(proxy) => Box::pin(async move {
                let io = tcp
                    .call(proxy.uri().clone())
                    .await
                    .map_err(|e| ProxyFailed { proxy: proxy.authority().to_owned(), cause: e.into() })?;
                Ok(ProxyStream { io, absolute_form: true })
            }),
        }
    }
}

/// A TCP connection, marked as one to an HTTP proxy when hyper must write absolute-form
/// requests on it.
pub(crate) struct ProxyStream {
    io: TokioIo<TcpStream>,
    absolute_form: bool,
}

impl Read for ProxyStream {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: ReadBufCursor<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_read(cx, buf)
    }
}

impl Write for ProxyStream {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }
}

impl Connection for ProxyStream {
    fn connected(&self) -> Connected {
        self.io.connected().proxy(self.absolute_form)
    }
}
