//! Helpers shared by the core's integration tests: a scripted transport that records requests and
//! replies from a queue, a sleeper that records waits and returns at once, a deterministic random
//! source, a tiny `block_on`, and the response fixtures (taken from the API reference and the
//! original SDK's docs; see `tests/fixtures`).
//!
//! Every test file uses a different subset of these helpers.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use checkout_sdk_core::blocking::{BlockingSleeper, BlockingTransport};
use checkout_sdk_core::config::{Config, Environment, SecretKey};
use checkout_sdk_core::currency::Currency;
use checkout_sdk_core::request::{Customer, PaymentRequest};
use checkout_sdk_core::source::CardSource;
use checkout_sdk_core::transport::{
    HttpRequest, HttpResponse, HttpTransport, Randomness, Sleeper, TransportError, TransportErrorKind,
};
use serde_json::Value;

/// A new-style (`Bearer`) sandbox key.
pub(crate) const SBOX_KEY: &str = "sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e";
/// A legacy sandbox key (sent raw in `Authorization`).
pub(crate) const TEST_KEY: &str = "sk_test_fde517a8-3f01-41ef-b4bd-4282384b0a64";
/// The payment id of the API reference's examples.
pub(crate) const PAYMENT_ID: &str = "pay_mbabizu24mvu3mela5njyhpit4";
/// A session id.
pub(crate) const SESSION_ID: &str = "sid_y3oqhf46pyzuxjbcn2giaqnb44";
/// The card payment the benches and the allocation test measure: full card details, amount,
/// currency, reference and customer.
pub(crate) fn card_payment() -> PaymentRequest {
    let card = CardSource::new("4242424242424242", 6, 2030).expect("a valid card").cvv("100").expect("a valid cvv");
    PaymentRequest::builder(card, 6540, Currency::USD)
        .reference("ORD-5023-4E89")
        .customer(Customer::new().email("jokershere@gmail.com").name("Jack Napier"))
        .build()
        .expect("a valid payment request")
}

/// The sandbox base URL.
pub(crate) const SANDBOX: &str = "https://api.sandbox.checkout.com/";

/// A sandbox configuration with the `Bearer` key.
pub(crate) fn sandbox_config() -> Config {
    Config::sandbox(SBOX_KEY.parse().expect("valid sk_sbox_ key"))
}

/// A sandbox configuration with the legacy `sk_test_` key.
pub(crate) fn legacy_config() -> Config {
    Config::new(TEST_KEY.parse::<SecretKey>().expect("valid sk_test_ key"), Environment::Sandbox)
}

/// Runs a future that never waits: the scripted transport and the recording sleeper are always
/// ready, so the first poll completes it. Panics instead of spinning if it does not.
pub(crate) fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..1_000 {
        if let Poll::Ready(value) = future.as_mut().poll(&mut cx) {
            return value;
        }
    }
    panic!("the future is still pending: test transports and sleepers must always be ready");
}

/// The bytes of `tests/fixtures/<name>`.
pub(crate) fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read fixture {path}: {e}"))
}

/// `tests/fixtures/<name>` parsed as JSON.
pub(crate) fn fixture_json(name: &str) -> Value {
    serde_json::from_slice(&fixture(name)).unwrap_or_else(|e| panic!("fixture {name} is not JSON: {e}"))
}

/// A response with `status` and the fixture `name` as its body.
pub(crate) fn fixture_response(status: u16, name: &str) -> HttpResponse {
    HttpResponse::new(status, fixture(name))
}

/// A response with `status` and `body` serialised as JSON.
pub(crate) fn json_response(status: u16, body: &Value) -> HttpResponse {
    HttpResponse::new(status, serde_json::to_vec(body).expect("serialisable"))
}

/// A response with `status` that reports it took `elapsed`.
pub(crate) fn timed(mut response: HttpResponse, elapsed: Duration) -> HttpResponse {
    response.elapsed = Some(elapsed);
    response
}

