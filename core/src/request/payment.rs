//! The payment request, its builder, and `from_json` for the original SDK's untyped shape.

use alloc::string::String;
use alloc::vec::Vec;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use super::allocation::AmountAllocation;
use super::billing_descriptor::BillingDescriptor;
use super::customer::Customer;
use super::field::{
    check_len, closed_set, keyed_request_debug, metadata_setter, setters, FieldError, FieldProblem, Fields,
};
use super::item::Item;
use super::payment_retry::PaymentRetry;
use super::recipient::Recipient;
use super::risk::Risk;
use super::sender::Sender;
use super::shipping::Shipping;
use super::three_ds::ThreeDs;
use crate::currency::Currency;
use crate::error::InvalidInput;
use crate::id::IdempotencyKey;
use crate::source::PaymentSource;

closed_set! {
    /// How the payment was initiated.
    PaymentType {
        /// A one-off, customer-initiated payment (the API's default).
        Regular => "Regular",
        /// A recurring, merchant-initiated payment.
        Recurring => "Recurring",
        /// Mail order / telephone order.
        Moto => "MOTO",
        /// One instalment of a series.
        Installment => "Installment",
        /// A merchant-initiated payment on an unscheduled basis.
        Unscheduled => "Unscheduled",
        /// A buy-now-pay-later payment.
        PayLater => "PayLater",
    }
}

closed_set! {
    /// Whether the amount authorized is final or may still change (`authorization_type`).
    AuthorizationType {
        /// The final amount (the API's default).
        Final => "Final",
        /// An estimate, which incremental authorizations may raise.
        Estimated => "Estimated",
        /// An incremental authorization.
        Incremental => "Incremental",
    }
}

/// The longest `reference` the API accepts.
const MAX_REFERENCE: usize = 80;
/// The longest `description` the API accepts.
const MAX_DESCRIPTION: usize = 100;

/// `POST /payments`: request a payment. Build one with [`PaymentRequest::builder`] or, from the
/// original SDK's untyped shape, with [`PaymentRequest::from_json`]. Fields the SDK does not
/// model are kept in `extra` and sent.
#[derive(Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct PaymentRequest {
    /// Where the money comes from.
    pub source: PaymentSource,
    /// Amount in minor units (see [`Currency::exponent`]); 0 for a card verification.
    pub amount: u64,
    /// Currency.
    pub currency: Currency,
    /// How the payment was initiated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_type: Option<PaymentType>,
    /// Whether the merchant initiated the payment (MIT).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merchant_initiated: Option<bool>,
    /// Your reference (e.g. an order number), at most 80 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// A description, at most 100 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether the amount is final or an estimate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorization_type: Option<AuthorizationType>,
    /// Whether to capture automatically (the API defaults to `true`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capture: Option<bool>,
    /// When to capture (ISO 8601), if capturing automatically.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capture_on: Option<String>,
    /// The customer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer: Option<Customer>,
    /// What the customer's statement shows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billing_descriptor: Option<BillingDescriptor>,
    /// Shipping details.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping: Option<Shipping>,
    /// 3-D Secure options, sent as `"3ds"`.
    #[serde(rename = "3ds", skip_serializing_if = "Option::is_none")]
    pub three_ds: Option<ThreeDs>,
    /// The processing channel (required for accounts set up with processing channels).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub processing_channel_id: Option<String>,
    /// The earlier payment of a recurring series.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_payment_id: Option<String>,
    /// Risk options.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risk: Option<Risk>,
    /// Scheduled retries if a merchant-initiated payment is declined.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry: Option<PaymentRetry>,
    /// Where to send the customer after a successful redirect (3DS, APMs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub success_url: Option<String>,
    /// Where to send the customer after a failed redirect.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_url: Option<String>,
    /// The customer's IP address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_ip: Option<String>,
    /// Who sends the money (money transfers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sender: Option<Sender>,
    /// Who receives the funds (account funding).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recipient: Option<Recipient>,
    /// Marketplace options (`sub_entity_id`, ...), as given; superseded by `amount_allocations`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub marketplace: Option<Map<String, Value>>,
    /// How the amount is split between sub-entities.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount_allocations: Option<Vec<AmountAllocation>>,
    /// Processing options (`aft`, `order_id`, `tax_amount`, ...), as given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub processing: Option<Map<String, Value>>,
    /// Line items of the order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<Item>>,
    /// Your own key-value data, returned on the payment and its webhooks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Map<String, Value>>,
    /// Fields the SDK does not model, merged into the body as given.
    #[serde(flatten, serialize_with = "PaymentRequest::serialize_extra")]
    pub extra: Map<String, Value>,
    /// The `Cko-Idempotency-Key` to send; the client generates one when none is set.
    #[serde(skip)]
    pub idempotency_key: Option<IdempotencyKey>,
}

