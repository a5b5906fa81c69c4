//! 3-D Secure with the N3D downgrade option: amount 5000 simulates a 3DS malfunction (20153)
//! in the sandbox, and `attempt_n3d` lets the payment go through without 3DS.

mod support;

use checkout_sdk::prelude::*;
use support::{run, visa};

fn main() -> std::process::ExitCode {
    run(|ex| async move {
        let request = PaymentRequest::builder(visa(), 5000, "usd".parse()?)
            .reference("pay_ref")
            .three_ds(ThreeDs::with_n3d_fallback()) // {"enabled": true, "attempt_n3d": true}
            .build()?;
        match ex.client.payments().request(request).await {
            Ok(payment) => {
                println!("{}", payment.is_pending()); // false
                println!("{}", payment.three_ds.as_ref().and_then(|t| t.downgraded).unwrap_or(false)); // true
                println!("{}", payment.id);
            }
            Err(e) => println!("{:?} {:?} {:?} {:?}", e.http_status(), e.error_type(), e.elapsed(), e.request_id()),
        }
        Ok(())
    })
}
