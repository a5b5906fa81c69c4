//! Webhook events: the envelope Checkout.com posts (`id`, `type`, `created_on`, `data`, `_links`),
//! with the fields every payment event shares typed, and everything else in the JSON view.
//!
//! Parsing is lenient like [`Payment`](crate::payment::Payment): a field of an unexpected type
//! becomes `None`, and an event type this SDK does not know is kept as
//! [`EventType::Unknown`]. Only an `id` (`evt_...`) and a `type` are required.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use core::ops::Index;
use core::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use super::error::WebhookError;
use crate::currency::Currency;
use crate::id::{ActionId, EventId, PaymentId};
use crate::outcome::ResponseCode;

macro_rules! event_types {
    ($($(#[$doc:meta])* $variant:ident = $name:literal $(| $alias:literal)*,)*) => {
        /// What a webhook event reports: the payment event types Checkout.com documents.
        ///
        /// Types this SDK version does not know are kept as [`EventType::Unknown`], never refused.
        ///
        /// ```
        /// use checkout_sdk_core::webhook::EventType;
        ///
        /// assert_eq!(EventType::parse("payment_captured"), EventType::PaymentCaptured);
        /// assert_eq!(EventType::PaymentCaptured.as_str(), "payment_captured");
        /// assert_eq!(EventType::parse("dispute_won"), EventType::Unknown("dispute_won".into()));
        /// assert!(EventType::KNOWN.contains(&EventType::PaymentRefunded));
        /// ```
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum EventType {
            $($(#[$doc])* $variant,)*
            /// A type this SDK version does not know, kept as sent.
            Unknown(String),
        }

        impl EventType {
            /// Every type this SDK version knows, in the order they are declared.
            pub const KNOWN: &'static [EventType] = &[$(EventType::$variant,)*];

            /// The type named `name`; unknown names are kept.
            pub fn parse(name: &str) -> Self {
                match name {
                    $($name $(| $alias)* => EventType::$variant,)*
                    other => EventType::Unknown(other.into()),
                }
            }

            /// The name Checkout.com uses, e.g. `payment_captured`.
            pub fn as_str(&self) -> &str {
                match self {
                    $(EventType::$variant => $name,)*
                    EventType::Unknown(name) => name,
                }
            }
        }
    };
}

event_types! {
    /// A card verification (a zero-amount authorization) succeeded.
    CardVerified = "card_verified",
    /// A card verification was declined.
    CardVerificationDeclined = "card_verification_declined",
    /// A payment authorization (or a payout) was approved.
    PaymentApproved = "payment_approved",
    /// An asynchronous payment started and waits for the customer (a redirect, an APM page).
    PaymentPending = "payment_pending",
    /// A payment (or a payout) was declined or timed out.
    PaymentDeclined = "payment_declined",
    /// A payment was authorized.
    PaymentAuthorized = "payment_authorized",
    /// An authorization's amount was incremented.
    PaymentAuthorizationIncremented = "payment_authorization_incremented",
    /// An authorization increment was declined.
    PaymentAuthorizationIncrementDeclined = "payment_authorization_increment_declined",
    /// The cardholder failed 3-D Secure authentication.
    PaymentAuthenticationFailed = "payment_authentication_failed",
    /// A capture succeeded: fulfil the order on this one, not on `payment_approved`.
    PaymentCaptured = "payment_captured",
    /// A capture was declined.
    PaymentCaptureDeclined = "payment_capture_declined",
    /// The customer approved the payment on their bank's page; the capture is not final yet.
    PaymentCapturePending = "payment_capture_pending",
    /// A refund succeeded.
    PaymentRefunded = "payment_refunded",
    /// A refund was declined.
    PaymentRefundDeclined = "payment_refund_declined",
    /// A refund was accepted and is in progress.
    PaymentRefundPending = "payment_refund_pending",
    /// A void succeeded.
    PaymentVoided = "payment_voided",
    /// A void was declined.
    PaymentVoidDeclined = "payment_void_declined",
    /// An alternative-payment-method payment expired (not 3-D Secure expiries).
    PaymentExpired = "payment_expired",
    /// The customer canceled an alternative-payment-method payment on the provider's side
    /// (also read from the spelling `payment_cancelled`).
    PaymentCanceled = "payment_canceled" | "payment_cancelled",
    /// A successful payment was returned (Pay to Bank, ACH and other APMs that can fail after success).
    PaymentReturned = "payment_returned",
    /// A payout was paid.
    PaymentPaid = "payment_paid",
    /// A merchant-initiated payment failed and a retry is scheduled.
    PaymentRetryScheduled = "payment_retry_scheduled",
    /// A chargeback was raised (previous platform).
    PaymentChargeback = "payment_chargeback",
    /// A retrieval request was raised (previous platform).
    PaymentRetrieval = "payment_retrieval",
    /// A payment matched a risk rule (previous platform).
    PaymentRiskMatched = "payment_risk_matched",
}

impl EventType {
    /// Whether this SDK version knows the type.
    pub fn is_known(&self) -> bool {
        !matches!(self, EventType::Unknown(_))
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EventType {
    type Err = core::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(EventType::parse(s))
    }
}

impl From<&str> for EventType {
    fn from(name: &str) -> Self {
        EventType::parse(name)
    }
}

impl Serialize for EventType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for EventType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name =
            crate::lenient::opt_string(d)?.ok_or_else(|| serde::de::Error::custom("an event type must be a string"))?;
        Ok(EventType::parse(&name))
    }
}

/// The envelope fields besides `id` and `type`, each optional and lenient.
#[derive(Default, Deserialize)]
struct Envelope {
    #[serde(default, deserialize_with = "crate::lenient::opt_string")]
    created_on: Option<String>,
    /// Some documented examples (`payment_captured`, the APM events) carry `timestamp` instead.
    #[serde(default, deserialize_with = "crate::lenient::opt_string")]
    timestamp: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::opt_string")]
    version: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::opt_object")]
    data: Option<EventData>,
}

/// The fields of `data` that payment events share.
#[derive(Clone, PartialEq, Eq, Default, Deserialize)]
struct EventData {
    #[serde(default, deserialize_with = "crate::lenient::opt")]
    id: Option<PaymentId>,
    #[serde(default, deserialize_with = "crate::lenient::opt")]
    action_id: Option<ActionId>,
    #[serde(default, deserialize_with = "crate::lenient::opt_u64")]
    amount: Option<u64>,
    #[serde(default, deserialize_with = "crate::lenient::opt")]
    currency: Option<Currency>,
    #[serde(default, deserialize_with = "crate::lenient::opt_string")]
    reference: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::opt")]
    response_code: Option<ResponseCode>,
    #[serde(default, deserialize_with = "crate::lenient::opt_string")]
    response_summary: Option<String>,
}

/// One webhook event: the typed fields payment events share, the raw body exactly as it was
/// received (and signed), and the parsed JSON for everything else.
///
/// `Debug` shows the typed fields and the body's length, never the body: events carry customer
/// names, emails and addresses.
///
/// ```
/// use checkout_sdk_core::webhook::{EventType, WebhookEvent};
///
/// // Parsing alone does not verify anything: receive webhooks with `WebhookReceiver`.
/// let event = WebhookEvent::parse(br#"{"id": "evt_az5sblvku4ge3dwpztvyizgcau", "type": "payment_refunded",
///     "created_on": "2023-05-24T09:28:33Z",
///     "data": {"id": "pay_234iojjumr4ejphuvcsnpnugs4", "amount": "40000", "currency": 978}}"#)?;
/// assert_eq!(event.event_type(), &EventType::PaymentRefunded);
/// assert_eq!(event.payment_id().map(|p| p.as_str()), Some("pay_234iojjumr4ejphuvcsnpnugs4"));
/// assert_eq!(event.amount(), Some(40000)); // a numeric string is read as a number
/// assert_eq!(event.currency(), None); // a currency of the wrong type is None, not an error
/// assert_eq!(event["data"]["currency"], 978); // but the JSON keeps it
/// # Ok::<(), checkout_sdk_core::webhook::WebhookError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookEvent {
    id: EventId,
    event_type: EventType,
    created_on: Option<String>,
    version: Option<String>,
    data: EventData,
    json: Value,
    body: Vec<u8>,
}

impl WebhookEvent {
    /// Parses an event body **without verifying it**. Receive webhooks with
    /// [`WebhookReceiver`](super::WebhookReceiver), which checks the signature first; this is for
    /// bodies already verified, or stored ones.
    pub fn parse(body: &[u8]) -> Result<Self, WebhookError> {
        Self::from_body(body.into())
    }

    /// Parses an owned body without verifying it (see [`WebhookEvent::parse`]).
    pub fn from_body(body: Vec<u8>) -> Result<Self, WebhookError> {
        // The parser's own messages can quote the input, so only fixed reasons leave this function.
        let json: Value =
            serde_json::from_slice(&body).map_err(|_| WebhookError::NotAnEvent("the body is not JSON"))?;
        if !json.is_object() {
            return Err(WebhookError::NotAnEvent("the body is not a JSON object"));
        }
        let id = match json.get("id") {
            Some(Value::String(id)) => {
                EventId::new(id.as_str()).map_err(|_| WebhookError::NotAnEvent("`id` is not an event id (evt_...)"))?
            }
            _ => return Err(WebhookError::NotAnEvent("no string `id`")),
        };
        let event_type = match json.get("type") {
            Some(Value::String(name)) if !name.is_empty() => EventType::parse(name),
            _ => return Err(WebhookError::NotAnEvent("no string `type`")),
        };
        // Every envelope field is lenient, so this cannot fail on an object; if it did, the typed
        // fields would be empty and the JSON view would still hold everything.
        let envelope = Envelope::deserialize(&json).unwrap_or_default();
        Ok(WebhookEvent {
            id,
            event_type,
            created_on: envelope.created_on.or(envelope.timestamp),
            version: envelope.version,
            data: envelope.data.unwrap_or_default(),
            json,
            body,
        })
    }

    /// The event id, `evt_...`: identical on every redelivery, so deduplicate on it.
    pub fn id(&self) -> &EventId {
        &self.id
    }

    /// What the event reports.
    pub fn event_type(&self) -> &EventType {
        &self.event_type
    }

    /// The `type` exactly as sent (for a known type it can differ from
    /// [`EventType::as_str`] only by a documented alternative spelling).
    pub fn type_name(&self) -> &str {
        self.json.get("type").and_then(Value::as_str).unwrap_or_else(|| self.event_type.as_str())
    }

    /// When the event was created (ISO 8601): `created_on`, or `timestamp` for the events that
    /// carry that instead.
    pub fn created_on(&self) -> Option<&str> {
        self.created_on.as_deref()
    }

    /// The event schema's version, e.g. `1.0.29` (not an API version).
    pub fn version(&self) -> Option<&str> {
        self.version.as_deref()
    }

    /// The payment, `data.id` (`None` when `data.id` is not a payment id, as in dispute events).
    pub fn payment_id(&self) -> Option<&PaymentId> {
        self.data.id.as_ref()
    }

    /// The action that caused the event, `data.action_id`.
    pub fn action_id(&self) -> Option<&ActionId> {
        self.data.action_id.as_ref()
    }

    /// The amount in minor units, `data.amount`.
    pub fn amount(&self) -> Option<u64> {
        self.data.amount
    }

    /// The currency, `data.currency`.
    pub fn currency(&self) -> Option<Currency> {
        self.data.currency
    }

    /// Your reference, `data.reference`.
    pub fn reference(&self) -> Option<&str> {
        self.data.reference.as_deref()
    }

    /// The response code, `data.response_code` (e.g. `10000`, `20005`).
    pub fn response_code(&self) -> Option<&ResponseCode> {
        self.data.response_code.as_ref()
    }

    /// The response summary, `data.response_summary` (e.g. `Approved`).
    pub fn response_summary(&self) -> Option<&str> {
        self.data.response_summary.as_deref()
    }

    /// The whole event as JSON.
    pub fn json(&self) -> &Value {
        &self.json
    }

    /// The event's `data` object, if it has one.
    pub fn data(&self) -> Option<&Value> {
        self.json.get("data")
    }

    /// The body exactly as received: the bytes the signature was checked over.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The body, owned.
    pub fn into_body(self) -> Vec<u8> {
        self.body
    }
}

impl Index<&str> for WebhookEvent {
    type Output = Value;
    /// `event["data"]["amount"]`: a JSON field, or `null` when absent.
    fn index(&self, key: &str) -> &Value {
        &self.json[key]
    }
}

impl fmt::Debug for WebhookEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookEvent")
            .field("id", &self.id)
            .field("type", &self.event_type)
            .field("created_on", &self.created_on)
            .field("payment_id", &self.data.id)
            .field("action_id", &self.data.action_id)
            .field("amount", &self.data.amount)
            .field("currency", &self.data.currency)
            .field("response_code", &self.data.response_code)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_type_round_trips_through_its_name() {
        for t in EventType::KNOWN {
            assert_eq!(&EventType::parse(t.as_str()), t);
            assert!(t.is_known());
        }
        assert_eq!(EventType::parse("payment_cancelled"), EventType::PaymentCanceled);
        let unknown = EventType::parse("issuing_card_created");
        assert!(!unknown.is_known());
        assert_eq!(unknown.as_str(), "issuing_card_created");
    }

    #[test]
    fn event_types_serialise_as_their_names() {
        let json = serde_json::to_string(&[EventType::PaymentApproved, EventType::parse("x_y")]).unwrap();
        assert_eq!(json, r#"["payment_approved","x_y"]"#);
        let back: Vec<EventType> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, [EventType::PaymentApproved, EventType::Unknown("x_y".into())]);
    }

    #[test]
    fn an_event_needs_an_event_id_and_a_type_and_nothing_else() {
        let minimal = WebhookEvent::parse(br#"{"id": "evt_1", "type": "payment_voided"}"#).unwrap();
        assert_eq!(minimal.id(), "evt_1");
        assert_eq!(minimal.payment_id(), None);
        assert_eq!(minimal.created_on(), None);
        for (body, reason) in [
            (&b"not json"[..], "the body is not JSON"),
            (b"[1, 2]", "the body is not a JSON object"),
            (br#"{"type": "payment_voided"}"#, "no string `id`"),
            (br#"{"id": 12, "type": "payment_voided"}"#, "no string `id`"),
            (br#"{"id": "pay_1", "type": "payment_voided"}"#, "`id` is not an event id (evt_...)"),
            (br#"{"id": "evt_1"}"#, "no string `type`"),
            (br#"{"id": "evt_1", "type": ["payment_voided"]}"#, "no string `type`"),
            (br#"{"id": "evt_1", "type": ""}"#, "no string `type`"),
        ] {
            assert_eq!(WebhookEvent::parse(body), Err(WebhookError::NotAnEvent(reason)));
        }
    }

    #[test]
    fn fields_of_an_unexpected_type_are_none() {
        let event = WebhookEvent::parse(
            br#"{"id": "evt_1", "type": "payment_approved", "created_on": {"x": 1},
                "data": {"id": "src_1", "action_id": 5, "amount": -3, "currency": "Z9",
                         "reference": ["r"], "response_code": 10000, "response_summary": null}}"#,
        )
        .unwrap();
        assert_eq!(event.created_on(), None);
        assert_eq!(event.payment_id(), None);
        assert_eq!(event.action_id(), None);
        assert_eq!(event.amount(), None);
        assert_eq!(event.currency(), None);
        assert_eq!(event.reference(), None);
        assert_eq!(event.response_code().map(|c| c.as_str()), Some("10000"));
        assert_eq!(event.response_summary(), None);
        let no_data = WebhookEvent::parse(br#"{"id": "evt_1", "type": "payment_approved", "data": [1]}"#).unwrap();
        assert_eq!(no_data.amount(), None);
        assert_eq!(no_data.data(), Some(&serde_json::json!([1])));
    }

    #[test]
    fn debug_never_shows_the_body() {
        let event = WebhookEvent::parse(
            br#"{"id": "evt_1", "type": "payment_approved", "data": {"customer": {"email": "jane@example.com"}}}"#,
        )
        .unwrap();
        let debug = alloc::format!("{event:?}");
        assert!(!debug.contains("jane@example.com"), "{debug}");
        assert!(debug.contains("evt_1"), "{debug}");
    }
}
