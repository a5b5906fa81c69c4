//! Every operation's request on the wire: method, URL, headers and exact JSON body, built both by
//! `Operation::build_request` and by the client through a scripted transport.

mod support;

use std::time::Duration;

use checkout_sdk_core::client::Client;
use checkout_sdk_core::config::{Config, Environment};
use checkout_sdk_core::currency::Currency;
use checkout_sdk_core::error::{Error, ErrorKind, InvalidInput};
use checkout_sdk_core::id::{IdempotencyKey, PaymentId, PaymentRef, SessionId};
use checkout_sdk_core::operation::{
    CancelScheduledRetry, CapturePayment, GetPayment, GetPaymentActions, IncrementAuthorization, ListPayments,
    Operation, RefundPayment, RequestPayment, RequestPayout, ReversePayment, SearchPayments, VoidPayment,
    IDEMPOTENCY_KEY_HEADER,
};
use checkout_sdk_core::request::{
    ActionRequest, BillingDescriptor, CancellationRequest, Customer, IdDestination, IncrementalAuthorizationRequest,
    PaymentListQuery, PaymentRequest, PaymentSearchRequest, PayoutRequest, ReversalRequest, ThreeDs, VoidRequest,
};
use checkout_sdk_core::source::{CardSource, CustomerSource, IdSource, PaymentSource, TokenSource};
use checkout_sdk_core::transport::{HttpRequest, Method};
use serde_json::{json, Value};
use support::*;

const TOKEN: &str = "tok_ubfj2q76miwundwlk72vxt2i7q";
const SOURCE_ID: &str = "src_nwd3m4in3hkuddfpjsaevunhdy";
const CUSTOMER_ID: &str = "cus_udst2tfldj6upmye2reztkmm4i";

fn pay_id() -> PaymentId {
    PAYMENT_ID.parse().unwrap()
}

fn key(k: &str) -> IdempotencyKey {
    k.parse().unwrap()
}

fn infer(source: Value) -> PaymentSource {
    PaymentSource::infer(source).unwrap()
}

fn card() -> Value {
    json!({"number": "4242424242424242", "expiry_month": 6, "expiry_year": 2025, "cvv": "100"})
}

fn card_body() -> Value {
    json!({"type": "card", "number": "4242424242424242", "expiry_month": 6, "expiry_year": 2025, "cvv": "100"})
}

// The payment requests of the original SDK's docs, one per source kind.

fn token_payment() -> PaymentRequest {
    let source = infer(json!({
        "token": TOKEN,
        "billing_address": {"address_line1": "Checkout.com", "city": "London", "zip": "W1T 4TJ", "country": "GB"},
        "phone": {"country_code": "+1", "number": "4155552671"},
    }));
    PaymentRequest::builder(source, 100, Currency::USD).reference("pay_ref").build().unwrap()
}

fn id_payment() -> PaymentRequest {
    PaymentRequest::builder(infer(json!({"id": SOURCE_ID, "cvv": "100"})), 100, "usd".parse().unwrap())
        .reference("pay_ref")
        .build()
        .unwrap()
}

fn card_payment() -> PaymentRequest {
    PaymentRequest::builder(infer(card()), 100, Currency::USD).reference("pay_ref").build().unwrap()
}

fn customer_id_payment() -> PaymentRequest {
    PaymentRequest::builder(infer(json!({"id": CUSTOMER_ID})), 100, Currency::USD).reference("pay_ref").build().unwrap()
}

fn customer_email_payment() -> PaymentRequest {
    PaymentRequest::builder(infer(json!({"email": "user@checkout.com"})), 100, Currency::USD)
        .reference("pay_ref")
        .build()
        .unwrap()
}

fn search_request() -> PaymentSearchRequest {
    PaymentSearchRequest::new("id:'pay_mbabizu24mvu3mela5njyhpit4'")
        .limit(10)
        .from("2025-01-01T00:00:00Z")
        .to("2025-01-01T00:10:00Z")
}

fn payout_request() -> PayoutRequest {
    PayoutRequest::builder(IdDestination::new(SOURCE_ID), 1000, Currency::GBP)
        .reference("PO-215-5721")
        .billing_descriptor(BillingDescriptor::new().reference("Payout"))
        .processing_channel_id("pc_q4dbxom5jbgudnjzjpz7j2z6uq")
        .idempotency_key(key("po-1"))
        .build()
        .unwrap()
}

