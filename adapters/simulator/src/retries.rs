//! Scheduled retries: when a declined merchant-initiated payment gets one (the `retry` options of
//! `POST /payments`), and the route that cancels it, `POST /payments/{id}/cancellations`.
//!
//! The simulator's rule (Checkout.com documents the eligible codes, not a test trigger): a payment
//! with `merchant_initiated: true`, `payment_type` `Recurring` or `Unscheduled`, and retries
//! enabled (`retry.enabled`, `retry.dunning.enabled` or `retry.downtime.enabled`) that is declined
//! with a code its retry kind covers is answered with `status: "Retry Scheduled"` and a `retry`
//! object. The simulator never runs the retries: the schedule only says when they would be.

use checkout_sdk_core::id::PaymentId;
use checkout_sdk_core::transport::Method;
use checkout_sdk_core::webhook::EventType;
use serde_json::{json, Map, Value};

use crate::clock::rfc3339;
use crate::ledger::Ledger;
use crate::reply::Reply;
use crate::router::{self, Ctx, Routing, Rules};
use crate::rules::Response;
use crate::validation::{optional_text, parse_object, Errors, MAX_REFERENCE};

/// Smart Dunning's eligible codes that the simulator's rules produce: do not honour, invalid
/// card number, insufficient funds, timeout.
const DUNNING_CODES: &[&str] = &["20005", "20014", "20051", "20068"];
/// Downtime retries cover issuer and acquirer timeouts.
const DOWNTIME_CODES: &[&str] = &["20068"];
/// Dunning defaults when the request gives none (the official SDKs' defaults).
const DEFAULT_MAX_ATTEMPTS: u64 = 6;
const DEFAULT_END_AFTER_DAYS: u64 = 30;
/// The bounds the simulator accepts (its own rule).
const MAX_ATTEMPTS: u64 = 15;
const MAX_END_AFTER_DAYS: u64 = 60;
/// Downtime retries: two attempts within a day, the first after an hour (the shape of the
/// documented example).
const DOWNTIME_ATTEMPTS: u64 = 2;
const HOUR: i64 = 3600;
const DAY: i64 = 86_400;

/// The `retry` options of a payment request, checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RetryOptions {
    /// `(max_attempts, end_after_days)` when dunning retries are enabled.
    dunning: Option<(u64, u64)>,
    /// Whether downtime retries are enabled.
    downtime: bool,
}

/// Parses `retry`: `{"enabled", "max_attempts", "end_after_days"}` (the older form, taken as
/// dunning) or `{"dunning": {...}, "downtime": {"enabled"}}`. Anything malformed adds
/// `retry_invalid`.
pub(crate) fn parse_options(value: Option<&Value>, errors: &mut Errors) -> Option<RetryOptions> {
    let obj = match value {
        None | Some(Value::Null) => return None,
        Some(Value::Object(obj)) => obj,
        Some(_) => {
            errors.push("retry_invalid");
            return None;
        }
    };
    let mut valid = true;
    let mut dunning = dunning_options(obj, &mut valid);
    if let Some(inner) = obj.get("dunning").filter(|v| !v.is_null()) {
        match inner {
            Value::Object(inner) => dunning = dunning.or(dunning_options(inner, &mut valid)),
            _ => valid = false,
        }
    }
    let downtime = match obj.get("downtime") {
        None | Some(Value::Null) => false,
        Some(Value::Object(inner)) => enabled(inner, &mut valid),
        Some(_) => {
            valid = false;
            false
        }
    };
    if !valid {
        errors.push("retry_invalid");
        return None;
    }
    Some(RetryOptions { dunning, downtime })
}

/// `enabled` (a boolean, default false).
fn enabled(obj: &Map<String, Value>, valid: &mut bool) -> bool {
    match obj.get("enabled") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            *valid = false;
            false
        }
    }
}

