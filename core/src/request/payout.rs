//! Payouts: `POST /payments` with a `destination`.

use alloc::string::String;
use alloc::vec::Vec;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use super::billing_descriptor::BillingDescriptor;
use super::destination::PayoutDestination;
use super::field::{
    check_len, closed_set, extra_setter, keyed_request_debug, metadata_setter, open_model, setters, FieldError,
    FieldProblem, Fields, FromJson,
};
use super::instruction::Instruction;
use super::item::Item;
use super::sender::Sender;
use crate::currency::Currency;
use crate::error::InvalidInput;
use crate::id::IdempotencyKey;

closed_set! {
    /// Where the money of a payout is taken from.
    PayoutSourceType {
        /// One of your currency accounts (`ca_...`).
        CurrencyAccount => "currency_account",
        /// A sub-entity's balance (`ent_...`).
        Entity => "entity",
    }
}

/// Where the money of a payout is taken from (`source`). Accounts set up with processing channels
/// name one; older accounts pay out without a source. Fields the SDK does not model are kept in
/// `extra`.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct PayoutSource {
    /// What kind of balance.
    #[serde(rename = "type")]
    pub source_type: PayoutSourceType,
    /// The currency account (`ca_...`) or entity (`ent_...`) id.
    pub id: String,
    /// How much to take from it, when it differs from the payout amount (in minor units).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<u64>,
    /// Fields the SDK does not model, sent as given.
    #[serde(flatten, serialize_with = "PayoutSource::serialize_extra")]
    pub extra: Map<String, Value>,
}

open_model!(PayoutSource { "type", "id", "amount" });

impl FromJson for PayoutSource {
    fn from_fields(mut f: Fields) -> Result<Self, FieldError> {
        let missing = |f: &Fields, key: &str| FieldError::new(f.path(key), FieldProblem::Missing);
        let source_type = f.one_of("type")?.ok_or_else(|| missing(&f, "type"))?;
        let id = f.string("id")?.ok_or_else(|| missing(&f, "id"))?;
        Ok(PayoutSource { source_type, id, amount: f.integer("amount")?, extra: f.rest() })
    }
}

impl PayoutSource {
    /// One of your currency accounts.
    pub fn currency_account(id: impl Into<String>) -> Self {
        PayoutSource { source_type: PayoutSourceType::CurrencyAccount, id: id.into(), amount: None, extra: Map::new() }
    }

    /// A sub-entity's balance.
    pub fn entity(id: impl Into<String>) -> Self {
        PayoutSource { source_type: PayoutSourceType::Entity, id: id.into(), amount: None, extra: Map::new() }
    }

    setters! {
        /// Sets how much to take from the source, in minor units.
        amount = u64,
    }

    extra_setter!();
}

/// The longest `reference` the API accepts.
const MAX_REFERENCE: usize = 80;

/// A payout: `POST /payments` with a `destination` (a bank account, a card, a stored instrument
/// or a token) instead of a payment source. Build one with [`PayoutRequest::builder`]. Fields the
/// SDK does not model (an older account's `fund_transfer_type`, ...) are kept in `extra`.
///
/// ```
/// use checkout_sdk_core::currency::Currency;
/// use checkout_sdk_core::request::{
///     BillingDescriptor, IdDestination, Instruction, InstructionScheme, PayoutRequest, PayoutSource, Sender,
/// };
/// use serde_json::json;
///
/// let payout = PayoutRequest::builder(IdDestination::new("src_gsd2agaqd2sernz5tpcfv555nq"), 1000, Currency::GBP)
///     .source(PayoutSource::currency_account("ca_y3oqhf46pyzuxjbcn2giaqnb44"))
///     .reference("PO-215-5721")
///     .billing_descriptor(BillingDescriptor::new().reference("Withdrawal"))
///     .sender(Sender::instrument().reference("8285282045818"))
///     .instruction(Instruction::new().purpose("Withdrawal").scheme(InstructionScheme::Local))
///     .processing_channel_id("pc_hpswyyx23geezflc2ocz3exn4y")
///     .build()
///     .unwrap();
/// let body = serde_json::to_value(&payout).unwrap();
/// assert_eq!(body["destination"], json!({"type": "id", "id": "src_gsd2agaqd2sernz5tpcfv555nq"}));
/// assert_eq!(body["source"], json!({"type": "currency_account", "id": "ca_y3oqhf46pyzuxjbcn2giaqnb44"}));
/// ```
#[derive(Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct PayoutRequest {
    /// Where the money is taken from (accounts with processing channels).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<PayoutSource>,
    /// Where the money goes.
    pub destination: PayoutDestination,
    /// Amount in minor units.
    pub amount: u64,
    /// Currency.
    pub currency: Currency,
    /// Your reference, at most 80 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// What the recipient's statement shows (`reference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billing_descriptor: Option<BillingDescriptor>,
    /// Who sends the money.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sender: Option<Sender>,
    /// How the money is sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instruction: Option<Instruction>,
    /// The processing channel.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub processing_channel_id: Option<String>,
    /// The earlier payout of a series.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_payment_id: Option<String>,
    /// Line items.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<Item>>,
    /// Processing options, as given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub processing: Option<Map<String, Value>>,
    /// Your own key-value data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Map<String, Value>>,
    /// Fields the SDK does not model, merged into the body as given.
    #[serde(flatten, serialize_with = "PayoutRequest::serialize_extra")]
    pub extra: Map<String, Value>,
    /// The `Cko-Idempotency-Key` to send; the client generates one when none is set.
    #[serde(skip)]
    pub idempotency_key: Option<IdempotencyKey>,
}

