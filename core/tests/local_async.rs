//! Single-threaded async, as on embedded async runtimes (embassy): the call machine driven by an
//! async loop over a transport that is **not** `Send` (it shares its network through
//! `Rc<RefCell<..>>`), on a hand-written executor that polls `!Send` futures on one thread and
//! keeps a virtual clock for the network's latency and the waits between attempts.
//!
//! Several payments run at once on that one thread; each one's first attempts are dropped after
//! being sent, and each must be retried with its own key, unchanged, until it succeeds or its
//! retries run out.

mod support;

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet};
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use checkout_sdk_core::call::{Call, Step};
use checkout_sdk_core::currency::Currency;
use checkout_sdk_core::error::Error;
use checkout_sdk_core::id::IdempotencyKey;
use checkout_sdk_core::operation::{Operation, RequestPayment};
use checkout_sdk_core::request::PaymentRequest;
use checkout_sdk_core::response::Response;
use checkout_sdk_core::retry::RetryPolicy;
use checkout_sdk_core::source::CardSource;
use checkout_sdk_core::transport::{HttpRequest, HttpResponse, TransportError};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::Config as ProptestConfig;
use support::*;

// ---- A single-threaded executor with a virtual clock -------------------------------------------

type LocalTask = Pin<Box<dyn Future<Output = ()>>>;

/// Wakes one task by raising its flag; the executor polls flagged tasks. (A `Waker` must be
/// `Send + Sync`, so the flag is atomic; the tasks themselves never leave the thread.)
struct Flag(AtomicBool);

impl Wake for Flag {
    fn wake(self: Arc<Self>) {
        self.0.store(true, Ordering::Release);
    }
}

/// Virtual time: `now`, and the sleepers waiting for a later instant.
#[derive(Default)]
struct Clock {
    now: Cell<Duration>,
    timers: RefCell<Vec<(Duration, Waker)>>,
}

impl Clock {
    fn now(&self) -> Duration {
        self.now.get()
    }

    /// Completes once the clock has advanced by `duration`.
    async fn sleep(&self, duration: Duration) {
        let deadline = self.now() + duration;
        poll_fn(|cx| {
            if self.now() >= deadline {
                Poll::Ready(())
            } else {
                self.timers.borrow_mut().push((deadline, cx.waker().clone()));
                Poll::Pending
            }
        })
        .await
    }

    /// Jumps to the next deadline and wakes whoever waits for it; `false` when nobody waits.
    fn advance(&self) -> bool {
        let Some(next) = self.timers.borrow().iter().map(|(at, _)| *at).min() else { return false };
        self.now.set(next);
        let due: Vec<Waker> = {
            let mut timers = self.timers.borrow_mut();
            let (due, later) = timers.drain(..).partition(|(at, _)| *at <= next);
            *timers = later;
            due.into_iter().map(|(_, waker)| waker).collect()
        };
        due.into_iter().for_each(Waker::wake);
        true
    }
}

/// Runs `!Send` tasks to completion on the calling thread. No `Send` or `'static` bound on the
/// output types, no threads, no runtime: what an embedded executor offers.
struct LocalExecutor {
    clock: Rc<Clock>,
    tasks: Vec<(Arc<Flag>, Option<LocalTask>)>,
}

impl LocalExecutor {
    fn new(clock: Rc<Clock>) -> Self {
        LocalExecutor { clock, tasks: Vec::new() }
    }

    fn spawn(&mut self, task: impl Future<Output = ()> + 'static) {
        self.tasks.push((Arc::new(Flag(AtomicBool::new(true))), Some(Box::pin(task))));
    }

    /// Polls woken tasks until none is woken, then moves the clock to the next timer; stops when
    /// every task is done. Panics if tasks remain but nothing can wake them.
    fn run(mut self) {
        loop {
            let mut polled = false;
            for (flag, slot) in &mut self.tasks {
                let Some(task) = slot else { continue };
                if !flag.0.swap(false, Ordering::Acquire) {
                    continue;
                }
                polled = true;
                let waker = Waker::from(flag.clone());
                if task.as_mut().poll(&mut Context::from_waker(&waker)).is_ready() {
                    *slot = None;
                }
            }
            if self.tasks.iter().all(|(_, slot)| slot.is_none()) {
                return;
            }
            if !polled {
                assert!(self.clock.advance(), "tasks are pending but no timer can wake them");
            }
        }
    }
}

