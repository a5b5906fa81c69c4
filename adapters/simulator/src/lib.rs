//! # checkout-sdk-simulator
//!
//! An in-memory simulator of the Checkout.com sandbox that speaks the real wire protocol.
//!
//! [`Simulator::handle`] takes an [`HttpRequest`] (method, absolute URL, headers, JSON body) and
//! answers like the sandbox would: same paths, status codes, headers and JSON bodies, following
//! the sandbox's documented test cards and amount-triggered response codes. It is a pure,
//! synchronous state machine: the `checkout-sdk-sandbox` crate serves it over HTTP, and the
//! [`HttpTransport`] impl here runs it in memory, so the SDK can be tested end to end with no
//! network and no key.
//!
//! ## How a request flows
//!
//! Every request goes through the same stages, in one direction, under one lock: the request
//! target is parsed (`target`) and routed to a route family (`router`); faults are rolled
//! (`faults`); the key is checked (`auth`); the idempotency key is looked up (`idempotency`);
//! the route family handles it (`payments`, `actions`, `vault`, `redirects`, `dashboard`, ...) against the shared
//! domain state (`ledger`); and the reply is rendered (`reply`) and, for an idempotent POST,
//! remembered.
//!
//! What it is not: a complete model of Checkout.com. Only the payment routes (`/payments` and
//! payouts, list and search, its actions, captures, refunds, voids, incremental authorizations,
//! reversals and cancellations), card tokens, the OAuth token exchange and the redirect pages it
//! serves itself are simulated; the rules it invents where the sandbox is silent are listed in the
//! crate's README.
//!
//! ```
//! use checkout_sdk_core::transport::{Headers, HttpRequest, Method};
//! use checkout_sdk_simulator::Simulator;
//!
//! let sim = Simulator::seeded(42);
//! let mut headers = Headers::new();
//! headers.insert("Authorization", "Bearer sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e");
//! let body = serde_json::json!({
//!     "source": {"type": "card", "number": "4242424242424242", "expiry_month": 6, "expiry_year": 2030},
//!     "amount": 1000,
//!     "currency": "USD",
//!     "processing_channel_id": "pc_q4dbxom5jbgudnjzjpz7j2z6uq", // new-format keys need one
//! });
//! let request = HttpRequest {
//!     method: Method::Post,
//!     url: "https://api.sandbox.checkout.com/payments".into(),
//!     headers,
//!     body: body.to_string().into(),
//!     timeout: None,
//! };
//! let exchange = sim.handle(&request);
//! assert_eq!(exchange.response.status, 201);
//! let payment: serde_json::Value = serde_json::from_slice(&exchange.response.body).unwrap();
//! assert_eq!(payment["status"], "Authorized");
//! assert_eq!(sim.payment_count(), 1);
//! ```

mod access;
mod actions;
mod auth;
mod authorizations;
mod clock;
mod dashboard;
mod faults;
mod form;
mod idempotency;
mod ids;
mod ledger;
mod limits;
mod payments;
mod payouts;
mod pipeline;
mod redirects;
mod reply;
mod retention;
mod retries;
mod reversals;
mod router;
mod rules;
mod search;
mod target;
pub mod test_cards;
mod validation;
mod vault;
mod webhooks;

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use checkout_sdk_core::transport::{HttpRequest, HttpResponse, HttpTransport, Sleeper, TransportError};

pub use faults::{Fault, Faults};
pub use limits::Limits;
pub use webhooks::{
    AttemptOutcome, DeliveryState, InvalidEndpoint, OutgoingWebhook, WebhookDelivery, WebhookDeliveryId,
    WebhookEndpoint,
};

use pipeline::State;
use vault::CardInput;

/// The largest request body the simulator accepts; larger ones get 413.
pub const MAX_BODY_BYTES: usize = pipeline::MAX_BODY;

/// The outcome of one request: the response, and how the transport should deliver it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Exchange {
    /// The response, exactly as the API would send it.
    pub response: HttpResponse,
    /// Injected latency: wait this long before answering.
    pub delay: Option<Duration>,
    /// The request was processed, but the connection must be dropped instead of answering.
    pub drop_response: bool,
}

impl Exchange {
    /// The response, ignoring delay and drop instructions.
    pub fn into_response(self) -> HttpResponse {
        self.response
    }
}

