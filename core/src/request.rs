//! The payment request and its builder.
//!
//! ```
//! use checkout_sdk_core::currency::Currency;
//! use checkout_sdk_core::request::{PaymentRequest, ThreeDs};
//! use checkout_sdk_core::source::PaymentSource;
//! use serde_json::json;
//!
//! let source = PaymentSource::infer(json!({"token": "tok_ubfj2q76miwundwlk72vxt2i7q"})).unwrap();
//! let request = PaymentRequest::builder(source, 100, Currency::USD)
//!     .reference("pay_ref")
//!     .three_ds(true) // shortcut for {"enabled": true}
//!     .build()
//!     .unwrap();
//! let body = serde_json::to_value(&request).unwrap();
//! assert_eq!(body["3ds"], json!({"enabled": true}));
//! assert_eq!(body["currency"], "USD");
//! ```

use alloc::format;
use alloc::string::String;
use core::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::currency::Currency;
use crate::error::InvalidInput;
use crate::id::{CustomerId, IdempotencyKey};
use crate::redact::{debug_as_json, redacted_json_debug};
use crate::source::{Address, PaymentSource, Phone};

/// How the payment was initiated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum PaymentType {
    /// A one-off, customer-initiated payment (the API's default).
    Regular,
    /// A recurring, merchant-initiated payment.
    Recurring,
    /// Mail order / telephone order.
    #[serde(rename = "MOTO")]
    Moto,
    /// One instalment of a series.
    Installment,
    /// A merchant-initiated payment on an unscheduled basis.
    Unscheduled,
}

/// 3-D Secure options, serialised as `"3ds"`. `true` converts to `{"enabled": true}`.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ThreeDs {
    /// Whether to attempt 3-D Secure.
    pub enabled: bool,
    /// Fall back to a non-3DS payment when the card is not enrolled or 3DS fails.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempt_n3d: Option<bool>,
    /// ECI of a third-party authentication.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eci: Option<String>,
    /// Cryptogram of a third-party authentication.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cryptogram: Option<String>,
    /// XID of a third-party 3DS 1 authentication.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub xid: Option<String>,
    /// 3DS version, e.g. `2.1.0`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Requested exemption, e.g. `low_value`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exemption: Option<String>,
    /// Challenge preference, e.g. `no_preference`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub challenge_indicator: Option<String>,
    /// Fields the SDK does not model, sent as given.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ThreeDs {
    /// `{"enabled": true}`.
    pub fn enabled() -> Self {
        ThreeDs { enabled: true, ..Self::default() }
    }

    /// `{"enabled": true, "attempt_n3d": true}`: downgrade to non-3DS when 3DS is unavailable.
    pub fn with_n3d_fallback() -> Self {
        ThreeDs { enabled: true, attempt_n3d: Some(true), ..Self::default() }
    }
}

impl From<bool> for ThreeDs {
    fn from(enabled: bool) -> Self {
        ThreeDs { enabled, ..Self::default() }
    }
}

/// The customer, for new customers or to attach an existing one.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Customer {
    /// An existing customer's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<CustomerId>,
    /// Email (creates or matches a customer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl Customer {
    /// A customer by email.
    pub fn email(email: impl Into<String>) -> Self {
        Customer { email: Some(email.into()), ..Self::default() }
    }

    /// An existing customer by id.
    pub fn id(id: CustomerId) -> Self {
        Customer { id: Some(id), ..Self::default() }
    }

    /// Sets the name.
    #[must_use]
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }
}

/// Where goods are shipped.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Shipping {
    /// The address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    /// The recipient's phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<Phone>,
}

impl Shipping {
    /// Shipping to `address`.
    pub fn to(address: Address) -> Self {
        Shipping { address: Some(address), phone: None }
    }
}

/// Risk assessment options.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Risk {
    /// Whether to run the risk engine (default on at the API).
    pub enabled: bool,
    /// Device session id from the Risk.js device fingerprint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_session_id: Option<String>,
}

