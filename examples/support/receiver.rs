//! A webhook receiver: a small hyper server that verifies and parses every delivery with the
//! core's `WebhookReceiver` and hands each new event to the program.
//!
//! - The body is read with `http_body_util::Limited` at `receiver.max_body_size()`: a huge body
//!   is refused (413) before it is buffered.
//! - `receive_pairs` checks the `Authorization` value (when configured) and the `Cko-Signature`
//!   over the raw bytes, then parses the event; a refusal is answered with
//!   `err.check().http_status()` (401 for a bad signature, 400 for a body that is not an event).
//! - Checkout.com delivers each event at least once: redeliveries are answered 200 and dropped,
//!   by event id.

use std::collections::HashSet;
use std::convert::Infallible;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use checkout_sdk::core::webhook::{WebhookEvent, WebhookReceiver};
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::mpsc;

/// Where verified events arrive.
pub struct Inbox {
    url: String,
    events: mpsc::UnboundedReceiver<WebhookEvent>,
}

impl Inbox {
    /// The URL to give Checkout.com (or the sandbox): `http://127.0.0.1:PORT/webhooks`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The next new, verified event; `None` when none arrives within `within`.
    pub async fn next(&mut self, within: Duration) -> Option<WebhookEvent> {
        tokio::time::timeout(within, self.events.recv()).await.ok().flatten()
    }

    /// The next event of type `type_name` about `payment`, skipping the others; `None` when none
    /// arrives within `within`.
    pub async fn wait_for(&mut self, type_name: &str, payment: &str, within: Duration) -> Option<WebhookEvent> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let event = self.next(left).await?;
            if event.type_name() == type_name && event.payment_id().is_some_and(|id| id.as_str() == payment) {
                return Some(event);
            }
        }
    }
}

/// Starts the receiver on a free loopback port.
pub async fn start(receiver: WebhookReceiver) -> std::io::Result<Inbox> {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
    let url = format!("http://{}/webhooks", listener.local_addr()?);
    let (sender, events) = mpsc::unbounded_channel();
    let receiver = Arc::new(receiver);
    let seen = Arc::new(Mutex::new(HashSet::new()));
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (receiver, seen, sender) = (Arc::clone(&receiver), Arc::clone(&seen), sender.clone());
            let service = service_fn(move |request| {
                let (receiver, seen, sender) = (Arc::clone(&receiver), Arc::clone(&seen), sender.clone());
                async move { Ok::<_, Infallible>(handle(request, &receiver, &seen, &sender).await) }
            });
            tokio::spawn(http1::Builder::new().serve_connection(TokioIo::new(stream), service));
        }
    });
    Ok(Inbox { url, events })
}

/// One delivery: 200 once verified (new or not), else the status the failed check asks for.
async fn handle(
    request: Request<Incoming>,
    receiver: &WebhookReceiver,
    seen: &Mutex<HashSet<String>>,
    events: &mpsc::UnboundedSender<WebhookEvent>,
) -> Response<Full<Bytes>> {
    let (parts, body) = request.into_parts();
    let body = match Limited::new(body, receiver.max_body_size()).collect().await {
        Ok(body) => body.to_bytes(),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => return status(StatusCode::PAYLOAD_TOO_LARGE),
        Err(_) => return status(StatusCode::BAD_REQUEST),
    };
    match receiver.receive_pairs(&parts.headers, &body) {
        Ok(event) => {
            let new = seen.lock().unwrap_or_else(PoisonError::into_inner).insert(event.id().as_str().to_string());
            if new {
                let _ = events.send(event);
            }
            status(StatusCode::OK)
        }
        Err(refused) => status(StatusCode::from_u16(refused.check().http_status()).unwrap_or(StatusCode::BAD_REQUEST)),
    }
}

fn status(code: StatusCode) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = code;
    response
}
