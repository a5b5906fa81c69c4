//! Cassettes: record through a `Recorder`, scrub, save, load and replay.
#![cfg(feature = "cassette")]

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use checkout_sdk_core::transport::{
    Headers, HttpRequest, HttpResponse, HttpTransport, Method, TransportError, TransportErrorKind,
};
use checkout_sdk_fake::cassette::{
    Cassette, CassetteError, Interaction, Outcome, PersonalData, Recorder, Replayer, StoredRequest, CASSETTE_VERSION,
};
use checkout_sdk_fake::recording::{redact_json, FakeTransport, Reply};
use serde_json::{json, Value};

use checkout_sdk_fake::keys::{SANDBOX_BASE_URL as BASE, SANDBOX_SECRET_KEY as KEY};
use checkout_sdk_fake::runtime::block_on;

const KEY_BODY: &str = "m73dzbpy7cf3gfd46xr4yj5xo4e";

fn send(transport: &dyn HttpTransport, request: HttpRequest) -> Result<HttpResponse, TransportError> {
    block_on(transport.send(request))
}

/// A unique path in the temp directory, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let unique = format!(
            "checkout-fake-{name}-{}-{nanos}-{}.json",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        TempFile(std::env::temp_dir().join(unique))
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn request(method: Method, path: &str, body: Option<Value>) -> HttpRequest {
    let mut headers: Headers = [
        ("User-Agent", "checkout-sdk-rust/0.1.0".to_string()),
        ("Authorization", format!("Bearer {KEY}")),
        ("Cko-Idempotency-Key", "idem-1".to_string()),
    ]
    .into_iter()
    .collect();
    if body.is_some() {
        headers.insert("Content-Type", "application/json");
    }
    HttpRequest {
        method,
        url: format!("{BASE}{path}"),
        headers,
        body: body.map(|b| b.to_string().into()).unwrap_or_default(),
        timeout: Some(Duration::from_secs(10)),
    }
}

fn payment_body() -> Value {
    json!({
        "source": {"type": "card", "number": "4242424242424242", "expiry_month": 12, "expiry_year": 2030, "cvv": "100"},
        "amount": 1000,
        "currency": "GBP",
        "reference": "ORD-1",
    })
}

fn payment_response() -> Value {
    json!({
        "id": "pay_1",
        "status": "Authorized",
        "source": {"scheme": "Visa", "last4": "4242", "bin": "424242"},
        "echo": KEY,
    })
}

/// The session's requests: a payment, a lookup, a capture that times out, and an HTML error.
fn session() -> Vec<HttpRequest> {
    vec![
        request(Method::Post, "/payments", Some(payment_body())),
        request(Method::Get, "/payments/pay_1", None),
        request(Method::Post, "/payments/pay_1/captures", Some(json!({"amount": 1000}))),
        request(Method::Get, "/payments/pay_1/actions", None),
    ]
}

fn scripted_fake() -> FakeTransport {
    let fake = FakeTransport::new();
    fake.push(
        Reply::json(201, payment_response())
            .header("Cko-Request-Id", "req_1")
            .header("Set-Cookie", "session=abc")
            .header("X-Echo-Key", format!("Bearer {KEY}")),
    )
    .push_json(200, json!({"id": "pay_1", "status": "Authorized"}))
    .push(Reply::timeout())
    .push(Reply::raw(502, "<html>bad gateway 4242424242424242</html>").header("Content-Type", "text/html"));
    fake
}

/// Records the whole session through a scripted fake.
fn record() -> (Recorder<FakeTransport>, Vec<Result<HttpResponse, TransportError>>) {
    let recorder = Recorder::new(scripted_fake());
    let results = session().into_iter().map(|r| send(&recorder, r)).collect();
    (recorder, results)
}