/// The body of a recorded request, parsed as JSON (`None` when empty).
pub(crate) fn request_json(request: &HttpRequest) -> Option<Value> {
    if request.body.is_empty() {
        None
    } else {
        Some(serde_json::from_slice(&request.body).expect("request bodies are JSON"))
    }
}

type Reply = Result<HttpResponse, TransportError>;

#[derive(Default)]
struct Script {
    replies: VecDeque<Reply>,
    requests: Vec<HttpRequest>,
}

/// An [`HttpTransport`] that records every request and answers from a queue of replies.
///
/// Clones share the script, so a test keeps one clone and gives the other to the client.
#[derive(Clone, Default)]
pub(crate) struct ScriptedTransport {
    script: Arc<Mutex<Script>>,
}

impl ScriptedTransport {
    /// A transport with no replies queued.
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// A transport that answers with `replies`, in order.
    pub(crate) fn with(replies: impl IntoIterator<Item = Reply>) -> Self {
        let t = Self::new();
        t.lock().replies.extend(replies);
        t
    }

    fn lock(&self) -> MutexGuard<'_, Script> {
        self.script.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Queues a response.
    pub(crate) fn reply(&self, response: HttpResponse) -> &Self {
        self.lock().replies.push_back(Ok(response));
        self
    }

    /// Queues a transport failure.
    pub(crate) fn fail(&self, error: TransportError) -> &Self {
        self.lock().replies.push_back(Err(error));
        self
    }

    /// Every request sent so far, in order.
    pub(crate) fn requests(&self) -> Vec<HttpRequest> {
        self.lock().requests.clone()
    }

    /// How many requests were sent.
    pub(crate) fn sent(&self) -> usize {
        self.lock().requests.len()
    }

    /// How many queued replies were not used.
    pub(crate) fn unused(&self) -> usize {
        self.lock().replies.len()
    }

    /// The `Cko-Idempotency-Key` of every request sent, in order.
    pub(crate) fn idempotency_keys(&self) -> Vec<Option<String>> {
        self.lock().requests.iter().map(|r| r.headers.get("Cko-Idempotency-Key").map(String::from)).collect()
    }
}

impl ScriptedTransport {
    fn answer(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let mut script = self.lock();
        let n = script.requests.len() + 1;
        script.requests.push(request);
        script.replies.pop_front().unwrap_or_else(|| panic!("no scripted reply for request #{n}"))
    }
}

#[async_trait::async_trait]
impl HttpTransport for ScriptedTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.answer(request)
    }
}

impl BlockingTransport for ScriptedTransport {
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.answer(request)
    }
}

/// A [`Sleeper`] that records each requested wait and returns at once.
#[derive(Clone, Default)]
pub(crate) struct RecordingSleeper {
    sleeps: Arc<Mutex<Vec<Duration>>>,
}

impl RecordingSleeper {
    /// A sleeper with nothing recorded.
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Every wait requested so far, in order.
    pub(crate) fn sleeps(&self) -> Vec<Duration> {
        self.sleeps.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

#[async_trait::async_trait]
impl Sleeper for RecordingSleeper {
    async fn sleep(&self, duration: Duration) {
        self.sleeps.lock().unwrap_or_else(|p| p.into_inner()).push(duration);
    }
}

impl BlockingSleeper for RecordingSleeper {
    fn sleep(&self, duration: Duration) {
        self.sleeps.lock().unwrap_or_else(|p| p.into_inner()).push(duration);
    }
}

/// A deterministic [`Randomness`]: a counter spread over the `u64` range (so generated
/// idempotency keys vary), starting from a fixed value.
#[derive(Debug, Default)]
pub(crate) struct Counter(AtomicU64);

impl Counter {
    /// A counter starting at `start`.
    pub(crate) fn new(start: u64) -> Self {
        Counter(AtomicU64::new(start))
    }
}

impl Randomness for Counter {
    fn next_u64(&self) -> u64 {
        self.0.fetch_add(1, Ordering::Relaxed).wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }
}

/// A transport failure of `kind` (with no measured time).
pub(crate) fn transport_error(kind: TransportErrorKind) -> TransportError {
    TransportError::new(kind, "scripted failure")
}
