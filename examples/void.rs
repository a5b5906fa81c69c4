//! Void an authorized payment before it is captured: the hold on the customer's card is
//! released.
//!
//! ```text
//! cargo run --example void
//! ```
//!
//! With no `CKO_SECRET_KEY` set, this runs offline against a simulation of Checkout.com's sandbox
//! (the `sandbox` feature); with it set, against Checkout.com's sandbox.

use checkout_sdk::prelude::*;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env_or_local_sandbox().await?;
    let payments = client.payments();

    let card = CardSource::new("4242424242424242", 6, 2030)?.cvv("100")?;
    let request = PaymentRequest::builder(card, 100, Currency::USD).reference("pay_ref").build()?;
    let payment = payments.request(request).await?;
    println!("payment: {} ({})", payment.id, payment.status.as_ref().map_or("-", PaymentStatus::as_str));

    let action = payments.void(&payment.id, VoidRequest::new().reference("VOID")).await?;
    println!("void: {}", action.action_id);
    println!("payment link: {}", action.get_link("payment").map_or("-", |l| l.href.as_str()));

    let now = payments.get(&payment.id).await?;
    println!("status now: {}", now.status.as_ref().map_or("-", PaymentStatus::as_str));
    Ok(())
}