#[test]
fn a_round_trip_scrubs_saves_reloads_and_replays() {
    let (recorder, live) = record();
    assert_eq!(recorder.len(), 4);
    recorder.inner().assert_exhausted();
    // The recorder passes results through untouched.
    assert_eq!(live[0].as_ref().unwrap().status, 201);
    assert_eq!(serde_json::from_slice::<Value>(&live[0].as_ref().unwrap().body).unwrap(), payment_response());

    let file = TempFile::new("round-trip");
    recorder.save(&file.0).unwrap();
    let text = std::fs::read_to_string(&file.0).unwrap();

    // Nothing secret reached the file.
    assert!(!text.contains(KEY_BODY), "{text}");
    assert!(!text.contains("4242424242424242"), "{text}");
    assert!(!text.contains("session=abc"), "{text}");
    assert!(text.contains("************4242"), "{text}");
    let document: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(document["version"], json!(1));
    let first = &document["interactions"][0];
    assert_eq!(first["request"]["method"], json!("POST"));
    assert_eq!(first["request"]["url"], json!(format!("{BASE}/payments")));
    assert_eq!(first["request"]["body"]["source"]["cvv"], json!("***"));
    assert_eq!(first["request"]["body"]["source"]["number"], json!("************4242"));
    assert_eq!(first["request"]["body"]["amount"], json!(1000));
    assert_eq!(
        first["request"]["headers"],
        json!([
            ["Authorization", "<redacted>"],
            ["Cko-Idempotency-Key", "idem-1"],
            ["Content-Type", "application/json"],
            ["User-Agent", "checkout-sdk-rust/0.1.0"],
        ]),
        "sorted by name, sensitive values redacted"
    );
    assert_eq!(first["response"]["status"], json!(201));
    assert_eq!(first["response"]["body"]["echo"], json!("<redacted>"));
    assert_eq!(first["response"]["body"]["source"]["last4"], json!("4242"));
    assert!(first.get("error").is_none());
    let response_headers = &first["response"]["headers"];
    assert!(response_headers.as_array().unwrap().contains(&json!(["Set-Cookie", "<redacted>"])));
    assert!(response_headers.as_array().unwrap().contains(&json!(["X-Echo-Key", "<redacted>"])));
    assert!(response_headers.as_array().unwrap().contains(&json!(["Cko-Request-Id", "req_1"])));
    assert!(text.contains("\"cvv\": \"***\""), "{text}");
    assert!(!text.contains("\"100\""), "{text}");
    // The GET has no body; the timeout is an error; the HTML body is a scrubbed string.
    assert_eq!(document["interactions"][1]["request"]["body"], Value::Null);
    assert_eq!(
        document["interactions"][2]["error"],
        json!({"kind": "timed_out", "message": "no response before the timeout"})
    );
    assert!(document["interactions"][2].get("response").is_none());
    assert_eq!(document["interactions"][3]["response"]["body"], json!("<html>bad gateway ************4242</html>"));
    // No timings.
    assert!(!text.contains("elapsed"), "{text}");

    // Reload and replay: same statuses, scrubbed bodies.
    let cassette = Cassette::load(&file.0).unwrap();
    assert_eq!(cassette, recorder.cassette());
    assert_eq!(cassette.len(), 4);
    let replayer = Replayer::new(cassette);
    for (request, live) in session().into_iter().zip(&live) {
        let replayed = send(&replayer, request);
        match (live, replayed) {
            (Ok(live), Ok(replayed)) => {
                assert_eq!(replayed.status, live.status);
                assert_eq!(replayed.elapsed, None);
                match serde_json::from_slice::<Value>(&live.body) {
                    Ok(mut expected) => {
                        redact_json(&mut expected);
                        assert_eq!(serde_json::from_slice::<Value>(&replayed.body).unwrap(), expected);
                    }
                    Err(_) => assert_eq!(replayed.body, b"<html>bad gateway ************4242</html>"),
                }
                assert_eq!(replayed.headers.get("Cko-Request-Id"), live.headers.get("Cko-Request-Id"));
            }
            (Err(live), Err(replayed)) => {
                assert_eq!(replayed.kind(), live.kind());
                assert_eq!(replayed.kind(), TransportErrorKind::TimedOut);
                assert!(replayed.may_have_been_sent());
                assert_eq!(replayed.message(), live.message());
            }
            (live, replayed) => panic!("live {live:?} but replayed {replayed:?}"),
        }
    }
    assert_eq!(replayer.remaining(), 0);
    replayer.assert_all_played();
}

