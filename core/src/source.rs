//! Payment sources, and inference of their `type` from untyped JSON.
//!
//! A source without a `type` is inferred exactly as the original SDK documents:
//!
//! | present in the source | inferred `type` |
//! |---|---|
//! | `number` | `card` |
//! | `email`, or an `id` starting `cus_` | `customer` |
//! | `token` | `token` |
//! | an `id` starting `src_` | `id` |
//! | anything else | error: [`InvalidInput::SourceNotInferable`] |
//!
//! An explicit `type` is always kept as given: known types are typed when their fields fit, and
//! every other type (alternative payment methods such as `ideal`) is sent as given, to be
//! validated by the API.
//!
//! ```
//! use checkout_sdk_core::source::PaymentSource;
//! use serde_json::json;
//!
//! let source = PaymentSource::infer(json!({"token": "tok_ubfj2q76miwundwlk72vxt2i7q"})).unwrap();
//! assert_eq!(source.source_type(), "token");
//! let ideal = PaymentSource::infer(json!({"type": "ideal", "bic": "INGBNL2A"})).unwrap();
//! assert_eq!(ideal.source_type(), "ideal");
//! assert!(PaymentSource::infer(json!({"id": "pay_nope"})).is_err());
//! ```

use alloc::borrow::ToOwned;
use alloc::string::{String, ToString};
use core::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::error::InvalidInput;
use crate::id::{CustomerId, SourceId};
use crate::redact::{mask_digit_runs, mask_pan, redacted_json_debug, Redacted, RedactedJson};

/// A card number (PAN). Serialised in full; shown by `Debug`/`Display` as its last four digits.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct CardNumber(String);

impl CardNumber {
    /// Wraps a card number: 12-19 digits, spaces and dashes removed.
    pub fn new(number: &str) -> Result<Self, InvalidInput> {
        let digits: String = number.chars().filter(|c| *c != ' ' && *c != '-').collect();
        if !(12..=19).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(InvalidInput::Source("a card number must be 12-19 digits".into()));
        }
        Ok(CardNumber(digits))
    }

    /// The last four digits.
    pub fn last4(&self) -> &str {
        &self.0[self.0.len().saturating_sub(4)..]
    }

    /// The full number. Handle with care: never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the number passes the Luhn check.
    pub fn passes_luhn(&self) -> bool {
        luhn(&self.0)
    }
}

/// Whether `digits` (ASCII digits only, non-empty) passes the Luhn check card numbers carry.
pub fn luhn(digits: &str) -> bool {
    let mut sum = 0u32;
    for (i, b) in digits.bytes().rev().enumerate() {
        if !b.is_ascii_digit() {
            return false;
        }
        let mut d = u32::from(b - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    !digits.is_empty() && sum % 10 == 0
}

impl fmt::Debug for CardNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CardNumber({:?})", mask_pan(&self.0))
    }
}

impl fmt::Display for CardNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&mask_pan(&self.0))
    }
}

impl<'de> Deserialize<'de> for CardNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = match Value::deserialize(d)? {
            Value::String(s) => s,
            Value::Number(n) => n.to_string(),
            _ => return Err(serde::de::Error::custom("a card number must be a string of digits")),
        };
        CardNumber::new(&text).map_err(serde::de::Error::custom)
    }
}

/// A card security code. Serialised in full; never shown by `Debug`/`Display`.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Cvv(String);

impl Cvv {
    /// Wraps a CVV: 3 or 4 digits.
    pub fn new(cvv: &str) -> Result<Self, InvalidInput> {
        if !(3..=4).contains(&cvv.len()) || !cvv.bytes().all(|b| b.is_ascii_digit()) {
            return Err(InvalidInput::Source("a cvv must be 3 or 4 digits".into()));
        }
        Ok(Cvv(cvv.to_owned()))
    }

    /// The code. Handle with care: never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Cvv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Cvv(\"***\")")
    }
}

impl fmt::Display for Cvv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl<'de> Deserialize<'de> for Cvv {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = match Value::deserialize(d)? {
            Value::String(s) => s,
            // Python callers pass `'cvv': 100` as often as `'100'`.
            Value::Number(n) => n.to_string(),
            _ => return Err(serde::de::Error::custom("a cvv must be a string of digits")),
        };
        Cvv::new(&text).map_err(serde::de::Error::custom)
    }
}

