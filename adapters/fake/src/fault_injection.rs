//! Faults at chosen attempts, around any transport.
//!
//! [`FaultyTransport`] wraps a real transport (the in-memory simulator, or hyper pointed at
//! `checkout-sandbox`) and plays a script of [`AttemptFault`]s, one per attempt: refuse the
//! connection, answer for the server without reaching it, or let the server process the request
//! and then lose, replace or time out its answer. Attempts past the end of the script go through
//! untouched. This is how the SDK's promise "a payment is never charged twice" is tested against
//! every sequence of failures, not only the ones a server happens to produce.
//!
//! ```
//! use checkout_sdk_fake::fault_injection::{AttemptFault, FaultyTransport};
//! use checkout_sdk_fake::recording::FakeTransport;
//!
//! // Usually the simulator (`checkout_sdk_simulator::Simulator`) or hyper; any transport works.
//! let transport = FaultyTransport::new(FakeTransport::new());
//! transport.script([AttemptFault::DroppedAfterProcessing, AttemptFault::Rejected { status: 503, retry_after: None }]);
//! assert_eq!(transport.remaining(), 2);
//! ```

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use checkout_sdk_core::transport::{HttpRequest, HttpResponse, HttpTransport, TransportError};

/// What happens to one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AttemptFault {
    /// The connection is refused: nothing reaches the server (`TransportError` `NotSent`).
    Refused,
    /// A gateway answers `status` (e.g. 429, 502, 503) without reaching the server, with an
    /// optional `Retry-After` value.
    Rejected {
        /// The status of the answer.
        status: u16,
        /// The `Retry-After` header, if any (seconds, or an HTTP date).
        retry_after: Option<String>,
    },
    /// The server processes the request, then a gateway replaces its answer with `status` (e.g.
    /// a 502 or 504 after the backend charged the card).
    ProcessedThen {
        /// The status the client sees.
        status: u16,
    },
    /// The server processes the request, then the connection drops before the answer
    /// (`TransportError` `Interrupted`).
    DroppedAfterProcessing,
    /// The server processes the request, but the answer comes too late (`TimedOut`).
    TimedOutAfterProcessing,
    /// The request is lost on the way: the server never sees it, and the client times out.
    TimedOutBeforeProcessing,
    /// The attempt goes through untouched.
    Pass,
}

impl AttemptFault {
    /// Whether the server processes the attempt.
    pub fn reaches_server(&self) -> bool {
        matches!(
            self,
            AttemptFault::ProcessedThen { .. }
                | AttemptFault::DroppedAfterProcessing
                | AttemptFault::TimedOutAfterProcessing
                | AttemptFault::Pass
        )
    }
}

/// A transport that plays a script of faults, one per attempt, around `inner`.
#[derive(Debug)]
pub struct FaultyTransport<T> {
    inner: T,
    timeout: Duration,
    script: Mutex<VecDeque<AttemptFault>>,
    played: Mutex<Vec<AttemptFault>>,
}

impl<T> FaultyTransport<T> {
    /// Wraps `inner` with an empty script (every attempt passes) and a 10 s timeout of its own.
    pub fn new(inner: T) -> Self {
        FaultyTransport {
            inner,
            timeout: Duration::from_secs(10),
            script: Mutex::new(VecDeque::new()),
            played: Mutex::new(Vec::new()),
        }
    }

    /// Sets the transport's own timeout: how long a timed-out attempt reports it took (or the
    /// request's own, shorter, timeout). No real time passes.
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Appends faults for the next attempts, in order.
    pub fn script(&self, faults: impl IntoIterator<Item = AttemptFault>) {
        lock(&self.script).extend(faults);
    }

    /// Drops the faults not played yet.
    pub fn clear(&self) {
        lock(&self.script).clear();
    }

    /// How many scripted faults are still to come.
    pub fn remaining(&self) -> usize {
        lock(&self.script).len()
    }

    /// The fault each attempt so far met, in order ([`AttemptFault::Pass`] past the script).
    pub fn played(&self) -> Vec<AttemptFault> {
        lock(&self.played).clone()
    }

    /// The wrapped transport.
    pub fn inner(&self) -> &T {
        &self.inner
    }
}

fn lock<V>(mutex: &Mutex<V>) -> MutexGuard<'_, V> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[async_trait]
impl<T: HttpTransport> HttpTransport for FaultyTransport<T> {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let fault = lock(&self.script).pop_front().unwrap_or(AttemptFault::Pass);
        lock(&self.played).push(fault.clone());
        let timeout = request.timeout.map_or(self.timeout, |t| t.min(self.timeout));
        match fault {
            AttemptFault::Refused => Err(TransportError::not_sent("connection refused (injected)")),
            AttemptFault::TimedOutBeforeProcessing => Err(TransportError::timed_out(timeout)),
            AttemptFault::Rejected { status, retry_after } => {
                let mut response = HttpResponse::new(status, Vec::new());
                if let Some(value) = retry_after {
                    response = response.with_header("Retry-After", value);
                }
                Ok(response)
            }
            AttemptFault::Pass => self.inner.send(request).await,
            processed => {
                // The server acts on the request whatever happens to its answer afterwards.
                let answered = self.inner.send(request).await;
                match (processed, answered) {
                    (_, Err(e)) => Err(e),
                    (AttemptFault::ProcessedThen { status }, Ok(_)) => Ok(HttpResponse::new(status, Vec::new())),
                    (AttemptFault::DroppedAfterProcessing, Ok(_)) => Err(TransportError::interrupted(
                        "connection dropped after the request was processed (injected)",
                    )),
                    (_, Ok(_)) => Err(TransportError::timed_out(timeout)),
                }
            }
        }
    }
}
