//! The payments route family: `POST /payments` and `GET /payments/{id}`, and the book of payments
//! every other family reads. A `POST /payments` with a `destination` is a payout, and a payout's
//! id is looked up like a payment's: both are handed to `payouts`.

mod authorization;
mod input;
mod record;

use std::collections::BTreeMap;

use checkout_sdk_core::id::PaymentRef;
use checkout_sdk_core::transport::Method;
use checkout_sdk_core::webhook::EventType;
use serde_json::Value;

pub(crate) use authorization::{authorize, settle, AuthMode};
pub(crate) use record::{Action, Funding, Payment};

use crate::auth::Caller;
use crate::ledger::Ledger;
use crate::limits::Limits;
use crate::payouts;
use crate::redirects::RedirectKind;
use crate::reply::Reply;
use crate::retention::{Retained, Ticket, Weigh};
use crate::retries;
use crate::router::{self, Ctx, Routing, Rules};
use crate::rules;
use crate::validation::Errors;
use crate::vault::Card;

use authorization::start_redirect;
use input::{PaymentInput, SourceInput};
use record::ThreeDs;

/// A payments route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Route {
    /// `POST /payments`
    Create,
    /// `GET /payments/{pay_|sid_}`
    Get(PaymentRef),
}

impl Route {
    /// Payment routes need a secret key and get faults by default; creating one is idempotent.
    pub(crate) fn rules(&self) -> Rules {
        match self {
            Route::Create => Rules::API.idempotent(),
            Route::Get(_) => Rules::API,
        }
    }
}

/// Matches `/payments` and `/payments/{id}`.
pub(crate) fn route(method: Method, segments: &[&str]) -> Option<Routing> {
    let found = |route| router::Route::Payments(route);
    match segments {
        ["payments"] => Some(router::expect(method, Method::Post, found(Route::Create))),
        ["payments", id] => Some(match id.parse::<PaymentRef>() {
            Ok(reference) => router::expect(method, Method::Get, found(Route::Get(reference))),
            Err(_) => Routing::NotFound,
        }),
        _ => None,
    }
}

/// Answers a payments route.
pub(crate) fn handle(ledger: &mut Ledger, ctx: &Ctx<'_>, route: Route, body: &[u8]) -> Reply {
    match route {
        Route::Create => create(ledger, ctx, body),
        Route::Get(reference) => get(ledger, ctx, &reference),
    }
}

/// Every payment, with the sessions that lead to them, within the [`Limits`].
pub(crate) struct PaymentBook {
    payments: Retained<Payment>,
    sessions: BTreeMap<String, String>,
    /// `(card fingerprint, amount)` pairs the issuer already stopped once.
    issuer_stops: Retained<IssuerStop>,
    actions_per_payment: usize,
}

/// A card's first attempt at an issuer-stopped amount, remembered.
struct IssuerStop;

impl Weigh for IssuerStop {
    fn weight(&self) -> usize {
        // The key (a 64-digit fingerprint and an amount) is what weighs.
        96
    }
}

impl PaymentBook {
    /// An empty book within `limits`.
    pub(crate) fn new(limits: &Limits) -> Self {
        PaymentBook {
            payments: Retained::new(limits.payments, limits.payment_bytes),
            sessions: BTreeMap::new(),
            issuer_stops: Retained::new(limits.vault_entries, limits.vault_bytes),
            actions_per_payment: limits.actions_per_payment,
        }
    }

    /// Applies new limits, forgetting the oldest payments if needed.
    pub(crate) fn set_limits(&mut self, limits: &Limits) {
        let evicted = self.payments.set_bounds(limits.payments, limits.payment_bytes);
        self.forget_sessions(evicted);
        let _ = self.issuer_stops.set_bounds(limits.vault_entries, limits.vault_bytes);
        self.actions_per_payment = limits.actions_per_payment;
    }

    /// How many payments there are.
    pub(crate) fn len(&self) -> usize {
        self.payments.len()
    }

