//! Reliability: after any sequence of failures, an error says truthfully whether the payment may
//! exist, and the documented recovery ends with exactly one payment (or capture, or refund).
//!
//! The documented recovery (`docs/reliability.md`): when a call fails with
//! `may_have_been_processed()`, send the same request again with `err.idempotency_key()`; when it
//! fails without, nothing was processed, and a new request is safe.
//!
//! Each case draws an operation (payment, partial capture, partial refund), a retry policy, whether
//! the caller sets its own key, and a sequence of per-attempt faults (refused, rejected by a
//! gateway with 429/5xx with and without `Retry-After`, processed and then answered with a 5xx,
//! dropped, or timed out, timed out before reaching the server, or untouched). A
//! [`FaultyTransport`] plays the sequence around the simulator, in memory and over loopback HTTP
//! through `checkout-sandbox` and the hyper transport. Then, against the simulator's own records:
//! - `may_have_been_processed()` is never false while the simulator holds a payment (or action)
//!   for the call's reference;
//! - an error that may have been processed hands back the key every attempt carried;
//! - following the recovery ends with exactly one payment (or action) for the reference, the
//!   one the recovered call returns.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use checkout_sdk::core::retry::RetryPolicy;
use checkout_sdk::core::transport::HttpTransport;
use checkout_sdk::prelude::*;
use checkout_sdk_fake::fault_injection::{AttemptFault, FaultyTransport};
use checkout_sdk_fake::runtime::RecordingSleeper;
use checkout_sdk_hyper::HyperTransport;
use checkout_sdk_simulator::Simulator;
use proptest::prelude::*;

const KEY: &str = "sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e";
/// Random fault sequences per transport (in memory, and over loopback HTTP).
const CASES: u32 = 1_000;
const AMOUNT: u64 = 10_000;
const PART: u64 = 1_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Pay,
    Capture,
    Refund,
}

#[derive(Debug, Clone)]
struct Case {
    op: Op,
    faults: Vec<AttemptFault>,
    max_retries: u32,
    caller_key: bool,
}

fn fault() -> impl Strategy<Value = AttemptFault> {
    let retry_after =
        prop_oneof![Just(None), Just(Some("0".to_string())), Just(Some("1".to_string())), Just(Some("30".to_string()))];
    prop_oneof![
        Just(AttemptFault::Refused),
        (prop_oneof![Just(429u16), Just(500), Just(502), Just(503)], retry_after)
            .prop_map(|(status, retry_after)| AttemptFault::Rejected { status, retry_after }),
        prop_oneof![Just(500u16), Just(502), Just(503), Just(504)]
            .prop_map(|status| AttemptFault::ProcessedThen { status }),
        Just(AttemptFault::DroppedAfterProcessing),
        Just(AttemptFault::TimedOutAfterProcessing),
        Just(AttemptFault::TimedOutBeforeProcessing),
        Just(AttemptFault::Pass),
    ]
}

fn case() -> impl Strategy<Value = Case> {
    (
        prop_oneof![Just(Op::Pay), Just(Op::Capture), Just(Op::Refund)],
        proptest::collection::vec(fault(), 0..=5),
        0u32..=3,
        any::<bool>(),
    )
        .prop_map(|(op, faults, max_retries, caller_key)| Case { op, faults, max_retries, caller_key })
}

fn card() -> PaymentSource {
    CardSource::new("4242424242424242", 6, 2030).and_then(|c| c.cvv("100")).expect("valid test card").into()
}

/// Where the simulator is, and how to count what it holds.
struct World {
    simulator: Simulator,
    /// Talks to the simulator with no faults and no retries: set-up, and counting actions.
    plain: Client,
    /// What the faulty transports wrap.
    inner: Arc<dyn HttpTransport>,
    config: Config,
    next: AtomicU64,
}

impl World {
    fn new(simulator: Simulator, inner: Arc<dyn HttpTransport>, config: Config) -> Self {
        let plain = checkout_sdk::core::Client::builder_shared(config.clone(), Arc::clone(&inner)).build().into();
        World { simulator, plain, inner, config, next: AtomicU64::new(0) }
    }

