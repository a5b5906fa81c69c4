//! Handle every outcome of a payment request: pending (with redirect), flagged, successful and
//! declined. Four requests trigger each one in the sandbox.

mod support;

use checkout_sdk::prelude::*;
use support::{card, run, visa};

fn main() -> std::process::ExitCode {
    run(|ex| async move {
        let cases = [
            ("3DS payment", PaymentRequest::builder(visa(), 100, Currency::USD).three_ds(true)),
            // The simulator flags approved amounts ending in 77.
            ("risky payment", PaymentRequest::builder(visa(), 1077, Currency::USD)),
            ("ordinary payment", PaymentRequest::builder(visa(), 100, Currency::USD)),
            // A test card that the sandbox declines with 20051 (insufficient funds).
            ("declined card", PaymentRequest::builder(card("4544249167673670", "100"), 100, Currency::USD)),
        ];
        for (name, builder) in cases {
            let payment = ex.client.payments().request(builder.reference(name).build()?).await?;
            println!("{name}:");
            // The original SDK's "considering all cases", as one match.
            match payment.outcome() {
                Outcome::Pending { redirect } => {
                    println!("Payment pending...");
                    if let Some(link) = redirect {
                        println!("Required Redirection...");
                        println!("Click here: {}", link.href);
                    }
                }
                Outcome::Flagged => println!("Payment Flagged"),
                Outcome::Approved => println!("Payment Successful"),
                Outcome::Declined { response_code, response_summary } => {
                    let family = response_code.as_ref().map(ResponseCode::family);
                    println!(
                        "Payment Declined: {} {} ({family:?})",
                        response_code.as_ref().map_or("-", ResponseCode::as_str),
                        response_summary.as_deref().unwrap_or("-"),
                    );
                }
                other => println!("Unexpected outcome: {other:?}"),
            }
        }
        Ok(())
    })
}