fn month<'de, D: Deserializer<'de>>(d: D) -> Result<u8, D::Error> {
    // The same rule as `CardSource::new`, however the card is built.
    let m: u8 = month_or_year(d)?;
    if (1..=12).contains(&m) {
        Ok(m)
    } else {
        Err(serde::de::Error::custom("expiry_month must be 1-12"))
    }
}

fn month_or_year<'de, D: Deserializer<'de>, T: TryFrom<u64>>(d: D) -> Result<T, D::Error> {
    let n = match Value::deserialize(d)? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    };
    n.and_then(|n| T::try_from(n).ok())
        .ok_or_else(|| serde::de::Error::custom("an expiry month or year must be a number"))
}

/// A billing or shipping address.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Address {
    /// First line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_line1: Option<String>,
    /// Second line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_line2: Option<String>,
    /// City.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// State or region.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Post code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zip: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

impl Address {
    /// An empty address, to fill in field by field.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the city.
    #[must_use]
    pub fn city(mut self, city: impl Into<String>) -> Self {
        self.city = Some(city.into());
        self
    }

    /// Sets the first line.
    #[must_use]
    pub fn line1(mut self, line: impl Into<String>) -> Self {
        self.address_line1 = Some(line.into());
        self
    }

    /// Sets the post code.
    #[must_use]
    pub fn zip(mut self, zip: impl Into<String>) -> Self {
        self.zip = Some(zip.into());
        self
    }

    /// Sets the country (ISO 3166-1 alpha-2).
    #[must_use]
    pub fn country(mut self, country: impl Into<String>) -> Self {
        self.country = Some(country.into());
        self
    }
}

/// A phone number.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Phone {
    /// International dialling code, e.g. `+44` (the API's examples also send a number).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::lenient::opt_string")]
    pub country_code: Option<String>,
    /// The number.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::lenient::opt_string")]
    pub number: Option<String>,
}

impl Phone {
    /// A phone number with its country code.
    pub fn new(country_code: impl Into<String>, number: impl Into<String>) -> Self {
        Phone { country_code: Some(country_code.into()), number: Some(number.into()) }
    }
}

/// Full card details (`type: card`). Requires PCI SAQ-D and enablement on your account.
///
/// `Debug` of this and every other source shows its JSON form redacted by value
/// ([`redact`](crate::redact)): the number keeps its last four digits, the CVV never shows.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CardSource {
    /// The card number.
    pub number: CardNumber,
    /// Expiry month, 1-12.
    #[serde(deserialize_with = "month")]
    pub expiry_month: u8,
    /// Four-digit expiry year.
    #[serde(deserialize_with = "month_or_year")]
    pub expiry_year: u16,
    /// The cardholder's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The security code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cvv: Option<Cvv>,
    /// Whether the card is stored on file (merchant-initiated payments).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stored: Option<bool>,
    /// The billing address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_address: Option<Address>,
    /// The cardholder's phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<Phone>,
    /// Fields the SDK does not model, sent as given.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl CardSource {
    /// A card with its number and expiry.
    pub fn new(number: &str, expiry_month: u8, expiry_year: u16) -> Result<Self, InvalidInput> {
        if !(1..=12).contains(&expiry_month) {
            return Err(InvalidInput::Source("expiry_month must be 1-12".into()));
        }
        Ok(CardSource {
            number: CardNumber::new(number)?,
            expiry_month,
            expiry_year,
            name: None,
            cvv: None,
            stored: None,
            billing_address: None,
            phone: None,
            extra: Map::new(),
        })
    }

    /// Sets the CVV.
    pub fn cvv(mut self, cvv: &str) -> Result<Self, InvalidInput> {
        self.cvv = Some(Cvv::new(cvv)?);
        Ok(self)
    }

    /// Sets the cardholder name.
    #[must_use]
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets the billing address.
    #[must_use]
    pub fn billing_address(mut self, address: Address) -> Self {
        self.billing_address = Some(address);
        self
    }

    /// Sets the phone.
    #[must_use]
    pub fn phone(mut self, phone: Phone) -> Self {
        self.phone = Some(phone);
        self
    }
}

redacted_json_debug!(Address, Phone, CardSource, TokenSource, IdSource, CustomerSource, NetworkTokenSource);

