//! A 3-D Secure payment: pending, with a redirect to the card issuer's challenge (ACS).

mod support;

use checkout_sdk::prelude::*;
use support::{run, visa};

fn main() -> std::process::ExitCode {
    run(|ex| async move {
        let request = PaymentRequest::builder(visa(), 100, "usd".parse()?)
            .reference("pay_ref")
            .three_ds(true) // shortcut for {"enabled": true}
            .build()?;
        match ex.client.payments().request(request).await {
            Ok(payment) => {
                println!("{}", payment.is_pending()); // true (always check this first)
                println!("{}", payment.requires_redirect()); // true
                println!("{}", payment.redirect_link().map_or("-", |l| l.href.as_str())); // ACS url
                println!("{}", payment.id);
                println!("{}", payment.body());
            }
            Err(e) => println!("{:?} {:?} {:?} {:?}", e.http_status(), e.error_type(), e.elapsed(), e.request_id()),
        }
        Ok(())
    })
}
