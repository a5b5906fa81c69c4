//! Fault injection: latency, server errors, rate limiting and dropped connections, on demand.

use std::time::Duration;

/// Standing fault settings, applied to every eligible request until changed.
///
/// Rates are probabilities in `[0, 1]`, rolled with the simulator's own generator: a seeded
/// simulator injects the same faults on every run. Faults apply to the payment routes only
/// (`/payments...`), unless [`all_routes`](Self::all_routes) is set.
///
/// ```
/// use std::time::Duration;
/// use checkout_sdk_fake::simulator::{Faults, Simulator};
///
/// let sim = Simulator::seeded(1);
/// sim.set_faults(Faults { latency: Some(Duration::from_millis(20)), rate_429: 0.1, ..Faults::default() });
/// assert_eq!(sim.faults().retry_after_secs, 1);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Faults {
    /// Added to every eligible response's [`Exchange::delay`](super::Exchange::delay).
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

/// A one-shot fault, queued with [`Simulator::inject_next`](super::Simulator::inject_next) and
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
pub(super) struct Decision {
    /// Answer this before processing: a status and, for 429, a `Retry-After`.
    pub(super) reject: Option<(u16, Option<u64>)>,
    /// Drop the connection after processing.
    pub(super) drop_after: bool,
    /// Total extra delay.
    pub(super) delay: Option<Duration>,
}

impl Decision {
    pub(super) fn add_delay(&mut self, d: Duration) {
        self.delay = Some(self.delay.unwrap_or(Duration::ZERO).saturating_add(d));
    }
}
