//! Webhooks: an event for every state change of every payment, as Checkout.com sends them, kept
//! in a bounded log, and a delivery queued for each endpoint that wants it.
//!
//! Route families report state changes through one hook on the [`Ledger`]:
//! [`Ledger::emit`] for a payment they hold (being created, or taken out of the book), and
//! [`Ledger::emit_stored`] for one in the book (after `payments.update`). Each call makes one
//! event: an `evt_` id, the type, `created_on` from the simulator's clock, `data` (the payment and
//! the action, as [`Payment::event_data`] renders them) and `_links` to the payment. Its body is
//! serialised once; every endpoint and every attempt gets the same bytes.
//!
//! The simulator never sends anything itself: `checkout-sandbox` takes the queued deliveries
//! ([`Webhooks::take`]), posts them, and reports each attempt back ([`Webhooks::attempted`]).
//! `GET /sandbox/webhooks` (this module's route) and the dashboard list them.

mod delivery;
mod endpoint;

use std::collections::VecDeque;
use std::fmt;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use checkout_sdk_core::transport::Method;
use checkout_sdk_core::webhook::{EventType, WebhookEvent};
use serde_json::{json, Value};

pub use delivery::{AttemptOutcome, DeliveryState, OutgoingWebhook, WebhookDelivery, WebhookDeliveryId};
pub use endpoint::{InvalidEndpoint, WebhookEndpoint};

use crate::clock::rfc3339;
use crate::ids::Rng;
use crate::ledger::Ledger;
use crate::payments::{Action, Payment};
use crate::reply::Reply;
use crate::router::{self, Routing, Rules};
use crate::Simulator;
use delivery::DeliveryRecord;

/// Called when deliveries are queued (with the simulator's lock held: it must only wake a task).
pub(crate) type Waker = Arc<dyn Fn() + Send + Sync>;

/// One event, as recorded.
struct RecordedEvent {
    body: Arc<[u8]>,
}

/// The events, the endpoints and the deliveries.
pub(crate) struct Webhooks {
    endpoints: Vec<WebhookEndpoint>,
    /// Oldest first, at most `capacity`.
    events: VecDeque<RecordedEvent>,
    /// Oldest first (ids increasing), at most `capacity`.
    deliveries: VecDeque<DeliveryRecord>,
    capacity: usize,
    next_delivery: u64,
    /// Deliveries numbered below this were handed out by [`take`](Self::take).
    handed_out: u64,
    /// Event ids: a generator of their own, so that events never shift the ids of payments.
    ids: Rng,
    waker: Option<Waker>,
}

impl fmt::Debug for Webhooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Webhooks")
            .field("endpoints", &self.endpoints)
            .field("events", &self.events.len())
            .field("deliveries", &self.deliveries.len())
            .finish_non_exhaustive()
    }
}

impl Webhooks {
    /// No endpoints and no events; event ids from `ids`; at most `capacity` events and deliveries.
    pub(crate) fn new(ids: Rng, capacity: usize) -> Self {
        Webhooks {
            endpoints: Vec::new(),
            events: VecDeque::new(),
            deliveries: VecDeque::new(),
            capacity,
            next_delivery: 0,
            handed_out: 0,
            ids,
            waker: None,
        }
    }

    /// Keeps at most `capacity` events and deliveries, forgetting the oldest.
    pub(crate) fn set_capacity(&mut self, capacity: usize) {
        self.capacity = capacity;
        self.trim();
    }

    fn trim(&mut self) {
        // The newest record is always kept, like every other collection.
        let keep = self.capacity.max(1);
        while self.events.len() > keep {
            self.events.pop_front();
        }
        while self.deliveries.len() > keep {
            self.deliveries.pop_front();
        }
    }

    /// Adds an endpoint; returns its index.
    pub(crate) fn add_endpoint(&mut self, endpoint: WebhookEndpoint) -> usize {
        self.endpoints.push(endpoint);
        self.endpoints.len() - 1
    }

    /// The endpoints, in the order they were added.
    pub(crate) fn endpoints(&self) -> &[WebhookEndpoint] {
        &self.endpoints
    }

    /// Calls `waker` whenever deliveries are queued.
    pub(crate) fn set_waker(&mut self, waker: Waker) {
        self.waker = Some(waker);
    }

