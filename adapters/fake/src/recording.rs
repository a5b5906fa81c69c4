//! A scriptable, recording [`HttpTransport`] for unit tests.
//!
//! [`FakeTransport`] answers requests from a FIFO script of [`Reply`] values, from routes
//! ([`FakeTransport::on`]) and from closures ([`FakeTransport::on_fn`]), records every request it
//! sees, and offers panicking assertion helpers ([`FakeTransport::assert_request`],
//! [`FakeTransport::assert_exhausted`], ...) whose messages never show secrets or card numbers.
//!
//! Its `send` future is ready on the first poll, so it works under any executor, or none (see
//! [`FakeTransport::respond`] for a synchronous entry point).
//!
//! ```
//! use checkout_sdk_core::transport::{Headers, HttpRequest, HttpTransport, Method};
//! use checkout_sdk_fake::recording::{FakeTransport, Reply};
//! use serde_json::json;
//!
//! let fake = FakeTransport::new();
//! fake.push(Reply::json(201, json!({"id": "pay_123", "status": "Authorized"})).header("Cko-Request-Id", "req_1"));
//! fake.on(Method::Get, "/payments/*").reply(Reply::json(200, json!({"id": "pay_123"})));
//!
//! let request = HttpRequest {
//!     method: Method::Post,
//!     url: "https://api.sandbox.checkout.com/payments".into(),
//!     headers: Headers::new(),
//!     body: br#"{"amount":1000,"currency":"GBP"}"#.to_vec(),
//!     timeout: None,
//! };
//! let response = fake.respond(request).unwrap();
//! assert_eq!(response.status, 201);
//!
//! fake.assert_request(0).method(Method::Post).path("/payments").json_body_includes(json!({"amount": 1000}));
//! fake.assert_exhausted();
//! ```
//!
//! The redaction helpers ([`redact_json`], [`redact_text`], [`redact_header_value`]) are shared
//! with the cassettes.

use std::collections::{BTreeMap, VecDeque};
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use checkout_sdk_core::transport::{
    is_sensitive_header, Headers, HttpRequest, HttpResponse, HttpTransport, Method, TransportError, TransportErrorKind,
};
use serde_json::Value;

// ---------------------------------------------------------------------------------------------
// Redaction
// ---------------------------------------------------------------------------------------------

// The one implementation lives in the core; re-exported here for the fake's users.
pub use checkout_sdk_core::redact::{
    contains_secret_key, mask_card_number, redact_json, redact_secret_keys, redact_text, MASKED_CVV, REDACTED,
};

/// Headers that [`RequestAssertion::headers_eq`] ignores unless told otherwise
/// ([`FakeTransport::set_volatile_headers`]): they change from run to run.
pub const VOLATILE_HEADERS: &[&str] = &["Cko-Idempotency-Key", "User-Agent", "Date", "Content-Length"];

/// The value of header `name` as it may be shown or stored: `<redacted>` for sensitive headers
/// ([`is_sensitive_header`]) and for values containing a secret key, else the value itself.
pub fn redact_header_value(name: &str, value: &str) -> String {
    if is_sensitive_header(name) || contains_secret_key(value) {
        REDACTED.to_string()
    } else {
        value.to_string()
    }
}

/// A copy of `headers` with every value passed through [`redact_header_value`].
pub fn redact_headers(headers: &Headers) -> Headers {
    headers.iter().map(|(name, value)| (name.to_string(), redact_header_value(name, value))).collect()
}

/// A body as it may be shown: redacted JSON, redacted text, or its size.
fn describe_body(body: &[u8]) -> String {
    if body.is_empty() {
        return "<empty>".to_string();
    }
    if let Ok(mut value) = serde_json::from_slice::<Value>(body) {
        redact_json(&mut value);
        return value.to_string();
    }
    match std::str::from_utf8(body) {
        Ok(text) => format!("{:?}", redact_text(text)),
        Err(_) => format!("<{} bytes, not UTF-8>", body.len()),
    }
}

/// The path of a URL without scheme, host, query or fragment (`/` when it has none).
fn url_path(url: &str) -> &str {
    let path_and_query = url_path_and_query(url);
    let end = path_and_query.find(['?', '#']).unwrap_or(path_and_query.len());
    &path_and_query[..end]
}

