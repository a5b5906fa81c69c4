//! Pay with an existing customer's default source, by customer id (`cus_...`) or by email.

mod support;

use checkout_sdk::prelude::*;
use serde_json::json;
use support::{run, visa};

fn main() -> std::process::ExitCode {
    run(|ex| async move {
        let payments = ex.client.payments();
        // A first card payment creates the customer (and stores the card as their source).
        let first = PaymentRequest::builder(visa(), 100, Currency::USD)
            .reference("first")
            .customer(Customer::new().email("user@checkout.com").name("Jane Doe"))
            .build()?;
        let first = payments.request(first).await?;
        let customer_id = first
            .customer
            .as_ref()
            .and_then(|c| c.id.clone())
            .ok_or_else(|| InvalidInput::Request("no customer id returned".into()))?;
        println!("customer: {customer_id}");

        for source in [json!({"id": customer_id.as_str()}), json!({"email": "user@checkout.com"})] {
            // `id` starting `cus_`, or `email`, means a customer source.
            let source = PaymentSource::infer(source)?;
            let request = PaymentRequest::builder(source, 100, "usd".parse()?).reference("pay_ref").build()?;
            match payments.request(request).await {
                Ok(payment) => println!("{}", payment.id),
                Err(e) => println!("{:?} {:?} {:?} {:?}", e.http_status(), e.error_type(), e.elapsed(), e.request_id()),
            }
        }
        Ok(())
    })
}
