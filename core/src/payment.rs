//! The payment as the API returns it (`201`, `202` and `GET`).

use alloc::string::String;
use core::fmt;

use serde::{Deserialize, Deserializer};

use crate::currency::Currency;
use crate::id::{ActionId, CustomerId, PaymentId, SourceId};
use crate::outcome::{classify, Outcome, OutcomeFacts, ResponseCode};
use crate::redact::{redact_text_cow, redacted_debug, Redacted};
use crate::response::Response;

/// A payment's status over its lifecycle. An unknown status is server text: `Debug` and
/// `Display` show it redacted by value ([`redact`](crate::redact)); [`as_str`](Self::as_str)
/// gives it as sent.
#[derive(Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PaymentStatus {
    /// Waiting for the customer (3DS, APM) or the processor.
    Pending,
    /// Authorised, not yet captured.
    Authorized,
    /// A zero-amount card verification succeeded.
    CardVerified,
    /// Fully captured.
    Captured,
    /// Partly captured.
    PartiallyCaptured,
    /// Fully refunded.
    Refunded,
    /// Partly refunded.
    PartiallyRefunded,
    /// Voided before capture.
    Voided,
    /// Declined.
    Declined,
    /// Cancelled.
    Canceled,
    /// Expired.
    Expired,
    /// Paid (APMs, payouts).
    Paid,
    /// Declined, with a retry scheduled (merchant-initiated payments with `retry` enabled); see
    /// the payment's `retry` for when.
    RetryScheduled,
    /// A payout that was paid and came back from the recipient's bank.
    Returned,
    /// A status this SDK version does not know, kept as sent.
    Unknown(String),
}

impl PaymentStatus {
    /// Parses the API's status text; unknown statuses are kept.
    pub fn parse(s: &str) -> Self {
        match s {
            "Pending" => PaymentStatus::Pending,
            "Authorized" => PaymentStatus::Authorized,
            "Card Verified" => PaymentStatus::CardVerified,
            "Captured" => PaymentStatus::Captured,
            "Partially Captured" => PaymentStatus::PartiallyCaptured,
            "Refunded" => PaymentStatus::Refunded,
            "Partially Refunded" => PaymentStatus::PartiallyRefunded,
            "Voided" => PaymentStatus::Voided,
            "Declined" => PaymentStatus::Declined,
            "Canceled" | "Cancelled" => PaymentStatus::Canceled,
            "Expired" => PaymentStatus::Expired,
            "Paid" => PaymentStatus::Paid,
            "Retry Scheduled" => PaymentStatus::RetryScheduled,
            "Returned" => PaymentStatus::Returned,
            other => PaymentStatus::Unknown(other.into()),
        }
    }

    /// The API's text for the status.
    pub fn as_str(&self) -> &str {
        match self {
            PaymentStatus::Pending => "Pending",
            PaymentStatus::Authorized => "Authorized",
            PaymentStatus::CardVerified => "Card Verified",
            PaymentStatus::Captured => "Captured",
            PaymentStatus::PartiallyCaptured => "Partially Captured",
            PaymentStatus::Refunded => "Refunded",
            PaymentStatus::PartiallyRefunded => "Partially Refunded",
            PaymentStatus::Voided => "Voided",
            PaymentStatus::Declined => "Declined",
            PaymentStatus::Canceled => "Canceled",
            PaymentStatus::Expired => "Expired",
            PaymentStatus::Paid => "Paid",
            PaymentStatus::RetryScheduled => "Retry Scheduled",
            PaymentStatus::Returned => "Returned",
            PaymentStatus::Unknown(s) => s,
        }
    }
}

impl fmt::Display for PaymentStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redact_text_cow(self.as_str()))
    }
}

impl fmt::Debug for PaymentStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PaymentStatus::Unknown(s) => f.debug_tuple("Unknown").field(&Redacted(s)).finish(),
            // The variant's name is its text without spaces (`Card Verified` -> `CardVerified`).
            known => known.as_str().split(' ').try_for_each(|word| f.write_str(word)),
        }
    }
}

impl<'de> Deserialize<'de> for PaymentStatus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Not a string (null, an object): an error here, which `lenient::opt` turns into `None`.
        let s = crate::lenient::opt_string(d)?.ok_or_else(|| serde::de::Error::custom("a status must be a string"))?;
        Ok(PaymentStatus::parse(&s))
    }
}