/// The path and query of a URL without scheme and host (`/` when it has none).
fn url_path_and_query(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let rest = &url[after_scheme..];
    rest.find('/').map_or("/", |i| &rest[i..])
}

// ---------------------------------------------------------------------------------------------
// Replies
// ---------------------------------------------------------------------------------------------

/// How long an injected timeout says it waited when the request carried no timeout.
const DEFAULT_FAKE_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, Clone)]
enum ReplyKind {
    Response(HttpResponse),
    /// A timeout; `None` reports the request's own timeout (or 30 s) as elapsed.
    TimedOut(Option<Duration>),
    Error(TransportError),
}

/// One scripted answer: a response, or an injected transport failure.
///
/// ```
/// use checkout_sdk_fake::recording::Reply;
/// use serde_json::json;
///
/// let created = Reply::json(201, json!({"id": "pay_123"})).header("Cko-Request-Id", "req_1");
/// let no_content = Reply::empty(204);
/// let html = Reply::raw(502, "<html>Bad gateway</html>").header("Content-Type", "text/html");
/// let lost = Reply::dropped_after_send();
/// # let _ = (created, no_content, html, lost);
/// ```
#[derive(Debug, Clone)]
pub struct Reply {
    kind: ReplyKind,
}

impl Reply {
    /// A response with a JSON body and `Content-Type: application/json`.
    pub fn json(status: u16, body: Value) -> Self {
        let response =
            HttpResponse::new(status, body.to_string().into_bytes()).with_header("Content-Type", "application/json");
        Reply::response(response)
    }

    /// A response with `body` as is and no headers.
    pub fn raw(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Reply::response(HttpResponse::new(status, body))
    }

    /// A response with an empty body and no headers.
    pub fn empty(status: u16) -> Self {
        Reply::raw(status, Vec::new())
    }

    /// Exactly this response.
    pub fn response(response: HttpResponse) -> Self {
        Reply { kind: ReplyKind::Response(response) }
    }

    /// Fails with exactly this transport error.
    pub fn error(error: TransportError) -> Self {
        Reply { kind: ReplyKind::Error(error) }
    }

    /// Fails with [`TransportErrorKind::TimedOut`] (the server may have processed the request),
    /// reporting the request's timeout (or 30 s when it has none) as elapsed.
    pub fn timeout() -> Self {
        Reply { kind: ReplyKind::TimedOut(None) }
    }

    /// Fails with [`TransportErrorKind::TimedOut`], reporting `after` as elapsed.
    pub fn timeout_after(after: Duration) -> Self {
        Reply { kind: ReplyKind::TimedOut(Some(after)) }
    }

    /// Fails with [`TransportErrorKind::NotSent`]: the connection was refused, nothing reached the
    /// server.
    pub fn connection_refused() -> Self {
        Reply::error(TransportError::not_sent("FakeTransport: connection refused (injected)"))
    }

    /// Fails with [`TransportErrorKind::Interrupted`]: the connection dropped after the request
    /// was sent, so the server got it (and may have acted on it).
    pub fn dropped_after_send() -> Self {
        Reply::error(TransportError::interrupted(
            "FakeTransport: connection dropped after the request was sent (injected)",
        ))
    }

    /// Fails with [`TransportErrorKind::BodyTooLarge`]: the server processed the request but the
    /// response was over the transport's cap.
    pub fn body_too_large() -> Self {
        Reply::error(TransportError::new(
            TransportErrorKind::BodyTooLarge,
            "FakeTransport: response body over the limit (injected)",
        ))
    }

    /// Adds a response header (builder style). Ignored for failures.
    #[must_use]
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        if let ReplyKind::Response(response) = &mut self.kind {
            response.headers.append(name, value);
        }
        self
    }

    /// Whether this reply is an injected failure rather than a response.
    pub fn is_failure(&self) -> bool {
        !matches!(self.kind, ReplyKind::Response(_))
    }

    /// The outcome this reply gives for `request`.
    pub fn into_result(self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        match self.kind {
            ReplyKind::Response(response) => Ok(response),
            ReplyKind::TimedOut(after) => {
                Err(TransportError::timed_out(after.or(request.timeout).unwrap_or(DEFAULT_FAKE_TIMEOUT)))
            }
            ReplyKind::Error(error) => Err(error),
        }
    }
}

