//! Keep one HTTP stack: send the SDK's requests through the `reqwest::Client` your service
//! already has (feature `reqwest`). Requests a payment and captures it.
//!
//! `cargo run --example reqwest_transport --features reqwest` (offline against the embedded
//! sandbox when no `CKO_SECRET_KEY` is set).

use std::time::Duration;

use checkout_sdk::prelude::*;
use checkout_sdk::reqwest::ReqwestTransport;

/// `6500 USD` as `65.00 USD`.
fn money(minor: u64, currency: Currency) -> String {
    let per_major = currency.minor_units_per_major();
    let digits = usize::from(currency.exponent());
    match digits {
        0 => format!("{minor} {currency}"),
        _ => format!("{}.{:0digits$} {currency}", minor / per_major, minor % per_major),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Your service's client (or reqwest::Client::builder()...): rustls with ring, no redirects.
    let http = ReqwestTransport::default_client_builder().user_agent("my-shop/1.0").build()?;
    let transport = ReqwestTransport::new(http).with_timeout(Duration::from_secs(30));

    // Credentials from CKO_SECRET_KEY, or the embedded local sandbox when none are set.
    let local = Client::from_env_or_local_sandbox().await?;
    let client = Client::builder().config(local.config().clone()).transport(transport).build()?;
    println!("transport: reqwest, against {}", client.config().environment().base_url());

    let card = CardSource::new("4242424242424242", 6, 2030)?.cvv("100")?;
    let request = PaymentRequest::builder(card, 6500, Currency::USD).reference("ORD-REQWEST-1").build()?;
    let payment = client.payments().request(request).await?;
    println!(
        "payment: {} {} for {} in {:?}",
        payment.id,
        payment.status.as_ref().map_or("?", PaymentStatus::as_str),
        money(6500, Currency::USD),
        payment.http().elapsed.unwrap_or_default(),
    );

    let capture = client.payments().capture(&payment.id, ActionRequest::full().reference("CAPTURE-1")).await?;
    println!("capture: {} accepted", capture.action_id);
    let now = client.payments().get(&payment.id).await?;
    println!("status after capture: {}", now.status.as_ref().map_or("?", PaymentStatus::as_str));
    Ok(())
}
