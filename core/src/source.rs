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
use alloc::format;
use alloc::string::{String, ToString};
use core::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::error::InvalidInput;
use crate::id::{CustomerId, SourceId};
use crate::redact::{mask_pan, redacted_json_debug, Redacted, RedactedJson};
use crate::request::field::{extra_setter, open_model, setters, FieldError, FieldProblem, Fields, FromJson};

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

/// An expiry month or year: a number, or a numeric string (Python callers send both).
fn expiry<T: TryFrom<u64>>(
    f: &mut Fields,
    key: &str,
    expected: &'static str,
    valid: impl Fn(&T) -> bool,
) -> Result<Option<T>, FieldError> {
    let n = match f.take(key) {
        None => return Ok(None),
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        Some(_) => None,
    };
    n.and_then(|n| T::try_from(n).ok())
        .filter(valid)
        .map(Some)
        .ok_or_else(|| FieldError::new(f.path(key), FieldProblem::Expected(expected)))
}

/// Digits as a string or a number, checked by `parse` (card numbers, CVVs).
fn digits<T>(
    f: &mut Fields,
    key: &str,
    expected: &'static str,
    parse: impl Fn(&str) -> Result<T, InvalidInput>,
) -> Result<Option<T>, FieldError> {
    let text = match f.take(key) {
        None => return Ok(None),
        Some(Value::String(s)) => Some(s),
        // Python callers pass `'cvv': 100` as often as `'100'`.
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(_) => None,
    };
    text.and_then(|t| parse(&t).ok())
        .map(Some)
        .ok_or_else(|| FieldError::new(f.path(key), FieldProblem::Expected(expected)))
}

/// `value`, or a "required" error for `key`.
fn required<T>(f: &Fields, key: &str, value: Option<T>) -> Result<T, FieldError> {
    value.ok_or_else(|| FieldError::new(f.path(key), FieldProblem::Missing))
}

const MONTH: &str = "a month, 1-12";
const YEAR: &str = "a four-digit year";
const CARD_NUMBER: &str = "a card number of 12-19 digits";

/// A billing or shipping address. Fields the SDK does not model are kept in `extra` and sent.
///
/// ```
/// use checkout_sdk_core::source::Address;
/// use serde_json::json;
///
/// let address = Address::new()
///     .address_line1("Checkout.com")
///     .address_line2("90 Tottenham Court Road")
///     .city("London")
///     .zip("W1T 4TJ")
///     .country("GB")
///     .extra("address_line3", "Floor 2");
/// assert_eq!(serde_json::to_value(&address).unwrap()["address_line3"], json!("Floor 2"));
/// ```
#[derive(Clone, Default, PartialEq, Eq, Serialize)]
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
    /// Fields the SDK does not model, sent as given.
    #[serde(flatten, serialize_with = "Address::serialize_extra")]
    pub extra: Map<String, Value>,
}

open_model!(Address { "address_line1", "address_line2", "city", "state", "zip", "country" });

impl FromJson for Address {
    fn from_fields(mut f: Fields) -> Result<Self, FieldError> {
        Ok(Address {
            address_line1: f.string("address_line1")?,
            address_line2: f.string("address_line2")?,
            city: f.string("city")?,
            state: f.string("state")?,
            zip: f.string("zip")?,
            country: f.string("country")?,
            extra: f.rest(),
        })
    }
}

impl Address {
    /// An empty address, to fill in field by field.
    pub fn new() -> Self {
        Self::default()
    }

    setters! {
        /// Sets the first line.
        address_line1: String,
        /// Sets the second line.
        address_line2: String,
        /// Sets the city.
        city: String,
        /// Sets the state or region.
        state: String,
        /// Sets the post code.
        zip: String,
        /// Sets the country (ISO 3166-1 alpha-2).
        country: String,
    }

    extra_setter!();
}