impl From<HttpResponse> for Reply {
    fn from(response: HttpResponse) -> Self {
        Reply::response(response)
    }
}

impl From<TransportError> for Reply {
    fn from(error: TransportError) -> Self {
        Reply::error(error)
    }
}

// ---------------------------------------------------------------------------------------------
// Recorded requests
// ---------------------------------------------------------------------------------------------

/// A request as the fake received it (unredacted: compare freely in tests).
///
/// `Debug` hides secrets: sensitive headers and secret keys show as `<redacted>`, and the body is
/// shown with card numbers masked to their last four digits and CVVs as `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// The method.
    pub method: Method,
    /// The absolute URL.
    pub url: String,
    /// The headers, as sent.
    pub headers: Headers,
    /// The body bytes, as sent.
    pub body: Vec<u8>,
    /// The attempt's timeout, as the client set it.
    pub timeout: Option<Duration>,
}

impl RecordedRequest {
    /// The URL's path without query or fragment (`/payments/pay_123`).
    pub fn path(&self) -> &str {
        url_path(&self.url)
    }

    /// The URL's path and query (`/payments?reference=ORD-1`).
    pub fn path_and_query(&self) -> &str {
        url_path_and_query(&self.url)
    }

    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)
    }

    /// The body parsed as JSON, if it is JSON.
    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The body as UTF-8 text, if it is.
    pub fn body_text(&self) -> Option<&str> {
        std::str::from_utf8(&self.body).ok()
    }

    /// The request as an [`HttpRequest`] again.
    pub fn to_http_request(&self) -> HttpRequest {
        HttpRequest {
            method: self.method,
            url: self.url.clone(),
            headers: self.headers.clone(),
            body: self.body.clone(),
            timeout: self.timeout,
        }
    }

    /// `POST /payments`, with secret keys redacted from the path.
    fn describe(&self) -> String {
        format!("{} {}", self.method, redact_secret_keys(self.path_and_query()))
    }
}

impl From<HttpRequest> for RecordedRequest {
    fn from(request: HttpRequest) -> Self {
        RecordedRequest {
            method: request.method,
            url: request.url,
            headers: request.headers,
            body: request.body,
            timeout: request.timeout,
        }
    }
}

impl From<&HttpRequest> for RecordedRequest {
    fn from(request: &HttpRequest) -> Self {
        RecordedRequest::from(request.clone())
    }
}

impl fmt::Debug for RecordedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordedRequest")
            .field("method", &self.method)
            .field("url", &redact_secret_keys(&self.url))
            .field("headers", &redact_headers(&self.headers))
            .field("body", &format_args!("{}", describe_body(&self.body)))
            .field("timeout", &self.timeout)
            .finish()
    }
}

// ---------------------------------------------------------------------------------------------
// The fake
// ---------------------------------------------------------------------------------------------

type Responder = Arc<dyn Fn(&HttpRequest) -> Option<Reply> + Send + Sync>;

struct State {
    script: VecDeque<Reply>,
    routes: Vec<Responder>,
    requests: Vec<RecordedRequest>,
    unanswered: Vec<String>,
    volatile_headers: Vec<String>,
}

impl Default for State {
    fn default() -> Self {
        State {
            script: VecDeque::new(),
            routes: Vec::new(),
            requests: Vec::new(),
            unanswered: Vec::new(),
            volatile_headers: VOLATILE_HEADERS.iter().map(|h| h.to_string()).collect(),
        }
    }
}

/// A scriptable [`HttpTransport`] that records every request.
///
/// For each request, in order:
/// 1. routes and closure responders ([`on`](Self::on), [`on_fn`](Self::on_fn)) are consulted in
///    the order they were added; the first that answers wins, and routes answer every time;
/// 2. otherwise the next reply of the FIFO script ([`push`](Self::push)) is used up;
/// 3. otherwise the request fails with [`TransportErrorKind::NotSent`] and is noted, so
///    [`assert_exhausted`](Self::assert_exhausted) fails.
///
/// Clones share the script, routes and recorded requests. A panic elsewhere while the state is
/// locked does not poison the fake.
#[derive(Clone, Default)]
pub struct FakeTransport {
    state: Arc<Mutex<State>>,
}

impl FakeTransport {
    /// A fake with an empty script and no routes.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds `reply` to the end of the script.
    pub fn push(&self, reply: impl Into<Reply>) -> &Self {
        self.lock().script.push_back(reply.into());
        self
    }

