//! Reliability: secret keys, card numbers and CVVs never leak into anything a program prints,
//! logs or stores.
//!
//! Every public type that can hold a secret key or card data is built with distinctive test
//! values — the new-style key `sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e`, the legacy key
//! `sk_test_fde517a8-3f01-41ef-b4bd-4282384b0a64`, the Visa `4242424242424242` (CVV `100`) and
//! the Amex `345678901234564` (4-digit CVV `1051`, distinctive where `100` is not) — and then
//! everything observable is collected: `{:?}` and `{}` of each value, the `Display` and `Debug`
//! of errors (bad keys, bad sources, 401/422 answers, transport failures), the panic messages of
//! the fake's assertion helpers, a cassette recorded through `Recorder` around the simulator,
//! and the `tracing` output (TRACE level, every span event) of real client calls over HTTP.
//! None of it may contain a key's secret part, a full card number (or more than its first six
//! and last four digits), or a CVV.
//!
//! When a check finds a leak it is not fixed here: the test that found it is marked
//! `#[ignore = "LEAK: ..."]` and the leak is reported with the proposed fix (see
//! `docs/reliability.md`).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use checkout_sdk::core::operation::{parse_error, GetPayment, Operation, RequestPayment};
use checkout_sdk::core::request::{IncrementalAuthorizationRequest, PaymentListQuery, ReversalRequest};
use checkout_sdk::core::retry::RetryPolicy;
use checkout_sdk::core::source::{CardNumber, Cvv, NetworkTokenSource};
use checkout_sdk::core::transport::{
    Headers, HttpRequest, HttpResponse, HttpTransport, Method, TransportError, TransportErrorKind,
};
use checkout_sdk::prelude::*;
use checkout_sdk_fake::cassette::{Cassette, Recorder, Replayer};
use checkout_sdk_fake::recording::{FakeTransport, RecordedRequest, Reply};
use checkout_sdk_hyper::{HyperTransport, TokioSleeper};
use checkout_sdk_simulator::{Fault, Simulator};
use serde_json::{json, Value};

const SBOX_KEY: &str = "sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e";
const LEGACY_KEY: &str = "sk_test_fde517a8-3f01-41ef-b4bd-4282384b0a64";
const VISA: &str = "4242424242424242";
const VISA_CVV: &str = "100";
const AMEX: &str = "345678901234564";
const AMEX_CVV: &str = "1051";
const CRYPTOGRAM: &str = "AgAAAAAAAIR8CQrXcIhbQAAAAAA=";
const SOURCE_ID: &str = "src_nwd3m4in3hkuddfpjsaevunhdy";

/// Substrings that must never appear (compared case-insensitively): the keys' secret parts, the
/// card numbers, and more than six leading digits of them (first six plus last four is the most
/// card data a log may show).
const FORBIDDEN: &[&str] = &[
    "m73dzbpy7cf3gfd46xr4yj5xo4e",
    "m73dzbpy7cf3",
    "fde517a8-3f01-41ef-b4bd-4282384b0a64",
    "fde517a8",
    "4282384b0a64",
    VISA,
    "4242424242",
    AMEX,
    "3456789012",
    "agaaaaaaair8cqrxcihbqaaaaaa",
];

/// Everything observable, by where it came from.
#[derive(Default)]
struct Evidence {
    items: Vec<(String, String)>,
}

impl Evidence {
    fn add(&mut self, label: impl Into<String>, text: impl Into<String>) {
        self.items.push((label.into(), text.into()));
    }

    /// `{:?}` of `value`.
    fn debug(&mut self, label: &str, value: &dyn std::fmt::Debug) {
        self.add(format!("{label} {{:?}}"), format!("{value:?}"));
        self.add(format!("{label} {{:#?}}"), format!("{value:#?}"));
    }

    /// `{:?}` and `{}` of `value`.
    fn both<T: std::fmt::Debug + std::fmt::Display>(&mut self, label: &str, value: &T) {
        self.debug(label, value);
        self.add(format!("{label} {{}}"), value.to_string());
    }

