//! Raise an estimated authorization (a hotel stay, a car hire) with incremental authorizations,
//! then capture the total.
//!
//! Runs against Checkout.com with `CKO_SECRET_KEY` (and `CKO_PROCESSING_CHANNEL_ID`) set, or
//! offline against the embedded sandbox when no credentials are set.

use checkout_sdk::core::request::{AuthorizationType, IncrementalAuthorizationRequest};
use checkout_sdk::prelude::*;

#[tokio::main]
async fn main() -> Result<(), Error> {
    let client = Client::from_env_or_local_sandbox().await?;
    let payments = client.payments();
    let usd = Currency::USD;

    let card = CardSource::new("4242424242424242", 6, 2030)?.cvv("100")?;
    let request = PaymentRequest::builder(card, 10_000, usd)
        .authorization_type(AuthorizationType::Estimated)
        .reference("HOTEL-42")
        .build()?;
    let payment = payments.request(request).await?;
    let status = payment.status.as_ref().map_or("?", PaymentStatus::as_str);
    println!("estimated authorization: {} for {} ({status})", payment.id, usd.format_amount(10_000));

    let minibar = IncrementalAuthorizationRequest::new().amount(2_500).reference("HOTEL-42-MINIBAR");
    let raised = payments.increment_authorization(&payment.id, minibar).await?;
    let total = raised.balances.and_then(|b| b.total_authorized).unwrap_or_default();
    println!(
        "incremented: {} by {}, approved {}",
        raised.action_id,
        usd.format_amount(raised.amount.unwrap_or_default()),
        raised.approved.unwrap_or(false)
    );
    println!("total authorized: {}", usd.format_amount(total));

    // Increments are declined like payments: this amount is one the sandbox refuses.
    let declined =
        payments.increment_authorization(&payment.id, IncrementalAuthorizationRequest::new().amount(1_051)).await?;
    println!(
        "declined increment: {} {}",
        declined.response_code.as_ref().map_or("?", |c| c.as_str()),
        declined.response_summary.as_deref().unwrap_or("?")
    );

    let capture = payments.capture(&payment.id, ActionRequest::full().reference("HOTEL-42-CHECKOUT")).await?;
    let captured = payments.get(&payment.id).await?;
    println!(
        "captured: {} ({}, {})",
        capture.action_id,
        usd.format_amount(captured["balances"]["total_captured"].as_u64().unwrap_or_default()),
        captured.status.as_ref().map_or("?", PaymentStatus::as_str)
    );
    Ok(())
}