    /// How many actions one payment accepts.
    pub(crate) fn actions_per_payment(&self) -> usize {
        self.actions_per_payment
    }

    /// How many payments carry `reference`.
    pub(crate) fn with_reference(&self, reference: &str) -> usize {
        self.payments.values().filter(|p| p.reference.as_deref() == Some(reference)).count()
    }

    /// Every payment, newest first.
    pub(crate) fn newest_first(&self) -> impl Iterator<Item = &Payment> {
        self.payments.newest_first()
    }

    /// The payment `id` (`pay_`).
    pub(crate) fn get(&self, id: &str) -> Option<&Payment> {
        self.payments.get(id)
    }

    /// Changes the payment `id` (`pay_`) with `change`, forgetting the oldest other payments if it
    /// grew past the limits.
    pub(crate) fn update<R>(&mut self, id: &str, change: impl FnOnce(&mut Payment) -> R) -> Option<R> {
        let (out, evicted) = self.payments.update(id, change)?;
        self.forget_sessions(evicted);
        Some(out)
    }

    /// The payment behind session `sid`.
    pub(crate) fn by_session(&self, sid: &str) -> Option<&Payment> {
        self.sessions.get(sid).and_then(|id| self.payments.get(id))
    }

    /// The payment a `pay_` or `sid_` id names.
    pub(crate) fn lookup(&self, reference: &PaymentRef) -> Option<&Payment> {
        match reference {
            PaymentRef::Payment(id) => self.get(id.as_str()),
            PaymentRef::Session(sid) => self.by_session(sid.as_str()),
        }
    }

    /// Takes the payment `id` out, to process it with the rest of the ledger; it goes back, in
    /// its place, with [`put_back`](Self::put_back).
    pub(crate) fn take(&mut self, id: &str) -> Option<(Payment, Ticket)> {
        self.payments.take(id)
    }

    /// Puts back a payment taken with [`take`](Self::take).
    pub(crate) fn put_back(&mut self, payment: Payment, ticket: Ticket) {
        let evicted = self.payments.put_back(payment.id.clone(), payment, ticket);
        self.forget_sessions(evicted);
    }

    /// Stores a new payment, forgetting the oldest ones beyond the limits.
    pub(crate) fn insert(&mut self, payment: Payment) {
        let evicted = self.payments.insert(payment.id.clone(), payment);
        self.forget_sessions(evicted);
    }

    fn forget_sessions(&mut self, evicted: Vec<(String, Payment)>) {
        for (_, payment) in evicted {
            if let Some((sid, _)) = &payment.session {
                self.sessions.remove(sid);
            }
        }
    }

    fn add_session(&mut self, sid: &str, payment_id: &str) {
        self.sessions.insert(sid.to_string(), payment_id.to_string());
    }

    /// Whether this is the card's first attempt at `amount` (and remembers it).
    fn first_attempt(&mut self, fingerprint: &str, amount: u64) -> bool {
        let key = format!("{fingerprint}:{amount}");
        if self.issuer_stops.get(&key).is_some() {
            return false;
        }
        let _ = self.issuer_stops.insert(key, IssuerStop);
        true
    }
}

/// A payment's (or a payout's) `GET` body by `pay_` or `sid_` id, linked through the base it was
/// created with.
pub(crate) fn stored_json(ledger: &Ledger, id: &str) -> Option<Value> {
    let reference = id.parse::<PaymentRef>().ok()?;
    let Some(payment) = ledger.payments.lookup(&reference) else {
        return payouts::stored_json(ledger, id);
    };
    let customer = ledger.vault.customer_json(&payment.customer_id);
    Some(payment.details_json(&payment.base, &customer, false))
}

fn get(ledger: &Ledger, ctx: &Ctx<'_>, reference: &PaymentRef) -> Reply {
    match ledger.payments.lookup(reference) {
        Some(payment) => {
            let by_session = matches!(reference, PaymentRef::Session(_));
            let customer = ledger.vault.customer_json(&payment.customer_id);
            Reply::json(200, payment.details_json(ctx.base, &customer, by_session))
        }
        None => payouts::get(ledger, ctx, reference),
    }
}

