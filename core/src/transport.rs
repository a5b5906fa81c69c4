//! The seam between the sans-IO core and any I/O stack.
//!
//! The core builds [`HttpRequest`] values and interprets [`HttpResponse`] values; an
//! [`HttpTransport`] moves them over the wire. A transport is one async method, so a new HTTP
//! stack (hyper, an embedded TCP stack, a test fake) is a few lines of glue.
//!
//! Waiting between retries is the other thing the core cannot do on its own: a [`Sleeper`]
//! supplies it.

use alloc::boxed::Box;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;
use core::ops::Deref;
use core::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;

use crate::redact::Redacted;

/// The HTTP methods the Payments API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Method {
    /// `GET`: reads; always safe to retry.
    Get,
    /// `POST`: creates payments and actions; retried only with an idempotency key.
    Post,
}

impl Method {
    /// The method's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Header names compared case-insensitively, values kept in insertion order.
///
/// `Debug` never shows the value of a sensitive header ([`is_sensitive_header`]: `Authorization`
/// carries the secret key) and shows every other name and value redacted by value
/// ([`redact`](crate::redact)).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Headers {
    entries: Vec<(String, String)>,
}

/// Header names whose values are secret and never printed or recorded (a few of many: see
/// [`is_sensitive_header`]).
pub const SENSITIVE_HEADERS: &[&str] = &["authorization", "proxy-authorization", "cookie", "set-cookie"];

/// Whether a header's value must never be printed or recorded: its name says authorization,
/// cookie, key (except the idempotency key), secret, token, password or CVV
/// ([`redact::is_sensitive_header`](crate::redact::is_sensitive_header)).
pub fn is_sensitive_header(name: &str) -> bool {
    crate::redact::is_sensitive_header(name)
}

impl Headers {
    /// An empty header list.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty header list with room for `n` headers.
    pub fn with_capacity(n: usize) -> Self {
        Headers { entries: Vec::with_capacity(n) }
    }

    /// The first value of `name` (case-insensitive).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.entries.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// Whether `name` is present (case-insensitive).
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Sets `name` to `value`, replacing every earlier value of that name.
    pub fn insert(&mut self, name: impl Into<String>, value: impl Into<String>) {
        let name = name.into();
        self.entries.retain(|(n, _)| !n.eq_ignore_ascii_case(&name));
        self.entries.push((name, value.into()));
    }

    /// Adds a value for `name`, keeping earlier ones.
    pub fn append(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.entries.push((name.into(), value.into()));
    }

    /// Removes every value of `name`.
    pub fn remove(&mut self, name: &str) {
        self.entries.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    }

    /// All `(name, value)` pairs in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    /// The number of header lines.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no headers.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl fmt::Debug for Headers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (name, value) in self.iter() {
            map.entry(&Redacted(name), &crate::redact::redact_header_value(name, value));
        }
        map.finish()
    }
}

impl IntoIterator for Headers {
    type Item = (String, String);
    type IntoIter = alloc::vec::IntoIter<(String, String)>;

    /// The owned `(name, value)` pairs in order: a transport can hand them to its HTTP library
    /// without copying them again.
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<N: Into<String>, V: Into<String>> FromIterator<(N, V)> for Headers {
    fn from_iter<I: IntoIterator<Item = (N, V)>>(iter: I) -> Self {
        Headers { entries: iter.into_iter().map(|(n, v)| (n.into(), v.into())).collect() }
    }
}

/// A request body: bytes that are cheap to clone and to hand over.
///
/// Cloning shares the bytes (a reference count, never a copy), so the call machine keeps the
/// request for a retry without copying its body, and [`into_bytes`](Self::into_bytes) gives a
/// transport the [`bytes::Bytes`] that hyper, reqwest and the `http` crate take, again without a
/// copy. `From<Vec<u8>>` keeps the vector's buffer.
///
/// It reads like a byte slice (`Deref<Target = [u8]>`, `AsRef<[u8]>`, and equality with slices
/// and vectors), so `request.body.len()`, `&request.body[..]` and
/// `serde_json::from_slice(&request.body)` work as they would on a `Vec<u8>`.
///
/// `Debug` shows the length only: request bodies can hold card numbers.
///
/// ```
/// use checkout_sdk_core::transport::Body;
///
/// let body = Body::from(br#"{"amount":100}"#.to_vec());
/// let retry = body.clone(); // shares the bytes
/// assert_eq!(retry, body);
/// assert_eq!(&body[..2], b"{\"");
/// assert_eq!(format!("{body:?}"), "Body(<14 bytes>)");
/// ```
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Body(Bytes);

impl Body {
    /// An empty body (a `GET`'s); allocates nothing.
    pub const fn new() -> Self {
        Body(Bytes::new())
    }