impl PaymentRequest {
    /// The body fields this type models by name (and `threeds`, the original SDK's spelling of
    /// `3ds`); `extra` must not repeat them.
    pub const FIELDS: &'static [&'static str] = &[
        "source",
        "amount",
        "currency",
        "payment_type",
        "merchant_initiated",
        "reference",
        "description",
        "authorization_type",
        "capture",
        "capture_on",
        "customer",
        "billing_descriptor",
        "shipping",
        "3ds",
        "threeds",
        "processing_channel_id",
        "previous_payment_id",
        "risk",
        "retry",
        "success_url",
        "failure_url",
        "payment_ip",
        "sender",
        "recipient",
        "marketplace",
        "amount_allocations",
        "processing",
        "items",
        "metadata",
    ];

    fn serialize_extra<S: Serializer>(extra: &Map<String, Value>, serializer: S) -> Result<S::Ok, S::Error> {
        super::field::serialize_extra(extra, Self::FIELDS, serializer)
    }

    /// Starts a request for `amount` minor units of `currency` from `source`.
    pub fn builder(source: impl Into<PaymentSource>, amount: u64, currency: Currency) -> PaymentRequestBuilder {
        PaymentRequestBuilder {
            request: PaymentRequest {
                source: source.into(),
                amount,
                currency,
                payment_type: None,
                merchant_initiated: None,
                reference: None,
                description: None,
                authorization_type: None,
                capture: None,
                capture_on: None,
                customer: None,
                billing_descriptor: None,
                shipping: None,
                three_ds: None,
                processing_channel_id: None,
                previous_payment_id: None,
                risk: None,
                retry: None,
                success_url: None,
                failure_url: None,
                payment_ip: None,
                sender: None,
                recipient: None,
                marketplace: None,
                amount_allocations: None,
                processing: None,
                items: None,
                metadata: None,
                extra: Map::new(),
                idempotency_key: None,
            },
        }
    }

    /// Builds a request from untyped JSON: the API reference's own request examples, and the
    /// original SDK's shape and shortcuts.
    ///
    /// - `source` has its `type` inferred when absent (see [`PaymentSource::infer`]);
    /// - `currency` in any case, and codes this SDK does not list (see [`Currency::parse`]);
    /// - `3ds` or the original SDK's `threeds`, each `true`, `false` or an object (both present
    ///   and different is an error); `risk: false` for `{"enabled": false}`;
    /// - values of closed sets (`payment_type`, `authorization_type`, ...) in any case;
    /// - numbers where the API's own examples send them for documented text (`"eci": 5`,
    ///   `"account_number": 5555554444`, a phone's `"country_code": 1`, a sender's `reference`);
    /// - every field the SDK does not model, at any depth, kept and sent as given.
    ///
    /// The request is then checked as [`PaymentRequestBuilder::build`] checks it. Errors name
    /// the field by its path and what was expected ([`InvalidInput::Field`]), never the value.
    ///
    /// ```
    /// use checkout_sdk_core::request::{PaymentRequest, PaymentType};
    /// use serde_json::json;
    ///
    /// let request = PaymentRequest::from_json(json!({
    ///     "source": {"id": "src_nwd3m4in3hkuddfpjsaevunhdy", "cvv": "100"},
    ///     "amount": 100,
    ///     "currency": "usd",
    ///     "payment_type": "regular",
    ///     "reference": "pay_ref",
    ///     "threeds": {"enabled": true, "attempt_n3d": true},
    ///     "risk": false,
    /// })).unwrap();
    /// assert_eq!(request.source.source_type(), "id");
    /// assert_eq!(request.payment_type, Some(PaymentType::Regular));
    /// assert_eq!(request.three_ds.unwrap().attempt_n3d, Some(true));
    /// assert_eq!(request.risk.unwrap().enabled, false);
    /// ```
    pub fn from_json(value: Value) -> Result<Self, InvalidInput> {
        let mut f = Fields::of(value, String::new())?;
        let source = f.take("source").ok_or_else(|| FieldError::new("source", FieldProblem::Missing))?;
        let source = PaymentSource::infer(source)?;
        let amount = f.integer("amount")?.ok_or_else(|| FieldError::new("amount", FieldProblem::Missing))?;
        let currency = f
            .parsed("currency", "a three-letter currency code", |code| Currency::parse(&code).ok())?
            .ok_or_else(|| FieldError::new("currency", FieldProblem::Missing))?;
        let mut builder = PaymentRequest::builder(source, amount, currency);
        let r = &mut builder.request;
        r.three_ds = three_ds(&mut f)?;
        r.payment_type = f.one_of("payment_type")?;
        r.merchant_initiated = f.boolean("merchant_initiated")?;
        r.reference = f.string("reference")?;
        r.description = f.string("description")?;
        r.authorization_type = f.one_of("authorization_type")?;
        r.capture = f.boolean("capture")?;
        r.capture_on = f.string("capture_on")?;
        r.customer = f.model("customer")?;
        r.billing_descriptor = f.model("billing_descriptor")?;
        r.shipping = f.model("shipping")?;
        r.processing_channel_id = f.string("processing_channel_id")?;
        r.previous_payment_id = f.string("previous_payment_id")?;
        r.risk = f.model("risk")?;
        r.retry = f.model("retry")?;
        r.success_url = f.string("success_url")?;
        r.failure_url = f.string("failure_url")?;
        r.payment_ip = f.string("payment_ip")?;
        r.sender = f.model("sender")?;
        r.recipient = f.model("recipient")?;
        r.marketplace = f.object("marketplace")?;
        r.amount_allocations = f.models("amount_allocations")?;
        r.processing = f.object("processing")?;
        r.items = f.models("items")?;
        r.metadata = f.object("metadata")?;
        r.extra = f.rest();
        builder.build()
    }
}

