//! Reliability: a payment is never charged twice, whatever the network does.
//!
//! The sandbox simulator is served over real HTTP on loopback with standing random faults on every
//! payment route: the connection dropped *after* the payment was processed, 503s, 429s with
//! `Retry-After: 0`, and a little latency. More than a thousand payment requests, each with its own
//! `reference`, are driven through the real hyper transport by 32 concurrent tasks, with the
//! client's retry loop on. The client puts one generated `Cko-Idempotency-Key` on every `POST` and
//! reuses it on every attempt, so a retry after a dropped connection gets the first result
//! replayed (`Cko-Idempotent-Replay: true`) instead of a second charge.
//!
//! Checked afterwards, against the simulator's own records:
//! - every call ended, in success or in a typed `Error` (nothing hangs, nothing panics);
//! - a reference the client saw succeed has exactly one payment, and it is the payment the
//!   client was given; a reference whose call failed has at most one;
//! - the simulator holds exactly one payment per processed reference and no other;
//! - the replay path was exercised (some successes were replays of a dropped first answer).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use checkout_sdk::core::retry::RetryPolicy;
use checkout_sdk::prelude::*;
use checkout_sdk_hyper::HyperTransport;
use checkout_sdk_simulator::{Fault, Faults, Simulator};

const KEY: &str = "sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e";
/// Logical payment requests; each gets its own reference.
const REQUESTS: usize = 1_200;
/// Tasks sending at the same time.
const CONCURRENCY: usize = 32;

/// How one logical request ended.
#[derive(Debug)]
enum Ended {
    /// The client returned a payment; `replayed` when the answer was an idempotent replay.
    Paid { id: String, replayed: bool, same_reference: bool },
    /// The client returned an error.
    Failed(Error),
}

fn faults() -> Faults {
    // About 30% of attempts see a fault: 8% 503, 8% 429 (Retry-After: 0), and 15% of the rest
    // are processed and then have their connection dropped before the answer.
    Faults {
        latency: Some(Duration::from_millis(1)),
        error_rate_5xx: 0.08,
        error_status: 503,
        rate_429: 0.08,
        retry_after_secs: 0,
        drop_after_processing_rate: 0.15,
        ..Faults::default()
    }
}

fn card() -> PaymentSource {
    CardSource::new("4242424242424242", 6, 2030).and_then(|c| c.cvv("100")).expect("valid test card").into()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_payment_is_charged_twice_under_random_faults() {
    let started = Instant::now();
    let simulator = Simulator::seeded(20_260_101);
    simulator.set_faults(faults());
    let server =
        checkout_sdk_sandbox::serve(([127, 0, 0, 1], 0).into(), simulator.clone()).await.expect("bind loopback");
    let config = Config::new(
        SecretKey::new(KEY).expect("valid key"),
        Environment::custom(&server.base_url()).expect("loopback base URL"),
    )
    .with_processing_channel(
        ProcessingChannelId::new(checkout_sdk_fake::keys::PROCESSING_CHANNEL_ID).expect("a valid channel"),
    );
    let policy =
        RetryPolicy::default().with_max_retries(6).with_backoff(Duration::from_millis(1), Duration::from_millis(20));
    let transport = HyperTransport::builder().timeout(Duration::from_secs(2)).build();
    let client = Client::builder().config(config).transport(transport).retry_policy(policy).build().expect("a client");

    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..CONCURRENCY {
        let client = client.clone();
        let next = Arc::clone(&next);
        tasks.spawn(async move {
            let mut ended = Vec::new();
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= REQUESTS {
                    return ended;
                }
                let reference = format!("ORD-{n:05}");
                let request = PaymentRequest::builder(card(), 1000 + n as u64, Currency::USD)
                    .reference(reference.clone())
                    .build()
                    .expect("valid request");
                let outcome = match client.payments().request(request).await {
                    Ok(payment) => Ended::Paid {
                        id: payment.id.to_string(),
                        replayed: payment.http().headers.get("cko-idempotent-replay") == Some("true"),
                        same_reference: payment.reference.as_deref() == Some(reference.as_str()),
                    },
                    Err(error) => Ended::Failed(error),
                };
                ended.push((reference, outcome));
            }
        });
    }
    let mut results = BTreeMap::new();
    while let Some(joined) = tasks.join_next().await {
        for (reference, outcome) in joined.expect("a request task panicked") {
            assert!(results.insert(reference, outcome).is_none(), "a reference was used twice");
        }
    }
    assert_eq!(results.len(), REQUESTS, "every logical request ended");

    let mut paid = 0usize;
    let mut replayed = 0usize;
    let mut failed = Vec::new();
    let mut processed_references = 0usize;
    for (reference, outcome) in &results {
        let charged = simulator.payments_with_reference(reference);
        match outcome {
            Ended::Paid { id, replayed: was_replay, same_reference } => {
                paid += 1;
                replayed += usize::from(*was_replay);
                assert_eq!(charged, 1, "{reference}: the client got a payment, the simulator holds {charged}");
                assert!(same_reference, "{reference}: the payment returned carries another reference");
                let stored = simulator.payment(id).unwrap_or_else(|| panic!("{reference}: {id} unknown"));
                assert_eq!(stored["reference"], reference.as_str(), "{reference}: {id} is another payment");
            }
            Ended::Failed(error) => {
                assert!(charged <= 1, "{reference}: the call failed ({error}) but {charged} payments exist");
                assert!(!error.to_string().is_empty());
                // Only retryable failures can be left after six retries: never a decode or input error.
                assert!(
                    matches!(
                        error.kind(),
                        ErrorKind::Server(_)
                            | ErrorKind::TooManyRequests(_)
                            | ErrorKind::Transport(_)
                            | ErrorKind::Timeout { .. }
                    ),
                    "{reference}: unexpected error kind {error:?}"
                );
                failed.push((reference.clone(), error.to_string()));
            }
        }
        processed_references += charged;
    }
    assert_eq!(
        simulator.payment_count(),
        processed_references,
        "the simulator holds payments that belong to no reference of this run"
    );
    assert!(paid + failed.len() == REQUESTS);
    // With seven attempts per call and ~30% faults per attempt, failures should be (almost) nil.
    assert!(paid >= REQUESTS * 99 / 100, "only {paid} of {REQUESTS} succeeded; failures: {failed:?}");
    // ~15% of first answers are dropped after processing: the retry must have been answered by a
    // replay of the stored result, not a new payment.
    assert!(replayed >= REQUESTS / 50, "only {replayed} replays: the drop-after-processing path was not exercised");
    let elapsed = started.elapsed();
    eprintln!(
        "{REQUESTS} requests: {paid} paid ({replayed} via idempotent replay), {} failed, {} payments; {elapsed:?}",
        failed.len(),
        simulator.payment_count()
    );
    server.shutdown().await;
}

