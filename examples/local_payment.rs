//! Pay with a local payment method (iDEAL here). Its `type` must be given, with the fields that
//! method needs; the payment is pending until the customer completes it on their bank's page.
//!
//! ```text
//! cargo run --example local_payment
//! ```
//!
//! With no `CKO_SECRET_KEY` set, this runs offline against a simulation of Checkout.com's sandbox
//! (the `sandbox` feature), which also plays the customer at their bank; with it set, against
//! Checkout.com's sandbox.

use checkout_sdk::prelude::*;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env_or_local_sandbox().await?;

    let ideal = AlternativeSource::new("ideal").field("bic", "INGBNL2A").field("description", "test ideal description");
    let request = PaymentRequest::builder(ideal, 100, Currency::EUR).reference("pay_apm_ref").build()?;
    let payment = client.payments().request(request).await?;

    println!("payment: {}", payment.id);
    println!("status: {}", payment.status.as_ref().map_or("-", PaymentStatus::as_str));
    println!("pending: {}", if payment.is_pending() { "yes" } else { "no" });
    println!("requires redirect: {}", if payment.requires_redirect() { "yes" } else { "no" });
    if let Some(link) = payment.redirect_link() {
        println!("send the customer to: {}", link.href);
    }
    if let Some(customer) = payment.customer.as_ref().and_then(|c| c.id.as_ref()) {
        println!("customer: {customer}");
    }

    // Offline, the local sandbox plays the customer, who approves the payment at their bank.
    if let Some(sandbox) = client.local_sandbox() {
        sandbox.complete_redirect(payment.id.as_str(), true)?;
        let after = client.payments().get(&payment.id).await?;
        println!("after the bank: {}", after.status.as_ref().map_or("-", PaymentStatus::as_str));
    }
    Ok(())
}
