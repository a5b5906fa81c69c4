//! [`TokioSleeper`]: the core's pause between retries, on tokio's timer.

use std::time::Duration;

use async_trait::async_trait;
use checkout_sdk_core::transport::Sleeper;

/// A [`Sleeper`] backed by [`tokio::time::sleep`].
///
/// It needs a tokio runtime with the time driver enabled (`enable_time` or `enable_all`, which
/// `#[tokio::main]` does). Under `tokio::time::pause` it follows the paused clock, so tests can
/// skip retry back-offs with `tokio::time::advance`.
///
/// ```
/// use std::time::Duration;
/// use checkout_sdk_core::transport::Sleeper;
/// use checkout_sdk_hyper::TokioSleeper;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// TokioSleeper::new().sleep(Duration::from_millis(1)).await;
/// # }
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TokioSleeper;

impl TokioSleeper {
    /// A sleeper on the current tokio runtime's timer.
    pub fn new() -> Self {
        TokioSleeper
    }
}

#[async_trait]
impl Sleeper for TokioSleeper {
    async fn sleep(&self, duration: Duration) {
        tokio::time::sleep(duration).await;
    }
}