// ---- A network shared through Rc<RefCell<..>>, and its !Send transport -------------------------

/// One attempt as the server saw it.
#[derive(Debug, Clone)]
struct Attempt {
    at: Duration,
    reference: String,
    key: Option<String>,
}

/// The far end: drops the first `drops` attempts of each payment after reading them, answers
/// the rest with the API reference's `201`.
struct Server {
    drops: u32,
    seen: BTreeMap<String, u32>,
    log: Vec<Attempt>,
}

/// The transport: not `Send`, not `Sync` (it holds `Rc`s), as a driver for an embedded network
/// stack often is. Each exchange takes `latency` of virtual time.
#[derive(Clone)]
struct LocalTransport {
    server: Rc<RefCell<Server>>,
    clock: Rc<Clock>,
    latency: Duration,
}

impl LocalTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let sent_at = self.clock.now();
        self.clock.sleep(self.latency).await;
        let body: serde_json::Value = serde_json::from_slice(&request.body).expect("a JSON body");
        let reference = body["reference"].as_str().expect("every payment here has a reference").to_owned();
        let key = request.headers.get("Cko-Idempotency-Key").map(str::to_owned);
        let mut server = self.server.borrow_mut();
        server.log.push(Attempt { at: sent_at, reference: reference.clone(), key });
        let seen = server.seen.entry(reference).or_default();
        *seen += 1;
        if *seen <= server.drops {
            return Err(TransportError::interrupted("connection dropped after sending").with_elapsed(self.latency));
        }
        let mut response = fixture_response(201, "payment_201_approved.json");
        response.elapsed = Some(self.latency);
        Ok(response)
    }
}

/// Fails to compile if `T` is `Send` or `Sync` (the two blanket impls would both apply and the
/// `_` below would be ambiguous): pins that the transport really is thread-bound.
trait AmbiguousIfSendOrSync<A> {
    fn check() {}
}
impl<T: ?Sized> AmbiguousIfSendOrSync<()> for T {}
impl<T: ?Sized + Send> AmbiguousIfSendOrSync<u8> for T {}
impl<T: ?Sized + Sync> AmbiguousIfSendOrSync<u16> for T {}
const _: fn() = <LocalTransport as AmbiguousIfSendOrSync<_>>::check;

// ---- The async driver ---------------------------------------------------------------------------

/// Runs `call` to the end: the async twin of `blocking::drive`, with no `Send` anywhere.
async fn drive<O: Operation>(
    call: &mut Call<'_, O>,
    transport: &LocalTransport,
    clock: &Clock,
) -> Result<Response<O::Data>, Error> {
    let mut step = call.start();
    loop {
        step = match step {
            Step::Send(request) => call.received(transport.send(request).await),
            Step::Sleep(wait) => {
                clock.sleep(wait).await;
                call.slept()
            }
            // These payments use a secret key: no OAuth token is ever asked for.
            Step::Authorize(_) => {
                call.authorization_failed(checkout_sdk_core::InvalidInput::Credentials("no OAuth here").into())
            }
            Step::Done(result) => return result,
        };
    }
}

/// What one payment task reports when its call is over.
struct Finished {
    reference: String,
    key: IdempotencyKey,
    result: Result<Response<checkout_sdk_core::payment::Payment>, Error>,
    attempts: u32,
    spent: Duration,
    ended_at: Duration,
}

fn payment(reference: &str) -> RequestPayment {
    let card = CardSource::new("4242424242424242", 6, 2030).expect("a valid card").cvv("100").expect("a valid cvv");
    RequestPayment::new(
        PaymentRequest::builder(card, 6540, Currency::USD).reference(reference).build().expect("a valid request"),
    )
}

/// Runs one payment per latency, all at once on one thread, each dropped `drops` times first.
fn run_payments(drops: u32, latencies_ms: &[u64], policy: &RetryPolicy) -> (Vec<Finished>, Vec<Attempt>) {
    let clock = Rc::new(Clock::default());
    let server = Rc::new(RefCell::new(Server { drops, seen: BTreeMap::new(), log: Vec::new() }));
    let finished = Rc::new(RefCell::new(Vec::new()));
    let random = Counter::new(7);
    let mut executor = LocalExecutor::new(clock.clone());
    for (i, latency) in latencies_ms.iter().enumerate() {
        let transport =
            LocalTransport { server: server.clone(), clock: clock.clone(), latency: Duration::from_millis(*latency) };
        let (clock, finished, policy) = (clock.clone(), finished.clone(), policy.clone());
        // The key a client would generate for this call, fixed before its first attempt.
        let key = IdempotencyKey::generate(&random);
        let reference = format!("ORD-{i}");
        executor.spawn(async move {
            let op = payment(&reference);
            let mut call = Call::new(&op, &sandbox_config(), &policy, Some(key.clone())).expect("a keyed POST");
            let result = drive(&mut call, &transport, &clock).await;
            let (attempts, spent) = (call.attempts(), call.spent());
            finished.borrow_mut().push(Finished { reference, key, result, attempts, spent, ended_at: clock.now() });
        });
    }
    executor.run();
    let finished = finished.take();
    let log = server.borrow().log.clone();
    (finished, log)
}

