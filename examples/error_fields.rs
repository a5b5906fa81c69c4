//! What a failed call tells you: the fields the original SDK's `CheckoutSdkError` printed
//! (`http_status error_type elapsed request_id`), the error codes, what kind of failure it was
//! (`err.kind()`), and whether to retry. Then the recovery from a payment whose outcome is
//! unknown: send the same request again with the idempotency key the error hands back.
//!
//! ```text
//! cargo run --example error_fields
//! ```
//!
//! With no `CKO_SECRET_KEY` set, this runs offline against a simulation of Checkout.com's sandbox
//! (the `sandbox` feature), whose fault injection loses the answers for the recovery part; with
//! it set, against Checkout.com's sandbox (without the recovery part).

use checkout_sdk::prelude::*;
use checkout_sdk::simulator::Fault;

/// Prints what `e` says, one labelled line per group of fields.
fn describe(e: &Error) {
    println!("error: {e}");
    let kind = match e.kind() {
        ErrorKind::Validation(_) => "the API refused the request's content (422)",
        ErrorKind::NotFound(_) => "no such payment (404)",
        ErrorKind::Authentication(_) => "the key was refused (401)",
        ErrorKind::InvalidInput(_) => "refused before sending: nothing was sent",
        ErrorKind::Timeout { .. } | ErrorKind::Transport(_) => "no complete answer arrived",
        ErrorKind::Server(_) | ErrorKind::TooManyRequests(_) => "the API is failing or busy",
        _ => "another failure",
    };
    println!("  kind: {kind}");
    println!(
        "  http_status: {}, error_type: {}, error_codes: {}",
        e.http_status().map_or("-".into(), |s| s.to_string()),
        e.error_type().unwrap_or("-"),
        if e.error_codes().is_empty() { "-".into() } else { e.error_codes().join(", ") },
    );
    println!(
        "  request_id: {}, api_version: {}, elapsed: {:?}",
        e.request_id().unwrap_or("-"),
        e.api_version().unwrap_or("-"),
        e.elapsed().unwrap_or_default(),
    );
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    println!(
        "  retryable: {}, may have been processed: {}, invalid input: {}, attempts: {}",
        yes_no(e.is_retryable()),
        yes_no(e.may_have_been_processed()),
        yes_no(e.is_invalid_input()),
        e.attempts(),
    );
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env_or_local_sandbox().await?;
    let payments = client.payments();

    // A card number that fails the Luhn check: the API answers 422.
    let card = CardSource::new("4242424242424241", 6, 2030)?.cvv("100")?;
    let request = PaymentRequest::builder(card, 100, Currency::USD).reference("pay_ref").build()?;
    if let Err(e) = payments.request(request).await {
        describe(&e);
    }
    // A payment that does not exist: 404.
    if let Err(e) = payments.get("pay_aaaaaaaaaaaaaaaaaaaaaaaaaa").await {
        describe(&e);
    }
    // An id that could escape its URL path: refused before anything is sent.
    if let Err(e) = payments.get("pay_../../customers").await {
        describe(&e);
    }

    // A payment whose every attempt reached the server but lost its answer: the local sandbox
    // processes it, then drops the connection, three times in a row.
    let Some(sandbox) = client.local_sandbox() else {
        println!("(the recovery part needs the local sandbox's fault injection: unset CKO_SECRET_KEY)");
        return Ok(());
    };
    for _ in 0..3 {
        sandbox.inject_next(Fault::DropAfterProcessing);
    }
    let card = CardSource::new("4242424242424242", 6, 2030)?.cvv("100")?;
    let request = PaymentRequest::builder(card, 2500, Currency::EUR).reference("ORD-RECOVER").build()?;
    let Err(err) = payments.request(request.clone()).await else {
        return Err("the payment should have failed".into());
    };
    describe(&err);

    // Never a new payment while one may exist: the same request with the same key returns the
    // first payment instead of charging again.
    if err.may_have_been_processed() {
        if let Some(key) = err.idempotency_key() {
            let mut again = request;
            again.idempotency_key = Some(key.clone());
            let payment = payments.request(again).await?;
            let replayed = payment.http().headers.get("cko-idempotent-replay") == Some("true");
            println!(
                "recovered with key {key}: {} for {} (replayed: {})",
                payment.id,
                Currency::EUR.format_amount(2500),
                if replayed { "yes" } else { "no" }
            );
            println!("payments with reference ORD-RECOVER: {}", sandbox.payments_with_reference("ORD-RECOVER"));
        }
    }
    Ok(())
}
