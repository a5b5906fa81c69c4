//! Hostile responses and hostile input never panic: property tests over every parser of the core.
//!
//! A server (or a proxy, or an attacker between us and the API) can send anything: arbitrary
//! bytes, valid bodies with bytes flipped, cut or inserted, valid JSON of the wrong shape,
//! any status with any headers, absurdly deep nesting. Callers can pass anything too. Every
//! parser must answer with a value or a typed error whose message is not empty — never a panic,
//! never a stack overflow:
//!
//! - `Operation::parse_response` of `RequestPayment`, `GetPayment`, `GetPaymentActions`,
//!   `CapturePayment`, `RefundPayment` and `VoidPayment`, and `operation::parse_error`;
//! - `PaymentSource::infer` and `PaymentRequest::from_json` on arbitrary JSON;
//! - `Links::from_body`, `Currency::parse`, `SecretKey::new`, and the typed ids (an id that is
//!   accepted can never carry `/ ? # % .` into a URL path).
//!
//! Each property runs 2,000 cases; failures are not persisted to disk (the failing input is in
//! the panic message).

use std::sync::OnceLock;

use checkout_sdk_core::config::{Config, SecretKey};
use checkout_sdk_core::currency::Currency;
use checkout_sdk_core::error::{DecodeErrorKind, Error, ErrorKind};
use checkout_sdk_core::id::{ActionId, CustomerId, IdempotencyKey, PaymentId, PaymentRef, SessionId, SourceId};
use checkout_sdk_core::link::Links;
use checkout_sdk_core::operation::{
    parse_error, CancelScheduledRetry, CapturePayment, GetPayment, GetPaymentActions, IncrementAuthorization,
    ListPayments, Operation, Paged, RefundPayment, RequestPayment, RequestPayout, ReversePayment, SearchPayments,
    VoidPayment,
};
use checkout_sdk_core::request::{
    ActionRequest, CancellationRequest, IdDestination, IncrementalAuthorizationRequest, PaymentListQuery,
    PaymentRequest, PaymentSearchRequest, PayoutRequest, ReversalRequest, VoidRequest,
};
use checkout_sdk_core::response::Response;
use checkout_sdk_core::source::PaymentSource;
use checkout_sdk_core::transport::HttpResponse;
use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use proptest::test_runner::Config as ProptestConfig;
use serde_json::{json, Map, Value};

const CASES: u32 = 2_000;
const PAYMENT_ID: &str = "pay_mbabizu24mvu3mela5njyhpit4";

fn config() -> ProptestConfig {
    ProptestConfig { cases: CASES, failure_persistence: None, ..ProptestConfig::default() }
}

// ---------------------------------------------------------------------------------------------
// Fixtures and operations
// ---------------------------------------------------------------------------------------------

/// Every JSON fixture of `tests/fixtures`, plus a few bodies of our own.
fn fixtures() -> &'static [Vec<u8>] {
    static FIXTURES: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    FIXTURES.get_or_init(|| {
        let mut bodies: Vec<Vec<u8>> = vec![
            json!({"id": PAYMENT_ID, "status": "Authorized", "approved": true, "response_code": "10000",
                "_links": {"self": {"href": "https://x/payments/pay_x"}, "capture": {"href": "https://x/c"}}})
            .to_string()
            .into_bytes(),
            json!({"action_id": "act_y3oqhf46pyzuxjbcn2giaqnb44", "reference": "CAPTURE",
                "_links": {"payment": {"href": "https://x/payments/pay_x"}}})
            .to_string()
            .into_bytes(),
            json!([{"id": "act_y3oqhf46pyzuxjbcn2giaqnb44", "type": "Capture", "amount": 100}])
                .to_string()
                .into_bytes(),
            json!({"request_id": "req_1", "error_type": "request_invalid", "error_codes": ["amount_invalid"]})
                .to_string()
                .into_bytes(),
        ];
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        if let Ok(entries) = std::fs::read_dir(&dir) {
            let mut paths: Vec<_> = entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect();
            paths.sort();
            bodies.extend(paths.iter().filter_map(|p| std::fs::read(p).ok()));
        }
        bodies
    })
}

/// The same fixtures, parsed (those that are JSON objects or arrays).
fn fixture_values() -> &'static [Value] {
    static VALUES: OnceLock<Vec<Value>> = OnceLock::new();
    VALUES.get_or_init(|| fixtures().iter().filter_map(|b| serde_json::from_slice(b).ok()).collect())
}

