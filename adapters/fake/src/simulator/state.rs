//! The simulator's state machine: one call to [`State::handle`] per request, under the lock.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use checkout_sdk_core::id::{IdempotencyKey, PaymentId, PaymentRef, SessionId};
use checkout_sdk_core::transport::{HttpRequest, HttpResponse};
use serde_json::{json, Value};

use super::auth::{self, Access};
use super::clock::{self, Clock};
use super::faults::{Decision, Fault, Faults};
use super::ids::{self, Rng};
use super::records::{Action, Card, Customer, Funding, Payment, StoredSource, ThreeDs, Token};
use super::request::{self, ActionInput, CardInput, Errors, PaymentInput, Reject, SourceInput};
use super::rules::{self, Response};
use super::wire::{self, RedirectKind, Reply, Route, Routing};
use super::{Exchange, RedirectError};

/// Bodies above this are refused with 413.
pub(super) const MAX_BODY: usize = 1024 * 1024;
/// How long a card token lives, like the real API's 15 minutes.
pub(super) const TOKEN_LIFETIME_SECS: i64 = 15 * 60;

/// A stored idempotent response.
struct Record {
    digest: (u64, u64),
    response: HttpResponse,
}

/// How an authorization was reached, which decides the rules that apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AuthMode {
    /// No 3-D Secure: amounts that need it are declined (20154).
    Plain,
    /// 3-D Secure failed over to non-3DS (`attempt_n3d`): amount rules are skipped.
    Downgraded,
    /// After a successful 3-D Secure challenge.
    Authenticated,
}

/// Per-request context.
struct Ctx<'a> {
    request_id: &'a str,
    base: &'a str,
    query: &'a str,
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

/// Everything the simulator knows.
pub(super) struct State {
    pub(super) clock: Clock,
    ids: Rng,
    request_ids: Rng,
    fault_rng: Rng,
    pub(super) faults: Faults,
    pub(super) queued: VecDeque<Fault>,
    pub(super) payments: BTreeMap<String, Payment>,
    sessions: BTreeMap<String, String>,
    tokens: BTreeMap<String, Token>,
    sources: BTreeMap<String, StoredSource>,
    sources_by_card: BTreeMap<(String, String), String>,
    customers: BTreeMap<String, Customer>,
    customers_by_email: BTreeMap<String, String>,
    issuer_stops: BTreeSet<(String, u64)>,
    idempotency: BTreeMap<(String, String), Record>,
}

impl State {
    /// A fresh state; `seed` makes ids and the clock deterministic.
    pub(super) fn new(seed: Option<u64>) -> Self {
        let (clock, seed) = match seed {
            Some(seed) => (Clock::Fixed(clock::SEEDED_EPOCH), seed),
            None => (Clock::System { offset: 0 }, ids::entropy_seed()),
        };
        State {
            clock,
            ids: Rng::new(seed),
            request_ids: Rng::new(seed ^ 0x5245_5155_4553_5421),
            fault_rng: Rng::new(seed ^ 0x4641_554C_5453_2121),
            faults: Faults::default(),
            queued: VecDeque::new(),
            payments: BTreeMap::new(),
            sessions: BTreeMap::new(),
            tokens: BTreeMap::new(),
            sources: BTreeMap::new(),
            sources_by_card: BTreeMap::new(),
            customers: BTreeMap::new(),
            customers_by_email: BTreeMap::new(),
            issuer_stops: BTreeSet::new(),
            idempotency: BTreeMap::new(),
        }
    }

    /// Handles one request, start to finish.
    pub(super) fn handle(&mut self, request: &HttpRequest) -> Exchange {
        self.clock.tick();
        let request_id = self.request_ids.uuid();
        let path = request.path();
        let plain = |reply: Reply| Exchange { response: reply.finish(&request_id), delay: None, drop_response: false };
        let route = match wire::route(request.method, path) {
            Routing::Found(route) => route,
            Routing::NotFound => return plain(Reply::empty(404)),
            Routing::MethodNotAllowed(allow) => return plain(Reply::empty(405).with_header("Allow", allow.into())),
        };
        if request.body.len() > MAX_BODY {
            return plain(Reply::empty(413));
        }
        let decision =
            if route.is_payment_route() || self.faults.all_routes { self.decide_faults() } else { Decision::default() };
        if let Some((status, retry_after)) = decision.reject {
            let reply = match retry_after {
                Some(secs) => Reply::error(429, &request_id, "too_many_requests", &["too_many_requests"])
                    .with_header("Retry-After", secs.to_string()),
                None => Reply::empty(status),
            };
            return Exchange { response: reply.finish(&request_id), delay: decision.delay, drop_response: false };
        }
        let response = self.authenticated(request, route, &request_id);
        Exchange { response, delay: decision.delay, drop_response: decision.drop_after }
    }

