//! Pay again with the source id (`src_...`) returned by an earlier card payment.

mod support;

use checkout_sdk::prelude::*;
use serde_json::json;
use support::{run, visa};

fn main() -> std::process::ExitCode {
    run(|ex| async move {
        let payments = ex.client.payments();
        let first =
            payments.request(PaymentRequest::builder(visa(), 100, Currency::USD).reference("first").build()?).await?;
        let source_id = first
            .source
            .as_ref()
            .and_then(|s| s.id.clone())
            .ok_or_else(|| InvalidInput::Request("no source id returned".into()))?;
        println!("stored source: {source_id}");

        // `id` starting `src_` means an id source; `cvv` is a source attribute.
        let source = PaymentSource::infer(json!({"id": source_id.as_str(), "cvv": "100"}))?;
        let request = PaymentRequest::builder(source, 100, "usd".parse()?).reference("pay_ref").build()?;
        match payments.request(request).await {
            Ok(payment) => println!("{}", payment.id),
            Err(e) => println!("{:?} {:?} {:?} {:?}", e.http_status(), e.error_type(), e.elapsed(), e.request_id()),
        }
        Ok(())
    })
}
