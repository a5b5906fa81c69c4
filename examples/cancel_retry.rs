//! Cancel the retry Checkout.com scheduled for a declined merchant-initiated payment (a
//! subscription renewal the customer has since cancelled).
//!
//! Runs against Checkout.com with `CKO_SECRET_KEY` (and `CKO_PROCESSING_CHANNEL_ID`) set, on an
//! account with retries enabled, or offline against the embedded sandbox when no credentials are
//! set: there, a recurring payment of an amount ending in 51 is declined for insufficient funds
//! and gets a retry.

use checkout_sdk::core::request::{CancellationRequest, DunningRetry, PaymentRetry};
use checkout_sdk::prelude::*;

#[tokio::main]
async fn main() -> Result<(), Error> {
    let client = Client::from_env_or_local_sandbox().await?;
    let payments = client.payments();
    let gbp = Currency::GBP;

    let card = CardSource::new("4242424242424242", 6, 2030)?.cvv("100")?;
    let renewal = PaymentRequest::builder(card, 1_051, gbp)
        .payment_type(PaymentType::Recurring)
        .merchant_initiated(true)
        .reference("SUB-1001-MARCH")
        .retry(PaymentRetry::new().dunning(DunningRetry::enabled().max_attempts(3).end_after_days(7)))
        .build()?;
    let payment = payments.request(renewal).await?;
    println!(
        "renewal: {} for {}: {} ({})",
        payment.id,
        gbp.format_amount(1_051),
        payment.status.as_ref().map_or("?", PaymentStatus::as_str),
        payment.response_code.as_ref().map_or("?", |c| c.as_str())
    );
    let next = payment.retry.as_ref().and_then(|retry| retry.next_attempt_on.as_deref());
    println!("next attempt on: {}", next.unwrap_or("none scheduled"));

    match payments.cancel_scheduled_retry(&payment.id, CancellationRequest::new().reference("SUB-1001-CANCELLED")).await
    {
        Ok(cancelled) => {
            let after = payments.get(&payment.id).await?;
            println!(
                "retry cancelled: {}, payment now {}",
                cancelled.action_id,
                after.status.as_ref().map_or("?", PaymentStatus::as_str)
            );
        }
        Err(e) if matches!(e.kind(), ErrorKind::NotAllowed(_)) => println!("no retry to cancel: {e}"),
        Err(e) => return Err(e),
    }
    Ok(())
}