impl Risk {
    /// Risk assessment on or off.
    pub fn enabled(enabled: bool) -> Self {
        Risk { enabled, device_session_id: None }
    }
}

/// `POST /payments`: request a payment. Build one with [`PaymentRequest::builder`] or, from the
/// original SDK's untyped shape, with [`PaymentRequest::from_json`].
///
/// `Debug` of this and every other request model shows its JSON form redacted by value
/// ([`redact`](crate::redact)): card numbers, CVVs and keys never show, wherever they were put.
#[derive(Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct PaymentRequest {
    /// Where the money comes from.
    pub source: PaymentSource,
    /// Amount in minor units (cents).
    pub amount: u64,
    /// Currency.
    pub currency: Currency,
    /// How the payment was initiated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_type: Option<PaymentType>,
    /// Your reference (e.g. an order number), at most 50 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// A description, at most 100 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether to capture automatically (the API defaults to `true`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capture: Option<bool>,
    /// When to capture (ISO 8601), if capturing automatically.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capture_on: Option<String>,
    /// The customer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer: Option<Customer>,
    /// Shipping details.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping: Option<Shipping>,
    /// 3-D Secure options, sent as `"3ds"`.
    #[serde(rename = "3ds", skip_serializing_if = "Option::is_none")]
    pub three_ds: Option<ThreeDs>,
    /// The earlier payment of a recurring series.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_payment_id: Option<String>,
    /// Risk options.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risk: Option<Risk>,
    /// Where to send the customer after a successful redirect (3DS, APMs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub success_url: Option<String>,
    /// Where to send the customer after a failed redirect.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_url: Option<String>,
    /// The customer's IP address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_ip: Option<String>,
    /// The processing channel (required for some accounts).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub processing_channel_id: Option<String>,
    /// Your own key-value data, returned on the payment and its webhooks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Map<String, Value>>,
    /// Fields the SDK does not model, merged into the body as given.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
    /// The `Cko-Idempotency-Key` to send; the client generates one when retries are on.
    #[serde(skip)]
    pub idempotency_key: Option<IdempotencyKey>,
}

/// The body fields the SDK models; `extra` may not repeat them.
const MODELLED_FIELDS: &[&str] = &[
    "source",
    "amount",
    "currency",
    "payment_type",
    "reference",
    "description",
    "capture",
    "capture_on",
    "customer",
    "shipping",
    "3ds",
    "previous_payment_id",
    "risk",
    "success_url",
    "failure_url",
    "payment_ip",
    "processing_channel_id",
    "metadata",
];

impl PaymentRequest {
    /// Starts a request for `amount` minor units of `currency` from `source`.
    pub fn builder(source: impl Into<PaymentSource>, amount: u64, currency: Currency) -> PaymentRequestBuilder {
        PaymentRequestBuilder {
            request: PaymentRequest {
                source: source.into(),
                amount,
                currency,
                payment_type: None,
                reference: None,
                description: None,
                capture: None,
                capture_on: None,
                customer: None,
                shipping: None,
                three_ds: None,
                previous_payment_id: None,
                risk: None,
                success_url: None,
                failure_url: None,
                payment_ip: None,
                processing_channel_id: None,
                metadata: None,
                extra: Map::new(),
                idempotency_key: None,
            },
        }
    }

