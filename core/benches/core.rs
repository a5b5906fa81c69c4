//! What the SDK's typed layer costs on top of bare `serde_json::Value` work.
//!
//! Every group pairs the SDK call with a baseline over the same bytes, so the report reads as a
//! ratio (`sdk / baseline`) that holds on any machine:
//!
//! | group | SDK | baseline |
//! |---|---|---|
//! | `build_request` | `PaymentRequest::builder(..).build()` + `RequestPayment::build_request` | `serde_json::to_vec` of the same body as a `Value` |
//! | `parse_201` | `RequestPayment::parse_response` of the API reference's 201 example (typed, straight from the bytes) | `serde_json::from_slice::<Value>` of the same bytes |
//! | `parse_202` | the same, for a 202 pending (3DS redirect) body | the same |
//! | `parse_422` | `operation::parse_error` of a 422 validation error | the same |
//! | `outcome` | `payment.outcome()` on a parsed 201 | the same decision read by hand from the `Value` |
//!
//! Some groups carry extra, clearly named variants that split the SDK's cost into its parts
//! (serialise only; the typed decode alone; the links and the raw JSON view, which a response
//! reads from its kept bytes only when first asked for); they are there to explain the ratios,
//! see `BENCHMARKS.md`.
//!
//! In the parse groups every variant runs under `iter_batched`, so each one's result is dropped
//! outside the timing: the SDK's response and the baseline's `Value` alike.
//!
//! Run with `cargo bench -p checkout-sdk-core --bench core -- --warm-up-time 1 --measurement-time 3`.

use std::hint::black_box;

#[path = "../tests/support/mod.rs"]
mod support;

use checkout_sdk_core::operation::{parse_error, Operation, RequestPayment};
use checkout_sdk_core::outcome::Outcome;
use checkout_sdk_core::payment::Payment;
use checkout_sdk_core::response::Response;
use checkout_sdk_core::transport::HttpResponse;
use criterion::{BatchSize, Criterion};
use serde_json::{json, Value};

/// The `201 Created` example of `POST /payments` in the API reference (the tests' shared fixture).
const PAYMENT_201: &str = include_str!("../tests/fixtures/payment_201_approved.json");

/// A `202 Accepted` pending payment with a 3DS redirect (the tests' shared fixture).
const PAYMENT_202: &str = include_str!("../tests/fixtures/payment_202_pending.json");

/// The API reference's `422` validation error (the tests' shared fixture).
const ERROR_422: &str = include_str!("../tests/fixtures/error_422_validation.json");

/// The same body as `support::card_payment`, untyped.
fn card_payment_value() -> Value {
    json!({
        "source": {"type": "card", "number": "4242424242424242", "expiry_month": 6, "expiry_year": 2030, "cvv": "100"},
        "amount": 6540,
        "currency": "USD",
        "reference": "ORD-5023-4E89",
        "customer": {"email": "jokershere@gmail.com", "name": "Jack Napier"},
    })
}

/// A response as a transport hands it over: status, the headers the API always sends, body.
fn response(status: u16, body: &str) -> HttpResponse {
    HttpResponse::new(status, body.as_bytes().to_vec())
        .with_header("Content-Type", "application/json; charset=utf-8")
        .with_header("Cko-Request-Id", "0HL80RJLS76I7")
        .with_header("Cko-Version", "1.0.0")
}

fn build_request(c: &mut Criterion) {
    let config = support::sandbox_config();
    let value = card_payment_value();
    // The pairing is only fair if both sides produce the same JSON.
    let sdk_body = RequestPayment::new(support::card_payment()).build_request(&config).expect("builds").body;
    assert_eq!(serde_json::from_slice::<Value>(&sdk_body).expect("JSON"), value, "the bodies differ");

    let mut group = c.benchmark_group("build_request");
    group.bench_function("sdk", |b| {
        b.iter(|| {
            let request = support::card_payment();
            black_box(RequestPayment::new(request).build_request(black_box(&config)).expect("builds"))
        })
    });
    group.bench_function("baseline_value_to_vec", |b| {
        b.iter(|| black_box(serde_json::to_vec(black_box(&value)).expect("serialises")))
    });
    // Explains the ratio: the same SDK work without building the request value first.
    let op = RequestPayment::new(support::card_payment());
    group.bench_function("sdk_build_request_only", |b| {
        b.iter(|| black_box(black_box(&op).build_request(black_box(&config)).expect("builds")))
    });
    // The fairer untyped equivalent of "build + serialise": construct the Value, then serialise.
    group.bench_function("baseline_json_macro_to_vec", |b| {
        b.iter(|| black_box(serde_json::to_vec(&card_payment_value()).expect("serialises")))
    });
    group.finish();
}

