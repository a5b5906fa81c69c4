//! One call of an operation, from start to finish, as a sans-IO state machine.
//!
//! A [`Call`] is made from an [`Operation`], the [`Config`], a [`RetryPolicy`] and an idempotency
//! key fixed **before the first attempt**. It hands out [`Step`]s — send this request, sleep this
//! long, done with this result — and takes each transport result back. It alone counts attempts,
//! keeps the time budget, applies backoff and `Retry-After`, and remembers whether **any**
//! attempt may have reached the server, so a failed call can say truthfully whether a payment
//! may exist, and hand back the key to recover with.
//!
//! Drivers are thin loops: the async [`Client`](crate::client::Client), the
//! [`blocking`](crate::blocking) client, or your own over any I/O stack:
//!
//! ```
//! use checkout_sdk_core::call::{Call, Step};
//! use checkout_sdk_core::config::Config;
//! use checkout_sdk_core::currency::Currency;
//! use checkout_sdk_core::id::IdempotencyKey;
//! use checkout_sdk_core::operation::RequestPayment;
//! use checkout_sdk_core::request::PaymentRequest;
//! use checkout_sdk_core::retry::RetryPolicy;
//! use checkout_sdk_core::source::TokenSource;
//! use checkout_sdk_core::transport::{HttpResponse, TransportError};
//!
//! let config = Config::sandbox("sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e".parse()?);
//! let request = PaymentRequest::builder(TokenSource::new("tok_ubfj2q76miwundwlk72vxt2i7q"), 100, Currency::USD)
//!     .idempotency_key("order-1042-payment".parse::<IdempotencyKey>()?)
//!     .build()?;
//! let op = RequestPayment::new(request);
//! let mut call = Call::new(&op, &config, &RetryPolicy::default(), None)?;
//!
//! // A stand-in for the network: the first attempt's connection drops, the second succeeds.
//! let mut attempts = 0;
//! let mut send = |_request| {
//!     attempts += 1;
//!     if attempts == 1 {
//!         Err(TransportError::interrupted("connection reset"))
//!     } else {
//!         Ok(HttpResponse::new(201, br#"{"id": "pay_mbabizu24mvu3mela5njyhpit4", "approved": true}"#.to_vec()))
//!     }
//! };
//!
//! let mut step = call.start();
//! let payment = loop {
//!     step = match step {
//!         Step::Send(request) => call.received(send(request)),
//!         Step::Sleep(_duration) => call.slept(), // wait `_duration` here, then carry on
//!         Step::Authorize(_) => unreachable!("a secret key needs no OAuth token"),
//!         Step::Done(result) => break result?,
//!     };
//! };
//! assert_eq!(payment.id, "pay_mbabizu24mvu3mela5njyhpit4");
//! assert_eq!(call.attempts(), 2);
//! assert_eq!(payment.idempotency_key().map(|k| k.as_str()), Some("order-1042-payment"));
//! # Ok::<(), checkout_sdk_core::Error>(())
//! ```

use alloc::string::String;
use core::time::Duration;

use crate::config::Config;
use crate::error::{Error, InvalidInput};
use crate::id::IdempotencyKey;
use crate::operation::{Operation, IDEMPOTENCY_KEY_HEADER};
use crate::response::Response;
use crate::retry::RetryPolicy;
use crate::transport::{HttpRequest, HttpResponse, Method, Randomness, TransportError, TransportErrorKind};

/// What the driver must do next.
#[derive(Debug)]
#[must_use = "a step must be carried out and its result fed back to the call"]
pub enum Step<T> {
    /// Send this request with a transport, then pass what happened to [`Call::received`].
    Send(HttpRequest),
    /// Wait this long, then call [`Call::slept`].
    Sleep(Duration),
    /// The credentials are OAuth: get a fresh access token (see [`oauth`](crate::oauth)), then
    /// call [`Call::authorized`] with its `Authorization` value, or [`Call::authorization_failed`].
    Authorize(Authorize),
    /// The call is over.
    Done(Result<Response<T>, Error>),
}

/// Why a call needs an access token.
#[derive(Clone, PartialEq, Eq)]
pub struct Authorize {
    refused: Option<String>,
}

impl Authorize {
    /// The `Authorization` value the API just refused with a 401: do not hand it out again (the
    /// token was revoked or expired early). `None` before the first attempt.
    pub fn refused(&self) -> Option<&str> {
        self.refused.as_deref()
    }
}

impl core::fmt::Debug for Authorize {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Authorize").field("refused", &self.refused.as_ref().map(|_| crate::redact::REDACTED)).finish()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Ready,
    Authorizing,
    Sending { timeout: Option<Duration> },
    Sleeping(Duration),
    Finished,
}

/// One call of an operation: see the [module docs](self).
#[derive(Debug)]
pub struct Call<'a, O: Operation + ?Sized> {
    op: &'a O,
    /// The request every attempt sends; the last possible attempt takes it instead of a copy.
    request: Option<HttpRequest>,
    key: Option<IdempotencyKey>,
    policy: RetryPolicy,
    attempt: u32,
    spent: Duration,
    any_processed: bool,
    random: u64,
    state: State,
    /// The credentials are OAuth: the driver supplies each attempt's token.
    needs_token: bool,
    /// The token was refreshed once after a 401; a second 401 ends the call.
    reauthorized: bool,
}

