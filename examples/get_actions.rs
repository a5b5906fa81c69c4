//! List a payment's actions, newest first: its authorization, captures, refunds and voids, each
//! with its type, amount, response code and reference.
//!
//! ```text
//! cargo run --example get_actions
//! ```
//!
//! With no `CKO_SECRET_KEY` set, this runs offline against a simulation of Checkout.com's sandbox
//! (the `sandbox` feature); with it set, against Checkout.com's sandbox.

use checkout_sdk::prelude::*;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env_or_local_sandbox().await?;
    let payments = client.payments();

    // A payment of 10.00 USD, captured in two parts.
    let currency = Currency::USD;
    let card = CardSource::new("4242424242424242", 6, 2030)?.cvv("100")?;
    let payment = payments.request(PaymentRequest::builder(card, 1000, currency).reference("ORD-1").build()?).await?;
    payments.capture(&payment.id, ActionRequest::new().amount(600).reference("CAPTURE-1")).await?;
    payments.capture(&payment.id, ActionRequest::new().amount(400).reference("CAPTURE-2")).await?;

    let actions = payments.actions(&payment.id).await?;
    println!("payment {} has {} actions:", payment.id, actions.len());
    for action in actions.iter() {
        println!(
            "{}: {} of {}, response {}, reference {}",
            action.id,
            action.action_type,
            action.amount.map_or("-".into(), |amount| currency.format_amount(amount).to_string()),
            action.response_code.as_ref().map_or("-", ResponseCode::as_str),
            action.reference.as_deref().unwrap_or("-"),
        );
    }
    Ok(())
}
