//! Fault injection: latency, server errors, rate limiting and dropped connections, on demand.

use std::collections::VecDeque;
use std::time::Duration;

use crate::ids::Rng;

/// Standing fault settings, applied to every eligible request until changed.
///
/// Rates are probabilities in `[0, 1]`, rolled with the simulator's own generator: a seeded
/// simulator injects the same faults on every run. Faults apply to the payment routes only
/// (`/payments...`), unless [`all_routes`](Self::all_routes) is set.
///
/// ```
/// use std::time::Duration;
/// use checkout_sdk_simulator::{Faults, Simulator};
///
/// let sim = Simulator::seeded(1);
/// sim.set_faults(Faults { latency: Some(Duration::from_millis(20)), rate_429: 0.1, ..Faults::default() });
/// assert_eq!(sim.faults().retry_after_secs, 1);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Faults {
    /// Added to every eligible response's [`Exchange::delay`](crate::Exchange::delay).
    pub latency: Option<Duration>,
    /// Probability of answering [`error_status`](Self::error_status) before processing.
    pub error_rate_5xx: f64,
    /// The status of injected server errors: 502 or 503 (the default), or any other code.
    pub error_status: u16,
    /// Probability of answering 429 before processing.
    pub rate_429: f64,
    /// The `Retry-After` value (seconds) of injected 429s.
    pub retry_after_secs: u64,
    /// Probability of processing the request and then dropping the connection.
    pub drop_after_processing_rate: f64,
    /// Also apply faults (standing and queued) to `/tokens` and `/sandbox/...`.
    pub all_routes: bool,
}

impl Default for Faults {
    /// No faults: no latency, rates of zero, 503 for server errors, `Retry-After: 1`.
    fn default() -> Self {
        Faults {
            latency: None,
            error_rate_5xx: 0.0,
            error_status: 503,
            rate_429: 0.0,
            retry_after_secs: 1,
            drop_after_processing_rate: 0.0,
            all_routes: false,
        }
    }
}

/// A one-shot fault, queued with [`Simulator::inject_next`](crate::Simulator::inject_next) and
/// consumed by the next eligible request (one fault per request, first in first out).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Answer with this status and an empty body, before processing (nothing changes).
    /// `Status(429)` behaves like [`Fault::TooManyRequests`] with the standing `retry_after_secs`.
    Status(u16),
    /// Answer 429 with `Retry-After: retry_after`, before processing.
    TooManyRequests {
        /// The `Retry-After` value, in seconds.
        retry_after: u64,
    },
    /// Process the request (state changes, the idempotency record is kept), then drop the
    /// connection instead of answering.
    DropAfterProcessing,
    /// Process normally, but take this much longer to answer.
    Delay(Duration),
}

/// What the fault logic decided for one request.
#[derive(Debug, Default)]
pub(crate) struct Decision {
    /// Answer this before processing: a status and, for 429, a `Retry-After`.
    pub(crate) reject: Option<(u16, Option<u64>)>,
    /// Drop the connection after processing.
    pub(crate) drop_after: bool,
    /// Total extra delay.
    pub(crate) delay: Option<Duration>,
}

impl Decision {
    fn add_delay(&mut self, d: Duration) {
        self.delay = Some(self.delay.unwrap_or(Duration::ZERO).saturating_add(d));
    }
}

/// The standing faults, the queued ones, and the generator their rates are rolled with.
pub(crate) struct FaultInjector {
    standing: Faults,
    queued: VecDeque<Fault>,
    rng: Rng,
}

impl FaultInjector {
    /// No faults; rates are rolled with `rng`.
    pub(crate) fn new(rng: Rng) -> Self {
        FaultInjector { standing: Faults::default(), queued: VecDeque::new(), rng }
    }

    /// The standing settings.
    pub(crate) fn standing(&self) -> &Faults {
        &self.standing
    }

    /// Replaces the standing settings.
    pub(crate) fn set_standing(&mut self, faults: Faults) {
        self.standing = faults;
    }

    /// Queues a one-shot fault.
    pub(crate) fn queue(&mut self, fault: Fault) {
        self.queued.push_back(fault);
    }

    /// How many one-shot faults are waiting.
    pub(crate) fn queued(&self) -> usize {
        self.queued.len()
    }

    /// Removes every standing and queued fault.
    pub(crate) fn clear(&mut self) {
        self.standing = Faults::default();
        self.queued.clear();
    }

    /// The faults for one request: none unless the route gets faults by default (`faulted`) or
    /// every route was asked for; otherwise the standing latency, the next queued fault, and the
    /// standing rates rolled.
    pub(crate) fn decide(&mut self, faulted: bool) -> Decision {
        let mut decision = Decision::default();
        if !faulted && !self.standing.all_routes {
            return decision;
        }
        if let Some(latency) = self.standing.latency {
            decision.add_delay(latency);
        }
        match self.queued.pop_front() {
            Some(Fault::Status(429)) => decision.reject = Some((429, Some(self.standing.retry_after_secs))),
            Some(Fault::Status(status)) => decision.reject = Some((status, None)),
            Some(Fault::TooManyRequests { retry_after }) => decision.reject = Some((429, Some(retry_after))),
            Some(Fault::DropAfterProcessing) => decision.drop_after = true,
            Some(Fault::Delay(d)) => decision.add_delay(d),
            None => {}
        }
        if decision.reject.is_none() {
            if self.rng.chance(self.standing.error_rate_5xx) {
                decision.reject = Some((self.standing.error_status, None));
            } else if self.rng.chance(self.standing.rate_429) {
                decision.reject = Some((429, Some(self.standing.retry_after_secs)));
            }
        }
        if decision.reject.is_none() && self.rng.chance(self.standing.drop_after_processing_rate) {
            decision.drop_after = true;
        }
        decision
    }
}
