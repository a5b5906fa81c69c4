//! 3-D Secure with the N3D fallback: when 3DS cannot run (the sandbox simulates a 3DS malfunction,
//! response code 20153, for the amount 5000), `attempt_n3d` lets the payment go through without
//! it instead of failing.
//!
//! ```text
//! cargo run --example three_ds_n3d
//! ```
//!
//! With no `CKO_SECRET_KEY` set, this runs offline against a simulation of Checkout.com's sandbox
//! (the `sandbox` feature); with it set, against Checkout.com's sandbox.

use checkout_sdk::prelude::*;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env_or_local_sandbox().await?;

    let card = CardSource::new("4242424242424242", 6, 2030)?.cvv("100")?;
    let request = PaymentRequest::builder(card, 5000, Currency::USD)
        .reference("pay_ref")
        .three_ds(ThreeDs::with_n3d_fallback()) // {"enabled": true, "attempt_n3d": true}
        .build()?;
    let payment = client.payments().request(request).await?;

    println!("payment: {}", payment.id);
    println!("pending: {}", if payment.is_pending() { "yes" } else { "no" });
    let downgraded = payment.three_ds.as_ref().and_then(|t| t.downgraded) == Some(true);
    println!("3DS downgraded to N3D: {}", if downgraded { "yes" } else { "no" });
    println!("status: {}", payment.status.as_ref().map_or("-", PaymentStatus::as_str));
    if let (Some(amount), Some(currency)) = (payment.amount, payment.currency) {
        println!("amount: {}", currency.format_amount(amount));
    }
    Ok(())
}