/// Who the payment's customer will be, decided before anything changes.
enum CustomerPlan {
    Existing(String),
    New { email: Option<String>, name: Option<String> },
}

/// A resolved source, decided before anything changes.
struct Resolved {
    funding: Funding,
    owner: Option<String>,
    token: Option<String>,
}

fn create(ledger: &mut Ledger, ctx: &Ctx<'_>, body: &[u8]) -> Reply {
    if payouts::is_payout(body) {
        return payouts::create(ledger, ctx, body);
    }
    let now = ledger.clock.now();
    let needs_channel = ctx.caller.is_some_and(Caller::needs_processing_channel);
    let input = match input::parse_payment(body, now, needs_channel) {
        Ok(input) => input,
        Err(reject) => return reject.reply(ctx.request_id),
    };
    // Everything that can fail is checked before anything changes.
    let mut errors = Errors::default();
    let resolved = resolve_source(ledger, &input, now, &mut errors);
    let plan = plan_customer(ledger, &input, resolved.as_ref(), &mut errors);
    let Some(resolved) = resolved.filter(|_| errors.is_empty()) else {
        return errors.into_reject().reply(ctx.request_id);
    };

    let customer_id = match plan {
        CustomerPlan::Existing(id) => {
            if let Some(name) = input.customer.as_ref().and_then(|c| c.name.clone()) {
                ledger.vault.update_customer(&id, |customer| {
                    customer.name.get_or_insert(name);
                });
            }
            id
        }
        CustomerPlan::New { email, name } => ledger.vault.new_customer(&mut ledger.ids, email, name),
    };
    if let Some(token) = &resolved.token {
        ledger.vault.use_token(token);
    }
    let mut payment = Payment {
        id: ledger.ids.id("pay_"),
        session: None,
        pending: false,
        requested_on: now,
        amount: input.amount,
        currency: input.currency,
        reference: input.reference,
        description: input.description,
        metadata: input.metadata,
        payment_type: input.payment_type,
        funding: resolved.funding,
        customer_id,
        three_ds: None,
        risk_enabled: input.risk_enabled,
        risk_flagged: false,
        attempt_n3d: input.attempt_n3d,
        response: None,
        auth_code: None,
        processed_on: None,
        captured: 0,
        refunded: 0,
        voided: false,
        actions: Vec::new(),
        success_url: input.success_url,
        failure_url: input.failure_url,
        base: ctx.base.to_string(),
        estimated: input.estimated,
        incremented: 0,
        retry: None,
    };
    let is_card = matches!(payment.funding, Funding::Card { .. });
    if !is_card {
        start_redirect(ledger, &mut payment, RedirectKind::Apm);
    } else if input.three_ds && rules::threeds_malfunctions(payment.amount) {
        if payment.attempt_n3d {
            payment.three_ds = Some(ThreeDs { downgraded: true, enrolled: "N", authentication_response: None });
            authorize(ledger, &mut payment, AuthMode::Downgraded);
        } else {
            payment.three_ds = Some(ThreeDs { downgraded: false, enrolled: "Y", authentication_response: None });
            settle(ledger, &mut payment, rules::THREEDS_MALFUNCTION);
        }
    } else if input.three_ds {
        payment.three_ds = Some(ThreeDs { downgraded: false, enrolled: "Y", authentication_response: None });
        start_redirect(ledger, &mut payment, RedirectKind::ThreeDs);
    } else {
        authorize(ledger, &mut payment, AuthMode::Plain);
    }
    if let Some(response) = payment.response.filter(|_| !payment.pending) {
        let merchant_initiated = input.merchant_initiated;
        payment.retry = retries::schedule(input.retry, merchant_initiated, &payment.payment_type, response, now);
        if payment.retry.is_some() {
            ledger.emit(EventType::PaymentRetryScheduled, &payment, None);
        }
    }

    let reply = if payment.pending {
        Reply::json(202, payment.pending_json(ctx.base))
    } else {
        let customer = ledger.vault.customer_json(&payment.customer_id);
        Reply::json(201, payment.processed_json(ctx.base, &customer))
    };
    ledger.payments.insert(payment);
    reply
}

