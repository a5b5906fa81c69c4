//! How the server treats its connections: timeouts, the connection limit, the grace period on
//! shutdown, which `Host` values links may point at, and where requests are logged.

use std::time::Duration;

use checkout_sdk_simulator::WebhookEndpoint;

use crate::log::{LogLine, RequestLog};

/// The server's settings; start from [`ServerConfig::default`] and change what you need.
///
/// ```
/// use std::time::Duration;
/// use checkout_sdk_sandbox::ServerConfig;
///
/// let config = ServerConfig::default()
///     .with_max_connections(64)
///     .with_idle_timeout(Duration::from_secs(5))
///     .with_allowed_host("sandbox.internal:8080");
/// assert_eq!(config.max_connections, 64);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServerConfig {
    /// The most time from the first byte of a request head to its end (default 10 s). A head that
    /// takes longer closes the connection.
    pub header_read_timeout: Duration,
    /// The most time to receive a request body once its head has arrived (default 30 s). A body
    /// that takes longer gets `408` and the connection is closed.
    pub body_read_timeout: Duration,
    /// How long a connection may sit without a request in progress and without a byte arriving
    /// (default 60 s) before it is closed.
    pub idle_timeout: Duration,
    /// The most connections open at once (default: 1,024, or fewer when the process may open
    /// fewer files; see [`default_max_connections`]). When full, the connection idle the longest
    /// is closed to make room; when every connection has a request in progress, the new one gets
    /// `503` with `Retry-After: 1` and is closed.
    pub max_connections: usize,
    /// On shutdown, how long requests in progress may take to finish (default 5 s).
    pub shutdown_grace: Duration,
    /// `Host` values, besides the loopback names and the listening address, that links in
    /// responses may point at (`host` or `host:port`, compared without case). Any other `Host`
    /// gets links that are absolute paths.
    pub allowed_hosts: Vec<String>,
    /// Where a line about every request goes (default: nowhere).
    pub request_log: Option<RequestLog>,
    /// Webhook endpoints, added to the simulator when the server starts (endpoints added to the
    /// simulator itself get deliveries too). See the crate's `delivery` rules.
    pub webhook_endpoints: Vec<WebhookEndpoint>,
    /// How long one minute of the webhook retry schedule
    /// ([`RETRY_SCHEDULE`](crate::RETRY_SCHEDULE)) lasts here (default 1 s: retries after 1, 2,
    /// 4, ... 128 s).
    pub webhook_retry_scale: Duration,
    /// How long one delivery attempt may wait for an answer (default 5 s).
    pub webhook_attempt_timeout: Duration,
    /// Retries after a failed first attempt, 0 to 8 (default 8).
    pub webhook_retries: u32,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(60),
            max_connections: default_max_connections(),
            shutdown_grace: Duration::from_secs(5),
            allowed_hosts: Vec::new(),
            request_log: None,
            webhook_endpoints: Vec::new(),
            webhook_retry_scale: Duration::from_secs(1),
            webhook_attempt_timeout: Duration::from_secs(5),
            webhook_retries: crate::MAX_RETRIES,
        }
    }
}

impl ServerConfig {
    /// Sets [`header_read_timeout`](Self::header_read_timeout).
    #[must_use]
    pub fn with_header_read_timeout(mut self, timeout: Duration) -> Self {
        self.header_read_timeout = timeout;
        self
    }

    /// Sets [`body_read_timeout`](Self::body_read_timeout).
    #[must_use]
    pub fn with_body_read_timeout(mut self, timeout: Duration) -> Self {
        self.body_read_timeout = timeout;
        self
    }

    /// Sets [`idle_timeout`](Self::idle_timeout).
    #[must_use]
    pub fn with_idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = timeout;
        self
    }

    /// Sets [`max_connections`](Self::max_connections) (at least 1).
    #[must_use]
    pub fn with_max_connections(mut self, max: usize) -> Self {
        self.max_connections = max.max(1);
        self
    }

    /// Sets [`shutdown_grace`](Self::shutdown_grace).
    #[must_use]
    pub fn with_shutdown_grace(mut self, grace: Duration) -> Self {
        self.shutdown_grace = grace;
        self
    }

    /// Calls `write` with a [`LogLine`] for every request handled (the binary prints them on
    /// stderr).
    #[must_use]
    pub fn with_request_log(mut self, write: impl Fn(&LogLine) + Send + Sync + 'static) -> Self {
        self.request_log = Some(RequestLog::new(write));
        self
    }

    /// Adds a `Host` value links may point at (see [`allowed_hosts`](Self::allowed_hosts)).
    #[must_use]
    pub fn with_allowed_host(mut self, host: impl Into<String>) -> Self {
        self.allowed_hosts.push(host.into());
        self
    }
}

impl ServerConfig {
    /// Delivers webhooks to `endpoint` (see [`webhook_endpoints`](Self::webhook_endpoints)).
    #[must_use]
    pub fn with_webhook_endpoint(mut self, endpoint: WebhookEndpoint) -> Self {
        self.webhook_endpoints.push(endpoint);
        self
    }

    /// Sets [`webhook_retry_scale`](Self::webhook_retry_scale).
    #[must_use]
    pub fn with_webhook_retry_scale(mut self, scale: Duration) -> Self {
        self.webhook_retry_scale = scale;
        self
    }

    /// Sets [`webhook_attempt_timeout`](Self::webhook_attempt_timeout).
    #[must_use]
    pub fn with_webhook_attempt_timeout(mut self, timeout: Duration) -> Self {
        self.webhook_attempt_timeout = timeout;
        self
    }

    /// Sets [`webhook_retries`](Self::webhook_retries) (at most 8).
    #[must_use]
    pub fn with_webhook_retries(mut self, retries: u32) -> Self {
        self.webhook_retries = retries.min(crate::MAX_RETRIES);
        self
    }
}

/// The default connection limit: 1,024, or the process's soft limit on open files less 64 (kept
/// for the listener, standard streams and the runtime) when that is smaller, and never below 16.
/// The soft limit is read from `/proc/self/limits` where there is one.
pub fn default_max_connections() -> usize {
    const CEILING: usize = 1024;
    const RESERVED: usize = 64;
    let soft_limit = std::fs::read_to_string("/proc/self/limits").ok().and_then(|limits| {
        limits
            .lines()
            .find(|line| line.starts_with("Max open files"))
            .and_then(|line| line.split_whitespace().nth(3))
            .and_then(|soft| soft.parse::<usize>().ok())
    });
    match soft_limit {
        Some(limit) => limit.saturating_sub(RESERVED).clamp(16, CEILING),
        None => CEILING,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_limit_leaves_room_for_other_files() {
        let max = default_max_connections();
        assert!((16..=1024).contains(&max), "{max}");
        assert_eq!(ServerConfig::default().with_max_connections(0).max_connections, 1);
    }
}