impl<'a, O: Operation + ?Sized> Call<'a, O> {
    /// Prepares a call of `op`: builds its request once and fixes its idempotency key.
    ///
    /// A `POST` carries the key the operation's request names, or else `fallback_key` (a client
    /// generates one per call); every attempt sends the same key. A `GET` carries none.
    ///
    /// # Errors
    ///
    /// [`InvalidInput`] when the request cannot be built, and
    /// [`InvalidInput::IdempotencyKeyRequired`] for a `POST` with no key at all: it is never
    /// sent, since it could not be retried, or recovered after a failure, without risking a
    /// second charge.
    pub fn new(
        op: &'a O,
        config: &Config,
        policy: &RetryPolicy,
        fallback_key: Option<IdempotencyKey>,
    ) -> Result<Self, Error> {
        let mut request = op.build_request(config)?;
        let key = match request.method {
            Method::Post if !op.is_idempotent() => {
                let key = op.idempotency_key().cloned().or(fallback_key).ok_or(InvalidInput::IdempotencyKeyRequired)?;
                request.headers.insert(IDEMPOTENCY_KEY_HEADER, key.as_str());
                Some(key)
            }
            _ => None,
        };
        let needs_token = config.credentials().oauth().is_some() && !request.headers.contains("authorization");
        Ok(Call {
            op,
            needs_token,
            reauthorized: false,
            request: Some(request),
            key,
            policy: policy.clone(),
            attempt: 0,
            spent: Duration::ZERO,
            any_processed: false,
            random: 0x9e37_79b9_7f4a_7c15,
            state: State::Ready,
        })
    }

    /// Seeds the jitter of the waits between attempts (give each call a random seed, so many
    /// clients failing together do not retry in step). Without it, jitter is deterministic.
    #[must_use]
    pub fn with_jitter_seed(mut self, seed: u64) -> Self {
        self.random = seed;
        self
    }

    /// The idempotency key every attempt carries (`None` for a `GET`).
    pub fn idempotency_key(&self) -> Option<&IdempotencyKey> {
        self.key.as_ref()
    }

    /// How many attempts have been handed out so far.
    pub fn attempts(&self) -> u32 {
        self.attempt
    }

    /// Whether any attempt so far may have reached the server and been acted on.
    pub fn may_have_been_processed(&self) -> bool {
        self.any_processed
    }

    /// How much time the attempts and waits have taken so far, as far as the transport reported
    /// it (the core has no clock).
    pub fn spent(&self) -> Duration {
        self.spent
    }

    /// The first step: send the first attempt (or, with OAuth credentials, get a token first).
    pub fn start(&mut self) -> Step<O::Data> {
        match self.state {
            State::Ready if self.needs_token => {
                self.state = State::Authorizing;
                Step::Authorize(Authorize { refused: None })
            }
            State::Ready => self.send_next(),
            _ => self.out_of_order("start() called twice"),
        }
    }

    /// Feeds back the `Authorization` value (`Bearer <token>`) a [`Step::Authorize`] asked for:
    /// the next attempt is sent with it.
    pub fn authorized(&mut self, authorization: &str) -> Step<O::Data> {
        if self.state != State::Authorizing {
            return self.out_of_order("authorized() without an authorization in progress");
        }
        match self.request.as_mut() {
            Some(request) => request.headers.insert("Authorization", authorization),
            None => return self.out_of_order("no request left to send"),
        }
        self.send_next()
    }

    /// Ends the call with `error`: no access token could be obtained. Nothing more is sent.
    pub fn authorization_failed(&mut self, error: Error) -> Step<O::Data> {
        if self.state != State::Authorizing {
            return self.out_of_order("authorization_failed() without an authorization in progress");
        }
        self.finish(error.in_token_exchange())
    }

    /// Feeds back what the transport made of the last [`Step::Send`].
    pub fn received(&mut self, result: Result<HttpResponse, TransportError>) -> Step<O::Data> {
        let State::Sending { timeout } = self.state else {
            return self.out_of_order("received() without a request in flight");
        };
        let (outcome, elapsed) = match result {
            Ok(response) => {
                let elapsed = response.elapsed;
                #[cfg(feature = "tracing")]
                record_response(&response);
                (self.op.parse_response(response), elapsed)
            }
            Err(e) => {
                // Without a measured time, a timed-out attempt used its whole allowance.
                let elapsed = e.elapsed().or(if e.kind() == TransportErrorKind::TimedOut { timeout } else { None });
                (Err(Error::from_transport(e)), elapsed)
            }
        };
        self.spent = self.spent.saturating_add(elapsed.unwrap_or_default());
        match outcome {
            Err(error) if self.needs_token && !self.reauthorized && error.is_authentication() => {
                // The token was refused (revoked, or expired early): fetch a new one, once.
                self.reauthorized = true;
                self.state = State::Authorizing;
                let refused = self.request.as_ref().and_then(|r| r.headers.get("authorization")).map(String::from);
                Step::Authorize(Authorize { refused })
            }
            Ok(response) => {
                self.state = State::Finished;
                #[cfg(feature = "tracing")]
                tracing::debug!(attempt = self.attempt, "checkout.ok");
                Step::Done(Ok(response.with_idempotency_key(self.key.clone())))
            }
            Err(error) => {
                self.any_processed |= error.may_have_been_processed();
                match self.wait_after(&error) {
                    Some(wait) => {
                        #[cfg(feature = "tracing")]
                        tracing::debug!(attempt = self.attempt, wait_ms = wait.as_millis() as u64, error = %error, "checkout.retry");
                        self.state = State::Sleeping(wait);
                        Step::Sleep(wait)
                    }
                    None => {
                        #[cfg(feature = "tracing")]
                        tracing::warn!(attempt = self.attempt, error = %error, "checkout.failed");
                        self.finish(error)
                    }
                }
            }
        }
    }