#[test]
fn two_payments_share_one_thread_and_each_retries_with_its_own_key() {
    let policy = RetryPolicy::default().with_jitter(0.0);
    let (finished, log) = run_payments(1, &[10, 30], &policy);
    assert_eq!(finished.len(), 2);
    for done in &finished {
        let payment = done.result.as_ref().expect("the retry succeeds");
        assert_eq!(payment.id, PAYMENT_ID);
        assert_eq!(done.attempts, 2, "{}", done.reference);
        assert_eq!(payment.idempotency_key(), Some(&done.key));
        let keys: Vec<_> = log.iter().filter(|a| a.reference == done.reference).map(|a| a.key.clone()).collect();
        assert_eq!(keys, [Some(done.key.as_str().to_owned()), Some(done.key.as_str().to_owned())]);
    }
    assert_ne!(finished[0].key, finished[1].key);
    // Both first attempts went out at time 0: the second payment did not wait for the first.
    let firsts: Vec<_> = log.iter().filter(|a| a.at == Duration::ZERO).map(|a| a.reference.as_str()).collect();
    assert_eq!(firsts, ["ORD-0", "ORD-1"]);
    // The 10 ms payment: 10 ms lost, 250 ms backoff, 10 ms answered; it finishes first.
    assert_eq!(finished[0].reference, "ORD-0");
    assert_eq!(finished[0].ended_at, Duration::from_millis(270));
    assert_eq!(finished[1].ended_at, Duration::from_millis(310));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// 64 cases: 1 to 4 payments at once with latencies of 1-80 ms, each dropped 0 to 3 times
    /// against the default policy (2 retries, jittered backoff). Every payment's attempts carry
    /// one key, its own; it succeeds after `drops + 1` attempts when the policy allows them, and
    /// otherwise fails after 3, naming that key and that the payment may exist. The machine's
    /// count of time spent matches the virtual clock.
    #[test]
    fn every_payment_keeps_its_key_on_a_single_threaded_executor(
        drops in 0u32..=3,
        latencies in vec(1u64..=80, 1..=4),
    ) {
        let policy = RetryPolicy::default();
        let (finished, log) = run_payments(drops, &latencies, &policy);
        prop_assert_eq!(finished.len(), latencies.len());
        let keys: BTreeSet<_> = finished.iter().map(|done| done.key.as_str().to_owned()).collect();
        prop_assert_eq!(keys.len(), finished.len(), "each call has its own key");
        let allowed = policy.max_retries + 1;
        for done in &finished {
            let mine: Vec<_> = log.iter().filter(|a| a.reference == done.reference).collect();
            prop_assert!(mine.iter().all(|a| a.key.as_deref() == Some(done.key.as_str())), "{:?}", mine);
            prop_assert_eq!(mine.len() as u32, done.attempts);
            prop_assert_eq!(done.spent, done.ended_at, "the machine's time agrees with the clock");
            match &done.result {
                Ok(payment) => {
                    prop_assert!(drops < allowed);
                    prop_assert_eq!(done.attempts, drops + 1);
                    prop_assert_eq!(payment.idempotency_key(), Some(&done.key));
                }
                Err(error) => {
                    prop_assert!(drops >= allowed, "{}", error);
                    prop_assert_eq!(done.attempts, allowed);
                    prop_assert_eq!(error.attempts(), allowed);
                    prop_assert_eq!(error.idempotency_key(), Some(&done.key));
                    prop_assert!(error.may_have_been_processed());
                }
            }
        }
        // Every payment's first attempt left at time 0, whatever the others were doing.
        let firsts = log.iter().filter(|a| a.at == Duration::ZERO).count();
        prop_assert_eq!(firsts, latencies.len());
    }
}
