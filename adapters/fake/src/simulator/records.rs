//! What the simulator remembers, and how each record looks on the wire.
//!
//! Card numbers are kept in memory (a token or a stored source must be payable later) but no
//! rendering here ever includes more than the BIN and the last four digits, and no cvv is kept at
//! all.

use serde_json::{json, Map, Value};

use super::clock::rfc3339;
use super::request::{is_expired, CardInput};
use super::rules::{self, Response};
use super::wire::RedirectKind;

/// A card the simulator can charge.
#[derive(Clone)]
pub(super) struct Card {
    number: String,
    pub(super) expiry_month: u32,
    pub(super) expiry_year: u32,
    pub(super) name: Option<String>,
    pub(super) billing_address: Option<Value>,
    pub(super) phone: Option<Value>,
    pub(super) fingerprint: String,
}

impl Card {
    pub(super) fn new(input: CardInput) -> Self {
        let fingerprint = super::ids::card_fingerprint(&input.number);
        Card {
            number: input.number,
            expiry_month: input.expiry_month,
            expiry_year: input.expiry_year,
            name: input.name,
            billing_address: input.billing_address,
            phone: input.phone,
            fingerprint,
        }
    }

    /// The full number, for the rules that look at it. Never rendered.
    pub(super) fn number(&self) -> &str {
        &self.number
    }

    /// Whether the number is one the API would accept (tokens made in Rust are not checked).
    pub(super) fn number_is_valid(&self) -> bool {
        (12..=19).contains(&self.number.len()) && rules::luhn(&self.number)
    }

    pub(super) fn is_expired(&self, now: i64) -> bool {
        !(1..=12).contains(&self.expiry_month) || is_expired(self.expiry_month, self.expiry_year, now)
    }

    pub(super) fn bin(&self) -> &str {
        self.number.get(..6).unwrap_or_default()
    }

    pub(super) fn last4(&self) -> &str {
        self.number.get(self.number.len().saturating_sub(4)..).unwrap_or_default()
    }

    pub(super) fn scheme(&self) -> &'static str {
        rules::scheme(&self.number)
    }

    /// The fields shared by payment sources and token responses.
    pub(super) fn describe(&self, out: &mut Map<String, Value>) {
        out.insert("expiry_month".into(), json!(self.expiry_month));
        out.insert("expiry_year".into(), json!(self.expiry_year));
        out.insert("scheme".into(), json!(self.scheme()));
        out.insert("last4".into(), json!(self.last4()));
        out.insert("bin".into(), json!(self.bin()));
        out.insert("card_type".into(), json!("Credit"));
        out.insert("card_category".into(), json!("Consumer"));
        if let Some(name) = &self.name {
            out.insert("name".into(), json!(name));
        }
        if let Some(address) = &self.billing_address {
            out.insert("billing_address".into(), address.clone());
        }
        if let Some(phone) = &self.phone {
            out.insert("phone".into(), phone.clone());
        }
    }

    /// The payment's `source` object; `id` is the `src_` id once there is one.
    pub(super) fn source_json(&self, id: Option<&str>) -> Value {
        let mut out = Map::new();
        out.insert("type".into(), json!("card"));
        if let Some(id) = id {
            out.insert("id".into(), json!(id));
        }
        self.describe(&mut out);
        out.insert("fingerprint".into(), json!(self.fingerprint));
        Value::Object(out)
    }
}

/// A single-use card token.
pub(super) struct Token {
    pub(super) card: Card,
    pub(super) expires_on: i64,
    pub(super) used: bool,
}

/// A stored, reusable payment source (`src_...`).
pub(super) struct StoredSource {
    pub(super) customer: String,
    pub(super) card: Card,
}

/// A customer (`cus_...`).
pub(super) struct Customer {
    pub(super) id: String,
    pub(super) email: Option<String>,
    pub(super) name: Option<String>,
    /// The last source that paid successfully: what a `customer` source pays with.
    pub(super) default_source: Option<String>,
}

impl Customer {
    /// `{"id", "email", "name"}`, without the fields it does not have.
    pub(super) fn to_json(&self) -> Value {
        let mut out = Map::new();
        out.insert("id".into(), json!(self.id));
        if let Some(email) = &self.email {
            out.insert("email".into(), json!(email));
        }
        if let Some(name) = &self.name {
            out.insert("name".into(), json!(name));
        }
        Value::Object(out)
    }
}

