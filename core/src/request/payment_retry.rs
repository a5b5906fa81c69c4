//! Scheduled retries of a declined merchant-initiated payment: the `retry` options of
//! `POST /payments` (not the client's own retries of a failed request, which are
//! [`RetryPolicy`](crate::retry::RetryPolicy)).

use alloc::string::String;

use serde::Serialize;
use serde_json::{Map, Value};

use super::field::{extra_setter, open_model, setters, switch_or_object, FieldError, FieldProblem, Fields, FromJson};

/// The `retry` options of a payment: whether Checkout.com retries a declined
/// merchant-initiated payment later, and for how long. A payment declined with a code a retry
/// covers comes back as [`RetryScheduled`](crate::payment::PaymentStatus::RetryScheduled); cancel
/// the schedule with [`Payments::cancel_scheduled_retry`](crate::payments::Payments::cancel_scheduled_retry).
///
/// Two kinds can be switched on separately: [`dunning`](Self::dunning) (Smart Dunning: declines
/// such as insufficient funds, retried over days) and [`downtime`](Self::downtime) (issuer or
/// acquirer timeouts, retried within a day). The older form, `enabled` + `max_attempts` +
/// `end_after_days` at this level, is kept for accounts that use it. Fields the SDK does not
/// model are kept in `extra`.
///
/// ```
/// use checkout_sdk_core::request::{DunningRetry, PaymentRetry};
/// use serde_json::json;
///
/// let retry = PaymentRetry::new().dunning(DunningRetry::enabled().max_attempts(3).end_after_days(7)).downtime(true);
/// assert_eq!(
///     serde_json::to_value(&retry).unwrap(),
///     json!({"dunning": {"enabled": true, "max_attempts": 3, "end_after_days": 7}, "downtime": {"enabled": true}})
/// );
/// ```
#[derive(Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct PaymentRetry {
    /// The older form: whether retries are on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// The older form: the most attempts, the first payment included.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_attempts: Option<u64>,
    /// The older form: how many days after the first attempt the retries stop.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_after_days: Option<u64>,
    /// Smart Dunning retries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dunning: Option<DunningRetry>,
    /// Retries after an issuer or acquirer timeout.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub downtime: Option<DowntimeRetry>,
    /// Fields the SDK does not model, sent as given.
    #[serde(flatten, serialize_with = "PaymentRetry::serialize_extra")]
    pub extra: Map<String, Value>,
}

open_model!(PaymentRetry { "enabled", "max_attempts", "end_after_days", "dunning", "downtime" });

impl FromJson for PaymentRetry {
    fn from_fields(mut f: Fields) -> Result<Self, FieldError> {
        Ok(PaymentRetry {
            enabled: f.boolean("enabled")?,
            max_attempts: f.integer("max_attempts")?,
            end_after_days: f.integer("end_after_days")?,
            dunning: f.model("dunning")?,
            downtime: f.model("downtime")?,
            extra: f.rest(),
        })
    }
}

impl PaymentRetry {
    /// Options with nothing set yet.
    pub fn new() -> Self {
        Self::default()
    }

    setters! {
        /// Sets the older form's switch.
        enabled = bool,
        /// Sets the older form's most attempts.
        max_attempts = u64,
        /// Sets the older form's last day.
        end_after_days = u64,
        /// Sets Smart Dunning retries: `true`, or a full [`DunningRetry`].
        dunning: DunningRetry,
        /// Sets retries after a timeout: `true` or `false`.
        downtime: DowntimeRetry,
    }

    extra_setter!();
}

/// Smart Dunning retries (`retry.dunning`): a declined payment retried on a schedule Checkout.com
/// chooses, at most `max_attempts` times, until `end_after_days` after the first attempt (the
/// API's defaults apply to what is not set).
#[derive(Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct DunningRetry {
    /// Whether dunning retries are on.
    pub enabled: bool,
    /// The most attempts, the first payment included.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_attempts: Option<u64>,
    /// How many days after the first attempt the retries stop.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_after_days: Option<u64>,
    /// Fields the SDK does not model, sent as given.
    #[serde(flatten, serialize_with = "DunningRetry::serialize_extra")]
    pub extra: Map<String, Value>,
}

open_model!(DunningRetry { "enabled", "max_attempts", "end_after_days" });

impl FromJson for DunningRetry {
    fn from_fields(mut f: Fields) -> Result<Self, FieldError> {
        Ok(DunningRetry {
            enabled: required_switch(&mut f)?,
            max_attempts: f.integer("max_attempts")?,
            end_after_days: f.integer("end_after_days")?,
            extra: f.rest(),
        })
    }

    fn from_value(value: Value, path: String) -> Result<Self, FieldError> {
        switch_or_object(value, path, DunningRetry::from)
    }
}

