//! The recording fake: scripting, failure injection, inspection and assertions.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use checkout_sdk_core::transport::{
    Headers, HttpRequest, HttpResponse, HttpTransport, Method, TransportError, TransportErrorKind,
};
use checkout_sdk_fake::recording::{redact_json, FakeTransport, RecordedRequest, Reply, VOLATILE_HEADERS};
use serde_json::{json, Value};

use checkout_sdk_fake::keys::{SANDBOX_BASE_URL as BASE, SANDBOX_SECRET_KEY as KEY};
use checkout_sdk_fake::runtime::{block_on, now_or_never};

fn send(fake: &FakeTransport, request: HttpRequest) -> Result<HttpResponse, TransportError> {
    block_on(fake.send(request))
}

// ----- request builders -----

fn headers() -> Headers {
    [
        ("Authorization", format!("Bearer {KEY}")),
        ("Content-Type", "application/json".to_string()),
        ("Cko-Idempotency-Key", "idem-1".to_string()),
        ("User-Agent", "checkout-sdk-rust/0.1.0".to_string()),
    ]
    .into_iter()
    .collect()
}

fn post(path: &str, body: Value) -> HttpRequest {
    HttpRequest {
        method: Method::Post,
        url: format!("{BASE}{path}"),
        headers: headers(),
        body: body.to_string().into(),
        timeout: Some(Duration::from_secs(7)),
    }
}

fn get(path: &str) -> HttpRequest {
    HttpRequest {
        method: Method::Get,
        url: format!("{BASE}{path}"),
        headers: headers(),
        body: Default::default(),
        timeout: None,
    }
}

fn payment_body() -> Value {
    json!({
        "amount": 1000,
        "currency": "GBP",
        "reference": "ORD-1",
        "source": {"type": "card", "number": "4242424242424242", "expiry_month": 12, "expiry_year": 2030, "cvv": "100"},
    })
}

fn json_of(response: &HttpResponse) -> Value {
    serde_json::from_slice(&response.body).expect("a JSON body")
}

/// Runs `f`, expecting a panic, and returns its message.
fn panic_message(f: impl FnOnce()) -> String {
    let payload = catch_unwind(AssertUnwindSafe(f)).expect_err("expected a panic");
    if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else {
        String::from("<non-string panic>")
    }
}

/// Discards an assertion chain's result (the checks already ran).
fn ignore<T>(_: T) {}

fn assert_no_secrets(text: &str) {
    assert!(!text.contains("m73dzbpy7cf3gfd46xr4yj5xo4e"), "secret key leaked: {text}");
    assert!(!text.contains("4242424242424242"), "card number leaked: {text}");
}

// ----- scripting -----

#[test]
fn scripted_replies_come_back_in_fifo_order() {
    let fake = FakeTransport::new();
    fake.push_json(201, json!({"id": "pay_1"}))
        .push(Reply::raw(502, "<html>bad gateway</html>"))
        .push_response(HttpResponse::new(204, Vec::new()).with_header("Cko-Request-Id", "req_3"))
        .push(Reply::empty(404));
    assert_eq!(fake.remaining_replies(), 4);

    let first = send(&fake, post("/payments", payment_body())).unwrap();
    assert_eq!((first.status, json_of(&first)), (201, json!({"id": "pay_1"})));
    let second = send(&fake, get("/payments/pay_1")).unwrap();
    assert_eq!((second.status, second.body.as_slice()), (502, b"<html>bad gateway</html>".as_slice()));
    let third = send(&fake, get("/payments/pay_1")).unwrap();
    assert_eq!((third.status, third.headers.get("cko-request-id")), (204, Some("req_3")));
    let fourth = send(&fake, get("/payments/pay_1")).unwrap();
    assert_eq!((fourth.status, fourth.body.len()), (404, 0));

    assert_eq!(fake.remaining_replies(), 0);
    fake.assert_exhausted();
}

#[test]
fn json_replies_carry_their_body_and_headers() {
    let fake = FakeTransport::new();
    fake.push(
        Reply::json(201, json!({"id": "pay_1", "status": "Authorized"}))
            .header("Cko-Request-Id", "req_1")
            .header("Cko-Version", "3.0"),
    );
    let response = send(&fake, post("/payments", payment_body())).unwrap();
    assert_eq!(response.status, 201);
    assert_eq!(json_of(&response), json!({"status": "Authorized", "id": "pay_1"}));
    assert_eq!(response.headers.get("content-type"), Some("application/json"));
    assert_eq!(response.headers.get("Cko-Request-Id"), Some("req_1"));
    assert_eq!(response.headers.get("Cko-Version"), Some("3.0"));
}