    /// A body over bytes that live for the whole program; allocates nothing.
    pub const fn from_static(bytes: &'static [u8]) -> Self {
        Body(Bytes::from_static(bytes))
    }

    /// A body holding a copy of `bytes`.
    pub fn copy_from_slice(bytes: &[u8]) -> Self {
        Body(Bytes::copy_from_slice(bytes))
    }

    /// The bytes.
    pub fn as_slice(&self) -> &[u8] {
        &self.0
    }

    /// The bytes as [`bytes::Bytes`], for an HTTP library that takes them (no copy).
    pub fn into_bytes(self) -> Bytes {
        self.0
    }
}

impl Deref for Body {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl AsRef<[u8]> for Body {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl core::borrow::Borrow<[u8]> for Body {
    fn borrow(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Body(<{} bytes>)", self.0.len())
    }
}

impl From<Vec<u8>> for Body {
    /// Keeps the vector's buffer (no copy).
    fn from(bytes: Vec<u8>) -> Self {
        Body(Bytes::from(bytes))
    }
}

impl From<String> for Body {
    /// Keeps the string's buffer (no copy).
    fn from(text: String) -> Self {
        Body(Bytes::from(text))
    }
}

impl From<Box<[u8]>> for Body {
    /// Keeps the buffer (no copy).
    fn from(bytes: Box<[u8]>) -> Self {
        Body(Bytes::from(bytes))
    }
}

impl From<&'static [u8]> for Body {
    /// Borrows bytes that live for the whole program (no copy).
    fn from(bytes: &'static [u8]) -> Self {
        Body(Bytes::from_static(bytes))
    }
}

impl<const N: usize> From<&'static [u8; N]> for Body {
    /// Borrows bytes that live for the whole program (no copy).
    fn from(bytes: &'static [u8; N]) -> Self {
        Body(Bytes::from_static(bytes))
    }
}

impl From<&'static str> for Body {
    /// Borrows text that lives for the whole program (no copy).
    fn from(text: &'static str) -> Self {
        Body(Bytes::from_static(text.as_bytes()))
    }
}

impl From<Bytes> for Body {
    fn from(bytes: Bytes) -> Self {
        Body(bytes)
    }
}

impl From<Body> for Bytes {
    fn from(body: Body) -> Self {
        body.0
    }
}

impl From<Body> for Vec<u8> {
    /// The buffer itself when nothing else shares it, else a copy.
    fn from(body: Body) -> Self {
        Vec::from(body.0)
    }
}

impl PartialEq<[u8]> for Body {
    fn eq(&self, other: &[u8]) -> bool {
        self.as_slice() == other
    }
}

impl PartialEq<&[u8]> for Body {
    fn eq(&self, other: &&[u8]) -> bool {
        self.as_slice() == *other
    }
}

impl<const N: usize> PartialEq<[u8; N]> for Body {
    fn eq(&self, other: &[u8; N]) -> bool {
        self.as_slice() == other
    }
}

impl<const N: usize> PartialEq<&[u8; N]> for Body {
    fn eq(&self, other: &&[u8; N]) -> bool {
        self.as_slice() == *other
    }
}

