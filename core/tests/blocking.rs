//! The blocking driver of the call machine, with no async runtime anywhere: the same keys,
//! retries, budget and errors as the async client.

mod support;

use std::time::Duration;

use checkout_sdk_core::blocking::Client;
use checkout_sdk_core::error::ErrorKind;
use checkout_sdk_core::request::ActionRequest;
use checkout_sdk_core::retry::RetryPolicy;
use checkout_sdk_core::transport::{HttpResponse, TransportError};
use support::*;

fn status(code: u16) -> HttpResponse {
    HttpResponse::new(code, Vec::new())
}

fn steady() -> RetryPolicy {
    RetryPolicy::default().with_jitter(0.0)
}

#[test]
fn the_blocking_driver_retries_with_the_same_key_for_every_attempt() {
    let transport = ScriptedTransport::with([
        Err(TransportError::interrupted("reset")),
        Ok(status(503)),
        Ok(fixture_response(201, "payment_201_approved.json")),
    ]);
    let sleeper = RecordingSleeper::new();
    let client =
        Client::builder(sandbox_config(), transport.clone()).sleeper(sleeper.clone()).retry_policy(steady()).build();
    let payment = client.payments().request(card_payment()).expect("the third attempt succeeds");
    let keys = transport.idempotency_keys();
    assert_eq!(keys.len(), 3);
    let key = keys[0].clone().expect("a generated key");
    assert!(keys.iter().all(|k| k.as_deref() == Some(key.as_str())), "{keys:?}");
    assert_eq!(payment.idempotency_key().map(|k| k.as_str()), Some(key.as_str()));
    assert_eq!(sleeper.sleeps(), [Duration::from_millis(250), Duration::from_millis(500)]);
}

#[test]
fn the_blocking_driver_honours_the_total_budget() {
    // Each attempt times out after 400 ms; with a 1 s budget the third could not fit.
    let slow = || Err(TransportError::timed_out(Duration::from_millis(400)));
    let transport = ScriptedTransport::with([slow(), slow(), slow(), slow()]);
    let sleeper = RecordingSleeper::new();
    let policy = steady().with_max_retries(5).with_total_budget(Some(Duration::from_secs(1)));
    let client =
        Client::builder(sandbox_config(), transport.clone()).sleeper(sleeper.clone()).retry_policy(policy).build();
    let err = client.payments().capture(PAYMENT_ID, ActionRequest::full()).expect_err("out of time");
    assert!(err.is_timeout() && err.may_have_been_processed(), "{err:?}");
    assert_eq!((transport.sent(), err.attempts()), (2, 2));
    let requests = transport.requests();
    assert_eq!(requests[0].timeout, Some(Duration::from_secs(1)));
    assert_eq!(requests[1].timeout, Some(Duration::from_secs(1) - Duration::from_millis(400) - sleeper.sleeps()[0]));
    assert!(err.idempotency_key().is_some());
}

#[test]
fn a_blocking_client_without_a_sleeper_never_retries_but_keys_every_post() {
    let transport = ScriptedTransport::with([Ok(status(503))]);
    let client = Client::builder(sandbox_config(), transport.clone()).build();
    assert!(!client.retry_policy().is_enabled());
    let err = client.payments().request(card_payment()).expect_err("one 503");
    assert!(matches!(err.kind(), ErrorKind::Server(_)));
    assert_eq!(transport.sent(), 1);
    assert_eq!(err.idempotency_key().map(|k| k.as_str().to_string()), transport.idempotency_keys()[0]);
}

#[test]
fn a_blocking_get_with_a_bad_id_is_refused_before_sending() {
    let transport = ScriptedTransport::new();
    let client = Client::builder(sandbox_config(), transport.clone()).build();
    let err = client.payments().get("pay_../../x").expect_err("a bad id");
    assert!(err.is_invalid_input());
    assert_eq!(transport.sent(), 0);
    let payment = {
        transport.reply(fixture_response(200, "payment_200_get.json"));
        client.payments().get(PAYMENT_ID).expect("a payment")
    };
    assert_eq!(payment.id, PAYMENT_ID);
}