#[test]
fn routes_answer_every_match_before_the_script() {
    let fake = FakeTransport::new();
    fake.push_json(201, json!({"id": "pay_x"}));
    fake.on(Method::Post, "/payments/pay_x/captures").reply(Reply::json(202, json!({"action_id": "act_1"})));

    for _ in 0..3 {
        let captured = send(&fake, post("/payments/pay_x/captures?x=1", json!({}))).unwrap();
        assert_eq!(captured.status, 202);
    }
    assert_eq!(fake.remaining_replies(), 1, "routes do not use up the script");

    // Other method, other path: the script answers.
    let created = send(&fake, post("/payments", payment_body())).unwrap();
    assert_eq!(created.status, 201);
    let other = send(&fake, get("/payments/pay_x/captures")).unwrap_err();
    assert_eq!(other.kind(), TransportErrorKind::NotSent);
    assert_eq!(fake.request_count(), 5);
}

#[test]
fn glob_routes_match_segments_and_suffixes() {
    let fake = FakeTransport::new();
    fake.on(Method::Post, "/payments/*/refunds").reply_json(202, json!({"kind": "refund"}));
    fake.on(Method::Get, "/payments/**").reply_json(200, json!({"kind": "any"}));
    fake.on(Method::Post, "/payments/*/captures").reply_with(|request| {
        let id = request.path().split('/').nth(2).unwrap_or_default().to_string();
        Reply::json(202, json!({"captured": id}))
    });

    assert_eq!(json_of(&send(&fake, post("/payments/pay_1/refunds", json!({}))).unwrap()), json!({"kind": "refund"}));
    assert_eq!(json_of(&send(&fake, get("/payments/pay_1/actions")).unwrap()), json!({"kind": "any"}));
    assert_eq!(
        json_of(&send(&fake, post("/payments/pay_9/captures", json!({}))).unwrap()),
        json!({"captured": "pay_9"})
    );
    // `*` stays within one segment.
    assert!(send(&fake, post("/payments/a/b/refunds", json!({}))).is_err());
}

#[test]
fn the_first_matching_route_wins() {
    let fake = FakeTransport::new();
    fake.on(Method::Get, "/payments/pay_1").reply(Reply::empty(200));
    fake.on(Method::Get, "/payments/*").reply(Reply::empty(404));
    assert_eq!(send(&fake, get("/payments/pay_1")).unwrap().status, 200);
    assert_eq!(send(&fake, get("/payments/pay_2")).unwrap().status, 404);
}

#[test]
fn closure_responders_answer_when_they_return_some() {
    let fake = FakeTransport::new();
    let inspector = fake.clone();
    fake.on_fn(move |request: &HttpRequest| {
        // Responders run unlocked: they may look at the fake itself.
        let seen = inspector.request_count();
        let body: Value = serde_json::from_slice(&request.body).ok()?;
        (body["amount"].as_u64()? > 5000)
            .then(|| Reply::json(422, json!({"error_codes": ["amount_too_high"], "seen": seen})))
    });
    fake.push_json(201, json!({"id": "pay_small"}));

    let declined = send(&fake, post("/payments", json!({"amount": 9000}))).unwrap();
    assert_eq!(json_of(&declined), json!({"error_codes": ["amount_too_high"], "seen": 1}));
    let created = send(&fake, post("/payments", json!({"amount": 100}))).unwrap();
    assert_eq!(created.status, 201);
    fake.assert_exhausted();
}

// ----- failure injection -----

#[test]
fn an_injected_timeout_may_have_been_sent() {
    let fake = FakeTransport::new();
    fake.push(Reply::timeout()).push(Reply::timeout()).push(Reply::timeout_after(Duration::from_millis(250)));

    let error = send(&fake, post("/payments", payment_body())).unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::TimedOut);
    assert!(error.may_have_been_sent());
    assert_eq!(error.elapsed(), Some(Duration::from_secs(7)), "the request's own timeout");

    let error = send(&fake, get("/payments/pay_1")).unwrap_err();
    assert_eq!(error.elapsed(), Some(Duration::from_secs(30)), "the default when the request has none");

    let error = send(&fake, get("/payments/pay_1")).unwrap_err();
    assert_eq!(error.elapsed(), Some(Duration::from_millis(250)));
}

#[test]
fn an_injected_refusal_was_not_sent() {
    let fake = FakeTransport::new();
    fake.push(Reply::connection_refused());
    let error = send(&fake, post("/payments", payment_body())).unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::NotSent);
    assert!(!error.may_have_been_sent());
    assert!(error.message().contains("refused"), "{error}");
}

