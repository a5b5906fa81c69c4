//! Get a payment's details by its payment id (`pay_...`), or by the session id (`sid_...`) that a
//! 3-D Secure or APM redirect returns to your site with.
//!
//! ```text
//! cargo run --example get_payment
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
    let request = PaymentRequest::builder(card, 100, Currency::USD).reference("pay_ref").three_ds(true).build()?;
    let secure = payments.request(request).await?;

    let payment = payments.get(&secure.id).await?;
    let status = payment.status.as_ref().map_or("-", PaymentStatus::as_str);
    println!("by payment id: {} ({status})", payment.id);

    // Your redirect page receives the session id as `cko-session-id`; the local sandbox's
    // redirect links end with it.
    let last_segment = secure.redirect_link().and_then(|l| l.href.rsplit('/').next()).unwrap_or_default();
    match last_segment.parse::<SessionId>() {
        Ok(session) => {
            let payment = payments.get(session.as_str()).await?;
            println!("by session id {session}: {}", payment.id);
        }
        Err(_) => println!("by session id: this redirect link does not end with one"),
    }
    Ok(())
}