    /// `{:?}` and `{}` of an error, and of each of its sources.
    fn error(&mut self, label: &str, error: &(dyn std::error::Error + 'static)) {
        self.add(format!("{label} {{:?}}"), format!("{error:?}"));
        self.add(format!("{label} {{}}"), error.to_string());
        let mut source = error.source();
        while let Some(cause) = source {
            self.add(format!("{label} source"), cause.to_string());
            source = cause.source();
        }
    }

    /// Asserts nothing collected holds a secret; the message names every leak and where it was.
    fn assert_clean(&self) {
        assert!(!self.items.is_empty(), "nothing was collected");
        let leaks: Vec<String> = self
            .items
            .iter()
            .flat_map(|(label, text)| find_leaks(text).into_iter().map(move |leak| format!("{label}: {leak}")))
            .collect();
        assert!(leaks.is_empty(), "{} leaks:\n{}", leaks.len(), leaks.join("\n"));
    }
}

/// The part of `text` around byte `at`, for a readable failure message.
fn context(text: &str, at: usize) -> String {
    let mut start = at.saturating_sub(60);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (at + 60).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    format!("...{}...", &text[start..end])
}

/// Whether `text[at..at + len]` is a whole number token: no digit, letter, `.` or `-` either side,
/// so a group of a UUID, a port or a fraction of a duration does not count.
fn standalone(text: &str, at: usize, len: usize) -> bool {
    let bytes = text.as_bytes();
    let is_part = |b: u8| b.is_ascii_alphanumeric() || b == b'.' || b == b'-';
    (at == 0 || !is_part(bytes[at - 1])) && bytes.get(at + len).is_none_or(|b| !is_part(*b))
}

/// Every secret found in `text`, with its context.
fn find_leaks(text: &str) -> Vec<String> {
    let lower = text.to_ascii_lowercase();
    let mut leaks = Vec::new();
    for needle in FORBIDDEN {
        let needle = needle.to_ascii_lowercase();
        if let Some(at) = lower.find(&needle) {
            leaks.push(format!("{needle:?} in {}", context(text, at)));
        }
    }
    // The 4-digit CVV as a number of its own (not inside an id, a port or a duration).
    for (at, _) in lower.match_indices(AMEX_CVV) {
        if standalone(&lower, at, AMEX_CVV.len()) {
            leaks.push(format!("cvv {AMEX_CVV} in {}", context(text, at)));
        }
    }
    // Any CVV right after a CVV-like field name: `"cvv":"100"`, `cvv: Some(Cvv("100"))`, `cvv=100`.
    for field in ["cvv", "cvc", "security_code"] {
        for (at, _) in lower.match_indices(field) {
            let after = &lower[at + field.len()..];
            let window = &after[..after.len().min(24)];
            for cvv in [VISA_CVV, AMEX_CVV] {
                if let Some(i) = window.find(cvv) {
                    let pos = at + field.len() + i;
                    if standalone(&lower, pos, cvv.len()) {
                        leaks.push(format!("cvv {cvv} in {}", context(text, pos)));
                    }
                }
            }
        }
    }
    leaks
}

fn sbox() -> SecretKey {
    SecretKey::new(SBOX_KEY).expect("valid sk_sbox_ key")
}

fn legacy() -> SecretKey {
    SecretKey::new(LEGACY_KEY).expect("valid sk_test_ key")
}

/// The processing channel that accounts with `sk_sbox_` keys name on every payment.
fn channel() -> ProcessingChannelId {
    ProcessingChannelId::new(checkout_sdk_fake::keys::PROCESSING_CHANNEL_ID).expect("a valid channel id")
}

fn visa_card() -> CardSource {
    CardSource::new(VISA, 6, 2030).and_then(|c| c.cvv(VISA_CVV)).expect("valid Visa").name("Jane Doe").billing_address(
        checkout_sdk::core::source::Address::new().address_line1("1 Main St").city("London").country("GB"),
    )
}

fn amex_card() -> CardSource {
    CardSource::new(AMEX, 6, 2030).and_then(|c| c.cvv(AMEX_CVV)).expect("valid Amex")
}

fn payment_request(source: impl Into<PaymentSource>, amount: u64, reference: &str) -> PaymentRequest {
    PaymentRequest::builder(source, amount, Currency::USD).reference(reference).build().expect("valid request")
}

/// The sources that can hold card data, built every way the SDK allows (network tokens apart:
/// see [`network_token_sources`]).
fn sources() -> Vec<(&'static str, PaymentSource)> {
    let mut id = IdSource::new(SOURCE_ID.parse().expect("valid source id"));
    id.cvv = Some(Cvv::new(AMEX_CVV).expect("valid cvv"));
    let infer = |v: Value| PaymentSource::infer(v).expect("inferable source");
    vec![
        ("card", visa_card().into()),
        ("amex card", amex_card().into()),
        ("inferred card", infer(json!({"number": AMEX, "expiry_month": 6, "expiry_year": 2030, "cvv": AMEX_CVV}))),
        (
            "inferred card, numeric cvv",
            infer(json!({"number": VISA, "expiry_month": 6, "expiry_year": 2030, "cvv": 1051})),
        ),
        ("id source with cvv", id.into()),
        ("inferred id source with cvv", infer(json!({"id": SOURCE_ID, "cvv": AMEX_CVV}))),
        (
            "alternative with card fields",
            AlternativeSource::new("klarna")
                .field("number", AMEX)
                .field("card_number", VISA)
                .field("cvv", AMEX_CVV)
                .field("nested", json!({"pan": VISA, "cvc": AMEX_CVV, "list": [{"number": AMEX}]}))
                .into(),
        ),
        // An explicit `card` whose fields do not fit is kept as given, as an alternative source.
        ("untyped card", infer(json!({"type": "card", "number": VISA, "cvv": AMEX_CVV}))),
        (
            "untyped card, bad expiry",
            infer(json!({"type": "card", "number": AMEX, "expiry_month": "x", "cvv": AMEX_CVV})),
        ),
    ]
}

/// Network tokens: the token is a PAN-like number (a device PAN) with a cryptogram.
fn network_token_sources() -> Vec<(&'static str, PaymentSource)> {
    let network: NetworkTokenSource = serde_json::from_value(json!({
        "token": VISA, "expiry_month": 6, "expiry_year": 2030, "token_type": "vts",
        "cryptogram": CRYPTOGRAM, "eci": "05",
    }))
    .expect("valid network token");
    let inferred = PaymentSource::infer(json!({
        "type": "network_token", "token": AMEX, "expiry_month": 6, "expiry_year": 2030,
        "token_type": "mdes", "cryptogram": CRYPTOGRAM,
    }))
    .expect("valid network token");
    vec![("network token", network.into()), ("inferred network token", inferred)]
}

#[test]
fn keys_configs_and_clients_never_show_the_key() {
    let mut ev = Evidence::default();
    for (name, key) in [("sbox key", sbox()), ("legacy key", legacy())] {
        ev.both(name, &key);
        let config = Config::sandbox(key.clone()).with_user_agent_suffix("shop/1.0");
        ev.debug(&format!("{name} config"), &config);
        ev.debug(&format!("{name} environment"), config.environment());
        let core = checkout_sdk::core::Client::new(config.clone(), FakeTransport::new());
        ev.debug(&format!("{name} core client"), &core);
        ev.debug(&format!("{name} core client retry policy"), core.retry_policy());
        let sdk = Client::builder()
            .config(config.clone())
            .transport(HyperTransport::builder().timeout(Duration::from_secs(1)).build())
            .retry_policy(RetryPolicy::default())
            .build()
            .expect("a client");
        ev.debug(&format!("{name} sdk client"), &sdk);
        ev.debug(
            &format!("{name} sdk client (fake)"),
            &Client::builder()
                .config(config)
                .transport(FakeTransport::new())
                .retry_policy(RetryPolicy::none())
                .build()
                .expect("a client"),
        );
        let vars = |var: &str| match var {
            "CKO_SECRET_KEY" => Some(key.expose().to_string()),
            _ => None,
        };
        ev.debug(
            &format!("{name} config from vars"),
            &checkout_sdk::ClientBuilder::from_vars(vars).build().map(|c| c.config().clone()).expect("valid"),
        );
    }
    ev.debug("hyper transport", &HyperTransport::builder().build());
    ev.assert_clean();
}

#[test]
fn card_data_types_show_at_most_the_last_four_digits() {
    let mut ev = Evidence::default();
    for pan in [VISA, AMEX, "4242 4242 4242 4242", "3456-789012-34564"] {
        ev.both(pan, &CardNumber::new(pan).expect("valid card number"));
    }
    for cvv in [VISA_CVV, AMEX_CVV] {
        ev.both("cvv", &Cvv::new(cvv).expect("valid cvv"));
    }
    ev.debug("visa card source", &visa_card());
    ev.debug("amex card source", &amex_card());
    for (name, source) in sources().into_iter().chain(network_token_sources()) {
        ev.debug(name, &source);
        let request = payment_request(source.clone(), 6500, "ORD-1");
        ev.debug(&format!("{name}: payment request"), &request);
        ev.debug(
            &format!("{name}: payment request builder"),
            &PaymentRequest::builder(source, 6500, Currency::GBP).reference("ORD-2").three_ds(true),
        );
    }
    let from_json = PaymentRequest::from_json(json!({
        "source": {"number": AMEX, "expiry_month": 6, "expiry_year": 2030, "cvv": AMEX_CVV},
        "amount": 6500, "currency": "usd", "reference": "ORD-3", "threeds": {"enabled": true},
    }))
    .expect("valid request");
    ev.debug("payment request from json", &from_json);
    ev.debug("request payment operation", &RequestPayment::new(from_json));
    ev.assert_clean();
}

#[test]
fn http_requests_headers_and_recordings_hide_the_key_and_the_card() {
    let mut ev = Evidence::default();
    let fake = FakeTransport::new();
    for (name, key) in [("sbox", sbox()), ("legacy", legacy())] {
        for (source_name, source) in sources() {
            let op = RequestPayment::new(payment_request(source, 6500, "ORD-1"));
            let request = op.build_request(&Config::sandbox(key.clone())).expect("buildable");
            assert!(request.headers.get("authorization").is_some_and(|v| v.contains(key.expose())));
            ev.debug(&format!("{name} {source_name}: http request"), &request);
            ev.debug(&format!("{name} {source_name}: headers"), &request.headers);
            ev.debug(&format!("{name} {source_name}: recorded request"), &RecordedRequest::from(&request));
            let _ = fake.respond(request);
        }
        let get = GetPayment::new("pay_mbabizu24mvu3mela5njyhpit4".parse::<PaymentRef>().expect("valid id"))
            .build_request(&Config::sandbox(key.clone()))
            .expect("buildable");
        ev.debug(&format!("{name} get request"), &get);
    }
    let mut headers = Headers::new();
    headers.insert("authorization", format!("Bearer {SBOX_KEY}"));
    headers.append("Proxy-Authorization", LEGACY_KEY);
    headers.append("Cookie", format!("key={SBOX_KEY}"));
    ev.debug("hand-made headers", &headers);
    // A body that is not JSON still has its card number masked when shown.
    let form = HttpRequest {
        method: Method::Post,
        url: "https://api.sandbox.checkout.com/payments".into(),
        headers: headers.clone(),
        body: format!("number={AMEX}&key={SBOX_KEY}").into(),
        timeout: None,
    };
    ev.debug("form request", &form);
    ev.debug("form recorded request", &RecordedRequest::from(&form));
    ev.debug("fake transport", &fake);
    ev.debug("recorded requests", &fake.requests());
    ev.add("unanswered", fake.unanswered().join("\n"));
    let response = HttpResponse::new(201, format!("{{\"number\": \"{VISA}\"}}")).with_header("Set-Cookie", SBOX_KEY);
    ev.debug("http response", &response);
    ev.assert_clean();
}

/// Runs `f`, which must panic, and returns the panic message.
fn panic_message(f: impl FnOnce()) -> String {
    let payload = catch_unwind(AssertUnwindSafe(f)).expect_err("the assertion should have failed");
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_string()))
        .unwrap_or_default()
}

#[test]
fn failed_fake_assertions_do_not_print_the_key_or_the_card() {
    let mut ev = Evidence::default();
    let fake = FakeTransport::new();
    let request = RequestPayment::new(payment_request(amex_card(), 6500, "ORD-1"))
        .build_request(&Config::sandbox(sbox()))
        .expect("buildable");
    let _ = fake.respond(request);
    ev.add(
        "header mismatch",
        panic_message(|| {
            let _ = fake.assert_request(0).header("Authorization", "Bearer other");
        }),
    );
    ev.add(
        "body mismatch",
        panic_message(|| {
            let _ = fake.assert_request(0).json_body(json!({"amount": 1}));
        }),
    );
    ev.add(
        "body subset mismatch",
        panic_message(|| {
            let _ = fake.assert_request(0).json_body_includes(json!({"source": {"number": VISA}}));
        }),
    );
    ev.add(
        "no such header",
        panic_message(|| {
            let _ = fake.assert_request(0).no_header("Authorization");
        }),
    );
    ev.add(
        "empty body",
        panic_message(|| {
            let _ = fake.assert_request(0).empty_body();
        }),
    );
    ev.add("not exhausted", panic_message(|| fake.assert_exhausted()));
    ev.add("request count", panic_message(|| fake.assert_request_count(5)));
    assert!(ev.items.iter().all(|(_, message)| !message.is_empty()), "every assertion failed with a message");
    ev.assert_clean();
}

/// A transport error through the real hyper transport: nothing listens on the port.
async fn refused(key: SecretKey) -> Error {
    let port = std::net::TcpListener::bind(("127.0.0.1", 0)).and_then(|l| l.local_addr()).expect("free port").port();
    let config = Config::new(key, Environment::custom(&format!("http://127.0.0.1:{port}")).expect("loopback URL"));
    let client = Client::builder()
        .config(config)
        .transport(HyperTransport::builder().timeout(Duration::from_secs(2)).build())
        .retry_policy(
            RetryPolicy::default().with_max_retries(1).with_backoff(Duration::from_millis(1), Duration::from_millis(1)),
        )
        .build()
        .expect("a client");
    client.payments().request(payment_request(amex_card(), 6500, "ORD-1")).await.expect_err("nothing listens")
}

