//! The reversals route family: `POST /payments/{id}/reversals`, which returns a payment's money
//! whatever its state: an authorization with nothing captured is voided, a capture is refunded.
//!
//! Always for the full amount: the whole authorization, or everything captured and not yet
//! refunded (what was left uncaptured can no longer be captured once a refund starts, as with
//! `/refunds`). A declined payment with a scheduled retry has its retry cancelled instead. A
//! payment with nothing left to reverse (declined, pending, voided, refunded, a card
//! verification) is 403 like any action not allowed now: the simulator's choice.

use checkout_sdk_core::id::PaymentId;
use checkout_sdk_core::transport::Method;
use checkout_sdk_core::webhook::EventType;
use serde_json::{json, Map, Value};

use crate::ledger::Ledger;
use crate::payments::Action;
use crate::reply::Reply;
use crate::router::{self, Ctx, Routing, Rules};
use crate::rules;
use crate::validation::{optional_metadata, optional_text, parse_object, Errors, MAX_REFERENCE};

/// A reversals route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Route {
    /// `POST /payments/{pay_}/reversals`
    Reverse(PaymentId),
}

impl Route {
    /// Like the other payment actions: a key, faults by default, idempotent.
    pub(crate) fn rules(&self) -> Rules {
        Rules::API.idempotent()
    }
}

/// Matches `/payments/{id}/reversals`.
pub(crate) fn route(method: Method, segments: &[&str]) -> Option<Routing> {
    router::payment_post(method, segments, "reversals", |id| router::Route::Reversals(Route::Reverse(id)))
}

/// Answers a reversals route.
pub(crate) fn handle(ledger: &mut Ledger, ctx: &Ctx<'_>, route: Route, body: &[u8]) -> Reply {
    match route {
        Route::Reverse(id) => reverse(ledger, ctx, &id, body),
    }
}

/// What a reversal does to a payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reversal {
    Void,
    Refund,
    /// Cancels a scheduled retry: no money moves, so no action is recorded and the answer names
    /// no `action_type`.
    CancelRetry,
}

fn reverse(ledger: &mut Ledger, ctx: &Ctx<'_>, id: &PaymentId, body: &[u8]) -> Reply {
    let Some(payment) = ledger.payments.get(id.as_str()) else {
        return Reply::empty(404);
    };
    let obj = match parse_object(body, true) {
        Ok(obj) => obj,
        Err(reject) => return reject.reply(ctx.request_id),
    };
    let mut errors = Errors::default();
    let reference = optional_text(&obj, "reference", MAX_REFERENCE, "reference_invalid", &mut errors);
    let metadata = optional_metadata(&obj, &mut errors);
    if !errors.is_empty() {
        return errors.into_reject().reply(ctx.request_id);
    }
    let (reversal, amount) = if payment.can_void() {
        (Reversal::Void, payment.authorized())
    } else if payment.can_refund() {
        (Reversal::Refund, payment.captured.saturating_sub(payment.refunded))
    } else if payment.retry.is_some_and(|retry| retry.is_scheduled()) {
        (Reversal::CancelRetry, 0)
    } else {
        return Reply::empty(403);
    };
    if payment.actions.len() >= ledger.payments.actions_per_payment() {
        return Reply::empty(403);
    }
    let kind = match reversal {
        Reversal::Void => Some("Void"),
        Reversal::Refund => Some("Refund"),
        Reversal::CancelRetry => None,
    };
    let action_id = ledger.ids.id("act_");
    let action = kind.map(|kind| Action {
        id: action_id.clone(),
        kind,
        processed_on: ledger.clock.now(),
        amount,
        response: rules::APPROVED,
        auth_code: None,
        reference: reference.clone(),
        metadata,
    });
    let recorded = ledger.payments.update(id.as_str(), |payment| {
        match reversal {
            Reversal::Void => payment.voided = true,
            Reversal::Refund => payment.refunded = payment.refunded.saturating_add(amount),
            Reversal::CancelRetry => {
                if let Some(retry) = &mut payment.retry {
                    retry.cancel();
                }
            }
        }
        payment.actions.extend(action);
    });
    if recorded.is_none() {
        return Reply::empty(404);
    }
    match reversal {
        Reversal::Void => ledger.emit_stored(EventType::PaymentVoided, id.as_str(), Some(&action_id)),
        Reversal::Refund => ledger.emit_stored(EventType::PaymentRefunded, id.as_str(), Some(&action_id)),
        Reversal::CancelRetry => ledger.emit_stored(EventType::PaymentCanceled, id.as_str(), None),
    }
    let mut out = Map::new();
    out.insert("action_id".into(), json!(action_id));
    if let Some(reference) = reference {
        out.insert("reference".into(), json!(reference));
    }
    if let Some(kind) = kind {
        out.insert("action_type".into(), json!(kind));
    }
    out.insert("_links".into(), json!({ "payment": { "href": format!("{}/payments/{id}", ctx.base) } }));
    Reply::json(202, Value::Object(out))
}