/// A card token from Frames or a mobile SDK (`type: token`): single use, valid 15 minutes.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TokenSource {
    /// The token, `tok_...`.
    pub token: String,
    /// The billing address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_address: Option<Address>,
    /// The cardholder's phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<Phone>,
    /// Fields the SDK does not model, sent as given.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl TokenSource {
    /// A token source.
    pub fn new(token: impl Into<String>) -> Self {
        TokenSource { token: token.into(), billing_address: None, phone: None, extra: Map::new() }
    }
}

/// A stored source (`type: id`, `src_...`) from an earlier payment.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct IdSource {
    /// The source id.
    pub id: SourceId,
    /// The CVV, when the customer re-entered it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cvv: Option<Cvv>,
    /// Fields the SDK does not model, sent as given.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl IdSource {
    /// A stored-source payment.
    pub fn new(id: SourceId) -> Self {
        IdSource { id, cvv: None, extra: Map::new() }
    }
}

/// An existing customer's default source (`type: customer`), by id or email.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CustomerSource {
    /// The customer id, `cus_...`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<CustomerId>,
    /// The customer's email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Fields the SDK does not model, sent as given.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl CustomerSource {
    /// A customer by id.
    pub fn id(id: CustomerId) -> Self {
        CustomerSource { id: Some(id), email: None, extra: Map::new() }
    }

    /// A customer by email.
    pub fn email(email: impl Into<String>) -> Self {
        CustomerSource { id: None, email: Some(email.into()), extra: Map::new() }
    }
}

/// A network token (`type: network_token`) with its cryptogram.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NetworkTokenSource {
    /// The network token (a PAN-like number).
    pub token: CardNumber,
    /// Expiry month, 1-12.
    #[serde(deserialize_with = "month")]
    pub expiry_month: u8,
    /// Four-digit expiry year.
    #[serde(deserialize_with = "month_or_year")]
    pub expiry_year: u16,
    /// `vts` (Visa) or `mdes` (Mastercard).
    pub token_type: String,
    /// The token cryptogram.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cryptogram: Option<String>,
    /// The ECI indicator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eci: Option<String>,
    /// The billing address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_address: Option<Address>,
    /// Fields the SDK does not model, sent as given.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Any other source type, sent as given: alternative payment methods (`ideal`, `sofort`,
/// `klarna`, ...), and known types whose fields the SDK could not type.
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub struct AlternativeSource {
    /// The `type`, e.g. `ideal`.
    pub source_type: String,
    /// Every other field, e.g. `bic` and `description` for iDEAL.
    pub fields: Map<String, Value>,
}

impl AlternativeSource {
    /// A source of `source_type` with no fields yet.
    pub fn new(source_type: impl Into<String>) -> Self {
        AlternativeSource { source_type: source_type.into(), fields: Map::new() }
    }

    /// Adds a field.
    #[must_use]
    pub fn field(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.fields.insert(name.into(), value.into());
        self
    }
}

impl fmt::Debug for AlternativeSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fields = Value::Object(self.fields.clone());
        let debug_fields = RedactedJson(&fields);
        f.debug_struct("AlternativeSource")
            .field("source_type", &Redacted(&self.source_type))
            .field("fields", &debug_fields)
            .finish()
    }
}

/// Where the money comes from.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum PaymentSource {
    /// Full card details.
    Card(CardSource),
    /// A Frames / mobile SDK token.
    Token(TokenSource),
    /// A stored source id.
    Id(IdSource),
    /// An existing customer's default source.
    Customer(CustomerSource),
    /// A network token.
    NetworkToken(NetworkTokenSource),
    /// An alternative payment method, or any other explicitly typed source.
    Alternative(AlternativeSource),
}

impl PaymentSource {
    /// The `type` sent to the API.
    pub fn source_type(&self) -> &str {
        match self {
            PaymentSource::Card(_) => "card",
            PaymentSource::Token(_) => "token",
            PaymentSource::Id(_) => "id",
            PaymentSource::Customer(_) => "customer",
            PaymentSource::NetworkToken(_) => "network_token",
            PaymentSource::Alternative(a) => &a.source_type,
        }
    }

    /// Infers a typed source from untyped JSON, following the original SDK's rules (see the
    /// [module docs](self)).
    pub fn infer(value: Value) -> Result<Self, InvalidInput> {
        let Value::Object(mut map) = value else {
            return Err(InvalidInput::Source("a payment source must be a JSON object".into()));
        };
        match map.remove("type") {
            Some(Value::String(t)) => Ok(Self::explicit(t, map)),
            Some(_) => Err(InvalidInput::Source("`type` must be a string".into())),
            None => Self::inferred(map),
        }
    }

