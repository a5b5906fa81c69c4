//! The result of an incremental authorization.

use alloc::string::String;

use serde::Deserialize;

use crate::balances::Balances;
use crate::currency::Currency;
use crate::id::ActionId;
use crate::outcome::ResponseCode;
use crate::payment::{PaymentStatus, RiskResult};
use crate::redact::redacted_debug;

/// `201` for `POST /payments/{id}/authorizations`: the new authorization and the payment's
/// balances. Only what the SDK relies on is typed; the response's raw body keeps everything, and
/// a field of an unexpected type is `None` rather than a failed response.
///
/// ```
/// use checkout_sdk_core::authorization::Authorization;
/// use checkout_sdk_core::payment::PaymentStatus;
///
/// let body = r#"{"action_id": "act_y3oqhf46pyzuxjbcn2giaqnb44", "amount": 6540, "currency": "USD",
///     "approved": true, "status": "Authorized", "response_code": "10000",
///     "expires_on": "2020-07-26T00:00:00Z", "balances": {"total_authorized": 13080, "available_to_capture": 13080},
///     "processed_on": "2019-09-10T10:11:12Z", "reference": "ORD-5023-4E89"}"#;
/// let auth: Authorization = serde_json::from_str(body).unwrap();
/// assert_eq!(auth.status, Some(PaymentStatus::Authorized));
/// assert_eq!(auth.balances.unwrap().total_authorized, Some(13080));
/// ```
/// `Debug` redacts by value ([`redact`](crate::redact)): the server echoes what it was sent.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct Authorization {
    /// The authorization's action id, `act_...`.
    pub action_id: ActionId,
    /// The amount added, in minor units.
    #[serde(default, deserialize_with = "crate::lenient::opt_u64")]
    pub amount: Option<u64>,
    /// Currency.
    #[serde(default, deserialize_with = "crate::lenient::opt")]
    pub currency: Option<Currency>,
    /// Whether the increment was approved.
    #[serde(default, deserialize_with = "crate::lenient::opt_bool")]
    pub approved: Option<bool>,
    /// `Authorized` or `Declined`.
    #[serde(default, deserialize_with = "crate::lenient::opt")]
    pub status: Option<PaymentStatus>,
    /// Authorisation code.
    #[serde(default, deserialize_with = "crate::lenient::opt_string")]
    pub auth_code: Option<String>,
    /// Response code, e.g. `10000`.
    #[serde(default, deserialize_with = "crate::lenient::opt")]
    pub response_code: Option<ResponseCode>,
    /// Response summary, e.g. `Approved`.
    #[serde(default, deserialize_with = "crate::lenient::opt_string")]
    pub response_summary: Option<String>,
    /// When the authorization expires (ISO 8601).
    #[serde(default, deserialize_with = "crate::lenient::opt_string")]
    pub expires_on: Option<String>,
    /// The payment's balances after the increment.
    #[serde(default, deserialize_with = "crate::lenient::opt_object")]
    pub balances: Option<Balances>,
    /// When it was processed (ISO 8601).
    #[serde(default, deserialize_with = "crate::lenient::opt_string")]
    pub processed_on: Option<String>,
    /// Your reference, echoed.
    #[serde(default, deserialize_with = "crate::lenient::opt_string")]
    pub reference: Option<String>,
    /// The risk assessment.
    #[serde(default, deserialize_with = "crate::lenient::opt_object")]
    pub risk: Option<RiskResult>,
}

redacted_debug!(Authorization {
    action_id,
    amount,
    currency,
    approved,
    status,
    auth_code,
    response_code,
    response_summary,
    expires_on,
    balances,
    processed_on,
    reference,
    risk,
});
