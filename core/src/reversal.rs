//! The acknowledgement of a reversal.

use alloc::string::String;

use serde::{Deserialize, Deserializer};

use crate::action::ActionType;
use crate::id::ActionId;
use crate::redact::redacted_debug;

/// The acknowledgement of `POST /payments/{id}/reversals`: the action id, your reference, and
/// which action the reversal turned into, by the payment's state (`Void` for an authorized
/// payment, `Refund` for a captured one). The response's raw body keeps everything else
/// (`_links`); a field of an unexpected type is `None` rather than a failed response.
///
/// ```
/// use checkout_sdk_core::action::ActionType;
/// use checkout_sdk_core::reversal::ReversalAccepted;
///
/// let body = r#"{"action_id": "act_y3oqhf46pyzuxjbcn2giaqnb44", "reference": "ORD-5023-4E89", "action_type": "Void",
///     "_links": {"payment": {"href": "https://api.sandbox.checkout.com/payments/pay_mbabizu24mvu3mela5njyhpit4"}}}"#;
/// let reversal: ReversalAccepted = serde_json::from_str(body).unwrap();
/// assert_eq!(reversal.action_type, Some(ActionType::Void));
/// ```
/// `Debug` redacts by value ([`redact`](crate::redact)): the server echoes what it was sent.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct ReversalAccepted {
    /// `act_...`.
    pub action_id: ActionId,
    /// Your reference, echoed.
    #[serde(default, deserialize_with = "crate::lenient::opt_string")]
    pub reference: Option<String>,
    /// What the reversal did: `Void` or `Refund` (absent when the API does not say).
    #[serde(default, deserialize_with = "action_type")]
    pub action_type: Option<ActionType>,
}

redacted_debug!(ReversalAccepted { action_id, reference, action_type });

/// A string names an action (unknown names are kept); anything else is `None`.
fn action_type<'de, D: Deserializer<'de>>(d: D) -> Result<Option<ActionType>, D::Error> {
    Ok(crate::lenient::opt_string(d)?.map(|s| ActionType::parse(&s)))
}
