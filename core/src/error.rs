//! The one error type of the core, and what callers can ask of it.
//!
//! Every failure carries what the original SDK's `CheckoutSdkError` carried (`http_status`,
//! `error_type`, `error_codes`, `request_id`, `api_version`, `elapsed`) plus what a Rust caller
//! needs to decide what to do next:
//!
//! - [`Error::may_have_been_processed`]: whether **any** attempt of the call may have reached the
//!   server and been acted on. When it is true, a payment (or capture, refund, ...) may exist.
//! - [`Error::idempotency_key`]: the `Cko-Idempotency-Key` every attempt of a `POST` carried. To
//!   recover, send the same request again with this key: the API replays the first result
//!   instead of acting twice.
//! - [`Error::is_retryable`], [`Error::attempts`], [`Error::retry_after`].
//!
//! [`Error`] is a small opaque struct (one pointer) with predicates; match on
//! [`Error::kind`] for the details of each kind. No error ever holds a secret key or card data,
//! and what a server sent (`error_type`, `error_codes`, the request id) is shown redacted.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use core::time::Duration;

use crate::id::IdempotencyKey;
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
    /// How long the server asked to wait (`Retry-After`, in seconds or as an HTTP date measured
    /// against the response's own `Date` header).
    pub retry_after: Option<Duration>,
}

impl ApiError {
    /// Details of a response with `status` and nothing else.
    pub fn new(status: u16) -> Self {
        ApiError { status, ..ApiError::default() }
    }
}

redacted_debug!(ApiError { status, error_type, error_codes, request_id, api_version, elapsed, retry_after });

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
        Ok(())
    }
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
}

redacted_debug!(DecodeError { kind, status, request_id, detail, elapsed });

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
        Ok(())
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
    /// A currency code that is not three ASCII letters (only the input's first three
    /// characters are kept: it may be anything typed into the wrong field).
    #[error("invalid currency code {0:?}: expected three letters")]
    Currency(String),
    /// A request that cannot be serialised or is otherwise malformed.
    #[error("invalid request: {0}")]
    Request(String),
    /// A `POST` with no idempotency key, from a client that has no random source to generate
    /// one (a `no_std` build without [`Randomness`](crate::transport::Randomness)): set one on
    /// the request, or give the client a random source.
    #[error(
        "this POST has no idempotency key and the client has no random source to generate one: \
         set one on the request, or give the client a random source"
    )]
    IdempotencyKeyRequired,
    /// OAuth client credentials or an access token that cannot be sent (the message never
    /// repeats them).
    #[error("invalid credentials: {0}")]
    Credentials(&'static str),
    /// A [`Call`](crate::call::Call) was driven out of order (a driver bug, not a server or
    /// input problem).
    #[error("the call was driven out of order: {0}")]
    CallOrder(&'static str),
    /// A request field that is missing, of the wrong type, or outside the API's rules. It names
    /// the field by its path in the body, never its value.
    #[error("{0}")]
    Field(crate::request::FieldError),
}

/// What went wrong, in detail: match on it through [`Error::kind`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// 401: the credentials were not accepted.
    Authentication(ApiError),
    /// 403: the action is not allowed for this payment now (e.g. capture after void).
    NotAllowed(ApiError),
    /// 404: no such payment.
    NotFound(ApiError),
    /// 409: conflicting request (e.g. an idempotency key reused with a different body).
    Conflict(ApiError),
    /// 422: the API rejected the request's content; see `error_type` and `error_codes`.
    Validation(ApiError),
    /// 429: too many requests, or a duplicate request (same idempotency key) is in progress.
    TooManyRequests(ApiError),
    /// 5xx: the API or a gateway failed.
    Server(ApiError),
    /// Any other status, including a success status the operation does not expect.
    UnexpectedStatus(ApiError),
    /// No complete response arrived in time; the request may have been processed.
    Timeout {
        /// How long the last attempt ran before timing out, if known.
        elapsed: Option<Duration>,
    },
    /// The exchange failed below HTTP (connect, TLS, reset, body too large).
    Transport(TransportError),
    /// The response status was right but its body could not be decoded.
    Decode(DecodeError),
    /// Our own checks refused the input; nothing was sent.
    InvalidInput(InvalidInput),
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::Authentication(d) => write!(f, "authentication failed: {d}"),
            ErrorKind::NotAllowed(d) => write!(f, "action not allowed: {d}"),
            ErrorKind::NotFound(d) => write!(f, "not found: {d}"),
            ErrorKind::Conflict(d) => write!(f, "conflict: {d}"),
            ErrorKind::Validation(d) => write!(f, "request invalid: {d}"),
            ErrorKind::TooManyRequests(d) => write!(f, "too many requests: {d}"),
            ErrorKind::Server(d) => write!(f, "server error: {d}"),
            ErrorKind::UnexpectedStatus(d) => write!(f, "unexpected response: {d}"),
            ErrorKind::Timeout { .. } => f.write_str("timed out"),
            ErrorKind::Transport(e) => write!(f, "transport error: {e}"),
            ErrorKind::Decode(d) => fmt::Display::fmt(d, f),
            ErrorKind::InvalidInput(e) => fmt::Display::fmt(e, f),
        }
    }
}

