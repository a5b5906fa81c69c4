//! The one error type of the core, and what callers can ask of it.
//!
//! Every failure carries what the original SDK's `CheckoutSdkError` carried (`http_status`,
//! `error_type`, `error_codes`, `request_id`, `api_version`, `elapsed`) plus what a Rust caller
//! needs to decide what to do next: [`Error::is_retryable`], [`Error::may_have_been_processed`]
//! and how many attempts were made. No variant ever holds a secret key or card data.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use core::time::Duration;

use crate::redact::{redacted_debug, Redacted};
use crate::transport::{TransportError, TransportErrorKind};

/// The details of an HTTP error response from the API. `Debug` and `Display` show the server's
/// texts redacted by value ([`redact`](crate::redact)); the fields hold them as sent.
#[derive(Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status code.
    pub status: u16,
    /// `error_type` from the body, e.g. `request_invalid`.
    pub error_type: Option<String>,
    /// `error_codes` from the body, e.g. `["payment_source_required"]`.
    pub error_codes: Vec<String>,
    /// `Cko-Request-Id`, or the body's `request_id`: quote it to Checkout.com support.
    pub request_id: Option<String>,
    /// `Cko-Version`.
    pub api_version: Option<String>,
    /// How long the failing exchange took, as the transport measured it.
    pub elapsed: Option<Duration>,
    /// `Retry-After` in seconds, when the server sent one.
    pub retry_after: Option<Duration>,
    /// How many attempts the client made before giving up (1 without retries).
    pub attempts: u32,
}

redacted_debug!(ApiError { status, error_type, error_codes, request_id, api_version, elapsed, retry_after, attempts });

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        if let Some(t) = &self.error_type {
            write!(f, " {}", Redacted(t))?;
        }
        if !self.error_codes.is_empty() {
            f.write_str(" [")?;
            for (i, c) in self.error_codes.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{}", Redacted(c))?;
            }
            f.write_str("]")?;
        }
        if let Some(r) = &self.request_id {
            write!(f, " (request id {})", Redacted(r))?;
        }
        if let Some(after) = self.retry_after {
            write!(f, " (retry after {}s)", after.as_secs())?;
        }
        write_attempts(f, self.attempts)
    }
}

fn write_attempts(f: &mut fmt::Formatter<'_>, attempts: u32) -> fmt::Result {
    if attempts > 1 {
        write!(f, " after {attempts} attempts")?;
    }
    Ok(())
}

/// Why a response body could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// The body was empty where JSON was expected.
    Empty,
    /// The body was not JSON (or was truncated, or nested too deeply).
    NotJson,
    /// The body was JSON, but not of the documented shape.
    WrongShape,
}

/// A response whose status looked fine but whose body could not be decoded. `Debug` and `Display`
/// redact by value.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DecodeError {
    /// What was wrong with the body.
    pub kind: DecodeErrorKind,
    /// The HTTP status of the response.
    pub status: u16,
    /// The request id, if the headers had one.
    pub request_id: Option<String>,
    /// The parser's description (never the body itself: it may hold card data).
    pub detail: String,
    /// How long the exchange took.
    pub elapsed: Option<Duration>,
    /// How many attempts the client made (earlier ones may have failed differently).
    pub attempts: u32,
}

redacted_debug!(DecodeError { kind, status, request_id, detail, elapsed, attempts });

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            DecodeErrorKind::Empty => "empty body",
            DecodeErrorKind::NotJson => "body is not valid JSON",
            DecodeErrorKind::WrongShape => "body has an unexpected shape",
        };
        write!(f, "could not decode the HTTP {} response: {what}: {}", self.status, Redacted(&self.detail))?;
        if let Some(r) = &self.request_id {
            write!(f, " (request id {})", Redacted(r))?;
        }
        write_attempts(f, self.attempts)
    }
}

/// Input rejected on our side, before anything was sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidInput {
    /// The source has no `type` and none can be inferred (the original SDK's `ValueError`).
    #[error("cannot infer the payment source type: {0}; set `type` explicitly")]
    SourceNotInferable(String),
    /// The source's fields do not fit its type.
    #[error("invalid payment source: {0}")]
    Source(String),
    /// An id without its prefix, or with characters that could escape a URL path segment.
    #[error("invalid {kind}: {reason}")]
    Id {
        /// What kind of id was expected (`payment id`, `session id`, ...).
        kind: &'static str,
        /// Why it was refused.
        reason: String,
    },
    /// A secret key that matches neither known key format. The key itself is never included.
    #[error("invalid secret key: {0}")]
    SecretKey(&'static str),
    /// A base URL that is not absolute, or plain `http://` to a non-loopback host.
    #[error("invalid base URL: {0}")]
    BaseUrl(String),
    /// A currency code that is not ISO 4217.
    #[error("unknown currency code {0:?}")]
    Currency(String),
    /// A request that cannot be serialised or is otherwise malformed.
    #[error("invalid request: {0}")]
    Request(String),
}

