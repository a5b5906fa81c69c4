//! The fields of a failed call: what the original SDK's `CheckoutSdkError` printed
//! (`http_status error_type elapsed request_id`), plus error codes and predicates.

mod support;

use checkout_sdk::prelude::*;
use serde_json::json;
use support::run;

fn main() -> std::process::ExitCode {
    run(|ex| async move {
        let payments = ex.client.payments();
        // A card number that fails the Luhn check: the API answers 422.
        let source = PaymentSource::infer(
            json!({"number": "4242424242424241", "expiry_month": 6, "expiry_year": 2030, "cvv": "100"}),
        )?;
        let request = PaymentRequest::builder(source, 100, Currency::USD).reference("pay_ref").build()?;
        let failed = [
            payments.request(request).await.map(|_| ()),
            payments.get("pay_aaaaaaaaaaaaaaaaaaaaaaaaaa").await.map(|_| ()),
            payments.get("pay_../../customers").await.map(|_| ()),
        ];
        for result in failed {
            let Err(e) = result else {
                println!("unexpected success");
                continue;
            };
            println!("{e}");
            println!(
                "  http_status={:?} error_type={:?} error_codes={:?} request_id={:?} api_version={:?} elapsed={:?}",
                e.http_status(),
                e.error_type(),
                e.error_codes(),
                e.request_id(),
                e.api_version(),
                e.elapsed()
            );
            println!(
                "  retryable={} may_have_been_processed={} invalid_input={}",
                e.is_retryable(),
                e.may_have_been_processed(),
                e.is_invalid_input()
            );
        }
        Ok(())
    })
}
