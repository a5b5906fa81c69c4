//! The actions route family: a payment's history (`GET /payments/{id}/actions`) and the actions
//! that change it: captures, refunds and voids.

use checkout_sdk_core::id::PaymentId;
use checkout_sdk_core::transport::Method;
use serde_json::{json, Map, Value};

use crate::ledger::Ledger;
use crate::payments::Action;
use crate::reply::Reply;
use crate::router::{self, Ctx, Routing, Rules};
use crate::rules;
use crate::validation::{optional_metadata, optional_text, parse_object, Errors, Reject, MAX_REFERENCE};
use crate::webhooks;

/// An actions route; every one takes a `pay_` id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Route {
    /// `GET /payments/{pay_}/actions`
    List(PaymentId),
    /// `POST /payments/{pay_}/captures`, `/refunds` or `/voids`
    Act(ActionKind, PaymentId),
}

impl Route {
    /// Like the payment routes: a secret key and faults by default; the actions are idempotent.
    pub(crate) fn rules(&self) -> Rules {
        match self {
            Route::List(_) => Rules::API,
            Route::Act(..) => Rules::API.idempotent(),
        }
    }
}

/// The three payment actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ActionKind {
    Capture,
    Refund,
    Void,
}

impl ActionKind {
    fn name(self) -> &'static str {
        match self {
            ActionKind::Capture => "Capture",
            ActionKind::Refund => "Refund",
            ActionKind::Void => "Void",
        }
    }
}

/// Matches `/payments/{id}/{actions|captures|refunds|voids}`.
pub(crate) fn route(method: Method, segments: &[&str]) -> Option<Routing> {
    let ["payments", id, action] = segments else {
        return None;
    };
    let Ok(id) = PaymentId::new(*id) else {
        return Some(Routing::NotFound);
    };
    let (wanted, route) = match *action {
        "actions" => (Method::Get, Route::List(id)),
        "captures" => (Method::Post, Route::Act(ActionKind::Capture, id)),
        "refunds" => (Method::Post, Route::Act(ActionKind::Refund, id)),
        "voids" => (Method::Post, Route::Act(ActionKind::Void, id)),
        _ => return Some(Routing::NotFound),
    };
    Some(router::expect(method, wanted, router::Route::Actions(route)))
}

/// Answers an actions route.
pub(crate) fn handle(ledger: &mut Ledger, ctx: &Ctx<'_>, route: Route, body: &[u8]) -> Reply {
    match route {
        Route::List(id) => match ledger.payments.get(id.as_str()) {
            Some(payment) => Reply::json(200, payment.actions_json()),
            None => Reply::empty(404),
        },
        Route::Act(kind, id) => act(ledger, ctx, &id, body, kind),
    }
}

/// A checked capture, refund or void body.
#[derive(Debug, Clone, Default)]
struct ActionInput {
    amount: Option<u64>,
    reference: Option<String>,
    metadata: Option<Value>,
}

/// Parses a capture/refund (`with_amount`) or void body; the body is optional.
fn parse_action(body: &[u8], with_amount: bool) -> Result<ActionInput, Reject> {
    let obj = parse_object(body, true)?;
    let mut errors = Errors::default();
    let amount = if with_amount {
        match obj.get("amount") {
            None | Some(Value::Null) => None,
            Some(v) => {
                let amount = v.as_u64().filter(|a| *a > 0);
                if amount.is_none() {
                    errors.push("amount_invalid");
                }
                amount
            }
        }
    } else {
        None
    };
    let reference = optional_text(&obj, "reference", MAX_REFERENCE, "reference_invalid", &mut errors);
    let metadata = optional_metadata(&obj, &mut errors);
    if errors.is_empty() {
        Ok(ActionInput { amount, reference, metadata })
    } else {
        Err(errors.into_reject())
    }
}

fn act(ledger: &mut Ledger, ctx: &Ctx<'_>, id: &PaymentId, body: &[u8], kind: ActionKind) -> Reply {
    let Some(payment) = ledger.payments.get(id.as_str()) else {
        return Reply::empty(404);
    };
    let input = match parse_action(body, kind != ActionKind::Void) {
        Ok(input) => input,
        Err(reject) => return reject.reply(ctx.request_id),
    };
    let (allowed, available, too_much) = match kind {
        ActionKind::Capture => (
            payment.can_capture(),
            payment.authorized().saturating_sub(payment.captured),
            "capture_value_greater_than_authorized",
        ),
        ActionKind::Refund => {
            (payment.can_refund(), payment.captured.saturating_sub(payment.refunded), "refund_amount_exceeds_balance")
        }
        ActionKind::Void => (payment.can_void(), payment.authorized(), ""),
    };
    if !allowed || payment.actions.len() >= ledger.payments.actions_per_payment() {
        return Reply::empty(403);
    }
    let amount = input.amount.unwrap_or(available);
    if amount > available {
        return Reply::invalid(ctx.request_id, &[too_much]);
    }
    let action_id = ledger.ids.id("act_");
    let now = ledger.clock.now();
    let action = Action {
        id: action_id.clone(),
        kind: kind.name(),
        processed_on: now,
        amount,
        response: rules::APPROVED,
        auth_code: None,
        reference: input.reference.clone(),
        metadata: input.metadata,
    };
    let recorded = ledger.payments.update(id.as_str(), |payment| {
        match kind {
            ActionKind::Capture => payment.captured += amount,
            ActionKind::Refund => payment.refunded += amount,
            ActionKind::Void => payment.voided = true,
        }
        payment.actions.push(action);
    });
    if recorded.is_none() {
        return Reply::empty(404);
    }
    if let Some(event) = webhooks::action_event(kind.name(), rules::APPROVED.is_approved()) {
        ledger.emit_stored(event, id.as_str(), Some(&action_id));
    }
    let mut out = Map::new();
    out.insert("action_id".into(), json!(action_id));
    if let Some(reference) = input.reference {
        out.insert("reference".into(), json!(reference));
    }
    out.insert("_links".into(), json!({ "payment": { "href": format!("{}/payments/{}", ctx.base, id) } }));
    Reply::json(202, Value::Object(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_bodies_are_optional() {
        assert!(parse_action(b"", true).is_ok());
        assert!(parse_action(b"null", true).is_ok());
        assert_eq!(parse_action(br#"{"amount": 0}"#, true).err(), Some(Reject::Invalid(vec!["amount_invalid"])));
        assert!(parse_action(br#"{"amount": 0}"#, false).is_ok());
        assert_eq!(parse_action(b"{", true).err(), Some(Reject::Malformed));
    }
}
