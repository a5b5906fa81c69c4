//! The vault route family: card tokens (`POST /tokens`), the reusable sources approved card
//! payments store, and customers.

mod card;

use std::collections::BTreeMap;

use checkout_sdk_core::transport::Method;
use serde_json::{json, Map, Value};

pub(crate) use card::{card_fields, check_cvv, Card, CardInput};

use crate::auth::Access;
use crate::clock;
use crate::ids::Rng;
use crate::ledger::Ledger;
use crate::limits::Limits;
use crate::reply::Reply;
use crate::retention::{optional_text_weight, text_weight, Retained, Weigh};
use crate::router::{self, Ctx, Routing, Rules};
use crate::validation::{parse_object, Errors, Reject};

/// How long a card token lives, like the real API's 15 minutes.
const TOKEN_LIFETIME_SECS: i64 = 15 * 60;

/// A vault route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Route {
    /// `POST /tokens`
    CreateToken,
}

impl Route {
    /// `POST /tokens` takes a secret or a public key (the real API is called with a public key)
    /// and an idempotency key; faults hit it only when asked for every route.
    pub(crate) fn rules(&self) -> Rules {
        match self {
            Route::CreateToken => Rules { access: Some(Access::SecretOrPublic), idempotent: true, faulted: false },
        }
    }
}

/// Matches `/tokens`.
pub(crate) fn route(method: Method, segments: &[&str]) -> Option<Routing> {
    match segments {
        ["tokens"] => Some(router::expect(method, Method::Post, router::Route::Vault(Route::CreateToken))),
        _ => None,
    }
}

/// Answers a vault route.
pub(crate) fn handle(ledger: &mut Ledger, ctx: &Ctx<'_>, route: Route, body: &[u8]) -> Reply {
    match route {
        Route::CreateToken => create_token_route(ledger, ctx, body),
    }
}

/// A single-use card token.
pub(crate) struct Token {
    pub(crate) card: Card,
    pub(crate) expires_on: i64,
    pub(crate) used: bool,
}

impl Weigh for Token {
    fn weight(&self) -> usize {
        size_of::<Token>() + self.card.weight()
    }
}

/// A stored, reusable payment source (`src_...`).
pub(crate) struct StoredSource {
    pub(crate) customer: String,
    pub(crate) card: Card,
}

impl Weigh for StoredSource {
    fn weight(&self) -> usize {
        size_of::<StoredSource>() + text_weight(&self.customer) + self.card.weight()
    }
}

/// A customer (`cus_...`).
pub(crate) struct Customer {
    pub(crate) id: String,
    email: Option<String>,
    pub(crate) name: Option<String>,
    /// The last source that paid successfully: what a `customer` source pays with.
    pub(crate) default_source: Option<String>,
}

impl Weigh for Customer {
    fn weight(&self) -> usize {
        size_of::<Customer>()
            + text_weight(&self.id)
            + optional_text_weight(self.email.as_ref())
            + optional_text_weight(self.name.as_ref())
            + optional_text_weight(self.default_source.as_ref())
    }
}