/// The source of a processed payment, as returned (card data is only ever last4/bin). `Debug`
/// redacts by value.
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct SourceSummary {
    /// `card`, `ideal`, ...
    #[serde(default, rename = "type", deserialize_with = "crate::lenient::opt_string")]
    pub source_type: Option<String>,
    /// The reusable source id, `src_...`.
    #[serde(default, deserialize_with = "crate::lenient::opt")]
    pub id: Option<SourceId>,
    /// Last four digits of the card.
    #[serde(default, deserialize_with = "crate::lenient::opt_string")]
    pub last4: Option<String>,
    /// First six digits of the card.
    #[serde(default, deserialize_with = "crate::lenient::opt_string")]
    pub bin: Option<String>,
    /// Card scheme, e.g. `Visa`.
    #[serde(default, deserialize_with = "crate::lenient::opt_string")]
    pub scheme: Option<String>,
    /// Expiry month.
    #[serde(default, deserialize_with = "crate::lenient::opt_u64")]
    pub expiry_month: Option<u64>,
    /// Expiry year.
    #[serde(default, deserialize_with = "crate::lenient::opt_u64")]
    pub expiry_year: Option<u64>,
    /// Card fingerprint.
    #[serde(default, deserialize_with = "crate::lenient::opt_string")]
    pub fingerprint: Option<String>,
}

/// The customer of a payment. `Debug` redacts by value.
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct CustomerSummary {
    /// `cus_...`.
    #[serde(default, deserialize_with = "crate::lenient::opt")]
    pub id: Option<CustomerId>,
    /// Email.
    #[serde(default, deserialize_with = "crate::lenient::opt_string")]
    pub email: Option<String>,
    /// Name.
    #[serde(default, deserialize_with = "crate::lenient::opt_string")]
    pub name: Option<String>,
}

/// The risk assessment result.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct RiskResult {
    /// Whether the payment was flagged by risk rules.
    #[serde(default, deserialize_with = "crate::lenient::flag")]
    pub flagged: bool,
}

/// The 3-D Secure result. `Debug` redacts by value.
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct ThreeDsResult {
    /// Whether the payment fell back to non-3DS (`attempt_n3d`).
    #[serde(default, deserialize_with = "crate::lenient::opt_bool")]
    pub downgraded: Option<bool>,
    /// Enrolment: `Y`, `N` or `U`.
    #[serde(default, deserialize_with = "crate::lenient::opt_string")]
    pub enrolled: Option<String>,
    /// Authentication result, when authenticated.
    #[serde(default, deserialize_with = "crate::lenient::opt_string")]
    pub authentication_response: Option<String>,
    /// ECI.
    #[serde(default, deserialize_with = "crate::lenient::opt_string")]
    pub eci: Option<String>,
}

/// The retry Checkout.com scheduled for a declined merchant-initiated payment (`retry` of a payment
/// whose status is [`RetryScheduled`](PaymentStatus::RetryScheduled)). `Debug` redacts by value.
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct RetrySchedule {
    /// The most attempts, the first payment included.
    #[serde(default, deserialize_with = "crate::lenient::opt_u64")]
    pub max_attempts: Option<u64>,
    /// When the next attempt is due (ISO 8601).
    #[serde(default, deserialize_with = "crate::lenient::opt_string")]
    pub next_attempt_on: Option<String>,
    /// When the retries stop (ISO 8601).
    #[serde(default, deserialize_with = "crate::lenient::opt_string")]
    pub ends_on: Option<String>,
}

/// A payment: the typed fields the SDK relies on. Everything else is in the response's raw body.
///
/// `Debug` redacts by value ([`redact`](crate::redact)): the server echoes what it was sent.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct Payment {
    /// `pay_...`.
    pub id: PaymentId,
    /// The id of the action that produced this response.
    #[serde(default, deserialize_with = "crate::lenient::opt")]
    pub action_id: Option<ActionId>,
    /// Amount in minor units.
    #[serde(default, deserialize_with = "crate::lenient::opt_u64")]
    pub amount: Option<u64>,
    /// Currency.
    #[serde(default, deserialize_with = "crate::lenient::opt")]
    pub currency: Option<Currency>,
    /// Whether the payment was approved (absent on pending payments).
    #[serde(default, deserialize_with = "crate::lenient::opt_bool")]
    pub approved: Option<bool>,
    /// Status.
    #[serde(default, deserialize_with = "crate::lenient::opt")]
    pub status: Option<PaymentStatus>,
    /// Response code, e.g. `10000`.
    #[serde(default, deserialize_with = "crate::lenient::opt")]
    pub response_code: Option<ResponseCode>,
    /// Response summary, e.g. `Approved`.
    #[serde(default, deserialize_with = "crate::lenient::opt_string")]
    pub response_summary: Option<String>,
    /// Authorisation code.
    #[serde(default, deserialize_with = "crate::lenient::opt_string")]
    pub auth_code: Option<String>,
    /// When the payment was processed (ISO 8601).
    #[serde(default, deserialize_with = "crate::lenient::opt_string")]
    pub processed_on: Option<String>,
    /// When it was requested (ISO 8601; on `GET`).
    #[serde(default, deserialize_with = "crate::lenient::opt_string")]
    pub requested_on: Option<String>,
    /// Your reference.
    #[serde(default, deserialize_with = "crate::lenient::opt_string")]
    pub reference: Option<String>,
    /// The source.
    #[serde(default, deserialize_with = "crate::lenient::opt_object")]
    pub source: Option<SourceSummary>,
    /// The customer.
    #[serde(default, deserialize_with = "crate::lenient::opt_object")]
    pub customer: Option<CustomerSummary>,
    /// Risk assessment.
    #[serde(default, deserialize_with = "crate::lenient::opt_object")]
    pub risk: Option<RiskResult>,
    /// 3-D Secure result (`payment.three_ds.downgraded` is the seed's `payment.3ds.downgraded`).
    #[serde(default, rename = "3ds", deserialize_with = "crate::lenient::opt_object")]
    pub three_ds: Option<ThreeDsResult>,
    /// The scheduled retry, when a declined payment has one (see
    /// [`Payments::cancel_scheduled_retry`](crate::payments::Payments::cancel_scheduled_retry)).
    #[serde(default, deserialize_with = "crate::lenient::opt_object")]
    pub retry: Option<RetrySchedule>,
}

