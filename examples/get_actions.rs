//! List a payment's actions (newest first).

mod support;

use checkout_sdk::prelude::*;
use support::{run, visa};

fn main() -> std::process::ExitCode {
    run(|ex| async move {
        let payments = ex.client.payments();
        let payment =
            payments.request(PaymentRequest::builder(visa(), 1000, Currency::USD).reference("ORD-1").build()?).await?;
        payments.capture(&payment.id, ActionRequest::new().amount(600).reference("CAPTURE-1")).await?;
        payments.capture(&payment.id, ActionRequest::new().amount(400).reference("CAPTURE-2")).await?;

        match payments.actions(&payment.id).await {
            Ok(actions) => {
                for action in actions.iter() {
                    println!("{}", action.id);
                    println!("{}", action.action_type);
                    println!("{}", action.response_code.as_ref().map_or("-", ResponseCode::as_str));
                    println!("{}", action.reference.as_deref().unwrap_or("-"));
                }
            }
            Err(e) => println!("{:?} {:?} {:?} {:?}", e.http_status(), e.error_type(), e.elapsed(), e.request_id()),
        }
        Ok(())
    })
}