    /// Adds a JSON response to the end of the script.
    pub fn push_json(&self, status: u16, body: Value) -> &Self {
        self.push(Reply::json(status, body))
    }

    /// Adds exactly `response` to the end of the script.
    pub fn push_response(&self, response: HttpResponse) -> &Self {
        self.push(Reply::response(response))
    }

    /// Adds a failure to the end of the script.
    pub fn push_error(&self, error: TransportError) -> &Self {
        self.push(Reply::error(error))
    }

    /// Starts a route for `method` and `path`, answering every matching request (before the
    /// script is consulted); finish it with [`RouteBuilder::reply`].
    ///
    /// `path` is matched against the URL's path without query. It is exact unless it holds
    /// wildcards: `*` matches within one segment (`/payments/*/captures`), `**` matches anything,
    /// slashes included (`/payments/**`).
    pub fn on(&self, method: Method, path: &str) -> RouteBuilder<'_> {
        RouteBuilder { fake: self, method, pattern: path.to_string() }
    }

    /// Adds a closure responder, consulted (with the routes, in order) before the script: it
    /// answers when it returns `Some`.
    pub fn on_fn<F>(&self, responder: F) -> &Self
    where
        F: Fn(&HttpRequest) -> Option<Reply> + Send + Sync + 'static,
    {
        self.lock().routes.push(Arc::new(responder));
        self
    }

    /// Sets the headers [`RequestAssertion::headers_eq`] ignores (case-insensitive), replacing
    /// the default [`VOLATILE_HEADERS`].
    pub fn set_volatile_headers<I, S>(&self, names: I) -> &Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.lock().volatile_headers = names.into_iter().map(Into::into).collect();
        self
    }

    /// Answers `request` synchronously, exactly as [`HttpTransport::send`] does.
    pub fn respond(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let (index, routes) = {
            let mut state = self.lock();
            state.requests.push(RecordedRequest::from(&request));
            (state.requests.len() - 1, state.routes.clone())
        };
        // Responders run unlocked, so they may inspect the fake themselves.
        if let Some(reply) = routes.iter().find_map(|responder| responder(&request)) {
            return reply.into_result(&request);
        }
        let mut state = self.lock();
        match state.script.pop_front() {
            Some(reply) => {
                drop(state);
                reply.into_result(&request)
            }
            None => {
                let what = format!("{} {}", request.method, redact_secret_keys(request.path()));
                state.unanswered.push(format!("request #{index}: {what}"));
                Err(TransportError::not_sent(format!(
                    "FakeTransport: no scripted reply for {what} (script exhausted after {index} requests)"
                )))
            }
        }
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.lock().requests.clone()
    }

    /// Request number `index` (from 0), if there was one.
    pub fn request(&self, index: usize) -> Option<RecordedRequest> {
        self.lock().requests.get(index).cloned()
    }

    /// The latest request, if any.
    pub fn last_request(&self) -> Option<RecordedRequest> {
        self.lock().requests.last().cloned()
    }

    /// How many requests were received.
    pub fn request_count(&self) -> usize {
        self.lock().requests.len()
    }

    /// How many scripted replies are still unused.
    pub fn remaining_replies(&self) -> usize {
        self.lock().script.len()
    }

    /// The requests that found neither a route nor a scripted reply (`request #3: POST /payments`).
    pub fn unanswered(&self) -> Vec<String> {
        self.lock().unanswered.clone()
    }

    /// Forgets the recorded requests and unanswered requests; keeps the script and routes.
    pub fn clear_requests(&self) {
        let mut state = self.lock();
        state.requests.clear();
        state.unanswered.clear();
    }

    /// Starts assertions on request number `index` (from 0).
    ///
    /// # Panics
    /// If fewer than `index + 1` requests were received.
    #[track_caller]
    pub fn assert_request(&self, index: usize) -> RequestAssertion {
        let state = self.lock();
        let volatile_headers = state.volatile_headers.clone();
        let count = state.requests.len();
        let request = state.requests.get(index).cloned();
        drop(state);
        match request {
            Some(request) => RequestAssertion { index, request, volatile_headers },
            None => panic!(
                "FakeTransport: expected request #{index} (at least {} requests), but only {count} were received",
                index + 1
            ),
        }
    }

    /// Starts assertions on the latest request.
    ///
    /// # Panics
    /// If no request was received.
    #[track_caller]
    pub fn assert_last_request(&self) -> RequestAssertion {
        let count = self.request_count();
        if count == 0 {
            panic!("FakeTransport: expected a request, but none was received");
        }
        self.assert_request(count - 1)
    }

    /// Asserts exactly `expected` requests were received.
    ///
    /// # Panics
    /// If the count differs; the message lists the requests received.
    #[track_caller]
    pub fn assert_request_count(&self, expected: usize) {
        let requests = self.requests();
        if requests.len() != expected {
            let list: Vec<String> = requests.iter().map(RecordedRequest::describe).collect();
            panic!("FakeTransport: expected {expected} requests, got {}: [{}]", requests.len(), list.join(", "));
        }
    }

    /// Asserts request number `index` has the `expected` headers, ignoring the volatile ones
    /// (see [`RequestAssertion::headers_eq`]).
    ///
    /// # Panics
    /// If there is no such request or the headers differ.
    #[track_caller]
    pub fn assert_headers_eq(&self, index: usize, expected: &Headers) {
        self.assert_request(index).headers_eq(expected);
    }

    /// Asserts every scripted reply was used and every request was answered.
    ///
    /// # Panics
    /// If replies are left in the script, or a request found no reply.
    #[track_caller]
    pub fn assert_exhausted(&self) {
        let state = self.lock();
        let remaining = state.script.len();
        let unanswered = state.unanswered.clone();
        let received = state.requests.len();
        drop(state);
        let mut problems = Vec::new();
        if remaining > 0 {
            problems.push(format!("{remaining} scripted replies were never used ({received} requests received)"));
        }
        if !unanswered.is_empty() {
            problems.push(format!(
                "{} requests found no scripted reply: [{}]",
                unanswered.len(),
                unanswered.join(", ")
            ));
        }
        if !problems.is_empty() {
            panic!("FakeTransport: not exhausted: {}", problems.join("; "));
        }
    }
}