fn ideal_payment() -> PaymentRequest {
    let source = infer(json!({"type": "ideal", "bic": "INGBNL2A", "description": "test ideal description"}));
    PaymentRequest::builder(source, 100, "eur".parse().unwrap()).reference("pay_apm_ref").build().unwrap()
}

fn three_ds_payment() -> PaymentRequest {
    PaymentRequest::builder(infer(card()), 100, Currency::USD).reference("pay_ref").three_ds(true).build().unwrap()
}

fn n3d_payment() -> PaymentRequest {
    PaymentRequest::builder(infer(card()), 100, Currency::USD)
        .reference("pay_ref")
        .three_ds(ThreeDs::with_n3d_fallback())
        .build()
        .unwrap()
}

fn keyed_payment() -> PaymentRequest {
    PaymentRequest::builder(TokenSource::new(TOKEN), 6540, Currency::GBP)
        .customer(Customer::new().email("jokershere@gmail.com").name("Jack Napier"))
        .idempotency_key(key("order-5023-attempt"))
        .build()
        .unwrap()
}

fn session_ref() -> PaymentRef {
    SESSION_ID.parse::<SessionId>().unwrap().into()
}

/// One operation: how to build it alone and through the client, and what must go on the wire.
struct Case {
    name: &'static str,
    build: fn(&Config) -> Result<HttpRequest, Error>,
    call: fn(&Client) -> Result<(), Error>,
    /// The success reply the client gets: status and fixture.
    reply: (u16, &'static str),
    method: Method,
    path: &'static str,
    body: Option<Value>,
    idempotency_key: Option<&'static str>,
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "request: token source",
            build: |c| RequestPayment::new(token_payment()).build_request(c),
            call: |c| block_on(c.payments().request(token_payment())).map(drop),
            reply: (201, "payment_201_approved.json"),
            method: Method::Post,
            path: "/payments",
            body: Some(json!({
                "source": {
                    "type": "token", "token": TOKEN,
                    "billing_address": {
                        "address_line1": "Checkout.com", "city": "London", "zip": "W1T 4TJ", "country": "GB"
                    },
                    "phone": {"country_code": "+1", "number": "4155552671"},
                },
                "amount": 100, "currency": "USD", "reference": "pay_ref",
            })),
            idempotency_key: None,
        },
        Case {
            name: "request: id source",
            build: |c| RequestPayment::new(id_payment()).build_request(c),
            call: |c| block_on(c.payments().request(id_payment())).map(drop),
            reply: (201, "payment_201_approved.json"),
            method: Method::Post,
            path: "/payments",
            body: Some(json!({
                "source": {"type": "id", "id": SOURCE_ID, "cvv": "100"},
                "amount": 100, "currency": "USD", "reference": "pay_ref",
            })),
            idempotency_key: None,
        },
        Case {
            name: "request: full card details",
            build: |c| RequestPayment::new(card_payment()).build_request(c),
            call: |c| block_on(c.payments().request(card_payment())).map(drop),
            reply: (201, "payment_201_approved.json"),
            method: Method::Post,
            path: "/payments",
            body: Some(json!({"source": card_body(), "amount": 100, "currency": "USD", "reference": "pay_ref"})),
            idempotency_key: None,
        },
        Case {
            name: "request: existing customer by id",
            build: |c| RequestPayment::new(customer_id_payment()).build_request(c),
            call: |c| block_on(c.payments().request(customer_id_payment())).map(drop),
            reply: (201, "payment_201_approved.json"),
            method: Method::Post,
            path: "/payments",
            body: Some(json!({
                "source": {"type": "customer", "id": CUSTOMER_ID},
                "amount": 100, "currency": "USD", "reference": "pay_ref",
            })),
            idempotency_key: None,
        },
        Case {
            name: "request: existing customer by email",
            build: |c| RequestPayment::new(customer_email_payment()).build_request(c),
            call: |c| block_on(c.payments().request(customer_email_payment())).map(drop),
            reply: (201, "payment_201_approved.json"),
            method: Method::Post,
            path: "/payments",
            body: Some(json!({
                "source": {"type": "customer", "email": "user@checkout.com"},
                "amount": 100, "currency": "USD", "reference": "pay_ref",
            })),
            idempotency_key: None,
        },
        Case {
            name: "request: iDEAL",
            build: |c| RequestPayment::new(ideal_payment()).build_request(c),
            call: |c| block_on(c.payments().request(ideal_payment())).map(drop),
            reply: (202, "payment_202_ideal.json"),
            method: Method::Post,
            path: "/payments",
            body: Some(json!({
                "source": {"type": "ideal", "bic": "INGBNL2A", "description": "test ideal description"},
                "amount": 100, "currency": "EUR", "reference": "pay_apm_ref",
            })),
            idempotency_key: None,
        },
        Case {
            name: "request: 3DS shortcut",
            build: |c| RequestPayment::new(three_ds_payment()).build_request(c),
            call: |c| block_on(c.payments().request(three_ds_payment())).map(drop),
            reply: (202, "payment_202_3ds.json"),
            method: Method::Post,
            path: "/payments",
            body: Some(json!({
                "source": card_body(), "amount": 100, "currency": "USD", "reference": "pay_ref",
                "3ds": {"enabled": true},
            })),
            idempotency_key: None,
        },
        Case {
            name: "request: 3DS with attempt_n3d",
            build: |c| RequestPayment::new(n3d_payment()).build_request(c),
            call: |c| block_on(c.payments().request(n3d_payment())).map(drop),
            reply: (201, "payment_201_approved.json"),
            method: Method::Post,
            path: "/payments",
            body: Some(json!({
                "source": card_body(), "amount": 100, "currency": "USD", "reference": "pay_ref",
                "3ds": {"enabled": true, "attempt_n3d": true},
            })),
            idempotency_key: None,
        },
        Case {
            name: "request: with idempotency key and customer",
            build: |c| RequestPayment::new(keyed_payment()).build_request(c),
            call: |c| block_on(c.payments().request(keyed_payment())).map(drop),
            reply: (201, "payment_201_approved.json"),
            method: Method::Post,
            path: "/payments",
            body: Some(json!({
                "source": {"type": "token", "token": TOKEN}, "amount": 6540, "currency": "GBP",
                "customer": {"email": "jokershere@gmail.com", "name": "Jack Napier"},
            })),
            idempotency_key: Some("order-5023-attempt"),
        },
        Case {
            name: "get by payment id",
            build: |c| GetPayment::new(pay_id()).build_request(c),
            call: |c| block_on(c.payments().get(PAYMENT_ID)).map(drop),
            reply: (200, "payment_200_get.json"),
            method: Method::Get,
            path: "/payments/pay_mbabizu24mvu3mela5njyhpit4",
            body: None,
            idempotency_key: None,
        },
        Case {
            name: "get by session id",
            build: |c| GetPayment::new(session_ref()).build_request(c),
            call: |c| block_on(c.payments().get(SESSION_ID)).map(drop),
            reply: (200, "payment_200_get.json"),
            method: Method::Get,
            path: "/payments/sid_y3oqhf46pyzuxjbcn2giaqnb44",
            body: None,
            idempotency_key: None,
        },
        Case {
            name: "actions",
            build: |c| GetPaymentActions::new(pay_id()).build_request(c),
            call: |c| block_on(c.payments().actions(PAYMENT_ID)).map(drop),
            reply: (200, "actions_200.json"),
            method: Method::Get,
            path: "/payments/pay_mbabizu24mvu3mela5njyhpit4/actions",
            body: None,
            idempotency_key: None,
        },
        Case {
            name: "capture: full",
            build: |c| CapturePayment::new(pay_id(), ActionRequest::full()).build_request(c),
            call: |c| block_on(c.payments().capture(PAYMENT_ID, ActionRequest::full())).map(drop),
            reply: (202, "capture_202_accepted.json"),
            method: Method::Post,
            path: "/payments/pay_mbabizu24mvu3mela5njyhpit4/captures",
            body: Some(json!({})),
            idempotency_key: None,
        },
        Case {
            name: "capture: partial with reference",
            build: |c| {
                CapturePayment::new(pay_id(), ActionRequest::new().amount(100).reference("CAPTURE")).build_request(c)
            },
            call: |c| {
                block_on(c.payments().capture(pay_id(), ActionRequest::new().amount(100).reference("CAPTURE")))
                    .map(drop)
            },
            reply: (202, "capture_202_accepted.json"),
            method: Method::Post,
            path: "/payments/pay_mbabizu24mvu3mela5njyhpit4/captures",
            body: Some(json!({"amount": 100, "reference": "CAPTURE"})),
            idempotency_key: None,
        },
        Case {
            name: "capture: with metadata and idempotency key",
            build: |c| {
                let r =
                    ActionRequest::new().amount(6540).metadata("shipping_ref", "MQIBN2").idempotency_key(key("cap-1"));
                CapturePayment::new(pay_id(), r).build_request(c)
            },
            call: |c| {
                let r =
                    ActionRequest::new().amount(6540).metadata("shipping_ref", "MQIBN2").idempotency_key(key("cap-1"));
                block_on(c.payments().capture(PAYMENT_ID, r)).map(drop)
            },
            reply: (202, "capture_202_accepted.json"),
            method: Method::Post,
            path: "/payments/pay_mbabizu24mvu3mela5njyhpit4/captures",
            body: Some(json!({"amount": 6540, "metadata": {"shipping_ref": "MQIBN2"}})),
            idempotency_key: Some("cap-1"),
        },
        Case {
            name: "refund: full",
            build: |c| RefundPayment::new(pay_id(), ActionRequest::full()).build_request(c),
            call: |c| block_on(c.payments().refund(PAYMENT_ID, ActionRequest::full())).map(drop),
            reply: (202, "refund_202_accepted.json"),
            method: Method::Post,
            path: "/payments/pay_mbabizu24mvu3mela5njyhpit4/refunds",
            body: Some(json!({})),
            idempotency_key: None,
        },
        Case {
            name: "refund: partial with reference",
            build: |c| {
                RefundPayment::new(pay_id(), ActionRequest::new().amount(100).reference("REFUND")).build_request(c)
            },
            call: |c| {
                block_on(c.payments().refund(PAYMENT_ID, ActionRequest::new().amount(100).reference("REFUND")))
                    .map(drop)
            },
            reply: (202, "refund_202_accepted.json"),
            method: Method::Post,
            path: "/payments/pay_mbabizu24mvu3mela5njyhpit4/refunds",
            body: Some(json!({"amount": 100, "reference": "REFUND"})),
            idempotency_key: None,
        },
        Case {
            name: "void: with reference",
            build: |c| VoidPayment::new(pay_id(), VoidRequest::new().reference("VOID")).build_request(c),
            call: |c| block_on(c.payments().void(PAYMENT_ID, VoidRequest::new().reference("VOID"))).map(drop),
            reply: (202, "void_202_accepted.json"),
            method: Method::Post,
            path: "/payments/pay_mbabizu24mvu3mela5njyhpit4/voids",
            body: Some(json!({"reference": "VOID"})),
            idempotency_key: None,
        },
        Case {
            name: "void: bare, with idempotency key",
            build: |c| VoidPayment::new(pay_id(), VoidRequest::new().idempotency_key(key("void-1"))).build_request(c),
            call: |c| {
                block_on(c.payments().void(PAYMENT_ID, VoidRequest::new().idempotency_key(key("void-1")))).map(drop)
            },
            reply: (202, "void_202_accepted.json"),
            method: Method::Post,
            path: "/payments/pay_mbabizu24mvu3mela5njyhpit4/voids",
            body: Some(json!({})),
            idempotency_key: Some("void-1"),
        },
        Case {
            name: "incremental authorization",
            build: |c| {
                let r = IncrementalAuthorizationRequest::new().amount(6540).reference("ORD-5023-4E89");
                IncrementAuthorization::new(pay_id(), r).build_request(c)
            },
            call: |c| {
                let r = IncrementalAuthorizationRequest::new().amount(6540).reference("ORD-5023-4E89");
                block_on(c.payments().increment_authorization(PAYMENT_ID, r)).map(drop)
            },
            reply: (201, "authorization_201.json"),
            method: Method::Post,
            path: "/payments/pay_mbabizu24mvu3mela5njyhpit4/authorizations",
            body: Some(json!({"amount": 6540, "reference": "ORD-5023-4E89"})),
            idempotency_key: None,
        },
        Case {
            name: "reversal with key",
            build: |c| {
                let r = ReversalRequest::new().reference("REVERSE-1").idempotency_key(key("rev-1"));
                ReversePayment::new(pay_id(), r).build_request(c)
            },
            call: |c| {
                let r = ReversalRequest::new().reference("REVERSE-1").idempotency_key(key("rev-1"));
                block_on(c.payments().reverse(PAYMENT_ID, r)).map(drop)
            },
            reply: (202, "reversal_202_accepted.json"),
            method: Method::Post,
            path: "/payments/pay_mbabizu24mvu3mela5njyhpit4/reversals",
            body: Some(json!({"reference": "REVERSE-1"})),
            idempotency_key: Some("rev-1"),
        },
        Case {
            name: "cancel a scheduled retry",
            build: |c| {
                CancelScheduledRetry::new(pay_id(), CancellationRequest::new().reference("CANCEL-RETRY-1"))
                    .build_request(c)
            },
            call: |c| {
                block_on(
                    c.payments()
                        .cancel_scheduled_retry(PAYMENT_ID, CancellationRequest::new().reference("CANCEL-RETRY-1")),
                )
                .map(drop)
            },
            reply: (202, "cancellation_202_accepted.json"),
            method: Method::Post,
            path: "/payments/pay_mbabizu24mvu3mela5njyhpit4/cancellations",
            body: Some(json!({"reference": "CANCEL-RETRY-1"})),
            idempotency_key: None,
        },
        Case {
            name: "list by reference",
            build: |c| ListPayments::new(PaymentListQuery::new("ORD 5023&x").limit(10).skip(20)).build_request(c),
            call: |c| block_on(c.payments().list(PaymentListQuery::new("ORD 5023&x").limit(10).skip(20))).map(drop),
            reply: (200, "page_list_by_reference.json"),
            method: Method::Get,
            path: "/payments?reference=ORD%205023%26x&limit=10&skip=20",
            body: None,
            idempotency_key: None,
        },
        Case {
            name: "search",
            build: |c| SearchPayments::new(search_request()).build_request(c),
            call: |c| block_on(c.payments().search(search_request())).map(drop),
            reply: (200, "page_search.json"),
            method: Method::Post,
            path: "/payments/search",
            body: Some(fixture_json("requests/search_python_sdk.json")),
            idempotency_key: None,
        },
        Case {
            name: "payout to a stored card",
            build: |c| RequestPayout::new(payout_request()).build_request(c),
            call: |c| block_on(c.payments().payout(payout_request())).map(drop),
            reply: (202, "payout_202_pending.json"),
            method: Method::Post,
            path: "/payments",
            body: Some(json!({
                "destination": {"type": "id", "id": SOURCE_ID},
                "amount": 1000, "currency": "GBP", "reference": "PO-215-5721",
                "billing_descriptor": {"reference": "Payout"},
                "processing_channel_id": "pc_q4dbxom5jbgudnjzjpz7j2z6uq",
            })),
            idempotency_key: Some("po-1"),
        },
    ]
}