    fn client(&self, transport: Arc<FaultyTransport<Arc<dyn HttpTransport>>>, max_retries: u32) -> Client {
        let policy = RetryPolicy::default()
            .with_max_retries(max_retries)
            .with_backoff(Duration::from_millis(1), Duration::from_secs(5));
        checkout_sdk::core::Client::builder_shared(self.config.clone(), transport)
            // Records the waits and returns at once: the tests check what happens, not how long.
            .sleeper(RecordingSleeper::new())
            .retry_policy(policy)
            .build()
            .into()
    }

    /// A payment to capture (authorized) or refund (captured), made without faults.
    async fn payment_for(&self, op: Op, reference: &str) -> Option<PaymentId> {
        if op == Op::Pay {
            return None;
        }
        let request = PaymentRequest::builder(card(), AMOUNT, Currency::USD)
            .reference(format!("{reference}-setup"))
            .capture(false)
            .build()
            .expect("valid");
        let payment = self.plain.payments().request(request).await.expect("set-up payment");
        if op == Op::Refund {
            self.plain.payments().capture(&payment.id, ActionRequest::full()).await.expect("set-up capture");
        }
        Some(payment.id.clone())
    }

    /// How many payments (or actions of the case's kind) carry `reference`.
    async fn held(&self, op: Op, payment: Option<&PaymentId>, reference: &str) -> usize {
        match (op, payment) {
            (Op::Pay, _) => self.simulator.payments_with_reference(reference),
            (_, Some(id)) => {
                let wanted = if op == Op::Capture { ActionType::Capture } else { ActionType::Refund };
                let actions = self.plain.payments().actions(id).await.expect("actions");
                actions.iter().filter(|a| a.action_type == wanted && a.reference.as_deref() == Some(reference)).count()
            }
            (_, None) => unreachable!("captures and refunds have a payment"),
        }
    }

    /// Sends the case's request through `client`; the id of what it made on success.
    async fn send(
        &self,
        client: &Client,
        op: Op,
        payment: Option<&PaymentId>,
        reference: &str,
        key: Option<IdempotencyKey>,
    ) -> Result<String, Error> {
        match (op, payment) {
            (Op::Pay, _) => {
                let mut builder = PaymentRequest::builder(card(), AMOUNT, Currency::USD).reference(reference);
                if let Some(key) = key {
                    builder = builder.idempotency_key(key);
                }
                let payment = client.payments().request(builder.build().expect("valid")).await?;
                assert_eq!(payment.reference.as_deref(), Some(reference));
                Ok(payment.id.to_string())
            }
            (_, Some(id)) => {
                let mut request = ActionRequest::full().amount(PART).reference(reference);
                if let Some(key) = key {
                    request = request.idempotency_key(key);
                }
                let accepted = if op == Op::Capture {
                    client.payments().capture(id, request).await?
                } else {
                    client.payments().refund(id, request).await?
                };
                Ok(accepted.action_id.to_string())
            }
            (_, None) => unreachable!("captures and refunds have a payment"),
        }
    }

    async fn run(&self, case: &Case) -> Result<(), TestCaseError> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let reference = format!("REF-{n:06}");
        let payment = self.payment_for(case.op, &reference).await;
        let faulty = Arc::new(FaultyTransport::new(Arc::clone(&self.inner)));
        faulty.script(case.faults.iter().cloned());
        let client = self.client(Arc::clone(&faulty), case.max_retries);
        let caller_key = case.caller_key.then(|| IdempotencyKey::new(format!("caller-{reference}")).expect("valid"));