fn payment_id() -> PaymentId {
    PaymentId::new(PAYMENT_ID).expect("valid payment id")
}

fn request_payment() -> RequestPayment {
    let source = PaymentSource::infer(json!({"token": "tok_ubfj2q76miwundwlk72vxt2i7q"})).expect("token source");
    let request = PaymentRequest::builder(source, 100, Currency::USD).reference("ORD-1").build().expect("valid");
    RequestPayment::new(request)
}

/// Checks one operation's answer to `response`: a value for an expected status and a decodable
/// body, else a typed error that names the status and the request id.
fn check_operation<O: Operation>(
    name: &str,
    op: &O,
    response: &HttpResponse,
) -> Result<Option<Response<O::Data>>, TestCaseError> {
    let expected = op.expected_statuses().contains(&response.status);
    let request_id = response.headers.get("cko-request-id");
    match op.parse_response(response.clone()) {
        Ok(output) => {
            prop_assert!(expected, "{name}: status {} is not expected but parsed", response.status);
            Ok(Some(output))
        }
        Err(error) => {
            check_error(name, &error)?;
            prop_assert_eq!(error.http_status(), Some(response.status), "{}: {:?}", name, error);
            if let Some(id) = request_id {
                prop_assert_eq!(error.request_id(), Some(id), "{}: {:?}", name, error);
            }
            if expected {
                let ErrorKind::Decode(decode) = error.kind() else {
                    return Err(TestCaseError::fail(format!("{name}: expected status gave {error:?}")));
                };
                if response.body.iter().all(u8::is_ascii_whitespace) {
                    prop_assert_eq!(decode.kind, DecodeErrorKind::Empty, "{}: {:?}", name, error);
                }
                prop_assert!(error.may_have_been_processed(), "{name}: a decode failure may hide a payment");
            } else {
                prop_assert!(error.api_error().is_some(), "{name}: {error:?}");
                prop_assert_eq!(error, parse_error(response), "{}: parse_response and parse_error differ", name);
            }
            Ok(None)
        }
    }
}

/// What every error must offer, whatever caused it.
fn check_error(name: &str, error: &Error) -> Result<(), TestCaseError> {
    prop_assert!(!error.to_string().trim().is_empty(), "{name}: empty message for {error:?}");
    let _ = format!("{error:?}");
    let _ = (error.is_retryable(), error.may_have_been_processed(), error.attempts(), error.retry_after());
    let _ = (error.error_type(), error.error_codes(), error.api_version(), error.elapsed(), error.request_id());
    Ok(())
}

/// Runs `response` through every operation and `parse_error`, using what parses.
fn payout_request() -> PayoutRequest {
    PayoutRequest::builder(IdDestination::new("src_nwd3m4in3hkuddfpjsaevunhdy"), 1000, Currency::GBP)
        .build()
        .expect("valid payout")
}