    /// Builds a request from the original SDK's untyped shape: `source` (type inferred),
    /// `amount`, `currency` (any case), `threeds` (or `3ds`: a bool or an object), and any
    /// other fields, modelled or not.
    ///
    /// ```
    /// use checkout_sdk_core::request::PaymentRequest;
    /// use serde_json::json;
    ///
    /// let request = PaymentRequest::from_json(json!({
    ///     "source": {"id": "src_nwd3m4in3hkuddfpjsaevunhdy", "cvv": "100"},
    ///     "amount": 100,
    ///     "currency": "usd",
    ///     "reference": "pay_ref",
    ///     "threeds": {"enabled": true, "attempt_n3d": true},
    /// })).unwrap();
    /// assert_eq!(request.source.source_type(), "id");
    /// assert_eq!(request.three_ds.unwrap().attempt_n3d, Some(true));
    /// ```
    pub fn from_json(value: Value) -> Result<Self, InvalidInput> {
        let Value::Object(mut map) = value else {
            return Err(InvalidInput::Request("a payment request must be a JSON object".into()));
        };
        let source = PaymentSource::infer(
            map.remove("source").ok_or_else(|| InvalidInput::Request("`source` is required".into()))?,
        )?;
        let amount = match map.remove("amount") {
            Some(Value::Number(n)) => n.as_u64().ok_or_else(|| {
                InvalidInput::Request("`amount` must be a non-negative integer in minor units".into())
            })?,
            Some(_) => {
                return Err(InvalidInput::Request("`amount` must be a non-negative integer in minor units".into()))
            }
            None => return Err(InvalidInput::Request("`amount` is required".into())),
        };
        let currency = match map.remove("currency") {
            Some(Value::String(c)) => Currency::parse(&c)?,
            _ => return Err(InvalidInput::Request("`currency` is required, as a string such as \"USD\"".into())),
        };
        let mut builder = PaymentRequest::builder(source, amount, currency);
        for key in ["threeds", "3ds"] {
            match map.remove(key) {
                None | Some(Value::Null) => {}
                Some(Value::Bool(b)) => builder = builder.three_ds(b),
                Some(v @ Value::Object(_)) => builder = builder.three_ds(field::<ThreeDs>(key, v)?),
                Some(_) => return Err(InvalidInput::Request(format!("`{key}` must be a bool or an object"))),
            }
        }
        let r = &mut builder.request;
        macro_rules! take {
            ($($name:ident),*) => {$(
                if let Some(v) = map.remove(stringify!($name)) {
                    r.$name = Some(field(stringify!($name), v)?);
                }
            )*};
        }
        take!(payment_type, reference, description, capture, capture_on, customer, shipping, previous_payment_id, risk);
        take!(success_url, failure_url, payment_ip, processing_channel_id, metadata);
        r.extra = map;
        builder.build()
    }
}

fn field<T: serde::de::DeserializeOwned>(name: &str, value: Value) -> Result<T, InvalidInput> {
    serde_json::from_value(value).map_err(|e| InvalidInput::Request(format!("`{name}`: {e}")))
}

/// Builds a [`PaymentRequest`]; [`build`](Self::build) checks it.
#[derive(Debug, Clone)]
#[must_use]
pub struct PaymentRequestBuilder {
    request: PaymentRequest,
}

