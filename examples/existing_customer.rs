//! Pay with an existing customer's default source, by customer id (`cus_...`) or by email: after
//! one successful payment, the customer need not enter their card again.
//!
//! ```text
//! cargo run --example existing_customer
//! ```
//!
//! With no `CKO_SECRET_KEY` set, this runs offline against a simulation of Checkout.com's sandbox
//! (the `sandbox` feature); with it set, against Checkout.com's sandbox.

use checkout_sdk::prelude::*;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env_or_local_sandbox().await?;
    let payments = client.payments();

    // A first card payment creates the customer and stores the card as their default source.
    let card = CardSource::new("4242424242424242", 6, 2030)?.cvv("100")?;
    let first = PaymentRequest::builder(card, 100, Currency::USD)
        .reference("first")
        .customer(Customer::new().email("user@checkout.com").name("Jane Doe"))
        .build()?;
    let first = payments.request(first).await?;
    let customer_id = first.customer.as_ref().and_then(|c| c.id.clone()).ok_or("no customer id returned")?;
    println!("customer: {customer_id}");

    // Later: pay with the customer's default source, found by id or by email.
    let by_id = CustomerSource::id(customer_id);
    let by_email = CustomerSource::email("user@checkout.com");
    for (by, source) in [("id", by_id), ("email", by_email)] {
        let request = PaymentRequest::builder(source, 100, Currency::USD).reference("pay_ref").build()?;
        let payment = payments.request(request).await?;
        let status = payment.status.as_ref().map_or("-", PaymentStatus::as_str);
        println!("payment by customer {by}: {} ({status})", payment.id);
    }
    Ok(())
}