impl fmt::Debug for FakeTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("FakeTransport")
            .field("remaining_replies", &state.script.len())
            .field("routes", &state.routes.len())
            .field("requests", &state.requests.len())
            .field("unanswered", &state.unanswered.len())
            .finish()
    }
}

#[async_trait]
impl HttpTransport for FakeTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.respond(request)
    }
}

/// A route being added with [`FakeTransport::on`]; [`reply`](Self::reply) registers it.
#[must_use = "a route does nothing until .reply(...) registers it"]
pub struct RouteBuilder<'a> {
    fake: &'a FakeTransport,
    method: Method,
    pattern: String,
}

impl<'a> RouteBuilder<'a> {
    /// Answers every matching request with `reply`.
    pub fn reply(self, reply: impl Into<Reply>) -> &'a FakeTransport {
        let reply = reply.into();
        self.reply_with(move |_| reply.clone())
    }

    /// Answers every matching request with a JSON response.
    pub fn reply_json(self, status: u16, body: Value) -> &'a FakeTransport {
        self.reply(Reply::json(status, body))
    }

    /// Answers every matching request with what `responder` makes of it.
    pub fn reply_with<F>(self, responder: F) -> &'a FakeTransport
    where
        F: Fn(&HttpRequest) -> Reply + Send + Sync + 'static,
    {
        let RouteBuilder { fake, method, pattern } = self;
        fake.on_fn(move |request| {
            (request.method == method && path_matches(&pattern, url_path(&request.url))).then(|| responder(request))
        })
    }
}

impl fmt::Debug for RouteBuilder<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RouteBuilder").field("method", &self.method).field("pattern", &self.pattern).finish()
    }
}

/// Whether `path` matches `pattern`: exact, with `*` matching within a segment and `**` matching
/// anything.
fn path_matches(pattern: &str, path: &str) -> bool {
    glob(pattern.as_bytes(), path.as_bytes())
}

fn glob(pattern: &[u8], text: &[u8]) -> bool {
    match pattern {
        [] => text.is_empty(),
        [b'*', b'*', rest @ ..] => (0..=text.len()).any(|i| glob(rest, &text[i..])),
        [b'*', rest @ ..] => {
            let segment_end = text.iter().position(|c| *c == b'/').unwrap_or(text.len());
            (0..=segment_end).any(|i| glob(rest, &text[i..]))
        }
        [c, rest @ ..] => text.first() == Some(c) && glob(rest, &text[1..]),
    }
}

