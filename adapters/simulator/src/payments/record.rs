//! A payment and its history, and how they look on the wire.
//!
//! No rendering here ever includes more than a card's BIN and last four digits (see
//! [`Card`](crate::vault::Card)).

use serde_json::{json, Map, Value};

use crate::clock::rfc3339;
use crate::redirects::RedirectKind;
use crate::retention::{json_weight, optional_json_weight, optional_text_weight, text_weight, Weigh};
use crate::retries::RetrySchedule;
use crate::rules::{self, Response};
use crate::vault::Card;

/// What pays.
#[derive(Clone)]
pub(crate) enum Funding {
    /// A card (sent in full, through a token, a stored source or a customer); `source_id` is the
    /// `src_` id once there is one.
    Card { card: Card, source_id: Option<String> },
    /// An alternative payment method with its echoed details.
    Apm { kind: String, details: Map<String, Value> },
}

impl Weigh for Funding {
    fn weight(&self) -> usize {
        match self {
            Funding::Card { card, source_id } => card.weight() + optional_text_weight(source_id.as_ref()),
            Funding::Apm { kind, details } => {
                text_weight(kind) + details.iter().map(|(k, v)| text_weight(k) + json_weight(v)).sum::<usize>()
            }
        }
    }
}

impl Funding {
    fn source_json(&self) -> Value {
        match self {
            Funding::Card { card, source_id } => card.source_json(source_id.as_deref()),
            Funding::Apm { kind, details } => {
                let mut out = details.clone();
                out.insert("type".into(), json!(kind));
                Value::Object(out)
            }
        }
    }
}

/// The `3ds` object of a payment.
#[derive(Debug, Clone)]
pub(crate) struct ThreeDs {
    pub(crate) downgraded: bool,
    pub(crate) enrolled: &'static str,
    pub(crate) authentication_response: Option<&'static str>,
}

impl ThreeDs {
    fn to_json(&self) -> Value {
        let mut out = json!({ "downgraded": self.downgraded, "enrolled": self.enrolled });
        if let (Some(answer), Some(obj)) = (self.authentication_response, out.as_object_mut()) {
            obj.insert("authentication_response".into(), json!(answer));
        }
        out
    }
}

/// One entry of `GET /payments/{id}/actions`.
#[derive(Clone)]
pub(crate) struct Action {
    pub(crate) id: String,
    pub(crate) kind: &'static str,
    pub(crate) processed_on: i64,
    pub(crate) amount: u64,
    pub(crate) response: Response,
    pub(crate) auth_code: Option<String>,
    pub(crate) reference: Option<String>,
    pub(crate) metadata: Option<Value>,
}

impl Weigh for Action {
    fn weight(&self) -> usize {
        size_of::<Action>()
            + text_weight(&self.id)
            + optional_text_weight(self.auth_code.as_ref())
            + optional_text_weight(self.reference.as_ref())
            + optional_json_weight(self.metadata.as_ref())
    }
}

impl Action {
    fn to_json(&self) -> Value {
        let mut out = Map::new();
        out.insert("id".into(), json!(self.id));
        out.insert("type".into(), json!(self.kind));
        out.insert("processed_on".into(), json!(rfc3339(self.processed_on)));
        out.insert("amount".into(), json!(self.amount));
        out.insert("approved".into(), json!(self.response.is_approved()));
        if let Some(code) = &self.auth_code {
            out.insert("auth_code".into(), json!(code));
        }
        out.insert("response_code".into(), json!(self.response.code));
        out.insert("response_summary".into(), json!(self.response.summary));
        if let Some(reference) = &self.reference {
            out.insert("reference".into(), json!(reference));
        }
        if let Some(metadata) = &self.metadata {
            out.insert("metadata".into(), metadata.clone());
        }
        Value::Object(out)
    }
}