redacted_debug!(SourceSummary { source_type, id, last4, bin, scheme, expiry_month, expiry_year, fingerprint });
redacted_debug!(CustomerSummary { id, email, name });
redacted_debug!(ThreeDsResult { downgraded, enrolled, authentication_response, eci });
redacted_debug!(RetrySchedule { max_attempts, next_attempt_on, ends_on });
redacted_debug!(Payment {
    id,
    action_id,
    amount,
    currency,
    approved,
    status,
    response_code,
    response_summary,
    auth_code,
    processed_on,
    requested_on,
    reference,
    source,
    customer,
    risk,
    three_ds,
    retry,
});

impl Response<Payment> {
    /// Whether the payment is pending: HTTP 202, or status `Pending`. Always check this first.
    pub fn is_pending(&self) -> bool {
        self.status() == 202 || self.data().status == Some(PaymentStatus::Pending)
    }

    /// Whether the customer must be redirected (there is a `redirect` link).
    pub fn requires_redirect(&self) -> bool {
        self.redirect_link().is_some()
    }

    /// Whether the payment was approved.
    pub fn is_approved(&self) -> bool {
        self.data().approved == Some(true)
    }

    /// Whether risk rules flagged the payment.
    pub fn is_flagged(&self) -> bool {
        self.data().risk.is_some_and(|r| r.flagged)
    }

    /// Pending (with redirect), approved, flagged or declined.
    pub fn outcome(&self) -> Outcome {
        let p = self.data();
        let pending = self.is_pending();
        classify(OutcomeFacts {
            pending,
            // Only a pending payment's redirect matters: the links are not read for the others.
            redirect: if pending { self.redirect_link() } else { None },
            approved: self.is_approved(),
            flagged: self.is_flagged(),
            response_code: p.response_code.as_ref(),
            response_summary: p.response_summary.as_deref(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{Payment, PaymentStatus, RetrySchedule};

    #[test]
    fn every_known_status_reads_back_from_its_text() {
        use PaymentStatus::*;
        let known = [
            Pending,
            Authorized,
            CardVerified,
            Captured,
            PartiallyCaptured,
            Refunded,
            PartiallyRefunded,
            Voided,
            Declined,
            Canceled,
            Expired,
            Paid,
            RetryScheduled,
            Returned,
        ];
        for status in known {
            assert_eq!(PaymentStatus::parse(status.as_str()), status);
            assert_eq!(alloc::format!("{status:?}"), status.as_str().replace(' ', ""));
        }
    }

    #[test]
    fn a_scheduled_retry_is_typed_and_a_malformed_one_is_none() {
        let declined: Payment = serde_json::from_str(
            r#"{"id": "pay_mbabizu24mvu3mela5njyhpit4", "status": "Retry Scheduled", "approved": false,
                "retry": {"max_attempts": 3, "next_attempt_on": "2026-01-02T00:00:01Z", "ends_on": "2026-01-08T00:00:01Z"}}"#,
        )
        .unwrap();
        assert_eq!(declined.status, Some(PaymentStatus::RetryScheduled));
        let retry = declined.retry.expect("typed");
        assert_eq!(retry.max_attempts, Some(3));
        assert_eq!(retry.next_attempt_on.as_deref(), Some("2026-01-02T00:00:01Z"));
        assert_eq!(retry.ends_on.as_deref(), Some("2026-01-08T00:00:01Z"));
        // Lenient like every other part of a payment: a field of the wrong type is None.
        let odd: Payment =
            serde_json::from_str(r#"{"id": "pay_mbabizu24mvu3mela5njyhpit4", "retry": {"max_attempts": "many"}}"#)
                .unwrap();
        assert_eq!(odd.retry, Some(RetrySchedule::default()));
        let odd: Payment = serde_json::from_str(r#"{"id": "pay_mbabizu24mvu3mela5njyhpit4", "retry": true}"#).unwrap();
        assert_eq!(odd.retry, None);
    }
}