/// Why a redirect could not be completed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RedirectError {
    /// No pending payment has this session (or payment) id.
    UnknownSession,
    /// The payment's redirect was already completed.
    NotPending,
}

impl fmt::Display for RedirectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RedirectError::UnknownSession => "no payment has this session id",
            RedirectError::NotPending => "the payment is not pending any more",
        })
    }
}

impl std::error::Error for RedirectError {}

/// Card details for [`Simulator::create_token`].
///
/// `Debug` shows only the last four digits.
#[derive(Clone, PartialEq, Eq)]
pub struct CardDetails {
    /// The card number, digits only.
    pub number: String,
    /// The expiry month, 1-12.
    pub expiry_month: u32,
    /// The four-digit expiry year.
    pub expiry_year: u32,
    /// The cardholder's name.
    pub name: Option<String>,
}

impl CardDetails {
    /// Card details with no name.
    pub fn new(number: impl Into<String>, expiry_month: u32, expiry_year: u32) -> Self {
        CardDetails { number: number.into(), expiry_month, expiry_year, name: None }
    }

    /// Sets the cardholder's name (builder style).
    #[must_use]
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }
}

impl fmt::Debug for CardDetails {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let last4 = self.number.get(self.number.len().saturating_sub(4)..).unwrap_or_default();
        f.debug_struct("CardDetails")
            .field("number", &format_args!("<redacted, last4 {last4:?}>"))
            .field("expiry_month", &self.expiry_month)
            .field("expiry_year", &self.expiry_year)
            .field("name", &self.name)
            .finish()
    }
}

/// The simulator. Clones share the same state; each request is handled under one lock, so
/// concurrent requests never lose or duplicate a payment.
#[derive(Clone)]
pub struct Simulator {
    state: Arc<Mutex<State>>,
    sleeper: Option<Arc<dyn Sleeper>>,
}

impl Simulator {
    /// A simulator with random ids (seeded from the time and an address) and the system clock.
    pub fn new() -> Self {
        Self::with_state(State::new(None))
    }

    /// A reproducible simulator: the same seed gives the same ids, request ids, injected faults
    /// and timestamps on every run. Its clock starts at 2026-01-01T00:00:00Z and moves one second
    /// per request handled.
    pub fn seeded(seed: u64) -> Self {
        Self::with_state(State::new(Some(seed)))
    }

    fn with_state(state: State) -> Self {
        Simulator { state: Arc::new(Mutex::new(state)), sleeper: None }
    }

    /// Uses `sleeper` to apply injected latency when used as an [`HttpTransport`] (without one,
    /// latency is reported in `elapsed` but not waited for).
    #[must_use]
    pub fn with_sleeper(mut self, sleeper: Arc<dyn Sleeper>) -> Self {
        self.sleeper = Some(sleeper);
        self
    }

    /// Keeps what the simulator stores within `limits` (see [`Limits`]), forgetting the oldest
    /// records at once if there are more.
    #[must_use]
    pub fn with_limits(self, limits: Limits) -> Self {
        self.lock().set_limits(limits);
        self
    }