impl ErrorKind {
    /// The API error details, for kinds that came from an HTTP error response.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            ErrorKind::Authentication(d)
            | ErrorKind::NotAllowed(d)
            | ErrorKind::NotFound(d)
            | ErrorKind::Conflict(d)
            | ErrorKind::Validation(d)
            | ErrorKind::TooManyRequests(d)
            | ErrorKind::Server(d)
            | ErrorKind::UnexpectedStatus(d) => Some(d),
            _ => None,
        }
    }

    /// Whether this one attempt may have reached the server and been acted on.
    fn may_have_been_processed(&self) -> bool {
        match self {
            ErrorKind::Timeout { .. } | ErrorKind::Server(_) | ErrorKind::Decode(_) => true,
            ErrorKind::Transport(source) => source.may_have_been_sent(),
            ErrorKind::UnexpectedStatus(d) => d.status < 400,
            _ => false,
        }
    }
}

/// Everything that can go wrong with a call.
///
/// Small (one pointer) and opaque: ask it with the predicates, or match on [`kind`](Self::kind).
///
/// ```
/// use checkout_sdk_core::error::{ApiError, Error, ErrorKind};
///
/// let err = Error::from_api(ApiError::new(404));
/// assert!(matches!(err.kind(), ErrorKind::NotFound(_)));
/// assert_eq!(err.http_status(), Some(404));
/// assert!(!err.may_have_been_processed());
/// assert_eq!(err.to_string(), "not found: HTTP 404");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Error {
    inner: Box<Inner>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Inner {
    kind: ErrorKind,
    attempts: u32,
    idempotency_key: Option<IdempotencyKey>,
    may_have_been_processed: bool,
    token_exchange: bool,
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &*self.inner;
        f.debug_struct("Error")
            .field("kind", &i.kind)
            .field("attempts", &i.attempts)
            .field("idempotency_key", &i.idempotency_key)
            .field("may_have_been_processed", &i.may_have_been_processed)
            .field("token_exchange", &i.token_exchange)
            .finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.inner.token_exchange {
            f.write_str("could not obtain an OAuth access token: ")?;
        }
        fmt::Display::fmt(&self.inner.kind, f)?;
        if self.inner.attempts > 1 {
            write!(f, " after {} attempts", self.inner.attempts)?;
        }
        Ok(())
    }
}

impl core::error::Error for Error {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match &self.inner.kind {
            ErrorKind::Transport(e) => Some(e),
            ErrorKind::InvalidInput(e) => Some(e),
            _ => None,
        }
    }
}

impl From<InvalidInput> for Error {
    fn from(e: InvalidInput) -> Self {
        Error::new(ErrorKind::InvalidInput(e))
    }
}

impl From<core::convert::Infallible> for Error {
    fn from(never: core::convert::Infallible) -> Self {
        match never {}
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Error::new(kind)
    }
}

impl Error {
    /// An error of `kind` from a single attempt (0 attempts for refused input), with no key.
    pub fn new(kind: ErrorKind) -> Self {
        let attempts = u32::from(!matches!(kind, ErrorKind::InvalidInput(_)));
        let may_have_been_processed = kind.may_have_been_processed();
        Error {
            inner: Box::new(Inner {
                kind,
                attempts,
                idempotency_key: None,
                may_have_been_processed,
                token_exchange: false,
            }),
        }
    }

    /// The error for a transport failure on one attempt.
    pub fn from_transport(source: TransportError) -> Self {
        if source.kind() == TransportErrorKind::TimedOut {
            Error::new(ErrorKind::Timeout { elapsed: source.elapsed() })
        } else {
            Error::new(ErrorKind::Transport(source))
        }
    }

