//! List the payments of one order reference, newest first: a page at a time, then every page.
//!
//! Runs against Checkout.com with `CKO_SECRET_KEY` (and `CKO_PROCESSING_CHANNEL_ID`) set, or
//! offline against the embedded sandbox when no credentials are set.

use checkout_sdk::core::request::PaymentListQuery;
use checkout_sdk::prelude::*;

#[tokio::main]
async fn main() -> Result<(), Error> {
    let client = Client::from_env_or_local_sandbox().await?;
    let payments = client.payments();
    let usd = Currency::USD;
    // A reference of its own for this run, so that earlier runs do not show up.
    let run = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let reference = format!("ORD-{run}");

    for amount in [1_000, 2_000, 3_000, 4_000, 5_000] {
        let card = CardSource::new("4242424242424242", 6, 2030)?.cvv("100")?;
        payments.request(PaymentRequest::builder(card, amount, usd).reference(&reference).build()?).await?;
    }

    let page = payments.list(PaymentListQuery::new(&reference).limit(2)).await?;
    println!(
        "page 1: {} of {} payments (limit {}, skip {})",
        page.data.len(),
        page.total_count.unwrap_or_default(),
        page.limit.unwrap_or_default(),
        page.skip.unwrap_or_default()
    );
    for payment in &page.data {
        println!("  {} {}", payment.id, usd.format_amount(payment.amount.unwrap_or_default()));
    }

    let all = payments.list_all(PaymentListQuery::new(&reference).limit(2)).await?;
    let total: u64 = all.iter().filter_map(|p| p.amount).sum();
    println!("every page: {} payments, {} in all", all.len(), usd.format_amount(total));
    Ok(())
}