impl PartialEq<Vec<u8>> for Body {
    fn eq(&self, other: &Vec<u8>) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl PartialEq<Body> for Vec<u8> {
    fn eq(&self, other: &Body) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl PartialEq<Body> for [u8] {
    fn eq(&self, other: &Body) -> bool {
        self == other.as_slice()
    }
}

/// An HTTP request built by the core, ready for a transport to send.
///
/// `Debug` shows the method, URL and headers redacted by value ([`redact`](crate::redact)) and the
/// body's length only: request bodies can hold card numbers.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// The method.
    pub method: Method,
    /// The absolute URL, e.g. `https://api.sandbox.checkout.com/payments`.
    pub url: String,
    /// Request headers, including `Authorization`.
    pub headers: Headers,
    /// The body (JSON for `POST`, empty for `GET`); cloning it shares the bytes.
    pub body: Body,
    /// The most this attempt may take, as the core's retry budget allows. A transport should use
    /// the smaller of this and its own timeout; `None` means the transport's own.
    pub timeout: Option<Duration>,
}

impl HttpRequest {
    /// The path and query of [`url`](Self::url) (`/payments/pay_...`), or `/` when it has none.
    pub fn path(&self) -> &str {
        path_and_query(&self.url)
    }

    /// The most this attempt may take on a transport whose own limit is `own`: the smaller of
    /// `own` and [`timeout`](Self::timeout). Zero means no time is left: answer
    /// [`TransportError::no_time_left`] without sending.
    pub fn budget(&self, own: Duration) -> Duration {
        self.timeout.map_or(own, |t| t.min(own))
    }
}

/// The path and query of an absolute URL, without scheme and host (`/payments?reference=x`), or
/// `/` when it has none. The one place the SDK takes a URL apart this way.
pub fn path_and_query(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let rest = &url[after_scheme..];
    rest.find('/').map_or("/", |i| &rest[i..])
}

/// A response body read up to a cap, the way every transport must: a declared `Content-Length`
/// over the cap fails before a byte is read, and a body that grows past it fails as soon as it
/// does. Nothing is allocated ahead of the bytes that arrive (the declared length is never
/// trusted for sizing).
///
/// ```
/// use checkout_sdk_core::transport::{CappedBody, TransportErrorKind};
///
/// let mut body = CappedBody::new(8, Some(b"5"))?;
/// body.push(&b"hello"[..])?;
/// assert_eq!(body.push(&b" world"[..]).unwrap_err().kind(), TransportErrorKind::BodyTooLarge);
/// assert!(CappedBody::new(8, Some(b"9")).is_err());
/// # Ok::<(), checkout_sdk_core::transport::TransportError>(())
/// ```
#[derive(Debug)]
pub struct CappedBody {
    max: usize,
    bytes: Vec<u8>,
}

impl CappedBody {
    /// An empty body capped at `max` bytes, refused at once when `content_length` (the header's
    /// value, if any) declares more. A value that is not a number is left to the body itself.
    ///
    /// # Errors
    ///
    /// [`TransportErrorKind::BodyTooLarge`] when the declared length is over `max`.
    pub fn new(max: usize, content_length: Option<&[u8]>) -> Result<Self, TransportError> {
        let declared = content_length
            .and_then(|value| core::str::from_utf8(value).ok())
            .and_then(|text| text.trim().parse::<u64>().ok());
        if declared.is_some_and(|n| n > max as u64) {
            return Err(TransportError::body_too_large(max));
        }
        Ok(CappedBody { max, bytes: Vec::new() })
    }

    /// Appends a chunk as it arrives. The first chunk is taken as it is when it is already owned
    /// (a `Vec<u8>`, or `bytes::Bytes` held once): a body that arrives in one piece is not copied.
    ///
    /// # Errors
    ///
    /// [`TransportErrorKind::BodyTooLarge`] when the body would exceed the cap.
    pub fn push(&mut self, chunk: impl AsRef<[u8]> + Into<Vec<u8>>) -> Result<(), TransportError> {
        if chunk.as_ref().len() > self.max - self.bytes.len() {
            return Err(TransportError::body_too_large(self.max));
        }
        if self.bytes.is_empty() {
            self.bytes = chunk.into();
        } else {
            self.bytes.extend_from_slice(chunk.as_ref());
        }
        Ok(())
    }

    /// The whole body.
    pub fn into_vec(self) -> Vec<u8> {
        self.bytes
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &Redacted(&self.url))
            .field("headers", &self.headers)
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// An HTTP response as a transport received it.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// Response headers.
    pub headers: Headers,
    /// The whole body.
    pub body: Vec<u8>,
    /// How long the exchange took, if the transport measured it (the core has no clock).
    pub elapsed: Option<Duration>,
}

impl HttpResponse {
    /// A response with a status and body, no headers and no timing.
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Self {
        HttpResponse { status, headers: Headers::new(), body: body.into(), elapsed: None }
    }