fn check_all(response: &HttpResponse) -> Result<(), TestCaseError> {
    let request = request_payment();
    if let Some(payment) = check_operation("request payment", &request, response)? {
        let _ = (payment.outcome(), payment.is_pending(), payment.is_approved(), payment.is_flagged());
        let _ = (payment.can_capture(), payment.can_void(), payment.can_refund(), payment.redirect_link());
        let _ = (payment.request_id(), payment.api_version(), payment.links().len(), &payment["source"]["type"]);
    }
    let get = GetPayment::new(PaymentRef::from(payment_id()));
    if let Some(payment) = check_operation("get payment", &get, response)? {
        let _ = (payment.outcome(), payment.requires_redirect(), payment.self_link(), payment.pointer("/a/0"));
    }
    if let Some(actions) = check_operation("get actions", &GetPaymentActions::new(payment_id()), response)? {
        for action in actions.iter() {
            let _ = (action.action_type.as_str(), action.response_code.as_ref().map(|c| c.family()));
        }
        let _ = (actions.first(), actions.len());
    }
    let capture = CapturePayment::new(payment_id(), ActionRequest::new().amount(100));
    if let Some(accepted) = check_operation("capture", &capture, response)? {
        let _ = (accepted.action_id.as_str(), accepted.get_link("payment"));
    }
    check_operation("refund", &RefundPayment::new(payment_id(), ActionRequest::full()), response)?;
    check_operation("void", &VoidPayment::new(payment_id(), VoidRequest::new()), response)?;
    let increment = IncrementAuthorization::new(payment_id(), IncrementalAuthorizationRequest::new().amount(100));
    if let Some(auth) = check_operation("increment authorization", &increment, response)? {
        let _ = (auth.status.as_ref(), auth.balances.as_ref().map(|b| b.available_to_capture));
    }
    check_operation("reverse", &ReversePayment::new(payment_id(), ReversalRequest::new()), response)?;
    check_operation("cancel retry", &CancelScheduledRetry::new(payment_id(), CancellationRequest::new()), response)?;
    let list = ListPayments::new(PaymentListQuery::new("ORD-1"));
    if let Some(page) = check_operation("list", &list, response)? {
        let _ = (page.next_skip(), list.next_page(&page).map(|next| next.path()));
    }
    let search = SearchPayments::new(PaymentSearchRequest::new("reference:'ORD-1'"));
    if let Some(page) = check_operation("search", &search, response)? {
        // A next link from a hostile body can only lead back to the API's own base URL.
        if let Some(next) = search.next_page(&page) {
            let config = Config::sandbox(SecretKey::new("sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e").expect("valid key"));
            if let Ok(request) = next.build_request(&config) {
                prop_assert!(
                    request.url.starts_with("https://api.sandbox.checkout.com/payments/search"),
                    "{}",
                    request.url
                );
            }
        }
    }
    if let Some(payout) = check_operation("payout", &RequestPayout::new(payout_request()), response)? {
        let _ = (payout.status.as_ref(), payout.id.as_str());
    }
    let error = parse_error(response);
    check_error("parse_error", &error)?;
    prop_assert_eq!(error.http_status(), Some(response.status));
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------------------------

/// One edit of a body: the ways a body gets damaged on the wire or by a broken server.
#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Truncate(usize),
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
    Duplicate(usize, usize),
}

/// Byte strings that tend to break JSON parsers and decoders.
const TOKENS: &[&str] = &[
    "\"",
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "null",
    "true",
    "-",
    "-1",
    "1e999",
    "-0",
    "1.5",
    "18446744073709551616",
    "\"pay_../x\"",
    "\"\\u0000\"",
    "\"\\ud800\"",
    "\\",
    "\u{feff}",
    "\u{0}",
    "\"_links\":",
    "{\"href\":1}",
    "\"id\":",
    "\"status\":",
    "\"3ds\":",
    "[[[[[[[[",
    "\"\\uDFFF\"",
    "NaN",
    "\u{7f}",
    "\u{ff}",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => (any::<usize>(), any::<u8>()).prop_map(|(at, bits)| Mutation::Flip(at, bits.max(1))),
        2 => any::<usize>().prop_map(Mutation::Truncate),
        3 => (any::<usize>(), prop_oneof![
            prop::sample::select(TOKENS).prop_map(|t| t.as_bytes().to_vec()),
            vec(any::<u8>(), 1..8),
        ])
            .prop_map(|(at, bytes)| Mutation::Insert(at, bytes)),
        2 => (any::<usize>(), 1usize..64).prop_map(|(at, n)| Mutation::Delete(at, n)),
        1 => (any::<usize>(), 1usize..64).prop_map(|(at, n)| Mutation::Duplicate(at, n)),
    ]
}

fn apply(mut body: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        let len = body.len();
        let at = |i: usize| if len == 0 { 0 } else { i % (len + 1) };
        match m {
            Mutation::Flip(i, bits) if len > 0 => body[i % len] ^= bits,
            Mutation::Flip(..) => {}
            Mutation::Truncate(i) => body.truncate(at(*i)),
            Mutation::Insert(i, bytes) => {
                let at = at(*i);
                body.splice(at..at, bytes.iter().copied());
            }
            Mutation::Delete(i, n) => {
                let start = at(*i);
                let end = (start + n).min(len);
                body.drain(start..end);
            }
            Mutation::Duplicate(i, n) => {
                let start = at(*i);
                let end = (start + n).min(len);
                let copy = body[start..end].to_vec();
                body.splice(end..end, copy);
            }
        }
    }
    body
}

