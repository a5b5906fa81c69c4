//! The client over a scripted transport: retries (idempotency keys, backoff, `Retry-After`, what
//! is and is not retried, the total budget), error mapping, and ids refused before sending.

mod support;

use std::time::Duration;

use checkout_sdk_core::client::Client;
use checkout_sdk_core::currency::Currency;
use checkout_sdk_core::error::{Error, ErrorKind, InvalidInput};
use checkout_sdk_core::id::IdempotencyKey;
use checkout_sdk_core::outcome::Outcome;
use checkout_sdk_core::request::{ActionRequest, PaymentRequest, VoidRequest};
use checkout_sdk_core::retry::RetryPolicy;
use checkout_sdk_core::source::TokenSource;
use checkout_sdk_core::transport::{HttpResponse, Method, TransportError, TransportErrorKind};
use support::*;

fn payment_request() -> PaymentRequest {
    PaymentRequest::builder(TokenSource::new("tok_ubfj2q76miwundwlk72vxt2i7q"), 100, Currency::USD)
        .reference("pay_ref")
        .build()
        .unwrap()
}

fn status(code: u16) -> HttpResponse {
    HttpResponse::new(code, Vec::new())
}

fn created() -> HttpResponse {
    fixture_response(201, "payment_201_approved.json")
}

/// A client that retries under `policy`, with a recording sleeper and counter randomness.
fn retrying(transport: &ScriptedTransport, sleeper: &RecordingSleeper, policy: RetryPolicy) -> Client {
    Client::builder(sandbox_config(), transport.clone())
        .sleeper(sleeper.clone())
        .randomness(Counter::new(1))
        .retry_policy(policy)
        .build()
}

/// The default policy, without jitter so waits are exact.
fn steady() -> RetryPolicy {
    RetryPolicy::default().with_jitter(0.0)
}

fn request_payment(client: &Client) -> Result<(), Error> {
    block_on(client.payments().request(payment_request())).map(drop)
}

#[test]
fn every_post_gets_one_generated_idempotency_key_for_all_its_attempts() {
    type Call = fn(&Client) -> Result<(), Error>;
    let cases: [(&str, Call, HttpResponse); 4] = [
        ("request", request_payment, created()),
        (
            "capture",
            |c| block_on(c.payments().capture(PAYMENT_ID, ActionRequest::new().amount(100))).map(drop),
            fixture_response(202, "capture_202_accepted.json"),
        ),
        (
            "refund",
            |c| block_on(c.payments().refund(PAYMENT_ID, ActionRequest::full())).map(drop),
            fixture_response(202, "refund_202_accepted.json"),
        ),
        (
            "void",
            |c| block_on(c.payments().void(PAYMENT_ID, VoidRequest::new().reference("VOID"))).map(drop),
            fixture_response(202, "void_202_accepted.json"),
        ),
    ];
    for (name, call, success) in cases {
        let transport = ScriptedTransport::with([Ok(status(503)), Ok(status(502)), Ok(success)]);
        let sleeper = RecordingSleeper::new();
        call(&retrying(&transport, &sleeper, RetryPolicy::default())).unwrap_or_else(|e| panic!("{name}: {e}"));
        let keys = transport.idempotency_keys();
        assert_eq!(keys.len(), 3, "{name}");
        let key = keys[0].clone().unwrap_or_else(|| panic!("{name}: no key generated"));
        assert!(keys.iter().all(|k| k.as_deref() == Some(key.as_str())), "{name}: {keys:?}");
        assert!(IdempotencyKey::new(key.as_str()).is_ok(), "{name}: {key}");
        assert!(key.starts_with("idk_") && key.len() == 30, "{name}: {key}");
        // Everything else about the attempts is identical too (the budget shrinks each timeout).
        let requests = transport.requests();
        for r in &requests {
            assert_eq!(
                (r.method, &r.url, &r.body),
                (requests[0].method, &requests[0].url, &requests[0].body),
                "{name}"
            );
            // The attempts share one body: the call machine clones the request without copying it.
            assert_eq!(r.body.as_ptr(), requests[0].body.as_ptr(), "{name}: the body was copied for a retry");
        }
        assert_eq!(sleeper.sleeps().len(), 2, "{name}");
    }
}