/// `(max_attempts, end_after_days)` of an object with `enabled: true`.
fn dunning_options(obj: &Map<String, Value>, valid: &mut bool) -> Option<(u64, u64)> {
    let bounded = |field: &str, default: u64, max: u64, valid: &mut bool| match obj.get(field) {
        None | Some(Value::Null) => default,
        Some(v) => match v.as_u64().filter(|n| (1..=max).contains(n)) {
            Some(n) => n,
            None => {
                *valid = false;
                default
            }
        },
    };
    let attempts = bounded("max_attempts", DEFAULT_MAX_ATTEMPTS, MAX_ATTEMPTS, valid);
    let days = bounded("end_after_days", DEFAULT_END_AFTER_DAYS, MAX_END_AFTER_DAYS, valid);
    enabled(obj, valid).then_some((attempts, days))
}

/// A retry the API scheduled for a declined payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RetrySchedule {
    max_attempts: u64,
    next_attempt_on: i64,
    ends_on: i64,
    cancelled: bool,
}

impl RetrySchedule {
    /// Whether the retry still stands (it was not cancelled).
    pub(crate) fn is_scheduled(&self) -> bool {
        !self.cancelled
    }

    /// Cancels the retry.
    pub(crate) fn cancel(&mut self) {
        self.cancelled = true;
    }

    /// The payment's `retry` object.
    pub(crate) fn to_json(self) -> Value {
        json!({
            "max_attempts": self.max_attempts,
            "next_attempt_on": rfc3339(self.next_attempt_on),
            "ends_on": rfc3339(self.ends_on),
        })
    }
}

/// The retry scheduled for a payment declined with `response` at `now`, if the rule above gives
/// one.
pub(crate) fn schedule(
    options: Option<RetryOptions>,
    merchant_initiated: bool,
    payment_type: &str,
    response: Response,
    now: i64,
) -> Option<RetrySchedule> {
    let options = options?;
    let eligible = merchant_initiated && matches!(payment_type, "Recurring" | "Unscheduled") && !response.is_approved();
    if !eligible {
        return None;
    }
    let at = |days: u64| now.saturating_add(i64::try_from(days).unwrap_or(0).saturating_mul(DAY));
    match options.dunning {
        Some((max_attempts, days)) if DUNNING_CODES.contains(&response.code) => {
            Some(RetrySchedule { max_attempts, next_attempt_on: at(1), ends_on: at(days), cancelled: false })
        }
        _ if options.downtime && DOWNTIME_CODES.contains(&response.code) => Some(RetrySchedule {
            max_attempts: DOWNTIME_ATTEMPTS,
            next_attempt_on: now.saturating_add(HOUR),
            ends_on: at(1),
            cancelled: false,
        }),
        _ => None,
    }
}

/// A retries route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Route {
    /// `POST /payments/{pay_}/cancellations`
    Cancel(PaymentId),
}

impl Route {
    /// Like the other payment actions: a key, faults by default, idempotent.
    pub(crate) fn rules(&self) -> Rules {
        Rules::API.idempotent()
    }
}

/// Matches `/payments/{id}/cancellations`.
pub(crate) fn route(method: Method, segments: &[&str]) -> Option<Routing> {
    router::payment_post(method, segments, "cancellations", |id| router::Route::Retries(Route::Cancel(id)))
}

/// Answers a retries route.
pub(crate) fn handle(ledger: &mut Ledger, ctx: &Ctx<'_>, route: Route, body: &[u8]) -> Reply {
    match route {
        Route::Cancel(id) => cancel(ledger, ctx, &id, body),
    }
}

