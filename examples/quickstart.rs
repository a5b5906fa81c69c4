//! The whole payment lifecycle: an approved card payment is captured and refunded, a second
//! payment is voided, and a 3-D Secure payment waits for the customer's redirect; once the
//! challenge is completed, the `payment_approved` webhook arrives, the payment is captured, and
//! `payment_captured` arrives.
//!
//! ```text
//! cargo run --example quickstart
//! ```
//!
//! With no `CKO_SECRET_KEY` set, this runs offline against a simulation of Checkout.com's sandbox
//! (the `sandbox` feature), which plays the customer at the challenge and delivers its signed
//! webhooks to an endpoint in this program (see `examples/webhooks.rs`); with it set, against
//! Checkout.com's sandbox, up to the challenge (a person completes it in a browser).

use std::time::Duration;

use checkout_sdk::core::webhook::{SignatureKey, WebhookEvent, WebhookReceiver};
use checkout_sdk::prelude::*;
use checkout_sdk::sandbox::{ServerConfig, WebhookInbox};
use checkout_sdk::simulator::WebhookEndpoint;

/// The signature key of the local sandbox's webhook to this program.
const WEBHOOK_KEY: &str = "whsk_quickstart_7d41c2";

#[tokio::main]
async fn main() -> std::process::ExitCode {
    // One line per failure, `error: ...` with its status and request id (never a secret).
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    // Offline, the local sandbox delivers webhooks to an endpoint in this program (Checkout.com
    // cannot reach it: there, the inbox stays empty).
    let key = SignatureKey::new(WEBHOOK_KEY)?;
    let mut inbox = WebhookInbox::start(WebhookReceiver::new(key.clone())).await?;
    let config = ServerConfig::default().with_webhook_endpoint(WebhookEndpoint::new(inbox.url(), key)?);
    let client = Client::from_env_or_local_sandbox_with(config).await?;
    let payments = client.payments();

    // 1. An approved card payment, captured, then refunded.
    let request = PaymentRequest::builder(visa()?, 6500, Currency::USD).reference("ORD-5023-4E89").build()?;
    let payment = payments.request(request).await?;
    println!(
        "payment {}: {} ({:?}, {} {})",
        payment.id,
        payment.status.as_ref().map_or("?", PaymentStatus::as_str),
        payment.outcome(),
        payment.response_code.as_ref().map_or("-", ResponseCode::as_str),
        payment.response_summary.as_deref().unwrap_or("-"),
    );
    println!(
        "  can capture: {}, can void: {}, can refund: {}",
        payment.can_capture(),
        payment.can_void(),
        payment.can_refund()
    );

    let capture = payments.capture(&payment.id, ActionRequest::full().reference("CAPTURE")).await?;
    println!(
        "captured: {} (payment link {})",
        capture.action_id,
        capture.get_link("payment").map_or("-", |l| l.href.as_str())
    );

    let refund = payments.refund(&payment.id, ActionRequest::new().amount(2000).reference("REFUND")).await?;
    println!("refunded {}: {}", Currency::USD.format_amount(2000), refund.action_id);

    let now = payments.get(&payment.id).await?;
    println!("payment {} is now {}", now.id, now.status.as_ref().map_or("?", PaymentStatus::as_str));
    for action in payments.actions(&payment.id).await?.iter() {
        let amount = action.amount.map(|minor| Currency::USD.format_amount(minor).to_string());
        println!(
            "  action {} {} {} {}",
            action.id,
            action.action_type,
            amount.as_deref().unwrap_or("-"),
            action.reference.as_deref().unwrap_or("-")
        );
    }

    // 2. A second payment, voided before capture.
    let request = PaymentRequest::builder(visa()?, 1000, Currency::EUR).reference("ORD-5024").build()?;
    let second = payments.request(request).await?;
    let void = payments.void(&second.id, VoidRequest::new().reference("VOID")).await?;
    let after = payments.get(&second.id).await?;
    println!(
        "second payment {}: voided by {}, now {}",
        second.id,
        void.action_id,
        after.status.as_ref().map_or("?", PaymentStatus::as_str)
    );

    // 3. A 3-D Secure payment: pending until the customer completes the challenge.
    let request = PaymentRequest::builder(visa()?, 2500, Currency::GBP).reference("ORD-5025").three_ds(true).build()?;
    let secure = payments.request(request).await?;
    println!(
        "3DS payment {}: pending {}, requires redirect {}",
        secure.id,
        secure.is_pending(),
        secure.requires_redirect()
    );
    if let Some(link) = secure.redirect_link() {
        println!("  redirect the customer to {}", link.href);
    }
    // Offline, the local sandbox plays the customer, who passes the challenge.
    if let Some(sandbox) = client.local_sandbox() {
        sandbox.complete_redirect(secure.id.as_str(), true)?;
        let done = payments.get(&secure.id).await?;
        println!("  after the challenge: {}", done.status.as_ref().map_or("?", PaymentStatus::as_str));
        // 4. The webhooks: fulfil the order on `payment_captured`, not on the API's answers.
        let approved = inbox.wait_for("payment_approved", secure.id.as_str(), Duration::from_secs(10)).await;
        print_webhook(approved.as_ref());
        payments.capture(&secure.id, ActionRequest::full().reference("CAPTURE-3DS")).await?;
        let captured = inbox.wait_for("payment_captured", secure.id.as_str(), Duration::from_secs(10)).await;
        print_webhook(captured.as_ref());
    }
    Ok(())
}

/// The sandbox's approving Visa test card.
fn visa() -> Result<CardSource, InvalidInput> {
    CardSource::new("4242424242424242", 6, 2030)?.cvv("100")
}

/// `webhook payment_captured for pay_…: 25.00 GBP (evt_…, signature verified)`.
fn print_webhook(event: Option<&WebhookEvent>) {
    let Some(event) = event else {
        println!("  webhook: none arrived within 10 s");
        return;
    };
    let amount = match (event.amount(), event.currency()) {
        (Some(amount), Some(currency)) => currency.format_amount(amount).to_string(),
        _ => "-".to_string(),
    };
    let payment = event.payment_id().map_or("-", |id| id.as_str());
    println!("  webhook {} for {payment}: {amount} ({}, signature verified)", event.type_name(), event.id());
}
