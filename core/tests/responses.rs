//! Parsing of every documented response (the API reference's examples and the original SDK's),
//! every error status, every outcome, the link helpers, the response format, and lenient
//! decoding of odd bodies, through the sans-IO operations.

mod support;

use std::time::Duration;

use checkout_sdk_core::action::{ActionAccepted, ActionType, PaymentAction};
use checkout_sdk_core::currency::Currency;
use checkout_sdk_core::error::{DecodeErrorKind, Error, ErrorKind};
use checkout_sdk_core::id::{PaymentId, PaymentRef};
use checkout_sdk_core::link::Link;
use checkout_sdk_core::operation::{
    parse_error, parse_typed, CapturePayment, GetPayment, GetPaymentActions, Operation, RefundPayment, RequestPayment,
    VoidPayment,
};
use checkout_sdk_core::outcome::{Outcome, ResponseCode, ResponseCodeFamily};
use checkout_sdk_core::payment::{Payment, PaymentStatus};
use checkout_sdk_core::request::{ActionRequest, PaymentRequest, VoidRequest};
use checkout_sdk_core::response::Response;
use checkout_sdk_core::source::TokenSource;
use checkout_sdk_core::transport::HttpResponse;
use serde_json::{json, Value};
use support::*;

const ACTION_ID: &str = "act_y3oqhf46pyzuxjbcn2giaqnb44";

fn pay_id() -> PaymentId {
    PAYMENT_ID.parse().unwrap()
}

fn request_op() -> RequestPayment {
    RequestPayment::new(PaymentRequest::builder(TokenSource::new("tok_x"), 100, Currency::USD).build().unwrap())
}

fn get_op() -> GetPayment {
    GetPayment::new(pay_id())
}

/// `POST /payments` answered with `response`.
fn requested(response: HttpResponse) -> Result<Response<Payment>, Error> {
    request_op().parse_response(response)
}

/// `GET /payments/{id}` answered with `response`.
fn got(response: HttpResponse) -> Result<Response<Payment>, Error> {
    get_op().parse_response(response)
}

/// `GET /payments/{id}` answered `200` with `body`.
fn get_body(body: Value) -> Response<Payment> {
    got(json_response(200, &body)).unwrap_or_else(|e| panic!("{body}: {e}"))
}

