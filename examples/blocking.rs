//! No async runtime: the blocking client (feature `blocking`, over ureq) has the same calls,
//! retries, idempotency keys and errors as the async one. Requests a payment and captures it.
//!
//! `cargo run --example blocking --features blocking` (offline against the embedded sandbox when
//! no `CKO_SECRET_KEY` is set).

use std::time::Duration;

use checkout_sdk::blocking::Client;
use checkout_sdk::core::prelude::*;

/// `6500 USD` as `65.00 USD`.
fn money(minor: u64, currency: Currency) -> String {
    let per_major = currency.minor_units_per_major();
    let digits = usize::from(currency.exponent());
    match digits {
        0 => format!("{minor} {currency}"),
        _ => format!("{}.{:0digits$} {currency}", minor / per_major, minor % per_major),
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // With your key: Client::builder().secret_key("sk_sbox_...").timeout(..).build()?
    // Here: CKO_SECRET_KEY from the environment, or the embedded local sandbox when none is set.
    let client = Client::from_env_or_local_sandbox()?;
    println!("transport: ureq (blocking), against {}", client.config().environment().base_url());

    let card = CardSource::new("4242424242424242", 6, 2030)?.cvv("100")?;
    let request = PaymentRequest::builder(card, 6500, Currency::USD).reference("ORD-BLOCKING-1").build()?;
    let payment = client.payments().request(request)?;
    println!(
        "payment: {} {} for {} in {:?}",
        payment.id,
        payment.status.as_ref().map_or("?", PaymentStatus::as_str),
        money(6500, Currency::USD),
        payment.http().elapsed.unwrap_or(Duration::ZERO),
    );

    let capture = client.payments().capture(&payment.id, ActionRequest::full().reference("CAPTURE-1"))?;
    println!("capture: {} accepted", capture.action_id);
    let now = client.payments().get(&payment.id)?;
    println!("status after capture: {}", now.status.as_ref().map_or("?", PaymentStatus::as_str));
    Ok(())
}