/// A payment and its history.
#[derive(Clone)]
pub(crate) struct Payment {
    pub(crate) id: String,
    /// The `sid_` id and the kind of redirect, for payments that needed one.
    pub(crate) session: Option<(String, RedirectKind)>,
    /// Still waiting for the redirect to complete.
    pub(crate) pending: bool,
    pub(crate) requested_on: i64,
    pub(crate) amount: u64,
    pub(crate) currency: String,
    pub(crate) reference: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) metadata: Option<Value>,
    pub(crate) payment_type: String,
    pub(crate) funding: Funding,
    pub(crate) customer_id: String,
    pub(crate) three_ds: Option<ThreeDs>,
    pub(crate) risk_enabled: bool,
    pub(crate) risk_flagged: bool,
    pub(crate) attempt_n3d: bool,
    /// The authorization's response, once processed.
    pub(crate) response: Option<Response>,
    pub(crate) auth_code: Option<String>,
    pub(crate) processed_on: Option<i64>,
    pub(crate) captured: u64,
    pub(crate) refunded: u64,
    pub(crate) voided: bool,
    /// Oldest first.
    pub(crate) actions: Vec<Action>,
    pub(crate) success_url: Option<String>,
    pub(crate) failure_url: Option<String>,
    /// The base URL the payment was created through (for [`Simulator::payment`](crate::Simulator::payment)).
    pub(crate) base: String,
    /// Authorized with `authorization_type: Estimated`: incremental authorizations may raise it.
    pub(crate) estimated: bool,
    /// What approved incremental authorizations added to `amount`.
    pub(crate) incremented: u64,
    /// The retry scheduled after a decline, if any.
    pub(crate) retry: Option<RetrySchedule>,
}

impl Weigh for Payment {
    fn weight(&self) -> usize {
        size_of::<Payment>()
            + text_weight(&self.id)
            + self.session.as_ref().map_or(0, |(sid, _)| text_weight(sid))
            + text_weight(&self.currency)
            + optional_text_weight(self.reference.as_ref())
            + optional_text_weight(self.description.as_ref())
            + optional_json_weight(self.metadata.as_ref())
            + text_weight(&self.payment_type)
            + self.funding.weight()
            + text_weight(&self.customer_id)
            + optional_text_weight(self.auth_code.as_ref())
            + self.actions.iter().map(Weigh::weight).sum::<usize>()
            + optional_text_weight(self.success_url.as_ref())
            + optional_text_weight(self.failure_url.as_ref())
            + text_weight(&self.base)
    }
}

impl Payment {
    pub(crate) fn approved(&self) -> bool {
        !self.pending && self.response.is_some_and(Response::is_approved)
    }

    fn is_verification(&self) -> bool {
        self.amount == 0
    }

    /// Everything authorized: the amount and the approved increments.
    pub(crate) fn authorized(&self) -> u64 {
        self.amount.saturating_add(self.incremented)
    }

    /// An incremental authorization is allowed on an estimated card authorization that nothing
    /// has been captured, voided or refunded from.
    pub(crate) fn can_increment(&self) -> bool {
        self.estimated
            && matches!(self.funding, Funding::Card { .. })
            && self.approved()
            && !self.is_verification()
            && !self.voided
            && self.captured == 0
            && self.refunded == 0
    }

    fn retry_scheduled(&self) -> Option<RetrySchedule> {
        self.retry.filter(RetrySchedule::is_scheduled)
    }