    /// Records an event about `payment` (and the `action` it reports), and queues a delivery for
    /// every endpoint that wants it.
    fn record(&mut self, now: i64, event_type: EventType, payment: &Payment, action: Option<&Action>) {
        self.record_data(now, event_type, &payment.id, &payment.base, payment.event_data(action));
    }

    /// Records an event whose `data` is given, about the payment (or payout) `payment_id`
    /// requested through `base`.
    pub(crate) fn record_data(&mut self, now: i64, event_type: EventType, payment_id: &str, base: &str, data: Value) {
        let id = self.ids.id("evt_");
        let event = event_json(&id, &event_type, now, &format!("{base}/payments/{payment_id}"), data);
        // Serialising a `Value` cannot fail; should it, the event is skipped rather than panic.
        let Ok(body) = serde_json::to_vec(&event) else {
            return;
        };
        let body: Arc<[u8]> = body.into();
        self.events.push_back(RecordedEvent { body: Arc::clone(&body) });
        let mut queued = false;
        for (index, endpoint) in self.endpoints.iter().enumerate().filter(|(_, e)| e.wants(&event_type)) {
            let view = WebhookDelivery {
                id: WebhookDeliveryId(self.next_delivery),
                event_id: id.clone(),
                event_type: event_type.clone(),
                payment_id: Some(payment_id.to_owned()),
                endpoint_index: index,
                endpoint: endpoint.display_url(),
                created_on: now,
                attempts: 0,
                state: DeliveryState::Queued,
                last_outcome: None,
                next_attempt: None,
            };
            self.next_delivery += 1;
            self.deliveries.push_back(DeliveryRecord { view, body: Arc::clone(&body) });
            queued = true;
        }
        self.trim();
        if let (true, Some(waker)) = (queued, &self.waker) {
            waker();
        }
    }

    /// The deliveries queued since the last call, oldest first (forgotten ones are skipped).
    pub(crate) fn take(&mut self) -> Vec<OutgoingWebhook> {
        let from = self.handed_out;
        self.handed_out = self.next_delivery;
        self.deliveries
            .iter()
            .filter(|record| record.view.id.0 >= from)
            .filter_map(|record| {
                let view = &record.view;
                Some(OutgoingWebhook {
                    delivery: view.id,
                    endpoint_index: view.endpoint_index,
                    endpoint: self.endpoints.get(view.endpoint_index)?.clone(),
                    event_id: view.event_id.clone(),
                    event_type: view.event_type.clone(),
                    payment_id: view.payment_id.clone(),
                    body: Arc::clone(&record.body),
                })
            })
            .collect()
    }

    /// Records an attempt of delivery `id` (nothing happens when it was forgotten).
    pub(crate) fn attempted(&mut self, id: WebhookDeliveryId, outcome: AttemptOutcome, next: Option<SystemTime>) {
        if let Ok(at) = self.deliveries.binary_search_by_key(&id, |record| record.view.id) {
            if let Some(record) = self.deliveries.get_mut(at) {
                record.attempted(outcome, next);
            }
        }
    }

    /// The events kept, oldest first.
    pub(crate) fn events(&self) -> Vec<WebhookEvent> {
        self.events.iter().filter_map(|event| WebhookEvent::parse(&event.body).ok()).collect()
    }

    /// The deliveries kept, oldest first.
    pub(crate) fn deliveries(&self) -> impl DoubleEndedIterator<Item = &WebhookDelivery> {
        self.deliveries.iter().map(|record| &record.view)
    }
}

impl Ledger {
    /// The webhook hook for a payment held outside the book (being created, or taken out to be
    /// processed): records an event of `event_type` about `payment`, reporting `action` (the action
    /// that changed it, if any), and queues its deliveries.
    pub(crate) fn emit(&mut self, event_type: EventType, payment: &Payment, action: Option<&Action>) {
        let now = self.clock.now();
        self.webhooks.record(now, event_type, payment, action);
    }

    /// The webhook hook for a payment in the book: like [`emit`](Self::emit), for the payment
    /// `payment_id` and its action `action_id` (nothing happens if either is unknown).
    pub(crate) fn emit_stored(&mut self, event_type: EventType, payment_id: &str, action_id: Option<&str>) {
        let now = self.clock.now();
        let Some(payment) = self.payments.get(payment_id) else {
            return;
        };
        let action = match action_id {
            Some(wanted) => match payment.actions.iter().rev().find(|action| action.id == wanted) {
                Some(action) => Some(action),
                None => return,
            },
            None => None,
        };
        self.webhooks.record(now, event_type, payment, action);
    }
}

