//! Payouts: `POST /payments` with a `destination` (a bank account, a card, a stored source or a
//! card token) instead of a payment `source`, and their lifecycle.
//!
//! Every payout is accepted as `Pending` (202). [`SETTLE_SECS`] seconds later on the simulator's
//! clock it is settled when the next request comes in: `Declined` when its amount is one the
//! card amount table declines (the same response code), otherwise `Paid`; a paid payout whose
//! amount ends in 70 comes back `Returned` another [`SETTLE_SECS`] later. These triggers are the
//! simulator's own (the sandbox documents none for payouts). A payout is read with
//! `GET /payments/{id}` like a payment; it has no actions.

mod input;

use std::collections::BTreeSet;

use checkout_sdk_core::id::PaymentRef;
use checkout_sdk_core::webhook::EventType;
use serde_json::{json, Map, Value};

use crate::auth::Caller;
use crate::clock::rfc3339;
use crate::ledger::Ledger;
use crate::limits::Limits;
use crate::reply::Reply;
use crate::retention::{json_weight, optional_json_weight, optional_text_weight, text_weight, Retained, Weigh};
use crate::router::Ctx;
use crate::rules::{self, Response};
use crate::validation::Errors;
use crate::vault::Card;

use input::{parse_payout, DestinationInput};

/// How long a payout waits, on the simulator's clock, before it is settled (and a paid payout
/// that comes back, before it is returned).
pub(crate) const SETTLE_SECS: i64 = 1;

/// Where a payout is in its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Pending,
    Paid,
    Declined(Response),
    Returned,
}

/// A payout and its history.
struct Payout {
    id: String,
    requested_on: i64,
    amount: u64,
    currency: String,
    reference: Option<String>,
    metadata: Option<Value>,
    /// What the payout shows of its destination (never a full card or account number).
    destination: Value,
    source: Option<Value>,
    processing_channel_id: Option<String>,
    state: State,
    /// When the money is expected: when the payout settles.
    value_date: i64,
    /// The base URL the payout was requested through (for `Simulator::payment`).
    base: String,
}

impl Weigh for Payout {
    fn weight(&self) -> usize {
        size_of::<Payout>()
            + text_weight(&self.id)
            + text_weight(&self.currency)
            + optional_text_weight(self.reference.as_ref())
            + optional_json_weight(self.metadata.as_ref())
            + json_weight(&self.destination)
            + optional_json_weight(self.source.as_ref())
            + optional_text_weight(self.processing_channel_id.as_ref())
            + text_weight(&self.base)
    }
}

impl Payout {
    fn status(&self) -> &'static str {
        match self.state {
            State::Pending => "Pending",
            State::Paid => "Paid",
            State::Declined(_) => "Declined",
            State::Returned => "Returned",
        }
    }

    fn links(&self, base: &str) -> Value {
        json!({ "self": { "href": format!("{base}/payments/{}", self.id) } })
    }

    /// The 202 answer to the request.
    fn accepted_json(&self, base: &str) -> Value {
        let mut out = Map::new();
        out.insert("id".into(), json!(self.id));
        out.insert("status".into(), json!(self.status()));
        if let Some(reference) = &self.reference {
            out.insert("reference".into(), json!(reference));
        }
        out.insert("destination".into(), self.destination.clone());
        out.insert("instruction".into(), json!({ "value_date": rfc3339(self.value_date) }));
        out.insert("_links".into(), self.links(base));
        Value::Object(out)
    }

    /// The event of a change to this payout: `payment_pending` when requested, then
    /// `payment_paid` or `payment_declined`, and `payment_returned`.
    fn event(&self) -> EventType {
        match self.state {
            State::Pending => EventType::PaymentPending,
            State::Paid => EventType::PaymentPaid,
            State::Declined(_) => EventType::PaymentDeclined,
            State::Returned => EventType::PaymentReturned,
        }
    }

    /// The `data` of its webhook events: what `GET` shows but the source, whose details a
    /// webhook does not repeat.
    fn event_data(&self) -> Value {
        let mut data = self.details_json(&self.base);
        if let Value::Object(fields) = &mut data {
            fields.remove("source");
            fields.remove("_links");
        }
        data
    }

    /// The 200 body of `GET /payments/{id}`.
    fn details_json(&self, base: &str) -> Value {
        let mut out = Map::new();
        out.insert("id".into(), json!(self.id));
        out.insert("requested_on".into(), json!(rfc3339(self.requested_on)));
        out.insert("amount".into(), json!(self.amount));
        out.insert("currency".into(), json!(self.currency));
        if let Some(reference) = &self.reference {
            out.insert("reference".into(), json!(reference));
        }
        out.insert("status".into(), json!(self.status()));
        match self.state {
            State::Pending => {}
            State::Paid | State::Returned => {
                out.insert("approved".into(), json!(true));
            }
            State::Declined(response) => {
                out.insert("approved".into(), json!(false));
                out.insert("response_code".into(), json!(response.code));
                out.insert("response_summary".into(), json!(response.summary));
            }
        }
        if let Some(source) = &self.source {
            out.insert("source".into(), source.clone());
        }
        out.insert("destination".into(), self.destination.clone());
        out.insert("instruction".into(), json!({ "value_date": rfc3339(self.value_date) }));
        if let Some(channel) = &self.processing_channel_id {
            out.insert("processing_channel_id".into(), json!(channel));
        }
        if let Some(metadata) = &self.metadata {
            out.insert("metadata".into(), metadata.clone());
        }
        out.insert("_links".into(), self.links(base));
        Value::Object(out)
    }
}

