//! A webhook receiver: a small hyper server whose handler checks each delivery's `Cko-Signature`
//! over the raw body with `WebhookReceiver`, reads the event, and answers `200` (or, for a
//! forgery, the status the failed check names). The local sandbox is pointed at it; a payment is
//! made and captured, each signed event is printed as it arrives, and a forged delivery is
//! refused.
//!
//! ```text
//! cargo run --example webhooks
//! ```
//!
//! Always offline: Checkout.com cannot reach an endpoint on this machine. In a program of your
//! own: `cargo add checkout-sdk --features sandbox`, `cargo add tokio --features full`, and
//! `cargo add hyper --features server,http1 hyper-util --features tokio http-body-util bytes`.
//! In any other web framework, the handler is `handle_delivery` below.

use std::convert::Infallible;
use std::time::Duration;

use bytes::Bytes;
use checkout_sdk::core::webhook::{SignatureKey, WebhookEvent, WebhookReceiver, SIGNATURE_HEADER};
use checkout_sdk::prelude::*;
use checkout_sdk::sandbox::ServerConfig;
use checkout_sdk::simulator::{Simulator, WebhookEndpoint};
use http_body_util::{BodyExt, Full, Limited};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::mpsc;

/// The webhook's signature key, as set on the webhook in Checkout.com's dashboard.
const SIGNATURE_KEY: &str = "whsk_example_5f1c0a3e9b2d";

/// One delivery: the event and `200`, or no event and the status to answer. Deliveries come at
/// least once: act on an event id once.
fn handle_delivery(receiver: &WebhookReceiver, headers: &hyper::HeaderMap, body: &[u8]) -> (Option<WebhookEvent>, u16) {
    match receiver.receive_pairs(headers, body) {
        Ok(event) => (Some(event), 200),
        Err(refused) => (None, refused.check().http_status()),
    }
}

/// Serves `receiver` at `http://127.0.0.1:PORT/webhooks`; verified events go to `events`.
async fn serve(receiver: WebhookReceiver, events: mpsc::UnboundedSender<WebhookEvent>) -> std::io::Result<String> {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
    let url = format!("http://{}/webhooks", listener.local_addr()?);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (receiver, events) = (receiver.clone(), events.clone());
            let service = service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                let (receiver, events) = (receiver.clone(), events.clone());
                async move {
                    let (parts, body) = request.into_parts();
                    // Read at most the receiver's limit: a bigger body is refused unread.
                    let status = match Limited::new(body, receiver.max_body_size()).collect().await {
                        Ok(body) => {
                            let (event, status) = handle_delivery(&receiver, &parts.headers, &body.to_bytes());
                            if let Some(event) = event {
                                let _ = events.send(event);
                            }
                            status
                        }
                        Err(_) => 413,
                    };
                    let mut answer = hyper::Response::new(Full::new(Bytes::new()));
                    *answer.status_mut() =
                        hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::BAD_REQUEST);
                    Ok::<_, Infallible>(answer)
                }
            });
            tokio::spawn(http1::Builder::new().serve_connection(TokioIo::new(stream), service));
        }
    });
    Ok(url)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let key = SignatureKey::new(SIGNATURE_KEY)?;
    let receiver = WebhookReceiver::new(key.clone());
    let (sender, mut events) = mpsc::unbounded_channel();
    let url = serve(receiver.clone(), sender).await?;
    println!("receiving webhooks at {url}");

    // The local sandbox, told to deliver to the receiver.
    let config = ServerConfig::default().with_webhook_endpoint(WebhookEndpoint::new(&url, key)?);
    let client = Client::local_sandbox_with_config(Simulator::new(), config).await?;
    let payments = client.payments();
    let card = CardSource::new("4242424242424242", 6, 2030)?.cvv("100")?;
    let request = PaymentRequest::builder(card, 1000, Currency::USD).reference("ORD-WEBHOOKS").build()?;
    let payment = payments.request(request).await?;
    payments.capture(&payment.id, ActionRequest::full().reference("CAPTURE")).await?;

    // payment_approved, then payment_captured: events of one payment arrive in order.
    let mut last_body = Vec::new();
    for _ in 0..2 {
        let next = tokio::time::timeout(Duration::from_secs(10), events.recv()).await;
        let event = next.ok().flatten().ok_or("no webhook arrived within 10 s")?;
        let amount = match (event.amount(), event.currency()) {
            (Some(amount), Some(currency)) => currency.format_amount(amount).to_string(),
            _ => "-".to_string(),
        };
        let payment_id = event.payment_id().map_or("-", |id| id.as_str());
        println!("received {} for {payment_id}: {amount} ({}, signature verified)", event.type_name(), event.id());
        last_body = event.into_body();
    }

    // The same body signed with another key is refused.
    let mut headers = hyper::HeaderMap::new();
    headers.insert(SIGNATURE_HEADER, SignatureKey::new("not-the-webhook-key")?.sign(&last_body).parse()?);
    let (event, status) = handle_delivery(&receiver, &headers, &last_body);
    assert!(event.is_none());
    println!("forged delivery refused: {status}");
    Ok(())
}
