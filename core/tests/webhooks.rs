//! Webhooks, against evidence from outside this crate:
//!
//! - known answers: every `Cko-Signature` in `fixtures/webhooks/signatures.json` was computed by
//!   Python's `hmac` (see `make_signatures.py`), and must match what the SDK computes and accepts;
//! - tampering: changing any single byte of the body, of the signature or of the key is refused
//!   (properties, 2,000 cases each; failures are not persisted, the input is in the panic message);
//! - Checkout.com's documented example payload of every typed event (`fixtures/webhooks/events`,
//!   provenance in `sources.json`) is received through the full receiver and its typed fields
//!   agree with its JSON;
//! - refusals name the failed check and never contain the key, the authorization value, the
//!   signature or any part of the body (a property, 2,000 cases), and arbitrary deliveries never
//!   panic (a property, 2,000 cases).
#![cfg(feature = "webhooks")]

use std::collections::BTreeSet;
use std::path::PathBuf;

use checkout_sdk_core::currency::Currency;
use checkout_sdk_core::transport::Headers;
use checkout_sdk_core::webhook::{
    EventType, SignatureKey, WebhookAuthorization, WebhookCheck, WebhookError, WebhookEvent, WebhookReceiver,
    DEFAULT_MAX_BODY_SIZE,
};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::Config as ProptestConfig;
use serde_json::Value;

const CASES: u32 = 2_000;
/// The key Checkout.com's own SDK tests use; the fixtures' signatures are made with it.
const CKO_TEST_KEY: &str = "8V8x0dLK%AyD*DNS8JJr";

fn config() -> ProptestConfig {
    ProptestConfig { cases: CASES, failure_persistence: None, ..ProptestConfig::default() }
}

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/webhooks")
}

fn read_json(name: &str) -> Value {
    let path = fixtures().join(name);
    let text = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn from_hex(hex: &str) -> Vec<u8> {
    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex")).collect()
}

/// Every `(file name, raw bytes)` in `events/`, sorted.
fn event_fixtures() -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(fixtures().join("events"))
        .expect("events/")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).expect("readable")))
        .collect();
    files.sort();
    files
}