#[test]
fn body_keys_and_header_names_are_sorted() {
    let (recorder, _) = record();
    let text = recorder.to_json_string().unwrap();
    let position = |needle: &str| text.find(needle).unwrap_or_else(|| panic!("{needle} not in {text}"));
    // The request body was sent with "source" first; the cassette sorts keys.
    assert!(position("\"amount\"") < position("\"currency\""));
    assert!(position("\"currency\"") < position("\"reference\""));
    assert!(position("\"reference\"") < position("\"source\""));
    assert!(position("\"cvv\"") < position("\"expiry_month\""));
    assert!(position("\"expiry_year\"") < position("\"number\""));
    // Envelope fields keep their documented order.
    assert!(text.starts_with("{\n  \"version\": 1,\n  \"interactions\": ["), "{text}");
    assert!(text.ends_with("}\n"));
}

#[test]
fn saving_the_same_interactions_twice_is_byte_identical() {
    let (recorder, _) = record();
    let (first, second, third) = (TempFile::new("first"), TempFile::new("second"), TempFile::new("third"));
    recorder.save(&first.0).unwrap();
    Cassette::load(&first.0).unwrap().save(&second.0).unwrap();
    // A fresh recording of the same session too.
    let (again, _) = record();
    again.save(&third.0).unwrap();
    let bytes = std::fs::read(&first.0).unwrap();
    assert_eq!(bytes, std::fs::read(&second.0).unwrap());
    assert_eq!(bytes, std::fs::read(&third.0).unwrap());
    assert_eq!(bytes, recorder.to_json_string().unwrap().into_bytes());
}

#[test]
fn a_mismatched_replay_fails_with_a_clear_error() {
    let (recorder, _) = record();
    let replayer = Replayer::new(recorder.cassette());

    // Wrong amount: the body differs.
    let mut body = payment_body();
    body["amount"] = json!(2000);
    let error = send(&replayer, request(Method::Post, "/payments", Some(body))).unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::NotSent);
    let message = error.message().to_string();
    assert!(message.contains("request #0 does not match interaction #0"), "{message}");
    assert!(message.contains("POST /payments: the body differs at $.amount"), "{message}");
    assert!(message.contains("expected 1000, got 2000"), "{message}");
    assert!(!message.contains("4242424242424242") && !message.contains(KEY_BODY), "{message}");

    // Wrong path: the next interaction is still the payment.
    let error = send(&replayer, request(Method::Get, "/payments/pay_2", None)).unwrap_err();
    assert!(error.message().contains("expected POST /payments, got GET /payments/pay_2"), "{error}");

    // The right request still plays (the host does not matter, the key is scrubbed on both sides).
    let mut right = request(Method::Post, "/payments", Some(payment_body()));
    right.url = "http://127.0.0.1:8080/payments".to_string();
    right.headers.insert("Authorization", "Bearer sk_sbox_someotherkey234567abcdefghij");
    assert_eq!(send(&replayer, right).unwrap().status, 201);

    assert_eq!(replayer.failures().len(), 2);
    let panic = std::panic::catch_unwind(|| replayer.assert_all_played()).unwrap_err();
    let panic = panic.downcast_ref::<String>().unwrap();
    assert!(panic.contains("3 interactions were not played"), "{panic}");
    assert!(panic.contains("#1 GET /payments/pay_1"), "{panic}");
    assert!(panic.contains("2 requests matched nothing"), "{panic}");
}

