//! The facade's blocking client (feature `blocking`): a payment's lifecycle over ureq against the
//! sandbox server, retries with the same idempotency key, settings from variables, and no secret
//! in its `Debug` or errors.

use std::time::Duration;

use checkout_sdk::blocking::Client;
use checkout_sdk::prelude::{ActionRequest, CardSource, Currency, PaymentRequest, PaymentStatus, RetryPolicy};
use checkout_sdk::{LOCAL_PROCESSING_CHANNEL, LOCAL_SANDBOX_KEY};
use checkout_sdk_sandbox::SandboxServer;
use checkout_sdk_simulator::Fault;

/// The sandbox server on a runtime of its own, as a blocking program would run next to it.
fn sandbox() -> (SandboxServer, tokio::runtime::Runtime) {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let server = runtime.block_on(checkout_sdk_sandbox::start()).unwrap();
    (server, runtime)
}

fn client(server: &SandboxServer) -> Client {
    Client::builder()
        .secret_key(LOCAL_SANDBOX_KEY)
        .base_url(&server.base_url())
        .processing_channel(LOCAL_PROCESSING_CHANNEL)
        .timeout(Duration::from_secs(10))
        .no_proxy()
        .build()
        .unwrap()
}

fn visa_payment(amount: u64, reference: &str) -> PaymentRequest {
    let card = CardSource::new("4242424242424242", 6, 2030).unwrap().cvv("100").unwrap();
    PaymentRequest::builder(card, amount, Currency::USD).reference(reference).build().unwrap()
}

#[test]
fn a_payment_is_requested_captured_and_read_back_without_async() {
    let (server, _runtime) = sandbox();
    let client = client(&server);
    let payments = client.payments();

    let payment = payments.request(visa_payment(6500, "ORD-BLOCKING")).unwrap();
    assert!(payment.is_approved(), "{:?}", payment.outcome());
    let capture = payments.capture(&payment.id, ActionRequest::full().reference("CAPTURE")).unwrap();
    assert!(capture.action_id.as_str().starts_with("act_"));
    let now = payments.get(&payment.id).unwrap();
    assert_eq!(now.status, Some(PaymentStatus::Captured));
    assert_eq!(server.simulator().payments_with_reference("ORD-BLOCKING"), 1);
}

#[test]
fn a_failed_attempt_is_retried_with_the_same_idempotency_key_and_charges_once() {
    let (server, _runtime) = sandbox();
    let client = client(&server);
    // Processed, then the connection dropped: the retry must replay, not charge again.
    server.simulator().inject_next(Fault::DropAfterProcessing);

    let payment = client.payments().request(visa_payment(1000, "ORD-RETRY")).unwrap();

    assert!(payment.is_approved());
    assert_eq!(server.simulator().payments_with_reference("ORD-RETRY"), 1, "charged exactly once");
    assert_eq!(client.retry_policy(), &RetryPolicy::default());
}

#[test]
fn with_retries_off_the_failure_says_the_payment_may_exist() {
    let (server, _runtime) = sandbox();
    let client = Client::builder()
        .secret_key(LOCAL_SANDBOX_KEY)
        .base_url(&server.base_url())
        .processing_channel(LOCAL_PROCESSING_CHANNEL)
        .retry_policy(RetryPolicy::none())
        .no_proxy()
        .build()
        .unwrap();
    server.simulator().inject_next(Fault::DropAfterProcessing);

    let error = client.payments().request(visa_payment(1000, "ORD-NO-RETRY")).unwrap_err();

    assert!(error.may_have_been_processed(), "{error}");
    assert!(error.idempotency_key().is_some(), "{error}");
}

#[test]
fn settings_come_from_variables_and_mistakes_never_repeat_secrets() {
    let key = "sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e";
    let vars = |pairs: &'static [(&'static str, &'static str)]| {
        move |name: &str| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| (*v).to_owned())
    };
    let client = checkout_sdk::blocking::ClientBuilder::from_vars(vars(&[
        ("CKO_SECRET_KEY", "sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e"),
        ("CKO_ENVIRONMENT", "production"),
    ]))
    .build()
    .unwrap();
    assert_eq!(client.config().environment().base_url(), "https://api.checkout.com/");
    assert!(!format!("{client:?}").contains("m73dzbpy"), "{client:?}");

    let error = checkout_sdk::blocking::ClientBuilder::from_vars(vars(&[])).build().unwrap_err();
    assert!(error.is_invalid_input(), "{error}");

    let builder = Client::builder().secret_key(key).proxy("http://shop:pr0xy-pass@proxy.corp:3128");
    assert!(!format!("{builder:?}").contains("pr0xy-pass"), "{builder:?}");
    let error = Client::builder().secret_key(key).proxy("not a url :// at all").build().unwrap_err();
    assert!(error.is_invalid_input() && !error.to_string().contains("not a url"), "{error}");
    let error = Client::builder().secret_key("sk_nope_m73dzbpy").build().unwrap_err();
    assert!(!format!("{error} {error:?}").contains("m73dzbpy"), "{error:?}");
}

#[test]
fn plain_http_to_the_network_is_refused_before_sending() {
    let error = Client::builder().secret_key(LOCAL_SANDBOX_KEY).base_url("http://api.checkout.com/").build();
    assert!(error.is_err_and(|e| e.is_invalid_input()));
}
