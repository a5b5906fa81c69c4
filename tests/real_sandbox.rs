//! Against Checkout.com's real sandbox, only when `CKO_SECRET_KEY` is set (the account must allow
//! full card details); otherwise every test here returns at once, printing that it was skipped.
//! `CKO_ENVIRONMENT` and `CKO_BASE_URL` are honoured, so the same test can target a local
//! `checkout-sandbox` server.

use checkout_sdk::prelude::*;

fn client_or_skip(test: &str) -> Option<Client> {
    if std::env::var("CKO_SECRET_KEY").map_or(true, |k| k.is_empty()) {
        eprintln!("skipped {test}: CKO_SECRET_KEY is not set");
        return None;
    }
    Some(Client::from_env().expect("CKO_SECRET_KEY, CKO_ENVIRONMENT and CKO_BASE_URL are valid"))
}

fn reference(tag: &str) -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    format!("rust-sdk-{tag}-{}", nanos % 1_000_000_000_000)
}

#[tokio::test]
async fn a_card_payment_is_authorised_captured_read_back_and_listed() {
    let Some(client) = client_or_skip("a_card_payment_is_authorised_captured_read_back_and_listed") else { return };
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
async fn an_unknown_payment_is_not_found_with_a_request_id() {
    let Some(client) = client_or_skip("an_unknown_payment_is_not_found_with_a_request_id") else { return };
    let err = client.payments().get("pay_aaaaaaaaaaaaaaaaaaaaaaaaaa").await.expect_err("no such payment");
    assert!(matches!(err.kind(), ErrorKind::NotFound(_)), "{err}");
    assert!(err.request_id().is_some(), "{err}");
}