#[test]
fn each_call_gets_its_own_generated_key() {
    let transport =
        ScriptedTransport::with([Ok(created()), Ok(created()), Ok(fixture_response(202, "capture_202_accepted.json"))]);
    let client = retrying(&transport, &RecordingSleeper::new(), RetryPolicy::default());
    request_payment(&client).unwrap();
    request_payment(&client).unwrap();
    block_on(client.payments().capture(PAYMENT_ID, ActionRequest::full())).unwrap();
    let mut keys: Vec<String> = transport.idempotency_keys().into_iter().map(Option::unwrap).collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), 3, "{keys:?}");
}

#[test]
fn a_key_the_caller_set_is_kept_on_every_attempt() {
    let transport = ScriptedTransport::with([Ok(status(503)), Ok(created())]);
    let sleeper = RecordingSleeper::new();
    let client = retrying(&transport, &sleeper, RetryPolicy::default());
    let request = PaymentRequest::builder(TokenSource::new("tok_x"), 100, Currency::USD)
        .idempotency_key("order-5023".parse::<IdempotencyKey>().unwrap())
        .build()
        .unwrap();
    block_on(client.payments().request(request)).unwrap();
    assert_eq!(transport.idempotency_keys(), [Some("order-5023".to_string()), Some("order-5023".to_string())]);

    let transport = ScriptedTransport::with([Ok(status(500)), Ok(fixture_response(202, "capture_202_accepted.json"))]);
    let client = retrying(&transport, &sleeper, RetryPolicy::default());
    let capture = ActionRequest::full().idempotency_key("cap-7".parse().unwrap());
    block_on(client.payments().capture(PAYMENT_ID, capture)).unwrap();
    assert_eq!(transport.idempotency_keys(), [Some("cap-7".to_string()), Some("cap-7".to_string())]);
}

#[test]
fn gets_are_retried_without_a_key() {
    let transport = ScriptedTransport::with([
        Ok(status(503)),
        Err(transport_error(TransportErrorKind::Interrupted)),
        Ok(fixture_response(200, "payment_200_get.json")),
    ]);
    let sleeper = RecordingSleeper::new();
    let payment = block_on(retrying(&transport, &sleeper, RetryPolicy::default()).payments().get(PAYMENT_ID)).unwrap();
    assert_eq!(payment.id, PAYMENT_ID);
    assert_eq!(transport.idempotency_keys(), [None, None, None]);
    assert!(transport.requests().iter().all(|r| r.method == Method::Get));
    assert_eq!(sleeper.sleeps().len(), 2);
}

#[test]
fn two_503s_then_201_succeed_after_three_attempts_and_two_backoffs() {
    let transport = ScriptedTransport::with([Ok(status(503)), Ok(status(503)), Ok(created())]);
    let sleeper = RecordingSleeper::new();
    let payment = block_on(retrying(&transport, &sleeper, steady()).payments().request(payment_request())).unwrap();
    assert_eq!((payment.status(), payment.outcome()), (201, Outcome::Flagged));
    assert_eq!(transport.sent(), 3);
    // 250 ms doubling, no jitter.
    assert_eq!(sleeper.sleeps(), [Duration::from_millis(250), Duration::from_millis(500)]);

    // With jitter the waits stay within their band: (1 - jitter) of the base is fixed.
    let transport = ScriptedTransport::with([Ok(status(503)), Ok(status(503)), Ok(created())]);
    let sleeper = RecordingSleeper::new();
    block_on(retrying(&transport, &sleeper, RetryPolicy::default()).payments().request(payment_request())).unwrap();
    let waits = sleeper.sleeps();
    assert_eq!(waits.len(), 2);
    assert!((Duration::from_millis(125)..=Duration::from_millis(250)).contains(&waits[0]), "{waits:?}");
    assert!((Duration::from_millis(250)..=Duration::from_millis(500)).contains(&waits[1]), "{waits:?}");
}

