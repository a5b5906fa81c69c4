//! Reverse payments whatever their state: an authorization is voided, a capture refunded, in
//! full, with one call.
//!
//! Runs against Checkout.com with `CKO_SECRET_KEY` (and `CKO_PROCESSING_CHANNEL_ID`) set, or
//! offline against the embedded sandbox when no credentials are set.

use checkout_sdk::core::request::ReversalRequest;
use checkout_sdk::prelude::*;

fn card() -> Result<CardSource, Error> {
    Ok(CardSource::new("4242424242424242", 6, 2030)?.cvv("100")?)
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let client = Client::from_env_or_local_sandbox().await?;
    let payments = client.payments();
    let eur = Currency::EUR;

    // Not captured yet: the reversal voids the authorization.
    let authorized = payments.request(PaymentRequest::builder(card()?, 4_200, eur).reference("ORD-7").build()?).await?;
    let reversal = payments.reverse(&authorized.id, ReversalRequest::new().reference("ORD-7-CANCELLED")).await?;
    let after = payments.get(&authorized.id).await?;
    println!(
        "authorized {} ({}): reversed by {} as {}, now {}",
        authorized.id,
        eur.format_amount(4_200),
        reversal.action_id,
        reversal.action_type.as_ref().map_or("?", |t| t.as_str()),
        after.status.as_ref().map_or("?", PaymentStatus::as_str)
    );

    // Captured: the reversal refunds what was captured.
    let captured = payments.request(PaymentRequest::builder(card()?, 9_900, eur).reference("ORD-8").build()?).await?;
    payments.capture(&captured.id, ActionRequest::full()).await?;
    let reversal = payments.reverse(&captured.id, ReversalRequest::new().reference("ORD-8-RETURNED")).await?;
    let after = payments.get(&captured.id).await?;
    println!(
        "captured {} ({}): reversed by {} as {}, now {}",
        captured.id,
        eur.format_amount(9_900),
        reversal.action_id,
        reversal.action_type.as_ref().map_or("?", |t| t.as_str()),
        after.status.as_ref().map_or("?", PaymentStatus::as_str)
    );
    println!("refunded: {}", eur.format_amount(after["balances"]["total_refunded"].as_u64().unwrap_or_default()));
    Ok(())
}
