//! `WebhookInbox`, the loopback endpoint for tests and examples: it queues each verified event
//! once, answers a redelivery 200 without queueing it again, and refuses forgeries (401), bodies
//! that are not events (400) and oversized bodies (413); pointed at the sandbox, it receives a
//! payment's events.

use std::time::Duration;

use bytes::Bytes;
use checkout_sdk_core::id::ProcessingChannelId;
use checkout_sdk_core::prelude::*;
use checkout_sdk_core::webhook::{SignatureKey, WebhookReceiver, SIGNATURE_HEADER};
use checkout_sdk_fake::keys::{PROCESSING_CHANNEL_ID, SANDBOX_SECRET_KEY as KEY};
use checkout_sdk_hyper::HyperTransport;
use checkout_sdk_sandbox::{ServerConfig, WebhookInbox};
use checkout_sdk_simulator::{Simulator, WebhookEndpoint};
use http_body_util::Full;
use hyper_util::client::legacy::Client as HttpClient;
use hyper_util::rt::TokioExecutor;

const SIGNING: &str = "whsk_inbox_test_3c9e";
const QUIET: Duration = Duration::from_millis(150);

fn key(text: &str) -> SignatureKey {
    SignatureKey::new(text).expect("a usable key")
}

/// Posts `body` to the inbox with `signature`, and returns the status.
async fn post(inbox: &WebhookInbox, body: &[u8], signature: &str) -> u16 {
    let request = hyper::Request::post(inbox.url())
        .header("Content-Type", "application/json")
        .header(SIGNATURE_HEADER, signature)
        .body(Full::new(Bytes::copy_from_slice(body)))
        .expect("a request");
    let client = HttpClient::builder(TokioExecutor::new()).build_http();
    client.request(request).await.expect("the inbox answers").status().as_u16()
}

#[tokio::test]
async fn each_verified_event_is_queued_once_and_forgeries_are_refused() {
    let mut inbox = WebhookInbox::start(WebhookReceiver::new(key(SIGNING))).await.expect("bound");
    let body = br#"{"id": "evt_az5sblvku4ge3dwpztvyizgcau", "type": "payment_captured",
        "data": {"id": "pay_mbabizu24mvu3mela5njyhpit4", "amount": 6540, "currency": "USD"}}"#;
    let signature = key(SIGNING).sign(body);

    assert_eq!(post(&inbox, body, &signature).await, 200);
    let event = inbox.next(Duration::from_secs(5)).await.expect("queued");
    assert_eq!(event.id().as_str(), "evt_az5sblvku4ge3dwpztvyizgcau");
    assert_eq!(event.type_name(), "payment_captured");

    // Delivered again (at least once): answered 200, not queued twice.
    assert_eq!(post(&inbox, body, &signature).await, 200);
    assert!(inbox.next(QUIET).await.is_none(), "a redelivery was queued again");

    // Signed with another key, or not signed over these bytes.
    assert_eq!(post(&inbox, body, &key("whsk_someone_else").sign(body)).await, 401);
    let mut tampered = body.to_vec();
    tampered[body.len() - 3] = b'9';
    assert_eq!(post(&inbox, &tampered, &signature).await, 401);
    // Signed, but not an event.
    let not_event = br#"{"note": "hello"}"#;
    assert_eq!(post(&inbox, not_event, &key(SIGNING).sign(not_event)).await, 400);
    assert!(inbox.next(QUIET).await.is_none(), "a refused delivery was queued");
}

#[tokio::test]
async fn a_body_over_the_receivers_limit_is_refused_413() {
    let receiver = WebhookReceiver::new(key(SIGNING)).with_max_body_size(64);
    let mut inbox = WebhookInbox::start(receiver).await.expect("bound");
    let body = format!(r#"{{"id": "evt_1", "type": "payment_paid", "data": {{"pad": "{}"}}}}"#, "x".repeat(200));
    assert_eq!(post(&inbox, body.as_bytes(), &key(SIGNING).sign(body.as_bytes())).await, 413);
    assert!(inbox.next(QUIET).await.is_none());
}

#[tokio::test]
async fn pointed_at_the_sandbox_it_receives_a_payments_events_in_order() {
    let mut inbox = WebhookInbox::start(WebhookReceiver::new(key(SIGNING))).await.expect("bound");
    let endpoint = WebhookEndpoint::new(inbox.url(), key(SIGNING)).expect("an endpoint");
    let config = ServerConfig::default().with_webhook_endpoint(endpoint);
    let server = checkout_sdk_sandbox::serve_with(([127, 0, 0, 1], 0).into(), Simulator::seeded(5), config)
        .await
        .expect("bound");
    let config = Config::new(KEY.parse().expect("a key"), Environment::custom(&server.base_url()).expect("a url"))
        .with_processing_channel(ProcessingChannelId::new(PROCESSING_CHANNEL_ID).expect("a channel"));
    let client = Client::new(config, HyperTransport::new());
    let card = CardSource::new("4242424242424242", 6, 2030).and_then(|c| c.cvv("100")).expect("a card");
    let request = PaymentRequest::builder(card, 1000, Currency::USD).reference("ORD-INBOX").build().expect("valid");
    let payment = client.payments().request(request).await.expect("approved");
    client.payments().capture(&payment.id, ActionRequest::full()).await.expect("captured");

    let approved = inbox.wait_for("payment_approved", payment.id.as_str(), Duration::from_secs(10)).await;
    assert_eq!(approved.expect("payment_approved arrived").amount(), Some(1000));
    let captured = inbox.wait_for("payment_captured", payment.id.as_str(), Duration::from_secs(10)).await;
    assert!(captured.is_some(), "payment_captured arrived after payment_approved");
    server.shutdown().await;
}