#[test]
fn retry_after_sets_the_least_wait() {
    let transport = ScriptedTransport::with([Ok(status(429).with_header("Retry-After", "1")), Ok(created())]);
    let sleeper = RecordingSleeper::new();
    block_on(retrying(&transport, &sleeper, RetryPolicy::default()).payments().request(payment_request())).unwrap();
    let waits = sleeper.sleeps();
    assert_eq!(waits.len(), 1);
    assert!(waits[0] >= Duration::from_secs(1) && waits[0] <= Duration::from_secs(5), "{waits:?}");
    assert_eq!(transport.sent(), 2);

    // A Retry-After beyond the policy's cap ends the retries at once.
    let transport = ScriptedTransport::with([Ok(status(429).with_header("Retry-After", "60"))]);
    let sleeper = RecordingSleeper::new();
    let err = request_payment(&retrying(&transport, &sleeper, RetryPolicy::default())).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::TooManyRequests(_)), "{err:?}");
    assert_eq!((err.retry_after(), err.attempts()), (Some(Duration::from_secs(60)), 1));
    assert!(sleeper.sleeps().is_empty());
}

#[test]
fn errors_that_retrying_cannot_fix_are_returned_at_once() {
    type IsVariant = fn(&Error) -> bool;
    let cases: [(HttpResponse, IsVariant); 8] = [
        (fixture_response(422, "error_422_validation.json"), |e| matches!(e.kind(), ErrorKind::Validation(_))),
        (status(501), |e| matches!(e.kind(), ErrorKind::Server(_))),
        (status(401), |e| matches!(e.kind(), ErrorKind::Authentication(_))),
        (status(403), |e| matches!(e.kind(), ErrorKind::NotAllowed(_))),
        (status(404), |e| matches!(e.kind(), ErrorKind::NotFound(_))),
        (status(409), |e| matches!(e.kind(), ErrorKind::Conflict(_))),
        (status(418), |e| matches!(e.kind(), ErrorKind::UnexpectedStatus(_))),
        (fixture_response(200, "payment_200_get.json"), |e| matches!(e.kind(), ErrorKind::UnexpectedStatus(_))),
    ];
    for (response, is_variant) in cases {
        let code = response.status;
        let transport = ScriptedTransport::with([Ok(response.with_header("Cko-Request-Id", "req_once"))]);
        let sleeper = RecordingSleeper::new();
        let err = request_payment(&retrying(&transport, &sleeper, RetryPolicy::default())).unwrap_err();
        assert!(is_variant(&err), "{code}: {err:?}");
        assert_eq!((err.http_status(), err.attempts(), err.request_id()), (Some(code), 1, Some("req_once")), "{code}");
        assert!(!err.to_string().contains("attempts"), "{code}: {err}");
        assert_eq!((transport.sent(), sleeper.sleeps().len()), (1, 0), "{code}");
    }
    // Nor are undecodable success bodies.
    let transport = ScriptedTransport::with([Ok(HttpResponse::new(201, b"<html>".to_vec()))]);
    let sleeper = RecordingSleeper::new();
    let err = request_payment(&retrying(&transport, &sleeper, RetryPolicy::default())).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Decode(_)) && err.may_have_been_processed(), "{err:?}");
    assert_eq!(transport.sent(), 1);
}