/// Object keys the parsers look at, and some they do not.
const KEYS: &[&str] = &[
    "id",
    "type",
    "status",
    "approved",
    "amount",
    "currency",
    "response_code",
    "response_summary",
    "reference",
    "source",
    "customer",
    "risk",
    "3ds",
    "threeds",
    "_links",
    "href",
    "title",
    "self",
    "redirect",
    "capture",
    "action_id",
    "number",
    "expiry_month",
    "expiry_year",
    "cvv",
    "token",
    "email",
    "name",
    "token_type",
    "cryptogram",
    "billing_address",
    "phone",
    "country_code",
    "request_id",
    "error_type",
    "error_codes",
    "metadata",
    "payment_type",
    "capture_on",
    "flagged",
    "enabled",
    "attempt_n3d",
    "last4",
    "bin",
    "",
];

/// String values that steer the parsers into their interesting branches.
const STRINGS: &[&str] = &[
    "",
    "pay_mbabizu24mvu3mela5njyhpit4",
    "pay_",
    "pay_../../x",
    "sid_y3oqhf46pyzuxjbcn2giaqnb44",
    "act_y3oqhf46pyzuxjbcn2giaqnb44",
    "src_nwd3m4in3hkuddfpjsaevunhdy",
    "cus_udst2tfldj6upmye2reztkmm4i",
    "tok_ubfj2q76miwundwlk72vxt2i7q",
    "card",
    "token",
    "id",
    "customer",
    "network_token",
    "ideal",
    "Authorized",
    "Pending",
    "Declined",
    "Captured",
    "Capture",
    "Refund",
    "10000",
    "20051",
    "usd",
    "USD",
    "XXX",
    "4242424242424242",
    "100",
    "13",
    "2030",
    "-1",
    "true",
    "a@b.c",
    "https://x/y",
    "\u{0}",
    "é",
    "🦀",
];

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        1 => Just(Value::Null),
        1 => any::<bool>().prop_map(Value::from),
        2 => any::<i64>().prop_map(Value::from),
        1 => any::<u64>().prop_map(Value::from),
        1 => any::<f64>().prop_map(Value::from),
        1 => prop::sample::select(&[0i64, 1, 6, 12, 13, 100, 2030, 10000][..]).prop_map(Value::from),
        3 => prop::sample::select(STRINGS).prop_map(Value::from),
        1 => "\\PC{0,12}".prop_map(Value::from),
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![4 => prop::sample::select(KEYS).prop_map(String::from), 1 => "\\PC{0,8}"]
}

/// Arbitrary JSON, at most four levels deep.
fn json_value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..6).prop_map(Value::Array),
            btree_map(key(), inner, 0..6).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A JSON object (a source or request is always tried as one).
fn json_object() -> impl Strategy<Value = Value> {
    btree_map(key(), json_value(), 0..8).prop_map(|m| Value::Object(m.into_iter().collect()))
}

/// A fixture with one top-level field (or one field of its first element) replaced.
fn reshaped_fixture() -> impl Strategy<Value = Vec<u8>> {
    (0..fixture_values().len(), any::<prop::sample::Index>(), key(), json_value()).prop_map(
        |(i, which, new_key, new_value)| {
            let mut value = fixture_values()[i].clone();
            let target = match &mut value {
                Value::Array(items) if !items.is_empty() => {
                    let n = which.index(items.len());
                    &mut items[n]
                }
                other => other,
            };
            if let Value::Object(map) = target {
                let keys: Vec<String> = map.keys().cloned().collect();
                let k = if keys.is_empty() { new_key } else { keys[which.index(keys.len())].clone() };
                map.insert(k, new_value);
            }
            value.to_string().into_bytes()
        },
    )
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    let n = fixtures().len();
    prop_oneof![
        2 => vec(any::<u8>(), 0..96),
        1 => (0..n).prop_map(|i| fixtures()[i].clone()),
        6 => ((0..n), vec(mutation(), 1..6)).prop_map(|(i, ms)| apply(fixtures()[i].clone(), &ms)),
        3 => reshaped_fixture(),
        2 => json_value().prop_map(|v| v.to_string().into_bytes()),
        1 => prop::sample::select(&["", " ", "\r\n", "\t \n", "null", "{}", "[]", "\"\"", "0"][..])
            .prop_map(|s| s.as_bytes().to_vec()),
    ]
}

