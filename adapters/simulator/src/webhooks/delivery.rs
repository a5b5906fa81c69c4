//! Deliveries: one per event and endpoint that wants it, queued when the event happens, handed
//! to whoever sends them (`checkout-sandbox`), and updated with each attempt's outcome.

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use checkout_sdk_core::webhook::EventType;

use super::endpoint::WebhookEndpoint;

/// A delivery's number: increasing in the order deliveries were queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WebhookDeliveryId(pub u64);

impl fmt::Display for WebhookDeliveryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A delivery to make: an event's body, for one endpoint. The body is the same bytes on every
/// attempt and for every endpoint; each endpoint signs it with its own key.
///
/// `Debug` shows the body's length, never the body (it carries customer data).
#[derive(Clone)]
#[non_exhaustive]
pub struct OutgoingWebhook {
    /// Report each attempt under this id ([`Simulator::record_webhook_attempt`](crate::Simulator::record_webhook_attempt)).
    pub delivery: WebhookDeliveryId,
    /// The endpoint's position among the simulator's endpoints (in the order they were added).
    pub endpoint_index: usize,
    /// Where to post it, and how to sign it.
    pub endpoint: WebhookEndpoint,
    /// The event id, `evt_…`.
    pub event_id: String,
    /// The event type.
    pub event_type: EventType,
    /// The payment the event is about (`data.id`).
    pub payment_id: Option<String>,
    /// The JSON body to post, exactly.
    pub body: Arc<[u8]>,
}

impl fmt::Debug for OutgoingWebhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OutgoingWebhook")
            .field("delivery", &self.delivery)
            .field("endpoint", &self.endpoint)
            .field("event_id", &self.event_id)
            .field("event_type", &self.event_type)
            .field("payment_id", &self.payment_id)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// What one delivery attempt got.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AttemptOutcome {
    /// The endpoint answered with this status (2xx ends the delivery).
    Status(u16),
    /// No answer: why, in words that hold no secret (the sender's own text, never a response body).
    Error(String),
}

impl AttemptOutcome {
    /// Whether the endpoint accepted the event (a 2xx status).
    pub fn is_success(&self) -> bool {
        matches!(self, AttemptOutcome::Status(status) if (200..300).contains(status))
    }
}

impl fmt::Display for AttemptOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AttemptOutcome::Status(status) => write!(f, "HTTP {status}"),
            AttemptOutcome::Error(reason) => f.write_str(reason),
        }
    }
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DeliveryState {
    /// Not attempted yet (waiting for its sender, or for earlier events of its payment).
    Queued,
    /// Attempted and failed; another attempt is scheduled.
    Retrying,
    /// The endpoint answered 2xx.
    Delivered,
    /// Every attempt failed; no more will be made.
    Failed,
}

impl DeliveryState {
    /// `queued`, `retrying`, `delivered` or `failed`.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Queued => "queued",
            DeliveryState::Retrying => "retrying",
            DeliveryState::Delivered => "delivered",
            DeliveryState::Failed => "failed",
        }
    }
}

/// A delivery as listed by `GET /sandbox/webhooks`, the dashboard and
/// [`Simulator::webhook_deliveries`](crate::Simulator::webhook_deliveries). Holds nothing secret:
/// the endpoint is its [`display_url`](WebhookEndpoint::display_url).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WebhookDelivery {
    /// The delivery's number.
    pub id: WebhookDeliveryId,
    /// The event id, `evt_…`.
    pub event_id: String,
    /// The event type.
    pub event_type: EventType,
    /// The payment the event is about.
    pub payment_id: Option<String>,
    /// The endpoint's position among the simulator's endpoints.
    pub endpoint_index: usize,
    /// The endpoint's URL, without its query.
    pub endpoint: String,
    /// When the event happened (the simulator's clock, Unix seconds).
    pub created_on: i64,
    /// Attempts made so far.
    pub attempts: u32,
    /// Where it stands.
    pub state: DeliveryState,
    /// What the last attempt got.
    pub last_outcome: Option<AttemptOutcome>,
    /// When the next attempt is due (wall-clock time), while retrying.
    pub next_attempt: Option<SystemTime>,
}

/// A delivery with the body it carries.
pub(crate) struct DeliveryRecord {
    pub(crate) view: WebhookDelivery,
    pub(crate) body: Arc<[u8]>,
}

impl DeliveryRecord {
    /// Records an attempt's outcome; `next_attempt` is when the next one is due, if any.
    pub(crate) fn attempted(&mut self, outcome: AttemptOutcome, next_attempt: Option<SystemTime>) {
        let view = &mut self.view;
        view.attempts = view.attempts.saturating_add(1);
        view.state = if outcome.is_success() {
            DeliveryState::Delivered
        } else if next_attempt.is_some() {
            DeliveryState::Retrying
        } else {
            DeliveryState::Failed
        };
        view.next_attempt = if view.state == DeliveryState::Retrying { next_attempt } else { None };
        view.last_outcome = Some(match outcome {
            // The sender's text is shown on a page and in JSON: keep it short and printable.
            AttemptOutcome::Error(reason) => {
                AttemptOutcome::Error(reason.chars().filter(|c| !c.is_control()).take(200).collect())
            }
            status => status,
        });
    }
}