    /// Reports that the last [`Step::Sleep`] is over: the next attempt is sent.
    pub fn slept(&mut self) -> Step<O::Data> {
        let State::Sleeping(wait) = self.state else {
            return self.out_of_order("slept() without a sleep in progress");
        };
        self.spent = self.spent.saturating_add(wait);
        self.send_next()
    }

    /// Attempts that count against the retry policy: a token refresh after a 401 is not a retry.
    fn retries_used(&self) -> u32 {
        self.attempt.saturating_sub(u32::from(self.reauthorized))
    }

    fn send_next(&mut self) -> Step<O::Data> {
        self.attempt = self.attempt.saturating_add(1);
        // While a refused token may still be replaced, the request must be kept for that attempt.
        let may_reauthorize = self.needs_token && !self.reauthorized;
        let last_possible = !may_reauthorize && self.retries_used() > self.policy.max_retries;
        let mut request = match (last_possible, self.request.take()) {
            (true, Some(request)) => request,
            (false, Some(request)) => {
                let copy = request.clone();
                self.request = Some(request);
                copy
            }
            (_, None) => return self.out_of_order("no request left to send"),
        };
        if let Some(budget) = self.policy.total_budget {
            let left = budget.saturating_sub(self.spent);
            request.timeout = Some(request.timeout.map_or(left, |t| t.min(left)));
        }
        #[cfg(feature = "tracing")]
        tracing::Span::current().record("attempt", self.attempt);
        self.state = State::Sending { timeout: request.timeout };
        Step::Send(request)
    }

    /// The wait before the next attempt, or `None` to stop with `error`.
    fn wait_after(&mut self, error: &Error) -> Option<Duration> {
        // Every request this machine sends is a GET or a keyed POST: always safe to repeat.
        if !self.policy.should_retry(error, self.retries_used(), true) || self.request.is_none() {
            return None;
        }
        let random = next_random(&mut self.random);
        let wait = self.policy.wait_before(self.retries_used(), error, self.key.is_some(), random)?;
        match self.policy.total_budget {
            // Leave room for the next attempt to do something, not just time out at once.
            Some(budget) if self.spent.saturating_add(wait) >= budget => None,
            _ => Some(wait),
        }
    }

    fn finish(&mut self, error: Error) -> Step<O::Data> {
        self.state = State::Finished;
        self.request = None;
        Step::Done(Err(error.with_call(self.attempt, self.key.clone(), self.any_processed)))
    }

    fn out_of_order(&mut self, why: &'static str) -> Step<O::Data> {
        let error = Error::from(InvalidInput::CallOrder(why));
        if self.attempt == 0 {
            self.state = State::Finished;
            return Step::Done(Err(error));
        }
        self.finish(error)
    }
}

/// The key a `POST` without its own gets from a client: generated from `random`, when the client
/// has one (without one, [`Call::new`] refuses the `POST`).
pub(crate) fn fallback_key<O: Operation + ?Sized>(op: &O, random: Option<&dyn Randomness>) -> Option<IdempotencyKey> {
    if op.method() != Method::Post || op.is_idempotent() || op.idempotency_key().is_some() {
        return None;
    }
    random.map(IdempotencyKey::generate)
}

/// The span a driver keeps entered for a whole call, transport included. Only method, path,
/// attempt, status and the (redacted) request id are recorded: never headers or bodies.
#[cfg(feature = "tracing")]
pub(crate) fn span<O: Operation + ?Sized>(op: &O) -> tracing::Span {
    tracing::info_span!(
        "checkout.call",
        method = %op.method(),
        path = %crate::redact::Redacted(&op.path()),
        attempt = tracing::field::Empty,
        status = tracing::field::Empty,
        request_id = tracing::field::Empty,
    )
}

/// splitmix64: a tiny, well-mixed generator for jitter (not for keys).
fn next_random(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(feature = "tracing")]
fn record_response(response: &HttpResponse) {
    let span = tracing::Span::current();
    span.record("status", response.status);
    if let Some(id) = response.headers.get("cko-request-id") {
        span.record("request_id", tracing::field::display(crate::redact::Redacted(id)));
    }
}