/// `3ds`, or the original SDK's `threeds`; both may be given only with the same meaning.
fn three_ds(f: &mut Fields) -> Result<Option<ThreeDs>, FieldError> {
    let official: Option<ThreeDs> = f.model("3ds")?;
    let seed: Option<ThreeDs> = f.model("threeds")?;
    match (official, seed) {
        (Some(a), Some(b)) if a != b => Err(FieldError::new("3ds", FieldProblem::Conflicts { with: "threeds" })),
        (a, b) => Ok(a.or(b)),
    }
}

impl<'de> Deserialize<'de> for PaymentRequest {
    /// Reads a request as [`PaymentRequest::from_json`] does.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        PaymentRequest::from_json(Value::deserialize(deserializer)?).map_err(serde::de::Error::custom)
    }
}

/// Builds a [`PaymentRequest`]; [`build`](Self::build) checks it.
#[derive(Debug, Clone)]
#[must_use]
pub struct PaymentRequestBuilder {
    request: PaymentRequest,
}

impl PaymentRequestBuilder {
    setters! {
        @at request;
        /// Sets your reference, at most 80 characters.
        reference: String,
        /// Sets the description, at most 100 characters.
        description: String,
        /// Sets how the payment was initiated.
        payment_type: PaymentType,
        /// Sets whether the merchant initiated the payment.
        merchant_initiated = bool,
        /// Sets whether the amount is final or an estimate.
        authorization_type: AuthorizationType,
        /// Sets whether to capture automatically.
        capture = bool,
        /// Sets when to capture (ISO 8601).
        capture_on: String,
        /// Sets the customer.
        customer: Customer,
        /// Sets what the customer's statement shows.
        billing_descriptor: BillingDescriptor,
        /// Sets the shipping details.
        shipping: Shipping,
        /// Sets 3-D Secure: `true`, or a full [`ThreeDs`].
        three_ds: ThreeDs,
        /// Sets the processing channel.
        processing_channel_id: String,
        /// Sets the earlier payment of a recurring series.
        previous_payment_id: String,
        /// Sets the risk options: `false`, or a full [`Risk`].
        risk: Risk,
        /// Sets scheduled retries of a declined merchant-initiated payment.
        retry: PaymentRetry,
        /// Sets the redirect target after success.
        success_url: String,
        /// Sets the redirect target after failure.
        failure_url: String,
        /// Sets the customer's IP address.
        payment_ip: String,
        /// Sets who sends the money.
        sender: Sender,
        /// Sets who receives the funds.
        recipient: Recipient,
        /// Sets the `Cko-Idempotency-Key` for this payment (see [`IdempotencyKey`]).
        idempotency_key = IdempotencyKey,
    }