/// A phone number. Fields the SDK does not model are kept in `extra` and sent.
#[derive(Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Phone {
    /// International dialling code, e.g. `+44` (the API's examples also send a number, which is
    /// read as its decimal text).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
    /// The number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// Fields the SDK does not model, sent as given.
    #[serde(flatten, serialize_with = "Phone::serialize_extra")]
    pub extra: Map<String, Value>,
}

open_model!(Phone { "country_code", "number" });

impl FromJson for Phone {
    fn from_fields(mut f: Fields) -> Result<Self, FieldError> {
        Ok(Phone {
            country_code: f.digits_or_string("country_code")?,
            number: f.digits_or_string("number")?,
            extra: f.rest(),
        })
    }
}

impl Phone {
    /// A phone number with its country code.
    pub fn new(country_code: impl Into<String>, number: impl Into<String>) -> Self {
        Phone { country_code: Some(country_code.into()), number: Some(number.into()), extra: Map::new() }
    }

    extra_setter!();
}

/// Full card details (`type: card`). Requires PCI SAQ-D and enablement on your account.
///
/// `Debug` of this and every other source shows its JSON form redacted by value
/// ([`redact`](crate::redact)): the number keeps its last four digits, the CVV never shows.
#[derive(Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CardSource {
    /// The card number.
    pub number: CardNumber,
    /// Expiry month, 1-12.
    pub expiry_month: u8,
    /// Four-digit expiry year.
    pub expiry_year: u16,
    /// The cardholder's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The security code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cvv: Option<Cvv>,
    /// Whether the card is stored on file (merchant-initiated payments).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stored: Option<bool>,
    /// The billing address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billing_address: Option<Address>,
    /// The cardholder's phone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<Phone>,
    /// Fields the SDK does not model (`store_for_future_use`, `account_holder`, ...), sent as given.
    #[serde(flatten, serialize_with = "CardSource::serialize_extra")]
    pub extra: Map<String, Value>,
}

open_model!(CardSource {
    "type",
    "number",
    "expiry_month",
    "expiry_year",
    "name",
    "cvv",
    "stored",
    "billing_address",
    "phone",
});

impl FromJson for CardSource {
    fn from_fields(mut f: Fields) -> Result<Self, FieldError> {
        f.take("type");
        let number = digits(&mut f, "number", CARD_NUMBER, CardNumber::new)?;
        let expiry_month = expiry(&mut f, "expiry_month", MONTH, |m: &u8| (1..=12).contains(m))?;
        let expiry_year = expiry(&mut f, "expiry_year", YEAR, |_: &u16| true)?;
        Ok(CardSource {
            number: required(&f, "number", number)?,
            expiry_month: required(&f, "expiry_month", expiry_month)?,
            expiry_year: required(&f, "expiry_year", expiry_year)?,
            name: f.string("name")?,
            cvv: digits(&mut f, "cvv", "a cvv of 3 or 4 digits", Cvv::new)?,
            stored: f.boolean("stored")?,
            billing_address: f.model("billing_address")?,
            phone: f.model("phone")?,
            extra: f.rest(),
        })
    }
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
#[derive(Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct TokenSource {
    /// The token, `tok_...`.
    pub token: String,
    /// The billing address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billing_address: Option<Address>,
    /// The cardholder's phone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<Phone>,
    /// Fields the SDK does not model, sent as given.
    #[serde(flatten, serialize_with = "TokenSource::serialize_extra")]
    pub extra: Map<String, Value>,
}

open_model!(TokenSource { "type", "token", "billing_address", "phone" });

impl FromJson for TokenSource {
    fn from_fields(mut f: Fields) -> Result<Self, FieldError> {
        f.take("type");
        let token = f.string("token")?;
        Ok(TokenSource {
            token: required(&f, "token", token)?,
            billing_address: f.model("billing_address")?,
            phone: f.model("phone")?,
            extra: f.rest(),
        })
    }
}