#[tokio::test(flavor = "current_thread")]
async fn errors_never_quote_the_key_or_the_card() {
    let mut ev = Evidence::default();
    // Keys that are refused: the message says why without echoing any of it.
    for bad in [
        format!("{SBOX_KEY} "),
        format!(" {SBOX_KEY}"),
        SBOX_KEY.to_ascii_uppercase(),
        format!("{SBOX_KEY}0189"),
        SBOX_KEY.replace("sk_", "pk_"),
        format!("Bearer {SBOX_KEY}"),
        LEGACY_KEY.replace('-', "_"),
        format!("{LEGACY_KEY}x"),
        LEGACY_KEY.replace("sk_test_", "sk_live_"),
    ] {
        let error = SecretKey::new(bad.clone()).expect_err("refused key");
        ev.error("invalid key", &error);
        ev.error("invalid key as Error", &Error::from(error));
        let vars = |var: &str| (var == "CKO_SECRET_KEY").then(|| bad.clone());
        ev.error(
            "invalid key from vars",
            &checkout_sdk::ClientBuilder::from_vars(vars).build().map(|c| c.config().clone()).expect_err("refused"),
        );
        let sandbox = checkout_sdk::Client::sandbox(&bad).expect_err("refused");
        ev.error("invalid key for Client::sandbox", &sandbox);
    }
    // Card data that is refused before sending.
    ev.error("bad expiry month", &CardSource::new(VISA, 13, 2030).expect_err("refused"));
    ev.error("bad card number", &CardNumber::new(&format!("{AMEX}x")).expect_err("refused"));
    ev.error("bad cvv", &Cvv::new(&format!("{AMEX_CVV}9")).expect_err("refused"));
    ev.error("bad cvv on a card", &CardSource::new(AMEX, 6, 2030).and_then(|c| c.cvv("1O51")).expect_err("refused"));
    for (name, source) in [
        ("expiry as a word", json!({"number": VISA, "expiry_month": "June", "expiry_year": 2030, "cvv": VISA_CVV})),
        ("expiry out of range", json!({"number": AMEX, "expiry_month": 6, "expiry_year": 99_999, "cvv": AMEX_CVV})),
        ("cvv as a list", json!({"number": AMEX, "expiry_month": 6, "expiry_year": 2030, "cvv": [AMEX_CVV]})),
        ("cvv too long", json!({"number": AMEX, "expiry_month": 6, "expiry_year": 2030, "cvv": "10519"})),
        ("number as a float", json!({"number": 345678901234564.0, "expiry_month": 6, "expiry_year": 2030})),
        ("number too long", json!({"number": format!("{VISA}{AMEX}"), "expiry_month": 6, "expiry_year": 2030})),
        ("id with cvv, bad id", json!({"id": "src_bad/../x", "cvv": AMEX_CVV})),
        ("customer with a number", json!({"email": 4242424242424242u64, "cvv": AMEX_CVV})),
    ] {
        let error = PaymentSource::infer(source.clone()).expect_err("refused source");
        ev.error(name, &error);
        let request = PaymentRequest::from_json(json!({"source": source, "amount": 6500, "currency": "USD"}));
        ev.error(&format!("{name} (request from json)"), &request.expect_err("refused request"));
    }
    // Answers that are errors: 401 and 422 from a fake, and from the simulator.
    let fake = FakeTransport::new();
    fake.push(Reply::empty(401).header("Cko-Request-Id", "req_401"));
    fake.push(
        Reply::json(
            422,
            json!({"request_id": "req_422", "error_type": "request_invalid", "error_codes": ["card_expired"],
                "source": {"number": VISA, "cvv": AMEX_CVV}}),
        )
        .header("Cko-Request-Id", "req_422"),
    );
    fake.push(Reply::raw(500, format!("<html>{SBOX_KEY} {VISA}</html>")));
    let client = Client::builder()
        .config(Config::sandbox(sbox()))
        .transport(fake.clone())
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("a client");
    for _ in 0..3 {
        let error = client.payments().request(payment_request(visa_card(), 6500, "ORD-1")).await.expect_err("error");
        ev.error("fake error answer", &error);
    }
    let sim = Simulator::seeded(11);
    for (name, key) in [("sbox", sbox()), ("legacy", legacy())] {
        let client =
            checkout_sdk::core::Client::new(Config::sandbox(key).with_processing_channel(channel()), sim.clone());
        let expired = CardSource::new(AMEX, 6, 2019).and_then(|c| c.cvv(AMEX_CVV)).expect("well-formed");
        let error = client.payments().request(payment_request(expired, 6500, "ORD-OLD")).await.expect_err("422");
        ev.error(&format!("{name} simulator 422"), &error);
        ev.error(
            &format!("{name} simulator 404"),
            &client.payments().get("pay_aaaaaaaaaaaaaaaaaaaaaaaaaa").await.unwrap_err(),
        );
    }
    // A public key where a secret key belongs is a 401 from the simulator.
    let mut unauthorised = RequestPayment::new(payment_request(amex_card(), 6500, "ORD-PK"))
        .build_request(&Config::sandbox(sbox()))
        .expect("buildable");
    unauthorised.headers.insert("Authorization", format!("Bearer {}", SBOX_KEY.replace("sk_", "pk_")));
    let answer = sim.handle(&unauthorised).into_response();
    assert_eq!(answer.status, 401);
    ev.error("simulator 401", &parse_error(&answer));
    // Transport failures through hyper.
    ev.error("refused (sbox)", &refused(sbox()).await);
    ev.error("refused (legacy)", &refused(legacy()).await);
    let transport = HyperTransport::builder().timeout(Duration::from_secs(1)).build();
    let mut request = RequestPayment::new(payment_request(amex_card(), 6500, "ORD-1"))
        .build_request(&Config::sandbox(sbox()))
        .expect("buildable");
    request.url = "http://api.example.com/payments".into();
    let error = transport.send(request.clone()).await.expect_err("plain http to a remote host is refused");
    ev.error("plain http refused", &error);
    request.headers.insert("Authorization", format!("Bearer {SBOX_KEY}\n"));
    request.url = "http://127.0.0.1:9/payments".into();
    let error = transport.send(request).await.expect_err("invalid header value");
    assert_eq!(error.kind(), TransportErrorKind::NotSent);
    ev.error("invalid header value", &error);
    ev.error("transport error", &TransportError::interrupted("connection reset"));
    ev.assert_clean();
}

/// A [`std::io::Write`] into a shared buffer, for the tracing subscriber.
#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A subscriber that records every span and event, at every level, as plain text into `writer`.
fn capturing_subscriber(writer: Buffer) -> impl tracing::Subscriber + Send + Sync {
    // With a single registered dispatcher, tracing computes the interest of a callsite first hit
    // on another test's thread from that thread's (absent) subscriber, and caches "never": a
    // second, silent dispatcher alive for the whole process makes it ask every registered one.
    static SECOND: std::sync::OnceLock<tracing::Dispatch> = std::sync::OnceLock::new();
    SECOND.get_or_init(|| tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default()));
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish()
}

impl Buffer {
    fn clear(&self) {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clear();
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)).into_owned()
    }
}

/// Payments, lookups, captures, a decline, a refusal and retries through `client`.
async fn lifecycle(client: &checkout_sdk::core::Client, sim: &Simulator, ev: &mut Evidence, label: &str) {
    let payments = client.payments();
    sim.inject_next(Fault::Status(503));
    sim.inject_next(Fault::DropAfterProcessing);
    let visa = payments.request(payment_request(visa_card(), 6500, "ORD-V")).await.expect("approved after retries");
    ev.debug(&format!("{label}: visa payment"), &visa);
    let amex = payments.request(payment_request(amex_card(), 7500, "ORD-A")).await.expect("approved");
    ev.debug(&format!("{label}: amex payment"), &amex);
    sim.inject_next(Fault::TooManyRequests { retry_after: 0 });
    ev.debug(&format!("{label}: get"), &payments.get(&amex.id).await.expect("found"));
    ev.debug(&format!("{label}: capture"), &payments.capture(&amex.id, ActionRequest::full()).await.expect("captured"));
    ev.debug(&format!("{label}: actions"), &payments.actions(&amex.id).await.expect("listed"));
    let expired = CardSource::new(AMEX, 6, 2019).and_then(|c| c.cvv(AMEX_CVV)).expect("well-formed");
    let error = payments.request(payment_request(expired, 6500, "ORD-OLD")).await.expect_err("422");
    ev.error(&format!("{label}: 422"), &error);
}