impl Customer {
    /// `{"id", "email", "name"}`, without the fields it does not have.
    fn to_json(&self) -> Value {
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

/// Tokens, stored sources and customers, each within the [`Limits`].
pub(crate) struct Vault {
    tokens: Retained<Token>,
    sources: Retained<StoredSource>,
    /// `(customer, card fingerprint)` → `src_` id.
    sources_by_card: BTreeMap<(String, String), String>,
    customers: Retained<Customer>,
    /// Lower-cased email → `cus_` id.
    customers_by_email: BTreeMap<String, String>,
}

impl Vault {
    /// An empty vault within `limits`.
    pub(crate) fn new(limits: &Limits) -> Self {
        Vault {
            tokens: Retained::new(limits.vault_entries, limits.vault_bytes),
            sources: Retained::new(limits.vault_entries, limits.vault_bytes),
            sources_by_card: BTreeMap::new(),
            customers: Retained::new(limits.vault_entries, limits.vault_bytes),
            customers_by_email: BTreeMap::new(),
        }
    }

    /// Applies new limits, forgetting the oldest records if needed.
    pub(crate) fn set_limits(&mut self, limits: &Limits) {
        let _ = self.tokens.set_bounds(limits.vault_entries, limits.vault_bytes);
        let evicted = self.sources.set_bounds(limits.vault_entries, limits.vault_bytes);
        self.forget_sources(evicted);
        let evicted = self.customers.set_bounds(limits.vault_entries, limits.vault_bytes);
        self.forget_customers(evicted);
    }

    /// The token `id`, if it exists.
    pub(crate) fn token(&self, id: &str) -> Option<&Token> {
        self.tokens.get(id)
    }

    /// Marks token `id` as used.
    pub(crate) fn use_token(&mut self, id: &str) {
        // A used token weighs what it weighed: nothing to forget.
        let _ = self.tokens.update(id, |token| token.used = true);
    }

    /// The stored source `id`, if it exists.
    pub(crate) fn source(&self, id: &str) -> Option<&StoredSource> {
        self.sources.get(id)
    }

    /// The customer `id`, if it exists.
    pub(crate) fn customer(&self, id: &str) -> Option<&Customer> {
        self.customers.get(id)
    }

    /// Changes the customer `id`, if it exists.
    pub(crate) fn update_customer(&mut self, id: &str, change: impl FnOnce(&mut Customer)) {
        if let Some(((), evicted)) = self.customers.update(id, change) {
            self.forget_customers(evicted);
        }
    }

    /// The customer with `email` (case-insensitive).
    pub(crate) fn customer_by_email(&self, email: &str) -> Option<&Customer> {
        self.customers_by_email.get(&email.to_ascii_lowercase()).and_then(|id| self.customers.get(id))
    }

    /// `{"id", "email", "name"}` of customer `id` (just the id if the vault does not know it).
    pub(crate) fn customer_json(&self, id: &str) -> Value {
        self.customers.get(id).map_or_else(|| json!({ "id": id }), Customer::to_json)
    }

    /// Creates a customer; returns its id.
    pub(crate) fn new_customer(&mut self, ids: &mut Rng, email: Option<String>, name: Option<String>) -> String {
        let id = ids.id("cus_");
        if let Some(email) = &email {
            self.customers_by_email.insert(email.to_ascii_lowercase(), id.clone());
        }
        let evicted = self.customers.insert(id.clone(), Customer { id: id.clone(), email, name, default_source: None });
        self.forget_customers(evicted);
        id
    }

    /// The stored source for `card` owned by `customer`, created on first use.
    pub(crate) fn source_for(&mut self, ids: &mut Rng, customer: &str, card: &Card) -> String {
        let slot = (customer.to_string(), card.fingerprint.clone());
        if let Some(id) = self.sources_by_card.get(&slot) {
            return id.clone();
        }
        let id = ids.id("src_");
        self.sources_by_card.insert(slot, id.clone());
        let evicted =
            self.sources.insert(id.clone(), StoredSource { customer: customer.to_string(), card: card.clone() });
        self.forget_sources(evicted);
        id
    }

    fn forget_sources(&mut self, evicted: Vec<(String, StoredSource)>) {
        for (id, source) in evicted {
            let slot = (source.customer, source.card.fingerprint);
            if self.sources_by_card.get(&slot) == Some(&id) {
                self.sources_by_card.remove(&slot);
            }
        }
    }

    fn forget_customers(&mut self, evicted: Vec<(String, Customer)>) {
        for (id, customer) in evicted {
            if let Some(email) = customer.email.map(|e| e.to_ascii_lowercase()) {
                if self.customers_by_email.get(&email) == Some(&id) {
                    self.customers_by_email.remove(&email);
                }
            }
        }
    }
}

/// Creates a token for `card` (not checked: tokens made from Rust may hold anything, the payment
/// checks it); returns its id and expiry.
pub(crate) fn create_token(ledger: &mut Ledger, card: CardInput) -> (String, i64) {
    let id = ledger.ids.id("tok_");
    let expires_on = ledger.clock.now().saturating_add(TOKEN_LIFETIME_SECS);
    let _ = ledger.vault.tokens.insert(id.clone(), Token { card: Card::new(card), expires_on, used: false });
    (id, expires_on)
}

fn create_token_route(ledger: &mut Ledger, ctx: &Ctx<'_>, body: &[u8]) -> Reply {
    let card = match parse_token(body, ledger.clock.now()) {
        Ok(card) => card,
        Err(reject) => return reject.reply(ctx.request_id),
    };
    let (token, expires_on) = create_token(ledger, card);
    let mut out = Map::new();
    out.insert("type".into(), json!("card"));
    out.insert("token".into(), json!(token));
    out.insert("expires_on".into(), json!(clock::rfc3339(expires_on)));
    if let Some(stored) = ledger.vault.tokens.get(&token) {
        stored.card.describe(&mut out);
    }
    Reply::json(201, Value::Object(out))
}

/// Parses and checks a `POST /tokens` body.
fn parse_token(body: &[u8], now: i64) -> Result<CardInput, Reject> {
    let obj = parse_object(body, false)?;
    let mut errors = Errors::default();
    match obj.get("type") {
        Some(Value::String(t)) if t == "card" => {}
        None | Some(Value::Null) => errors.push("token_type_required"),
        Some(_) => errors.push("token_type_invalid"),
    }
    let card = card_fields(&obj, now, &mut errors);
    match card {
        Some(card) if errors.is_empty() => Ok(card),
        _ => Err(errors.into_reject()),
    }
}