/// Turns the request's source into something that can pay, or adds error codes.
fn resolve_source(ledger: &Ledger, input: &PaymentInput, now: i64, errors: &mut Errors) -> Option<Resolved> {
    let stored = |id: &str, errors: &mut Errors| {
        let source = ledger.vault.source(id)?;
        if source.card.is_expired(now) {
            errors.push("card_expired");
        }
        Some(Resolved {
            funding: Funding::Card { card: source.card.clone(), source_id: Some(id.to_string()) },
            owner: Some(source.customer.clone()),
            token: None,
        })
    };
    match &input.source {
        SourceInput::Card(card) => Some(Resolved {
            funding: Funding::Card { card: Card::new(card.clone()), source_id: None },
            owner: None,
            token: None,
        }),
        SourceInput::Token { token, billing_address, phone } => {
            let Some(stored_token) = ledger.vault.token(token) else {
                errors.push("token_invalid");
                return None;
            };
            if stored_token.used {
                errors.push("token_used");
                return None;
            }
            if stored_token.expires_on < now {
                errors.push("token_expired");
                return None;
            }
            let mut card = stored_token.card.clone();
            if !card.number_is_valid() {
                errors.push("card_number_invalid");
            }
            if card.is_expired(now) {
                errors.push("card_expired");
            }
            if billing_address.is_some() {
                card.billing_address.clone_from(billing_address);
            }
            if phone.is_some() {
                card.phone.clone_from(phone);
            }
            Some(Resolved { funding: Funding::Card { card, source_id: None }, owner: None, token: Some(token.clone()) })
        }
        SourceInput::Id { id } => {
            let resolved = stored(id, errors);
            if resolved.is_none() {
                errors.push("source_id_invalid");
            }
            resolved
        }
        SourceInput::Customer { id, email } => {
            let customer = match (id, email) {
                (Some(id), _) => ledger.vault.customer(id),
                (None, Some(email)) => ledger.vault.customer_by_email(email),
                (None, None) => None,
            };
            let Some(customer) = customer else {
                errors.push("customer_not_found");
                return None;
            };
            let resolved = customer.default_source.as_deref().and_then(|src| stored(src, errors));
            if resolved.is_none() {
                errors.push("customer_source_not_found");
            }
            resolved.map(|r| Resolved { owner: Some(customer.id.clone()), ..r })
        }
        SourceInput::Apm { kind, details } => Some(Resolved {
            funding: Funding::Apm { kind: kind.clone(), details: details.clone() },
            owner: None,
            token: None,
        }),
    }
}

/// Decides the payment's customer, or adds error codes.
fn plan_customer(
    ledger: &Ledger,
    input: &PaymentInput,
    resolved: Option<&Resolved>,
    errors: &mut Errors,
) -> CustomerPlan {
    if let (SourceInput::Customer { .. }, Some(Resolved { owner: Some(owner), .. })) = (&input.source, resolved) {
        return CustomerPlan::Existing(owner.clone());
    }
    if let Some(customer) = &input.customer {
        if let Some(id) = &customer.id {
            if ledger.vault.customer(id).is_some() {
                return CustomerPlan::Existing(id.clone());
            }
            errors.push("customer_not_found");
            return CustomerPlan::New { email: None, name: None };
        }
        if let Some(email) = &customer.email {
            if let Some(existing) = ledger.vault.customer_by_email(email) {
                return CustomerPlan::Existing(existing.id.clone());
            }
        }
        return CustomerPlan::New { email: customer.email.clone(), name: customer.name.clone() };
    }
    match resolved.and_then(|r| r.owner.clone()) {
        Some(owner) => CustomerPlan::Existing(owner),
        None => CustomerPlan::New { email: None, name: None },
    }
}
