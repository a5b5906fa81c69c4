//! Request a payment with a card token from Frames or a mobile SDK (single use, 15 minutes).

mod support;

use checkout_sdk::prelude::*;
use serde_json::json;
use support::run;

fn main() -> std::process::ExitCode {
    run(|ex| async move {
        let token = ex.card_token()?;
        // No `type`: `token` present means a token source.
        let source = PaymentSource::infer(json!({
            "token": token,
            "billing_address": {"address_line1": "Checkout.com", "city": "London", "zip": "W1T 4TJ", "country": "GB"},
            "phone": {"country_code": "+44", "number": "2071234567"},
        }))?;
        let request = PaymentRequest::builder(source, 100, "usd".parse()?).reference("pay_ref").build()?;
        match ex.client.payments().request(request).await {
            Ok(payment) => println!("{}", payment.id),
            Err(e) => println!("{:?} {:?} {:?} {:?}", e.http_status(), e.error_type(), e.elapsed(), e.request_id()),
        }
        Ok(())
    })
}