/// Everything that can go wrong with a call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// 401: the secret key was not accepted.
    #[error("authentication failed: {0}")]
    Authentication(Box<ApiError>),
    /// 403: the action is not allowed for this payment now (e.g. capture after void).
    #[error("action not allowed: {0}")]
    NotAllowed(Box<ApiError>),
    /// 404: no such payment.
    #[error("not found: {0}")]
    NotFound(Box<ApiError>),
    /// 409: conflicting request (e.g. an idempotency key reused with a different body).
    #[error("conflict: {0}")]
    Conflict(Box<ApiError>),
    /// 422: the API rejected the request's content; see `error_type` and `error_codes`.
    #[error("request invalid: {0}")]
    Validation(Box<ApiError>),
    /// 429: too many requests, or a duplicate request was detected.
    #[error("too many requests: {0}")]
    TooManyRequests(Box<ApiError>),
    /// 5xx: the API or a gateway failed.
    #[error("server error: {0}")]
    Server(Box<ApiError>),
    /// Any other status, including a success status the operation does not expect.
    #[error("unexpected response: {0}")]
    UnexpectedStatus(Box<ApiError>),
    /// No response arrived in time; the request may have been processed.
    #[error("timed out{}", AttemptsSuffix(*.attempts))]
    Timeout {
        /// How long the last attempt ran before timing out, if known.
        elapsed: Option<Duration>,
        /// How many attempts were made.
        attempts: u32,
    },
    /// The exchange failed below HTTP (connect, TLS, reset, body too large).
    #[error("transport error: {source}{}", AttemptsSuffix(*.attempts))]
    Transport {
        /// What the transport reported.
        source: TransportError,
        /// How many attempts were made.
        attempts: u32,
    },
    /// The response status was right but its body could not be decoded.
    #[error("{0}")]
    Decode(Box<DecodeError>),
    /// Our own checks refused the input; nothing was sent.
    #[error(transparent)]
    InvalidInput(#[from] InvalidInput),
}

struct AttemptsSuffix(u32);

impl fmt::Display for AttemptsSuffix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_attempts(f, self.0)
    }
}

impl From<core::convert::Infallible> for Error {
    fn from(never: core::convert::Infallible) -> Self {
        match never {}
    }
}

impl Error {
    /// The error for a transport failure on the first attempt.
    pub fn from_transport(source: TransportError) -> Self {
        if source.kind() == TransportErrorKind::TimedOut {
            Error::Timeout { elapsed: source.elapsed(), attempts: 1 }
        } else {
            Error::Transport { source, attempts: 1 }
        }
    }

    /// Classifies an error response by status.
    pub fn from_api(details: ApiError) -> Self {
        let d = Box::new(details);
        match d.status {
            401 => Error::Authentication(d),
            403 => Error::NotAllowed(d),
            404 => Error::NotFound(d),
            409 => Error::Conflict(d),
            422 => Error::Validation(d),
            429 => Error::TooManyRequests(d),
            500..=599 => Error::Server(d),
            _ => Error::UnexpectedStatus(d),
        }
    }

    /// The API error details, for errors that came from an HTTP response.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Authentication(d)
            | Error::NotAllowed(d)
            | Error::NotFound(d)
            | Error::Conflict(d)
            | Error::Validation(d)
            | Error::TooManyRequests(d)
            | Error::Server(d)
            | Error::UnexpectedStatus(d) => Some(d),
            _ => None,
        }
    }

    fn api_error_mut(&mut self) -> Option<&mut ApiError> {
        match self {
            Error::Authentication(d)
            | Error::NotAllowed(d)
            | Error::NotFound(d)
            | Error::Conflict(d)
            | Error::Validation(d)
            | Error::TooManyRequests(d)
            | Error::Server(d)
            | Error::UnexpectedStatus(d) => Some(d),
            _ => None,
        }
    }

    /// The HTTP status, when a response arrived.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            Error::Decode(d) => Some(d.status),
            _ => self.api_error().map(|d| d.status),
        }
    }

    /// `error_type` from the error body (e.g. `request_invalid`).
    pub fn error_type(&self) -> Option<&str> {
        self.api_error().and_then(|d| d.error_type.as_deref())
    }

    /// `error_codes` from the error body; empty when there were none.
    pub fn error_codes(&self) -> &[String] {
        self.api_error().map_or(&[], |d| d.error_codes.as_slice())
    }

    /// The request id to quote to Checkout.com support.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Decode(d) => d.request_id.as_deref(),
            _ => self.api_error().and_then(|d| d.request_id.as_deref()),
        }
    }

    /// `Cko-Version` of the error response.
    pub fn api_version(&self) -> Option<&str> {
        self.api_error().and_then(|d| d.api_version.as_deref())
    }

    /// How long the failing exchange took, as the transport measured it.
    pub fn elapsed(&self) -> Option<Duration> {
        match self {
            Error::Timeout { elapsed, .. } => *elapsed,
            Error::Transport { source, .. } => source.elapsed(),
            Error::Decode(d) => d.elapsed,
            _ => self.api_error().and_then(|d| d.elapsed),
        }
    }

    /// `Retry-After` of a 429 or 503, when sent.
    pub fn retry_after(&self) -> Option<Duration> {
        self.api_error().and_then(|d| d.retry_after)
    }

    /// How many attempts were made (0 when the input was refused before sending).
    pub fn attempts(&self) -> u32 {
        match self {
            Error::Timeout { attempts, .. } | Error::Transport { attempts, .. } => *attempts,
            Error::InvalidInput(_) => 0,
            Error::Decode(d) => d.attempts,
            _ => self.api_error().map_or(1, |d| d.attempts),
        }
    }

    /// Records the number of attempts made (set by the client's retry loop).
    pub fn set_attempts(&mut self, n: u32) {
        match self {
            Error::Timeout { attempts, .. } | Error::Transport { attempts, .. } => *attempts = n,
            Error::Decode(d) => d.attempts = n,
            _ => {
                if let Some(d) = self.api_error_mut() {
                    d.attempts = n;
                }
            }
        }
    }

    /// Whether trying the same request again may succeed: 429, 5xx other than 501, timeouts
    /// and transport failures. Retrying a `POST` is only safe with the same idempotency key.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::TooManyRequests(_) => true,
            Error::Server(d) => d.status != 501,
            Error::Timeout { .. } => true,
            Error::Transport { source, .. } => source.kind() != TransportErrorKind::BodyTooLarge,
            _ => false,
        }
    }

    /// Whether the API may have acted on the request even though the call failed: look the
    /// payment up (or retry with the same idempotency key) before charging again.
    pub fn may_have_been_processed(&self) -> bool {
        match self {
            Error::Timeout { .. } => true,
            Error::Transport { source, .. } => source.may_have_been_sent(),
            Error::Server(_) | Error::Decode(_) => true,
            Error::UnexpectedStatus(d) => d.status < 400,
            _ => false,
        }
    }

    /// Whether the failure came from our own input checks (nothing was sent).
    pub fn is_invalid_input(&self) -> bool {
        matches!(self, Error::InvalidInput(_))
    }
}