macro_rules! setters {
    ($($(#[$doc:meta])* $name:ident: $ty:ty),* $(,)?) => {$(
        $(#[$doc])*
        pub fn $name(mut self, value: impl Into<$ty>) -> Self {
            self.request.$name = Some(value.into());
            self
        }
    )*};
}

impl PaymentRequestBuilder {
    setters! {
        /// Your reference, at most 50 characters.
        reference: String,
        /// A description, at most 100 characters.
        description: String,
        /// How the payment was initiated.
        payment_type: PaymentType,
        /// Whether to capture automatically.
        capture: bool,
        /// When to capture (ISO 8601).
        capture_on: String,
        /// The customer.
        customer: Customer,
        /// Shipping details.
        shipping: Shipping,
        /// 3-D Secure: `true`, or a full [`ThreeDs`].
        three_ds: ThreeDs,
        /// The earlier payment of a recurring series.
        previous_payment_id: String,
        /// Risk options.
        risk: Risk,
        /// Redirect target after success.
        success_url: String,
        /// Redirect target after failure.
        failure_url: String,
        /// The customer's IP address.
        payment_ip: String,
        /// The processing channel.
        processing_channel_id: String,
        /// The `Cko-Idempotency-Key` for this payment (see [`IdempotencyKey`]).
        idempotency_key: IdempotencyKey,
    }

    /// Adds a metadata entry.
    pub fn metadata(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.request.metadata.get_or_insert_with(Map::new).insert(key.into(), value.into());
        self
    }

    /// Adds a body field the SDK does not model (it must not repeat a modelled one).
    pub fn extra(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.request.extra.insert(key.into(), value.into());
        self
    }

    /// Checks the request: field lengths, and `extra` fields that would repeat modelled ones.
    pub fn build(self) -> Result<PaymentRequest, InvalidInput> {
        let r = self.request;
        check_len("reference", r.reference.as_deref(), 50)?;
        check_len("description", r.description.as_deref(), 100)?;
        if let Some(key) = r.extra.keys().find(|k| MODELLED_FIELDS.contains(&k.as_str()) || k.as_str() == "threeds") {
            return Err(InvalidInput::Request(format!(
                "`{key}` is a modelled field: set it with its own method, not as extra"
            )));
        }
        Ok(r)
    }
}

fn check_len(name: &str, value: Option<&str>, max: usize) -> Result<(), InvalidInput> {
    match value {
        Some(v) if v.chars().count() > max => {
            Err(InvalidInput::Request(format!("`{name}` is longer than {max} characters")))
        }
        _ => Ok(()),
    }
}

/// Capture, refund and void requests share this shape: an optional amount (in minor units;
/// absent means "all that remains"), a reference and metadata.
#[derive(Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ActionRequest {
    /// Amount in minor units; `None` for the full remaining amount.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<u64>,
    /// Your reference for this action.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Your own key-value data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Map<String, Value>>,
    /// The `Cko-Idempotency-Key` for this action.
    #[serde(skip)]
    pub idempotency_key: Option<IdempotencyKey>,
}

impl ActionRequest {
    /// The full remaining amount, no reference.
    pub fn full() -> Self {
        Self::default()
    }

    /// A partial amount, in minor units.
    pub fn amount(amount: u64) -> Self {
        ActionRequest { amount: Some(amount), ..Self::default() }
    }

    /// Sets the reference.
    #[must_use]
    pub fn reference(mut self, reference: impl Into<String>) -> Self {
        self.reference = Some(reference.into());
        self
    }

    /// Adds a metadata entry.
    #[must_use]
    pub fn metadata(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.metadata.get_or_insert_with(Map::new).insert(key.into(), value.into());
        self
    }

    /// Sets the `Cko-Idempotency-Key`.
    #[must_use]
    pub fn idempotency_key(mut self, key: IdempotencyKey) -> Self {
        self.idempotency_key = Some(key);
        self
    }
}

/// `POST /payments/{id}/captures`.
pub type CaptureRequest = ActionRequest;
/// `POST /payments/{id}/refunds`.
pub type RefundRequest = ActionRequest;

/// `POST /payments/{id}/voids`: a reference and metadata, no amount.
#[derive(Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct VoidRequest {
    /// Your reference for the void.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Your own key-value data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Map<String, Value>>,
    /// The `Cko-Idempotency-Key` for this void.
    #[serde(skip)]
    pub idempotency_key: Option<IdempotencyKey>,
}

impl VoidRequest {
    /// A void with no reference.
    pub fn new() -> Self {
        Self::default()
    }

    /// A void with a reference.
    pub fn reference(reference: impl Into<String>) -> Self {
        VoidRequest { reference: Some(reference.into()), ..Self::default() }
    }

    /// Sets the `Cko-Idempotency-Key`.
    #[must_use]
    pub fn idempotency_key(mut self, key: IdempotencyKey) -> Self {
        self.idempotency_key = Some(key);
        self
    }
}

redacted_json_debug!(ThreeDs, Customer, Shipping, Risk);

impl fmt::Debug for PaymentRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_as_json(f, "PaymentRequest", self, &[("idempotency_key", &self.idempotency_key)])
    }
}

impl fmt::Debug for ActionRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_as_json(f, "ActionRequest", self, &[("idempotency_key", &self.idempotency_key)])
    }
}

