//! When to try a call again, and how long to wait first.
//!
//! Only what is safe is retried: `GET`s, and `POST`s that carry an idempotency key (the API then
//! replays the first result instead of charging twice), on 429, 5xx other than 501, timeouts and
//! transport failures. The core has no clock: waits happen through a
//! [`Sleeper`](crate::transport::Sleeper) and time is counted from what the transport reports.

use core::time::Duration;

use crate::error::{Error, ErrorKind};

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
    /// The least wait after a 429 on a request that carries an idempotency key: the API answers
    /// 429 while another request with the same key is still being processed.
    pub in_progress_backoff: Duration,
    /// The most all attempts and waits together may take; each attempt's timeout is cut to what
    /// remains. `None` for no overall budget (each attempt still has the transport's timeout).
    pub total_budget: Option<Duration>,
}

impl Default for RetryPolicy {
    /// Up to 2 retries, 250 ms doubling to at most 5 s, 50% jitter, at least 2 s after a 429 on
    /// a keyed request, a 150 s total budget.
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(5),
            jitter: 0.5,
            in_progress_backoff: Duration::from_secs(2),
            total_budget: Some(Duration::from_secs(150)),
        }
    }
}

impl RetryPolicy {
    /// Never retry (the total budget still bounds the one attempt).
    pub fn none() -> Self {
        RetryPolicy { max_retries: 0, ..Self::default() }
    }

