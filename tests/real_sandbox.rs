//! Against Checkout.com's real sandbox. These tests need a sandbox secret key whose account
//! accepts full card details, so they are ignored by default and show as `ignored` in the test
//! count instead of passing without running. Run them with:
//!
//! ```text
//! CKO_SECRET_KEY=sk_sbox_... cargo test --test real_sandbox -- --ignored
//! ```
//!
//! Run with `--ignored` but without a key, they fail and say so. `CKO_ENVIRONMENT`,
//! `CKO_ENVIRONMENT_SUBDOMAIN`, `CKO_PROCESSING_CHANNEL_ID` and `CKO_BASE_URL` are honoured, so
//! the same tests can target a local `checkout-sandbox` server (`CKO_BASE_URL=http://127.0.0.1:8080`
//! with any well-formed sandbox key).

use checkout_sdk::prelude::*;

/// Why these tests are ignored, and what a run with `--ignored` needs.
const NEEDS_KEY: &str = "set CKO_SECRET_KEY to a Checkout.com sandbox secret key to run the real-sandbox tests";

/// The client of the real sandbox, from the environment; a run without a key fails, naming it.
fn client() -> Client {
    assert!(std::env::var("CKO_SECRET_KEY").is_ok_and(|k| !k.trim().is_empty()), "{NEEDS_KEY}");
    match Client::from_env() {
        Ok(client) => client,
        Err(e) => panic!("the CKO_ variables are not valid: {e}"),
    }
}

fn reference(tag: &str) -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    format!("rust-sdk-{tag}-{}", nanos % 1_000_000_000_000)
}

#[tokio::test]
#[ignore = "needs CKO_SECRET_KEY for Checkout.com's sandbox (run with --ignored)"]
async fn a_card_payment_is_authorised_captured_read_back_and_listed() {
    let client = client();
    let card = CardSource::new("4242424242424242", 6, 2030).and_then(|c| c.cvv("100")).expect("a test card");
    let request =
        PaymentRequest::builder(card, 1000, Currency::USD).reference(reference("lifecycle")).build().expect("request");
    let payment = client.payments().request(request).await.expect("the sandbox accepts the payment");
    assert_eq!(payment.outcome(), Outcome::Approved, "{:?}", payment.body());
    assert!(payment.request_id().is_some());
    assert!(payment.can_capture());

    let capture =
        client.payments().capture(&payment.id, ActionRequest::full().reference("capture")).await.expect("capture");
    assert!(capture.get_link("payment").is_some());
    let fetched = client.payments().get(&payment.id).await.expect("read back");
    assert_eq!(fetched.id, payment.id);
    let actions = client.payments().actions(&payment.id).await.expect("actions");
    assert!(actions.iter().any(|a| a.action_type == ActionType::Authorization));
}

#[tokio::test]
#[ignore = "needs CKO_SECRET_KEY for Checkout.com's sandbox (run with --ignored)"]
async fn an_unknown_payment_is_not_found_with_a_request_id() {
    let client = client();
    let err = client.payments().get("pay_aaaaaaaaaaaaaaaaaaaaaaaaaa").await.expect_err("no such payment");
    assert!(matches!(err.kind(), ErrorKind::NotFound(_)), "{err}");
    assert!(err.request_id().is_some(), "{err}");
}