#[test]
fn exhausted_retries_report_the_attempts_and_the_last_response() {
    let transport =
        ScriptedTransport::with((1..=3).map(|n| Ok(status(503).with_header("Cko-Request-Id", format!("req_{n}")))));
    let sleeper = RecordingSleeper::new();
    let err = request_payment(&retrying(&transport, &sleeper, RetryPolicy::default())).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Server(_)), "{err:?}");
    assert_eq!(err.attempts(), 3);
    assert_eq!(err.attempts(), 3);
    assert_eq!(err.request_id(), Some("req_3"));
    let text = err.to_string();
    assert!(text.contains("HTTP 503") && text.contains("after 3 attempts"), "{text}");
    assert_eq!((transport.sent(), sleeper.sleeps().len()), (3, 2));

    // Transport failures count their attempts the same way.
    let cases: [(TransportError, &str); 3] = [
        (TransportError::timed_out(Duration::from_secs(2)), "timed out after 3 attempts"),
        (transport_error(TransportErrorKind::NotSent), "request not sent: scripted failure after 3 attempts"),
        (transport_error(TransportErrorKind::Interrupted), "after 3 attempts"),
    ];
    for (failure, message) in cases {
        let kind = failure.kind();
        let transport = ScriptedTransport::with((0..3).map(|_| Err(failure.clone())));
        let sleeper = RecordingSleeper::new();
        let err =
            block_on(retrying(&transport, &sleeper, RetryPolicy::default()).payments().get(PAYMENT_ID)).unwrap_err();
        assert_eq!(err.attempts(), 3, "{kind:?}");
        assert!(err.to_string().contains(message), "{kind:?}: {err}");
        assert_eq!(transport.sent(), 3, "{kind:?}");
    }

    // More retries allowed, more attempts made.
    let transport = ScriptedTransport::with((0..5).map(|_| Ok(status(500))));
    let sleeper = RecordingSleeper::new();
    let err = request_payment(&retrying(&transport, &sleeper, steady().with_max_retries(4))).unwrap_err();
    assert_eq!((err.attempts(), transport.sent(), sleeper.sleeps().len()), (5, 5, 4));
    assert!(err.to_string().contains("after 5 attempts"), "{err}");
}

#[test]
fn an_error_after_retries_counts_every_attempt() {
    let transport = ScriptedTransport::with([Ok(status(503)), Ok(fixture_response(422, "error_422_validation.json"))]);
    let sleeper = RecordingSleeper::new();
    let err = request_payment(&retrying(&transport, &sleeper, RetryPolicy::default())).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Validation(_)), "{err:?}");
    assert_eq!((err.attempts(), transport.sent()), (2, 2));
    assert!(err.to_string().contains("after 2 attempts"), "{err}");
}

#[test]
fn an_undecodable_body_after_retries_counts_every_attempt() {
    let transport = ScriptedTransport::with([Ok(status(503)), Ok(HttpResponse::new(201, b"<html>".to_vec()))]);
    let sleeper = RecordingSleeper::new();
    let err = request_payment(&retrying(&transport, &sleeper, RetryPolicy::default())).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Decode(_)), "{err:?}");
    assert_eq!(transport.sent(), 2);
    assert_eq!(err.attempts(), 2);
}

#[test]
fn without_a_sleeper_nothing_is_retried_but_every_post_still_carries_a_key() {
    type MakeClient = fn(&ScriptedTransport) -> Client;
    let clients: [(&str, MakeClient); 3] = [
        ("Client::new", |t| Client::new(sandbox_config(), t.clone())),
        ("builder without sleeper", |t| {
            Client::builder(sandbox_config(), t.clone()).randomness(Counter::new(1)).build()
        }),
        ("builder with a policy but no sleeper", |t| {
            Client::builder(sandbox_config(), t.clone()).retry_policy(RetryPolicy::default()).build()
        }),
    ];
    for (name, make) in clients {
        let transport = ScriptedTransport::with([Ok(status(503))]);
        let client = make(&transport);
        assert!(!client.retry_policy().is_enabled(), "{name}");
        let err = request_payment(&client).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Server(_)), "{name}: {err:?}");
        assert_eq!((err.attempts(), transport.sent()), (1, 1), "{name}");
        // Finding 3 of issue 9: `Client::new` used to send POSTs with no key at all.
        let keys = transport.idempotency_keys();
        let sent = keys[0].as_deref().unwrap_or_else(|| panic!("{name}: a POST went out without a key"));
        assert_eq!(err.idempotency_key().map(|k| k.as_str()), Some(sent), "{name}: the key is handed back");
        assert!(err.may_have_been_processed(), "{name}: a 503 may hide a payment");
        // The default budget still bounds the one attempt.
        assert_eq!(transport.requests()[0].timeout, Some(Duration::from_secs(150)), "{name}");
        assert!(!err.to_string().contains("attempts"), "{name}: {err}");
    }
}

