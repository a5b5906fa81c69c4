//! Payment actions: the history of a payment, and the acknowledgement of a new action.

use alloc::string::String;
use core::fmt;

use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use crate::id::ActionId;
use crate::outcome::ResponseCode;
use crate::redact::{fmt_redacted, redact_text_cow, redacted_debug, Redacted, RedactedJson};

/// What an action did. An unknown type is server text: `Debug` and `Display` show it redacted by
/// value; [`as_str`](Self::as_str) gives it as sent.
#[derive(Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ActionType {
    /// The authorisation.
    Authorization,
    /// A zero-amount card verification.
    CardVerification,
    /// A capture.
    Capture,
    /// A refund.
    Refund,
    /// A void.
    Void,
    /// An action type this SDK version does not know, kept as sent.
    Unknown(String),
}

impl ActionType {
    /// Parses the API's text; unknown types are kept.
    pub fn parse(s: &str) -> Self {
        match s {
            "Authorization" => ActionType::Authorization,
            "Card Verification" => ActionType::CardVerification,
            "Capture" => ActionType::Capture,
            "Refund" => ActionType::Refund,
            "Void" => ActionType::Void,
            other => ActionType::Unknown(other.into()),
        }
    }

    /// The API's text.
    pub fn as_str(&self) -> &str {
        match self {
            ActionType::Authorization => "Authorization",
            ActionType::CardVerification => "Card Verification",
            ActionType::Capture => "Capture",
            ActionType::Refund => "Refund",
            ActionType::Void => "Void",
            ActionType::Unknown(s) => s,
        }
    }
}

impl fmt::Display for ActionType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redact_text_cow(self.as_str()))
    }
}

impl fmt::Debug for ActionType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ActionType::Unknown(s) => f.debug_tuple("Unknown").field(&Redacted(s)).finish(),
            // The variant's name is its text without spaces.
            known => known.as_str().split(' ').try_for_each(|word| f.write_str(word)),
        }
    }
}

impl<'de> Deserialize<'de> for ActionType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(ActionType::parse(&crate::lenient::opt_string(d)?.unwrap_or_default()))
    }
}

/// One entry of `GET /payments/{id}/actions`. `Debug` redacts by value.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct PaymentAction {
    /// `act_...`.
    pub id: ActionId,
    /// What the action did.
    #[serde(rename = "type")]
    pub action_type: ActionType,
    /// When (ISO 8601).
    #[serde(default, deserialize_with = "crate::lenient::opt_string")]
    pub processed_on: Option<String>,
    /// Amount in minor units.
    #[serde(default, deserialize_with = "crate::lenient::opt_u64")]
    pub amount: Option<u64>,
    /// Whether it was approved.
    #[serde(default, deserialize_with = "crate::lenient::opt_bool")]
    pub approved: Option<bool>,
    /// Authorisation code.
    #[serde(default, deserialize_with = "crate::lenient::opt_string")]
    pub auth_code: Option<String>,
    /// Response code.
    #[serde(default, deserialize_with = "crate::lenient::opt")]
    pub response_code: Option<ResponseCode>,
    /// Response summary.
    #[serde(default, deserialize_with = "crate::lenient::opt_string")]
    pub response_summary: Option<String>,
    /// Your reference for the action.
    #[serde(default, deserialize_with = "crate::lenient::opt_string")]
    pub reference: Option<String>,
    /// Your metadata for the action.
    #[serde(default, deserialize_with = "crate::lenient::opt_map")]
    pub metadata: Option<Map<String, Value>>,
}

/// `202 Accepted` for a capture, refund or void: the action id and reference; the `payment`
/// link leads back to the payment. `Debug` redacts by value.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct ActionAccepted {
    /// `act_...` (the seed's `action.id`).
    pub action_id: ActionId,
    /// Your reference, echoed.
    #[serde(default, deserialize_with = "crate::lenient::opt_string")]
    pub reference: Option<String>,
}

impl fmt::Debug for PaymentAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Metadata is JSON: redacted as JSON, so field names (`card_cvv`) count too.
        let metadata = self.metadata.clone().map(Value::Object);
        fmt_redacted(f, |f| {
            f.debug_struct("PaymentAction")
                .field("id", &self.id)
                .field("action_type", &self.action_type)
                .field("processed_on", &self.processed_on)
                .field("amount", &self.amount)
                .field("approved", &self.approved)
                .field("auth_code", &self.auth_code)
                .field("response_code", &self.response_code)
                .field("response_summary", &self.response_summary)
                .field("reference", &self.reference)
                .field("metadata", &metadata.as_ref().map(RedactedJson))
                .finish()
        })
    }
}
redacted_debug!(ActionAccepted { action_id, reference });
