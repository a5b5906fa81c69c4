//! Pay money out to a bank account, then follow the payout from `Pending` to `Paid`.
//!
//! Runs against Checkout.com with `CKO_SECRET_KEY` and `CKO_PROCESSING_CHANNEL_ID` set (and
//! `CKO_CURRENCY_ACCOUNT_ID`, the currency account to pay from), or offline against the embedded
//! sandbox when no credentials are set.

use std::time::Duration;

use checkout_sdk::core::request::{AccountHolder, BankAccountDestination, PayoutRequest, PayoutSource};
use checkout_sdk::prelude::*;

#[tokio::main]
async fn main() -> Result<(), Error> {
    let client = Client::from_env_or_local_sandbox().await?;
    let payments = client.payments();
    let gbp = Currency::GBP;
    let account =
        std::env::var("CKO_CURRENCY_ACCOUNT_ID").unwrap_or_else(|_| "ca_y3oqhf46pyzuxjbcn2giaqnb44".to_string());

    let destination = BankAccountDestination::new("GB")
        .account_number("13654567")
        .bank_code("050389")
        .account_holder(AccountHolder::individual("Ann", "Lee"));
    let request = PayoutRequest::builder(destination, 25_000, gbp)
        .source(PayoutSource::currency_account(account))
        .reference("WITHDRAWAL-77")
        .build()?;
    let payout = payments.payout(request).await?;
    println!(
        "payout: {} of {} ({})",
        payout.id,
        gbp.format_amount(25_000),
        payout.status.as_ref().map_or("?", |s| s.as_str())
    );
    if let Some(date) = payout.instruction.as_ref().and_then(|i| i.value_date.as_deref()) {
        println!("expected on: {date}");
    }

    // Payouts settle later: read it back until it is no longer pending (a few seconds offline).
    let mut status = String::from("Pending");
    for _ in 0..40 {
        let read = payments.get(payout.id.as_str()).await?;
        status = read.status.as_ref().map_or("?", PaymentStatus::as_str).to_string();
        if status != "Pending" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    println!("now: {status}");
    Ok(())
}