impl PayoutRequest {
    /// The body fields this type models by name; `extra` must not repeat them.
    pub const FIELDS: &'static [&'static str] = &[
        "source",
        "destination",
        "amount",
        "currency",
        "reference",
        "billing_descriptor",
        "sender",
        "instruction",
        "processing_channel_id",
        "previous_payment_id",
        "items",
        "processing",
        "metadata",
    ];

    fn serialize_extra<S: Serializer>(extra: &Map<String, Value>, serializer: S) -> Result<S::Ok, S::Error> {
        super::field::serialize_extra(extra, Self::FIELDS, serializer)
    }

    /// Starts a payout of `amount` minor units of `currency` to `destination`.
    pub fn builder(destination: impl Into<PayoutDestination>, amount: u64, currency: Currency) -> PayoutRequestBuilder {
        PayoutRequestBuilder {
            request: PayoutRequest {
                source: None,
                destination: destination.into(),
                amount,
                currency,
                reference: None,
                billing_descriptor: None,
                sender: None,
                instruction: None,
                processing_channel_id: None,
                previous_payment_id: None,
                items: None,
                processing: None,
                metadata: None,
                extra: Map::new(),
                idempotency_key: None,
            },
        }
    }

    /// Builds a payout from untyped JSON, such as the API reference's example, and checks it as
    /// [`PayoutRequestBuilder::build`] does. Errors name the field, never the value.
    pub fn from_json(value: Value) -> Result<Self, InvalidInput> {
        let mut f = Fields::of(value, String::new())?;
        let missing = |key: &str| FieldError::new(key, FieldProblem::Missing);
        let destination: PayoutDestination = f.model("destination")?.ok_or_else(|| missing("destination"))?;
        let amount = f.integer("amount")?.ok_or_else(|| missing("amount"))?;
        let currency = f
            .parsed("currency", "a three-letter currency code", |code| Currency::parse(&code).ok())?
            .ok_or_else(|| missing("currency"))?;
        let mut builder = PayoutRequest::builder(destination, amount, currency);
        let r = &mut builder.request;
        r.source = f.model("source")?;
        r.reference = f.string("reference")?;
        r.billing_descriptor = f.model("billing_descriptor")?;
        r.sender = f.model("sender")?;
        r.instruction = f.model("instruction")?;
        r.processing_channel_id = f.string("processing_channel_id")?;
        r.previous_payment_id = f.string("previous_payment_id")?;
        r.items = f.models("items")?;
        r.processing = f.object("processing")?;
        r.metadata = f.object("metadata")?;
        r.extra = f.rest();
        builder.build()
    }
}

impl<'de> Deserialize<'de> for PayoutRequest {
    /// Reads a payout as [`PayoutRequest::from_json`] does.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        PayoutRequest::from_json(Value::deserialize(deserializer)?).map_err(serde::de::Error::custom)
    }
}

/// Builds a [`PayoutRequest`]; [`build`](Self::build) checks it.
#[derive(Debug, Clone)]
#[must_use]
pub struct PayoutRequestBuilder {
    request: PayoutRequest,
}

impl PayoutRequestBuilder {
    setters! {
        @at request;
        /// Sets where the money is taken from.
        source: PayoutSource,
        /// Sets your reference, at most 80 characters.
        reference: String,
        /// Sets what the recipient's statement shows.
        billing_descriptor: BillingDescriptor,
        /// Sets who sends the money.
        sender: Sender,
        /// Sets how the money is sent.
        instruction: Instruction,
        /// Sets the processing channel.
        processing_channel_id: String,
        /// Sets the earlier payout of a series.
        previous_payment_id: String,
        /// Sets the `Cko-Idempotency-Key` for this payout.
        idempotency_key = IdempotencyKey,
    }

    /// Adds a line item.
    pub fn item(mut self, item: Item) -> Self {
        self.request.items.get_or_insert_with(Vec::new).push(item);
        self
    }

    /// Adds a processing option.
    pub fn processing(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.request.processing.get_or_insert_with(Map::new).insert(key.into(), value.into());
        self
    }

    metadata_setter!(request);