impl DunningRetry {
    /// Dunning retries on, with the API's defaults.
    pub fn enabled() -> Self {
        DunningRetry::from(true)
    }

    setters! {
        /// Sets the most attempts, the first payment included.
        max_attempts = u64,
        /// Sets how many days after the first attempt the retries stop.
        end_after_days = u64,
    }

    extra_setter!();
}

impl From<bool> for DunningRetry {
    fn from(enabled: bool) -> Self {
        DunningRetry { enabled, max_attempts: None, end_after_days: None, extra: Map::new() }
    }
}

/// Retries after an issuer or acquirer timeout (`retry.downtime`).
#[derive(Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct DowntimeRetry {
    /// Whether downtime retries are on.
    pub enabled: bool,
    /// Fields the SDK does not model, sent as given.
    #[serde(flatten, serialize_with = "DowntimeRetry::serialize_extra")]
    pub extra: Map<String, Value>,
}

open_model!(DowntimeRetry { "enabled" });

impl FromJson for DowntimeRetry {
    fn from_fields(mut f: Fields) -> Result<Self, FieldError> {
        Ok(DowntimeRetry { enabled: required_switch(&mut f)?, extra: f.rest() })
    }

    fn from_value(value: Value, path: String) -> Result<Self, FieldError> {
        switch_or_object(value, path, DowntimeRetry::from)
    }
}

impl DowntimeRetry {
    /// Downtime retries on.
    pub fn enabled() -> Self {
        DowntimeRetry::from(true)
    }

    extra_setter!();
}

impl From<bool> for DowntimeRetry {
    fn from(enabled: bool) -> Self {
        DowntimeRetry { enabled, extra: Map::new() }
    }
}

/// `enabled` of a retry kind: required, since a kind sent without it would switch nothing on.
fn required_switch(f: &mut Fields) -> Result<bool, FieldError> {
    f.boolean("enabled")?.ok_or_else(|| FieldError::new(f.path("enabled"), FieldProblem::Missing))
}

crate::redact::redacted_json_debug!(PaymentRetry, DunningRetry, DowntimeRetry);

#[cfg(test)]
mod tests {
    use alloc::string::ToString;

    use serde_json::json;

    use super::{DowntimeRetry, DunningRetry, PaymentRetry};

    #[test]
    fn both_forms_read_back_as_they_are_sent() {
        let current = json!({"dunning": {"enabled": true, "max_attempts": 5, "end_after_days": 30},
            "downtime": {"enabled": false}, "future_kind": {"enabled": true}});
        let retry: PaymentRetry = serde_json::from_value(current.clone()).unwrap();
        assert_eq!(retry.dunning, Some(DunningRetry::enabled().max_attempts(5).end_after_days(30)));
        assert_eq!(retry.downtime, Some(DowntimeRetry::from(false)));
        assert_eq!(retry.extra["future_kind"], json!({"enabled": true}));
        assert_eq!(serde_json::to_value(&retry).unwrap(), current);

        let older = json!({"enabled": true, "max_attempts": 2, "end_after_days": 5});
        let retry: PaymentRetry = serde_json::from_value(older.clone()).unwrap();
        assert_eq!((retry.enabled, retry.max_attempts, retry.end_after_days), (Some(true), Some(2), Some(5)));
        assert_eq!(serde_json::to_value(&retry).unwrap(), older);
    }

    #[test]
    fn a_kind_may_be_written_as_a_switch() {
        let retry: PaymentRetry = serde_json::from_value(json!({"dunning": true, "downtime": false})).unwrap();
        assert_eq!(retry.dunning, Some(DunningRetry::enabled()));
        assert_eq!(retry.downtime, Some(DowntimeRetry::from(false)));
        assert_eq!(
            serde_json::to_value(PaymentRetry::new().dunning(true)).unwrap(),
            json!({"dunning": {"enabled": true}})
        );
    }

    #[test]
    fn malformed_options_name_the_field() {
        for (body, says) in [
            (json!({"dunning": {"max_attempts": 3}}), "`dunning.enabled`: is required"),
            (json!({"dunning": {"enabled": true, "max_attempts": -1}}), "`dunning.max_attempts`: expected"),
            (json!({"downtime": "yes"}), "`downtime`: expected true, false or a JSON object"),
            (json!({"enabled": "true"}), "`enabled`: expected"),
        ] {
            let error = serde_json::from_value::<PaymentRetry>(body.clone()).unwrap_err().to_string();
            assert!(error.contains(says), "{body}: {error}");
        }
    }

    #[test]
    fn extra_may_not_repeat_a_modelled_field() {
        let retry = PaymentRetry::new().dunning(true).extra("dunning", json!({"enabled": false}));
        assert!(serde_json::to_value(&retry).is_err());
    }
}