impl fmt::Debug for VoidRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_as_json(f, "VoidRequest", self, &[("idempotency_key", &self.idempotency_key)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{CardSource, TokenSource};
    use serde_json::json;

    fn card() -> PaymentSource {
        CardSource::new("4242424242424242", 6, 2030).unwrap().cvv("100").unwrap().into()
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
            .capture(false)
            .customer(Customer::email("jokershere@gmail.com").name("Jack Napier"))
            .shipping(Shipping::to(Address::new().city("London").country("GB")))
            .risk(Risk::enabled(true))
            .success_url("https://example.com/ok")
            .failure_url("https://example.com/fail")
            .payment_ip("90.197.169.245")
            .processing_channel_id("pc_x")
            .metadata("udf1", "x")
            .extra("billing_descriptor", json!({"name": "SUPERHEROES.COM"}))
            .build()
            .unwrap();
        assert_eq!(
            serde_json::to_value(&r).unwrap(),
            json!({
                "source": {"type": "token", "token": "tok_x"},
                "amount": 6540, "currency": "GBP", "payment_type": "MOTO",
                "reference": "ORD-5023-4E89", "description": "Set of 3 masks", "capture": false,
                "customer": {"email": "jokershere@gmail.com", "name": "Jack Napier"},
                "shipping": {"address": {"city": "London", "country": "GB"}},
                "risk": {"enabled": true},
                "success_url": "https://example.com/ok", "failure_url": "https://example.com/fail",
                "payment_ip": "90.197.169.245", "processing_channel_id": "pc_x",
                "metadata": {"udf1": "x"},
                "billing_descriptor": {"name": "SUPERHEROES.COM"},
            })
        );
    }

    #[test]
    fn build_refuses_bad_lengths_and_colliding_extras() {
        assert!(PaymentRequest::builder(card(), 1, Currency::USD).reference("x".repeat(51)).build().is_err());
        assert!(PaymentRequest::builder(card(), 1, Currency::USD).extra("amount", 5).build().is_err());
        assert!(PaymentRequest::builder(card(), 1, Currency::USD).extra("3ds", true).build().is_err());
    }

    #[test]
    fn from_json_accepts_the_original_sdk_shape() {
        let r = PaymentRequest::from_json(json!({
            "source": {"number": "4242424242424242", "expiry_month": 6, "expiry_year": 2030, "cvv": "100"},
            "amount": 100, "currency": "usd", "reference": "pay_ref", "threeds": true,
            "capture_on": "2030-01-01T00:00:00Z", "custom_field": [1, 2],
        }))
        .unwrap();
        assert_eq!(r.currency, Currency::USD);
        assert_eq!(r.three_ds, Some(ThreeDs::enabled()));
        assert_eq!(r.extra.get("custom_field"), Some(&json!([1, 2])));
        for bad in [
            json!({"amount": 1, "currency": "USD"}),
            json!({"source": {"token": "t"}, "amount": -1, "currency": "USD"}),
            json!({"source": {"token": "t"}, "amount": 1.5, "currency": "USD"}),
            json!({"source": {"token": "t"}, "amount": 1, "currency": "XXX"}),
            json!({"source": {"token": "t"}, "amount": 1}),
            json!({"source": {"token": "t"}, "amount": 1, "currency": "USD", "threeds": "yes"}),
            json!({"source": {"foo": "t"}, "amount": 1, "currency": "USD"}),
            json!([1]),
        ] {
            assert!(PaymentRequest::from_json(bad.clone()).is_err(), "{bad}");
        }
    }

    #[test]
    fn action_requests_serialise_only_what_is_set() {
        assert_eq!(serde_json::to_value(ActionRequest::full()).unwrap(), json!({}));
        assert_eq!(
            serde_json::to_value(ActionRequest::amount(100).reference("CAPTURE").metadata("k", 1)).unwrap(),
            json!({"amount": 100, "reference": "CAPTURE", "metadata": {"k": 1}})
        );
        assert_eq!(serde_json::to_value(VoidRequest::reference("VOID")).unwrap(), json!({"reference": "VOID"}));
    }
}