/// Every fault kind in turn on one payment: 503, 429 (`Retry-After: 0`), processed-then-dropped,
/// 502. The fifth attempt is answered with the stored result of the third, and one payment exists.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_fault_kind_in_turn_still_gives_one_payment() {
    let simulator = Simulator::seeded(7);
    let server =
        checkout_sdk_sandbox::serve(([127, 0, 0, 1], 0).into(), simulator.clone()).await.expect("bind loopback");
    let config = Config::new(
        SecretKey::new(KEY).expect("valid key"),
        Environment::custom(&server.base_url()).expect("loopback base URL"),
    )
    .with_processing_channel(
        ProcessingChannelId::new(checkout_sdk_fake::keys::PROCESSING_CHANNEL_ID).expect("a valid channel"),
    );
    let transport = HyperTransport::builder().timeout(Duration::from_secs(2)).build();
    let policy =
        RetryPolicy::default().with_max_retries(6).with_backoff(Duration::from_millis(1), Duration::from_millis(20));
    let client = Client::builder()
        .config(config.clone())
        .transport(transport.clone())
        .retry_policy(policy)
        .build()
        .expect("a client");
    for fault in
        [Fault::Status(503), Fault::TooManyRequests { retry_after: 0 }, Fault::DropAfterProcessing, Fault::Status(502)]
    {
        simulator.inject_next(fault);
    }
    let request = PaymentRequest::builder(card(), 1000, Currency::USD).reference("ORD-ONE").build().expect("valid");
    let payment = client.payments().request(request).await.expect("the fifth attempt succeeds");
    assert_eq!(simulator.queued_faults(), 0, "all four faults were hit");
    assert_eq!(payment.http().headers.get("cko-idempotent-replay"), Some("true"), "answered by a replay");
    assert_eq!(simulator.payments_with_reference("ORD-ONE"), 1);
    assert_eq!(simulator.payment_count(), 1);

    // Without retries the same drop is reported as "may have been processed", and the payment
    // does exist: exactly the case the idempotency key is for. The caller retries with its own key.
    let no_retry = Client::builder()
        .config(config)
        .transport(transport)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("a client");
    let key: IdempotencyKey = "order-ORD-TWO-attempt".parse().expect("valid key");
    let request = PaymentRequest::builder(card(), 1000, Currency::USD)
        .reference("ORD-TWO")
        .idempotency_key(key)
        .build()
        .expect("valid");
    simulator.inject_next(Fault::DropAfterProcessing);
    let error = no_retry.payments().request(request.clone()).await.expect_err("the answer was dropped");
    assert!(error.may_have_been_processed(), "{error:?}");
    assert!(matches!(error.kind(), ErrorKind::Transport(_)) && error.attempts() == 1, "{error:?}");
    assert_eq!(simulator.payments_with_reference("ORD-TWO"), 1, "processed before the drop");
    let again = no_retry.payments().request(request).await.expect("the same key replays the payment");
    assert_eq!(again.http().headers.get("cko-idempotent-replay"), Some("true"));
    assert_eq!(simulator.payments_with_reference("ORD-TWO"), 1, "the caller's retry did not charge again");
    assert_eq!(simulator.payment_count(), 2);
    server.shutdown().await;
}