/// `sdk` vs the Value baseline for a success body. The response is rebuilt outside the timing
/// because `parse_response` consumes it, and every result is dropped outside the timing.
fn parse_success(c: &mut Criterion, name: &str, status: u16, body: &'static str) {
    let op = RequestPayment::new(support::card_payment());
    let parsed = op.parse_response(response(status, body)).expect("parses");
    assert_eq!(parsed.status(), status);
    // The lazily read parts agree with a full parse of the same bytes.
    let value: Value = serde_json::from_str(body).expect("JSON");
    assert_eq!(parsed.body(), &value);
    assert_eq!(parsed.links().len(), value["_links"].as_object().map_or(0, |links| links.len()));

    let mut group = c.benchmark_group(name);
    group.bench_function("sdk", |b| {
        b.iter_batched(
            || response(status, body),
            |r| op.parse_response(black_box(r)).expect("parses"),
            BatchSize::SmallInput,
        )
    });
    group.bench_function("baseline_value_from_slice", |b| {
        b.iter_batched(
            || (),
            |()| serde_json::from_slice::<Value>(black_box(body.as_bytes())).expect("JSON"),
            BatchSize::SmallInput,
        )
    });
    // The baseline with the SDK's own shortcut (check the bytes are UTF-8 once, then decode the
    // text, so serde_json does not check each string on its own): the fairest untyped equivalent.
    group.bench_function("baseline_value_from_utf8_str", |b| {
        b.iter_batched(
            || (),
            |()| {
                let text = std::str::from_utf8(black_box(body.as_bytes())).expect("UTF-8");
                serde_json::from_str::<Value>(text).expect("JSON")
            },
            BatchSize::SmallInput,
        )
    });
    // Explains the ratio: the typed decode alone, without the response's metadata.
    group.bench_function("typed_from_slice_only", |b| {
        b.iter_batched(
            || (),
            |()| serde_json::from_slice::<Payment>(black_box(body.as_bytes())).expect("decodes"),
            BatchSize::SmallInput,
        )
    });
    // What reading the links costs when a caller asks for them (once per response).
    group.bench_function("sdk_then_links", |b| {
        b.iter_batched(
            || response(status, body),
            |r| {
                let payment = op.parse_response(black_box(r)).expect("parses");
                black_box(payment.links().len());
                payment
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

fn parse_201(c: &mut Criterion) {
    parse_success(c, "parse_201", 201, PAYMENT_201);
}

fn parse_202(c: &mut Criterion) {
    parse_success(c, "parse_202", 202, PAYMENT_202);
}

fn parse_422(c: &mut Criterion) {
    let r = response(422, ERROR_422);
    assert_eq!(parse_error(&r).http_status(), Some(422));

    let mut group = c.benchmark_group("parse_422");
    group.bench_function("sdk", |b| b.iter(|| black_box(parse_error(black_box(&r)))));
    group.bench_function("baseline_value_from_slice", |b| {
        b.iter(|| black_box(serde_json::from_slice::<Value>(black_box(ERROR_422.as_bytes())).expect("JSON")))
    });
    group.finish();
}

/// The original SDK's "handle all cases" decision, read straight from the untyped body.
fn outcome_from_value(status: u16, body: &Value) -> Outcome {
    let pending = status == 202 || body["status"] == "Pending";
    let approved = body["approved"] == true;
    let flagged = body["risk"]["flagged"] == true;
    if pending {
        let redirect = body["_links"]["redirect"]["href"].as_str().map(checkout_sdk_core::link::Link::new);
        Outcome::Pending { redirect }
    } else if approved && flagged {
        Outcome::Flagged
    } else if approved {
        Outcome::Approved
    } else {
        Outcome::Declined {
            response_code: match &body["response_code"] {
                Value::String(s) => Some(checkout_sdk_core::outcome::ResponseCode::new(s.as_str())),
                Value::Number(n) => Some(checkout_sdk_core::outcome::ResponseCode::new(n.to_string())),
                _ => None,
            },
            response_summary: body["response_summary"].as_str().map(String::from),
        }
    }
}

fn outcome(c: &mut Criterion) {
    let op = RequestPayment::new(support::card_payment());
    let payment: Response<Payment> = op.parse_response(response(201, PAYMENT_201)).expect("parses");
    let value: Value = serde_json::from_str(PAYMENT_201).expect("JSON");
    assert_eq!(payment.outcome(), Outcome::Flagged);
    assert_eq!(outcome_from_value(201, &value), Outcome::Flagged);

    let mut group = c.benchmark_group("outcome");
    group.bench_function("sdk", |b| b.iter(|| black_box(black_box(&payment).outcome())));
    group.bench_function("baseline_value_lookup", |b| {
        b.iter(|| black_box(outcome_from_value(black_box(201), black_box(&value))))
    });
    group.finish();
}

// What `criterion_group!` + `criterion_main!` expand to, without their undocumented `pub fn`.
fn main() {
    let mut c = Criterion::default().configure_from_args();
    build_request(&mut c);
    parse_201(&mut c);
    parse_202(&mut c);
    parse_422(&mut c);
    outcome(&mut c);
    c.final_summary();
}