/// The result type of the core.
pub type Result<T, E = Error> = core::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use alloc::vec;

    fn api(status: u16) -> ApiError {
        ApiError { status, attempts: 1, ..ApiError::default() }
    }

    #[test]
    fn statuses_map_to_distinct_kinds() {
        type Case = (u16, fn(&Error) -> bool, bool);
        let cases: &[Case] = &[
            (401, |e| matches!(e, Error::Authentication(_)), false),
            (403, |e| matches!(e, Error::NotAllowed(_)), false),
            (404, |e| matches!(e, Error::NotFound(_)), false),
            (409, |e| matches!(e, Error::Conflict(_)), false),
            (422, |e| matches!(e, Error::Validation(_)), false),
            (429, |e| matches!(e, Error::TooManyRequests(_)), true),
            (500, |e| matches!(e, Error::Server(_)), true),
            (501, |e| matches!(e, Error::Server(_)), false),
            (502, |e| matches!(e, Error::Server(_)), true),
            (503, |e| matches!(e, Error::Server(_)), true),
            (418, |e| matches!(e, Error::UnexpectedStatus(_)), false),
            (200, |e| matches!(e, Error::UnexpectedStatus(_)), false),
        ];
        for (status, is_kind, retryable) in cases {
            let e = Error::from_api(api(*status));
            assert!(is_kind(&e), "{status} -> {e:?}");
            assert_eq!(e.is_retryable(), *retryable, "{status}");
            assert_eq!(e.http_status(), Some(*status));
        }
    }

    #[test]
    fn display_names_status_type_codes_request_id_and_attempts() {
        let mut e = Error::from_api(ApiError {
            status: 422,
            error_type: Some("request_invalid".into()),
            error_codes: vec!["amount_invalid".into(), "card_expired".into()],
            request_id: Some("0HL80RJLS76I7".into()),
            attempts: 1,
            ..ApiError::default()
        });
        e.set_attempts(3);
        assert_eq!(
            e.to_string(),
            "request invalid: HTTP 422 request_invalid [amount_invalid, card_expired] (request id 0HL80RJLS76I7) after 3 attempts"
        );
        assert_eq!(e.attempts(), 3);
        assert_eq!(e.error_codes(), ["amount_invalid", "card_expired"]);
    }

    #[test]
    fn transport_errors_say_whether_processing_may_have_happened() {
        let not_sent = Error::from_transport(TransportError::not_sent("connection refused"));
        assert!(!not_sent.may_have_been_processed());
        assert!(not_sent.is_retryable());
        let dropped = Error::from_transport(TransportError::interrupted("reset"));
        assert!(dropped.may_have_been_processed());
        let timeout = Error::from_transport(TransportError::timed_out(Duration::from_secs(1)));
        assert!(matches!(timeout, Error::Timeout { elapsed: Some(_), attempts: 1 }));
        assert!(timeout.may_have_been_processed());
        let too_large = Error::from_transport(TransportError::new(TransportErrorKind::BodyTooLarge, "cap"));
        assert!(!too_large.is_retryable());
        assert!(Error::from(InvalidInput::SecretKey("bad")).attempts() == 0);
        assert!(timeout.to_string().contains("timed out"));
    }
}