// ---------------------------------------------------------------------------------------------
// Assertions
// ---------------------------------------------------------------------------------------------

/// Assertions on one recorded request, from [`FakeTransport::assert_request`].
///
/// Each method panics (like `assert_eq!`) with the expected and actual values, secrets and card
/// data redacted, and returns `&Self` so checks chain.
#[derive(Debug, Clone)]
pub struct RequestAssertion {
    index: usize,
    request: RecordedRequest,
    volatile_headers: Vec<String>,
}

impl RequestAssertion {
    /// The request under test.
    pub fn request(&self) -> &RecordedRequest {
        &self.request
    }

    #[track_caller]
    fn fail(&self, what: impl fmt::Display) -> ! {
        panic!("FakeTransport: request #{} ({}): {what}", self.index, self.request.describe())
    }

    /// Asserts the method.
    ///
    /// # Panics
    /// If it differs.
    #[track_caller]
    pub fn method(&self, expected: Method) -> &Self {
        if self.request.method != expected {
            self.fail(format_args!("expected method {expected}, got {}", self.request.method));
        }
        self
    }

    /// Asserts the path: without query, unless `expected` has a `?`.
    ///
    /// # Panics
    /// If it differs.
    #[track_caller]
    pub fn path(&self, expected: &str) -> &Self {
        let actual = if expected.contains('?') { self.request.path_and_query() } else { self.request.path() };
        if actual != expected {
            self.fail(format_args!(
                "expected path {:?}, got {:?}",
                redact_secret_keys(expected),
                redact_secret_keys(actual)
            ));
        }
        self
    }

    /// Asserts header `name` (case-insensitive) has the value `expected`.
    ///
    /// # Panics
    /// If the header is missing or differs; sensitive values are not shown.
    #[track_caller]
    pub fn header(&self, name: &str, expected: &str) -> &Self {
        match self.request.headers.get(name) {
            None => self.fail(format_args!(
                "expected header {name}: {:?}, but it is missing",
                redact_header_value(name, expected)
            )),
            Some(actual) if actual != expected => {
                let (shown_expected, shown_actual) =
                    (redact_header_value(name, expected), redact_header_value(name, actual));
                if shown_expected == shown_actual {
                    self.fail(format_args!("header {name} differs from the expected value (values redacted)"))
                }
                self.fail(format_args!("expected header {name}: {shown_expected:?}, got {shown_actual:?}"))
            }
            Some(_) => self,
        }
    }

    /// Asserts header `name` (case-insensitive) is present.
    ///
    /// # Panics
    /// If it is missing; the message lists the header names present.
    #[track_caller]
    pub fn has_header(&self, name: &str) -> &Self {
        if !self.request.headers.contains(name) {
            let names: Vec<&str> = self.request.headers.iter().map(|(n, _)| n).collect();
            self.fail(format_args!("expected a {name} header, but it is missing (present: {names:?})"));
        }
        self
    }

    /// Asserts header `name` (case-insensitive) is absent.
    ///
    /// # Panics
    /// If it is present.
    #[track_caller]
    pub fn no_header(&self, name: &str) -> &Self {
        if let Some(value) = self.request.headers.get(name) {
            self.fail(format_args!("expected no {name} header, got {:?}", redact_header_value(name, value)));
        }
        self
    }

    /// Asserts the headers equal `expected`, ignoring the fake's volatile headers
    /// ([`VOLATILE_HEADERS`] unless [`FakeTransport::set_volatile_headers`] changed them). Names
    /// are case-insensitive and their order is irrelevant; the values of one name keep their order.
    ///
    /// # Panics
    /// If they differ; the message lists the missing, unexpected and different headers.
    #[track_caller]
    pub fn headers_eq(&self, expected: &Headers) -> &Self {
        let ignore: Vec<&str> = self.volatile_headers.iter().map(String::as_str).collect();
        self.headers_eq_ignoring(expected, &ignore)
    }