#[test]
fn tracing_output_of_client_calls_has_no_secrets() {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = capturing_subscriber(writer);
    let mut ev = Evidence::default();
    tracing::subscriber::with_default(subscriber, || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        runtime.block_on(async {
            let sim = Simulator::seeded(3);
            let server = checkout_sdk_sandbox::serve(([127, 0, 0, 1], 0).into(), sim.clone()).await.expect("bind");
            let policy = RetryPolicy::default()
                .with_max_retries(3)
                .with_backoff(Duration::from_millis(1), Duration::from_millis(5));
            for (name, key) in [("sbox", sbox()), ("legacy", legacy())] {
                let config = Config::new(key, Environment::custom(&server.base_url()).expect("loopback URL"))
                    .with_processing_channel(channel());
                let transport = HyperTransport::builder().timeout(Duration::from_secs(5)).build();
                let client = Client::builder()
                    .config(config)
                    .transport(transport)
                    .retry_policy(policy.clone())
                    .build()
                    .expect("a client");
                lifecycle(client.as_core(), &sim, &mut ev, &format!("tracing {name} over http")).await;
            }
            ev.error("tracing refused", &refused(sbox()).await);
            server.shutdown().await;
        });
    });
    let text = buffer.text();
    // Not vacuous: the core's spans and retry events were captured, with their fields.
    assert!(text.contains("checkout_sdk_core"), "the core's spans were not captured:\n{text}");
    assert!(text.contains("retry"), "the retry events were not captured:\n{text}");
    assert!(text.contains("attempt=2") && text.contains("status=201"), "fields were not captured:\n{text}");
    ev.add("tracing output", text);
    ev.assert_clean();
}

#[tokio::test(flavor = "current_thread")]
async fn cassettes_recorded_around_the_simulator_are_scrubbed() {
    let mut ev = Evidence::default();
    let sim = Simulator::seeded(5);
    let recorder = Recorder::new(sim.clone());
    let policy =
        RetryPolicy::default().with_max_retries(3).with_backoff(Duration::from_millis(1), Duration::from_millis(5));
    for (name, key) in [("sbox", sbox()), ("legacy", legacy())] {
        let client = checkout_sdk::core::Client::builder(
            Config::sandbox(key).with_processing_channel(channel()),
            recorder.clone(),
        )
        .sleeper(TokioSleeper::new())
        .retry_policy(policy.clone())
        .build();
        lifecycle(&client, &sim, &mut ev, &format!("cassette {name}")).await;
    }
    assert!(recorder.len() >= 16, "only {} interactions were recorded", recorder.len());
    ev.debug("recorder", &recorder);
    ev.debug("interactions", &recorder.interactions());
    let text = recorder.to_json_string().expect("serialisable");
    assert!(text.contains("\"error\""), "the dropped connection is in the cassette:\n{text}");
    ev.add("cassette json", text.clone());
    // The file written to disk is the same scrubbed document.
    let path = std::env::temp_dir().join(format!("checkout-no-leaks-{}.json", std::process::id()));
    recorder.save(&path).expect("writable temp dir");
    let saved = std::fs::read_to_string(&path).expect("readable");
    let _ = std::fs::remove_file(&path);
    ev.add("cassette file", saved);
    // Replaying it: a request that matches nothing is described without its secrets.
    let cassette = Cassette::from_json_str(&text).expect("readable cassette");
    ev.debug("cassette", &cassette);
    let replayer = Replayer::new(cassette);
    let client = checkout_sdk::core::Client::new(Config::sandbox(sbox()), replayer.clone());
    let error = client.payments().request(payment_request(amex_card(), 1234, "ORD-NEW")).await.expect_err("no match");
    ev.error("replay mismatch", &error);
    ev.add("replay failures", replayer.failures().join("\n"));
    ev.debug("replayer", &replayer);
    ev.add("replay not all played", panic_message(|| replayer.assert_all_played()));
    ev.assert_clean();
}

/// Network tokens are card numbers too: a recorded request, the fake's request log and a cassette
/// show at most their last four digits.
#[tokio::test(flavor = "current_thread")]
async fn network_tokens_are_masked_in_recordings_and_cassettes() {
    let mut ev = Evidence::default();
    let fake = FakeTransport::new();
    let sim = Simulator::seeded(9);
    let recorder = Recorder::new(sim.clone());
    for (name, source) in network_token_sources() {
        let request = RequestPayment::new(payment_request(source.clone(), 6500, "ORD-NT"))
            .build_request(&Config::sandbox(sbox()))
            .expect("buildable");
        ev.debug(&format!("{name}: http request"), &request);
        ev.debug(&format!("{name}: recorded request"), &RecordedRequest::from(&request));
        let _ = fake.respond(request);
        let client = checkout_sdk::core::Client::new(Config::sandbox(sbox()), recorder.clone());
        match client.payments().request(payment_request(source, 6500, "ORD-NT")).await {
            Ok(payment) => ev.debug(&format!("{name}: payment"), &payment),
            Err(error) => ev.error(&format!("{name}: payment"), &error),
        }
    }
    ev.debug("fake requests", &fake.requests());
    ev.add("cassette json", recorder.to_json_string().expect("serialisable"));
    ev.assert_clean();
}

/// A hostile or broken server that echoes card data in a field of the wrong type: the decode
/// error describes the problem without quoting the value.
#[tokio::test(flavor = "current_thread")]
async fn decode_errors_do_not_quote_card_data_from_the_body() {
    let mut ev = Evidence::default();
    let fake = FakeTransport::new();
    for body in [
        json!({"id": 4242424242424242u64, "source": {"number": VISA}}),
        json!({"id": [VISA, AMEX_CVV]}),
        json!({"id": {"number": AMEX}}),
        json!({"id": 1051}),
    ] {
        fake.push(Reply::json(201, body).header("Cko-Request-Id", "req_hostile"));
    }
    fake.push(Reply::raw(201, format!("{{\"id\": \"pay_x\", \"number\": {VISA}")));
    let client = Client::builder()
        .config(Config::sandbox(sbox()))
        .transport(fake)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("a client");
    for _ in 0..5 {
        let error = client.payments().request(payment_request(amex_card(), 6500, "ORD-1")).await.expect_err("hostile");
        assert!(matches!(error.kind(), ErrorKind::Decode(_)), "{error:?}");
        ev.error("decode error", &error);
    }
    ev.assert_clean();
}

/// A key pasted into the wrong setting (`CKO_BASE_URL` or `CKO_ENVIRONMENT`) is refused without
/// being echoed back.
#[test]
fn a_key_in_the_wrong_setting_is_not_echoed() {
    let mut ev = Evidence::default();
    for value in [SBOX_KEY.to_string(), LEGACY_KEY.to_string(), format!("https://{SBOX_KEY}@api.checkout.com")] {
        for var in ["CKO_BASE_URL", "CKO_ENVIRONMENT"] {
            let vars = |name: &str| match name {
                "CKO_SECRET_KEY" => Some(SBOX_KEY.to_string()),
                n if n == var => Some(value.clone()),
                _ => None,
            };
            let error =
                checkout_sdk::ClientBuilder::from_vars(vars).build().map(|c| c.config().clone()).expect_err("refused");
            ev.error(&format!("{var} holding a key"), &error);
        }
        ev.error("Environment::custom", &Environment::custom(&value).expect_err("refused"));
        ev.error("Environment::from_str", &value.parse::<Environment>().expect_err("refused"));
    }
    ev.assert_clean();
}

// =============================================================================================
// Planted secrets through every output channel: a property test (issue 9)
// =============================================================================================
//
// Each case draws a fresh secret key (one of the four formats), two Luhn-valid card numbers and a
// CVV, and plants them, spelled many ways, in a payment request (source, metadata, reference,
// description, unknown fields), in the configuration (user agent, base URL), and in what the
// server answers: the echoed body, headers, link hrefs and rels, error bodies, a hostile answer.
// Real client calls go through a recording fake wrapped in a cassette recorder, with a TRACE
// tracing subscriber capturing everything; then every output channel is rendered and searched.

mod planted {
    use super::*;
    use proptest::prelude::*;

    /// Every spelling of a secret key the test plants.
    pub(super) const KEY_SPELLINGS: usize = 6;
    /// Every spelling of a card number the test plants.
    pub(super) const CARD_SPELLINGS: usize = 8;
    /// The field names a CVV is planted under.
    pub(super) const CVV_FIELDS: &[&str] =
        &["cvv", "card_cvv", "cvc", "cvv2", "security_code", "securityCode", "CVC2", "cardSecurityCode"];
    /// How a CVV value is written: a string, a number, in an array, in an object.
    const CVV_SHAPES: usize = 4;
    /// Numbers that appear near CVV fields for other reasons (statuses, amounts, expiry).
    const NOT_A_CVV: &[u16] = &[200, 201, 202, 204, 404, 422, 429, 500, 502, 503, 1000, 2030, 6500];

    /// The secrets of one case and where and how they are planted.
    #[derive(Debug, Clone)]
    pub(super) struct Plant {
        pub(super) key: String,
        pub(super) pan: String,
        /// 13-15 digits, so it is exact as an `f64`.
        pub(super) float_pan: String,
        pub(super) cvv: String,
        pub(super) key_spellings: [usize; 8],
        pub(super) card_spellings: [usize; 10],
        pub(super) cvv_fields: [usize; 6],
        pub(super) cvv_shapes: [usize; 6],
        pub(super) alternative_source: bool,
        /// Which answer follows the payment: an error body, a hostile answer, or an action.
        pub(super) follow_up: usize,
        pub(super) glued_id: bool,
    }