    /// Classifies an error response by status.
    pub fn from_api(details: ApiError) -> Self {
        Error::new(match details.status {
            401 => ErrorKind::Authentication(details),
            403 => ErrorKind::NotAllowed(details),
            404 => ErrorKind::NotFound(details),
            409 => ErrorKind::Conflict(details),
            422 => ErrorKind::Validation(details),
            429 => ErrorKind::TooManyRequests(details),
            500..=599 => ErrorKind::Server(details),
            _ => ErrorKind::UnexpectedStatus(details),
        })
    }

    /// A body that could not be decoded.
    pub fn from_decode(details: DecodeError) -> Self {
        Error::new(ErrorKind::Decode(details))
    }

    /// Records what the whole call did: how many attempts, the key every attempt carried, and
    /// whether any of its attempts may have been processed.
    pub(crate) fn with_call(mut self, attempts: u32, key: Option<IdempotencyKey>, any_processed: bool) -> Self {
        let inner = &mut *self.inner;
        inner.attempts = attempts;
        inner.idempotency_key = key;
        inner.may_have_been_processed = any_processed;
        self
    }

    /// Marks an error of the OAuth token exchange that stopped a call before it was sent.
    pub(crate) fn in_token_exchange(mut self) -> Self {
        self.inner.token_exchange = true;
        self
    }

    /// Whether the call failed while obtaining an OAuth access token (before it was sent).
    pub fn is_token_exchange(&self) -> bool {
        self.inner.token_exchange
    }

    /// What went wrong, in detail.
    pub fn kind(&self) -> &ErrorKind {
        &self.inner.kind
    }

    /// The detailed kind, owned.
    pub fn into_kind(self) -> ErrorKind {
        self.inner.kind
    }

    /// The API error details, for errors that came from an HTTP error response.
    pub fn api_error(&self) -> Option<&ApiError> {
        self.inner.kind.api_error()
    }

    /// The HTTP status, when a response arrived.
    pub fn http_status(&self) -> Option<u16> {
        match &self.inner.kind {
            ErrorKind::Decode(d) => Some(d.status),
            kind => kind.api_error().map(|d| d.status),
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
        match &self.inner.kind {
            ErrorKind::Decode(d) => d.request_id.as_deref(),
            kind => kind.api_error().and_then(|d| d.request_id.as_deref()),
        }
    }

    /// `Cko-Version` of the error response.
    pub fn api_version(&self) -> Option<&str> {
        self.api_error().and_then(|d| d.api_version.as_deref())
    }

    /// How long the failing exchange took, as the transport measured it.
    pub fn elapsed(&self) -> Option<Duration> {
        match &self.inner.kind {
            ErrorKind::Timeout { elapsed } => *elapsed,
            ErrorKind::Transport(source) => source.elapsed(),
            ErrorKind::Decode(d) => d.elapsed,
            kind => kind.api_error().and_then(|d| d.elapsed),
        }
    }

    /// How long the server asked to wait before trying again (`Retry-After` of a 429 or 503).
    /// When it is longer than the retry policy's `max_backoff`, the client stops retrying and
    /// returns this error: come back after this long, with the same idempotency key.
    pub fn retry_after(&self) -> Option<Duration> {
        self.api_error().and_then(|d| d.retry_after)
    }

    /// How many attempts were made (0 when the input was refused before sending).
    pub fn attempts(&self) -> u32 {
        self.inner.attempts
    }

    /// The `Cko-Idempotency-Key` every attempt of this `POST` carried (the caller's, or one the
    /// client generated); `None` for `GET`s and for input refused before a key was chosen.
    ///
    /// When [`may_have_been_processed`](Self::may_have_been_processed) is true, send the same
    /// request again with this key: the API answers with the first result instead of acting
    /// twice.
    pub fn idempotency_key(&self) -> Option<&IdempotencyKey> {
        self.inner.idempotency_key.as_ref()
    }

    /// Whether trying the same request again may succeed: 429, 5xx other than 501, timeouts
    /// and transport failures. Retrying a `POST` is only safe with the same idempotency key.
    pub fn is_retryable(&self) -> bool {
        match &self.inner.kind {
            ErrorKind::TooManyRequests(_) | ErrorKind::Timeout { .. } => true,
            ErrorKind::Server(d) => d.status != 501,
            ErrorKind::Transport(source) => source.kind() != TransportErrorKind::BodyTooLarge,
            _ => false,
        }
    }

    /// Whether the API may have acted on the request even though the call failed: true when
    /// **any** attempt of the call may have reached the server (it timed out, the connection
    /// failed after sending, a 5xx or an undecodable success came back), even if a later attempt
    /// failed differently. When true, do not send a new payment: send the same request again
    /// with [`idempotency_key`](Self::idempotency_key), or look the payment up by reference.
    pub fn may_have_been_processed(&self) -> bool {
        self.inner.may_have_been_processed
    }

    /// Whether the failure came from our own input checks (nothing was sent).
    pub fn is_invalid_input(&self) -> bool {
        matches!(self.inner.kind, ErrorKind::InvalidInput(_))
    }

    /// Whether no complete response arrived in time.
    pub fn is_timeout(&self) -> bool {
        matches!(self.inner.kind, ErrorKind::Timeout { .. })
    }

    /// Whether the API answered 404.
    pub fn is_not_found(&self) -> bool {
        matches!(self.inner.kind, ErrorKind::NotFound(_))
    }

    /// Whether the API refused the credentials (401).
    pub fn is_authentication(&self) -> bool {
        matches!(self.inner.kind, ErrorKind::Authentication(_))
    }
}

/// The result type of the core.
pub type Result<T, E = Error> = core::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use alloc::vec;

