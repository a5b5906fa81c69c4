//! # checkout-sdk-sandbox
//!
//! The Checkout.com sandbox simulator (`checkout-sdk-simulator`), served over real HTTP/1.1 with
//! hyper. Point any HTTP client at it — this SDK with `CKO_BASE_URL`, or another language's
//! official SDK configured with a custom base URL — and it answers like
//! `https://api.sandbox.checkout.com`: same paths, headers, JSON bodies and status codes.
//!
//! What it is **not**: a production server, or a complete model of Checkout.com. It models
//! the Payments API rules listed in `checkout-sdk-simulator`'s README, keeps everything in memory
//! (within the simulator's `Limits`) and listens on plain HTTP (loopback use only).
//!
//! It holds up against misbehaving clients all the same ([`ServerConfig`]): a request head must
//! arrive within the header-read timeout, its body within the body-read timeout, and a connection
//! with nothing to do is closed after the idle timeout; at most `max_connections` are open (when
//! full, the connection waiting the longest makes room; when all are busy, the new one gets
//! `503`); bodies over 1 MiB get `413` (declared ones before a byte is read); links in responses
//! point only at the listening address, the loopback names and the configured hosts; and
//! [`SandboxServer::shutdown`] lets requests in progress finish.
//!
//! It delivers webhooks too: every payment state change becomes a signed event posted to the
//! endpoints in [`ServerConfig::webhook_endpoints`] (and those added to the simulator), in the
//! background, retried on [`RETRY_SCHEDULE`] scaled by [`ServerConfig::webhook_retry_scale`], in
//! order per payment; `GET /sandbox/webhooks` lists the deliveries. A [`WebhookInbox`] is an
//! endpoint to point them at in tests and examples.
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
use std::time::Duration;

use checkout_sdk_simulator::Simulator;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

mod config;
mod connections;
mod delivery;
pub mod inbox;
mod log;
mod service;

pub use config::{default_max_connections, ServerConfig};
pub use delivery::{MAX_RETRIES, RETRY_SCHEDULE};
pub use inbox::WebhookInbox;
pub use log::{LogLine, RequestLog};

use connections::{Admitted, Registry, TrackedStream};
use service::Shared;

/// The largest request body the server reads; larger bodies get `413`.
pub const MAX_REQUEST_BODY: usize = 1024 * 1024;

/// A running simulator server. Dropping it stops accepting new connections and lets the open
/// ones finish in the background (see [`shutdown`](Self::shutdown)).
#[derive(Debug)]
pub struct SandboxServer {
    addr: SocketAddr,
    simulator: Simulator,
    registry: Arc<Registry>,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
    deliveries: Option<JoinHandle<()>>,
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

    /// How many connections are open now.
    pub fn open_connections(&self) -> usize {
        self.registry.open()
    }

    /// Shuts down gracefully: stops accepting connections, closes the ones with no request in
    /// progress, lets requests in progress finish (answered with `Connection: close`) for up to
    /// [`ServerConfig::shutdown_grace`], then closes whatever is left, and returns.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
        // Deliveries still waiting for a retry are dropped with the server.
        if let Some(deliveries) = self.deliveries.take() {
            let _ = deliveries.await;
        }
    }
}

impl Drop for SandboxServer {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

/// Serves a fresh simulator on a free loopback port (`127.0.0.1:0`) with the default settings.
pub async fn start() -> io::Result<SandboxServer> {
    serve(SocketAddr::from(([127, 0, 0, 1], 0)), Simulator::new()).await
}

/// Serves `simulator` on `addr` (port 0 picks a free port) with the default settings, on the
/// current tokio runtime (which needs its I/O and time drivers).
pub async fn serve(addr: SocketAddr, simulator: Simulator) -> io::Result<SandboxServer> {
    serve_with(addr, simulator, ServerConfig::default()).await
}

/// Serves `simulator` on `addr` (port 0 picks a free port) with `config`, on the current tokio
/// runtime (which needs its I/O and time drivers).
pub async fn serve_with(addr: SocketAddr, simulator: Simulator, config: ServerConfig) -> io::Result<SandboxServer> {
    let listener = TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let registry = Registry::new(config.max_connections);
    let shared = Arc::new(Shared::new(simulator.clone(), config, addr));
    let (stop, stopped) = watch::channel(false);
    for endpoint in &shared.config.webhook_endpoints {
        simulator.add_webhook_endpoint(endpoint.clone());
    }
    let deliveries = delivery::spawn(simulator.clone(), &shared.config, stopped.clone());
    let task = tokio::spawn(accept(listener, shared, Arc::clone(&registry), stopped));
    Ok(SandboxServer { addr, simulator, registry, stop, task: Some(task), deliveries: Some(deliveries) })
}

/// Accepts connections until told to stop, then drains them within the grace period.
async fn accept(
    listener: TcpListener,
    shared: Arc<Shared>,
    registry: Arc<Registry>,
    mut stopped: watch::Receiver<bool>,
) {
    // Owned here: what is left after the grace period is aborted with it.
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => match registry.admit() {
                    Some(admitted) => {
                        let _ = stream.set_nodelay(true);
                        connections.spawn(connection(stream, admitted, Arc::clone(&shared), stopped.clone()));
                    }
                    None => registry.refuse(stream),
                },
                // Out of file descriptors and the like: back off briefly rather than spin.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            // Reap finished connections so the set does not grow without bound.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            _ = stopped.changed() => break,
        }
    }
    drop(listener);
    let drained = async { while connections.join_next().await.is_some() {} };
    let _ = tokio::time::timeout(shared.config.shutdown_grace, drained).await;
    connections.abort_all();
}

/// Serves one connection until it ends, stalls past a timeout, is evicted to make room, or the
/// server shuts down.
async fn connection(stream: TcpStream, admitted: Admitted, shared: Arc<Shared>, mut stopped: watch::Receiver<bool>) {
    let tracker = Arc::clone(&admitted.tracker);
    let io = TokioIo::new(TrackedStream::new(stream, Arc::clone(&tracker)));
    let (service_shared, service_tracker) = (Arc::clone(&shared), Arc::clone(&tracker));
    let service =
        service_fn(move |req| service::handle(Arc::clone(&service_shared), Arc::clone(&service_tracker), req));
    // Malformed HTTP is answered by hyper itself (400) before reaching the service.
    let connection = http1::Builder::new().keep_alive(true).serve_connection(io, service);
    tokio::pin!(connection);
    let mut draining = false;
    loop {
        tokio::select! {
            _ = connection.as_mut() => break,
            () = tracker.expired(&shared.config) => break,
            _ = stopped.changed(), if !draining => {
                draining = true;
                if !tracker.is_busy() {
                    break;
                }
                connection.as_mut().graceful_shutdown();
            }
        }
    }
    drop(admitted);
}
