//! Request a payment with full card details (needs PCI SAQ-D and enablement on your account).

mod support;

use checkout_sdk::prelude::*;
use serde_json::json;
use support::run;

fn main() -> std::process::ExitCode {
    run(|ex| async move {
        // `number` present means a card source.
        let source = PaymentSource::infer(json!({
            "number": "4242424242424242", "expiry_month": 6, "expiry_year": 2030, "cvv": "100"
        }))?;
        let request = PaymentRequest::builder(source, 100, "usd".parse()?).reference("pay_ref").build()?;
        match ex.client.payments().request(request).await {
            Ok(payment) => {
                println!("{}", payment.id);
                println!("{}", payment.is_pending()); // false
                println!("{}", payment.body()); // JSON body
            }
            Err(e) => println!("{:?} {:?} {:?} {:?}", e.http_status(), e.error_type(), e.elapsed(), e.request_id()),
        }
        Ok(())
    })
}