        let first = self.send(&client, case.op, payment.as_ref(), &reference, caller_key.clone()).await;
        let held = self.held(case.op, payment.as_ref(), &reference).await;
        let recovered = match first {
            Ok(id) => {
                prop_assert_eq!(held, 1, "{:?}: success, but {} held", case, held);
                id
            }
            Err(error) => {
                prop_assert!(
                    held == 0 || error.may_have_been_processed(),
                    "{:?}: {} held, but the error says nothing was processed: {:?} (played {:?})",
                    case,
                    held,
                    error,
                    faulty.played()
                );
                prop_assert!(held <= 1, "{:?}: {} held after one call", case, held);
                if error.may_have_been_processed() {
                    let key = error.idempotency_key().cloned();
                    prop_assert!(key.is_some(), "{:?}: no key handed back: {:?}", case, error);
                    if let Some(caller_key) = &caller_key {
                        prop_assert_eq!(key.as_ref(), Some(caller_key), "the caller's key is the one handed back");
                    }
                    // The documented recovery: the same request, with the handed-back key.
                    self.send(&self.plain, case.op, payment.as_ref(), &reference, key)
                        .await
                        .map_err(|e| TestCaseError::fail(format!("{case:?}: the recovery failed: {e:?}")))?
                } else {
                    // Nothing was processed: a new request (a new key) is safe.
                    self.send(&self.plain, case.op, payment.as_ref(), &reference, None)
                        .await
                        .map_err(|e| TestCaseError::fail(format!("{case:?}: the new request failed: {e:?}")))?
                }
            }
        };
        let held = self.held(case.op, payment.as_ref(), &reference).await;
        prop_assert_eq!(held, 1, "{:?}: {} held after the recovery (played {:?})", case, held, faulty.played());
        let prefix = if case.op == Op::Pay { "pay_" } else { "act_" };
        prop_assert!(recovered.starts_with(prefix), "{:?}: recovered {}", case, recovered);
        Ok(())
    }
}

fn config(base: &str) -> Config {
    Config::new(SecretKey::new(KEY).expect("valid key"), Environment::custom(base).expect("loopback base URL"))
        .with_processing_channel(
            ProcessingChannelId::new(checkout_sdk_fake::keys::PROCESSING_CHANNEL_ID).expect("a valid channel"),
        )
}

/// The shared sandbox's configuration, with the account's processing channel.
fn sandbox_config() -> Config {
    Config::sandbox(SecretKey::new(KEY).expect("valid key")).with_processing_channel(
        ProcessingChannelId::new(checkout_sdk_fake::keys::PROCESSING_CHANNEL_ID).expect("a valid channel"),
    )
}

fn run_cases(runtime: &tokio::runtime::Runtime, world: &World) {
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: CASES,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    let result = runner.run(&case(), |case| runtime.block_on(world.run(&case)));
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[test]
fn random_fault_sequences_in_memory_never_hide_a_payment_and_recover_to_exactly_one() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let simulator = Simulator::seeded(9);
    let inner: Arc<dyn HttpTransport> = Arc::new(simulator.clone());
    let world = World::new(simulator, inner, sandbox_config());
    run_cases(&runtime, &world);
    assert_eq!(world.next.load(Ordering::Relaxed), u64::from(CASES), "every case ran");
}

#[test]
fn random_fault_sequences_over_loopback_http_never_hide_a_payment_and_recover_to_exactly_one() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let simulator = Simulator::seeded(10);
    let server = runtime
        .block_on(checkout_sdk_sandbox::serve(([127, 0, 0, 1], 0).into(), simulator.clone()))
        .expect("bind loopback");
    let transport = runtime.block_on(async { HyperTransport::builder().timeout(Duration::from_secs(5)).build() });
    let inner: Arc<dyn HttpTransport> = Arc::new(transport);
    let world = World::new(simulator, inner, config(&server.base_url()));
    run_cases(&runtime, &world);
    assert_eq!(world.next.load(Ordering::Relaxed), u64::from(CASES), "every case ran");
    runtime.block_on(server.shutdown());
}

// ---------------------------------------------------------------------------------------------
// Regression tests for issue 9's findings 1 and 2, each named after what it pins.
// ---------------------------------------------------------------------------------------------

/// One payment call through `faults` around the in-memory simulator, retrying up to 2 times.
async fn pay_through(
    simulator: &Simulator,
    faults: Vec<AttemptFault>,
    reference: &str,
) -> Result<Response<Payment>, Error> {
    let inner: Arc<dyn HttpTransport> = Arc::new(simulator.clone());
    let world = World::new(simulator.clone(), Arc::clone(&inner), sandbox_config());
    let faulty = Arc::new(FaultyTransport::new(inner));
    faulty.script(faults);
    let client = world.client(faulty, 2);
    let request = PaymentRequest::builder(card(), AMOUNT, Currency::USD).reference(reference).build().expect("valid");
    client.payments().request(request).await
}

