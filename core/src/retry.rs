//! When to try a call again, and how long to wait first.
//!
//! Only what is safe is retried: `GET`s, and `POST`s that carry an idempotency key (the API then
//! replays the first result instead of charging twice), on 429, 5xx other than 501, timeouts and
//! transport failures. The core has no clock: waits happen through a
//! [`Sleeper`](crate::transport::Sleeper) and time is counted from what the transport reports.

use core::time::Duration;

use crate::error::Error;

/// Exponential backoff with jitter, a cap, `Retry-After`, and a total time budget.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Retries after the first attempt (so `max_retries + 1` attempts at most).
    pub max_retries: u32,
    /// The wait before the first retry.
    pub initial_backoff: Duration,
    /// The longest wait between attempts (`Retry-After` included).
    pub max_backoff: Duration,
    /// The fraction of each wait that is randomised (0.0 to 1.0), so clients do not retry in step.
    pub jitter: f32,
    /// The most all attempts and waits together may take; each attempt's timeout is cut to what
    /// remains. `None` for no overall budget (each attempt still has the transport's timeout).
    pub total_budget: Option<Duration>,
}

impl Default for RetryPolicy {
    /// Up to 2 retries, 250 ms doubling to at most 5 s, 50% jitter, a 150 s total budget.
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(5),
            jitter: 0.5,
            total_budget: Some(Duration::from_secs(150)),
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        RetryPolicy { max_retries: 0, ..Self::default() }
    }

    /// Sets the number of retries.
    #[must_use]
    pub fn with_max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }

    /// Sets the first wait and the cap.
    #[must_use]
    pub fn with_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max;
        self
    }

    /// Sets the jitter fraction (clamped to 0.0..=1.0).
    #[must_use]
    pub fn with_jitter(mut self, jitter: f32) -> Self {
        self.jitter = jitter.clamp(0.0, 1.0);
        self
    }

    /// Sets the total budget across attempts and waits.
    #[must_use]
    pub fn with_total_budget(mut self, budget: Option<Duration>) -> Self {
        self.total_budget = budget;
        self
    }

    /// Whether retries are on.
    pub fn is_enabled(&self) -> bool {
        self.max_retries > 0
    }

    /// The wait before retry number `retry` (1-based), given the server's `Retry-After` and a
    /// random value in `0..=u64::MAX` for jitter. `None` when the server asks for a longer wait
    /// than the cap allows (then retrying would overrun; give up instead).
    pub fn backoff(&self, retry: u32, retry_after: Option<Duration>, random: u64) -> Option<Duration> {
        let exp = self.initial_backoff.saturating_mul(1u32 << retry.saturating_sub(1).min(20));
        let base = exp.min(self.max_backoff);
        // Keep (1 - jitter) of the wait fixed and randomise the rest.
        let jitter = f64::from(self.jitter.clamp(0.0, 1.0));
        let fraction = (random >> 11) as f64 / (1u64 << 53) as f64;
        let wait = base.mul_f64(1.0 - jitter + jitter * fraction);
        match retry_after {
            Some(after) if after > self.max_backoff => None,
            Some(after) => Some(wait.max(after)),
            None => Some(wait),
        }
    }

    /// Whether `error`, on attempt `attempt` (1-based), should be retried: it must be retryable,
    /// the request must be safe to repeat, and retries must remain.
    pub fn should_retry(&self, error: &Error, attempt: u32, safe_to_repeat: bool) -> bool {
        safe_to_repeat && attempt <= self.max_retries && error.is_retryable()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ApiError;

    #[test]
    fn backoff_doubles_up_to_the_cap_without_jitter() {
        let p = RetryPolicy::default()
            .with_jitter(0.0)
            .with_backoff(Duration::from_millis(100), Duration::from_millis(350));
        let waits: alloc::vec::Vec<_> = (1..=4).map(|n| p.backoff(n, None, 0).unwrap().as_millis()).collect();
        assert_eq!(waits, [100, 200, 350, 350]);
    }

    #[test]
    fn jitter_stays_within_its_fraction() {
        let p =
            RetryPolicy::default().with_jitter(0.5).with_backoff(Duration::from_millis(1000), Duration::from_secs(5));
        assert_eq!(p.backoff(1, None, 0).unwrap(), Duration::from_millis(500));
        let max = p.backoff(1, None, u64::MAX).unwrap();
        assert!(max > Duration::from_millis(999) && max <= Duration::from_millis(1000), "{max:?}");
    }

    #[test]
    fn retry_after_is_honoured_or_ends_the_retries() {
        let p = RetryPolicy::default().with_jitter(0.0);
        assert_eq!(p.backoff(1, Some(Duration::from_secs(2)), 0), Some(Duration::from_secs(2)));
        assert_eq!(p.backoff(1, Some(Duration::from_secs(60)), 0), None);
    }

    #[test]
    fn only_safe_retryable_errors_with_retries_left_are_retried() {
        let p = RetryPolicy::default();
        let e503 = Error::from_api(ApiError { status: 503, ..ApiError::default() });
        let e422 = Error::from_api(ApiError { status: 422, ..ApiError::default() });
        assert!(p.should_retry(&e503, 1, true));
        assert!(p.should_retry(&e503, 2, true));
        assert!(!p.should_retry(&e503, 3, true));
        assert!(!p.should_retry(&e503, 1, false));
        assert!(!p.should_retry(&e422, 1, true));
        assert!(!RetryPolicy::none().should_retry(&e503, 1, true));
    }
}