/// The event Checkout.com sends for an action of type `kind` (as `GET /payments/{id}/actions`
/// names it) that was approved or not; `None` for a kind this simulator has no event for.
pub(crate) fn action_event(kind: &str, approved: bool) -> Option<EventType> {
    Some(match (kind, approved) {
        ("Authorization", true) => EventType::PaymentApproved,
        ("Authorization", false) => EventType::PaymentDeclined,
        ("Card Verification", true) => EventType::CardVerified,
        ("Card Verification", false) => EventType::CardVerificationDeclined,
        ("Capture", true) => EventType::PaymentCaptured,
        ("Capture", false) => EventType::PaymentCaptureDeclined,
        ("Refund", true) => EventType::PaymentRefunded,
        ("Refund", false) => EventType::PaymentRefundDeclined,
        ("Void", true) => EventType::PaymentVoided,
        ("Void", false) => EventType::PaymentVoidDeclined,
        ("Authorization Increment" | "Incremental Authorization", true) => EventType::PaymentAuthorizationIncremented,
        ("Authorization Increment" | "Incremental Authorization", false) => {
            EventType::PaymentAuthorizationIncrementDeclined
        }
        ("Payout", true) => EventType::PaymentPaid,
        ("Payout", false) => EventType::PaymentDeclined,
        _ => return None,
    })
}

/// The envelope: `id`, `type`, `created_on`, `data` and `_links` (`self` and `payment` both point
/// at the payment: the simulator has no events API to link to).
fn event_json(id: &str, event_type: &EventType, now: i64, payment_href: &str, data: Value) -> Value {
    json!({
        "id": id,
        "type": event_type.as_str(),
        "created_on": rfc3339(now),
        "data": data,
        "_links": {
            "self": { "href": payment_href },
            "payment": { "href": payment_href },
            "payment_actions": { "href": format!("{payment_href}/actions") },
        },
    })
}

/// A webhooks route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Route {
    /// `GET /sandbox/webhooks`
    List,
}

impl Route {
    /// Like the dashboard: no key, and faults only when asked for every route.
    pub(crate) fn rules(&self) -> Rules {
        Rules::PAGE
    }
}

/// Matches `/sandbox/webhooks`.
pub(crate) fn route(method: Method, segments: &[&str]) -> Option<Routing> {
    match segments {
        ["sandbox", "webhooks"] => Some(router::expect(method, Method::Get, router::Route::Webhooks(Route::List))),
        _ => None,
    }
}

/// Answers a webhooks route.
pub(crate) fn handle(ledger: &Ledger, route: Route) -> Reply {
    match route {
        Route::List => Reply::json(200, listing(&ledger.webhooks)),
    }
}

/// `{"endpoints": [...], "deliveries": [...]}`, deliveries newest first; nothing secret.
fn listing(webhooks: &Webhooks) -> Value {
    let endpoints: Vec<Value> = webhooks
        .endpoints
        .iter()
        .map(|endpoint| {
            json!({
                "url": endpoint.display_url(),
                "events": endpoint.events().iter().map(EventType::as_str).collect::<Vec<_>>(),
                "authorization": endpoint.authorization().is_some(),
            })
        })
        .collect();
    let deliveries: Vec<Value> = webhooks.deliveries().rev().map(delivery_json).collect();
    json!({ "endpoints": endpoints, "deliveries": deliveries })
}

fn delivery_json(delivery: &WebhookDelivery) -> Value {
    let (status, error) = match &delivery.last_outcome {
        Some(AttemptOutcome::Status(status)) => (Some(*status), None),
        Some(AttemptOutcome::Error(reason)) => (None, Some(reason.as_str())),
        None => (None, None),
    };
    json!({
        "id": delivery.id.0,
        "event_id": delivery.event_id,
        "event_type": delivery.event_type.as_str(),
        "payment_id": delivery.payment_id,
        "endpoint": delivery.endpoint,
        "created_on": rfc3339(delivery.created_on),
        "state": delivery.state.as_str(),
        "attempts": delivery.attempts,
        "last_status": status,
        "last_error": error,
        "next_attempt_at": delivery.next_attempt.map(wall_clock),
    })
}

