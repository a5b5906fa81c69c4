//! The fields of a failed call: what the original SDK's `CheckoutSdkError` printed
//! (`http_status error_type elapsed request_id`), plus error codes and predicates; and the
//! recovery from a payment whose outcome is unknown: send the same request again with the key
//! the error hands back.

mod support;

use checkout_sdk::prelude::*;
use checkout_sdk_simulator::Fault;
use serde_json::json;
use support::{run, visa};

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

        // A payment whose every attempt reached the server but lost its answer (the local
        // sandbox drops the connection after processing, three times in a row).
        let Some(sim) = ex.simulator() else {
            println!("(the recovery demo needs the local sandbox's fault injection)");
            return Ok(());
        };
        for _ in 0..3 {
            sim.inject_next(Fault::DropAfterProcessing);
        }
        let request = PaymentRequest::builder(visa(), 2500, Currency::EUR).reference("ORD-RECOVER").build()?;
        let err = match payments.request(request.clone()).await {
            Ok(payment) => {
                println!("unexpected success: {}", payment.id);
                return Ok(());
            }
            Err(err) => err,
        };
        println!("{err}");
        println!("  may_have_been_processed={} attempts={}", err.may_have_been_processed(), err.attempts());
        // The documented recovery: never a new payment while one may exist; the same request,
        // with the same key, returns the first payment instead of charging again.
        if err.may_have_been_processed() {
            if let Some(key) = err.idempotency_key() {
                let mut again = request;
                again.idempotency_key = Some(key.clone());
                let payment = payments.request(again).await?;
                let replayed = payment.http().headers.get("cko-idempotent-replay") == Some("true");
                println!("recovered with key {key}: {} (replayed {replayed})", payment.id);
                println!("payments with reference ORD-RECOVER: {}", sim.payments_with_reference("ORD-RECOVER"));
            }
        }
        Ok(())
    })
}