    fn uuid() -> impl Strategy<Value = String> {
        "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    }

    fn base32_body() -> impl Strategy<Value = String> {
        "[a-z2-7]{26}[a-z2-7*#$=]?"
    }

    /// A valid secret key in one of the four formats.
    fn secret_key() -> impl Strategy<Value = String> {
        prop_oneof![
            uuid().prop_map(|u| format!("sk_test_{u}")),
            uuid().prop_map(|u| format!("sk_{u}")),
            base32_body().prop_map(|b| format!("sk_sbox_{b}")),
            base32_body().prop_map(|b| format!("sk_{b}")),
        ]
    }

    /// A Luhn-valid number of `len` digits that does not start with 0.
    pub(super) fn luhn_number(first: u8, rest: &[u8], len: usize) -> String {
        let mut digits: Vec<u32> =
            std::iter::once(u32::from(first)).chain(rest.iter().map(|d| u32::from(*d))).collect();
        digits.truncate(len - 1);
        let sum: u32 = digits
            .iter()
            .rev()
            .enumerate()
            .map(|(i, d)| if i % 2 == 0 { (2 * d) % 10 + (2 * d) / 10 } else { *d })
            .sum();
        digits.push((10 - sum % 10) % 10);
        digits.iter().map(|d| char::from(b'0' + *d as u8)).collect()
    }

    fn card_number(lengths: std::ops::RangeInclusive<usize>) -> impl Strategy<Value = String> {
        (lengths, 1u8..10, proptest::collection::vec(0u8..10, 18))
            .prop_map(|(len, first, rest)| luhn_number(first, &rest, len))
    }

    pub(super) fn plant() -> impl Strategy<Value = Plant> {
        (
            secret_key(),
            card_number(13..=19),
            card_number(13..=15),
            (100u16..10_000).prop_filter("a number that appears for other reasons", |c| !NOT_A_CVV.contains(c)),
            proptest::array::uniform8(0..KEY_SPELLINGS),
            proptest::array::uniform10(0..CARD_SPELLINGS),
            proptest::array::uniform6(0..CVV_FIELDS.len()),
            proptest::array::uniform6(0..CVV_SHAPES),
            any::<bool>(),
            0usize..11,
            any::<bool>(),
        )
            .prop_map(
                |(
                    key,
                    pan,
                    float_pan,
                    cvv,
                    key_spellings,
                    card_spellings,
                    cvv_fields,
                    cvv_shapes,
                    alternative_source,
                    follow_up,
                    glued_id,
                )| Plant {
                    key,
                    pan,
                    float_pan,
                    cvv: cvv.to_string(),
                    key_spellings,
                    card_spellings,
                    cvv_fields,
                    cvv_shapes,
                    alternative_source,
                    follow_up,
                    glued_id,
                },
            )
            // The last four digits of a card may show: a CVV equal to them would be found there.
            .prop_filter("a CVV that is not the end of a planted card number", |p| {
                !p.pan.ends_with(&p.cvv) && !p.float_pan.ends_with(&p.cvv)
            })
    }

    impl Plant {
        /// The key spelled the `n`th way: plain, after `Bearer`, glued to text, upper-cased,
        /// percent-encoded, or JSON-escaped.
        pub(super) fn key(&self, n: usize) -> String {
            let key = &self.key;
            match self.key_spellings[n % self.key_spellings.len()] {
                0 => key.clone(),
                1 => format!("Bearer {key}"),
                2 => format!("ref{key}x"),
                3 => format!("x{}", key.to_ascii_uppercase()),
                4 => key.replace('_', "%5F").replace('-', "%2D"),
                _ => key.replace('_', "\\u005f"),
            }
        }

        /// A card number spelled the `n`th way, as text: plain, spaced, dashed, the float, glued
        /// to words, in a sentence, in a query string, glued to a word and spaced.
        pub(super) fn card_text(&self, n: usize) -> String {
            let pan = &self.pan;
            let grouped = |sep: &str| {
                pan.as_bytes()
                    .chunks(4)
                    .map(|c| std::str::from_utf8(c).unwrap_or_default())
                    .collect::<Vec<_>>()
                    .join(sep)
            };
            match self.card_spellings[n % self.card_spellings.len()] {
                0 => pan.clone(),
                1 => grouped(" "),
                2 => grouped("-"),
                3 => format!("{}.0", self.float_pan),
                4 => format!("gift{pan}card"),
                5 => format!("card no. {}, thanks", grouped(" ")),
                6 => format!("?ref={pan}&x=1"),
                _ => format!("for Jo:{}", grouped("-")),
            }
        }

        /// A card number as a JSON value: an integer, a float, or one of the text spellings.
        pub(super) fn card_value(&self, n: usize) -> Value {
            match self.card_spellings[n % self.card_spellings.len()] {
                0 => json!(self.pan.parse::<u64>().expect("at most 19 digits")),
                3 => json!(self.float_pan.parse::<u64>().expect("at most 15 digits") as f64),
                _ => json!(self.card_text(n)),
            }
        }

        /// A card number fit for a URL path: plain or dashed.
        pub(super) fn card_in_url(&self, n: usize) -> String {
            if self.card_spellings[n % self.card_spellings.len()] % 2 == 0 {
                self.pan.clone()
            } else {
                self.pan
                    .as_bytes()
                    .chunks(4)
                    .map(|c| std::str::from_utf8(c).unwrap_or_default())
                    .collect::<Vec<_>>()
                    .join("-")
            }
        }

        /// The `n`th CVV field name.
        pub(super) fn cvv_field(&self, n: usize) -> &'static str {
            CVV_FIELDS[self.cvv_fields[n % self.cvv_fields.len()]]
        }

        /// The CVV written the `n`th way.
        pub(super) fn cvv_value(&self, n: usize) -> Value {
            match self.cvv_shapes[n % self.cvv_shapes.len()] {
                0 => json!(self.cvv),
                1 => json!(self.cvv.parse::<u32>().expect("digits")),
                2 => json!([self.cvv]),
                _ => json!({"value": self.cvv}),
            }
        }

        /// `{"<cvv field>": <cvv>}` for the `n`th field and shape.
        pub(super) fn cvv_object(&self, n: usize) -> Value {
            json!({ self.cvv_field(n): self.cvv_value(n) })
        }
    }

    /// The parts of the key that must never show (the kind prefix may).
    fn key_fragments(key: &str) -> Vec<String> {
        let body = key.strip_prefix("sk_sbox_").or_else(|| key.strip_prefix("sk_test_")).unwrap_or(&key[3..]);
        if body.len() == 36 && body.as_bytes()[8] == b'-' {
            // A UUID: its first and last groups (dashes may be spelled `%2D`).
            vec![body[..8].to_ascii_lowercase(), body[24..].to_ascii_lowercase()]
        } else {
            vec![body[..12].to_ascii_lowercase(), body[body.len() - 12..].to_ascii_lowercase()]
        }
    }

    /// Every leak of `plant`'s secrets in `text`.
    pub(super) fn leaks(plant: &Plant, text: &str) -> Vec<String> {
        let lower = text.to_ascii_lowercase();
        let mut found = Vec::new();
        for fragment in key_fragments(&plant.key) {
            if let Some(at) = lower.find(&fragment) {
                found.push(format!("key fragment {fragment:?} in {}", context(text, at)));
            }
        }
        // Card digits, however grouped (spaces, dashes): more than the last four digits of a card
        // in one number. Every spelling starts with the card's first four digits in a row.
        let bytes = text.as_bytes();
        for pan in [&plant.pan, &plant.float_pan] {
            let hidden = &pan.as_bytes()[..pan.len() - 4];
            for (at, _) in text.match_indices(&pan[..4]) {
                let (mut i, mut matched) = (at, 0);
                while i < bytes.len() && matched < hidden.len() {
                    match bytes[i] {
                        b' ' | b'-' => {}
                        b if b == hidden[matched] => matched += 1,
                        _ => break,
                    }
                    i += 1;
                }
                if matched == hidden.len() {
                    found.push(format!("card digits {} in {}", &pan[..pan.len() - 4], context(text, at)));
                }
            }
        }
        // The CVV as a number of its own, shortly after a CVV-like field name.
        for (pos, _) in lower.match_indices(plant.cvv.as_str()) {
            if !standalone(&lower, pos, plant.cvv.len()) {
                continue;
            }
            let mut from = pos.saturating_sub(40);
            while !lower.is_char_boundary(from) {
                from -= 1;
            }
            let before = &lower[from..pos];
            if ["cvv", "cvc", "securitycode", "security_code"].iter().any(|word| before.contains(word)) {
                found.push(format!("cvv {} in {}", plant.cvv, context(text, pos)));
            }
        }
        found
    }

    /// The error's texts: `Display`, `Debug` (both forms), its API details and its sources. The
    /// one place that knows how errors are rendered, so a reshaped error type changes only this.
    pub(super) fn error_texts(error: &Error) -> Vec<(String, String)> {
        let mut texts =
            vec![("error {}".to_string(), error.to_string()), ("error {:?}".to_string(), format!("{error:?}"))];
        if let Some(api) = error.api_error() {
            texts.push(("api error {}".to_string(), api.to_string()));
            texts.push(("api error {:?}".to_string(), format!("{api:?}")));
        }
        let mut source = std::error::Error::source(error);
        while let Some(cause) = source {
            texts.push(("error source".to_string(), cause.to_string()));
            source = cause.source();
        }
        texts
    }