#[test]
fn a_budget_set_without_a_sleeper_still_bounds_the_call() {
    let budget = Some(Duration::from_secs(2));
    let transport = ScriptedTransport::with([Ok(created())]);
    let client = Client::builder(sandbox_config(), transport.clone())
        .retry_policy(RetryPolicy::none().with_total_budget(budget))
        .build();
    request_payment(&client).unwrap();
    assert_eq!(client.retry_policy().total_budget, budget);
    assert_eq!(transport.requests()[0].timeout, budget);
}

#[test]
fn a_budget_set_with_a_sleeper_bounds_a_call_without_retries() {
    let budget = Some(Duration::from_secs(2));
    let transport = ScriptedTransport::with([Ok(status(503))]);
    let sleeper = RecordingSleeper::new();
    let err =
        request_payment(&retrying(&transport, &sleeper, RetryPolicy::none().with_total_budget(budget))).unwrap_err();
    assert_eq!((err.attempts(), transport.sent()), (1, 1));
    assert_eq!(transport.requests()[0].timeout, budget);
}

#[test]
fn retry_policy_none_makes_one_attempt_that_still_carries_a_key() {
    let transport = ScriptedTransport::with([Ok(status(503))]);
    let sleeper = RecordingSleeper::new();
    let client = retrying(&transport, &sleeper, RetryPolicy::none());
    assert_eq!(client.retry_policy(), &RetryPolicy::none());
    let err = request_payment(&client).unwrap_err();
    assert_eq!((err.attempts(), transport.sent(), sleeper.sleeps().len()), (1, 1, 0));
    let keys = transport.idempotency_keys();
    assert!(keys[0].is_some(), "{keys:?}");
    assert_eq!(err.idempotency_key().map(|k| k.as_str().to_string()), keys[0]);
    assert_eq!(transport.requests()[0].timeout, Some(Duration::from_secs(150)));

    // With a sleeper and no explicit policy, the default policy applies.
    let client = Client::builder(sandbox_config(), ScriptedTransport::new()).sleeper(RecordingSleeper::new()).build();
    assert_eq!(client.retry_policy(), &RetryPolicy::default());
}

#[test]
fn transport_failures_that_may_pass_are_retried() {
    type IsVariant = fn(&Error) -> bool;
    let cases: [(TransportError, IsVariant, bool); 4] = [
        (transport_error(TransportErrorKind::NotSent), |e| matches!(e.kind(), ErrorKind::Transport(_)), false),
        (TransportError::not_sent("connection refused"), |e| matches!(e.kind(), ErrorKind::Transport(_)), false),
        (TransportError::timed_out(Duration::from_secs(1)), |e| matches!(e.kind(), ErrorKind::Timeout { .. }), true),
        (TransportError::interrupted("connection reset"), |e| matches!(e.kind(), ErrorKind::Transport(_)), true),
    ];
    for (failure, is_variant, processed) in cases {
        let kind = failure.kind();
        // Retried, then successful.
        let transport = ScriptedTransport::with([Err(failure.clone()), Ok(created())]);
        let sleeper = RecordingSleeper::new();
        request_payment(&retrying(&transport, &sleeper, RetryPolicy::default()))
            .unwrap_or_else(|e| panic!("{kind:?}: {e}"));
        assert_eq!((transport.sent(), sleeper.sleeps().len()), (2, 1), "{kind:?}");
        let keys = transport.idempotency_keys();
        assert!(keys[0].is_some() && keys[0] == keys[1], "{kind:?}: {keys:?}");
        // Without retries, the failure is reported as it happened.
        let transport = ScriptedTransport::with([Err(failure)]);
        let err = request_payment(&Client::new(sandbox_config(), transport.clone())).unwrap_err();
        assert!(is_variant(&err), "{kind:?}: {err:?}");
        assert!(err.is_retryable(), "{kind:?}");
        assert_eq!(err.may_have_been_processed(), processed, "{kind:?}");
        assert_eq!((err.http_status(), err.request_id(), err.attempts()), (None, None, 1), "{kind:?}");
    }
    // A body over the transport's cap was processed: not retried.
    let transport = ScriptedTransport::with([Err(transport_error(TransportErrorKind::BodyTooLarge))]);
    let sleeper = RecordingSleeper::new();
    let err = request_payment(&retrying(&transport, &sleeper, RetryPolicy::default())).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Transport(source) if source.kind() == TransportErrorKind::BodyTooLarge));
    assert!(!err.is_retryable() && err.may_have_been_processed());
    assert_eq!((transport.sent(), sleeper.sleeps().len()), (1, 0));
}

