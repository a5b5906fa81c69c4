//! A webhook endpoint for tests and examples: a small loopback HTTP server that checks every
//! delivery with the core's [`WebhookReceiver`] and queues each new event for the program.
//!
//! It answers the way a merchant's endpoint should, so a sandbox's retries behave as they would
//! against a real one:
//!
//! - the body is read up to [`WebhookReceiver::max_body_size`]: a bigger one is refused with
//!   `413` before it is buffered;
//! - a delivery that fails its checks (signature, `Authorization` value, not an event) is
//!   answered with the status the failed check names (`401`, `400`) and never queued;
//! - Checkout.com delivers each event at least once: a redelivery is answered `200` and dropped,
//!   by event id.
//!
//! ```
//! use std::time::Duration;
//! use checkout_sdk_core::webhook::{SignatureKey, WebhookReceiver};
//! use checkout_sdk_sandbox::WebhookInbox;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! let key = SignatureKey::new("whsk_test_5f1c0a").expect("a key");
//! let mut inbox = WebhookInbox::start(WebhookReceiver::new(key)).await?;
//! assert!(inbox.url().starts_with("http://127.0.0.1:"));
//! // Nothing delivered yet.
//! assert!(inbox.next(Duration::from_millis(10)).await.is_none());
//! # Ok(())
//! # }
//! ```

use std::collections::HashSet;
use std::convert::Infallible;
use std::io;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use checkout_sdk_core::webhook::{WebhookEvent, WebhookReceiver};
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// A running webhook endpoint on a free loopback port, and the verified events it received.
/// Dropping it stops the server.
#[derive(Debug)]
pub struct WebhookInbox {
    url: String,
    events: mpsc::UnboundedReceiver<WebhookEvent>,
    server: JoinHandle<()>,
}

impl WebhookInbox {
    /// Starts the endpoint on `127.0.0.1` (a free port), checking deliveries with `receiver`.
    ///
    /// # Errors
    ///
    /// The I/O error of binding the port.
    pub async fn start(receiver: WebhookReceiver) -> io::Result<WebhookInbox> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let url = format!("http://{}/webhooks", listener.local_addr()?);
        let (sender, events) = mpsc::unbounded_channel();
        let shared = Arc::new(Endpoint { receiver, seen: Mutex::new(HashSet::new()), events: sender });
        let server = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let shared = Arc::clone(&shared);
                let service = service_fn(move |request| {
                    let shared = Arc::clone(&shared);
                    async move { Ok::<_, Infallible>(shared.deliver(request).await) }
                });
                tokio::spawn(http1::Builder::new().serve_connection(TokioIo::new(stream), service));
            }
        });
        Ok(WebhookInbox { url, events, server })
    }

    /// The URL to register as the webhook's endpoint: `http://127.0.0.1:PORT/webhooks`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The next new, verified event; `None` when none arrives within `within`.
    pub async fn next(&mut self, within: Duration) -> Option<WebhookEvent> {
        tokio::time::timeout(within, self.events.recv()).await.ok().flatten()
    }

    /// The next event named `type_name` (`payment_captured`, say) about payment `payment_id`,
    /// skipping others; `None` when none arrives within `within`.
    pub async fn wait_for(&mut self, type_name: &str, payment_id: &str, within: Duration) -> Option<WebhookEvent> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let event = self.next(left).await?;
            if event.type_name() == type_name && event.payment_id().is_some_and(|id| id.as_str() == payment_id) {
                return Some(event);
            }
        }
    }
}

impl Drop for WebhookInbox {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// What every connection of an inbox shares.
struct Endpoint {
    receiver: WebhookReceiver,
    /// Ids of the events already queued.
    seen: Mutex<HashSet<String>>,
    events: mpsc::UnboundedSender<WebhookEvent>,
}

impl Endpoint {
    /// One delivery: `200` once verified (new or not), else the status the failed check names.
    async fn deliver(&self, request: Request<Incoming>) -> Response<Full<Bytes>> {
        let (parts, body) = request.into_parts();
        let body = match Limited::new(body, self.receiver.max_body_size()).collect().await {
            Ok(body) => body.to_bytes(),
            Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => return status(StatusCode::PAYLOAD_TOO_LARGE),
            Err(_) => return status(StatusCode::BAD_REQUEST),
        };
        match self.receiver.receive_pairs(&parts.headers, &body) {
            Ok(event) => {
                let new =
                    self.seen.lock().unwrap_or_else(PoisonError::into_inner).insert(event.id().as_str().to_owned());
                if new {
                    // The program may have dropped its inbox: the delivery still succeeded.
                    let _ = self.events.send(event);
                }
                status(StatusCode::OK)
            }
            Err(refused) => {
                status(StatusCode::from_u16(refused.check().http_status()).unwrap_or(StatusCode::BAD_REQUEST))
            }
        }
    }
}

fn status(code: StatusCode) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = code;
    response
}