    /// The error an HTTP error answer gives, through the core's one error parser.
    pub(super) fn error_from_answer(response: &HttpResponse) -> Error {
        parse_error(response)
    }

    /// A client over `transport` that does not retry (the fake answers at once).
    pub(super) fn client_over(config: Config, transport: impl HttpTransport + 'static) -> checkout_sdk::core::Client {
        checkout_sdk::core::Client::new(config, transport)
    }

    /// Runs a future whose transport answers at once (the fake): no runtime needed.
    pub(super) fn block_on<F: std::future::Future>(future: F) -> F::Output {
        let mut future = std::pin::pin!(future);
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        loop {
            if let std::task::Poll::Ready(value) = future.as_mut().poll(&mut cx) {
                return value;
            }
        }
    }

    /// The payment request of `plant`: card data, keys and CVVs in the source, metadata,
    /// reference, description and unknown fields.
    pub(super) fn request(plant: &Plant) -> PaymentRequest {
        let source: PaymentSource = if plant.alternative_source {
            let mut fields = AlternativeSource::new("klarna")
                .field("card", plant.card_value(0))
                .field("account_number", plant.card_value(1))
                .field("note", plant.key(0))
                .field("nested", json!([plant.cvv_object(0)]));
            fields = fields.field(plant.cvv_field(1), plant.cvv_value(1));
            fields.into()
        } else {
            let mut card = CardSource::new(&plant.pan, 6, 2030)
                .and_then(|c| c.cvv(&plant.cvv))
                .expect("a valid card")
                .name(plant.card_text(1));
            // Not `cvv` itself: the card already has one.
            let field = plant.cvv_field(1);
            let field = if field == "cvv" { "card_cvv" } else { field };
            card.extra.insert(field.to_string(), plant.cvv_value(1));
            card.into()
        };
        PaymentRequest::builder(source, 65_000, Currency::GBP)
            .reference(format!("ORD-{}", plant.card_in_url(2)))
            .description(format!("from {}", plant.key(1)))
            .metadata("note", plant.key(2))
            .metadata("card", plant.card_value(4))
            .metadata("float", json!(plant.float_pan.parse::<u64>().expect("digits") as f64))
            .metadata("checks", plant.cvv_object(2))
            .extra("gift_message", format!("for you: {} / {}", plant.card_text(3), plant.card_text(5)))
            .extra(plant.cvv_field(3), plant.cvv_value(3))
            .build()
            .expect("a valid request")
    }
}

use planted::{leaks, Plant};

/// How many cases the property test runs. Measured: see `docs/reliability.md` section 3.
const PLANTED_CASES: u32 = 10_000;

/// Renders every output channel for one planted case, through real client calls.
fn render_planted_case(plant: &Plant, trace: &Buffer) -> Vec<(String, String)> {
    use planted::{block_on, client_over, error_from_answer, error_texts, request};
    let mut out: Vec<(String, String)> = Vec::new();
    let mut add = |label: &str, text: String| out.push((label.to_string(), text));

    // Configuration: a key in the user agent, a card in the base URL; a key in a base URL is refused.
    let key = SecretKey::new(plant.key.clone()).expect("a valid key");
    let environment = Environment::custom(&format!("https://proxy.example.com/{}/", plant.card_in_url(6)))
        .expect("a card number is not refused in a URL, only masked");
    let config = Config::new(key, environment).with_user_agent_suffix(&format!("shop/1.0 ({})", plant.key(3)));
    add("config {:?}", format!("{config:?}"));
    add("environment {:?}", format!("{:?}", config.environment()));
    let refused = Environment::custom(&format!("https://proxy.example.com/{}/", plant.key(4)))
        .expect_err("a key in a base URL is refused");
    add("refused base url {}", refused.to_string());
    add("refused base url {:?}", format!("{refused:?}"));

    // The request, as built and as an HTTP request.
    let request = request(plant);
    add("payment request {:?}", format!("{request:?}"));
    add("source {:?}", format!("{:?}", request.source));
    let http = RequestPayment::new(request.clone()).build_request(&config).expect("buildable");
    add("http request {:?}", format!("{http:?}"));
    add("request headers {:?}", format!("{:?}", http.headers));
    let sent: Value = serde_json::from_slice(&http.body).expect("a JSON body");

    // What the server answers, echoing what it was sent like the API does.
    let id = if plant.glued_id { format!("pay_{}", plant.pan) } else { "pay_mbabizu24mvu3mela5njyhpit4".to_string() };
    let href = |path: &str| format!("https://api.sandbox.checkout.com/payments/{id}{path}");
    let payment = json!({
        "id": id, "action_id": "act_y3oqhf46pyzuxjbcn2giaqnb44", "amount": 65_000, "currency": "GBP",
        "approved": true, "status": "Authorized", "response_code": "10000",
        "response_summary": format!("Approved {}", plant.card_text(7)),
        "reference": sent["reference"], "description": sent["description"], "metadata": sent["metadata"],
        "source": {"type": "card", "last4": &plant.pan[plant.pan.len() - 4..], "name": plant.card_text(8),
            plant.cvv_field(4): plant.cvv_value(4), "account_number": plant.card_value(9)},
        "customer": {"id": "cus_udst2tfldj6upmye2reztkmm4i", "name": plant.key(5)},
        "_links": {
            "self": {"href": href(&format!("?k={}", plant.key(6)))},
            "redirect": {"href": format!("https://3ds.example.com/{}", plant.card_in_url(7)), "title": plant.card_text(1)},
            "capture": {"href": href("/captures")},
            plant.key(7): {"href": href("")},
        },
    });
    let fake = FakeTransport::new();
    fake.push(
        Reply::json(201, payment)
            .header("Cko-Request-Id", format!("req_{}", plant.card_in_url(0)))
            .header("X-Echo-Authorization", plant.key(0))
            .header("X-Api-Key", plant.key(1))
            .header("Set-Cookie", format!("session={}", plant.key(2)))
            .header("X-Note", plant.card_text(3))
            .header("Location", href(&format!("?k={}", plant.key(4)))),
    );
    // One follow-up answer per case: an error body, a hostile answer, or an action.
    let follow_up = match plant.follow_up {
        0 => Reply::json(
            422,
            json!({
                "request_id": plant.key(5),
                "error_type": format!("request_invalid {}", plant.card_text(4)),
                "error_codes": [format!("{}: {}", plant.cvv_field(5), plant.cvv), plant.key(6), plant.card_text(5)],
                "details": plant.cvv_object(5),
            }),
        )
        .header("Cko-Request-Id", plant.card_text(6)),
        1 => Reply::raw(500, format!("<html>{} {}</html>", plant.key(7), plant.card_text(7))),
        2 => Reply::json(201, json!({"id": plant.card_value(8), "status": plant.key(0)})),
        3 => Reply::error(TransportError::interrupted(format!("reset by {} {}", plant.key(1), plant.card_text(9)))),
        4 => Reply::json(404, json!({"error_type": plant.key(2), "request_id": plant.card_text(0)}))
            .header("Cko-Request-Id", plant.key(3)),
        5 => Reply::json(200, json!({"id": "pay_mbabizu24mvu3mela5njyhpit4", "status": plant.card_text(1)})),
        6 => Reply::json(202, json!({"action_id": "act_y3oqhf46pyzuxjbcn2giaqnb44", "reference": plant.card_text(2)})),
        7 => Reply::json(
            200,
            json!([{"id": "act_y3oqhf46pyzuxjbcn2giaqnb44", "type": plant.key(4), "reference": plant.card_text(3),
                "response_summary": plant.card_text(4), "metadata": plant.cvv_object(0)}]),
        ),
        8 => Reply::json(
            201,
            json!({"action_id": "act_y3oqhf46pyzuxjbcn2giaqnb44", "amount": 100, "approved": true,
                "status": plant.key(5), "auth_code": plant.card_text(6), "response_summary": plant.card_text(7),
                "expires_on": plant.key(6), "processed_on": plant.card_text(8), "reference": plant.card_text(9)}),
        ),
        9 => Reply::json(
            202,
            json!({"action_id": "act_y3oqhf46pyzuxjbcn2giaqnb44", "reference": plant.card_text(0),
                "action_type": plant.key(7)}),
        ),
        _ => Reply::json(
            200,
            json!({"limit": 1, "skip": 0, "total_count": 1, "data": [{"id": "pay_mbabizu24mvu3mela5njyhpit4",
                "status": plant.card_text(1), "reference": plant.key(0), "metadata": plant.cvv_object(1)}]}),
        ),
    };
    fake.push(follow_up);

    // Real client calls, recorded to a cassette, traced at TRACE.
    let recorder = Recorder::new(fake.clone());
    let client = client_over(config.clone(), recorder.clone());
    let payments = client.payments();
    let payment = block_on(payments.request(request.clone())).expect("the scripted 201");
    add("payment {:?}", format!("{payment:?}"));
    add("payment data {:?}", format!("{:?}", payment.data()));
    add("links {:?}", format!("{:?}", payment.links()));
    for (_, link) in payment.links().iter() {
        add("link {:?}", format!("{link:?}"));
    }
    add("http info {:?}", format!("{:?}", payment.http()));
    add("response headers {:?}", format!("{:?}", payment.http().headers));
    add("outcome {:?}", format!("{:?}", payment.outcome()));
    let error = match plant.follow_up {
        0 => block_on(payments.request(request)).err(),
        1..=5 => match block_on(payments.get(&payment.id)) {
            Ok(payment) => {
                add("hostile payment {:?}", format!("{payment:?}"));
                add("hostile status {}", payment.status.as_ref().map(ToString::to_string).unwrap_or_default());
                None
            }
            Err(error) => Some(error),
        },
        6 => {
            let capture = block_on(payments.capture(&payment.id, ActionRequest::full().reference(plant.card_text(5))));
            add("capture {:?}", format!("{capture:?}"));
            capture.err()
        }
        7 => {
            let actions = block_on(payments.actions(&payment.id));
            add("actions {:?}", format!("{actions:?}"));
            actions.err()
        }
        8 => {
            let increment = IncrementalAuthorizationRequest::new().amount(100);
            let authorization = block_on(payments.increment_authorization(&payment.id, increment));
            add("authorization {:?}", format!("{authorization:?}"));
            if let Ok(authorization) = &authorization {
                add("authorization data {:?}", format!("{:?}", authorization.data()));
                add(
                    "authorization status {}",
                    authorization.status.as_ref().map(ToString::to_string).unwrap_or_default(),
                );
            }
            authorization.err()
        }
        9 => {
            let reversal = block_on(payments.reverse(&payment.id, ReversalRequest::new()));
            add("reversal {:?}", format!("{reversal:?}"));
            if let Ok(reversal) = &reversal {
                add("reversal data {:?}", format!("{:?}", reversal.data()));
                add("reversal type {}", reversal.action_type.as_ref().map(ToString::to_string).unwrap_or_default());
            }
            reversal.err()
        }
        _ => {
            let page = block_on(payments.list(PaymentListQuery::new("ORD-5023")));
            add("page {:?}", format!("{page:?}"));
            if let Ok(page) = &page {
                add("page data {:?}", format!("{:?}", page.data()));
            }
            page.err()
        }
    };
    // Every case renders an error: the follow-up's, or one parsed from a planted error answer.
    let error = error.unwrap_or_else(|| {
        let answer = HttpResponse::new(
            422,
            json!({"error_type": plant.card_text(2), "error_codes": [plant.key(3)], "request_id": plant.key(4)})
                .to_string(),
        );
        error_from_answer(&answer)
    });
    for (label, text) in error_texts(&error) {
        add(&label, text);
    }

    // The fake's request log and assertion messages, the cassette, the trace.
    add("fake requests {:?}", format!("{:?}", fake.requests()));
    add("fake {:?}", format!("{fake:?}"));
    add(
        "assert json body",
        panic_message(|| {
            let _ = fake.assert_request(0).json_body(json!({"amount": 1}));
        }),
    );
    add(
        "assert json subset",
        panic_message(|| {
            let _ = fake.assert_request(0).json_body_includes(
                json!({"metadata": {"note": plant.key(1), "card": plant.card_value(2), "checks": plant.cvv_object(3),
                    "absent": plant.card_text(4)}}),
            );
        }),
    );
    add(
        "assert header",
        panic_message(|| {
            let _ = fake.assert_request(0).header("User-Agent", &plant.key(5));
        }),
    );
    add(
        "assert path",
        panic_message(|| {
            let _ = fake.assert_request(1).path(&format!("/payments/{}", plant.card_in_url(3)));
        }),
    );
    add("assert count", panic_message(|| fake.assert_request_count(99)));
    add("cassette", recorder.to_json_string().expect("serialisable"));
    add("trace", trace.text());
    out
}