fn status() -> impl Strategy<Value = u16> {
    prop_oneof![
        3 => 100u16..=599,
        4 => prop::sample::select(&[200u16, 201, 202, 204, 400, 401, 403, 404, 409, 422, 429, 500, 501, 502, 503][..]),
        1 => any::<u16>(),
    ]
}

fn header() -> impl Strategy<Value = (String, String)> {
    let name = prop_oneof![
        4 => prop::sample::select(&["Cko-Request-Id", "cko-request-id", "Retry-After", "retry-after", "Cko-Version",
            "Content-Type", "Cko-Idempotent-Replay"][..]).prop_map(String::from),
        1 => "\\PC{0,12}",
    ];
    let value = prop_oneof![
        2 => "\\PC{0,24}",
        2 => "[0-9]{1,25}",
        1 => prop::sample::select(&["", " 5 ", "-1", "1.5", "0", "18446744073709551616", "req_1"][..])
            .prop_map(String::from),
    ];
    (name, value)
}

fn response() -> impl Strategy<Value = HttpResponse> {
    (status(), vec(header(), 0..6), body()).prop_map(|(status, headers, body)| {
        let mut response = HttpResponse::new(status, body);
        for (name, value) in headers {
            response = response.with_header(name, value);
        }
        response
    })
}

/// A string that is close to being an id, a key or a currency code, or anything at all.
fn near(valid: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![
        2 => "\\PC{0,40}",
        1 => any::<Vec<u8>>().prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
        4 => (prop::sample::select(valid), vec(mutation(), 0..4))
            .prop_map(|(v, ms)| String::from_utf8_lossy(&apply(v.as_bytes().to_vec(), &ms)).into_owned()),
        2 => (prop::sample::select(valid), "[a-zA-Z0-9/?#%. _\\-]{0,12}").prop_map(|(v, s)| format!("{v}{s}")),
    ]
}