#[test]
fn replaying_past_the_end_fails() {
    let fake = FakeTransport::new();
    fake.push(Reply::empty(204));
    let recorder = Recorder::new(fake);
    send(&recorder, request(Method::Get, "/ping", None)).unwrap();
    let replayer = Replayer::new(recorder.cassette());
    assert_eq!(send(&replayer, request(Method::Get, "/ping", None)).unwrap().status, 204);
    let error = send(&replayer, request(Method::Get, "/ping", None)).unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::NotSent);
    assert_eq!(
        error.message(),
        "Replayer: request #1 GET /ping has no recorded interaction: all 1 interactions of the cassette were played"
    );
}

#[test]
fn replay_can_match_in_any_order() {
    let (recorder, _) = record();
    let mut reversed = session();
    reversed.reverse();

    let strict = Replayer::new(recorder.cassette());
    assert!(send(&strict, reversed[0].clone()).is_err());

    let any = Replayer::new(recorder.cassette()).in_any_order();
    let statuses: Vec<Option<u16>> =
        reversed.into_iter().map(|r| send(&any, r).ok().map(|response| response.status)).collect();
    assert_eq!(statuses, vec![Some(502), None, Some(200), Some(201)]);
    any.assert_all_played();

    let error = send(&any, request(Method::Get, "/payments/pay_1", None)).unwrap_err();
    assert!(error.message().contains("matches no unplayed interaction"), "{error}");
}

#[test]
fn any_order_reports_the_closest_candidate() {
    let (recorder, _) = record();
    let any = Replayer::new(recorder.cassette()).in_any_order();
    let error = send(&any, request(Method::Post, "/payments/pay_1/captures", Some(json!({"amount": 5})))).unwrap_err();
    let message = error.message();
    assert!(message.contains("closest #2"), "{message}");
    assert!(message.contains("expected 1000, got 5"), "{message}");
}

#[test]
fn clones_of_a_recorder_share_the_recording() {
    let fake = FakeTransport::new();
    fake.on(Method::Get, "/ping").reply(Reply::empty(204));
    let recorder = Recorder::new(fake);
    let clone = recorder.clone();
    send(&clone, request(Method::Get, "/ping", None)).unwrap();
    send(&recorder, request(Method::Get, "/ping", None)).unwrap();
    assert_eq!(recorder.len(), 2);
    assert!(!recorder.is_empty());
    assert!(!format!("{recorder:?}").contains(KEY_BODY));
    clone.clear();
    assert!(recorder.is_empty());
    assert_eq!(recorder.into_inner().request_count(), 2);
}

#[test]
fn transport_failures_of_every_kind_round_trip() {
    let fake = FakeTransport::new();
    fake.push(Reply::connection_refused())
        .push(Reply::dropped_after_send())
        .push(Reply::body_too_large())
        .push_error(TransportError::not_sent(format!("proxy rejected key {KEY}")));
    let recorder = Recorder::new(fake);
    for _ in 0..4 {
        send(&recorder, request(Method::Get, "/ping", None)).unwrap_err();
    }
    let text = recorder.to_json_string().unwrap();
    assert!(!text.contains(KEY_BODY), "{text}");
    let replayer = Replayer::new(Cassette::from_json_str(&text).unwrap());
    let kinds: Vec<TransportErrorKind> =
        (0..4).map(|_| send(&replayer, request(Method::Get, "/ping", None)).unwrap_err().kind()).collect();
    assert_eq!(
        kinds,
        vec![
            TransportErrorKind::NotSent,
            TransportErrorKind::Interrupted,
            TransportErrorKind::BodyTooLarge,
            TransportErrorKind::NotSent
        ]
    );
}

