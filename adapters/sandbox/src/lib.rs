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
use checkout_sdk_core::transport::{Headers, HttpRequest, HttpResponse, Method};
use checkout_sdk_simulator::Simulator;
use http_body_util::{BodyExt, Full, Limited};
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
    let method = match *req.method() {
        hyper::Method::GET => Method::Get,
        hyper::Method::POST => Method::Post,
        _ => return Ok(plain(405, "method not allowed")),
    };
    let host = req
        .headers()
        .get(hyper::header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_graphic()))
        .map_or_else(|| local.to_string(), String::from);
    let path = req.uri().path_and_query().map_or("/", |p| p.as_str()).to_string();
    let headers: Headers = req
        .headers()
        .iter()
        .filter_map(|(n, v)| v.to_str().ok().map(|v| (n.as_str().to_string(), v.to_string())))
        .collect();
    let body = match Limited::new(req.into_body(), MAX_REQUEST_BODY).collect().await {
        Ok(collected) => collected.to_bytes().to_vec(),
        Err(e) if e.downcast_ref::<http_body_util::LengthLimitError>().is_some() => {
            return Ok(plain(413, "request body too large"));
        }
        Err(_) => return Ok(plain(400, "could not read the request body")),
    };
    let request = HttpRequest { method, url: format!("http://{host}{path}"), headers, body, timeout: None };
    let exchange = sim.handle(&request);
    if let Some(delay) = exchange.delay {
        tokio::time::sleep(delay).await;
    }
    if exchange.drop_response {
        return Err(DroppedOnPurpose);
    }
    Ok(to_hyper(exchange.response))
}

fn plain(status: u16, text: &'static str) -> hyper::Response<Full<Bytes>> {
    to_hyper(HttpResponse::new(status, text.as_bytes().to_vec()).with_header("Content-Type", "text/plain"))
}

fn to_hyper(response: HttpResponse) -> hyper::Response<Full<Bytes>> {
    let mut builder = hyper::Response::builder().status(response.status);
    for (name, value) in response.headers.iter() {
        builder = builder.header(name, value);
    }
    builder.body(Full::new(Bytes::from(response.body))).unwrap_or_else(|_| {
        let mut fallback = hyper::Response::new(Full::new(Bytes::from_static(b"invalid response")));
        *fallback.status_mut() = hyper::StatusCode::INTERNAL_SERVER_ERROR;
        fallback
    })
}