#[test]
fn the_total_budget_stops_retries_and_bounds_each_attempt() {
    let budget = Duration::from_secs(1);
    let slow = || Ok(timed(status(503), Duration::from_millis(600)));
    let transport = ScriptedTransport::with([slow(), slow(), slow()]);
    let sleeper = RecordingSleeper::new();
    let policy = RetryPolicy::default().with_total_budget(Some(budget));
    let err = request_payment(&retrying(&transport, &sleeper, policy)).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Server(_)), "{err:?}");
    let requests = transport.requests();
    assert!(requests.len() <= 2, "{} attempts", requests.len());
    assert_eq!(requests.len(), 2, "600 ms + a backoff of at most 250 ms leaves room for a second attempt");
    assert_eq!(err.attempts(), 2);
    assert_eq!(err.elapsed(), Some(Duration::from_millis(600)));
    let waits = sleeper.sleeps();
    assert_eq!(waits.len(), 1);
    assert_eq!(requests[0].timeout, Some(budget));
    assert_eq!(requests[1].timeout, Some(budget - Duration::from_millis(600) - waits[0]));

    // A timed-out attempt that did not say how long it ran used its whole allowance.
    let transport = ScriptedTransport::with([Err(transport_error(TransportErrorKind::TimedOut))]);
    let sleeper = RecordingSleeper::new();
    let err = request_payment(&retrying(&transport, &sleeper, steady().with_total_budget(Some(budget)))).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Timeout { .. }), "{err:?}");
    assert_eq!((transport.sent(), sleeper.sleeps().len(), err.attempts()), (1, 0, 1));

    // No budget: no per-attempt timeout from the core.
    let transport = ScriptedTransport::with([slow(), Ok(created())]);
    let sleeper = RecordingSleeper::new();
    request_payment(&retrying(&transport, &sleeper, steady().with_total_budget(None))).unwrap();
    assert!(transport.requests().iter().all(|r| r.timeout.is_none()));

    // Waits count against the budget too.
    let transport = ScriptedTransport::with([Ok(status(429).with_header("Retry-After", "2"))]);
    let sleeper = RecordingSleeper::new();
    let err = request_payment(&retrying(&transport, &sleeper, steady().with_total_budget(Some(budget)))).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::TooManyRequests(_)));
    assert_eq!((transport.sent(), sleeper.sleeps().len()), (1, 0));
}

