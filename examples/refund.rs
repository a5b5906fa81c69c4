//! Refund a captured payment: all of it, or part of it (here 0.40 of 1.00 USD), with a reference
//! of your own.
//!
//! ```text
//! cargo run --example refund
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
    payments.capture(&payment.id, ActionRequest::full()).await?;
    println!("payment: {} captured", payment.id);

    // `ActionRequest::full()` refunds whatever is left; `.amount(..)` a part of it.
    let action = payments.refund(&payment.id, ActionRequest::new().amount(40).reference("REFUND")).await?;
    println!("refund of {}: {}", Currency::USD.format_amount(40), action.action_id);
    println!("payment link: {}", action.get_link("payment").map_or("-", |l| l.href.as_str()));

    let now = payments.get(&payment.id).await?;
    println!("status now: {}", now.status.as_ref().map_or("-", PaymentStatus::as_str));
    Ok(())
}