    /// Adds a line item.
    pub fn item(mut self, item: Item) -> Self {
        self.request.items.get_or_insert_with(Vec::new).push(item);
        self
    }

    /// Adds a share of the amount for a sub-entity.
    pub fn amount_allocation(mut self, allocation: AmountAllocation) -> Self {
        self.request.amount_allocations.get_or_insert_with(Vec::new).push(allocation);
        self
    }

    metadata_setter!(request);

    /// Adds a processing option (e.g. `("aft", true)`, `("order_id", "123456789")`).
    pub fn processing(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.request.processing.get_or_insert_with(Map::new).insert(key.into(), value.into());
        self
    }

    /// Adds a marketplace option (e.g. `("sub_entity_id", "ent_...")`).
    pub fn marketplace(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.request.marketplace.get_or_insert_with(Map::new).insert(key.into(), value.into());
        self
    }

    /// Adds a body field the SDK does not model. It must not repeat one of
    /// [`PaymentRequest::FIELDS`]: [`build`](Self::build) refuses that.
    pub fn extra(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.request.extra.insert(key.into(), value.into());
        self
    }

    /// Checks the request: the amount against the API's rules for its currency (see
    /// [`Currency::check_amount`]), the lengths of `reference` and `description`, and `extra`
    /// fields that would repeat modelled ones.
    pub fn build(self) -> Result<PaymentRequest, InvalidInput> {
        let r = self.request;
        r.currency.check_amount(r.amount).map_err(|e| FieldError::new("amount", FieldProblem::Amount(e)))?;
        check_len("reference", r.reference.as_deref(), MAX_REFERENCE)?;
        check_len("description", r.description.as_deref(), MAX_DESCRIPTION)?;
        if let Some(key) = r.extra.keys().find(|k| PaymentRequest::FIELDS.contains(&k.as_str())) {
            return Err(FieldError::new(key.as_str(), FieldProblem::Modelled).into());
        }
        Ok(r)
    }
}