#[tokio::test]
async fn interrupted_then_refused_then_refused_may_have_been_processed() {
    let simulator = Simulator::seeded(11);
    let faults = vec![AttemptFault::DroppedAfterProcessing, AttemptFault::Refused, AttemptFault::Refused];
    let error = pay_through(&simulator, faults, "F1-A").await.expect_err("every attempt failed");
    assert!(matches!(error.kind(), ErrorKind::Transport(_)), "the last attempt was refused: {error:?}");
    assert_eq!(simulator.payments_with_reference("F1-A"), 1, "the first attempt charged the card");
    assert!(error.may_have_been_processed(), "an earlier attempt may have charged: {error:?}");
    assert_eq!(error.attempts(), 3);
}

#[tokio::test]
async fn timed_out_then_429_then_429_may_have_been_processed() {
    let simulator = Simulator::seeded(12);
    let too_many = AttemptFault::Rejected { status: 429, retry_after: None };
    let faults = vec![AttemptFault::TimedOutAfterProcessing, too_many.clone(), too_many];
    let error = pay_through(&simulator, faults, "F1-B").await.expect_err("every attempt failed");
    assert!(matches!(error.kind(), ErrorKind::TooManyRequests(_)), "{error:?}");
    assert_eq!(simulator.payments_with_reference("F1-B"), 1);
    assert!(error.may_have_been_processed(), "{error:?}");
}

#[tokio::test]
async fn three_timeouts_hand_back_the_key_and_resending_with_it_makes_one_payment() {
    let simulator = Simulator::seeded(13);
    let faults = vec![AttemptFault::TimedOutAfterProcessing; 3];
    let error = pay_through(&simulator, faults, "F2").await.expect_err("every attempt timed out");
    assert!(error.is_timeout() && error.may_have_been_processed(), "{error:?}");
    let key = error.idempotency_key().cloned().expect("the generated key is handed back");
    assert_eq!(simulator.payments_with_reference("F2"), 1);

    // The documented recovery: the same request, with the key the error handed back.
    let client: Client = checkout_sdk::core::Client::new(sandbox_config(), simulator.clone()).into();
    let request = PaymentRequest::builder(card(), AMOUNT, Currency::USD)
        .reference("F2")
        .idempotency_key(key.clone())
        .build()
        .expect("valid");
    let payment = client.payments().request(request).await.expect("the replay");
    assert_eq!(payment.http().headers.get("cko-idempotent-replay"), Some("true"));
    assert_eq!(payment.idempotency_key(), Some(&key));
    assert_eq!(simulator.payments_with_reference("F2"), 1, "no second payment");
}

/// A transport whose server processes the request and then never answers.
struct ProcessesThenHangs(Simulator);

#[async_trait::async_trait]
impl HttpTransport for ProcessesThenHangs {
    async fn send(
        &self,
        request: checkout_sdk::core::transport::HttpRequest,
    ) -> Result<checkout_sdk::core::transport::HttpResponse, checkout_sdk::core::transport::TransportError> {
        let _ = self.0.send(request).await;
        std::future::pending().await
    }
}

#[tokio::test]
async fn a_cancelled_call_retried_with_the_callers_key_makes_one_payment() {
    let simulator = Simulator::seeded(14);
    let config = sandbox_config();
    let hanging: Client = checkout_sdk::core::Client::new(config.clone(), ProcessesThenHangs(simulator.clone())).into();
    // The caller fixes the key before the call, so a cancelled call can be recovered.
    let key = IdempotencyKey::new("order-7731-payment").expect("valid");
    let request = PaymentRequest::builder(card(), AMOUNT, Currency::USD)
        .reference("CANCELLED")
        .idempotency_key(key.clone())
        .build()
        .expect("valid");
    let cancelled = tokio::time::timeout(Duration::from_millis(50), hanging.payments().request(request.clone())).await;
    assert!(cancelled.is_err(), "the call was dropped before it ended");
    assert_eq!(simulator.payments_with_reference("CANCELLED"), 1, "the dropped call had charged the card");

    let client: Client = checkout_sdk::core::Client::new(config, simulator.clone()).into();
    let payment = client.payments().request(request).await.expect("the retry");
    assert_eq!(payment.idempotency_key(), Some(&key));
    assert_eq!(payment.http().headers.get("cko-idempotent-replay"), Some("true"));
    assert_eq!(
        simulator.payments_with_reference("CANCELLED"),
        1,
        "the retry with the caller's key made no second payment"
    );
}