#[test]
fn invalid_ids_are_refused_before_anything_is_sent() {
    type Call = fn(&Client) -> Result<(), Error>;
    let cases: [(&str, Call); 11] = [
        ("get pay_../../customers", |c| block_on(c.payments().get("pay_../../customers")).map(drop)),
        ("get sid_a/b", |c| block_on(c.payments().get("sid_a/b")).map(drop)),
        ("get cus_x", |c| block_on(c.payments().get("cus_x")).map(drop)),
        ("get empty", |c| block_on(c.payments().get("")).map(drop)),
        ("get pay_a?b", |c| block_on(c.payments().get(String::from("pay_a?b"))).map(drop)),
        ("get pay_a%2Fb", |c| block_on(c.payments().get("pay_a%2Fb")).map(drop)),
        ("actions of a session", |c| block_on(c.payments().actions(SESSION_ID)).map(drop)),
        ("actions pay_a#b", |c| block_on(c.payments().actions("pay_a#b")).map(drop)),
        ("capture pay_../x", |c| block_on(c.payments().capture("pay_../x", ActionRequest::full())).map(drop)),
        ("refund pay_ a", |c| block_on(c.payments().refund("pay_ a", ActionRequest::new().amount(1))).map(drop)),
        ("void act_x", |c| block_on(c.payments().void("act_y3oqhf46pyzuxjbcn2giaqnb44", VoidRequest::new())).map(drop)),
    ];
    for (name, call) in cases {
        let transport = ScriptedTransport::new();
        let sleeper = RecordingSleeper::new();
        let err = call(&retrying(&transport, &sleeper, RetryPolicy::default())).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::InvalidInput(InvalidInput::Id { .. })), "{name}: {err:?}");
        assert!(err.is_invalid_input() && !err.is_retryable() && !err.may_have_been_processed(), "{name}");
        assert_eq!((err.attempts(), err.http_status()), (0, None), "{name}");
        assert_eq!((transport.sent(), sleeper.sleeps().len()), (0, 0), "{name}");
    }
}

#[test]
fn clients_share_their_configuration_and_transport_when_cloned() {
    let transport = ScriptedTransport::with([Ok(created()), Ok(fixture_response(200, "payment_200_get.json"))]);
    let client = Client::new(legacy_config(), transport.clone());
    let copy = client.clone();
    request_payment(&client).unwrap();
    block_on(copy.payments().get(PAYMENT_ID)).unwrap();
    assert_eq!(transport.sent(), 2);
    assert_eq!(copy.config(), client.config());
    let auth: Vec<_> = transport.requests().iter().map(|r| r.headers.get("authorization").map(String::from)).collect();
    assert_eq!(auth, [Some(TEST_KEY.to_string()), Some(TEST_KEY.to_string())]);
    let debug = format!("{client:?}");
    assert!(!debug.contains("fde517a8"), "{debug}");
}

// Regression tests for issue 9's findings 3, 4 and 5, each named after what it pins.

#[test]
fn a_retry_after_above_the_cap_ends_retries_with_an_error_that_says_when_to_come_back() {
    let transport = ScriptedTransport::with([Ok(status(503).with_header("Retry-After", "120")), Ok(created())]);
    let sleeper = RecordingSleeper::new();
    let err = request_payment(&retrying(&transport, &sleeper, steady())).unwrap_err();
    assert_eq!(err.retry_after(), Some(Duration::from_secs(120)));
    assert!(err.to_string().contains("retry after 120s"), "{err}");
    assert!(err.idempotency_key().is_some(), "come back with the same key");
    assert_eq!((transport.sent(), sleeper.sleeps().len()), (1, 0));
}

#[test]
fn an_http_date_retry_after_is_measured_against_the_date_header() {
    let asks_for_3s = status(503)
        .with_header("Date", "Wed, 21 Oct 2026 07:28:00 GMT")
        .with_header("Retry-After", "Wed, 21 Oct 2026 07:28:03 GMT");
    let transport = ScriptedTransport::with([Ok(asks_for_3s), Ok(created())]);
    let sleeper = RecordingSleeper::new();
    request_payment(&retrying(&transport, &sleeper, steady())).unwrap();
    assert_eq!(sleeper.sleeps(), [Duration::from_secs(3)]);

    // A date beyond the cap ends the retries like the seconds form does.
    let asks_for_a_day = status(429)
        .with_header("Date", "Wed, 21 Oct 2026 07:28:00 GMT")
        .with_header("Retry-After", "Thu, 22 Oct 2026 07:28:00 GMT");
    let transport = ScriptedTransport::with([Ok(asks_for_a_day)]);
    let err = request_payment(&retrying(&transport, &RecordingSleeper::new(), steady())).unwrap_err();
    assert_eq!(err.retry_after(), Some(Duration::from_secs(86_400)));
}