    #[test]
    fn statuses_map_to_distinct_kinds() {
        type Case = (u16, fn(&ErrorKind) -> bool, bool);
        let cases: &[Case] = &[
            (401, |e| matches!(e, ErrorKind::Authentication(_)), false),
            (403, |e| matches!(e, ErrorKind::NotAllowed(_)), false),
            (404, |e| matches!(e, ErrorKind::NotFound(_)), false),
            (409, |e| matches!(e, ErrorKind::Conflict(_)), false),
            (422, |e| matches!(e, ErrorKind::Validation(_)), false),
            (429, |e| matches!(e, ErrorKind::TooManyRequests(_)), true),
            (500, |e| matches!(e, ErrorKind::Server(_)), true),
            (501, |e| matches!(e, ErrorKind::Server(_)), false),
            (502, |e| matches!(e, ErrorKind::Server(_)), true),
            (503, |e| matches!(e, ErrorKind::Server(_)), true),
            (418, |e| matches!(e, ErrorKind::UnexpectedStatus(_)), false),
            (200, |e| matches!(e, ErrorKind::UnexpectedStatus(_)), false),
        ];
        for (status, is_kind, retryable) in cases {
            let e = Error::from_api(ApiError::new(*status));
            assert!(is_kind(e.kind()), "{status} -> {e:?}");
            assert_eq!(e.is_retryable(), *retryable, "{status}");
            assert_eq!(e.http_status(), Some(*status));
            assert_eq!(e.attempts(), 1);
        }
    }

    #[test]
    fn display_names_status_type_codes_request_id_and_attempts() {
        let e = Error::from_api(ApiError {
            status: 422,
            error_type: Some("request_invalid".into()),
            error_codes: vec!["amount_invalid".into(), "card_expired".into()],
            request_id: Some("0HL80RJLS76I7".into()),
            ..ApiError::default()
        })
        .with_call(3, None, false);
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
        assert!(matches!(timeout.kind(), ErrorKind::Timeout { elapsed: Some(_) }));
        assert!(timeout.may_have_been_processed() && timeout.is_timeout());
        let too_large = Error::from_transport(TransportError::new(TransportErrorKind::BodyTooLarge, "cap"));
        assert!(!too_large.is_retryable());
        assert_eq!(Error::from(InvalidInput::SecretKey("bad")).attempts(), 0);
        assert!(timeout.to_string().contains("timed out"));
    }

    #[test]
    fn may_have_been_processed_is_sticky_across_attempts() {
        // The last attempt was refused before sending, but an earlier one may have charged.
        let e = Error::from_transport(TransportError::not_sent("refused")).with_call(3, None, true);
        assert!(e.may_have_been_processed());
        // And a call whose attempts were never processed says so.
        let e = Error::from_api(ApiError::new(429)).with_call(3, None, false);
        assert!(!e.may_have_been_processed());
    }

    #[test]
    fn an_error_is_one_pointer() {
        assert_eq!(core::mem::size_of::<Error>(), core::mem::size_of::<usize>());
    }
}