    fn explicit(source_type: String, map: Map<String, Value>) -> Self {
        let typed = match source_type.as_str() {
            "card" => typed(&map).map(PaymentSource::Card),
            "token" => typed(&map).map(PaymentSource::Token),
            "id" => typed(&map).map(PaymentSource::Id),
            "customer" => typed(&map).map(PaymentSource::Customer),
            "network_token" => typed(&map).map(PaymentSource::NetworkToken),
            _ => Err(InvalidInput::Source(String::new())),
        };
        // "All type values are accepted in the SDK and validated at API level": a typed source
        // whose fields do not fit is still sent exactly as given.
        typed.unwrap_or(PaymentSource::Alternative(AlternativeSource { source_type, fields: map }))
    }

    fn inferred(map: Map<String, Value>) -> Result<Self, InvalidInput> {
        let id_prefix = |p: &str| map.get("id").and_then(Value::as_str).is_some_and(|id| id.starts_with(p));
        if map.contains_key("number") {
            typed(&map).map(PaymentSource::Card)
        } else if map.contains_key("email") || id_prefix(CustomerId::PREFIX) {
            typed(&map).map(PaymentSource::Customer)
        } else if map.contains_key("token") {
            typed(&map).map(PaymentSource::Token)
        } else if id_prefix(SourceId::PREFIX) {
            typed(&map).map(PaymentSource::Id)
        } else {
            Err(InvalidInput::SourceNotInferable(
                "no `type`, and none of `number`, `email`, `token`, or an `id` starting `cus_` or `src_`".into(),
            ))
        }
    }
}

fn typed<T: serde::de::DeserializeOwned>(map: &Map<String, Value>) -> Result<T, InvalidInput> {
    // Parser messages can quote values: mask digits so a PAN or CVV never reaches an error.
    T::deserialize(MapRef(map)).map_err(|e| InvalidInput::Source(mask_digit_runs(&e.to_string())))
}

/// Deserialises a struct from a borrowed map without cloning it into a `Value` first.
struct MapRef<'a>(&'a Map<String, Value>);

impl<'de> Deserializer<'de> for MapRef<'de> {
    type Error = serde_json::Error;

    fn deserialize_any<V: serde::de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        use serde::de::value::MapDeserializer;
        let iter = self.0.iter().map(|(k, v)| (k.as_str(), v));
        let mut de = MapDeserializer::new(iter);
        let value = visitor.visit_map(&mut de)?;
        de.end()?;
        Ok(value)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