/// Cancels a scheduled retry: 202 with an action id, 403 when none is scheduled. The
/// cancellation is not a money movement, so it is not listed among the payment's actions.
fn cancel(ledger: &mut Ledger, ctx: &Ctx<'_>, id: &PaymentId, body: &[u8]) -> Reply {
    let Some(payment) = ledger.payments.get(id.as_str()) else {
        return Reply::empty(404);
    };
    let obj = match parse_object(body, true) {
        Ok(obj) => obj,
        Err(reject) => return reject.reply(ctx.request_id),
    };
    let mut errors = Errors::default();
    let reference = optional_text(&obj, "reference", MAX_REFERENCE, "reference_invalid", &mut errors);
    if !errors.is_empty() {
        return errors.into_reject().reply(ctx.request_id);
    }
    if !payment.retry.is_some_and(|retry| retry.is_scheduled()) {
        return Reply::empty(403);
    }
    let _ = ledger.payments.update(id.as_str(), |payment| {
        if let Some(retry) = &mut payment.retry {
            retry.cancel();
        }
    });
    ledger.emit_stored(EventType::PaymentCanceled, id.as_str(), None);
    let mut out = Map::new();
    out.insert("action_id".into(), json!(ledger.ids.id("act_")));
    if let Some(reference) = reference {
        out.insert("reference".into(), json!(reference));
    }
    out.insert("_links".into(), json!({ "payment": { "href": format!("{}/payments/{id}", ctx.base) } }));
    Reply::json(202, Value::Object(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules;

    fn options(value: Value) -> Result<Option<RetryOptions>, ()> {
        let mut errors = Errors::default();
        let options = parse_options(Some(&value), &mut errors);
        if errors.is_empty() {
            Ok(options)
        } else {
            Err(())
        }
    }

    #[test]
    fn retry_options_take_both_forms_and_refuse_the_malformed() {
        let dunning = RetryOptions { dunning: Some((6, 30)), downtime: false };
        assert_eq!(options(json!({"enabled": true})), Ok(Some(dunning)));
        assert_eq!(options(json!({"dunning": {"enabled": true}})), Ok(Some(dunning)));
        assert_eq!(
            options(
                json!({"dunning": {"enabled": true, "max_attempts": 3, "end_after_days": 7}, "downtime": {"enabled": true}})
            ),
            Ok(Some(RetryOptions { dunning: Some((3, 7)), downtime: true }))
        );
        assert_eq!(options(json!({"enabled": false})), Ok(Some(RetryOptions { dunning: None, downtime: false })));
        for bad in [
            json!(true),
            json!({"enabled": "yes"}),
            json!({"max_attempts": 0}),
            json!({"dunning": 1}),
            json!({"end_after_days": 61}),
            json!({"downtime": {"enabled": 1}}),
        ] {
            assert_eq!(options(bad.clone()), Err(()), "{bad}");
        }
    }

    #[test]
    fn only_eligible_declines_of_merchant_initiated_payments_are_retried() {
        let dunning = Some(RetryOptions { dunning: Some((6, 30)), downtime: false });
        let insufficient = Response { code: "20051", summary: "Insufficient funds" };
        let scheduled = schedule(dunning, true, "Recurring", insufficient, 0).expect("scheduled");
        assert_eq!(
            scheduled.to_json(),
            json!({"max_attempts": 6, "next_attempt_on": "1970-01-02T00:00:00Z",
            "ends_on": "1970-01-31T00:00:00Z"})
        );
        assert!(schedule(dunning, false, "Recurring", insufficient, 0).is_none(), "customer-initiated");
        assert!(schedule(dunning, true, "Regular", insufficient, 0).is_none(), "not recurring");
        assert!(schedule(dunning, true, "Unscheduled", rules::APPROVED, 0).is_none(), "approved");
        assert!(schedule(dunning, true, "Recurring", rules::PICK_UP, 0).is_none(), "a hard decline");
        assert!(schedule(None, true, "Recurring", insufficient, 0).is_none(), "no retry asked for");
        let downtime = Some(RetryOptions { dunning: None, downtime: true });
        assert_eq!(schedule(downtime, true, "Recurring", rules::TIMEOUT, 0).map(|r| r.max_attempts), Some(2));
        assert!(schedule(downtime, true, "Recurring", insufficient, 0).is_none());
    }
}
