//! Void an authorised payment before it is captured.

mod support;

use checkout_sdk::prelude::*;
use support::{run, visa};

fn main() -> std::process::ExitCode {
    run(|ex| async move {
        let payments = ex.client.payments();
        let payment =
            payments.request(PaymentRequest::builder(visa(), 100, Currency::USD).reference("pay_ref").build()?).await?;
        match payments.void(&payment.id, VoidRequest::new().reference("VOID")).await {
            Ok(action) => {
                println!("{}", action.action_id);
                println!("{}", action.get_link("payment").map_or("-", |l| l.href.as_str()));
            }
            Err(e) => println!("{:?} {:?} {:?} {:?}", e.http_status(), e.error_type(), e.elapsed(), e.request_id()),
        }
        Ok(())
    })
}
