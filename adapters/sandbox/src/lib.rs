//! # checkout-sdk-sandbox
//!
//! The Checkout.com sandbox simulator (`checkout-sdk-simulator`), served over real HTTP/1.1 with
//! hyper. Point any HTTP client at it — this SDK with `CKO_BASE_URL`, or another language's
//! official SDK configured with a custom base URL — and it answers like
//! `https://api.sandbox.checkout.com`: same paths, headers, JSON bodies and status codes.
//!
//! What it is **not**: a production server, or a complete model of Checkout.com. It models
//! the Payments API rules listed in `checkout-sdk-simulator`'s README, keeps everything in memory and
//! listens on plain HTTP (loopback use only).
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! let server = checkout_sdk_sandbox::start().await?;
//! println!("simulator at {}", server.base_url());
//! server.shutdown().await;
//! # Ok(())
//! # }
//! ```

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use checkout_sdk_core::transport::{HttpRequest, HttpResponse, Method};
use checkout_sdk_simulator::Simulator;
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// The largest request body the server reads; larger bodies get `413`.
pub const MAX_REQUEST_BODY: usize = 1024 * 1024;

/// A running simulator server. Dropping it stops accepting new connections.
#[derive(Debug)]
pub struct SandboxServer {
    addr: SocketAddr,
    simulator: Simulator,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl SandboxServer {
    /// The address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://HOST:PORT/`, to use as a client's base URL.
    pub fn base_url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// The simulator behind the server: inspect payments, inject faults.
    pub fn simulator(&self) -> &Simulator {
        &self.simulator
    }

    /// Stops accepting connections and waits for the accept loop to end. Connections already
    /// open finish their current request.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for SandboxServer {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

/// Serves a fresh simulator on a free loopback port (`127.0.0.1:0`).
pub async fn start() -> io::Result<SandboxServer> {
    serve(SocketAddr::from(([127, 0, 0, 1], 0)), Simulator::new()).await
}

/// Serves `simulator` on `addr` (port 0 picks a free port), on the current tokio runtime.
pub async fn serve(addr: SocketAddr, simulator: Simulator) -> io::Result<SandboxServer> {
    let listener = TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let (stop, mut stopped) = watch::channel(false);
    let sim = simulator.clone();
    let task = tokio::spawn(async move {
        let sim = Arc::new(sim);
        loop {
            let accepted = tokio::select! {
                accepted = listener.accept() => accepted,
                _ = stopped.changed() => break,
            };
            let (stream, _) = match accepted {
                Ok(conn) => conn,
                // Out of file descriptors and the like: back off briefly rather than spin.
                Err(_) => {
                    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                    continue;
                }
            };
            let _ = stream.set_nodelay(true);
            let sim = Arc::clone(&sim);
            tokio::spawn(async move {
                let service = service_fn(move |req| {
                    let sim = Arc::clone(&sim);
                    async move { handle(&sim, req, addr).await }
                });
                // Malformed HTTP is answered by hyper itself (400) before reaching the service.
                let _ = http1::Builder::new().keep_alive(true).serve_connection(TokioIo::new(stream), service).await;
            });
        }
    });
    Ok(SandboxServer { addr, simulator, stop, task: Some(task) })
}

/// Why a connection is closed without a response ("processed, then the connection dropped").
#[derive(Debug)]
struct DroppedOnPurpose;

impl std::fmt::Display for DroppedOnPurpose {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by fault injection")
    }
}

impl std::error::Error for DroppedOnPurpose {}

async fn handle(
    sim: &Simulator,
    req: hyper::Request<Incoming>,
    local: SocketAddr,
) -> Result<hyper::Response<Full<Bytes>>, DroppedOnPurpose> {
    if Method::try_from(req.method()).is_err() {
        return Ok(plain(405, "method not allowed"));
    }
    let (mut parts, body) = req.into_parts();
    parts.uri = absolute_uri(&parts, local);
    let body = match Limited::new(body, MAX_REQUEST_BODY).collect().await {
        Ok(collected) => collected.to_bytes().to_vec(),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => return Ok(plain(413, "request body too large")),
        Err(_) => return Ok(plain(400, "could not read the request body")),
    };
    let Ok(request) = HttpRequest::try_from(http::Request::from_parts(parts, body)) else {
        return Ok(plain(405, "method not allowed"));
    };
    let exchange = sim.handle(&request);
    if let Some(delay) = exchange.delay {
        tokio::time::sleep(delay).await;
    }
    if exchange.drop_response {
        return Err(DroppedOnPurpose);
    }
    Ok(to_hyper(exchange.response))
}

/// `http://HOST/path?query`, with the `Host` header as sent (or the listening address), so that the
/// simulator's links point back at this server; just the path if that is not a valid URI.
fn absolute_uri(parts: &http::request::Parts, local: SocketAddr) -> http::Uri {
    let host = parts
        .headers
        .get(http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_graphic()))
        .map_or_else(|| local.to_string(), String::from);
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    format!("http://{host}{path}").parse().unwrap_or_else(|_| parts.uri.clone())
}

fn plain(status: u16, text: &'static str) -> hyper::Response<Full<Bytes>> {
    to_hyper(HttpResponse::new(status, text.as_bytes().to_vec()).with_header("Content-Type", "text/plain"))
}

/// The response through the core's `http` conversion; one it refuses (an injected status outside
/// 100-999, say) becomes a plain 500.
fn to_hyper(response: HttpResponse) -> hyper::Response<Full<Bytes>> {
    match http::Response::<Vec<u8>>::try_from(response) {
        Ok(response) => response.map(|body| Full::new(Bytes::from(body))),
        Err(_) => {
            let mut fallback = hyper::Response::new(Full::new(Bytes::from_static(b"invalid response")));
            *fallback.status_mut() = hyper::StatusCode::INTERNAL_SERVER_ERROR;
            fallback
        }
    }
}
