//! Refund a captured payment (all of it, or part, with a reference).

mod support;

use checkout_sdk::prelude::*;
use support::{run, visa};

fn main() -> std::process::ExitCode {
    run(|ex| async move {
        let payments = ex.client.payments();
        let payment =
            payments.request(PaymentRequest::builder(visa(), 100, Currency::USD).reference("pay_ref").build()?).await?;
        payments.capture(&payment.id, ActionRequest::full()).await?;
        match payments.refund(&payment.id, ActionRequest::new().amount(100).reference("REFUND")).await {
            Ok(action) => {
                println!("{}", action.action_id);
                println!("{}", action.get_link("payment").map_or("-", |l| l.href.as_str()));
            }
            Err(e) => println!("{:?} {:?} {:?} {:?}", e.http_status(), e.error_type(), e.elapsed(), e.request_id()),
        }
        Ok(())
    })
}