    /// Rolls the standing faults and takes the next queued one.
    fn decide_faults(&mut self) -> Decision {
        let mut decision = Decision::default();
        if let Some(latency) = self.faults.latency {
            decision.add_delay(latency);
        }
        match self.queued.pop_front() {
            Some(Fault::Status(429)) => decision.reject = Some((429, Some(self.faults.retry_after_secs))),
            Some(Fault::Status(status)) => decision.reject = Some((status, None)),
            Some(Fault::TooManyRequests { retry_after }) => decision.reject = Some((429, Some(retry_after))),
            Some(Fault::DropAfterProcessing) => decision.drop_after = true,
            Some(Fault::Delay(d)) => decision.add_delay(d),
            None => {}
        }
        if decision.reject.is_none() {
            if self.fault_rng.chance(self.faults.error_rate_5xx) {
                decision.reject = Some((self.faults.error_status, None));
            } else if self.fault_rng.chance(self.faults.rate_429) {
                decision.reject = Some((429, Some(self.faults.retry_after_secs)));
            }
        }
        if decision.reject.is_none() && self.fault_rng.chance(self.faults.drop_after_processing_rate) {
            decision.drop_after = true;
        }
        decision
    }

    /// Authentication, idempotency, then the route itself.
    fn authenticated(&mut self, request: &HttpRequest, route: Route, request_id: &str) -> HttpResponse {
        let access = match route {
            Route::CreateToken => Some(Access::SecretOrPublic),
            Route::RedirectPage(..) | Route::CompleteRedirect(..) => None,
            _ => Some(Access::Secret),
        };
        if let Some(access) = access {
            if !auth::is_authorized(&request.headers, access) {
                return Reply::empty(401).finish(request_id);
            }
        }
        let path = request.path();
        let mut record_as = None;
        if route.is_idempotent_post() {
            if let Some(key) = request.headers.get("cko-idempotency-key") {
                if IdempotencyKey::new(key).is_err() {
                    return Reply::invalid(request_id, &["idempotency_key_invalid"]).finish(request_id);
                }
                let slot = (key.to_string(), wire::strip_query(path).to_string());
                let digest = ids::digest(&request.body);
                if let Some(record) = self.idempotency.get(&slot) {
                    if record.digest != digest {
                        return Reply::error(409, request_id, "idempotency_key_reused", &["idempotency_key_reused"])
                            .finish(request_id);
                    }
                    let mut replay = record.response.clone();
                    replay.headers.insert("Cko-Request-Id", request_id);
                    replay.headers.insert("Cko-Idempotent-Replay", "true");
                    return replay;
                }
                record_as = Some((slot, digest));
            }
        }
        let base = wire::base_of(&request.url);
        let ctx = Ctx { request_id, base: &base, query: wire::query(path) };
        let response = self.dispatch(&ctx, route, &request.body).finish(request_id);
        if let Some((slot, digest)) = record_as {
            self.idempotency.insert(slot, Record { digest, response: response.clone() });
        }
        response
    }

    fn dispatch(&mut self, ctx: &Ctx<'_>, route: Route, body: &[u8]) -> Reply {
        match route {
            Route::CreatePayment => self.create_payment(ctx, body),
            Route::GetPayment(reference) => self.get_payment(ctx, &reference),
            Route::GetActions(id) => match self.payments.get(id.as_str()) {
                Some(payment) => Reply::json(200, payment.actions_json()),
                None => Reply::empty(404),
            },
            Route::Capture(id) => self.action(ctx, &id, body, ActionKind::Capture),
            Route::Refund(id) => self.action(ctx, &id, body, ActionKind::Refund),
            Route::Void(id) => self.action(ctx, &id, body, ActionKind::Void),
            Route::CreateToken => self.token_route(ctx, body),
            Route::RedirectPage(kind, sid) => self.redirect_page(kind, &sid),
            Route::CompleteRedirect(kind, sid) => self.complete_route(ctx, kind, &sid, body),
        }
    }

