//! Authenticate with OAuth client credentials instead of a secret key: the client exchanges them
//! for an access token, caches it and refreshes it when it expires.
//!
//! Runs against Checkout.com with `CKO_OAUTH_CLIENT_ID`, `CKO_OAUTH_CLIENT_SECRET` and
//! `CKO_PROCESSING_CHANNEL_ID` set (and `CKO_ENVIRONMENT_SUBDOMAIN`), or offline against the
//! embedded sandbox, which serves the token exchange on its own `/connect/token`.

use checkout_sdk::core::credentials::scopes;
use checkout_sdk::prelude::*;
use checkout_sdk::simulator::Simulator;

/// An access key id and secret the local sandbox accepts (Checkout.com would refuse them).
const LOCAL_CLIENT_ID: &str = "ack_simulatorclientxxxxxxxxxxx";
const LOCAL_CLIENT_SECRET: &str = "local-sandbox-secret";

#[tokio::main]
async fn main() -> Result<(), Error> {
    // With OAuth credentials in the environment, use them. Otherwise use the sandbox at
    // `CKO_BASE_URL` (a `checkout-sandbox` started elsewhere), or start the local sandbox and keep
    // it running as long as `_sandbox` lives.
    let local = |base: &str| {
        Client::builder()
            .oauth(LOCAL_CLIENT_ID, LOCAL_CLIENT_SECRET)
            .scopes([scopes::GATEWAY, scopes::PAYOUTS])
            .base_url(base)
            .processing_channel(checkout_sdk::LOCAL_PROCESSING_CHANNEL)
            .build()
    };
    let (client, _sandbox) = if std::env::var_os("CKO_OAUTH_CLIENT_ID").is_some() {
        (Client::from_env()?, None)
    } else if let Ok(base) = std::env::var("CKO_BASE_URL") {
        (local(base.trim())?, None)
    } else {
        let sandbox = Client::local_sandbox_with(Simulator::new()).await?;
        (local(sandbox.config().environment().base_url())?, Some(sandbox))
    };
    println!("token endpoint: {}", client.config().environment().token_url());

    let payments = client.payments();
    let usd = Currency::USD;
    let card = CardSource::new("4242424242424242", 6, 2030)?.cvv("100")?;
    let payment = payments.request(PaymentRequest::builder(card, 1_999, usd).reference("OAUTH-1").build()?).await?;
    println!(
        "payment: {} for {} ({})",
        payment.id,
        usd.format_amount(1_999),
        payment.status.as_ref().map_or("?", PaymentStatus::as_str)
    );
    let read = payments.get(&payment.id).await?;
    println!("read back: {} ({})", read.id, read.status.as_ref().map_or("?", PaymentStatus::as_str));
    println!("tokens fetched: {}", client.tokens_fetched());
    Ok(())
}
