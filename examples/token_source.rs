//! Pay with a card token from Frames or a mobile SDK (single use, valid for 15 minutes).
//!
//! ```text
//! cargo run --example token_source
//! ```
//!
//! With no `CKO_SECRET_KEY` set, this runs offline against a simulation of Checkout.com's sandbox
//! (the `sandbox` feature), which also makes the card token. With `CKO_SECRET_KEY` set, it uses
//! Checkout.com's sandbox, and `CKO_CARD_TOKEN` must hold a fresh token from Frames.

use checkout_sdk::core::source::{Address, Phone};
use checkout_sdk::prelude::*;
use checkout_sdk::simulator::CardDetails;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env_or_local_sandbox().await?;

    // Frames or a mobile SDK turns the card details into a token in the customer's browser or
    // app; offline, the local sandbox makes one the same way.
    let token = match client.local_sandbox() {
        Some(sandbox) => sandbox.create_token(&CardDetails::new("4242424242424242", 6, 2030)),
        None => std::env::var("CKO_CARD_TOKEN").map_err(|_| "set CKO_CARD_TOKEN to a card token from Frames")?,
    };

    let source = TokenSource::new(token)
        .billing_address(Address::new().address_line1("Checkout.com").city("London").zip("W1T 4TJ").country("GB"))
        .phone(Phone::new("+44", "2071234567"));
    let request = PaymentRequest::builder(source, 100, Currency::USD).reference("pay_ref").build()?;
    let payment = client.payments().request(request).await?;

    println!("payment: {}", payment.id);
    println!("status: {}", payment.status.as_ref().map_or("-", PaymentStatus::as_str));
    if let (Some(amount), Some(currency)) = (payment.amount, payment.currency) {
        println!("amount: {}", currency.format_amount(amount));
    }
    if let Some(card) = &payment.source {
        println!("card: {} ending {}", card.scheme.as_deref().unwrap_or("-"), card.last4.as_deref().unwrap_or("-"));
    }
    Ok(())
}