/// The Python-computed signature of `events/<file>`.
fn python_signature(file: &str) -> String {
    let answers = read_json("signatures.json");
    let wanted = format!("events/{file}");
    answers["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["body_file"] == wanted.as_str())
        .and_then(|c| c["signature"].as_str())
        .unwrap_or_else(|| panic!("no known answer for {wanted}"))
        .to_owned()
}

fn signed_headers(signature: &str) -> Headers {
    let mut headers = Headers::new();
    headers.insert("Cko-Signature", signature);
    headers
}

#[test]
fn signatures_match_known_answers_from_python_hmac() {
    let answers = read_json("signatures.json");
    let cases = answers["cases"].as_array().expect("cases");
    assert!(cases.len() >= 60, "{} cases", cases.len());
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let key = SignatureKey::new(case["key"].as_str().unwrap()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let body = match (case["body_file"].as_str(), case["body_hex"].as_str()) {
            (Some(file), None) => std::fs::read(fixtures().join(file)).unwrap(),
            (None, Some(hex)) => from_hex(hex),
            _ => panic!("{name}: a case has exactly one body"),
        };
        let expected = case["signature"].as_str().unwrap();
        assert_eq!(key.sign(&body), expected, "{name}");
        assert_eq!(key.verify(&body, expected), Ok(()), "{name}");
        let receiver = WebhookReceiver::new(key);
        assert_eq!(receiver.verify_pairs([("cko-signature", expected)], &body), Ok(()), "{name}");
    }
}

#[test]
fn every_typed_event_has_a_fixture_with_its_provenance() {
    let sources = read_json("sources.json");
    let sources = sources["events"].as_object().expect("events");
    let files: BTreeSet<String> = event_fixtures().into_iter().map(|(name, _)| name).collect();
    let known: BTreeSet<String> = EventType::KNOWN.iter().map(|t| format!("{t}.json")).collect();
    assert_eq!(files, known, "one fixture per known event type");
    assert_eq!(files, sources.keys().cloned().collect::<BTreeSet<_>>(), "provenance for every fixture");
    for (name, source) in sources {
        let status = source["status"].as_str().unwrap();
        assert!(["documented", "abridged", "constructed"].contains(&status), "{name}: {status}");
        assert!(source["source"].as_str().is_some_and(|s| !s.is_empty()), "{name}");
        if status != "documented" {
            assert!(source["note"].as_str().is_some_and(|s| !s.is_empty()), "{name} must say how it differs");
        }
    }
    let documented = sources.values().filter(|s| s["status"] != "constructed").count();
    assert!(documented >= 21, "{documented} fixtures are Checkout.com's own examples");
}

#[test]
fn documented_examples_of_every_typed_event_are_received_and_typed() {
    let receiver = WebhookReceiver::new(SignatureKey::new(CKO_TEST_KEY).unwrap());
    for (file, body) in event_fixtures() {
        let headers = signed_headers(&python_signature(&file));
        let event = receiver.receive(&headers, &body).unwrap_or_else(|e| panic!("{file}: {e}"));
        let json: Value = serde_json::from_slice(&body).unwrap();
        let data = &json["data"];
        let type_name = file.trim_end_matches(".json");

        assert_eq!(event.event_type(), &EventType::parse(type_name), "{file}");
        assert!(event.event_type().is_known(), "{file}");
        assert_eq!(event.event_type().as_str(), type_name, "{file}");
        assert_eq!(event.type_name(), json["type"], "{file}");
        assert_eq!(event.id().as_str(), json["id"], "{file}");
        let created = json["created_on"].as_str().or(json["timestamp"].as_str());
        assert!(created.is_some(), "{file}: every example says when it was created");
        assert_eq!(event.created_on(), created, "{file}");
        assert_eq!(event.version(), json["version"].as_str(), "{file}");

        // Every example is about a payment, with an amount and a currency.
        let payment_id = data["id"].as_str().expect("data.id");
        assert_eq!(event.payment_id().map(|p| p.as_str()), Some(payment_id), "{file}");
        assert_eq!(event.amount(), data["amount"].as_u64(), "{file}");
        assert!(event.amount().is_some(), "{file}");
        let currency = data["currency"].as_str().map(|c| Currency::parse(c).expect("an ISO 4217 code"));
        assert_eq!(event.currency(), currency, "{file}");
        assert!(event.currency().is_some(), "{file}");
        assert_eq!(event.action_id().map(|a| a.as_str()), data["action_id"].as_str(), "{file}");
        assert_eq!(event.reference(), data["reference"].as_str(), "{file}");
        assert_eq!(event.response_code().map(|c| c.as_str()), data["response_code"].as_str(), "{file}");
        assert_eq!(event.response_summary(), data["response_summary"].as_str(), "{file}");

        assert_eq!(event.body(), &body[..], "{file}: the body is kept byte for byte");
        assert_eq!(event.json(), &json, "{file}");
        assert_eq!(event.data(), Some(data), "{file}");
    }
}

#[test]
fn documented_examples_read_as_the_docs_show() {
    let event =
        |file: &str| WebhookEvent::parse(&std::fs::read(fixtures().join("events").join(file)).unwrap()).unwrap();

    let captured = event("payment_captured.json");
    assert_eq!(captured.id(), "evt_6aznipgxbuaure3qen5qbzyswy");
    assert_eq!(captured.payment_id().unwrap(), "pay_waji5li3mqtetnaor77xmow4bq");
    assert_eq!(captured.action_id().unwrap(), "act_gse7gcrhleuedmzhq25n3mhweq");
    assert_eq!((captured.amount(), captured.currency()), (Some(10000), Some(Currency::EUR)));
    assert_eq!(captured.created_on(), Some("2019-06-07T08:25:22Z"));
    assert_eq!(captured.reference(), Some("ORD-5023-4E89"));
    assert_eq!(captured.response_summary(), Some("Approved"));

    // The APM events carry `timestamp`, not `created_on`, and no action id.
    let pending = event("payment_pending.json");
    assert_eq!(pending.created_on(), Some("2021-06-11T11:40:34.011+00:00"));
    assert_eq!(pending.action_id(), None);
    assert_eq!(pending.response_code(), None);

    let declined = event("payment_declined.json");
    assert_eq!(declined.response_code().unwrap().as_str(), "20005");
    assert_eq!(declined.response_summary(), Some("Declined - Do Not Honour"));
    assert_eq!(declined["data"]["source"]["last_4"], "4242");

    let returned = event("payment_returned.json");
    assert_eq!((returned.amount(), returned.currency()), (Some(8130), Some(Currency::GBP)));
    assert_eq!(returned.reference(), Some("Calibra's reference"));
}

#[test]
fn unknown_event_types_are_kept_with_their_json() {
    let body = br#"{"id": "evt_uwsmrz2ckwaeoqeouqqrvz3ws4", "type": "dispute_evidence_required",
        "created_on": "2023-05-24T09:31:19Z",
        "data": {"id": "dsp_rbh6kfsw3tnuvce3bd4jipwgdc", "payment_id": "pay_do6kcxcq4pwehkbrupwnohnbyq", "amount": 40000, "currency": "EUR"}}"#;
    let key = SignatureKey::new(CKO_TEST_KEY).unwrap();
    let event = WebhookReceiver::new(key.clone()).receive(&signed_headers(&key.sign(body)), body).unwrap();
    assert_eq!(event.event_type(), &EventType::Unknown("dispute_evidence_required".into()));
    assert_eq!(event.type_name(), "dispute_evidence_required");
    assert_eq!(event.payment_id(), None, "a dispute id is not a payment id");
    assert_eq!(event.amount(), Some(40000));
    assert_eq!(event["data"]["payment_id"], "pay_do6kcxcq4pwehkbrupwnohnbyq");
    assert_eq!(event.body(), body);
}