#[test]
fn an_injected_drop_after_send_may_have_been_processed() {
    let fake = FakeTransport::new();
    fake.push(Reply::dropped_after_send());
    let error = send(&fake, post("/payments", payment_body())).unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::Interrupted);
    assert!(error.may_have_been_sent());
}

#[test]
fn other_failures_can_be_injected() {
    let fake = FakeTransport::new();
    fake.push(Reply::body_too_large()).push_error(TransportError::not_sent("dns failure"));
    assert!(Reply::body_too_large().is_failure() && !Reply::empty(200).is_failure());

    let error = send(&fake, get("/payments/pay_1")).unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::BodyTooLarge);
    assert!(error.may_have_been_sent());
    let error = send(&fake, get("/payments/pay_1")).unwrap_err();
    assert_eq!(error, TransportError::not_sent("dns failure"));
    // Routes can fail too.
    fake.on(Method::Get, "/down").reply(Reply::connection_refused());
    assert_eq!(send(&fake, get("/down")).unwrap_err().kind(), TransportErrorKind::NotSent);
}

// ----- the end of the script -----

#[test]
fn an_exhausted_script_fails_clearly_and_is_remembered() {
    let fake = FakeTransport::new();
    fake.push_json(200, json!({}));
    send(&fake, get("/payments/pay_1")).unwrap();

    let error = send(&fake, post("/payments", payment_body())).unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::NotSent);
    assert_eq!(
        error.message(),
        "FakeTransport: no scripted reply for POST /payments (script exhausted after 1 requests)"
    );
    assert_eq!(fake.unanswered(), vec!["request #1: POST /payments".to_string()]);

    let message = panic_message(|| fake.assert_exhausted());
    assert!(message.contains("requests found no scripted reply"), "{message}");
    assert!(message.contains("request #1: POST /payments"), "{message}");
}

#[test]
#[should_panic(expected = "2 scripted replies were never used")]
fn assert_exhausted_fails_on_unused_replies() {
    let fake = FakeTransport::new();
    fake.push_json(200, json!({})).push_json(200, json!({})).push_json(200, json!({}));
    send(&fake, get("/payments/pay_1")).unwrap();
    fake.assert_exhausted();
}

#[test]
fn clear_requests_forgets_history_but_keeps_the_script() {
    let fake = FakeTransport::new();
    send(&fake, get("/nothing")).unwrap_err();
    fake.push_json(200, json!({}));
    fake.clear_requests();
    assert_eq!((fake.request_count(), fake.unanswered().len(), fake.remaining_replies()), (0, 0, 1));
}

// ----- inspection -----

#[test]
fn requests_are_recorded_with_everything_needed_to_inspect_them() {
    let fake = FakeTransport::new();
    assert!(fake.last_request().is_none());
    fake.push_json(201, json!({})).push_json(200, json!({}));
    send(&fake, post("/payments?debug=1", payment_body())).unwrap();
    send(&fake, get("/payments/pay_1")).unwrap();

    assert_eq!(fake.request_count(), 2);
    let requests = fake.requests();
    let first: &RecordedRequest = &requests[0];
    assert_eq!(first.method, Method::Post);
    assert_eq!(first.url, format!("{BASE}/payments?debug=1"));
    assert_eq!(first.path(), "/payments");
    assert_eq!(first.path_and_query(), "/payments?debug=1");
    assert_eq!(first.header("authorization"), Some(format!("Bearer {KEY}").as_str()), "stored unredacted");
    assert_eq!(first.json(), Some(payment_body()));
    assert_eq!(first.timeout, Some(Duration::from_secs(7)));
    assert_eq!(first.to_http_request(), post("/payments?debug=1", payment_body()));
    assert!(first.body_text().is_some());

    let last = fake.last_request().unwrap();
    assert_eq!((last.method, last.path(), last.json()), (Method::Get, "/payments/pay_1", None));
    assert_eq!(fake.request(1), Some(last));
    assert_eq!(fake.request(2), None);
}

