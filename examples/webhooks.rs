//! Receiving webhooks. Your endpoint's handler, in whatever web framework, does what
//! `handle_delivery` below does: check the delivery's `Cko-Signature` over the raw body with
//! `WebhookReceiver`, read the event, and answer `200` (or, for a forgery, the status the failed
//! check names). Here the local sandbox delivers its signed events to a [`WebhookInbox`], a
//! loopback endpoint that runs the same checks; a payment is made and captured, each event is
//! printed as it arrives, and a forged delivery is refused.
//!
//! ```text
//! cargo run --example webhooks
//! ```
//!
//! Always offline: Checkout.com cannot reach an endpoint on this machine.
//!
//! [`WebhookInbox`]: checkout_sdk::sandbox::WebhookInbox

use std::time::Duration;

use checkout_sdk::core::webhook::{SignatureKey, WebhookEvent, WebhookReceiver, SIGNATURE_HEADER};
use checkout_sdk::prelude::*;
use checkout_sdk::sandbox::{ServerConfig, WebhookInbox};
use checkout_sdk::simulator::{Simulator, WebhookEndpoint};

/// The webhook's signature key, as set on the webhook in Checkout.com's dashboard.
const SIGNATURE_KEY: &str = "whsk_example_5f1c0a3e9b2d";

/// One delivery to your endpoint: the event and `200`, or no event and the status to answer.
fn handle_delivery(receiver: &WebhookReceiver, headers: &[(&str, &str)], body: &[u8]) -> (Option<WebhookEvent>, u16) {
    match receiver.receive_pairs(headers.iter().copied(), body) {
        // Deliveries come at least once: fulfil an order once per event id.
        Ok(event) => (Some(event), 200),
        Err(refused) => (None, refused.check().http_status()),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let key = SignatureKey::new(SIGNATURE_KEY)?;
    let receiver = WebhookReceiver::new(key.clone());
    let mut inbox = WebhookInbox::start(receiver.clone()).await?;
    println!("receiving webhooks at {}", inbox.url());

    // The local sandbox, told to deliver to the inbox.
    let endpoint = WebhookEndpoint::new(inbox.url(), key)?;
    let config = ServerConfig::default().with_webhook_endpoint(endpoint);
    let client = Client::local_sandbox_with_config(Simulator::new(), config).await?;
    let payments = client.payments();
    let card = CardSource::new("4242424242424242", 6, 2030)?.cvv("100")?;
    let request = PaymentRequest::builder(card, 1000, Currency::USD).reference("ORD-WEBHOOKS").build()?;
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

    // The same body signed with another key is refused, whoever receives it.
    let forged = SignatureKey::new("not-the-webhook-key")?.sign(&last_body);
    let headers = [("Content-Type", "application/json"), (SIGNATURE_HEADER, forged.as_str())];
    let (event, status) = handle_delivery(&receiver, &headers, &last_body);
    assert!(event.is_none());
    println!("forged delivery refused: {status}");
    Ok(())
}