    /// Asserts the headers equal `expected`, ignoring the headers named in `ignore`.
    ///
    /// # Panics
    /// If they differ.
    #[track_caller]
    pub fn headers_eq_ignoring(&self, expected: &Headers, ignore: &[&str]) -> &Self {
        let problems = header_differences(expected, &self.request.headers, ignore);
        if !problems.is_empty() {
            self.fail(format_args!("headers differ (ignoring {ignore:?}): {}", problems.join("; ")));
        }
        self
    }

    /// Asserts the body is empty.
    ///
    /// # Panics
    /// If it is not.
    #[track_caller]
    pub fn empty_body(&self) -> &Self {
        if !self.request.body.is_empty() {
            self.fail(format_args!("expected an empty body, got {}", describe_body(&self.request.body)));
        }
        self
    }

    #[track_caller]
    fn actual_json(&self) -> Value {
        match self.request.json() {
            Some(value) => value,
            None => self.fail(format_args!("expected a JSON body, got {}", describe_body(&self.request.body))),
        }
    }

    /// Asserts the body is JSON structurally equal to `expected` (object key order irrelevant).
    ///
    /// # Panics
    /// If the body is not JSON or differs; the message names the first difference.
    #[track_caller]
    pub fn json_body(&self, expected: Value) -> &Self {
        let actual = self.actual_json();
        if let Some(difference) = json_difference(&expected, &actual, false) {
            self.fail(format_args!("JSON body differs {difference}"));
        }
        self
    }

    /// Asserts the body is JSON that includes `expected`: every key of an expected object must be
    /// present (recursively) with a matching value; arrays must have the same length and match
    /// element by element; other values must be equal.
    ///
    /// # Panics
    /// If the body is not JSON or does not include `expected`.
    #[track_caller]
    pub fn json_body_includes(&self, expected: Value) -> &Self {
        let actual = self.actual_json();
        if let Some(difference) = json_difference(&expected, &actual, true) {
            self.fail(format_args!("JSON body does not include the expected value: {difference}"));
        }
        self
    }
}

#[derive(Clone)]
enum Segment {
    Key(String),
    Index(usize),
}

fn display_path(path: &[Segment]) -> String {
    let mut out = String::from("$");
    for segment in path {
        match segment {
            Segment::Key(key) => {
                out.push('.');
                out.push_str(key);
            }
            Segment::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

fn lookup<'v>(value: &'v Value, path: &[Segment]) -> Option<&'v Value> {
    path.iter().try_fold(value, |v, segment| match segment {
        Segment::Key(key) => v.get(key.as_str()),
        Segment::Index(i) => v.get(*i),
    })
}

/// Where `actual` first departs from `expected`, or `None` when they agree.
fn first_difference(expected: &Value, actual: &Value, subset: bool, path: &mut Vec<Segment>) -> Option<String> {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (key, e_value) in e {
                path.push(Segment::Key(key.clone()));
                match a.get(key) {
                    None => return Some("missing key".to_string()),
                    Some(a_value) => {
                        if let Some(found) = first_difference(e_value, a_value, subset, path) {
                            return Some(found);
                        }
                    }
                }
                path.pop();
            }
            if !subset {
                if let Some(key) = a.keys().find(|k| !e.contains_key(*k)) {
                    path.push(Segment::Key(key.clone()));
                    return Some("unexpected key".to_string());
                }
            }
            None
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                return Some(format!("expected an array of {} elements, got {}", e.len(), a.len()));
            }
            for (i, (e_item, a_item)) in e.iter().zip(a).enumerate() {
                path.push(Segment::Index(i));
                if let Some(found) = first_difference(e_item, a_item, subset, path) {
                    return Some(found);
                }
                path.pop();
            }
            None
        }
        _ if expected == actual => None,
        _ => Some("values differ".to_string()),
    }
}

/// A description of where `actual` departs from `expected`, with both sides redacted.
pub(crate) fn json_difference(expected: &Value, actual: &Value, subset: bool) -> Option<String> {
    let mut path = Vec::new();
    let reason = first_difference(expected, actual, subset, &mut path)?;
    let mut shown_expected = expected.clone();
    let mut shown_actual = actual.clone();
    redact_json(&mut shown_expected);
    redact_json(&mut shown_actual);
    let show = |v: Option<&Value>| v.map_or_else(|| "<absent>".to_string(), Value::to_string);
    let at_expected = lookup(&shown_expected, &path);
    let at_actual = lookup(&shown_actual, &path);
    let detail = if at_expected == at_actual && at_expected.is_some() {
        "the values differ only in redacted content".to_string()
    } else {
        format!("expected {}, got {}", show(at_expected), show(at_actual))
    };
    Some(format!(
        "at {} ({reason}): {detail}\n  expected: {shown_expected}\n  actual:   {shown_actual}",
        display_path(&path)
    ))
}

