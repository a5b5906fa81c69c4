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

fn visa_card() -> CardSource {
    CardSource::new(VISA, 6, 2030)
        .and_then(|c| c.cvv(VISA_CVV))
        .expect("valid Visa")
        .name("Jane Doe")
        .billing_address(checkout_sdk::core::source::Address::new().line1("1 Main St").city("London").country("GB"))
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
        body: format!("number={AMEX}&key={SBOX_KEY}").into_bytes(),
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
        let client = checkout_sdk::core::Client::new(Config::sandbox(key), sim.clone());
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

impl Buffer {
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
    use tracing_subscriber::fmt::format::FmtSpan;

    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::FULL)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let mut ev = Evidence::default();
    // With a single registered dispatcher, tracing computes the interest of a callsite first hit
    // on another test's thread from that thread's (absent) subscriber, and caches "never": a
    // second, silent dispatcher makes it ask every registered one, this test's included.
    let _second = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
    tracing::subscriber::with_default(subscriber, || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        runtime.block_on(async {
            let sim = Simulator::seeded(3);
            let server = checkout_sdk_sandbox::serve(([127, 0, 0, 1], 0).into(), sim.clone()).await.expect("bind");
            let policy = RetryPolicy::default()
                .with_max_retries(3)
                .with_backoff(Duration::from_millis(1), Duration::from_millis(5));
            for (name, key) in [("sbox", sbox()), ("legacy", legacy())] {
                let config = Config::new(key, Environment::custom(&server.base_url()).expect("loopback URL"));
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
        let client = checkout_sdk::core::Client::builder(Config::sandbox(key), recorder.clone())
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
