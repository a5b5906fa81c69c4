//! Stand-ins for what a client gets from its runtime — waiting, randomness and an executor — that
//! make tests of retries and idempotency instant, reproducible and free of tokio.
//!
//! - [`RecordingSleeper`]: a [`Sleeper`] that records every wait and returns at once;
//! - [`CountingRandomness`]: a deterministic [`Randomness`] (distinct, reproducible idempotency
//!   keys and jitter);
//! - [`block_on`]: runs a future to completion on the current thread;
//! - [`now_or_never`]: polls a future once, for code that must be ready without a runtime.
//!
//! ```
//! use std::time::Duration;
//! use checkout_sdk_core::transport::{Randomness, Sleeper};
//! use checkout_sdk_fake::runtime::{block_on, CountingRandomness, RecordingSleeper};
//!
//! let sleeper = RecordingSleeper::new();
//! block_on(sleeper.sleep(Duration::from_millis(250)));
//! assert_eq!(sleeper.sleeps(), [Duration::from_millis(250)]);
//!
//! let random = CountingRandomness::new(7);
//! assert_ne!(random.next_u64(), random.next_u64());
//! assert_eq!(random.draws(), 2);
//! ```

use std::fmt;
use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};
use std::time::Duration;

use async_trait::async_trait;
use checkout_sdk_core::transport::{Randomness, Sleeper};

/// A [`Sleeper`] that records each requested wait and returns at once.
///
/// Clones share the record: give one to the client and keep one to look at.
#[derive(Clone, Default)]
pub struct RecordingSleeper {
    sleeps: Arc<Mutex<Vec<Duration>>>,
}

impl RecordingSleeper {
    /// A sleeper with nothing recorded.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every wait requested so far, in order.
    pub fn sleeps(&self) -> Vec<Duration> {
        self.sleeps.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// The sum of every wait requested so far.
    pub fn total(&self) -> Duration {
        self.sleeps().iter().fold(Duration::ZERO, |sum, d| sum.saturating_add(*d))
    }
}

impl fmt::Debug for RecordingSleeper {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordingSleeper").field("sleeps", &self.sleeps()).finish()
    }
}

#[async_trait]
impl Sleeper for RecordingSleeper {
    async fn sleep(&self, duration: Duration) {
        self.sleeps.lock().unwrap_or_else(PoisonError::into_inner).push(duration);
    }
}

/// A deterministic [`Randomness`]: a counter from a fixed start, spread over the `u64` range (by
/// the golden-ratio constant), so consecutive values differ in every position and generated
/// idempotency keys are distinct and the same on every run.
#[derive(Debug, Default)]
pub struct CountingRandomness {
    next: AtomicU64,
    draws: AtomicU64,
}

impl CountingRandomness {
    /// A source whose first value is derived from `start`.
    pub fn new(start: u64) -> Self {
        CountingRandomness { next: AtomicU64::new(start), draws: AtomicU64::new(0) }
    }

    /// How many values were drawn so far.
    pub fn draws(&self) -> u64 {
        self.draws.load(Ordering::Relaxed)
    }
}

impl Randomness for CountingRandomness {
    fn next_u64(&self) -> u64 {
        self.draws.fetch_add(1, Ordering::Relaxed);
        self.next.fetch_add(1, Ordering::Relaxed).wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }
}

/// Wakes the thread that is blocked in [`block_on`].
struct ThreadWaker(Thread);

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
}

/// Runs `future` to completion on the current thread, parking it while the future waits (so a
/// future woken from another thread works too). Needs no runtime; do not use it for futures that
/// need one (tokio timers or sockets).
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let waker = Waker::from(Arc::new(ThreadWaker(thread::current())));
    let mut cx = Context::from_waker(&waker);
    loop {
        match future.as_mut().poll(&mut cx) {
            Poll::Ready(output) => return output,
            Poll::Pending => thread::park(),
        }
    }
}

/// Polls `future` once, without any runtime: its output if it is ready, `None` if it would wait.
/// For code that promises to be ready at once (the fake transport, the recording sleeper, an
/// error returned before any I/O).
pub fn now_or_never<F: Future>(future: F) -> Option<F::Output> {
    let mut future = pin!(future);
    match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => Some(output),
        Poll::Pending => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sleeper_records_and_clones_share() {
        let sleeper = RecordingSleeper::new();
        let clone = sleeper.clone();
        assert!(now_or_never(clone.sleep(Duration::from_secs(1))).is_some());
        block_on(sleeper.sleep(Duration::from_secs(2)));
        assert_eq!(sleeper.sleeps(), [Duration::from_secs(1), Duration::from_secs(2)]);
        assert_eq!(sleeper.total(), Duration::from_secs(3));
        assert!(format!("{sleeper:?}").contains("2s"));
    }

    #[test]
    fn counting_randomness_is_reproducible_and_distinct() {
        let (a, b) = (CountingRandomness::new(1), CountingRandomness::new(1));
        let first: Vec<u64> = (0..100).map(|_| a.next_u64()).collect();
        let second: Vec<u64> = (0..100).map(|_| b.next_u64()).collect();
        assert_eq!(first, second);
        let mut distinct = first.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), 100);
        assert_eq!(a.draws(), 100);
    }

    #[test]
    fn block_on_waits_for_a_wake_from_another_thread() {
        let (sender, receiver) = std::sync::mpsc::channel::<Waker>();
        let woken = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = Arc::clone(&woken);
        let waiter = std::future::poll_fn(move |cx| {
            if flag.load(Ordering::SeqCst) {
                Poll::Ready(42)
            } else {
                let _ = sender.send(cx.waker().clone());
                Poll::Pending
            }
        });
        let helper = thread::spawn(move || {
            let waker = receiver.recv().expect("a waker");
            woken.store(true, Ordering::SeqCst);
            waker.wake();
        });
        assert_eq!(block_on(waiter), 42);
        helper.join().expect("the helper thread");
    }

    #[test]
    fn now_or_never_does_not_wait() {
        assert_eq!(now_or_never(async { 7 }), Some(7));
        assert_eq!(now_or_never(std::future::pending::<()>()), None);
    }
}