/// `name -> (name as written, values)` for the headers not in `ignore`.
fn group_headers<'h>(headers: &'h Headers, ignore: &[&str]) -> BTreeMap<String, (&'h str, Vec<&'h str>)> {
    let mut groups: BTreeMap<String, (&str, Vec<&str>)> = BTreeMap::new();
    for (name, value) in headers.iter() {
        if ignore.iter().any(|i| i.eq_ignore_ascii_case(name)) {
            continue;
        }
        groups.entry(name.to_ascii_lowercase()).or_insert_with(|| (name, Vec::new())).1.push(value);
    }
    groups
}

fn header_differences(expected: &Headers, actual: &Headers, ignore: &[&str]) -> Vec<String> {
    let expected = group_headers(expected, ignore);
    let actual = group_headers(actual, ignore);
    let shown =
        |name: &str, values: &[&str]| -> Vec<String> { values.iter().map(|v| redact_header_value(name, v)).collect() };
    let mut problems = Vec::new();
    for (key, (name, e_values)) in &expected {
        match actual.get(key) {
            None => problems.push(format!("missing {name}: {:?}", shown(name, e_values))),
            Some((_, a_values)) if a_values != e_values => {
                let (e_shown, a_shown) = (shown(name, e_values), shown(name, a_values));
                if e_shown == a_shown {
                    problems.push(format!("{name} differs (values redacted)"));
                } else {
                    problems.push(format!("{name}: expected {e_shown:?}, got {a_shown:?}"));
                }
            }
            Some(_) => {}
        }
    }
    for (key, (name, a_values)) in &actual {
        if !expected.contains_key(key) {
            problems.push(format!("unexpected {name}: {:?}", shown(name, a_values)));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secret_keys_are_found_at_word_boundaries_only() {
        assert!(contains_secret_key("Bearer sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e"));
        assert!(contains_secret_key("sk_test_fde517a8-3f01-41ef-b4bd-4282384b0a64"));
        assert!(!contains_secret_key("risk_assessment_enabled_flag"));
        assert!(!contains_secret_key("sk_short"));
        assert_eq!(
            redact_secret_keys("https://x/y?key=sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e&a=1"),
            "https://x/y?key=<redacted>&a=1"
        );
    }

    #[test]
    fn card_numbers_keep_their_last_four_digits() {
        assert_eq!(mask_card_number("4242 4242-4242 4242").as_deref(), Some("************4242"));
        assert_eq!(mask_card_number("4155552671"), None);
        assert_eq!(redact_text("pan=4242424242424242;id=12"), "pan=************4242;id=12");
    }

    #[test]
    fn redaction_is_idempotent_and_covers_numbers() {
        let mut value = json!({
            "source": {"number": 4242424242424242u64, "CVV": 100, "expiry_year": 2030},
            "phone": {"number": "4155552671"},
            "api_key": "abc",
            "list": ["sk_test_fde517a8-3f01-41ef-b4bd-4282384b0a64", 1],
        });
        redact_json(&mut value);
        let once = value.clone();
        redact_json(&mut value);
        assert_eq!(value, once);
        assert_eq!(
            value,
            json!({
                "source": {"number": "************4242", "CVV": "***", "expiry_year": 2030},
                "phone": {"number": "4155552671"},
                "api_key": "<redacted>",
                "list": ["<redacted>", 1],
            })
        );
    }

    #[test]
    fn globs_match_segments() {
        assert!(path_matches("/payments", "/payments"));
        assert!(!path_matches("/payments", "/payments/x"));
        assert!(path_matches("/payments/*/captures", "/payments/pay_1/captures"));
        assert!(!path_matches("/payments/*/captures", "/payments/a/b/captures"));
        assert!(path_matches("/payments/**", "/payments/a/b"));
        assert!(!path_matches("/payments/**", "/payments"));
        assert!(path_matches("/pay*", "/payments"));
    }
}
