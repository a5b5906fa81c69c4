//! A 3-D Secure payment: pending, with a redirect to the card issuer's challenge page (the ACS).
//! Always check whether a payment is pending first: the risk engine may upgrade any card payment
//! to 3-D Secure.
//!
//! ```text
//! cargo run --example three_ds
//! ```
//!
//! With no `CKO_SECRET_KEY` set, this runs offline against a simulation of Checkout.com's sandbox
//! (the `sandbox` feature), which also plays the customer at the challenge; with it set, against
//! Checkout.com's sandbox.

use checkout_sdk::prelude::*;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env_or_local_sandbox().await?;

    let card = CardSource::new("4242424242424242", 6, 2030)?.cvv("100")?;
    let request = PaymentRequest::builder(card, 100, Currency::USD)
        .reference("pay_ref")
        .three_ds(true) // {"enabled": true}
        .build()?;
    let payment = client.payments().request(request).await?;

    println!("payment: {}", payment.id);
    println!("pending: {}", if payment.is_pending() { "yes" } else { "no" });
    println!("requires redirect: {}", if payment.requires_redirect() { "yes" } else { "no" });
    if let Some(link) = payment.redirect_link() {
        println!("send the customer to: {}", link.href);
    }
    if let Some(three_ds) = &payment.three_ds {
        println!(
            "3DS: enrolled {}, downgraded {}",
            three_ds.enrolled.as_deref().unwrap_or("-"),
            if three_ds.downgraded == Some(true) { "yes" } else { "no" }
        );
    }

    // Offline, the local sandbox plays the customer, who passes the challenge.
    if let Some(sandbox) = client.local_sandbox() {
        sandbox.complete_redirect(payment.id.as_str(), true)?;
        let after = client.payments().get(&payment.id).await?;
        println!("after the challenge: {}", after.status.as_ref().map_or("-", PaymentStatus::as_str));
    }
    Ok(())
}