/// The two key formats and the `Authorization` header each must produce.
fn configs() -> [(Config, &'static str); 2] {
    [
        (legacy_config(), "sk_test_fde517a8-3f01-41ef-b4bd-4282384b0a64"),
        (sandbox_config(), "Bearer sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e"),
    ]
}

fn check_request(case: &Case, request: &HttpRequest, authorization: &str, via: &str, timeout: Option<Duration>) {
    let name = format!("{} ({via}, {authorization:.12}..)", case.name);
    assert_eq!(request.method, case.method, "{name}");
    assert_eq!(request.url, format!("https://api.sandbox.checkout.com{}", case.path), "{name}");
    assert_eq!(request.path(), case.path, "{name}");
    let h = &request.headers;
    assert_eq!(h.get("Authorization"), Some(authorization), "{name}");
    assert_eq!(h.get("authorization"), Some(authorization), "{name}: header names are case-insensitive");
    let ua = h.get("User-Agent").unwrap_or_default();
    assert!(ua.starts_with("checkout-sdk-rust/") && ua.len() > "checkout-sdk-rust/".len(), "{name}: {ua}");
    assert_eq!(h.get("Accept"), Some("application/json"), "{name}");
    let content_type = if case.method == Method::Post { Some("application/json") } else { None };
    assert_eq!(h.get("Content-Type"), content_type, "{name}");
    assert_eq!(h.get(IDEMPOTENCY_KEY_HEADER), case.idempotency_key, "{name}");
    assert_eq!(h.iter().filter(|(n, _)| n.eq_ignore_ascii_case("authorization")).count(), 1, "{name}");
    assert_eq!(request_json(request), case.body, "{name}");
    if case.method == Method::Get {
        assert!(request.body.is_empty(), "{name}");
    }
    assert_eq!(request.timeout, timeout, "{name}");
}

#[test]
fn build_request_puts_method_url_headers_and_body_on_the_wire() {
    let cases = cases();
    assert_eq!(cases.len(), 25);
    for (config, authorization) in configs() {
        for case in &cases {
            let request = (case.build)(&config).unwrap_or_else(|e| panic!("{}: {e}", case.name));
            // A lone operation knows no budget: the transport's own timeout applies.
            check_request(case, &request, authorization, "build_request", None);
        }
    }
}

#[test]
fn the_client_sends_exactly_what_build_request_builds() {
    for (config, authorization) in configs() {
        for case in cases() {
            let (status, name) = case.reply;
            let transport = ScriptedTransport::with([Ok(fixture_response(status, name))]);
            let client = Client::new(config.clone(), transport.clone());
            (case.call)(&client).unwrap_or_else(|e| panic!("{}: {e}", case.name));
            let sent = transport.requests();
            assert_eq!(sent.len(), 1, "{}", case.name);
            let mut sent = sent[0].clone();
            // A POST that names no key of its own gets a generated one, as every POST must
            // (a search is a read: it needs none).
            if case.method == Method::Post && case.idempotency_key.is_none() && case.path != "/payments/search" {
                let key = sent.headers.get(IDEMPOTENCY_KEY_HEADER).unwrap_or_else(|| panic!("{}: no key", case.name));
                assert!(key.starts_with("idk_") && key.len() == 30, "{}: {key}", case.name);
                sent.headers.remove(IDEMPOTENCY_KEY_HEADER);
            }
            // The client bounds even a single attempt by the policy's total budget.
            let budget = client.retry_policy().total_budget;
            assert_eq!(budget, Some(Duration::from_secs(150)));
            check_request(&case, &sent, authorization, "client", budget);
            let mut built = (case.build)(&config).unwrap();
            built.timeout = budget;
            assert_eq!(sent, built, "{}", case.name);
            assert_eq!(transport.unused(), 0);
        }
    }
}

#[test]
fn request_bodies_are_compact_json_with_the_3ds_key_spelled_as_the_api_expects() {
    let config = sandbox_config();
    let request = RequestPayment::new(three_ds_payment()).build_request(&config).unwrap();
    let text = String::from_utf8(request.body.to_vec()).unwrap();
    assert!(text.contains(r#""3ds":{"enabled":true}"#), "{text}");
    assert!(!text.contains("three_ds") && !text.contains("threeds") && !text.contains('\n'), "{text}");
    assert!(text.contains(r#""source":{"type":"card""#), "the source type comes first: {text}");
}

#[test]
fn the_original_sdk_shape_builds_the_same_requests() {
    let config = sandbox_config();
    let cases: [(Value, PaymentRequest); 3] = [
        (
            json!({"source": card(), "amount": 100, "currency": "usd", "reference": "pay_ref", "threeds": true}),
            three_ds_payment(),
        ),
        (
            json!({"source": card(), "amount": 100, "currency": "USD", "reference": "pay_ref",
                   "threeds": {"enabled": true, "attempt_n3d": true}}),
            n3d_payment(),
        ),
        (
            json!({"source": {"type": "ideal", "bic": "INGBNL2A", "description": "test ideal description"},
                   "amount": 100, "currency": "eur", "reference": "pay_apm_ref"}),
            ideal_payment(),
        ),
    ];
    for (untyped, typed) in cases {
        let from_json = PaymentRequest::from_json(untyped.clone()).unwrap_or_else(|e| panic!("{untyped}: {e}"));
        let a = RequestPayment::new(from_json).build_request(&config).unwrap();
        let b = RequestPayment::new(typed).build_request(&config).unwrap();
        assert_eq!(request_json(&a), request_json(&b), "{untyped}");
    }
}

#[test]
fn typed_sources_serialise_like_inferred_ones() {
    let cases: [(PaymentSource, Value); 4] = [
        (TokenSource::new(TOKEN).into(), json!({"type": "token", "token": TOKEN})),
        (
            IdSource::new(SOURCE_ID.parse().unwrap()).into(),
            json!({"type": "id", "id": "src_nwd3m4in3hkuddfpjsaevunhdy"}),
        ),
        (CustomerSource::id(CUSTOMER_ID.parse().unwrap()).into(), json!({"type": "customer", "id": CUSTOMER_ID})),
        (CardSource::new("4242424242424242", 6, 2025).unwrap().cvv("100").unwrap().into(), card_body()),
    ];
    let config = sandbox_config();
    for (source, expected) in cases {
        let request = PaymentRequest::builder(source, 100, Currency::USD).build().unwrap();
        let body = request_json(&RequestPayment::new(request).build_request(&config).unwrap()).unwrap();
        assert_eq!(body["source"], expected);
    }
}

#[test]
fn environments_choose_the_base_url() {
    let key = || SBOX_KEY.parse().unwrap();
    let cases = [
        (Config::sandbox(key()), "https://api.sandbox.checkout.com/payments/pay_mbabizu24mvu3mela5njyhpit4"),
        (Config::production(key()), "https://api.checkout.com/payments/pay_mbabizu24mvu3mela5njyhpit4"),
        (
            Config::new(key(), Environment::custom("http://127.0.0.1:8080/v1").unwrap()),
            "http://127.0.0.1:8080/v1/payments/pay_mbabizu24mvu3mela5njyhpit4",
        ),
    ];
    for (config, url) in cases {
        assert_eq!(GetPayment::new(pay_id()).build_request(&config).unwrap().url, url);
    }
}

#[test]
fn user_agent_suffixes_are_appended() {
    let config = sandbox_config().with_user_agent_suffix("shop/1.2");
    let request = GetPayment::new(pay_id()).build_request(&config).unwrap();
    let ua = request.headers.get("user-agent").unwrap();
    assert!(ua.starts_with("checkout-sdk-rust/") && ua.ends_with(" shop/1.2"), "{ua}");
}

#[test]
fn user_agents_with_control_characters_are_refused_before_sending() {
    for suffix in ["shop/1.2\r\nX-Injected: 1", "shop\t1", "caf\u{e9}/1"] {
        let config = sandbox_config().with_user_agent_suffix(suffix);
        let err = GetPayment::new(pay_id()).build_request(&config).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::InvalidInput(InvalidInput::Request(_))), "{suffix:?}: {err:?}");
        let transport = ScriptedTransport::new();
        let client = Client::new(config, transport.clone());
        let err = block_on(client.payments().request(card_payment())).unwrap_err();
        assert!(err.is_invalid_input() && err.attempts() == 0, "{suffix:?}: {err:?}");
        assert_eq!(transport.sent(), 0, "{suffix:?}");
    }
}

#[test]
fn operations_expect_their_documented_success_statuses() {
    let id = pay_id;
    let statuses: [(&str, &[u16]); 6] = [
        ("request", RequestPayment::new(card_payment()).expected_statuses()),
        ("get", GetPayment::new(id()).expected_statuses()),
        ("actions", GetPaymentActions::new(id()).expected_statuses()),
        ("capture", CapturePayment::new(id(), ActionRequest::full()).expected_statuses()),
        ("refund", RefundPayment::new(id(), ActionRequest::full()).expected_statuses()),
        ("void", VoidPayment::new(id(), VoidRequest::new()).expected_statuses()),
    ];
    let expected: [&[u16]; 6] = [&[201, 202], &[200], &[200], &[202], &[202], &[202]];
    for ((name, got), want) in statuses.into_iter().zip(expected) {
        assert_eq!(got, want, "{name}");
    }
}

#[test]
fn debug_output_of_requests_hides_the_key_and_the_card() {
    for (config, authorization) in configs() {
        let request = RequestPayment::new(card_payment()).build_request(&config).unwrap();
        let debug = format!("{request:?}");
        let secret = authorization.trim_start_matches("Bearer ");
        assert!(!debug.contains(secret), "{debug}");
        assert!(!debug.contains("4242424242424242") && debug.contains("bytes"), "{debug}");
    }
}