    /// Adds a body field the SDK does not model. It must not repeat one of
    /// [`PayoutRequest::FIELDS`]: [`build`](Self::build) refuses that.
    pub fn extra(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.request.extra.insert(key.into(), value.into());
        self
    }

    /// Checks the payout: the amount against the API's rules for its currency, the length of
    /// `reference`, and `extra` fields that would repeat modelled ones.
    pub fn build(self) -> Result<PayoutRequest, InvalidInput> {
        let r = self.request;
        r.currency.check_amount(r.amount).map_err(|e| FieldError::new("amount", FieldProblem::Amount(e)))?;
        check_len("reference", r.reference.as_deref(), MAX_REFERENCE)?;
        if let Some(key) = r.extra.keys().find(|k| PayoutRequest::FIELDS.contains(&k.as_str())) {
            return Err(FieldError::new(key.as_str(), FieldProblem::Modelled).into());
        }
        Ok(r)
    }
}

crate::redact::redacted_json_debug!(PayoutSource);

keyed_request_debug!(PayoutRequest);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::{AccountHolder, CardDestination, TokenDestination};
    use alloc::string::ToString;
    use serde_json::json;

    #[test]
    fn a_payout_without_a_source_sends_only_what_is_set() {
        let payout =
            PayoutRequest::builder(TokenDestination::new("tok_ubfj2q76miwundwlk72vxt2i7q"), 500, Currency::GBP)
                .reference("PO-1")
                .extra("fund_transfer_type", "AA")
                .build()
                .unwrap();
        assert_eq!(
            serde_json::to_value(&payout).unwrap(),
            json!({"destination": {"type": "token", "token": "tok_ubfj2q76miwundwlk72vxt2i7q"}, "amount": 500,
                   "currency": "GBP", "reference": "PO-1", "fund_transfer_type": "AA"})
        );
    }

    #[test]
    fn card_destinations_send_the_number_but_debug_shows_the_last_four() {
        let card = CardDestination::new("4242 4242 4242 4242", 6, 2030)
            .unwrap()
            .account_holder(AccountHolder::individual("A", "B"));
        let payout = PayoutRequest::builder(card, 500, Currency::USD).build().unwrap();
        let body = serde_json::to_value(&payout).unwrap();
        assert_eq!(body["destination"]["number"], "4242424242424242");
        let debug = alloc::format!("{payout:?}");
        assert!(!debug.contains("4242424242424242"), "{debug}");
        assert!(CardDestination::new("4242", 6, 2030).is_err());
        assert!(CardDestination::new("4242424242424242", 13, 2030).is_err());
    }

    #[test]
    fn from_json_reads_destinations_and_names_the_wrong_field() {
        let ok = PayoutRequest::from_json(json!({
            "destination": {"type": "Bank_Account", "country": "GB", "account_number": 13654567455u64},
            "amount": 1000, "currency": "gbp", "instruction": {"scheme": "LOCAL", "charge_bearer": "our"},
        }))
        .unwrap();
        let body = serde_json::to_value(&ok).unwrap();
        assert_eq!(body["destination"]["type"], "bank_account");
        assert_eq!(body["destination"]["account_number"], "13654567455");
        assert_eq!(body["instruction"], json!({"scheme": "local", "charge_bearer": "OUR"}));
        let other = PayoutRequest::from_json(
            json!({"destination": {"type": "network_token", "token": "x"}, "amount": 1, "currency": "USD"}),
        )
        .unwrap();
        assert_eq!(
            serde_json::to_value(&other).unwrap()["destination"],
            json!({"type": "network_token", "token": "x"})
        );
        let cases: &[(Value, &str)] = &[
            (json!({"amount": 1, "currency": "USD"}), "`destination`: is required"),
            (
                json!({"destination": {"id": "src_x"}, "amount": 1, "currency": "USD"}),
                "`destination.type`: is required",
            ),
            (
                json!({"destination": {"type": "card", "number": "4242424242424241x", "expiry_month": 1, "expiry_year": 2030}, "amount": 1, "currency": "USD"}),
                "`destination.number`: expected a card number",
            ),
            (
                json!({"destination": {"type": "bank_account"}, "amount": 1, "currency": "USD"}),
                "`destination.country`: is required",
            ),
            (
                json!({"destination": {"type": "id", "id": "src_x"}, "amount": 1, "currency": "USD", "source": {"type": "wallet", "id": "x"}}),
                "`source.type`: expected one of currency_account, entity",
            ),
            (
                json!({"destination": {"type": "id", "id": "src_x"}, "amount": 1005, "currency": "BHD"}),
                "`amount`: BHD amounts",
            ),
        ];
        for (input, expected) in cases {
            let err = PayoutRequest::from_json(input.clone()).unwrap_err().to_string();
            assert!(err.contains(expected), "{input}: {err}");
            assert!(!err.contains("4242424242424241"), "{err}");
        }
    }
}