    // ----- customers, sources, tokens -----

    fn customer_json(&self, id: &str) -> Value {
        self.customers.get(id).map_or_else(|| json!({ "id": id }), Customer::to_json)
    }

    fn customer_by_email(&self, email: &str) -> Option<&Customer> {
        self.customers_by_email.get(&email.to_ascii_lowercase()).and_then(|id| self.customers.get(id))
    }

    fn new_customer(&mut self, email: Option<String>, name: Option<String>) -> String {
        let id = self.ids.id("cus_");
        if let Some(email) = &email {
            self.customers_by_email.insert(email.to_ascii_lowercase(), id.clone());
        }
        self.customers.insert(id.clone(), Customer { id: id.clone(), email, name, default_source: None });
        id
    }

    /// Creates a token for `card` (not checked: tokens made from Rust may hold anything, the
    /// payment checks it).
    pub(super) fn create_token(&mut self, card: CardInput) -> (String, i64) {
        let id = self.ids.id("tok_");
        let expires_on = self.clock.now().saturating_add(TOKEN_LIFETIME_SECS);
        self.tokens.insert(id.clone(), Token { card: Card::new(card), expires_on, used: false });
        (id, expires_on)
    }

    fn token_route(&mut self, ctx: &Ctx<'_>, body: &[u8]) -> Reply {
        let card = match request::parse_token(body, self.clock.now()) {
            Ok(card) => card,
            Err(reject) => return rejection(ctx, reject),
        };
        let (token, expires_on) = self.create_token(card);
        let mut out = serde_json::Map::new();
        out.insert("type".into(), json!("card"));
        out.insert("token".into(), json!(token));
        out.insert("expires_on".into(), json!(clock::rfc3339(expires_on)));
        if let Some(stored) = self.tokens.get(&token) {
            stored.card.describe(&mut out);
        }
        Reply::json(201, Value::Object(out))
    }

    /// The stored source for `card` owned by `customer`, created on first use.
    fn source_for(&mut self, customer: &str, card: &Card) -> String {
        let slot = (customer.to_string(), card.fingerprint.clone());
        if let Some(id) = self.sources_by_card.get(&slot) {
            return id.clone();
        }
        let id = self.ids.id("src_");
        self.sources.insert(id.clone(), StoredSource { customer: customer.to_string(), card: card.clone() });
        self.sources_by_card.insert(slot, id.clone());
        id
    }

    // ----- payments -----

