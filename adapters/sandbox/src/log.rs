//! The request log: one line per request handled, for whoever runs the server.
//!
//! A line holds the method, the path (never the query), the status, the time taken and the request
//! id; never a header, a body or a query. Path segments that could carry a secret are replaced with
//! `*`: anything but letters, digits, `_` and `-`, anything naming a key (`sk_`, `pk_`), anything
//! with 12 digits or more, anything longer than 64 characters.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// One handled request, as logged.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LogLine {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path without its query, with risky segments replaced (see the module docs).
    pub path: String,
    /// The status answered; `None` when the connection was dropped on purpose (fault injection).
    pub status: Option<u16>,
    /// From the request's head to its answer (injected latency included).
    pub elapsed: Duration,
    /// The answer's `Cko-Request-Id`, when it has one.
    pub request_id: Option<String>,
}

impl LogLine {
    /// A line for `method path`; the path is made safe to log here.
    pub(crate) fn new(
        method: &str,
        path: &str,
        status: Option<u16>,
        elapsed: Duration,
        request_id: Option<&str>,
    ) -> Self {
        LogLine {
            method: method.chars().filter(char::is_ascii_alphabetic).take(16).collect(),
            path: loggable_path(path),
            status,
            elapsed,
            // The simulator's own (a UUID); checked all the same, it is a header of the response.
            request_id: request_id
                .filter(|id| id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
                .map(String::from),
        }
    }
}

impl fmt::Display for LogLine {
    /// `POST /payments 201 2.4ms 3f1c…`: method, path, status (or `dropped`), milliseconds and
    /// request id (or `-`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} ", self.method, self.path)?;
        match self.status {
            Some(status) => write!(f, "{status}")?,
            None => f.write_str("dropped")?,
        }
        let ms = self.elapsed.as_secs_f64() * 1000.0;
        write!(f, " {ms:.1}ms {}", self.request_id.as_deref().unwrap_or("-"))
    }
}

/// What receives the [`LogLine`] of every request handled (see
/// [`ServerConfig::with_request_log`](crate::ServerConfig::with_request_log)).
#[derive(Clone)]
pub struct RequestLog(Arc<dyn Fn(&LogLine) + Send + Sync>);

impl RequestLog {
    /// Calls `write` with every line.
    pub fn new(write: impl Fn(&LogLine) + Send + Sync + 'static) -> Self {
        RequestLog(Arc::new(write))
    }

    pub(crate) fn write(&self, line: &LogLine) {
        (self.0)(line);
    }
}

impl fmt::Debug for RequestLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RequestLog(..)")
    }
}

impl PartialEq for RequestLog {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for RequestLog {}

/// The path with every segment that is not plainly safe replaced with `*`, at most 16 segments.
fn loggable_path(path: &str) -> String {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let mut out = String::new();
    for (i, segment) in path.split('/').skip(1).enumerate() {
        out.push('/');
        if i == 16 {
            out.push('…');
            break;
        }
        out.push_str(if is_safe_segment(segment) { segment } else { "*" });
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

/// Letters, digits, `_` and `-` only, at most 64 of them, fewer than 12 digits, and no key prefix.
fn is_safe_segment(segment: &str) -> bool {
    let lower = segment.to_ascii_lowercase();
    segment.len() <= 64
        && segment.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        && segment.bytes().filter(u8::is_ascii_digit).count() < 12
        && !lower.contains("sk_")
        && !lower.contains("pk_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_keep_routes_and_ids_and_lose_anything_risky() {
        assert_eq!(
            loggable_path("/payments/pay_mbabizu24mvu3mela5njyhpit4/captures?x=sk_1"),
            "/payments/pay_mbabizu24mvu3mela5njyhpit4/captures"
        );
        assert_eq!(loggable_path("/payments/4242424242424242"), "/payments/*");
        assert_eq!(loggable_path("/payments/4242-4242-4242-4242"), "/payments/*");
        assert_eq!(loggable_path("/payments/4242%204242%204242%204242"), "/payments/*");
        assert_eq!(loggable_path("/x/sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e/y"), "/x/*/y");
        assert_eq!(loggable_path("/x/pay_SK_SBOX_abc"), "/x/*");
        assert_eq!(loggable_path(&format!("/{}", "a".repeat(65))), "/*");
        assert_eq!(loggable_path(""), "/");
        assert_eq!(loggable_path(&"/a".repeat(40)).matches('/').count(), 17);
    }

    #[test]
    fn a_line_has_method_path_status_time_and_request_id() {
        let id = "0f8fad5b-d9cb-469f-a165-70867728950e";
        let line = LogLine::new("POST", "/payments", Some(201), Duration::from_micros(2_460), Some(id));
        assert_eq!(line.to_string(), format!("POST /payments 201 2.5ms {id}"));
        let dropped = LogLine::new("GET", "/", None, Duration::ZERO, None);
        assert_eq!(dropped.to_string(), "GET / dropped 0.0ms -");
    }
}