    /// Adds a header (builder style).
    #[must_use]
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.append(name, value);
        self
    }
}

impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .field("elapsed", &self.elapsed)
            .finish()
    }
}

/// How far a failed exchange got: what the caller needs to know whether a payment might exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The request never left: DNS, connect or TLS failed, or the request was refused locally.
    /// Nothing reached the server.
    NotSent,
    /// No complete response arrived within the timeout. The server may have processed it.
    TimedOut,
    /// The connection failed after the request was (possibly) written: reset, closed mid-body.
    /// The server may have processed it.
    Interrupted,
    /// The response body was larger than the transport's cap. The server processed the request.
    BodyTooLarge,
}

/// A failure to exchange a request and response; carries no body. `Debug` and `Display` show the
/// message redacted by value ([`redact`](crate::redact)).
#[derive(Clone, PartialEq, Eq)]
pub struct TransportError {
    kind: TransportErrorKind,
    message: String,
    elapsed: Option<Duration>,
}

impl TransportError {
    /// A transport error of `kind` with a human-readable `message` (no secrets, no bodies).
    pub fn new(kind: TransportErrorKind, message: impl Into<String>) -> Self {
        TransportError { kind, message: message.into(), elapsed: None }
    }

    /// The request never reached the server.
    pub fn not_sent(message: impl Into<String>) -> Self {
        Self::new(TransportErrorKind::NotSent, message)
    }

    /// No response within `after`.
    pub fn timed_out(after: Duration) -> Self {
        let mut e = Self::new(TransportErrorKind::TimedOut, "no response before the timeout");
        e.elapsed = Some(after);
        e
    }

    /// The connection failed after the request may have been sent.
    pub fn interrupted(message: impl Into<String>) -> Self {
        Self::new(TransportErrorKind::Interrupted, message)
    }

    /// The response body is over the transport's cap of `max` bytes.
    pub fn body_too_large(max: usize) -> Self {
        Self::new(TransportErrorKind::BodyTooLarge, alloc::format!("response body exceeds {max} bytes"))
    }

    /// The attempt's [budget](HttpRequest::budget) is zero: nothing was sent.
    pub fn no_time_left() -> Self {
        Self::not_sent("no time left to send the request (its timeout is zero)")
    }

    /// Records how long the failed attempt took.
    #[must_use]
    pub fn with_elapsed(mut self, elapsed: Duration) -> Self {
        self.elapsed = Some(elapsed);
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// The human-readable description.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// How long the attempt took before failing, if measured.
    pub fn elapsed(&self) -> Option<Duration> {
        self.elapsed
    }

    /// Whether the server may have received (and acted on) the request.
    pub fn may_have_been_sent(&self) -> bool {
        !matches!(self.kind, TransportErrorKind::NotSent)
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            TransportErrorKind::NotSent => "request not sent",
            TransportErrorKind::TimedOut => "timed out",
            TransportErrorKind::Interrupted => "connection failed after sending",
            TransportErrorKind::BodyTooLarge => "response body too large",
        };
        write!(f, "{what}: {}", Redacted(&self.message))
    }
}

impl fmt::Debug for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportError")
            .field("kind", &self.kind)
            .field("message", &Redacted(&self.message))
            .field("elapsed", &self.elapsed)
            .finish()
    }
}

impl core::error::Error for TransportError {}