    /// Sets the number of retries.
    #[must_use]
    pub fn with_max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }

    /// Sets the first wait and the cap (a cap below the first wait is raised to it).
    #[must_use]
    pub fn with_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// Sets the jitter fraction: clamped to 0.0..=1.0, and NaN counts as 0.0.
    #[must_use]
    pub fn with_jitter(mut self, jitter: f32) -> Self {
        self.jitter = clean_fraction(jitter);
        self
    }

    /// Sets the least wait after a 429 on a request that carries an idempotency key (the API
    /// answers 429 while another request with the same key is still being processed, so an
    /// early retry would only meet another 429). Capped by `max_backoff`.
    #[must_use]
    pub fn with_in_progress_backoff(mut self, wait: Duration) -> Self {
        self.in_progress_backoff = wait;
        self
    }

    /// Sets the total budget across attempts and waits.
    #[must_use]
    pub fn with_total_budget(mut self, budget: Option<Duration>) -> Self {
        self.total_budget = budget;
        self
    }

    /// The policy a client runs with: `policy` (default: [`RetryPolicy::default`]) when it can
    /// sleep between attempts; without a sleeper, no retries, though a caller's budget still
    /// bounds each call.
    pub(crate) fn in_force(policy: Option<RetryPolicy>, can_sleep: bool) -> RetryPolicy {
        match (policy, can_sleep) {
            (Some(policy), true) => policy,
            (None, true) => RetryPolicy::default(),
            (policy, false) => policy.unwrap_or_else(RetryPolicy::none).with_max_retries(0),
        }
    }

    /// Whether retries are on.
    pub fn is_enabled(&self) -> bool {
        self.max_retries > 0
    }

    /// The exponential wait before retry number `retry` (1-based), with jitter from `random`
    /// (any `u64`). Never panics, whatever the fields hold: the wait is at most
    /// `min(initial_backoff * 2^(retry-1), max_backoff)`.
    pub fn backoff(&self, retry: u32, random: u64) -> Duration {
        let exp = self.initial_backoff.saturating_mul(1u32 << retry.saturating_sub(1).min(20));
        let base = exp.min(self.max_backoff);
        // Keep (1 - jitter) of the wait fixed and randomise the rest. The factor is finite and
        // within 0..=1, so the product cannot exceed `base`; the fallback covers rounding at
        // the edge of `Duration`'s range.
        let jitter = f64::from(clean_fraction(self.jitter));
        let fraction = (random >> 11) as f64 / (1u64 << 53) as f64;
        let factor = 1.0 - jitter + jitter * fraction;
        Duration::try_from_secs_f64(base.as_secs_f64() * factor).map_or(base, |wait| wait.min(base))
    }

    /// How long to wait before retry number `retry` after `error`: the backoff, at least the
    /// server's `Retry-After`, and at least `in_progress_backoff` after a 429 on a keyed
    /// request. `None` when the server asks for a longer wait than `max_backoff`: the caller
    /// should come back later instead (the error's `retry_after` says when).
    pub fn wait_before(&self, retry: u32, error: &Error, keyed: bool, random: u64) -> Option<Duration> {
        let mut wait = self.backoff(retry, random);
        if keyed && matches!(error.kind(), ErrorKind::TooManyRequests(_)) {
            wait = wait.max(self.in_progress_backoff.min(self.max_backoff));
        }
        match error.retry_after() {
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

/// A fraction within 0.0..=1.0; NaN becomes 0.0.
fn clean_fraction(x: f32) -> f32 {
    if x.is_nan() {
        0.0
    } else {
        x.clamp(0.0, 1.0)
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
        let waits: alloc::vec::Vec<_> = (1..=4).map(|n| p.backoff(n, 0).as_millis()).collect();
        assert_eq!(waits, [100, 200, 350, 350]);
    }

    #[test]
    fn jitter_stays_within_its_fraction() {
        let p =
            RetryPolicy::default().with_jitter(0.5).with_backoff(Duration::from_millis(1000), Duration::from_secs(5));
        assert_eq!(p.backoff(1, 0), Duration::from_millis(500));
        let max = p.backoff(1, u64::MAX);
        assert!(max > Duration::from_millis(999) && max <= Duration::from_millis(1000), "{max:?}");
    }

    #[test]
    fn retry_after_is_honoured_or_ends_the_retries() {
        let p = RetryPolicy::default().with_jitter(0.0);
        let asks =
            |secs| Error::from_api(ApiError { retry_after: Some(Duration::from_secs(secs)), ..ApiError::new(503) });
        assert_eq!(p.wait_before(1, &asks(2), false, 0), Some(Duration::from_secs(2)));
        assert_eq!(p.wait_before(1, &asks(60), false, 0), None);
    }

    #[test]
    fn a_429_on_a_keyed_request_waits_for_the_request_in_progress() {
        let p = RetryPolicy::default().with_jitter(0.0);
        let e429 = Error::from_api(ApiError::new(429));
        assert_eq!(p.wait_before(1, &e429, true, 0), Some(Duration::from_secs(2)));
        assert_eq!(p.wait_before(1, &e429, false, 0), Some(Duration::from_millis(250)));
        let e503 = Error::from_api(ApiError::new(503));
        assert_eq!(p.wait_before(1, &e503, true, 0), Some(Duration::from_millis(250)));
    }

    #[test]
    fn retry_policy_setters_never_panic_on_extreme_values() {
        let extremes = [
            RetryPolicy::default().with_jitter(f32::NAN),
            RetryPolicy::default().with_jitter(f32::INFINITY),
            RetryPolicy::default().with_jitter(-1.0),
            RetryPolicy::default().with_backoff(Duration::MAX, Duration::MAX),
            RetryPolicy::default().with_backoff(Duration::MAX, Duration::ZERO),
            RetryPolicy::default().with_in_progress_backoff(Duration::MAX),
            RetryPolicy { jitter: f32::NAN, initial_backoff: Duration::MAX, ..RetryPolicy::default() },
        ];
        let e429 = Error::from_api(ApiError { retry_after: Some(Duration::MAX), ..ApiError::new(429) });
        for p in extremes {
            for retry in [0, 1, 2, 40, u32::MAX] {
                for random in [0, 1, u64::MAX / 2, u64::MAX] {
                    let wait = p.backoff(retry, random);
                    assert!(wait <= p.max_backoff.max(p.initial_backoff), "{p:?}");
                    let _ = p.wait_before(retry, &e429, true, random);
                }
            }
        }
        assert_eq!(RetryPolicy::default().with_jitter(f32::NAN).jitter, 0.0);
    }

    #[test]
    fn only_safe_retryable_errors_with_retries_left_are_retried() {
        let p = RetryPolicy::default();
        let e503 = Error::from_api(ApiError::new(503));
        let e422 = Error::from_api(ApiError::new(422));
        assert!(p.should_retry(&e503, 1, true));
        assert!(p.should_retry(&e503, 2, true));
        assert!(!p.should_retry(&e503, 3, true));
        assert!(!p.should_retry(&e503, 1, false));
        assert!(!p.should_retry(&e422, 1, true));
        assert!(!RetryPolicy::none().should_retry(&e503, 1, true));
    }
}