#[test]
fn http_header_maps_are_accepted_as_they_are() {
    let key = SignatureKey::new(CKO_TEST_KEY).unwrap();
    let receiver =
        WebhookReceiver::new(key.clone()).with_authorization(WebhookAuthorization::new("configured-value").unwrap());
    let body = br#"{"id": "evt_1", "type": "payment_voided"}"#;
    let mut headers = http::HeaderMap::new();
    headers.insert("cko-signature", key.sign(body).parse().unwrap());
    headers.insert(http::header::AUTHORIZATION, "configured-value".parse().unwrap());
    let event = receiver.receive_pairs(&headers, body).unwrap();
    assert_eq!(event.event_type(), &EventType::PaymentVoided);
    // A header value that is not UTF-8 is read as bytes and refused as malformed, not a panic.
    headers.insert("cko-signature", http::HeaderValue::from_bytes(b"\xff\xfe").unwrap());
    assert!(matches!(receiver.receive_pairs(&headers, body), Err(WebhookError::MalformedSignature(_))));
}

#[test]
fn the_default_size_limit_is_one_mebibyte() {
    let key = SignatureKey::new(CKO_TEST_KEY).unwrap();
    let receiver = WebhookReceiver::new(key.clone());
    assert_eq!(receiver.max_body_size(), DEFAULT_MAX_BODY_SIZE);
    assert_eq!(DEFAULT_MAX_BODY_SIZE, 1 << 20);
    let at_limit = vec![b' '; DEFAULT_MAX_BODY_SIZE];
    // Passes the size and signature checks; refused only as not an event.
    assert_eq!(
        receiver.receive(&signed_headers(&key.sign(&at_limit)), &at_limit),
        Err(WebhookError::NotAnEvent("the body is not JSON"))
    );
    let over = vec![b' '; DEFAULT_MAX_BODY_SIZE + 1];
    let refused = receiver.receive(&signed_headers(&key.sign(&over)), &over).unwrap_err();
    assert_eq!(refused, WebhookError::BodyTooLarge { size: DEFAULT_MAX_BODY_SIZE + 1, limit: DEFAULT_MAX_BODY_SIZE });
    assert_eq!(refused.check().http_status(), 413);
}