fn decode_kind(error: &Error) -> Option<DecodeErrorKind> {
    match error.kind() {
        ErrorKind::Decode(d) => Some(d.kind),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// 2. The documented success bodies.
// ---------------------------------------------------------------------------------------------

#[test]
fn the_201_example_parses_with_numbers_where_strings_are_documented() {
    let response = timed(fixture_response(201, "payment_201_approved.json"), Duration::from_millis(120))
        .with_header("Cko-Request-Id", "0HL80RJLS76I7")
        .with_header("Cko-Version", "1.0.0");
    let payment = requested(response).unwrap();

    assert_eq!(payment.id, PAYMENT_ID);
    assert_eq!(payment.action_id.as_ref().map(|a| a.as_str()), Some("act_mbabizu24mvu3mela5njyhpit4"));
    assert_eq!(payment.amount, Some(6540));
    assert_eq!(payment.currency, Some(Currency::USD));
    assert_eq!(payment.approved, Some(true));
    assert_eq!(payment.status, Some(PaymentStatus::Authorized));
    assert_eq!(payment.response_code, Some(ResponseCode::new("10000")));
    assert_eq!(payment.response_summary.as_deref(), Some("Approved"));
    assert_eq!(payment.auth_code.as_deref(), Some("770687"));
    assert_eq!(payment.reference.as_deref(), Some("ORD-5023-4E89"));
    assert_eq!(payment.processed_on.as_deref(), Some("2019-09-10T10:11:12.0000000+00:00"));
    let source = payment.source.as_ref().unwrap();
    assert_eq!(source.source_type.as_deref(), Some("card"));
    assert_eq!(source.id.as_ref().unwrap(), "src_nwd3m4in3hkuddfpjsaevunhdy");
    assert_eq!(source.last4.as_deref(), Some("4242"));
    assert_eq!(source.bin.as_deref(), Some("424242"));
    let customer = payment.customer.as_ref().unwrap();
    assert_eq!(customer.id.as_ref().unwrap(), "cus_udst2tfldj6upmye2reztkmm4i");
    assert_eq!(customer.email.as_deref(), Some("jokershere@gmail.com"));
    assert_eq!(customer.name.as_deref(), Some("Jack Napier"));
    let three_ds = payment.three_ds.as_ref().unwrap();
    assert_eq!((three_ds.downgraded, three_ds.enrolled.as_deref()), (Some(true), Some("N")));

    // The reference example is approved *and* flagged.
    assert!(!payment.is_pending() && !payment.requires_redirect());
    assert!(payment.is_approved() && payment.is_flagged());
    assert_eq!(payment.outcome(), Outcome::Flagged);
    assert!(payment.can_capture() && payment.can_void() && !payment.can_refund());

    assert_eq!(payment.status(), 201);
    assert_eq!(payment.request_id(), Some("0HL80RJLS76I7"));
    assert_eq!(payment.api_version(), Some("1.0.0"));
    assert_eq!(payment.http().elapsed, Some(Duration::from_millis(120)));
    // The raw body keeps the values exactly as sent.
    assert_eq!(payment["response_code"], 10000);
    assert_eq!(payment["source"]["last4"], 4242);
    assert_eq!(payment["eci"], 6);
    assert_eq!(payment.body(), &fixture_json("payment_201_approved.json"));
}

#[test]
fn the_202_bodies_are_pending_with_a_redirect() {
    let cases = [
        ("payment_202_pending.json", PAYMENT_ID, "https://api.checkout.com/3ds/pay_mbabizu24mvu3mela5njyhpit4"),
        (
            "payment_202_ideal.json",
            "pay_y3gars76cvrudairph27ekzpvm",
            "https://sandbox.checkout.com/LP.Core/api/payment/191952",
        ),
        (
            "payment_202_3ds.json",
            "pay_krq2q22lblsevfkay2gfyvatta",
            "https://3ds2-sandbox.ckotech.co/interceptor/3ds_dr6us33uu57utjwh7yl5szcgqy",
        ),
    ];
    for (name, id, redirect) in cases {
        let payment = requested(fixture_response(202, name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(payment.id, id, "{name}");
        assert_eq!(payment.status, Some(PaymentStatus::Pending), "{name}");
        assert_eq!(payment.approved, None, "{name}");
        assert!(payment.is_pending(), "{name}");
        assert!(payment.requires_redirect(), "{name}");
        assert_eq!(payment.redirect_link().map(|l| l.href.as_str()), Some(redirect), "{name}");
        assert_eq!(payment.outcome(), Outcome::Pending { redirect: Some(Link::new(redirect)) }, "{name}");
        assert!(!payment.outcome().is_approved(), "{name}");
        assert!(payment.self_link().unwrap().href.ends_with(id), "{name}");
        assert!(payment.customer.as_ref().and_then(|c| c.id.as_ref()).is_some(), "{name}");
        assert!(!payment.can_capture() && !payment.can_void() && !payment.can_refund(), "{name}");
    }
    let three_ds = requested(fixture_response(202, "payment_202_3ds.json")).unwrap();
    let result = three_ds.three_ds.as_ref().unwrap();
    assert_eq!((result.downgraded, result.enrolled.as_deref()), (Some(false), Some("Y")));
}

#[test]
fn the_get_200_body_parses() {
    let response = fixture_response(200, "payment_200_get.json").with_header("cko-request-id", "req_get");
    let payment = got(response).unwrap();
    assert_eq!(payment.id, PAYMENT_ID);
    assert_eq!(payment.status, Some(PaymentStatus::Authorized));
    assert_eq!(payment.requested_on.as_deref(), Some("2019-09-10T10:11:12.0000000+00:00"));
    assert_eq!((payment.amount, payment.currency), (Some(6540), Some(Currency::USD)));
    let source = payment.source.as_ref().unwrap();
    assert_eq!(source.last4.as_deref(), Some("9996"));
    assert_eq!(source.bin.as_deref(), Some("454347"));
    assert_eq!(source.scheme.as_deref(), Some("VISA"));
    assert_eq!((source.expiry_month, source.expiry_year), (Some(6), Some(2025)));
    assert_eq!(source.fingerprint.as_deref(), Some("F639CAB2745BEE4140BF86DF6B6D6"));
    let three_ds = payment.three_ds.as_ref().unwrap();
    assert_eq!(three_ds.authentication_response.as_deref(), Some("Y"));
    assert_eq!(payment.request_id(), Some("req_get"));
    assert_eq!(payment.status(), 200);
    assert!(!payment.is_pending());
    assert_eq!(payment.outcome(), Outcome::Flagged);
    assert!(payment.can_refund() && !payment.can_capture() && !payment.can_void());
    assert_eq!(payment["actions"][0]["id"], ACTION_ID);
    assert_eq!(payment["metadata"]["partner_id"], 123989);
    assert_eq!(payment.pointer("/shipping/address/zip"), Some(&json!("W1T 4TJ")));
}

#[test]
fn the_actions_200_array_parses() {
    let actions = GetPaymentActions::new(pay_id()).parse_response(fixture_response(200, "actions_200.json")).unwrap();
    type Row = (&'static str, ActionType, u64, &'static str, Option<&'static str>, Option<&'static str>);
    let expected: [Row; 3] = [
        ("act_fd3h6evhpn3uxdoqbuu3lqnqbm", ActionType::Refund, 1000, "10000", None, None),
        ("act_gefycn3jcvuupboxfmqrhk2aym", ActionType::Capture, 6540, "10000", None, None),
        (
            "act_y3oqhf46pyzuxjbcn2giaqnb44",
            ActionType::Authorization,
            6540,
            "10000",
            Some("ORD-5023-4E89"),
            Some("643381"),
        ),
    ];
    assert_eq!(actions.len(), expected.len());
    for (action, (id, kind, amount, code, reference, auth_code)) in actions.iter().zip(expected) {
        assert_eq!(action.id, id);
        assert_eq!(action.action_type, kind, "{id}");
        assert_eq!(action.amount, Some(amount), "{id}");
        assert_eq!(action.response_code, Some(ResponseCode::new(code)), "{id}");
        assert_eq!(action.response_summary.as_deref(), Some("Approved"), "{id}");
        assert_eq!(action.approved, Some(true), "{id}");
        assert_eq!(action.reference.as_deref(), reference, "{id}");
        assert_eq!(action.auth_code.as_deref(), auth_code, "{id}");
        assert!(action.processed_on.as_deref().is_some_and(|p| p.starts_with("2018-01-")), "{id}");
    }
    // Indexing and iterating give the typed actions.
    assert_eq!(actions[1].metadata.as_ref().unwrap()["shipping_ref"], "MQIBN2");
    assert_eq!(actions[2].auth_code.as_deref(), Some("643381"));
    let mut types = Vec::new();
    for action in &actions {
        types.push(action.action_type.to_string());
    }
    assert_eq!(types, ["Refund", "Capture", "Authorization"]);
    // The raw array body keeps the values as sent; out of range is Null there.
    assert_eq!(actions.body()[0]["id"], "act_fd3h6evhpn3uxdoqbuu3lqnqbm");
    assert_eq!(actions.body()[2]["auth_code"], 643381);
    assert_eq!(actions.body()[7], Value::Null);
    assert_eq!(actions.pointer("/1/processing/acquirer_transaction_id"), Some(&json!(745244079)));
    assert!(actions.links().is_empty());
}

#[test]
fn capture_refund_and_void_202s_give_the_action_id_and_the_payment_link() {
    type Parse = fn(HttpResponse) -> Result<Response<ActionAccepted>, Error>;
    let cases: [(&str, Parse); 3] = [
        ("capture_202_accepted.json", |r| CapturePayment::new(pay_id(), ActionRequest::full()).parse_response(r)),
        ("refund_202_accepted.json", |r| {
            RefundPayment::new(pay_id(), ActionRequest::new().amount(1)).parse_response(r)
        }),
        ("void_202_accepted.json", |r| VoidPayment::new(pay_id(), VoidRequest::new()).parse_response(r)),
    ];
    for (name, parse) in cases {
        let response = fixture_response(202, name).with_header("Cko-Request-Id", "req_act");
        let action = parse(response).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(action.action_id, ACTION_ID, "{name}");
        assert_eq!(action.reference.as_deref(), Some("ORD-5023-4E89"), "{name}");
        assert!(action.has_link("payment"), "{name}");
        let link = action.get_link("payment").unwrap();
        assert_eq!(link.href, "https://api.checkout.com/payments/pay_y3oqhf46pyzuxjbcn2giaqnb44", "{name}");
        assert_eq!(link.title, None, "{name}");
        assert_eq!(action.links().len(), 1, "{name}");
        assert_eq!((action.status(), action.request_id()), (202, Some("req_act")), "{name}");
        // A 201 or 200 is not what these operations expect.
        let err = parse(fixture_response(200, name)).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::UnexpectedStatus(_)), "{name}: {err:?}");
    }
}

#[test]
fn the_422_body_gives_type_codes_and_request_id() {
    let body = fixture("error_422_validation.json");
    let mut bare = HttpResponse::new(422, body.clone());
    bare.elapsed = Some(Duration::from_millis(87));
    let err = requested(bare).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Validation(_)), "{err:?}");
    assert_eq!(err.http_status(), Some(422));
    assert_eq!(err.error_type(), Some("request_invalid"));
    assert_eq!(err.error_codes(), ["payment_source_required"]);
    assert_eq!(err.request_id(), Some("0HL80RJLS76I7"), "from the body when the header is absent");
    assert_eq!(err.api_version(), None);
    assert_eq!(err.elapsed(), Some(Duration::from_millis(87)));
    assert_eq!(err.attempts(), 1);
    assert!(!err.is_retryable() && !err.may_have_been_processed() && !err.is_invalid_input());
    let text = err.to_string();
    assert!(
        text.contains("422") && text.contains("request_invalid") && text.contains("payment_source_required"),
        "{text}"
    );
    assert!(text.contains("0HL80RJLS76I7") && !text.contains("attempts"), "{text}");

    let with_headers = HttpResponse::new(422, body)
        .with_header("Cko-Request-Id", "hdr_0HL80RJLS76I8")
        .with_header("Cko-Version", "1.0.0");
    let err = requested(with_headers).unwrap_err();
    assert_eq!(err.request_id(), Some("hdr_0HL80RJLS76I8"), "the header wins over the body");
    assert_eq!(err.api_version(), Some("1.0.0"));
    assert_eq!(err.elapsed(), None);
    let details = err.api_error().unwrap();
    assert_eq!((details.status, err.attempts(), details.retry_after), (422, 1, None));
}