impl TokenSource {
    /// A token source.
    pub fn new(token: impl Into<String>) -> Self {
        TokenSource { token: token.into(), billing_address: None, phone: None, extra: Map::new() }
    }

    setters! {
        /// Sets the billing address.
        billing_address: Address,
        /// Sets the cardholder's phone.
        phone: Phone,
    }
}

/// A stored source (`type: id`, `src_...`) from an earlier payment.
#[derive(Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct IdSource {
    /// The source id.
    pub id: SourceId,
    /// The CVV, when the customer re-entered it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cvv: Option<Cvv>,
    /// Fields the SDK does not model, sent as given.
    #[serde(flatten, serialize_with = "IdSource::serialize_extra")]
    pub extra: Map<String, Value>,
}

open_model!(IdSource { "type", "id", "cvv" });

impl FromJson for IdSource {
    fn from_fields(mut f: Fields) -> Result<Self, FieldError> {
        f.take("type");
        let id = f.parsed("id", "a source id (`src_...`)", |s| SourceId::new(s).ok())?;
        Ok(IdSource {
            id: required(&f, "id", id)?,
            cvv: digits(&mut f, "cvv", "a cvv of 3 or 4 digits", Cvv::new)?,
            extra: f.rest(),
        })
    }
}

impl IdSource {
    /// A stored-source payment.
    pub fn new(id: SourceId) -> Self {
        IdSource { id, cvv: None, extra: Map::new() }
    }

    /// Sets the CVV the customer re-entered (as for a card, 3 or 4 digits).
    ///
    /// ```
    /// use checkout_sdk_core::source::IdSource;
    ///
    /// let source = IdSource::new("src_wmlfc3zyhqzehihu7giusaaawu".parse()?).cvv("100")?;
    /// assert_eq!(serde_json::to_value(&source)?["cvv"], "100");
    /// assert!(IdSource::new("src_wmlfc3zyhqzehihu7giusaaawu".parse()?).cvv("1o0").is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn cvv(mut self, cvv: &str) -> Result<Self, InvalidInput> {
        self.cvv = Some(Cvv::new(cvv)?);
        Ok(self)
    }
}

/// An existing customer's default source (`type: customer`), by id or email.
#[derive(Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CustomerSource {
    /// The customer id, `cus_...`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<CustomerId>,
    /// The customer's email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Fields the SDK does not model, sent as given.
    #[serde(flatten, serialize_with = "CustomerSource::serialize_extra")]
    pub extra: Map<String, Value>,
}

open_model!(CustomerSource { "type", "id", "email" });

impl FromJson for CustomerSource {
    fn from_fields(mut f: Fields) -> Result<Self, FieldError> {
        f.take("type");
        Ok(CustomerSource {
            id: f.parsed("id", "a customer id (`cus_...`)", |s| CustomerId::new(s).ok())?,
            email: f.string("email")?,
            extra: f.rest(),
        })
    }
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
#[derive(Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct NetworkTokenSource {
    /// The network token (a PAN-like number).
    pub token: CardNumber,
    /// Expiry month, 1-12.
    pub expiry_month: u8,
    /// Four-digit expiry year.
    pub expiry_year: u16,
    /// `vts` (Visa) or `mdes` (Mastercard).
    pub token_type: String,
    /// The token cryptogram.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cryptogram: Option<String>,
    /// The ECI indicator.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eci: Option<String>,
    /// The billing address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billing_address: Option<Address>,
    /// Fields the SDK does not model, sent as given.
    #[serde(flatten, serialize_with = "NetworkTokenSource::serialize_extra")]
    pub extra: Map<String, Value>,
}

open_model!(NetworkTokenSource {
    "type",
    "token",
    "expiry_month",
    "expiry_year",
    "token_type",
    "cryptogram",
    "eci",
    "billing_address",
});

