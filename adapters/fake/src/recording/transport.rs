//! The fake transport: a FIFO script, routes and closures, and the log of what it received.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use async_trait::async_trait;
use checkout_sdk_core::redact::redact_text;
use checkout_sdk_core::transport::{Headers, HttpRequest, HttpResponse, HttpTransport, Method, TransportError};
use serde_json::Value;

use super::assertion::{RequestAssertion, VOLATILE_HEADERS};
use super::reply::Reply;
use super::request::RecordedRequest;
use super::route::RouteBuilder;

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
/// 3. otherwise the request fails with [`TransportErrorKind::NotSent`](checkout_sdk_core::transport::TransportErrorKind::NotSent) and is noted, so
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
        RouteBuilder::new(self, method, path)
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
                let what = format!("{} {}", request.method, redact_text(request.path()));
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
            Some(request) => RequestAssertion::new(index, request, volatile_headers),
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
