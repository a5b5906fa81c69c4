//! Fuzzes every parser of `checkout-sdk-core` with one input split into a status, headers and a body.
//!
//! Layout of an input:
//!
//! | bytes | meaning |
//! |---|---|
//! | 0..2 | the status, big-endian (mapped into 100..=599 unless the top bit is set) |
//! | 2 | `n`, the length of the header block |
//! | 3..3+n | header lines, `name: value`, separated by `\n` |
//! | rest | the body |
//!
//! Everything the core parses from the outside goes through here: each operation's
//! `parse_response`, `parse_error`, and, when the body is JSON, `PaymentSource::infer`,
//! `PaymentRequest::from_json` and `Links::from_body`; the header values are also tried as
//! currency codes, secret keys and ids. A panic, or an error with an empty message, is a finding.
#![no_main]

use checkout_sdk_core::config::{Config, SecretKey};
use checkout_sdk_core::currency::Currency;
use checkout_sdk_core::error::{DecodeErrorKind, Error};
use checkout_sdk_core::id::{IdempotencyKey, PaymentId, PaymentRef};
use checkout_sdk_core::link::Links;
use checkout_sdk_core::operation::{
    parse_error, CapturePayment, GetPayment, GetPaymentActions, Operation, RefundPayment, RequestPayment, VoidPayment,
};
use checkout_sdk_core::request::{ActionRequest, PaymentRequest, VoidRequest};
use checkout_sdk_core::source::PaymentSource;
use checkout_sdk_core::transport::HttpResponse;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

const PAYMENT_ID: &str = "pay_mbabizu24mvu3mela5njyhpit4";

/// Splits the input into a response, and the header values as loose strings.
fn split(data: &[u8]) -> Option<(HttpResponse, Vec<String>)> {
    let (&[hi, lo, n], rest) = data.split_first_chunk::<3>()?;
    let raw = u16::from_be_bytes([hi, lo]);
    let status = if raw & 0x8000 != 0 { raw & 0x7fff } else { 100 + raw % 500 };
    let n = usize::from(n).min(rest.len());
    let (head, body) = rest.split_at(n);
    let mut response = HttpResponse::new(status, body.to_vec());
    let mut values = Vec::new();
    for line in String::from_utf8_lossy(head).split('\n') {
        let (name, value) = line.split_once(':').unwrap_or(("Cko-Request-Id", line));
        response = response.with_header(name.trim(), value.trim());
        values.push(value.to_string());
    }
    Some((response, values))
}

fn check_error(error: &Error) {
    assert!(!error.to_string().trim().is_empty(), "empty message for {error:?}");
    let _ = format!("{error:?}");
    let _ = (error.is_retryable(), error.may_have_been_processed(), error.attempts(), error.retry_after());
    let _ = (error.http_status(), error.request_id(), error.error_codes(), error.elapsed());
}

fn check<O: Operation>(op: &O, response: &HttpResponse) -> Option<O::Output> {
    let expected = op.expected_statuses().contains(&response.status);
    match op.parse_response(response.clone()) {
        Ok(output) => {
            assert!(expected, "status {} parsed", response.status);
            Some(output)
        }
        Err(error) => {
            check_error(&error);
            assert_eq!(error.http_status(), Some(response.status));
            if expected && response.body.iter().all(u8::is_ascii_whitespace) {
                assert!(matches!(error.kind(), ErrorKind::Decode(d) if d.kind == DecodeErrorKind::Empty), "{error:?}");
            }
            None
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((response, values)) = split(data) else { return };
    let id = PaymentId::new(PAYMENT_ID).expect("valid payment id");

    let source = PaymentSource::infer(serde_json::json!({"token": "tok_ubfj2q76miwundwlk72vxt2i7q"})).expect("source");
    let request = PaymentRequest::builder(source, 100, Currency::USD).build().expect("request");
    if let Some(payment) = check(&RequestPayment::new(request), &response) {
        let _ = (payment.outcome(), payment.can_capture(), payment.redirect_link(), payment.request_id());
    }
    if let Some(payment) = check(&GetPayment::new(PaymentRef::from(id.clone())), &response) {
        let _ = (payment.outcome(), payment.links().len(), &payment["source"]["type"]);
    }
    if let Some(actions) = check(&GetPaymentActions::new(id.clone()), &response) {
        let _ = actions.iter().map(|a| a.action_type.as_str().len()).sum::<usize>();
    }
    check(&CapturePayment::new(id.clone(), ActionRequest::full()), &response);
    check(&RefundPayment::new(id.clone(), ActionRequest::new().amount(1)), &response);
    check(&VoidPayment::new(id, VoidRequest::new()), &response);
    check_error(&parse_error(&response));

    if let Ok(value) = serde_json::from_slice::<Value>(&response.body) {
        let _ = Links::from_body(&value);
        match PaymentSource::infer(value.clone()) {
            Ok(source) => {
                let body = serde_json::to_value(&source).expect("a source serialises");
                let again = PaymentSource::infer(body).expect("what the SDK sends infers again");
                assert_eq!(again.source_type(), source.source_type());
            }
            Err(error) => assert!(!error.to_string().is_empty()),
        }
        match PaymentRequest::from_json(value) {
            Ok(request) => {
                let config = Config::sandbox(SecretKey::new("sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e").expect("key"));
                RequestPayment::new(request).build_request(&config).expect("an accepted request can be built");
            }
            Err(error) => assert!(!error.to_string().is_empty()),
        }
    }

    for value in values.iter().map(|v| v.trim()) {
        if let Ok(currency) = Currency::parse(value) {
            assert!(value.eq_ignore_ascii_case(currency.code()));
        }
        if let Ok(key) = SecretKey::new(value) {
            assert!(!format!("{key:?}{key}").contains(&value[3..]), "the key is shown");
        }
        if let Ok(reference) = value.parse::<PaymentRef>() {
            assert!(!reference.as_str().contains(['/', '?', '#', '%', '.']), "{reference} accepted");
        }
        let _ = IdempotencyKey::new(value);
    }
});
