//! Search payments with Checkout.com's query language, in a period: one page, then every page
//! (the SDK follows the `next` links).
//!
//! Runs against Checkout.com with `CKO_SECRET_KEY` (and `CKO_PROCESSING_CHANNEL_ID`) set, or
//! offline against the embedded sandbox when no credentials are set.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use checkout_sdk::core::request::PaymentSearchRequest;
use checkout_sdk::prelude::*;

/// `secs` since the epoch as an ISO 8601 date and time in UTC.
fn iso8601(secs: u64) -> String {
    let (days, in_day) = (secs / 86_400, secs % 86_400);
    // Howard Hinnant's civil-from-days.
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", in_day / 3600, in_day % 3600 / 60, in_day % 60)
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let client = Client::from_env_or_local_sandbox().await?;
    let payments = client.payments();
    let usd = Currency::USD;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO);
    let reference = format!("SHOP-{}", now.as_nanos());

    // Four approved payments and three declined ones (amounts ending in 05 are declined).
    for amount in [1_000, 1_105, 2_000, 2_205, 3_000, 3_305, 4_000] {
        let card = CardSource::new("4242424242424242", 6, 2030)?.cvv("100")?;
        payments.request(PaymentRequest::builder(card, amount, usd).reference(&reference).build()?).await?;
    }

    let search = || {
        PaymentSearchRequest::new(format!("reference:'{reference}' AND status:'Authorized'"))
            .limit(3)
            .from(iso8601(now.as_secs().saturating_sub(3600)))
            .to(iso8601(now.as_secs() + 3600))
    };
    let page = payments.search(search()).await?;
    println!(
        "first page: {} payments, next page {}",
        page.data.len(),
        page.next.as_ref().map_or("none", |link| link.href.as_str())
    );
    let all = payments.search_all(search()).await?;
    for payment in &all {
        println!(
            "  {} {} {}",
            payment.id,
            usd.format_amount(payment.amount.unwrap_or_default()),
            payment.status.as_ref().map_or("?", PaymentStatus::as_str)
        );
    }
    let total: u64 = all.iter().filter_map(|p| p.amount).sum();
    println!("authorized: {} payments, {} in all", all.len(), usd.format_amount(total));
    Ok(())
}