impl FromJson for NetworkTokenSource {
    fn from_fields(mut f: Fields) -> Result<Self, FieldError> {
        f.take("type");
        let token = digits(&mut f, "token", CARD_NUMBER, CardNumber::new)?;
        let expiry_month = expiry(&mut f, "expiry_month", MONTH, |m: &u8| (1..=12).contains(m))?;
        let expiry_year = expiry(&mut f, "expiry_year", YEAR, |_: &u16| true)?;
        let token_type = f.string("token_type")?;
        Ok(NetworkTokenSource {
            token: required(&f, "token", token)?,
            expiry_month: required(&f, "expiry_month", expiry_month)?,
            expiry_year: required(&f, "expiry_year", expiry_year)?,
            token_type: required(&f, "token_type", token_type)?,
            cryptogram: f.string("cryptogram")?,
            eci: f.string("eci")?,
            billing_address: f.model("billing_address")?,
            extra: f.rest(),
        })
    }
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
            "card" => typed(map.clone()).map(PaymentSource::Card),
            "token" => typed(map.clone()).map(PaymentSource::Token),
            "id" => typed(map.clone()).map(PaymentSource::Id),
            "customer" => typed(map.clone()).map(PaymentSource::Customer),
            "network_token" => typed(map.clone()).map(PaymentSource::NetworkToken),
            _ => Err(InvalidInput::Source(String::new())),
        };
        // "All type values are accepted in the SDK and validated at API level": a typed source
        // whose fields do not fit is still sent exactly as given.
        typed.unwrap_or(PaymentSource::Alternative(AlternativeSource { source_type, fields: map }))
    }

    fn inferred(map: Map<String, Value>) -> Result<Self, InvalidInput> {
        let id_prefix = |p: &str| map.get("id").and_then(Value::as_str).is_some_and(|id| id.starts_with(p));
        if map.contains_key("number") {
            typed(map).map(PaymentSource::Card)
        } else if map.contains_key("email") || id_prefix(CustomerId::PREFIX) {
            typed(map).map(PaymentSource::Customer)
        } else if map.contains_key("token") {
            typed(map).map(PaymentSource::Token)
        } else if id_prefix(SourceId::PREFIX) {
            typed(map).map(PaymentSource::Id)
        } else {
            Err(InvalidInput::SourceNotInferable(
                "no `type`, and none of `number`, `email`, `token`, or an `id` starting `cus_` or `src_`".into(),
            ))
        }
    }
}

/// Reads a typed source; the error names the field and what was expected, never the value.
fn typed<T: FromJson>(map: Map<String, Value>) -> Result<T, InvalidInput> {
    T::from_fields(Fields::from_map(map, String::new()))
        .map_err(|e| InvalidInput::Source(format!("`{}`: {}", e.field(), e.problem())))
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
    fn source_errors_name_the_field_never_the_value() {
        let key = "sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e";
        let cases = [
            (
                json!({"number": "4242424242424242", "expiry_month": 6, "expiry_year": 2030, "stored": key}),
                "`stored`: expected true or false",
            ),
            (
                json!({"number": "4242424242424242", "expiry_month": key, "expiry_year": 2030}),
                "`expiry_month`: expected a month, 1-12",
            ),
            (json!({"number": "4242424242424242", "expiry_month": 6}), "`expiry_year`: is required"),
            (json!({"number": key, "expiry_month": 6, "expiry_year": 2030}), "`number`: expected a card number"),
            (
                json!({"token": "tok_x", "billing_address": {"city": ["4242424242424242"]}}),
                "`billing_address.city`: expected a string",
            ),
            (json!({"id": "src_x", "cvv": key}), "`cvv`: expected a cvv"),
        ];
        for (input, expected) in cases {
            let err = PaymentSource::infer(input.clone()).unwrap_err();
            let text = format!("{err} {err:?}");
            assert!(matches!(err, InvalidInput::Source(_)), "{input}");
            assert!(text.contains(expected), "{text}");
            assert!(!text.contains("m73dzbpy") && !text.contains("42424242"), "{text}");
        }
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