/// A wall-clock instant as RFC 3339 UTC to the millisecond: `2026-01-01T00:00:00.250Z`.
pub(crate) fn wall_clock(at: SystemTime) -> String {
    let since = at.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = rfc3339(i64::try_from(since.as_secs()).unwrap_or(i64::MAX));
    let (date_time, _) = secs.split_at(secs.len() - 1);
    format!("{date_time}.{:03}Z", since.subsec_millis())
}

/// Webhooks: endpoints, the event log and the deliveries. The simulator records an event for
/// every state change of every payment and queues a delivery for each endpoint that wants it;
/// `checkout-sandbox` sends them (in memory, nothing is sent: take them with
/// [`take_webhook_deliveries`](Simulator::take_webhook_deliveries)).
impl Simulator {
    /// Adds a webhook endpoint (builder style): events from now on are queued for it.
    #[must_use]
    pub fn with_webhook_endpoint(self, endpoint: WebhookEndpoint) -> Self {
        self.add_webhook_endpoint(endpoint);
        self
    }

    /// Adds a webhook endpoint: events from now on are queued for it. Returns its index.
    pub fn add_webhook_endpoint(&self, endpoint: WebhookEndpoint) -> usize {
        self.lock().ledger.webhooks.add_endpoint(endpoint)
    }

    /// The webhook endpoints, in the order they were added.
    pub fn webhook_endpoints(&self) -> Vec<WebhookEndpoint> {
        self.lock().ledger.webhooks.endpoints().to_vec()
    }

    /// The webhook events kept (the newest [`Limits::webhook_events`](crate::Limits)), oldest
    /// first, whether or not any endpoint wanted them.
    pub fn webhook_events(&self) -> Vec<WebhookEvent> {
        self.lock().ledger.webhooks.events()
    }

    /// The deliveries kept (the newest [`Limits::webhook_events`](crate::Limits)), oldest first.
    pub fn webhook_deliveries(&self) -> Vec<WebhookDelivery> {
        self.lock().ledger.webhooks.deliveries().cloned().collect()
    }

    /// Hands out the deliveries queued since the last call, oldest first, for a sender to post;
    /// it reports each attempt with [`record_webhook_attempt`](Self::record_webhook_attempt).
    pub fn take_webhook_deliveries(&self) -> Vec<OutgoingWebhook> {
        self.lock().ledger.webhooks.take()
    }

    /// Records an attempt of delivery `id`: its outcome, and when the next attempt is due (`None`
    /// once delivered or given up). Unknown (forgotten) deliveries are ignored.
    pub fn record_webhook_attempt(
        &self,
        id: WebhookDeliveryId,
        outcome: AttemptOutcome,
        next_attempt: Option<SystemTime>,
    ) {
        self.lock().ledger.webhooks.attempted(id, outcome, next_attempt);
    }

    /// Calls `wake` whenever deliveries are queued (replacing any earlier one). It runs with the
    /// simulator's lock held, so it must not call the simulator: wake a task that will (a
    /// `tokio::sync::Notify`, a channel).
    pub fn on_webhook_queued(&self, wake: impl Fn() + Send + Sync + 'static) {
        self.lock().ledger.webhooks.set_waker(Arc::new(wake));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn wall_clock_times_have_milliseconds() {
        assert_eq!(wall_clock(UNIX_EPOCH + Duration::from_millis(1_767_225_600_250)), "2026-01-01T00:00:00.250Z");
        assert_eq!(wall_clock(UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
    }

    #[test]
    fn every_action_kind_has_its_events() {
        for (kind, ok, ko) in [
            ("Authorization", EventType::PaymentApproved, EventType::PaymentDeclined),
            ("Card Verification", EventType::CardVerified, EventType::CardVerificationDeclined),
            ("Capture", EventType::PaymentCaptured, EventType::PaymentCaptureDeclined),
            ("Refund", EventType::PaymentRefunded, EventType::PaymentRefundDeclined),
            ("Void", EventType::PaymentVoided, EventType::PaymentVoidDeclined),
        ] {
            assert_eq!(action_event(kind, true), Some(ok));
            assert_eq!(action_event(kind, false), Some(ko));
        }
        assert_eq!(action_event("Something new", true), None);
    }
}