/// Input the SDK can tell is wrong never reaches the network: ids that could escape their URL
/// path segment, and payment requests that break the API's documented limits, are refused with
/// `Error::InvalidInput` (zero attempts) and the transport sees nothing.
#[tokio::test(flavor = "current_thread")]
async fn bad_input_is_refused_before_anything_is_sent() {
    let fake = checkout_sdk_fake::recording::FakeTransport::new();
    let client =
        checkout_sdk::core::Client::builder(Config::sandbox(SecretKey::new(KEY).expect("valid")), fake.clone())
            .sleeper(checkout_sdk_hyper::TokioSleeper::new())
            .retry_policy(RetryPolicy::default().with_max_retries(6))
            .build();
    let payments = client.payments();
    let mut errors = vec![
        payments.get("pay_../../customers").await.map(drop),
        payments.get("cus_udst2tfldj6upmye2reztkmm4i").await.map(drop),
        payments.get("pay_a%2Fb").await.map(drop),
        payments.actions("pay_a?b").await.map(drop),
        payments.capture("pay_a/b", ActionRequest::full()).await.map(drop),
        payments.refund("sid_y3oqhf46pyzuxjbcn2giaqnb44", ActionRequest::new().amount(100)).await.map(drop),
        payments.void("pay_a#b", VoidRequest::new()).await.map(drop),
        payments.void("pay_.", VoidRequest::new()).await.map(drop),
    ];
    // Requests that cannot be built at all, so there is nothing to send.
    let too_long = PaymentRequest::builder(card(), 1000, Currency::USD).reference("x".repeat(81)).build();
    errors.push(too_long.map(drop).map_err(Error::from));
    let duplicated = PaymentRequest::builder(card(), 1000, Currency::USD).extra("amount", 1).build();
    errors.push(duplicated.map(drop).map_err(Error::from));
    for bad in [
        serde_json::json!({"source": {"id": "pay_x"}, "amount": 1000, "currency": "USD"}),
        serde_json::json!({"source": {"token": "tok_x"}, "amount": -5, "currency": "USD"}),
        serde_json::json!({"source": {"token": "tok_x"}, "amount": 1000, "currency": "US"}),
    ] {
        errors.push(PaymentRequest::from_json(bad).map(drop).map_err(Error::from));
    }
    errors.push(Environment::custom("http://api.example.com").map(drop).map_err(Error::from));
    for (i, result) in errors.iter().enumerate() {
        let error = result.as_ref().err().unwrap_or_else(|| panic!("#{i} was accepted"));
        assert!(error.is_invalid_input(), "#{i}: {error:?}");
        assert_eq!(error.attempts(), 0, "#{i}: {error}");
        assert!(!error.may_have_been_processed(), "#{i}: {error}");
        assert!(!error.to_string().is_empty());
    }
    assert_eq!(fake.request_count(), 0, "refused input reached the transport: {:?}", fake.requests());
}

/// A card's expiry month is checked (1-12) however the card was built: `CardSource::new` refuses
/// 13, and so must a card inferred from JSON, before anything is sent.
#[test]
fn an_impossible_expiry_month_is_refused_however_the_card_is_built() {
    assert!(CardSource::new("4242424242424242", 13, 2030).is_err());
    for month in [0, 13, 99] {
        let source = serde_json::json!({"number": "4242424242424242", "expiry_month": month, "expiry_year": 2030});
        let inferred = PaymentSource::infer(source.clone());
        assert!(inferred.is_err(), "expiry_month {month} accepted: {inferred:?}");
        let request =
            PaymentRequest::from_json(serde_json::json!({"source": source, "amount": 1000, "currency": "USD"}));
        assert!(request.is_err(), "expiry_month {month} accepted in a request");
    }
}
