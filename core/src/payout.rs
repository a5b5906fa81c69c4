//! A payout as the API returns it.

use alloc::string::String;
use core::fmt;

use serde::{Deserialize, Deserializer};

use crate::id::PaymentId;
use crate::redact::{redact_text_cow, redacted_debug, Redacted};

/// A payout's status over its lifecycle. `Debug` and `Display` of an unknown status redact it by
/// value ([`redact`](crate::redact)).
#[derive(Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PayoutStatus {
    /// Accepted, not yet paid (every payout request answers `202` with this status).
    Pending,
    /// Paid to the destination.
    Paid,
    /// Refused (by Checkout.com, the scheme or the receiving bank).
    Declined,
    /// Paid, then sent back by the receiving bank.
    Returned,
    /// A status this SDK version does not know, kept as sent.
    Unknown(String),
}

impl PayoutStatus {
    /// Parses the API's status text; unknown statuses are kept.
    pub fn parse(s: &str) -> Self {
        match s {
            "Pending" => PayoutStatus::Pending,
            "Paid" => PayoutStatus::Paid,
            "Declined" => PayoutStatus::Declined,
            "Returned" => PayoutStatus::Returned,
            other => PayoutStatus::Unknown(other.into()),
        }
    }

    /// The API's text for the status.
    pub fn as_str(&self) -> &str {
        match self {
            PayoutStatus::Pending => "Pending",
            PayoutStatus::Paid => "Paid",
            PayoutStatus::Declined => "Declined",
            PayoutStatus::Returned => "Returned",
            PayoutStatus::Unknown(s) => s,
        }
    }

    /// Whether the payout can still change (only `Pending` can).
    pub fn is_final(&self) -> bool {
        !matches!(self, PayoutStatus::Pending)
    }
}

impl fmt::Display for PayoutStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redact_text_cow(self.as_str()))
    }
}

impl fmt::Debug for PayoutStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PayoutStatus::Unknown(s) => f.debug_tuple("Unknown").field(&Redacted(s)).finish(),
            known => f.write_str(known.as_str()),
        }
    }
}

impl<'de> Deserialize<'de> for PayoutStatus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = crate::lenient::opt_string(d)?.ok_or_else(|| serde::de::Error::custom("a status must be a string"))?;
        Ok(PayoutStatus::parse(&s))
    }
}

/// When the money of a bank payout is expected (`instruction` of the response).
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct PayoutInstructionResult {
    /// The expected value date (ISO 8601).
    #[serde(default, deserialize_with = "crate::lenient::opt_string")]
    pub value_date: Option<String>,
}

/// `202` for a payout request (`POST /payments` with a `destination`): the payout's id and status.
/// Only what the SDK relies on is typed; the response's raw body keeps everything, and a field of
/// an unexpected type is `None` rather than a failed response.
///
/// ```
/// use checkout_sdk_core::payout::{Payout, PayoutStatus};
///
/// let body = r#"{"id": "pay_mbabizu24mvu3mela5njyhpit4", "status": "Pending", "reference": "PO-215-5721",
///     "instruction": {"value_date": "2020-06-13T12:23:34.8722245Z"},
///     "_links": {"self": {"href": "https://api.sandbox.checkout.com/payments/pay_mbabizu24mvu3mela5njyhpit4"}}}"#;
/// let payout: Payout = serde_json::from_str(body).unwrap();
/// assert_eq!(payout.status, Some(PayoutStatus::Pending));
/// assert_eq!(payout.instruction.unwrap().value_date.as_deref(), Some("2020-06-13T12:23:34.8722245Z"));
/// ```
/// `Debug` redacts by value ([`redact`](crate::redact)): the server echoes what it was sent.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct Payout {
    /// The payout's id, `pay_...` (payouts are payments to the API: `GET /payments/{id}` finds it).
    pub id: PaymentId,
    /// Status.
    #[serde(default, deserialize_with = "crate::lenient::opt")]
    pub status: Option<PayoutStatus>,
    /// Your reference, echoed.
    #[serde(default, deserialize_with = "crate::lenient::opt_string")]
    pub reference: Option<String>,
    /// When the money is expected (bank payouts).
    #[serde(default, deserialize_with = "crate::lenient::opt_object")]
    pub instruction: Option<PayoutInstructionResult>,
}

redacted_debug!(PayoutInstructionResult { value_date });
redacted_debug!(Payout { id, status, reference, instruction });

#[cfg(test)]
mod tests {
    use alloc::format;
    use alloc::string::ToString;

    use super::{Payout, PayoutStatus};

    /// The API echoes a reference as sent; a card number or key typed into it stays hidden.
    #[test]
    fn debug_and_display_hide_what_the_server_echoes() {
        let payout: Payout = serde_json::from_str(
            r#"{"id": "pay_mbabizu24mvu3mela5njyhpit4", "status": "Held sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e",
                "reference": "card 4242424242424242", "instruction": {"value_date": "4000056655665556"}}"#,
        )
        .unwrap();
        let shown = format!("{payout:?} {payout:#?} {}", payout.status.as_ref().unwrap());
        for secret in ["4242424242424242", "4000056655665556", "m73dzbpy7cf3gfd46xr4yj5xo4e"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert!(shown.contains("pay_mbabizu24mvu3mela5njyhpit4") && shown.contains("4242"), "{shown}");
        assert_eq!(format!("{:?}", PayoutStatus::Paid), "Paid");
        assert_eq!(PayoutStatus::Declined.to_string(), "Declined");
    }
}
