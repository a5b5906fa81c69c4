//! Receiving webhooks, offline: a receiver in this program (`support/receiver.rs`: a small hyper
//! server that verifies and parses each delivery with `WebhookReceiver`), and the local sandbox
//! pointed at it. A payment is made and captured; each signed event is printed as it arrives.
//! Finally a forged delivery (signed with another key) is refused.
//!
//! `cargo run --example webhooks` (always offline: Checkout.com cannot reach this receiver).

mod support;

use std::time::Duration;

use bytes::Bytes;
use checkout_sdk::core::webhook::{SignatureKey, WebhookReceiver, SIGNATURE_HEADER};
use checkout_sdk::prelude::*;
use checkout_sdk::sandbox::ServerConfig;
use checkout_sdk::simulator::{Simulator, WebhookEndpoint};
use http_body_util::Full;
use hyper_util::client::legacy::Client as HttpClient;
use hyper_util::rt::TokioExecutor;

/// The webhook's signature key, as set on the webhook in Checkout.com's dashboard.
const SIGNATURE_KEY: &str = "whsk_example_5f1c0a3e9b2d";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let key = SignatureKey::new(SIGNATURE_KEY)?;
    let mut inbox = support::receiver::start(WebhookReceiver::new(key.clone())).await?;
    println!("receiving webhooks at {}", inbox.url());

    let endpoint = WebhookEndpoint::new(inbox.url(), key)?;
    let client =
        Client::local_sandbox_with_config(Simulator::new(), ServerConfig::default().with_webhook_endpoint(endpoint))
            .await?;
    let payments = client.payments();
    let request = PaymentRequest::builder(support::visa(), 1000, Currency::USD).reference("ORD-WEBHOOKS").build()?;
    let payment = payments.request(request).await?;
    payments.capture(&payment.id, ActionRequest::full().reference("CAPTURE")).await?;

    // payment_approved, then payment_captured: events of one payment arrive in order.
    let mut last_body = Vec::new();
    for _ in 0..2 {
        let event = inbox.next(Duration::from_secs(10)).await.ok_or("no webhook arrived within 10 s")?;
        let amount = match (event.amount(), event.currency()) {
            (Some(amount), Some(currency)) => currency.format_amount(amount).to_string(),
            _ => "-".to_string(),
        };
        let payment_id = event.payment_id().map_or("-", |id| id.as_str());
        println!("received {} for {payment_id}: {amount} ({}, signature verified)", event.type_name(), event.id());
        last_body = event.into_body();
    }

    // The same body signed with another key is refused: 401, and nothing reaches the inbox.
    let forged = SignatureKey::new("not-the-webhook-key")?.sign(&last_body);
    let request = hyper::Request::post(inbox.url())
        .header("Content-Type", "application/json")
        .header(SIGNATURE_HEADER, forged)
        .body(Full::new(Bytes::from(last_body)))?;
    let answer = HttpClient::builder(TokioExecutor::new()).build_http().request(request).await?;
    println!("forged delivery refused: {}", answer.status().as_u16());
    assert!(inbox.next(Duration::from_millis(200)).await.is_none());
    Ok(())
}