// ---------------------------------------------------------------------------------------------
// 3. Every error status.
// ---------------------------------------------------------------------------------------------

type IsVariant = fn(&Error) -> bool;

/// status, its variant, retryable, may have been processed.
const STATUSES: &[(u16, IsVariant, bool, bool)] = &[
    (401, |e| matches!(e.kind(), ErrorKind::Authentication(_)), false, false),
    (403, |e| matches!(e.kind(), ErrorKind::NotAllowed(_)), false, false),
    (404, |e| matches!(e.kind(), ErrorKind::NotFound(_)), false, false),
    (409, |e| matches!(e.kind(), ErrorKind::Conflict(_)), false, false),
    (422, |e| matches!(e.kind(), ErrorKind::Validation(_)), false, false),
    (429, |e| matches!(e.kind(), ErrorKind::TooManyRequests(_)), true, false),
    (500, |e| matches!(e.kind(), ErrorKind::Server(_)), true, true),
    (501, |e| matches!(e.kind(), ErrorKind::Server(_)), false, true),
    (502, |e| matches!(e.kind(), ErrorKind::Server(_)), true, true),
    (503, |e| matches!(e.kind(), ErrorKind::Server(_)), true, true),
    (418, |e| matches!(e.kind(), ErrorKind::UnexpectedStatus(_)), false, false),
    // A success status the operation does not expect (`POST /payments` answers 201 or 202).
    (200, |e| matches!(e.kind(), ErrorKind::UnexpectedStatus(_)), false, true),
    (204, |e| matches!(e.kind(), ErrorKind::UnexpectedStatus(_)), false, true),
    (302, |e| matches!(e.kind(), ErrorKind::UnexpectedStatus(_)), false, true),
];

#[test]
fn every_error_status_maps_to_its_variant_with_any_body() {
    let bodies: [(&str, Vec<u8>, Option<&str>); 4] = [
        ("empty", Vec::new(), None),
        ("html", b"<html><body><h1>502 Bad Gateway</h1></body></html>".to_vec(), None),
        ("json", fixture("error_422_validation.json"), Some("request_invalid")),
        ("json without fields", b"{\"message\": 5}".to_vec(), None),
    ];
    for &(status, is_variant, retryable, processed) in STATUSES {
        for (kind, body, error_type) in &bodies {
            let case = format!("{status} with {kind} body");
            let response = timed(HttpResponse::new(status, body.clone()), Duration::from_millis(40))
                .with_header("Cko-Request-Id", "req_err")
                .with_header("Cko-Version", "1.0.0");
            let err = requested(response.clone()).unwrap_err();
            assert!(is_variant(&err), "{case}: {err:?}");
            assert_eq!(err.http_status(), Some(status), "{case}");
            assert_eq!(err.is_retryable(), retryable, "{case}");
            assert_eq!(err.may_have_been_processed(), processed, "{case}");
            assert!(!err.is_invalid_input(), "{case}");
            assert_eq!(err.error_type(), *error_type, "{case}");
            assert_eq!(err.error_codes().len(), usize::from(error_type.is_some()), "{case}");
            assert_eq!(err.request_id(), Some("req_err"), "{case}");
            assert_eq!(err.api_version(), Some("1.0.0"), "{case}");
            assert_eq!(err.elapsed(), Some(Duration::from_millis(40)), "{case}");
            assert_eq!((err.attempts(), err.retry_after()), (1, None), "{case}");
            assert!(err.to_string().contains(&format!("HTTP {status}")), "{case}: {err}");
            // `parse_error` is what every operation uses, whatever the status.
            assert_eq!(parse_error(&response), err, "{case}");
        }
    }
}

#[test]
fn retry_after_is_read_from_429_and_503() {
    let cases = [(429, "3", Some(3)), (503, "120", Some(120)), (429, " 7 ", Some(7)), (429, "soon", None)];
    for (status, header, secs) in cases {
        let response = HttpResponse::new(status, Vec::new()).with_header("Retry-After", header);
        let err = requested(response).unwrap_err();
        assert_eq!(err.retry_after(), secs.map(Duration::from_secs), "{status} {header:?}");
        assert!(err.is_retryable(), "{status}");
    }
    let err = requested(HttpResponse::new(429, Vec::new()).with_header("Retry-After", "3")).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::TooManyRequests(_)));
    assert!(err.to_string().contains("retry after 3s"), "{err}");
}

#[test]
fn unexpected_success_statuses_are_errors_for_every_operation() {
    let payment = fixture("payment_201_approved.json");
    let cases: [(&str, u16, Result<(), Error>); 4] = [
        ("request answered 200", 200, requested(HttpResponse::new(200, payment.clone())).map(drop)),
        ("get answered 201", 201, got(HttpResponse::new(201, payment.clone())).map(drop)),
        (
            "actions answered 202",
            202,
            GetPaymentActions::new(pay_id()).parse_response(HttpResponse::new(202, payment.clone())).map(drop),
        ),
        (
            "capture answered 201",
            201,
            CapturePayment::new(pay_id(), ActionRequest::full())
                .parse_response(HttpResponse::new(201, payment))
                .map(drop),
        ),
    ];
    for (name, status, result) in cases {
        let err = result.unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::UnexpectedStatus(_)), "{name}: {err:?}");
        assert_eq!(err.http_status(), Some(status), "{name}");
        assert!(err.may_have_been_processed(), "{name}");
    }
}

#[test]
fn hostile_error_bodies_still_give_the_status() {
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    for body in [deep.into_bytes(), vec![0xff, 0xfe, 0x00], b"{\"error_type\": ".to_vec(), b"[1,2]".to_vec()] {
        let err = requested(HttpResponse::new(500, body).with_header("Cko-Request-Id", "r")).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Server(_)), "{err:?}");
        assert_eq!((err.http_status(), err.request_id(), err.error_type()), (Some(500), Some("r"), None));
    }
    // Wrong-typed fields in an error body are skipped, not fatal.
    let odd = json!({"request_id": 5, "error_type": ["x"], "error_codes": ["a", 1, null, "b"]});
    let err = requested(json_response(422, &odd)).unwrap_err();
    assert_eq!((err.request_id(), err.error_type()), (None, None));
    assert_eq!(err.error_codes(), ["a", "b"]);
}

