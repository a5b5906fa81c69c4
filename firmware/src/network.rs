//! The firmware's stand-in for its modem or TCP/TLS stack: a blocking transport that plays the
//! Checkout.com API, and checks every request the SDK hands it as the API would.
//!
//! The script: the payment's first attempt is written and then the connection drops
//! ([`TransportError::interrupted`]: the server may have acted on it); the second attempt must
//! carry the same idempotency key, and gets the API reference's `201`. The capture gets the
//! reference's `202`. Anything else (a third attempt, a changed key, a missing header, an
//! unexpected path) fails the run on the spot.

use core::cell::{Cell, RefCell};

use checkout_sdk_core::operation::IDEMPOTENCY_KEY_HEADER;
use checkout_sdk_core::transport::{HttpRequest, HttpResponse, Method, TransportError};
use cortex_m_semihosting::hprintln;

use crate::console::fail;

/// The API reference's `201` for `POST /payments` (copied from `core/tests/fixtures`).
pub(crate) const PAYMENT_201: &[u8] = include_bytes!("../fixtures/payment_201_approved.json");
/// The API reference's `202` for `POST /payments/{id}/captures`.
pub(crate) const CAPTURE_202: &[u8] = include_bytes!("../fixtures/capture_202_accepted.json");
/// The payment id in [`PAYMENT_201`].
pub(crate) const PAYMENT_ID: &str = "pay_mbabizu24mvu3mela5njyhpit4";
/// The action id in [`CAPTURE_202`].
pub(crate) const CAPTURE_ACTION_ID: &str = "act_y3oqhf46pyzuxjbcn2giaqnb44";
/// Where every request must go.
const SANDBOX: &str = "https://api.sandbox.checkout.com/";
/// A capture of the full amount with the order's reference.
const CAPTURE_BODY: &[u8] = br#"{"reference":"ORD-5023-4E89"}"#;
/// The request id the API answers with.
pub(crate) const REQUEST_ID: &str = "0HL80RJLS76I7";

/// What every attempt of the payment must carry in its body: the full card, amount, currency
/// and reference (checked on the bytes, without parsing them into a second copy).
const PAYMENT_BODY_MUST_HOLD: &[&str] = &[
    r#""type":"card""#,
    r#""number":"4242424242424242""#,
    r#""expiry_month":6"#,
    r#""expiry_year":2030"#,
    r#""cvv":"100""#,
    r#""name":"Jack Napier""#,
    r#""amount":6540"#,
    r#""currency":"USD""#,
    r#""reference":"ORD-5023-4E89""#,
];

/// An idempotency key remembered without the heap, so the transport's own bookkeeping does not
/// count towards the SDK's heap figures.
struct KeyRecord {
    bytes: [u8; 64],
    len: usize,
}

impl KeyRecord {
    const fn empty() -> Self {
        KeyRecord { bytes: [0; 64], len: 0 }
    }

    fn set(&mut self, key: &str) {
        if key.len() > self.bytes.len() {
            fail!("an idempotency key of {} bytes is longer than a device would keep", key.len());
        }
        self.bytes[..key.len()].copy_from_slice(key.as_bytes());
        self.len = key.len();
    }

    fn get(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// The scripted API; see the [module docs](self).
pub(crate) struct Network {
    authorization: &'static str,
    payment_attempts: Cell<u32>,
    payment_key: RefCell<KeyRecord>,
    capture_attempts: Cell<u32>,
}

impl Network {
    /// A network that expects every request to be authorised with `authorization`.
    pub(crate) fn new(authorization: &'static str) -> Self {
        Network {
            authorization,
            payment_attempts: Cell::new(0),
            payment_key: RefCell::new(KeyRecord::empty()),
            capture_attempts: Cell::new(0),
        }
    }

    /// How many attempts of the payment reached the network.
    pub(crate) fn payment_attempts(&self) -> u32 {
        self.payment_attempts.get()
    }

    /// How many attempts of the capture reached the network.
    pub(crate) fn capture_attempts(&self) -> u32 {
        self.capture_attempts.get()
    }

    /// Whether `key` is the key every payment attempt carried.
    pub(crate) fn is_payment_key(&self, key: &str) -> bool {
        self.payment_key.borrow().get() == key.as_bytes()
    }

    /// Exchanges one request: the blocking client's transport.
    pub(crate) fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        if request.method != Method::Post {
            fail!("unexpected {} {}", request.method, request.path());
        }
        if !request.url.starts_with(SANDBOX) {
            fail!("{} {} is not addressed to the sandbox", request.method, request.path());
        }
        if request.headers.get("authorization") != Some(self.authorization) {
            fail!("{} {} is not authorised with the configured key", request.method, request.path());
        }
        if request.headers.get("content-type") != Some("application/json") {
            fail!("{} {} is not sent as JSON", request.method, request.path());
        }
        let Some(key) = request.headers.get(IDEMPOTENCY_KEY_HEADER) else {
            fail!("{} {} carries no idempotency key", request.method, request.path());
        };
        let path = request.path();
        if path == "/payments" {
            self.payment(&request, key)
        } else if path.strip_prefix("/payments/").and_then(|rest| rest.strip_suffix("/captures")) == Some(PAYMENT_ID) {
            self.capture(&request, key)
        } else {
            fail!("unexpected POST {}", path)
        }
    }

    /// `POST /payments`: the first attempt's connection drops, the second is answered.
    fn payment(&self, request: &HttpRequest, key: &str) -> Result<HttpResponse, TransportError> {
        let body = request.body.as_slice();
        if let Some(missing) = PAYMENT_BODY_MUST_HOLD.iter().find(|field| !contains(body, field.as_bytes())) {
            fail!("the payment body lacks {}", missing);
        }
        let attempt = self.payment_attempts.get() + 1;
        self.payment_attempts.set(attempt);
        match attempt {
            1 => {
                self.payment_key.borrow_mut().set(key);
                hprintln!(
                    "  attempt 1: POST /payments, key {}, {}-byte body: connection dropped after sending",
                    key,
                    body.len()
                );
                Err(TransportError::interrupted("the connection dropped before the response arrived"))
            }
            2 if self.is_payment_key(key) => {
                hprintln!(
                    "  attempt 2: POST /payments, key {} (the same key), {}-byte body: 201 Created",
                    key,
                    body.len()
                );
                Ok(HttpResponse::new(201, PAYMENT_201).with_header("Cko-Request-Id", REQUEST_ID))
            }
            2 => fail!("the retry carried a different idempotency key ({}) from the first attempt", key),
            n => fail!("attempt {} of the payment: one dropped connection needs one retry, not {}", n, n - 1),
        }
    }

    /// `POST /payments/{id}/captures`: answered at once.
    fn capture(&self, request: &HttpRequest, key: &str) -> Result<HttpResponse, TransportError> {
        if request.body != CAPTURE_BODY {
            fail!("the capture body is not the full-amount capture with its reference");
        }
        let attempt = self.capture_attempts.get() + 1;
        self.capture_attempts.set(attempt);
        if attempt > 1 {
            fail!("the capture was sent {} times; nothing failed, so once is enough", attempt);
        }
        if self.is_payment_key(key) {
            fail!("the capture reused the payment's idempotency key");
        }
        hprintln!("  attempt 1: POST /payments/{}/captures, key {}: 202 Accepted", PAYMENT_ID, key);
        Ok(HttpResponse::new(202, CAPTURE_202).with_header("Cko-Request-Id", REQUEST_ID))
    }
}

/// Whether `needle` occurs in `haystack`.
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}
