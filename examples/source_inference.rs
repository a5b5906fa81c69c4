//! The original SDK's untyped sources: `PaymentSource::infer` takes the JSON shape the Python SDK
//! took, and infers its `type` by the same rules: `number` means a card, `email` or an `id`
//! starting `cus_` a customer, `token` a token, an `id` starting `src_` a stored source. A source
//! whose type cannot be inferred is refused (the Python SDK's `ValueError`); an explicit `type`
//! is always taken as given, and validated by the API. Typed constructors (`CardSource::new`,
//! ...) are the other way in. Needs `cargo add serde_json`.
//!
//! ```text
//! cargo run --example source_inference
//! ```
//!
//! With no `CKO_SECRET_KEY` set, this runs offline against a simulation of Checkout.com's sandbox
//! (the `sandbox` feature); with it set, against Checkout.com's sandbox.

use checkout_sdk::prelude::*;
use serde_json::json;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let shapes = [
        ("`number`", json!({"number": "4242424242424242", "expiry_month": 6, "expiry_year": 2030, "cvv": "100"})),
        ("`email`", json!({"email": "user@checkout.com"})),
        ("`id` starting cus_", json!({"id": "cus_udst2tfldj6upmye2reztkmm4i"})),
        ("`token`", json!({"token": "tok_ubfj2q76miwundwlk72vxt2i7q"})),
        ("`id` starting src_", json!({"id": "src_wmlfc3zyhqzehihu7giusaaawu", "cvv": "100"})),
        ("`type` given", json!({"type": "ideal", "bic": "INGBNL2A", "description": "test ideal description"})),
        ("none of them", json!({"bic": "INGBNL2A"})),
    ];
    for (what, shape) in shapes {
        match PaymentSource::infer(shape) {
            Ok(source) => println!("{what} -> {}", source.source_type()),
            Err(e) => println!("{what} -> refused: {e}"),
        }
    }

    // An inferred source pays like a typed one.
    let client = Client::from_env_or_local_sandbox().await?;
    let source = PaymentSource::infer(json!({
        "number": "4242424242424242", "expiry_month": 6, "expiry_year": 2030, "cvv": "100"
    }))?;
    let request = PaymentRequest::builder(source, 100, "usd".parse()?).reference("pay_ref").build()?;
    let payment = client.payments().request(request).await?;
    println!(
        "payment with an inferred card source: {} ({}, {})",
        payment.id,
        payment.status.as_ref().map_or("-", PaymentStatus::as_str),
        Currency::USD.format_amount(100)
    );
    Ok(())
}