#[test]
fn hand_built_interactions_are_scrubbed_when_added() {
    let raw = Interaction {
        request: StoredRequest {
            method: "POST".into(),
            url: format!("{BASE}/payments?key={KEY}"),
            headers: vec![("X-B".into(), "b".into()), ("Authorization".into(), KEY.into())],
            body: json!({"card_number": "4111111111111111", "cvc": "737"}),
        },
        outcome: Outcome::Response(checkout_sdk_fake::cassette::StoredResponse {
            status: 200,
            headers: Vec::new(),
            body: json!("text with 4111111111111111"),
        }),
    };
    let mut cassette = Cassette::new();
    assert!(cassette.is_empty());
    cassette.push(raw.clone());
    let stored = &cassette.interactions()[0];
    assert_eq!(stored.request.url, format!("{BASE}/payments?key=<redacted>"));
    assert_eq!(stored.request.path(), "/payments?key=<redacted>");
    assert_eq!(
        stored.request.headers,
        vec![("Authorization".to_string(), "<redacted>".to_string()), ("X-B".to_string(), "b".to_string())]
    );
    assert_eq!(stored.request.body, json!({"card_number": "************1111", "cvc": "***"}));
    assert_eq!(stored.outcome.to_result().unwrap().body, b"text with ************1111");
    assert_eq!(Cassette::from_interactions([raw]), cassette);

    // Interaction::new scrubs too.
    let live = Interaction::new(
        &request(Method::Post, "/payments", Some(payment_body())),
        &Ok(HttpResponse::new(201, Vec::new())),
    );
    assert_eq!(live.request.body["source"]["number"], json!("************4242"));
    assert_eq!(live.scrubbed().outcome.to_result().unwrap().body, Vec::<u8>::new());
}