// ---------------------------------------------------------------------------------------------
// 4. Every outcome.
// ---------------------------------------------------------------------------------------------

fn declined(code: &str, summary: &str) -> Outcome {
    Outcome::Declined { response_code: Some(ResponseCode::new(code)), response_summary: Some(summary.into()) }
}

#[test]
fn every_outcome_is_classified_from_the_response() {
    let redirect = "https://3ds2-sandbox.ckotech.co/interceptor/3ds_x";
    type Row = (&'static str, u16, Value, Outcome, Option<ResponseCodeFamily>);
    let cases: Vec<Row> = vec![
        (
            "approved",
            201,
            json!({"approved": true, "status": "Authorized", "response_code": "10000", "risk": {"flagged": false}}),
            Outcome::Approved,
            Some(ResponseCodeFamily::Approved),
        ),
        (
            "approved without risk",
            201,
            json!({"approved": true, "status": "Captured", "response_code": 10000}),
            Outcome::Approved,
            Some(ResponseCodeFamily::Approved),
        ),
        (
            "flagged",
            201,
            json!({"approved": true, "status": "Authorized", "response_code": "10000", "risk": {"flagged": true}}),
            Outcome::Flagged,
            Some(ResponseCodeFamily::Approved),
        ),
        (
            "soft decline",
            201,
            json!({"approved": false, "status": "Declined", "response_code": "20051",
                   "response_summary": "Insufficient Funds", "risk": {"flagged": false}}),
            declined("20051", "Insufficient Funds"),
            Some(ResponseCodeFamily::SoftDecline),
        ),
        (
            "hard decline, numeric code",
            201,
            json!({"approved": false, "status": "Declined", "response_code": 30033,
                   "response_summary": "Expired - Card"}),
            declined("30033", "Expired - Card"),
            Some(ResponseCodeFamily::HardDecline),
        ),
        (
            "risk decline, flagged",
            201,
            json!({"approved": false, "status": "Declined", "response_code": "40101",
                   "response_summary": "Risk Blocked Transaction", "risk": {"flagged": true}}),
            declined("40101", "Risk Blocked Transaction"),
            Some(ResponseCodeFamily::Risk),
        ),
        (
            "declined without a code",
            201,
            json!({"approved": false}),
            Outcome::Declined { response_code: None, response_summary: None },
            None,
        ),
        (
            "pending via 202",
            202,
            json!({"status": "Pending", "_links": {"redirect": {"href": redirect}}}),
            Outcome::Pending { redirect: Some(Link::new(redirect)) },
            None,
        ),
        (
            "pending via 202 without redirect",
            202,
            json!({"status": "Pending"}),
            Outcome::Pending { redirect: None },
            None,
        ),
        (
            "pending via 202 wins over approved",
            202,
            json!({"approved": true, "status": "Authorized", "response_code": "10000"}),
            Outcome::Pending { redirect: None },
            Some(ResponseCodeFamily::Approved),
        ),
    ];
    for (name, status, mut body, outcome, family) in cases {
        body["id"] = json!(PAYMENT_ID);
        let payment = requested(json_response(status, &body)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(payment.outcome(), outcome, "{name}");
        assert_eq!(payment.response_code.as_ref().map(ResponseCode::family), family, "{name}");
        assert_eq!(payment.outcome().is_approved(), matches!(outcome, Outcome::Approved | Outcome::Flagged));
    }
    assert!(ResponseCodeFamily::SoftDecline.is_retryable());
    assert!(!ResponseCodeFamily::HardDecline.is_retryable() && !ResponseCodeFamily::Risk.is_retryable());
}

#[test]
fn a_get_with_status_pending_is_pending() {
    let redirect = "https://sandbox.checkout.com/LP.Core/api/payment/191952";
    let mut body = fixture_json("payment_202_ideal.json");
    let payment = get_body(body.clone());
    assert_eq!(payment.status(), 200);
    assert!(payment.is_pending() && payment.requires_redirect());
    assert_eq!(payment.outcome(), Outcome::Pending { redirect: Some(Link::new(redirect)) });
    body["_links"].as_object_mut().unwrap().remove("redirect");
    let payment = get_body(body);
    assert!(payment.is_pending() && !payment.requires_redirect());
    assert_eq!(payment.outcome(), Outcome::Pending { redirect: None });
    // Any other status on a 200 is not pending.
    let captured = get_body(json!({"id": PAYMENT_ID, "status": "Captured", "approved": true}));
    assert!(!captured.is_pending());
    assert_eq!(captured.outcome(), Outcome::Approved);
}

// ---------------------------------------------------------------------------------------------
// 5. Links.
// ---------------------------------------------------------------------------------------------

#[test]
fn link_helpers_follow_the_links_present() {
    type Row = (&'static str, Result<Response<Payment>, Error>, &'static [&'static str], [bool; 3]);
    let cases: [Row; 5] = [
        (
            "201 example",
            requested(fixture_response(201, "payment_201_approved.json")),
            &["action", "capture", "self", "void"],
            [true, true, false],
        ),
        (
            "get example",
            got(fixture_response(200, "payment_200_get.json")),
            &["actions", "refund", "self"],
            [false, false, true],
        ),
        (
            "202 pending",
            requested(fixture_response(202, "payment_202_pending.json")),
            &["redirect", "self"],
            [false, false, false],
        ),
        (
            "all three",
            got(json_response(
                200,
                &json!({"id": PAYMENT_ID, "_links": {
                "capture": {"href": "c"}, "void": {"href": "v"}, "refund": {"href": "r"}}}),
            )),
            &["capture", "refund", "void"],
            [true, true, true],
        ),
        ("no links", got(json_response(200, &json!({"id": PAYMENT_ID}))), &[], [false, false, false]),
    ];
    for (name, result, rels, [capture, void, refund]) in cases {
        let payment = result.unwrap_or_else(|e| panic!("{name}: {e}"));
        let names: Vec<&str> = payment.links().iter().map(|(rel, _)| rel).collect();
        assert_eq!(names, rels, "{name}");
        assert_eq!(payment.links().len(), rels.len(), "{name}");
        assert_eq!(payment.links().is_empty(), rels.is_empty(), "{name}");
        for rel in rels.iter() {
            assert!(payment.has_link(rel), "{name}: {rel}");
            assert_eq!(payment.get_link(rel), payment.links().get(rel), "{name}: {rel}");
        }
        assert_eq!(payment.self_link(), payment.get_link("self"), "{name}");
        assert_eq!(payment.redirect_link(), payment.get_link("redirect"), "{name}");
        assert!(!payment.has_link("nope") && payment.get_link("nope").is_none(), "{name}");
        assert_eq!(
            [payment.can_capture(), payment.can_void(), payment.can_refund()],
            [capture, void, refund],
            "{name}"
        );
    }
}

#[test]
fn links_read_on_first_use_match_links_read_with_the_body_request_id() {
    // With a `Cko-Request-Id` header the body is decoded once and its links are read when first
    // asked for; without one, the body is read again for its `request_id`, and the links with it.
    let body = json!({"id": PAYMENT_ID, "request_id": "req_body", "_links": {
        "self": {"href": "https://api.sandbox.checkout.com/payments/pay_mbabizu24mvu3mela5njyhpit4"},
        "redirect": {"href": "https://acs.example/challenge", "title": "3DS challenge"},
        "broken": 5}});
    let with_header = got(json_response(200, &body).with_header("Cko-Request-Id", "req_header")).unwrap();
    let without = got(json_response(200, &body)).unwrap();
    assert_eq!((with_header.request_id(), without.request_id()), (Some("req_header"), Some("req_body")));
    assert_eq!(with_header.links(), without.links());
    assert_eq!(with_header.links().iter().map(|(rel, _)| rel).collect::<Vec<_>>(), ["redirect", "self"]);
    assert_eq!(with_header.redirect_link().and_then(|l| l.title.as_deref()), Some("3DS challenge"));
    // A clone made before the first use reads the same links.
    let fresh = got(json_response(200, &body).with_header("Cko-Request-Id", "req_header")).unwrap();
    let copy = fresh.clone();
    assert_eq!(copy.links(), with_header.links());
    assert_eq!(fresh, copy);
}

#[test]
fn get_link_gives_href_and_title() {
    let payment = get_body(json!({"id": PAYMENT_ID, "_links": {
        "self": {"href": "https://api.sandbox.checkout.com/payments/pay_mbabizu24mvu3mela5njyhpit4"},
        "redirect": {"href": "https://acs.example/challenge", "title": "3DS challenge"},
        "broken": "not a link",
        "no_href": {"title": "x"},
        "capture": {"href": 5},
    }}));
    let redirect = payment.get_link("redirect").unwrap();
    assert_eq!(redirect.href, "https://acs.example/challenge");
    assert_eq!(redirect.title.as_deref(), Some("3DS challenge"));
    assert_eq!(payment.self_link().unwrap().title, None);
    assert_eq!(payment.redirect_link(), Some(redirect));
    for rel in ["broken", "no_href", "capture"] {
        assert!(!payment.has_link(rel), "{rel}");
    }
    assert!(!payment.can_capture());
    assert_eq!(payment.links().len(), 2);
    assert!(payment.requires_redirect());
}

// ---------------------------------------------------------------------------------------------
// 6. The response format.
// ---------------------------------------------------------------------------------------------

#[test]
fn the_seed_payload_attributes_are_reachable_by_index_and_pointer() {
    let response = timed(fixture_response(200, "payload_attributes.json"), Duration::from_millis(5))
        .with_header("Cko-Request-Id", "req_attrs")
        .with_header("Cko-Version", "2.0")
        .with_header("Content-Type", "application/json");
    // The seed's example id is `"pay"`, not a real payment id, so it is read untyped.
    let response: Response<Value> = parse_typed(response).unwrap();
    assert_eq!(response.request_id(), Some("req_attrs"));
    assert_eq!(response.api_version(), Some("2.0"));
    let http = response.http();
    assert_eq!(http.status, 200);
    assert_eq!(http.headers.get("content-type"), Some("application/json"));
    assert_eq!(http.elapsed, Some(Duration::from_millis(5)));
    assert_eq!(response.body(), &fixture_json("payload_attributes.json"));

    assert_eq!(response["id"], "pay");
    assert_eq!(response["source"]["type"], "card");
    assert_eq!(response["source"]["billing_address"]["city"], "London");
    assert_eq!(response["some_array"][0]["key1"], "value1");
    assert_eq!(response.pointer("/source/billing_address/city"), Some(&json!("London")));
    assert_eq!(response.pointer("/some_array/0/key1"), Some(&json!("value1")));
    assert_eq!(response.self_link().map(|l| l.href.as_str()), Some("http://url"));
    // Missing keys and out-of-range indexes are Null, never a panic.
    assert_eq!(response["missing"], Value::Null);
    assert_eq!(response["source"]["missing"]["deeper"], Value::Null);
    assert_eq!(response["some_array"][9]["key1"], Value::Null);
    assert_eq!(response["id"]["not an object"], Value::Null);
    assert_eq!(response.body()[0], Value::Null);
    assert_eq!(response.pointer("/source/billing_address/zip"), None);
    assert_eq!(response.pointer("no leading slash"), None);

    // `into_body` hands over an owned body to add attributes to.
    let mut body = response.into_body();
    body["custom_attr1"] = json!("custom attribute 1");
    body.as_object_mut().unwrap().insert("custom_attr2".into(), json!(999));
    assert_eq!(body["custom_attr1"], "custom attribute 1");
    assert_eq!(body["custom_attr2"], 999);
    assert_eq!(body["source"]["type"], "card");
}

#[test]
fn the_seed_payload_attributes_work_on_a_typed_payment() {
    let mut body = fixture_json("payload_attributes.json");
    // As a typed `Payment` the id must be a real one: the seed's `"pay"` is refused (see below).
    body["id"] = json!(PAYMENT_ID);
    let payment = get_body(body);
    assert_eq!(payment.id, PAYMENT_ID);
    assert_eq!(payment["id"], PAYMENT_ID);
    assert_eq!(payment.source.as_ref().unwrap().source_type.as_deref(), Some("card"));
    assert_eq!(payment["source"]["type"], "card");
    assert_eq!(payment["some_array"][0]["key1"], "value1");
    assert_eq!(payment.pointer("/source/billing_address/city").and_then(Value::as_str), Some("London"));
    assert_eq!(payment.data().id, PAYMENT_ID);
    let data: Payment = payment.clone().into_data();
    assert_eq!(data.id, PAYMENT_ID);
    let mut owned = payment.into_body();
    owned["custom_attr2"] = json!(999);
    assert_eq!(owned["custom_attr2"], 999);

    let err = got(fixture_response(200, "payload_attributes.json")).unwrap_err();
    assert_eq!(decode_kind(&err), Some(DecodeErrorKind::WrongShape), "{err:?}");
}

#[test]
fn request_id_falls_back_to_the_body_on_success_too() {
    let body = json!({"id": PAYMENT_ID, "request_id": "body_req"});
    assert_eq!(get_body(body.clone()).request_id(), Some("body_req"));
    let with_header = json_response(200, &body).with_header("CKO-REQUEST-ID", "hdr_req");
    assert_eq!(got(with_header).unwrap().request_id(), Some("hdr_req"));
    let none = get_body(json!({"id": PAYMENT_ID}));
    assert_eq!((none.request_id(), none.api_version(), none.http().elapsed), (None, None, None));
}

// ---------------------------------------------------------------------------------------------
// 7. Lenient decoding, and the failures that are not.
// ---------------------------------------------------------------------------------------------

#[test]
fn odd_but_readable_payment_fields_decode_leniently() {
    type Check = fn(&Payment) -> bool;
    let cases: Vec<(Value, Check)> = vec![
        (json!({}), |p| {
            p.action_id.is_none()
                && p.amount.is_none()
                && p.currency.is_none()
                && p.approved.is_none()
                && p.status.is_none()
                && p.response_code.is_none()
                && p.source.is_none()
                && p.customer.is_none()
                && p.risk.is_none()
                && p.three_ds.is_none()
        }),
        (json!({"response_code": 10000, "auth_code": 770687, "source": {"last4": 4242, "bin": 424242}}), |p| {
            p.response_code == Some(ResponseCode::new("10000"))
                && p.auth_code.as_deref() == Some("770687")
                && p.source.as_ref().unwrap().last4.as_deref() == Some("4242")
                && p.source.as_ref().unwrap().bin.as_deref() == Some("424242")
        }),
        (json!({"response_code": "200R1"}), |p| {
            p.response_code.as_ref().unwrap().family() == ResponseCodeFamily::SoftDecline
        }),
        (json!({"amount": "6540", "approved": "true"}), |p| p.amount == Some(6540) && p.approved == Some(true)),
        (json!({"status": "Authorised-ish"}), |p| p.status == Some(PaymentStatus::Unknown("Authorised-ish".into()))),
        (json!({"status": "Cancelled"}), |p| p.status == Some(PaymentStatus::Canceled)),
        (json!({"status": "Card Verified"}), |p| p.status == Some(PaymentStatus::CardVerified)),
        (json!({"status": "Retry Scheduled"}), |p| {
            p.status == Some(PaymentStatus::RetryScheduled) && format!("{:?}", p.status) == "Some(RetryScheduled)"
        }),
        (json!({"status": "Returned"}), |p| p.status == Some(PaymentStatus::Returned)),
        (json!({"currency": "eur"}), |p| p.currency == Some(Currency::EUR)),
        (json!({"risk": "x"}), |p| p.risk.is_none()),
        (json!({"risk": {"flagged": "yes"}}), |p| p.risk.is_some_and(|r| !r.flagged)),
        (json!({"amount": "abc"}), |p| p.amount.is_none()),
        (json!({"amount": -1}), |p| p.amount.is_none()),
        (json!({"amount": 65.4}), |p| p.amount.is_none()),
        (json!({"approved": "yes"}), |p| p.approved.is_none()),
        (json!({"currency": "US"}), |p| p.currency.is_none()),
        (json!({"currency": "xts"}), |p| p.currency.is_some_and(|c| c.code() == "XTS")),
        (json!({"currency": 840}), |p| p.currency.is_none()),
        (json!({"action_id": "pay_not_an_action"}), |p| p.action_id.is_none()),
        (json!({"action_id": 12}), |p| p.action_id.is_none()),
        (json!({"response_code": {"code": 1}}), |p| p.response_code.is_none()),
        (json!({"response_code": null, "response_summary": null}), |p| {
            p.response_code.is_none() && p.response_summary.is_none()
        }),
        (json!({"source": "card"}), |p| p.source.is_none()),
        (json!({"source": {"id": "not_a_src", "expiry_month": "x"}}), |p| {
            p.source.as_ref().is_some_and(|s| s.id.is_none() && s.expiry_month.is_none())
        }),
        (json!({"customer": 7}), |p| p.customer.is_none()),
        (json!({"customer": {"id": "pay_x", "email": ["a"]}}), |p| {
            p.customer.as_ref().is_some_and(|c| c.id.is_none() && c.email.is_none())
        }),
        (json!({"3ds": true}), |p| p.three_ds.is_none()),
        (json!({"3ds": {"downgraded": "true", "enrolled": 1}}), |p| {
            p.three_ds.as_ref().is_some_and(|t| t.downgraded == Some(true) && t.enrolled.as_deref() == Some("1"))
        }),
        (json!({"_links": 5, "reference": 42, "processed_on": false}), |p| {
            p.reference.as_deref() == Some("42") && p.processed_on.as_deref() == Some("false")
        }),
        (json!({"unknown_field": {"deep": [1, 2, 3]}, "requested_on": "2019"}), |p| {
            p.requested_on.as_deref() == Some("2019")
        }),
    ];
    for (mut body, check) in cases {
        body["id"] = json!(PAYMENT_ID);
        let payment = get_body(body.clone());
        assert!(check(&payment), "{body} -> {:?}", payment.data());
        assert_eq!(payment.body(), &body, "the raw body keeps the original values");
    }
}

#[test]
fn null_and_wrong_typed_statuses_are_none() {
    for status in [json!(null), json!({"code": "Pending"}), json!(["Pending"])] {
        let payment = get_body(json!({"id": PAYMENT_ID, "status": status}));
        assert_eq!(payment.status, None, "{status}");
    }
}

#[test]
fn arrays_where_objects_are_documented_are_none() {
    let body = json!({"id": PAYMENT_ID, "source": [], "customer": ["cus_udst2tfldj6upmye2reztkmm4i"],
                      "risk": [true], "3ds": [true, "Y"]});
    let payment = get_body(body);
    assert!(!payment.is_flagged(), "an array is not a risk result: {:?}", payment.risk);
    assert_eq!(payment.outcome(), Outcome::Declined { response_code: None, response_summary: None });
    assert_eq!(payment.risk, None);
    assert_eq!(payment.source, None);
    assert_eq!(payment.customer, None);
    assert_eq!(payment.three_ds, None);
}

#[test]
fn odd_action_entries_decode_leniently() {
    let body = json!([
        {"id": "act_aaaaaaaaaaaaaaaaaaaaaaaaaa", "type": "Payout", "amount": "abc", "response_code": 20051},
        {"id": "act_bbbbbbbbbbbbbbbbbbbbbbbbbb", "type": "Card Verification"},
        {"id": "act_cccccccccccccccccccccccccc", "type": "Void", "approved": "false", "metadata": "x", "reference": 7},
    ]);
    let actions = GetPaymentActions::new(pay_id()).parse_response(json_response(200, &body)).unwrap();
    let a: &[PaymentAction] = &actions;
    assert_eq!(a[0].action_type, ActionType::Unknown("Payout".into()));
    assert_eq!(a[0].action_type.as_str(), "Payout");
    assert_eq!(a[0].amount, None);
    assert_eq!(a[0].response_code.as_ref().map(ResponseCode::as_str), Some("20051"));
    assert_eq!(a[1].action_type, ActionType::CardVerification);
    assert_eq!((a[1].amount, a[1].approved, &a[1].response_code, &a[1].processed_on), (None, None, &None, &None));
    assert_eq!(a[2].action_type, ActionType::Void);
    assert_eq!((a[2].approved, a[2].metadata.is_none(), a[2].reference.as_deref()), (Some(false), true, Some("7")));
    let empty = GetPaymentActions::new(pay_id()).parse_response(HttpResponse::new(200, b"[]".to_vec())).unwrap();
    assert!(empty.is_empty());
}

#[test]
fn undecodable_bodies_are_typed_decode_errors() {
    let deep_arrays = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let deep_objects = format!("{}1{}", "{\"a\":".repeat(10_000), "}".repeat(10_000));
    type Parse = fn(HttpResponse) -> Result<(), Error>;
    let payment: Parse = |r| got(r).map(drop);
    let request: Parse = |r| requested(r).map(drop);
    let actions: Parse = |r| GetPaymentActions::new(pay_id()).parse_response(r).map(drop);
    let capture: Parse = |r| CapturePayment::new(pay_id(), ActionRequest::full()).parse_response(r).map(drop);
    let cases: Vec<(&str, u16, Parse, Vec<u8>, DecodeErrorKind)> = vec![
        ("empty", 200, payment, Vec::new(), DecodeErrorKind::Empty),
        ("whitespace", 201, request, b" \r\n\t ".to_vec(), DecodeErrorKind::Empty),
        ("empty action list", 200, actions, Vec::new(), DecodeErrorKind::Empty),
        ("empty capture", 202, capture, Vec::new(), DecodeErrorKind::Empty),
        ("html", 200, payment, b"<html><body>OK</body></html>".to_vec(), DecodeErrorKind::NotJson),
        (
            "truncated",
            201,
            request,
            br#"{"id": "pay_mbabizu24mvu3mela5njyhpit4", "appro"#.to_vec(),
            DecodeErrorKind::NotJson,
        ),
        ("trailing garbage", 200, payment, br#"{"id": "pay_x"} x"#.to_vec(), DecodeErrorKind::NotJson),
        ("not utf-8", 200, payment, vec![b'"', 0xff, 0xfe, b'"'], DecodeErrorKind::NotJson),
        ("10 000 nested arrays", 200, payment, deep_arrays.clone().into_bytes(), DecodeErrorKind::NotJson),
        ("10 000 nested objects", 200, payment, deep_objects.into_bytes(), DecodeErrorKind::NotJson),
        ("10 000 nested arrays (actions)", 200, actions, deep_arrays.into_bytes(), DecodeErrorKind::NotJson),
        (
            "array for a payment",
            200,
            payment,
            br#"[{"id": "pay_mbabizu24mvu3mela5njyhpit4"}]"#.to_vec(),
            DecodeErrorKind::WrongShape,
        ),
        ("object for the actions", 200, actions, br#"{"id": "act_x"}"#.to_vec(), DecodeErrorKind::WrongShape),
        ("null", 201, request, b"null".to_vec(), DecodeErrorKind::WrongShape),
        ("a string", 200, payment, br#""pay_mbabizu24mvu3mela5njyhpit4""#.to_vec(), DecodeErrorKind::WrongShape),
        (
            "missing id",
            201,
            request,
            br#"{"approved": true, "status": "Authorized"}"#.to_vec(),
            DecodeErrorKind::WrongShape,
        ),
        (
            "id of another kind",
            200,
            payment,
            br#"{"id": "act_y3oqhf46pyzuxjbcn2giaqnb44"}"#.to_vec(),
            DecodeErrorKind::WrongShape,
        ),
        ("id with a slash", 200, payment, br#"{"id": "pay_../../x"}"#.to_vec(), DecodeErrorKind::WrongShape),
        ("action without id", 200, actions, br#"[{"type": "Capture"}]"#.to_vec(), DecodeErrorKind::WrongShape),
        ("action without type", 200, actions, br#"[{"id": "act_x"}]"#.to_vec(), DecodeErrorKind::WrongShape),
        ("capture without action_id", 202, capture, br#"{"reference": "x"}"#.to_vec(), DecodeErrorKind::WrongShape),
    ];
    for (name, status, parse, body, kind) in cases {
        let response =
            timed(HttpResponse::new(status, body), Duration::from_millis(9)).with_header("Cko-Request-Id", "req_dec");
        let err = parse(response).unwrap_err();
        assert_eq!(decode_kind(&err), Some(kind), "{name}: {err:?}");
        let ErrorKind::Decode(details) = err.kind() else { unreachable!() };
        assert_eq!((details.status, details.request_id.as_deref()), (status, Some("req_dec")), "{name}");
        assert_eq!(details.elapsed, Some(Duration::from_millis(9)), "{name}");
        assert_eq!((err.http_status(), err.request_id(), err.attempts()), (Some(status), Some("req_dec"), 1), "{name}");
        assert!(!err.is_retryable() && err.may_have_been_processed(), "{name}");
        assert!(err.to_string().contains(&format!("HTTP {status}")), "{name}: {err}");
    }
}

#[test]
fn decode_errors_never_quote_card_data_from_the_body() {
    let bodies = [
        json!({"source": {"number": "4242424242424242", "cvv": "100"}, "approved": true}),
        json!({"id": "4242424242424242"}),
        json!([{"number": "4242424242424242"}]),
    ];
    for body in bodies {
        let err = got(json_response(200, &body)).unwrap_err();
        let text = format!("{err} {err:?}");
        assert!(!text.contains("4242424242424242"), "{body}: {text}");
    }
}

#[test]
fn decode_errors_never_quote_numbers_from_the_body() {
    let err = got(json_response(200, &json!({"id": 4242424242424242u64}))).unwrap_err();
    assert_eq!(decode_kind(&err), Some(DecodeErrorKind::WrongShape));
    let text = format!("{err} {err:?}");
    assert!(!text.contains("4242424242424242"), "{text}");
}

#[test]
fn payment_refs_accept_both_id_kinds() {
    for id in [PAYMENT_ID, SESSION_ID] {
        let op = GetPayment::new(id.parse::<PaymentRef>().unwrap());
        let request = op.build_request(&sandbox_config()).unwrap();
        assert!(request.url.ends_with(id));
        let payment = op.parse_response(fixture_response(200, "payment_200_get.json")).unwrap();
        assert_eq!(payment.id, PAYMENT_ID, "a session id resolves to the payment");
    }
}

// ---------------------------------------------------------------------------------------------
// The Payments API beyond the original SDK: incremental authorization, reversal, cancellation of
// a scheduled retry, list by reference, search, payouts.
// ---------------------------------------------------------------------------------------------

mod beyond_the_original_sdk {
    use super::*;
    use checkout_sdk_core::config::Config;
    use checkout_sdk_core::operation::{
        CancelScheduledRetry, IncrementAuthorization, ListPayments, PageWalk, Paged, RequestPayout, ReversePayment,
        SearchPayments,
    };
    use checkout_sdk_core::payout::PayoutStatus;
    use checkout_sdk_core::request::{
        CancellationRequest, IdDestination, IncrementalAuthorizationRequest, PaymentListQuery, PaymentSearchRequest,
        PayoutRequest, ReversalRequest,
    };

    fn increment() -> IncrementAuthorization {
        IncrementAuthorization::new(pay_id(), IncrementalAuthorizationRequest::new().amount(6540))
    }

    fn search() -> SearchPayments {
        SearchPayments::new(PaymentSearchRequest::new("reference:'ORD-5023-4E89'"))
    }

    fn payout() -> RequestPayout {
        RequestPayout::new(
            PayoutRequest::builder(IdDestination::new("src_nwd3m4in3hkuddfpjsaevunhdy"), 1000, Currency::GBP)
                .build()
                .unwrap(),
        )
    }

    #[test]
    fn the_incremental_authorization_201_gives_status_and_balances() {
        let auth = increment().parse_response(fixture_response(201, "authorization_201.json")).unwrap();
        assert_eq!(auth.action_id, ACTION_ID);
        assert_eq!((auth.amount, auth.currency), (Some(6540), Some(Currency::USD)));
        assert_eq!(auth.status, Some(PaymentStatus::Authorized));
        assert_eq!(auth.response_code.as_ref().map(|c| c.as_str()), Some("10000"));
        let balances = auth.balances.unwrap();
        assert_eq!((balances.total_authorized, balances.available_to_capture), (Some(6540), Some(6540)));
        assert!(auth.has_link("capture") && auth.has_link("authorize"));
    }

    #[test]
    fn reversal_and_cancellation_202s_give_the_action() {
        let reversal = ReversePayment::new(pay_id(), ReversalRequest::new())
            .parse_response(fixture_response(202, "reversal_202_accepted.json"))
            .unwrap();
        assert_eq!(reversal.action_id, ACTION_ID);
        assert_eq!(reversal.action_type, Some(ActionType::Void));
        assert_eq!(reversal.reference.as_deref(), Some("REVERSE-1"));
        let cancelled = CancelScheduledRetry::new(pay_id(), CancellationRequest::new())
            .parse_response(fixture_response(202, "cancellation_202_accepted.json"))
            .unwrap();
        assert_eq!(cancelled.action_id, "act_5ctqlphqgd3e5gbrmkcz2jklnq");
        assert!(cancelled.has_link("payment"));
    }

    #[test]
    fn the_list_page_parses_and_says_whether_a_next_page_follows() {
        let op = ListPayments::new(PaymentListQuery::new("ORD-5023-4E89"));
        let page = op.parse_response(fixture_response(200, "page_list_by_reference.json")).unwrap();
        assert_eq!((page.limit, page.skip, page.total_count), (Some(10), Some(0), Some(1)));
        assert_eq!(page.data.len(), 1);
        assert_eq!(page.data[0].id, "pay_einf5abzzgbejdpuartvqgl36i");
        assert!(op.next_page(&page).is_none(), "one payment of one: the last page");
    }

    #[test]
    fn a_search_follows_its_next_link_only_back_to_the_api() {
        let config = Config::sandbox("sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e".parse().unwrap());
        let page = search().parse_response(fixture_response(200, "page_search.json")).unwrap();
        assert_eq!(page.data[0].reference.as_deref(), Some("ORD-5023-4E89"));
        let next = search().next_page(&page).expect("a next link");
        let request = next.build_request(&config).unwrap();
        assert_eq!(request.url, "https://api.sandbox.checkout.com/payments/search?skip=1");
        assert_eq!(request.body, serde_json::to_vec(&json!({"query": "reference:'ORD-5023-4E89'"})).unwrap());
        // The same link twice is the end, not a loop.
        assert!(next.next_page(&page).is_none());
        // A link elsewhere would carry the key to another host: refused before sending.
        for href in ["https://evil.example/payments/search", "https://api.sandbox.checkout.com.evil/payments/search"] {
            let body = json!({"data": [{"id": PAYMENT_ID}], "_links": {"next": {"href": href}}});
            let page = search().parse_response(json_response(200, &body)).unwrap();
            let err = search().next_page(&page).unwrap().build_request(&config).unwrap_err();
            assert!(err.is_invalid_input(), "{href}: {err:?}");
        }
    }

    #[test]
    fn the_payout_202_is_pending() {
        let payout = payout().parse_response(fixture_response(202, "payout_202_pending.json")).unwrap();
        assert_eq!(payout.id, PAYMENT_ID);
        assert_eq!(payout.status, Some(PayoutStatus::Pending));
        assert_eq!(payout.reference.as_deref(), Some("PO-215-5721"));
    }

    #[test]
    fn the_new_operations_map_their_documented_errors() {
        type Parse = Box<dyn Fn(HttpResponse) -> Result<(), Error>>;
        let ops: Vec<(&str, Parse)> = vec![
            ("increment", Box::new(|r| increment().parse_response(r).map(drop))),
            (
                "reverse",
                Box::new(|r| ReversePayment::new(pay_id(), ReversalRequest::new()).parse_response(r).map(drop)),
            ),
            (
                "cancel",
                Box::new(|r| {
                    CancelScheduledRetry::new(pay_id(), CancellationRequest::new()).parse_response(r).map(drop)
                }),
            ),
            ("list", Box::new(|r| ListPayments::new(PaymentListQuery::new("x")).parse_response(r).map(drop))),
            ("search", Box::new(|r| search().parse_response(r).map(drop))),
            ("payout", Box::new(|r| payout().parse_response(r).map(drop))),
        ];
        for (name, parse) in &ops {
            for (status, is_kind) in [
                (401u16, Error::is_authentication as fn(&Error) -> bool),
                (403, |e: &Error| matches!(e.kind(), ErrorKind::NotAllowed(_))),
                (404, Error::is_not_found),
                (422, |e: &Error| matches!(e.kind(), ErrorKind::Validation(_))),
                (429, |e: &Error| matches!(e.kind(), ErrorKind::TooManyRequests(_))),
                (502, |e: &Error| matches!(e.kind(), ErrorKind::Server(_))),
            ] {
                let err = parse(fixture_response(status, "error_422_validation.json")).unwrap_err();
                assert!(is_kind(&err), "{name} {status}: {err:?}");
                assert_eq!(err.http_status(), Some(status));
            }
        }
    }

    /// A paged operation whose every page links another.
    #[derive(Clone)]
    struct Endless(u32);

    impl Operation for Endless {
        type Data = checkout_sdk_core::page::Page<Payment>;
        fn method(&self) -> checkout_sdk_core::transport::Method {
            checkout_sdk_core::transport::Method::Get
        }
        fn path(&self) -> String {
            format!("payments?page={}", self.0)
        }
        fn expected_statuses(&self) -> &'static [u16] {
            &[200]
        }
        fn parse_success(&self, response: HttpResponse) -> Result<Response<Self::Data>, Error> {
            parse_typed(response)
        }
    }

    impl Paged for Endless {
        type Item = Payment;
        fn next_page(&self, _: &checkout_sdk_core::page::Page<Payment>) -> Option<Self> {
            Some(Endless(self.0 + 1))
        }
    }

    #[test]
    fn a_page_walk_gathers_every_page_and_stops_a_server_that_never_stops_linking() {
        let mut walk = PageWalk::new(Endless(0));
        let mut fetched = 0u32;
        let error = loop {
            let Some(op) = walk.next_op() else { panic!("the walk ended without an error") };
            let page = op.parse_response(json_response(200, &json!({"data": [{"id": PAYMENT_ID}]}))).unwrap();
            fetched += 1;
            if let Err(e) = walk.add(&op, page.into_data()) {
                break e;
            }
        };
        assert_eq!(fetched, PageWalk::<Endless>::MAX_PAGES);
        assert!(matches!(error.kind(), ErrorKind::Decode(_)), "{error:?}");
        assert!(walk.next_op().is_none());
        assert_eq!(walk.into_items().len(), PageWalk::<Endless>::MAX_PAGES as usize);
    }
}