/// Every payout (within the payments' [`Limits`]), and the settlements due.
pub(crate) struct PayoutBook {
    payouts: Retained<Payout>,
    /// `(when, payout id)` of every pending settlement or return, earliest first.
    due: BTreeSet<(i64, String)>,
}

impl PayoutBook {
    /// No payouts yet.
    pub(crate) fn new(limits: &Limits) -> Self {
        PayoutBook { payouts: Retained::new(limits.payments, limits.payment_bytes), due: BTreeSet::new() }
    }

    /// Applies new limits, forgetting the oldest payouts if needed.
    pub(crate) fn set_limits(&mut self, limits: &Limits) {
        let _ = self.payouts.set_bounds(limits.payments, limits.payment_bytes);
    }

    /// How many payouts are kept.
    pub(crate) fn len(&self) -> usize {
        self.payouts.len()
    }
}

/// Whether a `POST /payments` body is a payout: a JSON object with a `destination`.
pub(crate) fn is_payout(body: &[u8]) -> bool {
    serde_json::from_slice::<Value>(body).is_ok_and(|v| v.get("destination").is_some_and(|d| !d.is_null()))
}

/// Accepts a payout: 202 `Pending`, or 422 with every problem found.
pub(crate) fn create(ledger: &mut Ledger, ctx: &Ctx<'_>, body: &[u8]) -> Reply {
    let now = ledger.clock.now();
    let needs_channel = ctx.caller.is_some_and(Caller::needs_processing_channel);
    let input = match parse_payout(body, now, needs_channel) {
        Ok(input) => input,
        Err(reject) => return reject.reply(ctx.request_id),
    };
    let mut errors = Errors::default();
    let destination = match input.destination {
        DestinationInput::BankAccount(shown) => Some(shown),
        DestinationInput::Card(card) => Some(Card::new(card).source_json(None)),
        DestinationInput::Id(id) => match ledger.vault.source(&id) {
            Some(source) if source.card.is_expired(now) => {
                errors.push("card_expired");
                None
            }
            Some(source) => Some(source.card.source_json(Some(&id))),
            None => {
                errors.push("destination_id_invalid");
                None
            }
        },
        DestinationInput::Token(token) => match ledger.vault.token(&token) {
            None => {
                errors.push("token_invalid");
                None
            }
            Some(stored) if stored.used => {
                errors.push("token_used");
                None
            }
            Some(stored) if stored.expires_on < now => {
                errors.push("token_expired");
                None
            }
            Some(stored) if !stored.card.number_is_valid() || stored.card.is_expired(now) => {
                errors.push("card_number_invalid");
                None
            }
            Some(stored) => {
                let shown = stored.card.source_json(None);
                ledger.vault.use_token(&token);
                Some(shown)
            }
        },
    };
    let Some(destination) = destination.filter(|_| errors.is_empty()) else {
        return errors.into_reject().reply(ctx.request_id);
    };
    let payout = Payout {
        id: ledger.ids.id("pay_"),
        requested_on: now,
        amount: input.amount,
        currency: input.currency,
        reference: input.reference,
        metadata: input.metadata,
        destination,
        source: input.source,
        processing_channel_id: input.processing_channel_id,
        state: State::Pending,
        value_date: now.saturating_add(SETTLE_SECS),
        base: ctx.base.to_string(),
    };
    let reply = Reply::json(202, payout.accepted_json(ctx.base));
    ledger.webhooks.record_data(now, payout.event(), &payout.id, &payout.base, payout.event_data());
    ledger.payouts.due.insert((payout.value_date, payout.id.clone()));
    let _ = ledger.payouts.payouts.insert(payout.id.clone(), payout);
    reply
}

/// Settles every payout due by now: pending ones are paid or declined, paid ones that come back
/// are returned.
pub(crate) fn settle_due(ledger: &mut Ledger) {
    let now = ledger.clock.now();
    let book = &mut ledger.payouts;
    while let Some((when, id)) = book.due.first().cloned() {
        if when > now {
            break;
        }
        book.due.remove(&(when, id.clone()));
        let changed = book.payouts.update(&id, |payout| {
            payout.state = match payout.state {
                State::Pending => match rules::amount_decline(payout.amount) {
                    Some(decline) => State::Declined(decline),
                    None => State::Paid,
                },
                State::Paid => State::Returned,
                settled => settled,
            };
            let returns = payout.state == State::Paid && payout.amount % 100 == 70;
            (returns, payout.event(), payout.base.clone(), payout.event_data())
        });
        let Some(((returns, event, base, data), _)) = changed else { continue };
        if returns {
            book.due.insert((when.saturating_add(SETTLE_SECS), id.clone()));
        }
        ledger.webhooks.record_data(now, event, &id, &base, data);
    }
}

/// `GET /payments/{id}` for a payout (404 when there is none with this id).
pub(crate) fn get(ledger: &Ledger, ctx: &Ctx<'_>, reference: &PaymentRef) -> Reply {
    match reference {
        PaymentRef::Payment(id) => match ledger.payouts.payouts.get(id.as_str()) {
            Some(payout) => Reply::json(200, payout.details_json(ctx.base)),
            None => Reply::empty(404),
        },
        PaymentRef::Session(_) => Reply::empty(404),
    }
}

/// A payout's `GET` body, linked through the base it was requested with.
pub(crate) fn stored_json(ledger: &Ledger, id: &str) -> Option<Value> {
    ledger.payouts.payouts.get(id).map(|payout| payout.details_json(&payout.base))
}