#[test]
fn a_429_on_a_keyed_request_waits_for_the_request_in_progress() {
    // The API answers 429 while a request with the same key is still being processed: a retry
    // 250 ms later would only meet another 429.
    let transport = ScriptedTransport::with([Ok(status(429)), Ok(created())]);
    let sleeper = RecordingSleeper::new();
    request_payment(&retrying(&transport, &sleeper, steady())).unwrap();
    assert_eq!(sleeper.sleeps(), [Duration::from_secs(2)]);
    // A GET has no key: its 429 is plain rate limiting and gets the normal backoff.
    let transport = ScriptedTransport::with([Ok(status(429)), Ok(fixture_response(200, "payment_200_get.json"))]);
    let sleeper = RecordingSleeper::new();
    block_on(retrying(&transport, &sleeper, steady()).payments().get(PAYMENT_ID)).unwrap();
    assert_eq!(sleeper.sleeps(), [Duration::from_millis(250)]);
}

#[test]
fn a_policy_with_nan_jitter_and_huge_backoffs_retries_without_panicking() {
    let wild = RetryPolicy::default()
        .with_jitter(f32::NAN)
        .with_backoff(Duration::MAX, Duration::MAX)
        .with_in_progress_backoff(Duration::MAX)
        .with_total_budget(None);
    let transport = ScriptedTransport::with([Ok(status(503)), Ok(created())]);
    let sleeper = RecordingSleeper::new();
    request_payment(&retrying(&transport, &sleeper, wild)).unwrap();
    assert_eq!(sleeper.sleeps(), [Duration::MAX]);
}

#[test]
fn a_post_without_a_key_or_a_random_source_is_refused_before_sending() {
    use checkout_sdk_core::call::Call;
    use checkout_sdk_core::operation::{GetPayment, RequestPayment};
    // What a no_std client without a random source does with a POST that names no key.
    let op = RequestPayment::new(payment_request());
    let err = Call::new(&op, &sandbox_config(), &RetryPolicy::default(), None).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::InvalidInput(InvalidInput::IdempotencyKeyRequired)), "{err:?}");
    assert!(!err.may_have_been_processed() && err.attempts() == 0);
    // The request's own key is enough, and a GET needs none.
    let keyed = RequestPayment::new(
        PaymentRequest::builder(TokenSource::new("tok_ubfj2q76miwundwlk72vxt2i7q"), 100, Currency::USD)
            .idempotency_key("order-1".parse::<IdempotencyKey>().unwrap())
            .build()
            .unwrap(),
    );
    let call = Call::new(&keyed, &sandbox_config(), &RetryPolicy::default(), None).unwrap();
    assert_eq!(call.idempotency_key().map(|k| k.as_str()), Some("order-1"));
    let get = GetPayment::new(PAYMENT_ID.parse::<checkout_sdk_core::id::PaymentRef>().unwrap());
    assert!(Call::new(&get, &sandbox_config(), &RetryPolicy::default(), None).unwrap().idempotency_key().is_none());
}

#[test]
fn a_call_driven_out_of_order_ends_with_a_typed_error_not_a_panic() {
    use checkout_sdk_core::call::{Call, Step};
    use checkout_sdk_core::operation::RequestPayment;
    let op = RequestPayment::new(payment_request());
    let key = Some("order-2".parse::<IdempotencyKey>().unwrap());
    let mut call = Call::new(&op, &sandbox_config(), &RetryPolicy::default(), key).unwrap();
    // Reporting a response before anything was sent, or a sleep that was never asked for.
    let Step::Done(Err(err)) = call.slept() else { panic!("expected a typed error") };
    assert!(matches!(err.kind(), ErrorKind::InvalidInput(InvalidInput::CallOrder(_))), "{err:?}");
    let Step::Done(Err(err)) = call.received(Ok(created())) else { panic!("expected a typed error") };
    assert!(matches!(err.kind(), ErrorKind::InvalidInput(InvalidInput::CallOrder(_))), "{err:?}");
}