/// What pays.
#[derive(Clone)]
pub(super) enum Funding {
    /// A card (sent in full, through a token, a stored source or a customer); `source_id` is the
    /// `src_` id once there is one.
    Card { card: Card, source_id: Option<String> },
    /// An alternative payment method with its echoed details.
    Apm { kind: String, details: Map<String, Value> },
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
pub(super) struct ThreeDs {
    pub(super) downgraded: bool,
    pub(super) enrolled: &'static str,
    pub(super) authentication_response: Option<&'static str>,
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
pub(super) struct Action {
    pub(super) id: String,
    pub(super) kind: &'static str,
    pub(super) processed_on: i64,
    pub(super) amount: u64,
    pub(super) response: Response,
    pub(super) auth_code: Option<String>,
    pub(super) reference: Option<String>,
    pub(super) metadata: Option<Value>,
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
pub(super) struct Payment {
    pub(super) id: String,
    /// The `sid_` id and the kind of redirect, for payments that needed one.
    pub(super) session: Option<(String, RedirectKind)>,
    /// Still waiting for the redirect to complete.
    pub(super) pending: bool,
    pub(super) requested_on: i64,
    pub(super) amount: u64,
    pub(super) currency: String,
    pub(super) reference: Option<String>,
    pub(super) description: Option<String>,
    pub(super) metadata: Option<Value>,
    pub(super) payment_type: String,
    pub(super) funding: Funding,
    pub(super) customer_id: String,
    pub(super) three_ds: Option<ThreeDs>,
    pub(super) risk_enabled: bool,
    pub(super) risk_flagged: bool,
    pub(super) attempt_n3d: bool,
    /// The authorization's response, once processed.
    pub(super) response: Option<Response>,
    pub(super) auth_code: Option<String>,
    pub(super) processed_on: Option<i64>,
    pub(super) captured: u64,
    pub(super) refunded: u64,
    pub(super) voided: bool,
    /// Oldest first.
    pub(super) actions: Vec<Action>,
    pub(super) success_url: Option<String>,
    pub(super) failure_url: Option<String>,
    /// The base URL the payment was created through (for [`Simulator::payment`](super::Simulator::payment)).
    pub(super) base: String,
}

impl Payment {
    pub(super) fn approved(&self) -> bool {
        !self.pending && self.response.is_some_and(Response::is_approved)
    }

    fn is_verification(&self) -> bool {
        self.amount == 0
    }

    /// The status as the API names it, derived from the history.
    pub(super) fn status(&self) -> &'static str {
        if self.pending {
            "Pending"
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
            if self.captured >= self.amount {
                "Captured"
            } else {
                "Partially Captured"
            }
        } else {
            "Authorized"
        }
    }

    /// Capture is allowed while something authorized is left and nothing was voided or refunded.
    pub(super) fn can_capture(&self) -> bool {
        self.approved() && !self.is_verification() && !self.voided && self.refunded == 0 && self.captured < self.amount
    }

    /// Refund is allowed while some captured amount is not refunded yet.
    pub(super) fn can_refund(&self) -> bool {
        self.approved() && self.captured > self.refunded
    }

    /// Void is allowed only on an authorization with nothing captured.
    pub(super) fn can_void(&self) -> bool {
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
    fn links(&self, base: &str) -> Value {
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
    }

    /// The 202 body of a payment waiting for a redirect.
    pub(super) fn pending_json(&self, base: &str) -> Value {
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
    pub(super) fn processed_json(&self, base: &str, customer: &Value) -> Value {
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
    pub(super) fn details_json(&self, base: &str, customer: &Value, with_actions: bool) -> Value {
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

    fn balances(&self) -> Value {
        let authorized = if self.approved() { self.amount } else { 0 };
        json!({
            "total_authorized": authorized,
            "total_voided": if self.voided { self.amount } else { 0 },
            "available_to_void": if self.can_void() { self.amount } else { 0 },
            "total_captured": self.captured,
            "available_to_capture": if self.can_capture() { self.amount - self.captured } else { 0 },
            "total_refunded": self.refunded,
            "available_to_refund": if self.can_refund() { self.captured - self.refunded } else { 0 },
        })
    }

    /// The body of `GET /payments/{id}/actions`: newest first.
    pub(super) fn actions_json(&self) -> Value {
        Value::Array(self.actions.iter().rev().map(Action::to_json).collect())
    }
}
