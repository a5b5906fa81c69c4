//! Get a payment by payment id (`pay_...`) or by session id (`sid_...`, from a 3DS redirect).

mod support;

use checkout_sdk::prelude::*;
use support::{run, visa};

fn main() -> std::process::ExitCode {
    run(|ex| async move {
        let payments = ex.client.payments();
        let secure = payments
            .request(PaymentRequest::builder(visa(), 100, Currency::USD).reference("pay_ref").three_ds(true).build()?)
            .await?;

        match payments.get(secure.id.as_str()).await {
            Ok(payment) => println!(
                "by payment id: {} ({})",
                payment.id,
                payment.status.as_ref().map_or("?", PaymentStatus::as_str)
            ),
            Err(e) => println!("{:?} {:?} {:?} {:?}", e.http_status(), e.error_type(), e.elapsed(), e.request_id()),
        }

        // The session id is the last segment of the redirect link.
        let session = secure.redirect_link().and_then(|l| l.href.rsplit('/').next()).unwrap_or_default().to_string();
        match payments.get(session.as_str()).await {
            Ok(payment) => println!("by session id {session}: {}", payment.id),
            Err(e) => println!("{:?} {:?} {:?} {:?}", e.http_status(), e.error_type(), e.elapsed(), e.request_id()),
        }
        Ok(())
    })
}