    /// The status as the API names it, derived from the history.
    pub(crate) fn status(&self) -> &'static str {
        if self.pending {
            "Pending"
        } else if !self.approved() && self.retry_scheduled().is_some() {
            "Retry Scheduled"
        } else if !self.approved() {
            "Declined"
        } else if self.is_verification() {
            "Card Verified"
        } else if self.voided {
            "Voided"
        } else if self.refunded > 0 {
            if self.refunded >= self.captured {
                "Refunded"
            } else {
                "Partially Refunded"
            }
        } else if self.captured > 0 {
            if self.captured >= self.authorized() {
                "Captured"
            } else {
                "Partially Captured"
            }
        } else {
            "Authorized"
        }
    }

    /// Capture is allowed while something authorized is left and nothing was voided or refunded.
    pub(crate) fn can_capture(&self) -> bool {
        self.approved()
            && !self.is_verification()
            && !self.voided
            && self.refunded == 0
            && self.captured < self.authorized()
    }

    /// Refund is allowed while some captured amount is not refunded yet.
    pub(crate) fn can_refund(&self) -> bool {
        self.approved() && self.captured > self.refunded
    }

    /// Void is allowed only on an authorization with nothing captured.
    pub(crate) fn can_void(&self) -> bool {
        self.approved() && !self.is_verification() && !self.voided && self.captured == 0
    }

    fn href(&self, base: &str, tail: &str) -> Value {
        json!({ "href": format!("{base}/payments/{}{tail}", self.id) })
    }

    fn redirect_href(&self, base: &str) -> Option<Value> {
        let (sid, kind) = self.session.as_ref()?;
        Some(json!({ "href": format!("{base}/sandbox/{}/{sid}", kind.segment()) }))
    }

    /// `_links` as allowed now.
    pub(crate) fn links(&self, base: &str) -> Value {
        let mut links = Map::new();
        links.insert("self".into(), self.href(base, ""));
        links.insert("actions".into(), self.href(base, "/actions"));
        if self.pending {
            if let Some(redirect) = self.redirect_href(base) {
                links.insert("redirect".into(), redirect);
            }
        }
        if self.can_capture() {
            links.insert("capture".into(), self.href(base, "/captures"));
        }
        if self.can_void() {
            links.insert("void".into(), self.href(base, "/voids"));
        }
        if self.can_increment() {
            links.insert("authorize".into(), self.href(base, "/authorizations"));
        }
        if self.can_refund() {
            links.insert("refund".into(), self.href(base, "/refunds"));
        }
        Value::Object(links)
    }

    fn insert_optional(&self, out: &mut Map<String, Value>) {
        if let Some(reference) = &self.reference {
            out.insert("reference".into(), json!(reference));
        }
        if let Some(three_ds) = &self.three_ds {
            out.insert("3ds".into(), three_ds.to_json());
        }
        if let Some(retry) = self.retry_scheduled() {
            out.insert("retry".into(), retry.to_json());
        }
    }

    /// The 202 body of a payment waiting for a redirect.
    pub(crate) fn pending_json(&self, base: &str) -> Value {
        let mut out = Map::new();
        out.insert("id".into(), json!(self.id));
        out.insert("status".into(), json!("Pending"));
        out.insert("customer".into(), json!({ "id": self.customer_id }));
        self.insert_optional(&mut out);
        let mut links = Map::new();
        links.insert("self".into(), self.href(base, ""));
        if let Some(redirect) = self.redirect_href(base) {
            links.insert("redirect".into(), redirect);
        }
        out.insert("_links".into(), Value::Object(links));
        Value::Object(out)
    }

    /// The 201 body of a processed payment.
    pub(crate) fn processed_json(&self, base: &str, customer: &Value) -> Value {
        let response = self.response.unwrap_or(rules::APPROVED);
        let mut out = Map::new();
        out.insert("id".into(), json!(self.id));
        if let Some(action) = self.actions.first() {
            out.insert("action_id".into(), json!(action.id));
        }
        out.insert("amount".into(), json!(self.amount));
        out.insert("currency".into(), json!(self.currency));
        out.insert("approved".into(), json!(self.approved()));
        out.insert("status".into(), json!(self.status()));
        if let Some(code) = &self.auth_code {
            out.insert("auth_code".into(), json!(code));
        }
        out.insert("response_code".into(), json!(response.code));
        out.insert("response_summary".into(), json!(response.summary));
        out.insert("risk".into(), json!({ "flagged": self.risk_flagged }));
        out.insert("source".into(), self.funding.source_json());
        out.insert("customer".into(), customer.clone());
        out.insert("processed_on".into(), json!(rfc3339(self.processed_on.unwrap_or(self.requested_on))));
        if let Some(metadata) = &self.metadata {
            out.insert("metadata".into(), metadata.clone());
        }
        self.insert_optional(&mut out);
        out.insert("_links".into(), self.links(base));
        Value::Object(out)
    }

    /// The 200 body of `GET /payments/{id}`; `with_actions` adds the action summary the API
    /// returns when the payment is looked up by session id.
    pub(crate) fn details_json(&self, base: &str, customer: &Value, with_actions: bool) -> Value {
        let mut out = Map::new();
        out.insert("id".into(), json!(self.id));
        out.insert("requested_on".into(), json!(rfc3339(self.requested_on)));
        out.insert("source".into(), self.funding.source_json());
        out.insert("amount".into(), json!(self.amount));
        out.insert("currency".into(), json!(self.currency));
        out.insert("payment_type".into(), json!(self.payment_type));
        if let Some(description) = &self.description {
            out.insert("description".into(), json!(description));
        }
        out.insert("approved".into(), json!(self.approved()));
        out.insert("status".into(), json!(self.status()));
        out.insert("risk".into(), json!({ "flagged": self.risk_flagged }));
        out.insert("customer".into(), customer.clone());
        if let Some(metadata) = &self.metadata {
            out.insert("metadata".into(), metadata.clone());
        }
        out.insert("balances".into(), self.balances());
        self.insert_optional(&mut out);
        if with_actions {
            let summary: Vec<Value> = self
                .actions
                .iter()
                .rev()
                .map(|a| {
                    json!({
                        "id": a.id, "type": a.kind,
                        "response_code": a.response.code, "response_summary": a.response.summary,
                    })
                })
                .collect();
            out.insert("actions".into(), Value::Array(summary));
        }
        out.insert("_links".into(), self.links(base));
        Value::Object(out)
    }

    /// The payment's `balances`.
    pub(crate) fn balances(&self) -> Value {
        let authorized = if self.approved() { self.authorized() } else { 0 };
        json!({
            "total_authorized": authorized,
            "total_voided": if self.voided { authorized } else { 0 },
            "available_to_void": if self.can_void() { authorized } else { 0 },
            "total_captured": self.captured,
            "available_to_capture": if self.can_capture() { authorized - self.captured } else { 0 },
            "total_refunded": self.refunded,
            "available_to_refund": if self.can_refund() { self.captured - self.refunded } else { 0 },
        })
    }

    /// The body of `GET /payments/{id}/actions`: newest first.
    pub(crate) fn actions_json(&self) -> Value {
        Value::Array(self.actions.iter().rev().map(Action::to_json).collect())
    }

    /// The `data` of a webhook event about this payment: its fields now, and those of `action`
    /// (the action the event reports) when there is one. The source only for events about the
    /// authorization itself, as Checkout.com's examples have it.
    pub(crate) fn event_data(&self, action: Option<&Action>) -> Value {
        let mut out = Map::new();
        out.insert("id".into(), json!(self.id));
        if let Some(action) = action {
            out.insert("action_id".into(), json!(action.id));
            out.insert("approved".into(), json!(action.response.is_approved()));
            if let Some(code) = &action.auth_code {
                out.insert("auth_code".into(), json!(code));
            }
            out.insert("response_code".into(), json!(action.response.code));
            out.insert("response_summary".into(), json!(action.response.summary));
        }
        let (amount, processed_on) = match action {
            Some(action) => (action.amount, action.processed_on),
            None => (self.amount, self.processed_on.unwrap_or(self.requested_on)),
        };
        out.insert("amount".into(), json!(amount));
        out.insert("currency".into(), json!(self.currency));
        out.insert("status".into(), json!(self.status()));
        out.insert("payment_type".into(), json!(self.payment_type));
        out.insert("processed_on".into(), json!(rfc3339(processed_on)));
        if let Some(reference) = &self.reference {
            out.insert("reference".into(), json!(reference));
        }
        if let Some(metadata) = &self.metadata {
            out.insert("metadata".into(), metadata.clone());
        }
        out.insert("customer".into(), json!({ "id": self.customer_id }));
        if action.is_none_or(|a| matches!(a.kind, "Authorization" | "Card Verification")) {
            out.insert("source".into(), self.funding.source_json());
            out.insert("risk".into(), json!({ "flagged": self.risk_flagged }));
            if let Some(three_ds) = &self.three_ds {
                out.insert("3ds".into(), three_ds.to_json());
            }
        }
        out.insert("balances".into(), self.balances());
        Value::Object(out)
    }
}