#[test]
fn every_refusal_names_its_check() {
    let key = SignatureKey::new(CKO_TEST_KEY).unwrap();
    let receiver = WebhookReceiver::new(key.clone())
        .with_authorization(WebhookAuthorization::new("configured-value").unwrap())
        .with_max_body_size(4096);
    let event = br#"{"id": "evt_1", "type": "payment_paid"}"#;
    let good = key.sign(event);
    let headers = |sig: &str, auth: Option<&str>| {
        let mut h = signed_headers(sig);
        if let Some(a) = auth {
            h.insert("authorization", a);
        }
        h
    };
    let cases: Vec<(Result<WebhookEvent, WebhookError>, WebhookError, WebhookCheck)> = vec![
        (
            receiver.receive(&headers(&good, Some("configured-value")), &[b' '; 4097]),
            WebhookError::BodyTooLarge { size: 4097, limit: 4096 },
            WebhookCheck::Size,
        ),
        (
            receiver.receive(&headers(&good, None), event),
            WebhookError::MissingAuthorization,
            WebhookCheck::Authorization,
        ),
        (
            receiver.receive(&headers(&good, Some("another-value")), event),
            WebhookError::WrongAuthorization,
            WebhookCheck::Authorization,
        ),
        (
            receiver.receive(
                &{
                    let mut h = Headers::new();
                    h.insert("Authorization", "configured-value");
                    h
                },
                event,
            ),
            WebhookError::MissingSignature,
            WebhookCheck::Signature,
        ),
        (
            receiver.receive(&headers("not hex", Some("configured-value")), event),
            WebhookError::MalformedSignature("expected 64 hexadecimal digits"),
            WebhookCheck::Signature,
        ),
        (
            receiver.receive(&headers(&key.sign(b"another body"), Some("configured-value")), event),
            WebhookError::SignatureMismatch,
            WebhookCheck::Signature,
        ),
        (
            receiver.receive(&headers(&key.sign(b"[]"), Some("configured-value")), b"[]"),
            WebhookError::NotAnEvent("the body is not a JSON object"),
            WebhookCheck::Event,
        ),
    ];
    for (got, error, check) in cases {
        assert_eq!(got.as_ref().err(), Some(&error));
        assert_eq!(error.check(), check, "{error}");
        assert!(!error.to_string().is_empty());
    }
    assert!(receiver.receive(&headers(&good, Some("configured-value")), event).is_ok());
    assert_eq!(SignatureKey::new("").unwrap_err().check().http_status(), 500);
}

/// Whether `a` and `b` are the same hex digit in different case: the one change of a signature
/// the SDK accepts, because hex is case-insensitive.
fn same_hex_digit(a: u8, b: u8) -> bool {
    a != b && a.is_ascii_hexdigit() && a.eq_ignore_ascii_case(&b)
}