/// An object shaped like the original SDK's payment request: a source, an amount, a currency and
/// other fields, each valid or not.
fn request_like() -> impl Strategy<Value = Value> {
    (
        prop_oneof![3 => json_object(), 1 => Just(json!({"token": "tok_ubfj2q76miwundwlk72vxt2i7q"}))],
        prop_oneof![leaf(), Just(json!(100))],
        prop_oneof![leaf(), Just(json!("usd"))],
        btree_map(key(), json_value(), 0..6),
    )
        .prop_map(|(source, amount, currency, rest)| {
            let mut map: Map<String, Value> = rest.into_iter().collect();
            map.insert("source".into(), source);
            map.insert("amount".into(), amount);
            map.insert("currency".into(), currency);
            Value::Object(map)
        })
}

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    #[test]
    fn hostile_responses_give_values_or_typed_errors(response in response()) {
        check_all(&response)?;
    }

    #[test]
    fn an_expected_status_with_an_empty_body_is_an_empty_decode_error(
        status in prop::sample::select(&[200u16, 201, 202][..]),
        blank in "[ \t\r\n]{0,4}",
        headers in vec(header(), 0..3),
    ) {
        let mut response = HttpResponse::new(status, blank.into_bytes());
        for (name, value) in headers {
            response = response.with_header(name, value);
        }
        check_all(&response)?;
        let ops_expecting: [(&str, &[u16], Result<(), Error>); 6] = [
            ("request", request_payment().expected_statuses(), request_payment().parse_response(response.clone()).map(drop)),
            ("get", &[200], GetPayment::new(payment_id()).parse_response(response.clone()).map(drop)),
            ("actions", &[200], GetPaymentActions::new(payment_id()).parse_response(response.clone()).map(drop)),
            ("capture", &[202], CapturePayment::new(payment_id(), ActionRequest::full()).parse_response(response.clone()).map(drop)),
            ("refund", &[202], RefundPayment::new(payment_id(), ActionRequest::full()).parse_response(response.clone()).map(drop)),
            ("void", &[202], VoidPayment::new(payment_id(), VoidRequest::new()).parse_response(response.clone()).map(drop)),
        ];
        for (name, expected, result) in ops_expecting {
            if expected.contains(&status) {
                let is_empty = matches!(result.as_ref().map_err(Error::kind), Err(ErrorKind::Decode(d)) if d.kind == DecodeErrorKind::Empty);
                prop_assert!(is_empty, "{}: {:?}", name, result);
            }
        }
    }

    #[test]
    fn source_inference_never_panics(value in prop_oneof![4 => json_object(), 1 => json_value()]) {
        match PaymentSource::infer(value.clone()) {
            Ok(source) => {
                let _ = format!("{source:?}");
                let body = serde_json::to_value(&source).expect("a source always serialises");
                prop_assert_eq!(body.get("type").and_then(Value::as_str), Some(source.source_type()));
                // What the SDK would send is itself a valid source of the same type.
                let again = PaymentSource::infer(body.clone());
                prop_assert!(again.is_ok(), "{} does not infer again: {:?}", body, again);
                let again = again.expect("checked");
                prop_assert_eq!(again.source_type(), source.source_type());
            }
            Err(error) => prop_assert!(!error.to_string().trim().is_empty()),
        }
    }

    #[test]
    fn requests_from_json_never_panic(value in prop_oneof![1 => json_value(), 9 => request_like()]) {
        match PaymentRequest::from_json(value) {
            Ok(request) => {
                let _ = format!("{request:?}");
                let config = Config::sandbox(SecretKey::new("sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e").expect("valid key"));
                let built = RequestPayment::new(request).build_request(&config);
                prop_assert!(built.is_ok(), "an accepted request cannot be sent: {:?}", built);
            }
            Err(error) => prop_assert!(!error.to_string().trim().is_empty()),
        }
    }

    #[test]
    fn links_are_read_from_any_body(value in prop_oneof![json_value(), json_object().prop_map(|links| json!({"_links": links}))]) {
        let links = Links::from_body(&value);
        for (rel, link) in links.iter() {
            let source = &value["_links"][rel]["href"];
            prop_assert_eq!(source.as_str(), Some(link.href.as_str()));
        }
    }

    #[test]
    fn currencies_parse_three_letter_codes_and_round_trip(code in near(&["USD", "usd", "EUR", "GbP", "JPY", "XXX", "US"])) {
        match Currency::parse(&code) {
            Ok(currency) => {
                prop_assert!(code.eq_ignore_ascii_case(currency.code()), "{code} parsed as {currency}");
                prop_assert_eq!(Currency::parse(currency.code()).ok(), Some(currency));
                let _ = currency.minor_units_per_major();
            }
            Err(error) => prop_assert!(!error.to_string().trim().is_empty()),
        }
    }

    #[test]
    fn secret_keys_are_checked_and_never_echoed(key in near(&[
        "sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e",
        "sk_test_fde517a8-3f01-41ef-b4bd-4282384b0a64",
        "sk_fde517a8-3f01-41ef-b4bd-4282384b0a64",
        "sk_m73dzbpy7cf3gfd46xr4yj5xo4#",
        "pk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e",
    ])) {
        match SecretKey::new(key.clone()) {
            Ok(secret) => {
                prop_assert!(key.starts_with("sk_") && !key.contains(char::is_whitespace), "{key:?} accepted");
                let shown = format!("{secret:?} {secret}");
                prop_assert!(!shown.contains(&key["sk_".len()..]), "{shown} shows {key}");
                prop_assert!(secret.authorization().ends_with(&key));
            }
            Err(error) => {
                let shown = format!("{error} {error:?}");
                prop_assert!(!error.to_string().trim().is_empty());
                if let Some(tail) = key.get(8..).filter(|t| t.len() >= 12) {
                    prop_assert!(!shown.contains(tail), "{shown} echoes {key:?}");
                }
            }
        }
    }

    #[test]
    fn accepted_ids_cannot_escape_a_url_path(id in near(&[
        "pay_mbabizu24mvu3mela5njyhpit4", "sid_y3oqhf46pyzuxjbcn2giaqnb44", "act_y3oqhf46pyzuxjbcn2giaqnb44",
        "src_nwd3m4in3hkuddfpjsaevunhdy", "cus_udst2tfldj6upmye2reztkmm4i", "pay_", "sid_",
    ])) {
        let accepted: Vec<(&str, Result<String, String>)> = vec![
            ("payment", PaymentId::new(id.clone()).map(|i| i.to_string()).map_err(|e| e.to_string())),
            ("session", SessionId::new(id.clone()).map(|i| i.to_string()).map_err(|e| e.to_string())),
            ("action", ActionId::new(id.clone()).map(|i| i.to_string()).map_err(|e| e.to_string())),
            ("source", SourceId::new(id.clone()).map(|i| i.to_string()).map_err(|e| e.to_string())),
            ("customer", CustomerId::new(id.clone()).map(|i| i.to_string()).map_err(|e| e.to_string())),
            ("ref", id.parse::<PaymentRef>().map(|i| i.to_string()).map_err(|e| e.to_string())),
            ("ref from json", serde_json::from_value::<PaymentId>(json!(id)).map(|i| i.to_string()).map_err(|e| e.to_string())),
        ];
        for (kind, result) in accepted {
            match result {
                Ok(text) => {
                    prop_assert_eq!(&text, &id);
                    prop_assert!(
                        !id.contains(['/', '?', '#', '%', '.', '\\']) && id.is_ascii() && !id.contains(char::is_whitespace),
                        "{} id {:?} accepted", kind, id
                    );
                    prop_assert!(id.len() <= 128, "{kind} id of {} characters accepted", id.len());
                    let op = GetPayment::new(id.parse::<PaymentRef>().unwrap_or_else(|_| PaymentRef::from(payment_id())));
                    prop_assert!(op.path().starts_with("payments/"));
                }
                Err(message) => prop_assert!(!message.trim().is_empty()),
            }
        }
        match IdempotencyKey::new(id.clone()) {
            Ok(key) => prop_assert!(key.as_str().bytes().all(|b| b.is_ascii_graphic()) && !key.as_str().is_empty()),
            Err(error) => prop_assert!(!error.to_string().is_empty()),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Deep nesting
// ---------------------------------------------------------------------------------------------

/// Bodies nested far deeper than any parser should follow.
fn deep_bodies() -> Vec<(&'static str, Vec<u8>)> {
    const DEPTH: usize = 100_000;
    vec![
        ("arrays", "[".repeat(DEPTH).into_bytes()),
        ("closed arrays", format!("{}{}", "[".repeat(DEPTH), "]".repeat(DEPTH)).into_bytes()),
        ("objects", "{\"a\":".repeat(DEPTH).into_bytes()),
        ("links", format!("{{\"id\":\"{PAYMENT_ID}\",\"_links\":{}", "{\"self\":".repeat(DEPTH)).into_bytes()),
        ("source", format!("{{\"id\":\"{PAYMENT_ID}\",\"source\":{}", "[".repeat(DEPTH)).into_bytes()),
    ]
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    for (name, body) in deep_bodies() {
        for status in [200u16, 201, 202, 422, 503] {
            let response = HttpResponse::new(status, body.clone()).with_header("Cko-Request-Id", "req_deep");
            check_all(&response).unwrap_or_else(|e| panic!("{name}, {status}: {e}"));
            let result = request_payment().parse_response(response.clone());
            match status {
                201 | 202 => assert!(
                    matches!(result.as_ref().map_err(Error::kind), Err(ErrorKind::Decode(d)) if d.kind == DecodeErrorKind::NotJson),
                    "{name}: {result:?}"
                ),
                _ => assert!(result.is_err(), "{name}, {status}"),
            }
        }
        // The request builders refuse it too.
        assert!(serde_json::from_slice::<Value>(&body).is_err(), "{name} parsed");
    }
}

#[test]
fn nesting_just_inside_the_parser_limit_is_handled() {
    // serde_json accepts up to 128 levels: the typed decoders must cope with what it accepts.
    for depth in [100usize, 126, 127] {
        let nested = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
        for template in [
            "{\"id\":\"PAY\",\"source\":X,\"_links\":{\"self\":{\"href\":X}},\"3ds\":X,\"risk\":X}",
            "[{\"id\":\"act_y3oqhf46pyzuxjbcn2giaqnb44\",\"type\":X,\"metadata\":X}]",
            "{\"action_id\":\"act_y3oqhf46pyzuxjbcn2giaqnb44\",\"reference\":X}",
            "{\"error_codes\":X,\"request_id\":X}",
        ] {
            let body = template.replace("PAY", PAYMENT_ID).replace('X', &nested);
            for status in [200u16, 201, 202, 422] {
                let response = HttpResponse::new(status, body.clone().into_bytes());
                check_all(&response).unwrap_or_else(|e| panic!("depth {depth}, {status}: {e}"));
            }
            if let Ok(value) = serde_json::from_str::<Value>(&body) {
                let _ = Links::from_body(&value);
                let _ = PaymentSource::infer(value.clone());
                let _ = PaymentRequest::from_json(value);
            }
        }
    }
}