/// An error and its causes as one line, `outer: inner: ...`, for a transport's
/// [`TransportError`] message: HTTP stacks wrap the cause that says what happened (connection
/// refused, a TLS alert) in errors that only say where. A cause the line already contains is not
/// repeated; at most 8 causes are followed.
///
pub fn error_chain(error: &(dyn core::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    for _ in 0..8 {
        let Some(cause) = source else { break };
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// Sends one HTTP request and returns its response.
///
/// Implementations must not retry on their own (the client's retry policy decides, with
/// idempotency keys), must report failures with the right [`TransportErrorKind`], and should fill
/// in [`HttpResponse::elapsed`] when they have a clock.
///
/// ```
/// use checkout_sdk_core::transport::{HttpRequest, HttpResponse, HttpTransport, TransportError};
///
/// struct Canned;
///
/// #[async_trait::async_trait]
/// impl HttpTransport for Canned {
///     async fn send(&self, _request: HttpRequest) -> Result<HttpResponse, TransportError> {
///         Ok(HttpResponse::new(404, Vec::new()))
///     }
/// }
/// ```
#[async_trait]
pub trait HttpTransport: Send + Sync {
    /// Sends `request` and waits for the whole response.
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError>;
}

#[async_trait]
impl<T: HttpTransport + ?Sized> HttpTransport for alloc::sync::Arc<T> {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        (**self).send(request).await
    }
}

#[async_trait]
impl<T: HttpTransport + ?Sized> HttpTransport for Box<T> {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        (**self).send(request).await
    }
}

/// Waits for a while; the core's only way to pause between retries (it has no clock).
#[async_trait]
pub trait Sleeper: Send + Sync {
    /// Completes after `duration`.
    async fn sleep(&self, duration: Duration);
}

/// A monotonic clock: how the clients tell when a cached OAuth token expires (the core has no
/// clock of its own).
pub trait Clock: Send + Sync {
    /// The time since an arbitrary, fixed origin; never goes backwards.
    fn now(&self) -> Duration;
}

/// `std::time::Instant`, measured from when the clock was made.
#[cfg(feature = "std")]
#[derive(Debug, Clone, Copy)]
pub struct StdClock(std::time::Instant);

#[cfg(feature = "std")]
impl StdClock {
    /// A clock starting now.
    pub fn new() -> Self {
        StdClock(std::time::Instant::now())
    }
}

#[cfg(feature = "std")]
impl Default for StdClock {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(feature = "std")]
impl Clock for StdClock {
    fn now(&self) -> Duration {
        self.0.elapsed()
    }
}

/// A source of random numbers for idempotency keys and retry jitter.
pub trait Randomness: Send + Sync {
    /// A uniformly random `u64`.
    fn next_u64(&self) -> u64;
}

/// The random source a client uses when none is given: [`StdRandomness`] with `std`, none
/// without (then every `POST` must carry its own idempotency key).
pub(crate) fn default_randomness() -> Option<Box<dyn Randomness>> {
    #[cfg(feature = "std")]
    return Some(Box::new(StdRandomness::new()));
    #[cfg(not(feature = "std"))]
    None
}

/// An OS-seeded random source (std's `RandomState`, SipHash over a counter): unpredictable
/// idempotency keys and jitter with no extra dependency.
#[cfg(feature = "std")]
#[derive(Debug)]
pub struct StdRandomness {
    state: std::collections::hash_map::RandomState,
    counter: core::sync::atomic::AtomicU64,
}

#[cfg(feature = "std")]
impl StdRandomness {
    /// A new, randomly keyed source.
    pub fn new() -> Self {
        StdRandomness {
            state: std::collections::hash_map::RandomState::new(),
            counter: core::sync::atomic::AtomicU64::new(0),
        }
    }
}

#[cfg(feature = "std")]
impl Default for StdRandomness {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(feature = "std")]
impl Randomness for StdRandomness {
    fn next_u64(&self) -> u64 {
        use core::hash::{BuildHasher, Hasher};
        let n = self.counter.fetch_add(1, core::sync::atomic::Ordering::Relaxed);
        let mut hasher = self.state.build_hasher();
        hasher.write_u64(n);
        hasher.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;
    use alloc::vec;

    /// An error with an optional cause, for `error_chain`.
    #[derive(Debug)]
    struct Layer(&'static str, Option<&'static Layer>);

    impl fmt::Display for Layer {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
    }

    impl core::error::Error for Layer {
        fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
            self.1.map(|cause| cause as &(dyn core::error::Error + 'static))
        }
    }

    #[test]
    fn an_error_chain_names_each_cause_once() {
        static OS: Layer = Layer("connection refused (os error 111)", None);
        static CONNECT: Layer = Layer("tcp connect error", Some(&OS));
        static CLIENT: Layer = Layer("client error (Connect)", Some(&CONNECT));
        assert_eq!(
            error_chain(&CLIENT),
            "client error (Connect): tcp connect error: connection refused (os error 111)"
        );
        // A cause the text already quotes is not repeated.
        static QUOTING: Layer = Layer("tcp connect error: connection refused (os error 111)", Some(&OS));
        assert_eq!(error_chain(&QUOTING), "tcp connect error: connection refused (os error 111)");
        assert_eq!(error_chain(&OS), "connection refused (os error 111)");
    }

    #[test]
    fn a_capped_body_refuses_declared_and_streamed_excess_and_reads_up_to_the_cap() {
        // A declared length over the cap fails before reading; one at it, or none, or garbage
        // (left to the bytes themselves) does not.
        assert_eq!(CappedBody::new(4, Some(b" 5 ")).map(|_| ()).unwrap_err().kind(), TransportErrorKind::BodyTooLarge);
        for declared in [Some(&b"4"[..]), None, Some(&b"lots"[..]), Some(&b"99999999999999999999999"[..])] {
            let mut body = CappedBody::new(4, declared).expect("not refused by its header");
            body.push(&b"ab"[..]).expect("under the cap");
            body.push(vec![b'c', b'd']).expect("exactly at the cap");
            let error = body.push(&b"e"[..]).unwrap_err();
            assert_eq!(error.kind(), TransportErrorKind::BodyTooLarge);
            assert_eq!(error.message(), "response body exceeds 4 bytes");
        }
        // A single owned chunk is kept as it is, not copied.
        let chunk = vec![1u8, 2, 3];
        let address = chunk.as_ptr();
        let mut body = CappedBody::new(8, None).expect("no header");
        body.push(chunk).expect("under the cap");
        let kept = body.into_vec();
        assert_eq!(kept.as_ptr(), address);
    }

    #[test]
    fn the_budget_is_the_smaller_of_the_request_timeout_and_the_transports() {
        let mut request = HttpRequest {
            method: Method::Get,
            url: "https://api.sandbox.checkout.com/payments?reference=x".into(),
            headers: Headers::new(),
            body: Body::default(),
            timeout: None,
        };
        assert_eq!(request.budget(Duration::from_secs(60)), Duration::from_secs(60));
        request.timeout = Some(Duration::from_secs(2));
        assert_eq!(request.budget(Duration::from_secs(60)), Duration::from_secs(2));
        assert_eq!(request.budget(Duration::from_secs(1)), Duration::from_secs(1));
        assert_eq!(request.path(), "/payments?reference=x");
        assert_eq!(path_and_query("https://host"), "/");
        assert_eq!(path_and_query("/relative/path?q"), "/relative/path?q");
        assert!(!TransportError::no_time_left().may_have_been_sent());
    }

    #[test]
    fn a_body_keeps_the_vector_it_is_made_from_and_clones_share_it() {
        let bytes = vec![b'x'; 300];
        let at = bytes.as_ptr();
        let body = Body::from(bytes);
        let retry = body.clone();
        assert_eq!((body.as_ptr(), retry.as_ptr()), (at, at), "copied");
        assert_eq!(Bytes::from(retry).as_ptr(), at, "copied on the way to an HTTP library");
        assert_eq!(body.len(), 300);
        assert_eq!(body, vec![b'x'; 300]);
    }

    #[test]
    fn a_body_reads_like_a_byte_slice_and_never_shows_its_bytes() {
        let body = Body::from(String::from(r#"{"number":"4242424242424242"}"#));
        assert_eq!(&body[..10], br#"{"number":"#);
        assert_eq!(body.as_ref(), body.as_slice());
        assert!(body == br#"{"number":"4242424242424242"}"#);
        assert_eq!(Body::from("{}"), Body::copy_from_slice(b"{}"));
        assert!(Body::new().is_empty() && Body::default().is_empty());
        let request = HttpRequest {
            method: Method::Post,
            url: "https://api.checkout.com/payments".into(),
            headers: Headers::new(),
            body: body.clone(),
            timeout: None,
        };
        for shown in [format!("{body:?}"), format!("{request:?}")] {
            assert!(!shown.contains("4242"), "{shown}");
            assert!(shown.contains("<29 bytes>"), "{shown}");
        }
    }
}