/// Keys as bytes, not starting or ending with whitespace (which `SignatureKey::new` refuses).
fn key_bytes() -> impl Strategy<Value = Vec<u8>> {
    vec(any::<u8>(), 1..100).prop_filter("no surrounding whitespace", |k| {
        !k[0].is_ascii_whitespace() && !k[k.len() - 1].is_ascii_whitespace()
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn changing_any_byte_of_the_body_is_refused(
        key in key_bytes(), body in vec(any::<u8>(), 1..600), at in any::<Index>(), flip in 1u8..=255,
    ) {
        let key = SignatureKey::new(&key).unwrap();
        let signature = key.sign(&body);
        prop_assert_eq!(key.verify(&body, &signature), Ok(()));
        let mut tampered = body.clone();
        let i = at.index(tampered.len());
        tampered[i] ^= flip;
        prop_assert_eq!(key.verify(&tampered, &signature), Err(WebhookError::SignatureMismatch));
    }

    #[test]
    fn changing_any_byte_of_the_signature_is_refused(
        key in key_bytes(), body in vec(any::<u8>(), 0..300), at in 0usize..64, byte in any::<u8>(),
    ) {
        let key = SignatureKey::new(&key).unwrap();
        let mut signature = key.sign(&body).into_bytes();
        let original = signature[at];
        prop_assume!(byte != original && !same_hex_digit(original, byte));
        signature[at] = byte;
        let refused = key.verify(&body, &signature).unwrap_err();
        prop_assert_eq!(refused.check(), WebhookCheck::Signature);
        prop_assert!(matches!(refused, WebhookError::SignatureMismatch | WebhookError::MalformedSignature(_)));
    }

    #[test]
    fn changing_any_byte_of_the_key_is_refused(
        key in key_bytes(), body in vec(any::<u8>(), 0..300), at in any::<Index>(), flip in 1u8..=255,
    ) {
        let signature = SignatureKey::new(&key).unwrap().sign(&body);
        let mut other = key.clone();
        let i = at.index(other.len());
        other[i] ^= flip;
        let other = SignatureKey::new(&other);
        prop_assume!(other.is_ok());
        prop_assert_eq!(other.unwrap().verify(&body, &signature), Err(WebhookError::SignatureMismatch));
    }

    #[test]
    fn refusals_never_show_secrets_or_the_body(
        key in "[a-zA-Z0-9]{16,40}", auth in "[a-zA-Z0-9]{16,40}", marker in "[a-zA-Z0-9]{16,40}",
        wrong in "[a-zA-Z0-9]{16,40}",
    ) {
        let signing = SignatureKey::new(&key).unwrap();
        let receiver = WebhookReceiver::new(signing.clone())
            .with_authorization(WebhookAuthorization::new(auth.as_str()).unwrap());
        let event = format!(r#"{{"id": "evt_{marker}", "type": "payment_paid", "data": {{"reference": "{marker}"}}}}"#);
        let not_event = format!(r#"{{"note": "{marker}"}}"#);
        let good = signing.sign(event.as_bytes());
        let deliveries: Vec<(Vec<(&str, String)>, &str)> = vec![
            (vec![("cko-signature", good.clone())], &event),
            (vec![("cko-signature", good.clone()), ("authorization", wrong.clone())], &event),
            (vec![("authorization", auth.clone())], &event),
            (vec![("cko-signature", marker.clone()), ("authorization", auth.clone())], &event),
            (vec![("cko-signature", wrong.clone() + &wrong + &wrong + &wrong), ("authorization", auth.clone())], &event),
            (vec![("cko-signature", good.clone()), ("authorization", auth.clone())], &not_event),
            (vec![("cko-signature", signing.sign(not_event.as_bytes())), ("authorization", auth.clone())], &not_event),
        ];
        let small = receiver.clone().with_max_body_size(8);
        let mut refusals: Vec<WebhookError> = deliveries
            .iter()
            .map(|(headers, body)| receiver.receive_pairs(headers.clone(), body.as_bytes()).unwrap_err())
            .collect();
        refusals.push(small.receive_pairs([("cko-signature", good.clone())], event.as_bytes()).unwrap_err());
        refusals.push(SignatureKey::new(format!(" {key}")).unwrap_err());
        refusals.push(WebhookAuthorization::new(format!("{auth}\n")).unwrap_err());
        prop_assert_eq!(refusals.len(), 10);
        let shown: Vec<String> = refusals.iter().map(|e| format!("{e} {e:?}"))
            .chain([format!("{receiver:?}"), format!("{signing} {signing:?}")])
            .collect();
        for text in shown {
            for secret in [&key, &auth, &marker, &wrong, &good] {
                prop_assert!(!text.contains(secret.as_str()), "{:?} shows {:?}", text, secret);
            }
        }
    }

    #[test]
    fn arbitrary_deliveries_never_panic(
        headers in vec((prop::sample::select(vec!["Cko-Signature", "cko-signature", "Authorization", "X-Other"]),
                        vec(any::<u8>(), 0..80)), 0..4),
        body in vec(any::<u8>(), 0..400),
        with_auth in any::<bool>(),
    ) {
        let mut receiver = WebhookReceiver::new(SignatureKey::new(CKO_TEST_KEY).unwrap()).with_max_body_size(300);
        if with_auth {
            receiver = receiver.with_authorization(WebhookAuthorization::new("value").unwrap());
        }
        // Random bytes are never a valid signature, so every delivery is refused, with a message.
        let refused = receiver.receive_pairs(headers, &body).unwrap_err();
        prop_assert!(!refused.to_string().is_empty());
    }
}