#[test]
fn bad_cassettes_are_rejected_clearly() {
    let future = r#"{"version": 2, "interactions": []}"#;
    match Cassette::from_json_str(future) {
        Err(error @ CassetteError::UnsupportedVersion(2)) => {
            assert!(error.to_string().contains("unsupported cassette version 2"), "{error}");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(Cassette::from_json_str("not json"), Err(CassetteError::Parse(_))));
    assert!(matches!(Cassette::from_json_str(r#"{"interactions": []}"#), Err(CassetteError::Parse(_))));

    let both = r#"{"version": 1, "interactions": [{
        "request": {"method": "GET", "url": "https://x/", "headers": [], "body": null},
        "response": {"status": 200, "headers": [], "body": null},
        "error": {"kind": "timed_out", "message": "x"}
    }]}"#;
    match Cassette::from_json_str(both) {
        Err(CassetteError::Parse(message)) => {
            assert!(message.contains("both a \"response\" and an \"error\""), "{message}")
        }
        other => panic!("{other:?}"),
    }

    let missing = TempFile::new("missing");
    match Cassette::load(&missing.0) {
        Err(error @ CassetteError::Io { .. }) => {
            assert!(std::error::Error::source(&error).is_some());
            assert!(error.to_string().contains("checkout-fake-missing"), "{error}");
        }
        other => panic!("{other:?}"),
    }
    assert!(Replayer::load(&missing.0).is_err());

    let empty = Cassette::from_json_str(&format!(r#"{{"version": {CASSETTE_VERSION}, "interactions": []}}"#)).unwrap();
    assert!(empty.is_empty());
}

#[test]
fn save_creates_parent_directories_and_replayer_loads_files() {
    let (recorder, _) = record();
    let dir = TempFile::new("dir");
    let path = dir.0.join("nested").join("session.json");
    recorder.save(&path).unwrap();
    let replayer = Replayer::load(&path).unwrap();
    assert_eq!(replayer.remaining(), 4);
    assert!(format!("{replayer:?}").contains("remaining: 4"));
    std::fs::remove_dir_all(&dir.0).unwrap();
}

/// A payment that carries personal data, and a fake that echoes it back like the API does.
fn personal_session() -> (HttpRequest, FakeTransport) {
    let body = json!({
        "source": {"type": "card", "number": "4242424242424242", "expiry_month": 12, "expiry_year": 2030,
            "name": "Jane Doe", "billing_address": {"address_line1": "1 Main St", "zip": "W1T 4TJ", "city": "London"},
            "phone": {"country_code": "+44", "number": "020 7946 0958"}},
        "customer": {"email": "jane.doe@gmail.com", "name": "Jane Doe"},
        "payment_ip": "90.197.169.245",
        "amount": 1000, "currency": "GBP", "reference": "ORD-PII",
    });
    let fake = FakeTransport::new();
    fake.on(Method::Post, "/payments").reply_with(|request| {
        let sent: Value = serde_json::from_slice(&request.body).unwrap();
        Reply::json(
            201,
            json!({"id": "pay_1", "customer": {"id": "cus_udst2tfldj6upmye2reztkmm4i", "email": sent["customer"]["email"]},
                "source": {"name": sent["source"]["name"]}, "metadata": {"ip": sent["payment_ip"]}}),
        )
        .header("X-Forwarded-For", "90.197.169.245")
    });
    (request(Method::Post, "/payments", Some(body)), fake)
}

const PERSONAL: &[&str] = &["Jane", "jane", "gmail", "Main St", "W1T", "7946", "90.197", "udst2tfl"];

#[test]
fn cassettes_pseudonymize_personal_data_and_replay_still_matches() {
    let (payment, fake) = personal_session();
    let recorder = Recorder::new(fake);
    let live = send(&recorder, payment.clone()).unwrap();
    let text = recorder.to_json_string().unwrap();
    for personal in PERSONAL {
        assert!(!text.contains(personal), "{personal} in {text}");
    }
    assert!(!text.contains("personal_data"), "the default is not written: {text}");
    let document: Value = serde_json::from_str(&text).unwrap();
    let interaction = &document["interactions"][0];
    // The same email in the request and in the echo gets the same pseudonym.
    let email = interaction["request"]["body"]["customer"]["email"].as_str().unwrap();
    assert!(email.starts_with("user-") && email.ends_with("@example.com"), "{email}");
    assert_eq!(interaction["response"]["body"]["customer"]["email"], email);
    assert_eq!(interaction["response"]["body"]["source"]["name"], interaction["request"]["body"]["customer"]["name"]);
    let customer = interaction["response"]["body"]["customer"]["id"].as_str().unwrap();
    assert!(customer.starts_with("cus_pseudo"), "a valid customer id still: {customer}");
    assert_eq!(interaction["request"]["body"]["source"]["billing_address"]["city"], "London");

    // Reloaded, the cassette is unchanged, and the same live request replays.
    let cassette = Cassette::from_json_str(&text).unwrap();
    assert_eq!(cassette.to_json_string().unwrap(), text, "scrubbing twice is scrubbing once");
    let replayer = Replayer::new(cassette);
    let replayed = send(&replayer, payment).unwrap();
    assert_eq!(replayed.status, live.status);
    let replayed: Value = serde_json::from_slice(&replayed.body).unwrap();
    assert_eq!(replayed["customer"]["email"], email);
    replayer.assert_all_played();
}

#[test]
fn keeping_personal_data_is_an_explicit_opt_out_that_still_replays() {
    let (payment, fake) = personal_session();
    let recorder = Recorder::new(fake).keep_personal_data();
    send(&recorder, payment.clone()).unwrap();
    let text = recorder.to_json_string().unwrap();
    assert!(text.contains("jane.doe@gmail.com") && text.contains("90.197.169.245"), "{text}");
    assert!(text.contains("\"personal_data\": \"kept\""), "{text}");
    // Secrets and card data are scrubbed all the same.
    assert!(!text.contains("4242424242424242") && !text.contains(KEY_BODY), "{text}");
    let cassette = Cassette::from_json_str(&text).unwrap();
    assert_eq!(cassette.personal_data(), PersonalData::Kept);
    assert_eq!(cassette.to_json_string().unwrap(), text);
    let replayer = Replayer::new(cassette);
    assert_eq!(send(&replayer, payment).unwrap().status, 201);
    replayer.assert_all_played();
    assert_eq!(Cassette::new().personal_data(), PersonalData::Pseudonymized);
}