keyed_request_debug!(PaymentRequest);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::currency::AmountError;
    use crate::source::{Address, CardSource, TokenSource};
    use alloc::string::ToString;
    use serde_json::json;

    fn card() -> PaymentSource {
        CardSource::new("4242424242424242", 6, 2030).unwrap().cvv("100").unwrap().into()
    }

    fn token() -> Value {
        json!({"token": "tok_ubfj2q76miwundwlk72vxt2i7q"})
    }

    #[test]
    fn threeds_shortcut_and_full_object_serialise_as_3ds() {
        let cases: &[(ThreeDs, Value)] = &[
            (true.into(), json!({"enabled": true})),
            (false.into(), json!({"enabled": false})),
            (ThreeDs::with_n3d_fallback(), json!({"enabled": true, "attempt_n3d": true})),
        ];
        for (three_ds, expected) in cases {
            let r = PaymentRequest::builder(card(), 100, Currency::USD).three_ds(three_ds.clone()).build().unwrap();
            let body = serde_json::to_value(&r).unwrap();
            assert_eq!(&body["3ds"], expected);
            assert!(body.get("three_ds").is_none() && body.get("threeds").is_none());
        }
    }

    #[test]
    fn a_full_request_serialises_every_field() {
        let r = PaymentRequest::builder(TokenSource::new("tok_x"), 6540, Currency::GBP)
            .reference("ORD-5023-4E89")
            .description("Set of 3 masks")
            .payment_type(PaymentType::Moto)
            .authorization_type(AuthorizationType::Estimated)
            .merchant_initiated(false)
            .capture(false)
            .customer(Customer::new().email("jokershere@gmail.com").name("Jack Napier").tax_number("1350693505279"))
            .shipping(Shipping::to(Address::new().city("London").country("GB")))
            .billing_descriptor(BillingDescriptor::new().name("SUPERHEROES.COM").city("GOTHAM"))
            .risk(false)
            .retry(PaymentRetry::new().downtime(true))
            .success_url("https://example.com/ok")
            .failure_url("https://example.com/fail")
            .payment_ip("90.197.169.245")
            .processing_channel_id("pc_x")
            .processing("aft", true)
            .item(Item::new().name("mask").quantity(3).unit_price(2180))
            .metadata("udf1", "x")
            .extra("fallback_source", json!({"type": "token"}))
            .build()
            .unwrap();
        assert_eq!(
            serde_json::to_value(&r).unwrap(),
            json!({
                "source": {"type": "token", "token": "tok_x"},
                "amount": 6540, "currency": "GBP", "payment_type": "MOTO", "merchant_initiated": false,
                "reference": "ORD-5023-4E89", "description": "Set of 3 masks",
                "authorization_type": "Estimated", "capture": false,
                "customer": {"email": "jokershere@gmail.com", "name": "Jack Napier", "tax_number": "1350693505279"},
                "billing_descriptor": {"name": "SUPERHEROES.COM", "city": "GOTHAM"},
                "shipping": {"address": {"city": "London", "country": "GB"}},
                "risk": {"enabled": false},
                "retry": {"downtime": {"enabled": true}},
                "success_url": "https://example.com/ok", "failure_url": "https://example.com/fail",
                "payment_ip": "90.197.169.245", "processing_channel_id": "pc_x",
                "processing": {"aft": true},
                "items": [{"name": "mask", "quantity": 3, "unit_price": 2180}],
                "metadata": {"udf1": "x"},
                "fallback_source": {"type": "token"},
            })
        );
    }

    #[test]
    fn build_refuses_bad_lengths_amounts_and_colliding_extras() {
        let base = || PaymentRequest::builder(card(), 1000, Currency::USD);
        assert!(base().reference("x".repeat(80)).build().is_ok());
        let err = base().reference("x".repeat(81)).build().unwrap_err();
        assert_eq!(err, FieldError::new("reference", FieldProblem::TooLong { max: 80 }).into());
        assert!(base().description("x".repeat(101)).build().is_err());
        for key in ["amount", "3ds", "threeds", "customer", "items"] {
            let err = base().extra(key, 5).build().unwrap_err();
            assert_eq!(err, FieldError::new(key, FieldProblem::Modelled).into(), "{key}");
        }
        let err = PaymentRequest::builder(card(), 1001, Currency::BHD).build().unwrap_err();
        let expected = FieldProblem::Amount(AmountError::LastDigitNotZero { currency: Currency::BHD });
        assert_eq!(err, FieldError::new("amount", expected).into());
        assert!(PaymentRequest::builder(card(), 10_000_000_000, Currency::USD).build().is_err());
        assert!(PaymentRequest::builder(card(), 9_999_999_999, Currency::USD).build().is_ok());
    }

    #[test]
    fn nested_extras_that_repeat_a_modelled_field_fail_to_serialise() {
        let r = PaymentRequest::builder(card(), 100, Currency::USD)
            .customer(Customer::new().name("A").extra("name", "B"))
            .build()
            .unwrap();
        let err = serde_json::to_vec(&r).unwrap_err().to_string();
        assert!(err.contains("`name`") && !err.contains('B'), "{err}");
    }

    #[test]
    fn from_json_reads_the_original_sdk_shape() {
        let r = PaymentRequest::from_json(json!({
            "source": {"number": "4242424242424242", "expiry_month": 6, "expiry_year": 2030, "cvv": "100"},
            "amount": 100, "currency": "usd", "reference": "pay_ref", "threeds": true,
            "capture_on": "2030-01-01T00:00:00Z", "custom_field": [1, 2], "risk": false,
            "retry": {"dunning": true},
        }))
        .unwrap();
        assert_eq!(r.retry, Some(PaymentRetry::new().dunning(true)));
        assert_eq!(r.currency, Currency::USD);
        assert_eq!(r.three_ds, Some(ThreeDs::enabled()));
        assert_eq!(r.risk, Some(Risk::enabled(false)));
        assert_eq!(r.extra.get("custom_field"), Some(&json!([1, 2])));
    }

    #[test]
    fn from_json_matches_closed_sets_in_any_case() {
        for (text, expected) in
            [("regular", PaymentType::Regular), ("moto", PaymentType::Moto), ("PAYLATER", PaymentType::PayLater)]
        {
            let r = PaymentRequest::from_json(
                json!({"source": token(), "amount": 1, "currency": "USD", "payment_type": text}),
            )
            .unwrap();
            assert_eq!(r.payment_type, Some(expected));
        }
        let r = PaymentRequest::from_json(
            json!({"source": token(), "amount": 1, "currency": "USD", "authorization_type": "estimated"}),
        )
        .unwrap();
        assert_eq!(serde_json::to_value(&r).unwrap()["authorization_type"], "Estimated");
    }

    #[test]
    fn from_json_takes_3ds_and_threeds_only_when_they_agree() {
        let with = |three_ds: Value, threeds: Value| {
            PaymentRequest::from_json(
                json!({"source": token(), "amount": 1, "currency": "USD", "3ds": three_ds, "threeds": threeds}),
            )
        };
        assert_eq!(with(json!(true), json!({"enabled": true})).unwrap().three_ds, Some(ThreeDs::enabled()));
        assert_eq!(with(json!(null), json!(false)).unwrap().three_ds, Some(ThreeDs::from(false)));
        let err = with(json!(true), json!(false)).unwrap_err();
        assert_eq!(err, FieldError::new("3ds", FieldProblem::Conflicts { with: "threeds" }).into());
    }

    #[test]
    fn from_json_refuses_what_the_api_would_and_says_which_field() {
        let cases: &[(Value, &str)] = &[
            (json!({"amount": 1, "currency": "USD"}), "`source`: is required"),
            (json!({"source": token(), "currency": "USD"}), "`amount`: is required"),
            (json!({"source": token(), "amount": -1, "currency": "USD"}), "`amount`: expected a non-negative integer"),
            (json!({"source": token(), "amount": 1.5, "currency": "USD"}), "`amount`: expected a non-negative integer"),
            (json!({"source": token(), "amount": 10_000_000_000u64, "currency": "USD"}), "`amount`: more than"),
            (json!({"source": token(), "amount": 1005, "currency": "KWD"}), "`amount`: KWD amounts"),
            (json!({"source": token(), "amount": 1}), "`currency`: is required"),
            (json!({"source": token(), "amount": 1, "currency": "US"}), "`currency`: expected a three-letter"),
            (json!({"source": token(), "amount": 1, "currency": "USD", "threeds": "yes"}), "`threeds`: expected true"),
            (
                json!({"source": token(), "amount": 1, "currency": "USD", "payment_type": "Monthly"}),
                "`payment_type`: expected one of Regular",
            ),
            (
                json!({"source": token(), "amount": 1, "currency": "USD", "customer": {"id": "pay_x"}}),
                "`customer.id`: expected a customer id",
            ),
            (
                json!({"source": token(), "amount": 1, "currency": "USD", "items": [{}, {"quantity": "2"}]}),
                "`items[1].quantity`: expected",
            ),
            (
                json!({"source": token(), "amount": 1, "currency": "USD", "metadata": [1]}),
                "`metadata`: expected a JSON object",
            ),
            (json!([1]), "invalid request body: expected a JSON object"),
        ];
        for (input, expected) in cases {
            let err = PaymentRequest::from_json(input.clone()).unwrap_err().to_string();
            assert!(err.contains(expected), "{input}: {err}");
        }
        assert!(matches!(
            PaymentRequest::from_json(json!({"source": {"foo": "t"}, "amount": 1, "currency": "USD"})),
            Err(InvalidInput::SourceNotInferable(_))
        ));
    }

    #[test]
    fn unknown_currency_codes_are_sent_as_given() {
        let r = PaymentRequest::from_json(json!({"source": token(), "amount": 1, "currency": "xts"})).unwrap();
        assert_eq!(serde_json::to_value(&r).unwrap()["currency"], "XTS");
    }

    #[test]
    fn deserialize_reads_like_from_json() {
        let r: PaymentRequest =
            serde_json::from_value(json!({"source": token(), "amount": 1, "currency": "USD", "risk": false})).unwrap();
        assert_eq!(r.risk, Some(Risk::enabled(false)));
    }
}
