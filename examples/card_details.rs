//! Pay with full card details. Checkout.com accepts them only from accounts with a high level of
//! PCI compliance (SAQ-D) that have this option enabled; others send a card token (see
//! `token_source`).
//!
//! ```text
//! cargo run --example card_details
//! ```
//!
//! With no `CKO_SECRET_KEY` set, this runs offline against a simulation of Checkout.com's sandbox
//! (the `sandbox` feature); with it set, against Checkout.com's sandbox.

use checkout_sdk::prelude::*;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env_or_local_sandbox().await?;

    let card = CardSource::new("4242424242424242", 6, 2030)?.cvv("100")?.name("Jane Doe");
    let request = PaymentRequest::builder(card, 100, Currency::USD).reference("pay_ref").build()?;
    let payment = client.payments().request(request).await?;

    println!("payment: {}", payment.id);
    // A card payment without 3-D Secure is processed at once: never pending.
    println!("pending: {}", if payment.is_pending() { "yes" } else { "no" });
    println!("status: {}", payment.status.as_ref().map_or("-", PaymentStatus::as_str));
    println!(
        "response: {} {}",
        payment.response_code.as_ref().map_or("-", ResponseCode::as_str),
        payment.response_summary.as_deref().unwrap_or("-")
    );
    if let (Some(amount), Some(currency)) = (payment.amount, payment.currency) {
        println!("amount: {}", currency.format_amount(amount));
    }
    if let Some(card) = &payment.source {
        println!("card: {} ending {}", card.scheme.as_deref().unwrap_or("-"), card.last4.as_deref().unwrap_or("-"));
    }
    Ok(())
}