    /// Turns the request's source into something that can pay, or adds error codes.
    fn resolve_source(&self, input: &PaymentInput, now: i64, errors: &mut Errors) -> Option<Resolved> {
        let stored = |id: &str, errors: &mut Errors| {
            let source = self.sources.get(id)?;
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
                let Some(stored_token) = self.tokens.get(token) else {
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
                Some(Resolved {
                    funding: Funding::Card { card, source_id: None },
                    owner: None,
                    token: Some(token.clone()),
                })
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
                    (Some(id), _) => self.customers.get(id),
                    (None, Some(email)) => self.customer_by_email(email),
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
    fn plan_customer(&self, input: &PaymentInput, resolved: Option<&Resolved>, errors: &mut Errors) -> CustomerPlan {
        if let (SourceInput::Customer { .. }, Some(Resolved { owner: Some(owner), .. })) = (&input.source, resolved) {
            return CustomerPlan::Existing(owner.clone());
        }
        if let Some(customer) = &input.customer {
            if let Some(id) = &customer.id {
                if self.customers.contains_key(id) {
                    return CustomerPlan::Existing(id.clone());
                }
                errors.push("customer_not_found");
                return CustomerPlan::New { email: None, name: None };
            }
            if let Some(email) = &customer.email {
                if let Some(existing) = self.customer_by_email(email) {
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

    fn create_payment(&mut self, ctx: &Ctx<'_>, body: &[u8]) -> Reply {
        let now = self.clock.now();
        let input = match request::parse_payment(body, now) {
            Ok(input) => input,
            Err(reject) => return rejection(ctx, reject),
        };
        // Everything that can fail is checked before anything changes.
        let mut errors = Errors::default();
        let resolved = self.resolve_source(&input, now, &mut errors);
        let plan = self.plan_customer(&input, resolved.as_ref(), &mut errors);
        let Some(resolved) = resolved.filter(|_| errors.is_empty()) else {
            return rejection(ctx, errors.into_reject());
        };

        let customer_id = match plan {
            CustomerPlan::Existing(id) => {
                if let (Some(customer), Some(name)) =
                    (self.customers.get_mut(&id), input.customer.as_ref().and_then(|c| c.name.clone()))
                {
                    customer.name.get_or_insert(name);
                }
                id
            }
            CustomerPlan::New { email, name } => self.new_customer(email, name),
        };
        if let Some(token) = resolved.token.as_ref().and_then(|t| self.tokens.get_mut(t)) {
            token.used = true;
        }
        let mut payment = Payment {
            id: self.ids.id("pay_"),
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
        };
        let is_card = matches!(payment.funding, Funding::Card { .. });
        if !is_card {
            self.start_redirect(&mut payment, RedirectKind::Apm);
        } else if input.three_ds && rules::threeds_malfunctions(payment.amount) {
            if payment.attempt_n3d {
                payment.three_ds = Some(ThreeDs { downgraded: true, enrolled: "N", authentication_response: None });
                self.authorize(&mut payment, AuthMode::Downgraded);
            } else {
                payment.three_ds = Some(ThreeDs { downgraded: false, enrolled: "Y", authentication_response: None });
                self.settle(&mut payment, rules::THREEDS_MALFUNCTION);
            }
        } else if input.three_ds {
            payment.three_ds = Some(ThreeDs { downgraded: false, enrolled: "Y", authentication_response: None });
            self.start_redirect(&mut payment, RedirectKind::ThreeDs);
        } else {
            self.authorize(&mut payment, AuthMode::Plain);
        }

        let reply = if payment.pending {
            Reply::json(202, payment.pending_json(ctx.base))
        } else {
            Reply::json(201, payment.processed_json(ctx.base, &self.customer_json(&payment.customer_id)))
        };
        self.payments.insert(payment.id.clone(), payment);
        reply
    }

    fn start_redirect(&mut self, payment: &mut Payment, kind: RedirectKind) {
        let sid = self.ids.id("sid_");
        self.sessions.insert(sid.clone(), payment.id.clone());
        payment.session = Some((sid, kind));
        payment.pending = true;
    }

    /// Applies the card and amount rules, then settles.
    fn authorize(&mut self, payment: &mut Payment, mode: AuthMode) {
        let Funding::Card { card, .. } = &payment.funding else {
            self.settle(payment, rules::APPROVED);
            return;
        };
        let amount = payment.amount;
        let response = if mode == AuthMode::Plain && rules::requires_3ds(amount) {
            rules::THREEDS_REQUIRED
        } else if let Some(decline) = rules::card_decline(card.number()) {
            decline
        } else if mode == AuthMode::Downgraded {
            rules::APPROVED
        } else if let Some(stop) = rules::issuer_stop(amount) {
            // Declined on the card's first attempt at this amount only.
            if self.issuer_stops.insert((card.fingerprint.clone(), amount)) {
                stop
            } else {
                rules::APPROVED
            }
        } else {
            rules::amount_decline(amount).unwrap_or(rules::APPROVED)
        };
        payment.risk_flagged = response == rules::RISK_BLOCKED
            || (response.is_approved() && payment.risk_enabled && rules::is_flagged(amount));
        self.settle(payment, response);
    }

    /// Records the authorization's outcome: action, auth code, and on approval the stored source.
    fn settle(&mut self, payment: &mut Payment, response: Response) {
        let now = self.clock.now();
        payment.pending = false;
        payment.response = Some(response);
        payment.processed_on = Some(now);
        if response.is_approved() {
            payment.auth_code = Some(self.ids.digits(6));
            if let Funding::Card { card, source_id } = &mut payment.funding {
                let id = match source_id {
                    Some(id) => id.clone(),
                    None => self.source_for(&payment.customer_id, card),
                };
                if let Some(customer) = self.customers.get_mut(&payment.customer_id) {
                    customer.default_source = Some(id.clone());
                }
                *source_id = Some(id);
            }
        }
        let kind = if payment.amount == 0 { "Card Verification" } else { "Authorization" };
        payment.actions.push(Action {
            id: self.ids.id("act_"),
            kind,
            processed_on: now,
            amount: payment.amount,
            response,
            auth_code: payment.auth_code.clone(),
            reference: payment.reference.clone(),
            metadata: None,
        });
    }

    fn lookup(&self, reference: &PaymentRef) -> Option<&Payment> {
        match reference {
            PaymentRef::Payment(id) => self.payments.get(id.as_str()),
            PaymentRef::Session(sid) => self.sessions.get(sid.as_str()).and_then(|id| self.payments.get(id)),
        }
    }

    fn get_payment(&self, ctx: &Ctx<'_>, reference: &PaymentRef) -> Reply {
        match self.lookup(reference) {
            Some(payment) => {
                let by_session = matches!(reference, PaymentRef::Session(_));
                let customer = self.customer_json(&payment.customer_id);
                Reply::json(200, payment.details_json(ctx.base, &customer, by_session))
            }
            None => Reply::empty(404),
        }
    }

    /// A payment's `GET` body, linked through the base it was created with.
    pub(super) fn payment_json(&self, id: &str) -> Option<Value> {
        let reference = id.parse::<PaymentRef>().ok()?;
        let payment = self.lookup(&reference)?;
        let customer = self.customer_json(&payment.customer_id);
        Some(payment.details_json(&payment.base, &customer, false))
    }

    // ----- captures, refunds, voids -----

    fn action(&mut self, ctx: &Ctx<'_>, id: &PaymentId, body: &[u8], kind: ActionKind) -> Reply {
        let Some(payment) = self.payments.get(id.as_str()) else {
            return Reply::empty(404);
        };
        let input: ActionInput = match request::parse_action(body, kind != ActionKind::Void) {
            Ok(input) => input,
            Err(reject) => return rejection(ctx, reject),
        };
        let (allowed, available, too_much) = match kind {
            ActionKind::Capture => (
                payment.can_capture(),
                payment.amount.saturating_sub(payment.captured),
                "capture_value_greater_than_authorized",
            ),
            ActionKind::Refund => (
                payment.can_refund(),
                payment.captured.saturating_sub(payment.refunded),
                "refund_amount_exceeds_balance",
            ),
            ActionKind::Void => (payment.can_void(), payment.amount, ""),
        };
        if !allowed {
            return Reply::empty(403);
        }
        let amount = input.amount.unwrap_or(available);
        if amount > available {
            return Reply::invalid(ctx.request_id, &[too_much]);
        }
        let action_id = self.ids.id("act_");
        let now = self.clock.now();
        let Some(payment) = self.payments.get_mut(id.as_str()) else {
            return Reply::empty(404);
        };
        match kind {
            ActionKind::Capture => payment.captured += amount,
            ActionKind::Refund => payment.refunded += amount,
            ActionKind::Void => payment.voided = true,
        }
        payment.actions.push(Action {
            id: action_id.clone(),
            kind: kind.name(),
            processed_on: now,
            amount,
            response: rules::APPROVED,
            auth_code: None,
            reference: input.reference.clone(),
            metadata: input.metadata,
        });
        let mut out = serde_json::Map::new();
        out.insert("action_id".into(), json!(action_id));
        if let Some(reference) = input.reference {
            out.insert("reference".into(), json!(reference));
        }
        out.insert("_links".into(), json!({ "payment": { "href": format!("{}/payments/{}", ctx.base, id) } }));
        Reply::json(202, Value::Object(out))
    }

    // ----- redirects -----

    /// The payment behind a session id of the given kind.
    fn session_payment(&self, kind: Option<RedirectKind>, sid: &str) -> Option<&Payment> {
        let payment = self.sessions.get(sid).and_then(|id| self.payments.get(id))?;
        match (&payment.session, kind) {
            (Some((_, actual)), Some(wanted)) if *actual != wanted => None,
            _ => Some(payment),
        }
    }

    fn redirect_page(&self, kind: RedirectKind, sid: &SessionId) -> Reply {
        let Some(payment) = self.session_payment(Some(kind), sid.as_str()) else {
            return Reply::empty(404);
        };
        let title = match kind {
            RedirectKind::ThreeDs => "3-D Secure authentication",
            RedirectKind::Apm => "Alternative payment method",
        };
        let action = format!("/sandbox/{}/{}/complete", kind.segment(), sid.as_str());
        let reference = payment.reference.as_deref().map(wire::html_escape).unwrap_or_default();
        let forms = if payment.pending {
            format!(
                "<form method=\"post\" action=\"{action}?outcome=success\">\
                 <button type=\"submit\" name=\"outcome\" value=\"success\">Complete successfully</button></form>\n\
                 <form method=\"post\" action=\"{action}?outcome=failure\">\
                 <button type=\"submit\" name=\"outcome\" value=\"failure\">Fail</button></form>\n"
            )
        } else {
            "<p>This payment is no longer pending.</p>\n".to_string()
        };
        let page = format!(
            "<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\">\
             <title>Checkout.com sandbox simulator: {title}</title></head>\n<body>\n<h1>{title} (simulated)</h1>\n\
             <p>Payment <code>{id}</code>: {amount} {currency}, reference <code>{reference}</code>, \
             status <strong>{status}</strong>.</p>\n{forms}</body>\n</html>\n",
            id = payment.id,
            amount = payment.amount,
            currency = wire::html_escape(&payment.currency),
            status = payment.status(),
        );
        Reply::html(200, page)
    }

    /// Completes a pending redirect; returns the payment id.
    pub(super) fn complete(
        &mut self,
        kind: Option<RedirectKind>,
        session: &str,
        success: bool,
    ) -> Result<String, RedirectError> {
        let id = match self.session_payment(kind, session) {
            Some(payment) if payment.pending => payment.id.clone(),
            Some(_) => return Err(RedirectError::NotPending),
            None => match self.payments.get(session) {
                // A payment id works too, for convenience from Rust.
                Some(payment) if kind.is_none() && payment.pending => payment.id.clone(),
                Some(payment) if kind.is_none() && payment.session.is_some() => return Err(RedirectError::NotPending),
                _ => return Err(RedirectError::UnknownSession),
            },
        };
        let Some(mut payment) = self.payments.remove(&id) else {
            return Err(RedirectError::UnknownSession);
        };
        let redirect = payment.session.as_ref().map_or(RedirectKind::ThreeDs, |(_, k)| *k);
        match (redirect, success) {
            (RedirectKind::ThreeDs, true) => {
                if let Some(tds) = &mut payment.three_ds {
                    tds.authentication_response = Some("Y");
                }
                self.authorize(&mut payment, AuthMode::Authenticated);
            }
            (RedirectKind::ThreeDs, false) => {
                if let Some(tds) = &mut payment.three_ds {
                    tds.authentication_response = Some("N");
                }
                self.settle(&mut payment, rules::THREEDS_FAILED);
            }
            (RedirectKind::Apm, true) => self.settle(&mut payment, rules::APPROVED),
            (RedirectKind::Apm, false) => self.settle(&mut payment, rules::DO_NOT_HONOUR),
        }
        self.payments.insert(id.clone(), payment);
        Ok(id)
    }

    fn complete_route(&mut self, ctx: &Ctx<'_>, kind: RedirectKind, sid: &SessionId, body: &[u8]) -> Reply {
        let form = std::str::from_utf8(body).unwrap_or_default();
        let outcome = wire::query_param(ctx.query, "outcome").or_else(|| wire::query_param(form.trim(), "outcome"));
        let success = match outcome {
            Some("success") => true,
            Some("failure") => false,
            _ => return Reply::invalid(ctx.request_id, &["outcome_invalid"]),
        };
        let id = match self.complete(Some(kind), sid.as_str(), success) {
            Ok(id) => id,
            Err(RedirectError::UnknownSession) => return Reply::empty(404),
            Err(RedirectError::NotPending) => {
                return Reply::error(409, ctx.request_id, "payment_not_pending", &["payment_not_pending"])
            }
        };
        let Some(payment) = self.payments.get(&id) else {
            return Reply::empty(404);
        };
        let target = if payment.approved() { &payment.success_url } else { &payment.failure_url };
        match target {
            Some(url) => {
                let separator = if url.contains('?') { '&' } else { '?' };
                Reply::empty(302).with_header("Location", format!("{url}{separator}cko-session-id={}", sid.as_str()))
            }
            None => Reply::json(200, json!({ "id": payment.id, "status": payment.status() })),
        }
    }

    // ----- inspection -----

    pub(super) fn payments_with_reference(&self, reference: &str) -> usize {
        self.payments.values().filter(|p| p.reference.as_deref() == Some(reference)).count()
    }
}

/// The three payment actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ActionKind {
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

fn rejection(ctx: &Ctx<'_>, reject: Reject) -> Reply {
    match reject {
        Reject::Malformed => Reply::malformed(ctx.request_id),
        Reject::Invalid(codes) => Reply::invalid(ctx.request_id, &codes),
    }
}