    /// The limits on what the simulator stores.
    pub fn limits(&self) -> Limits {
        self.lock().limits()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // `handle` never panics, but a panicking caller-side thread must not wedge the simulator.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Handles one request: routing, authentication, faults, idempotency and the payment rules.
    /// Never panics, whatever the request holds.
    pub fn handle(&self, request: &HttpRequest) -> Exchange {
        self.lock().handle(request)
    }

    /// The standing fault settings.
    pub fn faults(&self) -> Faults {
        self.lock().faults.standing().clone()
    }

    /// Replaces the standing fault settings.
    pub fn set_faults(&self, faults: Faults) {
        self.lock().faults.set_standing(faults);
    }

    /// Queues a one-shot fault for the next eligible request (see [`Faults::all_routes`]).
    pub fn inject_next(&self, fault: Fault) {
        self.lock().faults.queue(fault);
    }

    /// How many queued one-shot faults are still waiting.
    pub fn queued_faults(&self) -> usize {
        self.lock().faults.queued()
    }

    /// Removes every standing and queued fault.
    pub fn clear_faults(&self) {
        self.lock().faults.clear();
    }

    /// How many payments are kept (approved, declined or pending; not refused ones; not the
    /// oldest ones forgotten beyond the [`Limits`]).
    pub fn payment_count(&self) -> usize {
        self.lock().ledger.payments.len()
    }

    /// How many idempotency records are kept.
    pub fn idempotency_records(&self) -> usize {
        self.lock().idempotency.len()
    }

    /// How many payments carry `reference`.
    pub fn payments_with_reference(&self, reference: &str) -> usize {
        self.lock().ledger.payments.with_reference(reference)
    }

    /// A payment (or payout) as `GET /payments/{id}` would show it (by `pay_` or `sid_` id), linked
    /// through the base URL it was created with. Never includes a full card number.
    pub fn payment(&self, id: &str) -> Option<serde_json::Value> {
        payments::stored_json(&self.lock().ledger, id)
    }

    /// Creates a single-use card token, as `POST /tokens` does. The details are not checked
    /// here: a payment with the token fails with the usual 422 codes if they are invalid.
    pub fn create_token(&self, card: &CardDetails) -> String {
        let input = CardInput {
            number: card.number.clone(),
            expiry_month: card.expiry_month,
            expiry_year: card.expiry_year,
            name: card.name.clone(),
            billing_address: None,
            phone: None,
        };
        vault::create_token(&mut self.lock().ledger, input).0
    }

    /// Completes a pending 3-D Secure or APM redirect, as the cardholder would on the redirect
    /// page. `session` is the `sid_` id (a `pay_` id works too).
    pub fn complete_redirect(&self, session: &str, success: bool) -> Result<(), RedirectError> {
        let mut state = self.lock();
        state.ledger.clock.tick();
        redirects::complete(&mut state.ledger, None, session, success).map(|_| ())
    }

    /// Moves the simulator's clock forward (to expire tokens or cards).
    pub fn advance_clock(&self, by: Duration) {
        let secs = i64::try_from(by.as_secs()).unwrap_or(i64::MAX);
        self.lock().ledger.clock.advance(secs);
    }

    /// The simulator's current time, RFC 3339.
    pub fn now(&self) -> String {
        clock::rfc3339(self.lock().ledger.clock.now())
    }

    /// How long OAuth access tokens issued by `POST /connect/token` live (default an hour).
    pub fn token_lifetime(&self) -> Duration {
        Duration::from_secs(self.lock().ledger.access.lifetime_secs())
    }

    /// Sets how long access tokens issued from now on live, on the simulator's clock (at least a
    /// second): with a short lifetime, or [`advance_clock`](Self::advance_clock), tests see their
    /// tokens expire and be refused with 401.
    pub fn set_token_lifetime(&self, lifetime: Duration) {
        self.lock().ledger.access.set_lifetime_secs(lifetime.as_secs());
    }

    /// How many payouts are kept (`POST /payments` with a `destination`).
    pub fn payout_count(&self) -> usize {
        self.lock().ledger.payouts.len()
    }
}

impl Default for Simulator {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Simulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("Simulator")
            .field("payments", &state.ledger.payments.len())
            .field("faults", state.faults.standing())
            .field("queued_faults", &state.faults.queued())
            .field("sleeper", &self.sleeper.is_some())
            .finish()
    }
}

/// The simulator as an in-memory transport.
///
/// Injected latency is waited for with the sleeper (if any) and reported in
/// [`HttpResponse::elapsed`]; a latency above the request's timeout gives a timeout error after the
/// request was processed; a dropped connection gives [`TransportError::interrupted`], also after
/// processing, which is what makes idempotent retries necessary.
#[async_trait]
impl HttpTransport for Simulator {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let exchange = self.handle(&request);
        let delay = exchange.delay.unwrap_or(Duration::ZERO);
        if let Some(timeout) = request.timeout.filter(|t| delay > *t) {
            if let Some(sleeper) = &self.sleeper {
                sleeper.sleep(timeout).await;
            }
            return Err(TransportError::timed_out(timeout));
        }
        if !delay.is_zero() {
            if let Some(sleeper) = &self.sleeper {
                sleeper.sleep(delay).await;
            }
        }
        if exchange.drop_response {
            return Err(TransportError::interrupted(
                "the simulator dropped the connection after processing the request",
            )
            .with_elapsed(delay));
        }
        let mut response = exchange.response;
        response.elapsed = Some(delay);
        Ok(response)
    }
}
