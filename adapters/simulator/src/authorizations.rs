//! The authorizations route family: incremental authorization, `POST /payments/{id}/authorizations`.
//!
//! Checkout.com allows it after an estimated authorization (`authorization_type: Estimated`) and
//! before any capture. Where the documentation is silent the simulator's rules are: card payments
//! only; the increment (`amount`, 0 to only extend the validity) is declined like a payment of
//! that amount (the declining test cards and the amount table); and the total authorized may not
//! pass twice the original amount (a larger increment is declined with `20061`).

use checkout_sdk_core::id::PaymentId;
use checkout_sdk_core::transport::Method;
use checkout_sdk_core::webhook::EventType;
use serde_json::{json, Map, Value};

use crate::clock::rfc3339;
use crate::ledger::Ledger;
use crate::payments::{Action, Funding};
use crate::reply::Reply;
use crate::router::{self, Ctx, Routing, Rules};
use crate::rules::{self, Response};
use crate::validation::{optional_metadata, optional_text, parse_object, Errors, Reject, MAX_REFERENCE};

/// The response to an increment that would pass the cap.
const LIMIT_EXCEEDED: Response = Response { code: "20061", summary: "Activity amount limit exceeded" };
/// How much more than the original amount the increments may add, as a multiple of it.
const CAP_MULTIPLE: u64 = 2;
/// `expires_on` of an authorization: a week after it is processed (informative: nothing expires
/// in the simulator).
const VALIDITY_SECS: i64 = 7 * 86_400;

/// An authorizations route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Route {
    /// `POST /payments/{pay_}/authorizations`
    Increment(PaymentId),
}

impl Route {
    /// Like the other payment actions: a key, faults by default, idempotent.
    pub(crate) fn rules(&self) -> Rules {
        Rules::API.idempotent()
    }
}

/// Matches `/payments/{id}/authorizations`.
pub(crate) fn route(method: Method, segments: &[&str]) -> Option<Routing> {
    router::payment_post(method, segments, "authorizations", |id| router::Route::Authorizations(Route::Increment(id)))
}

/// Answers an authorizations route.
pub(crate) fn handle(ledger: &mut Ledger, ctx: &Ctx<'_>, route: Route, body: &[u8]) -> Reply {
    match route {
        Route::Increment(id) => increment(ledger, ctx, &id, body),
    }
}

/// A checked increment body.
struct IncrementInput {
    amount: u64,
    reference: Option<String>,
    metadata: Option<Value>,
}

/// Parses `{"amount"?, "reference"?, "metadata"?}`; the body is optional.
fn parse_increment(body: &[u8]) -> Result<IncrementInput, Reject> {
    let obj = parse_object(body, true)?;
    let mut errors = Errors::default();
    let amount = match obj.get("amount") {
        None | Some(Value::Null) => 0,
        Some(v) => v.as_u64().unwrap_or_else(|| {
            errors.push("amount_invalid");
            0
        }),
    };
    let reference = optional_text(&obj, "reference", MAX_REFERENCE, "reference_invalid", &mut errors);
    let metadata = optional_metadata(&obj, &mut errors);
    if errors.is_empty() {
        Ok(IncrementInput { amount, reference, metadata })
    } else {
        Err(errors.into_reject())
    }
}

fn increment(ledger: &mut Ledger, ctx: &Ctx<'_>, id: &PaymentId, body: &[u8]) -> Reply {
    let Some(payment) = ledger.payments.get(id.as_str()) else {
        return Reply::empty(404);
    };
    let input = match parse_increment(body) {
        Ok(input) => input,
        Err(reject) => return reject.reply(ctx.request_id),
    };
    if !payment.can_increment() || payment.actions.len() >= ledger.payments.actions_per_payment() {
        return Reply::empty(403);
    }
    let cap = payment.amount.saturating_mul(CAP_MULTIPLE);
    let card_decline = match &payment.funding {
        Funding::Card { card, .. } => rules::card_decline(card.number()),
        Funding::Apm { .. } => None,
    };
    let response = if let Some(decline) = card_decline {
        decline
    } else if payment.authorized().saturating_add(input.amount) > cap {
        LIMIT_EXCEEDED
    } else if input.amount == 0 {
        rules::APPROVED
    } else {
        rules::amount_decline(input.amount).unwrap_or(rules::APPROVED)
    };
    let now = ledger.clock.now();
    let action_id = ledger.ids.id("act_");
    let auth_code = response.is_approved().then(|| ledger.ids.digits(6));
    let action = Action {
        id: action_id.clone(),
        kind: "Authorization",
        processed_on: now,
        amount: input.amount,
        response,
        auth_code: auth_code.clone(),
        reference: input.reference.clone(),
        metadata: input.metadata,
    };
    let updated = ledger.payments.update(id.as_str(), |payment| {
        if response.is_approved() {
            payment.incremented = payment.incremented.saturating_add(input.amount);
        }
        payment.actions.push(action);
        (payment.currency.clone(), payment.balances(), payment.links(ctx.base))
    });
    let Some((currency, balances, links)) = updated else {
        return Reply::empty(404);
    };
    let event = if response.is_approved() {
        EventType::PaymentAuthorizationIncremented
    } else {
        EventType::PaymentAuthorizationIncrementDeclined
    };
    ledger.emit_stored(event, id.as_str(), Some(&action_id));
    let mut out = Map::new();
    out.insert("action_id".into(), json!(action_id));
    out.insert("amount".into(), json!(input.amount));
    out.insert("currency".into(), json!(currency));
    out.insert("approved".into(), json!(response.is_approved()));
    out.insert("status".into(), json!(if response.is_approved() { "Authorized" } else { "Declined" }));
    if let Some(code) = auth_code {
        out.insert("auth_code".into(), json!(code));
    }
    out.insert("response_code".into(), json!(response.code));
    out.insert("response_summary".into(), json!(response.summary));
    out.insert("expires_on".into(), json!(rfc3339(now.saturating_add(VALIDITY_SECS))));
    out.insert("balances".into(), balances);
    out.insert("processed_on".into(), json!(rfc3339(now)));
    if let Some(reference) = input.reference {
        out.insert("reference".into(), json!(reference));
    }
    out.insert("risk".into(), json!({ "flagged": false }));
    out.insert("_links".into(), links);
    Reply::json(201, Value::Object(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn increment_bodies_are_optional_and_checked() {
        assert_eq!(parse_increment(b"").map(|i| i.amount).ok(), Some(0));
        assert_eq!(parse_increment(br#"{"amount": 250}"#).map(|i| i.amount).ok(), Some(250));
        assert_eq!(parse_increment(br#"{"amount": -1}"#).err(), Some(Reject::Invalid(vec!["amount_invalid"])));
        assert_eq!(parse_increment(br#"{"amount": "1"}"#).err(), Some(Reject::Invalid(vec!["amount_invalid"])));
        assert_eq!(parse_increment(b"[").err(), Some(Reject::Malformed));
    }
}
