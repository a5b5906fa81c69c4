//! A local payment method (iDEAL): the `type` must be given; the response is pending with a
//! redirect to the bank.

mod support;

use checkout_sdk::prelude::*;
use serde_json::json;
use support::run;

fn main() -> std::process::ExitCode {
    run(|ex| async move {
        let source = PaymentSource::infer(json!({
            "type": "ideal",
            "bic": "INGBNL2A",
            "description": "test ideal description",
        }))?;
        let request = PaymentRequest::builder(source, 100, "eur".parse()?).reference("pay_apm_ref").build()?;
        match ex.client.payments().request(request).await {
            Ok(payment) => {
                println!("{}", payment.is_pending()); // true
                println!("{}", payment.requires_redirect()); // true
                println!("{}", payment.redirect_link().map_or("-", |l| l.href.as_str())); // APM url
                println!("{}", payment.id);
                println!("{}", payment.body());
            }
            Err(e) => println!("{:?} {:?} {:?} {:?}", e.http_status(), e.error_type(), e.elapsed(), e.request_id()),
        }
        Ok(())
    })
}