#[test]
fn debug_of_a_recorded_request_hides_secrets_and_card_data() {
    let fake = FakeTransport::new();
    fake.push_json(201, json!({}));
    let mut request = post("/payments", payment_body());
    request.headers.insert("X-Echo", KEY);
    send(&fake, request).unwrap();

    let recorded = fake.last_request().unwrap();
    for text in [format!("{recorded:?}"), format!("{recorded:#?}"), format!("{fake:?}")] {
        assert_no_secrets(&text);
        assert!(!text.contains("\"100\""), "CVV leaked: {text}");
    }
    let text = format!("{recorded:?}");
    assert!(text.contains("<redacted>"), "{text}");
    assert!(text.contains("************4242"), "{text}");
    assert!(text.contains(r#""cvv":"***""#), "{text}");
    assert!(text.contains("ORD-1"), "the rest of the body stays visible: {text}");
}

#[test]
fn redact_json_masks_every_kind_of_secret() {
    let mut value = json!({
        "source": {"number": "4242 4242 4242 4242", "cvc": 123, "cvv2": "1234"},
        "card_number": 4000056655665556u64,
        "PAN": "5555-5555-5555-4444",
        "authorization": "Bearer something",
        "secret_key": "whatever",
        "api_key": null,
        "nested": [{"echo": format!("key was {KEY}")}],
        "phone": {"number": "+44 20 7946 0000"},
    });
    redact_json(&mut value);
    assert_eq!(
        value,
        json!({
            "source": {"number": "************4242", "cvc": "***", "cvv2": "***"},
            "card_number": "************5556",
            "PAN": "************4444",
            "authorization": "<redacted>",
            "secret_key": "<redacted>",
            "api_key": null,
            "nested": [{"echo": "<redacted>"}],
            "phone": {"number": "+44 20 7946 0000"},
        })
    );
}

// ----- assertions -----

#[test]
fn every_assertion_helper_passes_on_a_matching_request() {
    let fake = FakeTransport::new();
    fake.push_json(201, json!({})).push_json(200, json!({}));
    send(&fake, post("/payments?x=1", payment_body())).unwrap();
    send(&fake, get("/payments/pay_1")).unwrap();

    let reordered = json!({
        "source": {"cvv": "100", "expiry_year": 2030, "expiry_month": 12, "number": "4242424242424242", "type": "card"},
        "reference": "ORD-1",
        "currency": "GBP",
        "amount": 1000,
    });
    fake.assert_request(0)
        .method(Method::Post)
        .path("/payments")
        .path("/payments?x=1")
        .header("Cko-Idempotency-Key", "idem-1")
        .header("authorization", &format!("Bearer {KEY}"))
        .has_header("content-type")
        .no_header("If-Match")
        .json_body(reordered)
        .json_body_includes(json!({"amount": 1000, "source": {"type": "card"}}));

    let mut expected: Headers =
        [("authorization", format!("Bearer {KEY}")), ("Content-Type", "application/json".to_string())]
            .into_iter()
            .collect();
    fake.assert_headers_eq(0, &expected);
    fake.assert_last_request().method(Method::Get).path("/payments/pay_1").empty_body().headers_eq(&expected);
    fake.assert_request_count(2);

    // A configurable volatile list.
    fake.set_volatile_headers(["Cko-Idempotency-Key", "User-Agent", "Content-Type"]);
    expected.remove("Content-Type");
    fake.assert_headers_eq(0, &expected);
    let ignore: Vec<&str> = VOLATILE_HEADERS.to_vec();
    fake.assert_request(0).headers_eq_ignoring(&headers(), &ignore).headers_eq_ignoring(&headers(), &[]);
    assert_eq!(fake.assert_request(1).request().path(), "/payments/pay_1");
}

#[test]
fn every_assertion_helper_fails_with_a_clear_message_and_no_secrets() {
    let fake = FakeTransport::new();
    fake.push_json(201, json!({}));
    send(&fake, post("/payments", payment_body())).unwrap();
    let check = |f: &dyn Fn(), expected: &[&str]| {
        let message = panic_message(f);
        assert_no_secrets(&message);
        for part in expected {
            assert!(message.contains(part), "{part:?} not in {message:?}");
        }
    };

    check(
        &|| ignore(fake.assert_request(0).method(Method::Get)),
        &["request #0 (POST /payments)", "expected method GET, got POST"],
    );
    check(&|| ignore(fake.assert_request(0).path("/payments/x")), &[r#"expected path "/payments/x", got "/payments""#]);
    check(
        &|| ignore(fake.assert_request(0).header("Cko-Idempotency-Key", "idem-2")),
        &[r#"expected header Cko-Idempotency-Key: "idem-2", got "idem-1""#],
    );
    check(
        &|| ignore(fake.assert_request(0).header("Authorization", "Bearer sk_sbox_other0000000000000000000000")),
        &["Authorization differs from the expected value (values redacted)"],
    );
    check(&|| ignore(fake.assert_request(0).header("If-Match", "x")), &["expected header If-Match", "missing"]);
    check(
        &|| ignore(fake.assert_request(0).has_header("X-Missing")),
        &["expected a X-Missing header", "Cko-Idempotency-Key"],
    );
    check(
        &|| ignore(fake.assert_request(0).no_header("Authorization")),
        &["expected no Authorization header, got \"<redacted>\""],
    );
    check(&|| ignore(fake.assert_request(0).empty_body()), &["expected an empty body", "************4242"]);

    let mut body = payment_body();
    body["amount"] = json!(999);
    check(
        &|| ignore(fake.assert_request(0).json_body(body.clone())),
        &["JSON body differs at $.amount", "expected 999, got 1000"],
    );
    body["amount"] = json!(1000);
    body["source"]["number"] = json!("4000000000004242");
    check(
        &|| ignore(fake.assert_request(0).json_body(body.clone())),
        &["at $.source.number", "differ only in redacted content"],
    );
    let mut fewer = payment_body();
    fewer.as_object_mut().unwrap().remove("reference");
    check(&|| ignore(fake.assert_request(0).json_body(fewer.clone())), &["at $.reference (unexpected key)"]);
    check(
        &|| ignore(fake.assert_request(0).json_body_includes(json!({"source": {"scheme": "visa"}}))),
        &["does not include", "at $.source.scheme (missing key)", "expected \"visa\", got <absent>"],
    );

    let mut expected = headers();
    expected.insert("Authorization", "Bearer sk_sbox_other0000000000000000000000");
    expected.insert("X-Extra", "1");
    expected.remove("Content-Type");
    check(
        &|| fake.assert_headers_eq(0, &expected),
        &["headers differ", "Authorization differs (values redacted)", "missing X-Extra", "unexpected Content-Type"],
    );
    check(&|| ignore(fake.assert_request(3)), &["expected request #3", "only 1 were received"]);
    check(&|| fake.assert_request_count(2), &["expected 2 requests, got 1: [POST /payments]"]);

    let empty = FakeTransport::new();
    check(&|| ignore(empty.assert_last_request()), &["expected a request, but none was received"]);
    let plain = FakeTransport::new();
    plain.push(Reply::empty(204));
    send(&plain, get("/x")).unwrap();
    check(&|| ignore(plain.assert_request(0).json_body(json!({}))), &["expected a JSON body, got <empty>"]);
}

#[test]
#[should_panic(expected = "expected method GET, got POST")]
fn a_failing_assertion_panics_like_assert_eq() {
    let fake = FakeTransport::new();
    fake.push_json(201, json!({}));
    send(&fake, post("/payments", payment_body())).unwrap();
    fake.assert_request(0).method(Method::Get);
}

// ----- sharing and executors -----

#[test]
fn clones_share_script_routes_and_history() {
    let fake = FakeTransport::new();
    let clone = fake.clone();
    clone.push_json(201, json!({"id": "pay_1"}));
    clone.on(Method::Get, "/ping").reply(Reply::empty(204));

    assert_eq!(send(&fake, post("/payments", payment_body())).unwrap().status, 201);
    assert_eq!(send(&fake, get("/ping")).unwrap().status, 204);
    assert_eq!(clone.request_count(), 2);
    clone.assert_request(0).path("/payments");
    clone.assert_exhausted();
}

#[test]
fn clones_work_across_threads() {
    let fake = FakeTransport::new();
    fake.on(Method::Get, "/ping").reply(Reply::empty(204));
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let fake = fake.clone();
            thread::spawn(move || (0..25).all(|_| send(&fake, get("/ping")).is_ok_and(|r| r.status == 204)))
        })
        .collect();
    assert!(handles.into_iter().all(|h| h.join().unwrap()));
    assert_eq!(fake.request_count(), 100);
}

#[test]
fn send_is_ready_on_the_first_poll_without_any_runtime() {
    let fake = FakeTransport::new();
    fake.push_json(200, json!({"ok": true}));
    match now_or_never(fake.send(get("/payments/pay_1"))) {
        Some(Ok(response)) => assert_eq!(json_of(&response), json!({"ok": true})),
        other => panic!("expected a ready response, got {other:?}"),
    }
    // And the synchronous entry point.
    assert!(fake.respond(get("/x")).is_err());
}

#[test]
fn works_as_a_boxed_transport_under_tokio() {
    let fake = FakeTransport::new();
    fake.push_json(200, json!({}));
    let transport: Arc<dyn HttpTransport> = Arc::new(fake.clone());
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).build().unwrap();
    let response = runtime.block_on(async move { transport.send(get("/payments/pay_1")).await }).unwrap();
    assert_eq!(response.status, 200);
    fake.assert_exhausted();
}