impl Serialize for PaymentSource {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Tagged<'a, T: Serialize> {
            #[serde(rename = "type")]
            source_type: &'a str,
            #[serde(flatten)]
            inner: &'a T,
        }
        let source_type = self.source_type();
        match self {
            PaymentSource::Card(s) => Tagged { source_type, inner: s }.serialize(serializer),
            PaymentSource::Token(s) => Tagged { source_type, inner: s }.serialize(serializer),
            PaymentSource::Id(s) => Tagged { source_type, inner: s }.serialize(serializer),
            PaymentSource::Customer(s) => Tagged { source_type, inner: s }.serialize(serializer),
            PaymentSource::NetworkToken(s) => Tagged { source_type, inner: s }.serialize(serializer),
            PaymentSource::Alternative(s) => Tagged { source_type, inner: &s.fields }.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for PaymentSource {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        PaymentSource::infer(Value::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

macro_rules! source_from {
    ($($variant:ident($ty:ty)),*) => {
        $(impl From<$ty> for PaymentSource {
            fn from(s: $ty) -> Self {
                PaymentSource::$variant(s)
            }
        })*
    };
}
source_from!(
    Card(CardSource),
    Token(TokenSource),
    Id(IdSource),
    Customer(CustomerSource),
    NetworkToken(NetworkTokenSource),
    Alternative(AlternativeSource)
);

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;
    use serde_json::json;

    fn kind(v: Value) -> Result<String, InvalidInput> {
        PaymentSource::infer(v).map(|s| s.source_type().into())
    }

    #[test]
    fn inference_follows_the_seed_rules() {
        let cases: &[(Value, &str)] = &[
            (json!({"number": "4242424242424242", "expiry_month": 6, "expiry_year": 2030, "cvv": "100"}), "card"),
            (json!({"email": "user@checkout.com"}), "customer"),
            (json!({"id": "cus_udst2tfldj6upmye2reztkmm4i"}), "customer"),
            (
                json!({"token": "tok_ubfj2q76miwundwlk72vxt2i7q", "billing_address": {"city": "London"}, "phone": {"country_code": 1, "number": "415"}}),
                "token",
            ),
            (json!({"id": "src_nwd3m4in3hkuddfpjsaevunhdy", "cvv": "100"}), "id"),
            // `number` wins over everything else, `email` over `token`.
            (json!({"number": "4242424242424242", "expiry_month": 6, "expiry_year": 2030, "token": "tok_x"}), "card"),
            (json!({"email": "a@b.c", "token": "tok_x"}), "customer"),
            // Explicit types are kept as given.
            (json!({"type": "ideal", "bic": "INGBNL2A", "description": "test ideal description"}), "ideal"),
            (json!({"type": "card", "token": "tok_x"}), "card"),
            (json!({"type": "id", "id": "cus_x"}), "id"),
            (json!({"type": "klarna"}), "klarna"),
        ];
        for (input, expected) in cases {
            assert_eq!(kind(input.clone()).unwrap_or_else(|e| panic!("{input}: {e}")), *expected, "{input}");
        }
    }

    #[test]
    fn uninferable_sources_are_a_typed_error() {
        for input in [json!({}), json!({"id": "pay_x"}), json!({"id": 5}), json!({"bic": "INGBNL2A"})] {
            assert!(matches!(PaymentSource::infer(input.clone()), Err(InvalidInput::SourceNotInferable(_))), "{input}");
        }
        for input in [json!("card"), json!(null), json!({"type": 1})] {
            assert!(matches!(PaymentSource::infer(input.clone()), Err(InvalidInput::Source(_))), "{input}");
        }
    }

    #[test]
    fn inferred_cards_with_bad_fields_fail_without_echoing_card_data() {
        let err = PaymentSource::infer(
            json!({"number": "4242424242424242", "expiry_month": "June", "expiry_year": 2030, "cvv": "100"}),
        )
        .unwrap_err();
        let text = format!("{err} {err:?}");
        assert!(matches!(err, InvalidInput::Source(_)));
        assert!(!text.contains("4242424242424242") && !text.contains("100"), "{text}");
    }

    #[test]
    fn explicit_types_round_trip_with_type_first_and_fields_kept() {
        let input = json!({"type": "ideal", "bic": "INGBNL2A", "description": "test ideal description"});
        let source = PaymentSource::infer(input.clone()).unwrap();
        assert_eq!(serde_json::to_value(&source).unwrap(), input);
        let text = serde_json::to_string(&source).unwrap();
        assert!(text.starts_with("{\"type\":\"ideal\""), "{text}");
    }

    #[test]
    fn cards_serialise_in_full_but_debug_shows_last_four() {
        let card = CardSource::new("4242 4242 4242 4242", 6, 2030).unwrap().cvv("100").unwrap();
        let source = PaymentSource::from(card);
        let body = serde_json::to_value(&source).unwrap();
        assert_eq!(
            body,
            json!({"type": "card", "number": "4242424242424242", "expiry_month": 6, "expiry_year": 2030, "cvv": "100"})
        );
        let debug = format!("{source:?}");
        assert!(!debug.contains("4242424242424242") && !debug.contains("100"), "{debug}");
        assert!(debug.contains("4242"));
        let raw = PaymentSource::infer(json!({"type": "card", "number": "4242424242424242", "cvv": "100"})).unwrap();
        let debug = format!("{raw:?}");
        assert!(!debug.contains("4242424242424242") && !debug.contains("\"100\""), "{debug}");
    }

    #[test]
    fn luhn_and_lengths_are_checked() {
        assert!(CardNumber::new("4242424242424242").unwrap().passes_luhn());
        assert!(!CardNumber::new("4242424242424241").unwrap().passes_luhn());
        assert!(CardNumber::new("4242").is_err());
        assert!(CardNumber::new("4242abcd42424242").is_err());
        assert!(CardSource::new("4242424242424242", 13, 2030).is_err());
        assert!(Cvv::new("12").is_err() && Cvv::new("12345").is_err() && Cvv::new("1051").is_ok());
    }
}
