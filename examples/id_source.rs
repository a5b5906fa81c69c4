//! Pay again with the source id (`src_...`) that an earlier card payment returned: the card is
//! stored, so the customer need not enter it again (the CVV is optional).
//!
//! ```text
//! cargo run --example id_source
//! ```
//!
//! With no `CKO_SECRET_KEY` set, this runs offline against a simulation of Checkout.com's sandbox
//! (the `sandbox` feature); with it set, against Checkout.com's sandbox.

use checkout_sdk::prelude::*;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env_or_local_sandbox().await?;
    let payments = client.payments();

    // A first payment with the card details; the response names the stored source.
    let card = CardSource::new("4242424242424242", 6, 2030)?.cvv("100")?;
    let first = payments.request(PaymentRequest::builder(card, 100, Currency::USD).reference("first").build()?).await?;
    let source_id = first.source.as_ref().and_then(|s| s.id.clone()).ok_or("the payment returned no source id")?;
    println!("stored source: {source_id}");

    // Later: the stored source, with the CVV the customer re-entered.
    let source = IdSource::new(source_id).cvv("100")?;
    let request = PaymentRequest::builder(source, 100, Currency::USD).reference("pay_ref").build()?;
    let payment = payments.request(request).await?;
    println!("payment: {}", payment.id);
    println!("status: {}", payment.status.as_ref().map_or("-", PaymentStatus::as_str));
    if let (Some(amount), Some(currency)) = (payment.amount, payment.currency) {
        println!("amount: {}", currency.format_amount(amount));
    }
    Ok(())
}