/// Silences the panic hook for the fake's deliberate assertion failures (thousands of them),
/// keeping it for everything else.
fn quiet_assertion_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let message = info
                .payload()
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| info.payload().downcast_ref::<&str>().copied())
                .unwrap_or_default();
            if !message.starts_with("FakeTransport:") {
                default(info);
            }
        }));
    });
}

/// The promise of issue 9: secrets planted anywhere, in any spelling, never reach any output.
#[test]
fn planted_secrets_never_reach_any_output_channel() {
    use proptest::prop_assert;
    use proptest::test_runner::{Config as ProptestConfig, TestRunner};

    quiet_assertion_panics();
    let trace = Buffer::default();
    let writer = trace.clone();
    let subscriber = capturing_subscriber(writer);
    let _default = tracing::subscriber::set_default(subscriber);
    let config = ProptestConfig { cases: PLANTED_CASES, failure_persistence: None, ..ProptestConfig::default() };
    let mut runner = TestRunner::new(config);
    let started = std::time::Instant::now();
    let channels = std::sync::atomic::AtomicUsize::new(0);
    let result = runner.run(&planted::plant(), |plant| {
        trace.clear();
        let texts = render_planted_case(&plant, &trace);
        channels.store(texts.len(), std::sync::atomic::Ordering::Relaxed);
        // Not vacuous: the client calls were traced and the cassette holds all five exchanges.
        let traced = texts.iter().any(|(label, text)| label == "trace" && text.contains("checkout.call"));
        prop_assert!(traced, "nothing was traced");
        let found: Vec<String> = texts
            .iter()
            .flat_map(|(label, text)| leaks(&plant, text).into_iter().map(move |leak| format!("{label}: {leak}")))
            .collect();
        prop_assert!(found.is_empty(), "{} leaks:\n{}", found.len(), found.join("\n"));
        Ok(())
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
    eprintln!(
        "planted_secrets_never_reach_any_output_channel: {PLANTED_CASES} cases, {} texts each, in {:.2?}",
        channels.load(std::sync::atomic::Ordering::Relaxed),
        started.elapsed()
    );
}

// =============================================================================================
// Regressions: one test per finding of issue 9 (6, 7 and the configuration part of 8)
// =============================================================================================

/// Asserts none of `texts` holds any of `secrets` (compared case-insensitively).
#[track_caller]
fn assert_hidden(texts: &[String], secrets: &[&str]) {
    for text in texts {
        let lower = text.to_ascii_lowercase();
        for secret in secrets {
            assert!(!lower.contains(&secret.to_ascii_lowercase()), "{secret:?} shows in:\n{text}");
        }
    }
}

/// `{:?}`, `{:#?}` of `value`.
fn debug_texts(value: &dyn std::fmt::Debug) -> Vec<String> {
    vec![format!("{value:?}"), format!("{value:#?}")]
}

/// Finding 6: the simulator echoes `metadata` like the API; `Debug` of the payment showed it.
#[test]
fn debug_of_a_payment_hides_a_card_number_echoed_in_metadata() {
    let client = checkout_sdk::core::Client::new(
        Config::sandbox(sbox()).with_processing_channel(channel()),
        Simulator::seeded(21),
    );
    let request = PaymentRequest::builder(visa_card(), 6500, Currency::USD)
        .reference("ORD-ECHO")
        .metadata("card", VISA)
        .metadata("amex", json!(345_678_901_234_564.0))
        .metadata("note", "gift card 4242 4242 4242 4242")
        .build()
        .expect("valid request");
    let payment = planted::block_on(client.payments().request(request)).expect("approved");
    assert_eq!(payment["metadata"]["card"], VISA, "the simulator echoes the metadata");
    let mut texts = debug_texts(&payment);
    texts.extend(debug_texts(payment.data()));
    assert_hidden(&texts, &[VISA, AMEX, "4242 4242 4242 4242"]);
    assert!(texts[0].contains("************4242"), "the last four digits stay: {}", texts[0]);
}

/// A 201 payment whose links and headers carry a key and a card, as a hostile server may send.
fn echoing_payment() -> Response<Payment> {
    let fake = FakeTransport::new();
    fake.push(
        Reply::json(
            201,
            json!({"id": "pay_mbabizu24mvu3mela5njyhpit4", "status": "Authorized", "approved": true,
            "_links": {
                "self": {"href": format!("https://api.example.com/payments/pay_1?key={SBOX_KEY}")},
                "redirect": {"href": format!("https://acs.example.com/{}", SBOX_KEY.replace('_', "%5F")),
                    "title": format!("card {VISA}")},
                LEGACY_KEY: {"href": "https://api.example.com/"},
            }}),
        )
        .header("X-Echo-Authorization", format!("Bearer {SBOX_KEY}"))
        .header("X-Api-Key", LEGACY_KEY)
        .header("Cko-Request-Id", format!("req_{VISA}"))
        .header("X-Echo", format!("key={SBOX_KEY}")),
    );
    let client = checkout_sdk::core::Client::new(Config::sandbox(sbox()), fake);
    planted::block_on(client.payments().request(payment_request(visa_card(), 6500, "ORD-1"))).expect("201")
}

/// Finding 6: `Debug` of `Link`/`Links` printed an href holding a key.
#[test]
fn debug_of_links_hides_a_secret_key_in_an_href() {
    let payment = echoing_payment();
    assert!(payment.self_link().is_some_and(|l| l.href.contains(SBOX_KEY)), "the href itself is kept");
    let mut texts = debug_texts(payment.links());
    for (_, link) in payment.links().iter() {
        texts.extend(debug_texts(link));
    }
    texts.extend(debug_texts(&payment.outcome()));
    texts.extend(debug_texts(&payment));
    assert_hidden(&texts, &["m73dzbpy7cf3gfd46xr4yj5xo4e", "fde517a8", "4282384b0a64", VISA]);
}

/// Finding 6: `Debug` of `Headers` and `HttpInfo` printed `X-Echo-Authorization` and keys or
/// cards in other headers.
#[test]
fn debug_of_headers_and_http_info_hides_an_echoed_authorization_header() {
    let payment = echoing_payment();
    assert_eq!(payment.request_id(), Some(format!("req_{VISA}").as_str()), "the accessor gives the value as sent");
    let mut texts = debug_texts(&payment.http().headers);
    texts.extend(debug_texts(payment.http()));
    assert_hidden(&texts, &["m73dzbpy7cf3gfd46xr4yj5xo4e", "fde517a8", VISA]);
    assert!(texts[0].contains("\"X-Echo-Authorization\": \"<redacted>\""), "{}", texts[0]);
}

/// Finding 6: error `Display`/`Debug` quoted the server's `error_type`, `error_codes` and request
/// id raw.
#[test]
fn error_messages_redact_the_servers_error_type_codes_and_request_id() {
    let answer = HttpResponse::new(
        422,
        json!({"error_type": format!("request_invalid {VISA}"), "error_codes": [format!("key {SBOX_KEY}"),
            format!("card_cvv: {AMEX_CVV}"), "amount_invalid"], "request_id": format!("req_{AMEX}")})
        .to_string(),
    )
    .with_header("Cko-Version", LEGACY_KEY);
    let error = planted::error_from_answer(&answer);
    assert_eq!(error.error_type(), Some(format!("request_invalid {VISA}").as_str()), "accessors keep the values");
    let texts: Vec<String> = planted::error_texts(&error).into_iter().map(|(_, text)| text).collect();
    assert_hidden(&texts, &[VISA, AMEX, "m73dzbpy7cf3gfd46xr4yj5xo4e", "fde517a8", &format!(": {AMEX_CVV}")]);
    assert!(texts[0].contains("amount_invalid") && texts[0].contains("************4242"), "{}", texts[0]);
}

/// Finding 6: the tracing span recorded the server's request id and the path raw.
#[test]
fn tracing_fields_redact_the_request_id_and_the_path() {
    let trace = Buffer::default();
    let writer = trace.clone();
    let subscriber = capturing_subscriber(writer);
    tracing::subscriber::with_default(subscriber, || {
        let fake = FakeTransport::new();
        fake.push(Reply::json(200, json!({"id": format!("pay_{VISA}")})).header("Cko-Request-Id", SBOX_KEY));
        let client = checkout_sdk::core::Client::new(Config::sandbox(sbox()), fake);
        let id: PaymentRef = format!("pay_{AMEX}").parse().expect("a valid id");
        planted::block_on(client.payments().get(id)).expect("200");
    });
    let text = trace.text();
    assert!(text.contains("request_id") && text.contains("path"), "the fields were recorded:\n{text}");
    assert_hidden(&[text], &["m73dzbpy7cf3gfd46xr4yj5xo4e", AMEX, VISA]);
}

/// Finding 7: card numbers under fields with other names (`card`, `account_number`), in free
/// text and written as a float passed into cassettes, the fake's log, its assertion messages and
/// request `Debug`.
#[test]
fn card_numbers_are_found_by_value_under_any_field_in_free_text_and_as_floats() {
    let request = PaymentRequest::builder(
        AlternativeSource::new("klarna").field("card", VISA).field("account_number", AMEX),
        6500,
        Currency::USD,
    )
    .description("gift for 4242 4242 4242 4242")
    .metadata("amount_float", json!(345_678_901_234_564.0))
    .extra("gift_message", format!("happy birthday, card 3456-789012-34564, ref{VISA}x"))
    .build()
    .expect("valid request");
    let fake = FakeTransport::new();
    fake.push(Reply::json(201, json!({"id": "pay_mbabizu24mvu3mela5njyhpit4"})));
    let recorder = Recorder::new(fake.clone());
    let client = checkout_sdk::core::Client::new(Config::sandbox(sbox()), recorder.clone());
    planted::block_on(client.payments().request(request.clone())).expect("201");
    let mut texts = debug_texts(&request);
    texts.push(format!("{:?}", fake.requests()));
    texts.push(recorder.to_json_string().expect("serialisable"));
    texts.push(panic_message(|| {
        let _ = fake.assert_request(0).json_body(json!({}));
    }));
    assert!(texts[2].contains("gift_message"), "the body is in the log: {}", texts[2]);
    assert_hidden(&texts, &[VISA, AMEX, "4242 4242 4242 4242", "3456-789012", "345678901234"]);
}

/// Finding 7: a CVV under `card_cvv`, `security_code`, `securityCode`, `cvv2`, in an array or
/// inside `error_codes` passed through.
#[test]
fn cvvs_are_masked_under_any_cvv_field_in_arrays_and_in_error_codes() {
    let request = PaymentRequest::builder(
        AlternativeSource::new("klarna")
            .field("card_cvv", AMEX_CVV)
            .field("security_code", json!([AMEX_CVV]))
            .field("securityCode", json!(1051)),
        6500,
        Currency::USD,
    )
    .metadata("cvv2", json!({"value": AMEX_CVV}))
    .build()
    .expect("valid request");
    let fake = FakeTransport::new();
    fake.push(Reply::json(422, json!({"error_type": "request_invalid", "error_codes": [format!("cvv: {AMEX_CVV}")]})));
    let recorder = Recorder::new(fake.clone());
    let client = checkout_sdk::core::Client::new(Config::sandbox(sbox()), recorder.clone());
    let error = planted::block_on(client.payments().request(request.clone())).expect_err("422");
    let mut texts = debug_texts(&request);
    texts.extend(planted::error_texts(&error).into_iter().map(|(_, text)| text));
    texts.push(format!("{:?}", fake.requests()));
    texts.push(recorder.to_json_string().expect("serialisable"));
    texts.push(panic_message(|| {
        let _ = fake.assert_request(0).json_body(json!({}));
    }));
    for text in &texts {
        assert!(!text.contains(AMEX_CVV), "the CVV shows in:\n{text}");
    }
}

/// Finding 8 (configuration): a base URL holding a secret key was accepted, and the key then
/// showed in `Debug` of `Config`, `Environment` and `HttpRequest`.
#[test]
fn a_base_url_holding_a_secret_key_is_refused_without_repeating_it() {
    for key in [SBOX_KEY.to_string(), LEGACY_KEY.to_string(), SBOX_KEY.replace('_', "%5F"), format!("x{SBOX_KEY}")] {
        let url = format!("https://proxy.example.com/{key}/");
        for error in [
            Environment::custom(&url).expect_err("refused"),
            url.parse::<Environment>().expect_err("refused"),
            checkout_sdk::core::config::BaseUrl::parse(&url).expect_err("refused"),
        ] {
            assert!(matches!(error, InvalidInput::BaseUrl(_)), "{error:?}");
            assert_hidden(&[error.to_string(), format!("{error:?}")], &["m73dzbpy7cf3", "fde517a8"]);
        }
        let vars = |name: &str| match name {
            "CKO_SECRET_KEY" => Some(SBOX_KEY.to_string()),
            "CKO_BASE_URL" => Some(url.clone()),
            _ => None,
        };
        let error =
            checkout_sdk::ClientBuilder::from_vars(vars).build().map(|c| c.config().clone()).expect_err("refused");
        assert_hidden(&[error.to_string(), format!("{error:?}")], &["m73dzbpy7cf3", "fde517a8"]);
    }
}

/// Finding 8 (configuration): what a configuration can still carry (a key pasted into the user
/// agent, a card number in a proxy path) never shows in `Debug` of `Config`, `Environment` or the
/// requests built from it.
#[test]
fn debug_of_config_environment_and_http_requests_never_shows_a_key_or_a_card() {
    let environment = Environment::custom(&format!("https://proxy.example.com/{VISA}/")).expect("accepted");
    let config = Config::new(sbox(), environment).with_user_agent_suffix(&format!("shop/1.0 ({LEGACY_KEY})"));
    let request = RequestPayment::new(payment_request(amex_card(), 6500, "ORD-1")).build_request(&config).expect("ok");
    assert!(request.url.contains(VISA), "the URL itself is kept");
    let mut texts = debug_texts(&config);
    texts.extend(debug_texts(config.environment()));
    texts.extend(debug_texts(&request));
    texts.push(format!("{}", checkout_sdk::core::config::BaseUrl::parse(config.environment().base_url()).expect("ok")));
    assert_hidden(&texts, &[VISA, "fde517a8", "m73dzbpy7cf3", AMEX]);
}
