//! Handle every outcome of a payment request: pending (with a redirect), approved but flagged by
//! risk, approved, and declined. Four requests trigger one each in the sandbox; the messages are
//! those of the original SDK's "considering all cases".
//!
//! ```text
//! cargo run --example handle_outcomes
//! ```
//!
//! With no `CKO_SECRET_KEY` set, this runs offline against a simulation of Checkout.com's sandbox
//! (the `sandbox` feature); with it set, against Checkout.com's sandbox.

use checkout_sdk::prelude::*;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env_or_local_sandbox().await?;

    let visa = CardSource::new("4242424242424242", 6, 2030)?.cvv("100")?;
    // A test card that the sandbox declines with 20051 (insufficient funds).
    let declining = CardSource::new("4544249167673670", 6, 2030)?.cvv("100")?;
    let cases = [
        ("3DS payment", PaymentRequest::builder(visa.clone(), 100, Currency::USD).three_ds(true)),
        // The local sandbox flags approved amounts ending in 77 for review.
        ("risky payment", PaymentRequest::builder(visa.clone(), 1077, Currency::USD)),
        ("ordinary payment", PaymentRequest::builder(visa, 100, Currency::USD)),
        ("declined card", PaymentRequest::builder(declining, 100, Currency::USD)),
    ];
    for (case, builder) in cases {
        let payment = client.payments().request(builder.reference(case).build()?).await?;
        print!("{case}: ");
        match payment.outcome() {
            Outcome::Pending { redirect } => {
                println!("Payment pending...");
                if let Some(link) = redirect {
                    println!("  Required Redirection...");
                    println!("  Click here: {}", link.href);
                }
            }
            Outcome::Flagged => println!("Payment Flagged (approved, review it before you ship)"),
            Outcome::Approved => println!("Payment Successful"),
            Outcome::Declined { response_code, response_summary } => {
                let advice = match response_code.as_ref().map(ResponseCode::family) {
                    Some(ResponseCodeFamily::SoftDecline) => "soft decline: the same card may succeed later",
                    Some(ResponseCodeFamily::HardDecline) => "hard decline: do not retry this card",
                    Some(ResponseCodeFamily::Risk) => "blocked by risk rules",
                    _ => "declined",
                };
                println!(
                    "Payment Declined: {} {} ({advice})",
                    response_code.as_ref().map_or("-", ResponseCode::as_str),
                    response_summary.as_deref().unwrap_or("-"),
                );
            }
            other => println!("an outcome this program does not know: {other:?}"),
        }
    }
    Ok(())
}
