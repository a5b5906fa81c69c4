//! Where a payout goes.

use alloc::string::String;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use super::account_holder::AccountHolder;
use super::field::{extra_setter, open_model, setters, FieldError, FieldProblem, Fields, FromJson};
use crate::source::CardNumber;

/// A bank account (`type: bank_account`). Which of the account fields are required depends on
/// the country and currency. Fields the SDK does not model (`bank`, ...) are kept in `extra`.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct BankAccountDestination {
    /// The account's country (ISO 3166-1 alpha-2).
    pub country: String,
    /// `savings`, `current` or `cash`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_type: Option<String>,
    /// The account number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_number: Option<String>,
    /// The bank code (e.g. a UK sort code).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bank_code: Option<String>,
    /// The branch code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub branch_code: Option<String>,
    /// The IBAN.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iban: Option<String>,
    /// The BBAN.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bban: Option<String>,
    /// The SWIFT BIC.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub swift_bic: Option<String>,
    /// Who holds the account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_holder: Option<AccountHolder>,
    /// Fields the SDK does not model, sent as given.
    #[serde(flatten, serialize_with = "BankAccountDestination::serialize_extra")]
    pub extra: Map<String, Value>,
}

open_model!(BankAccountDestination {
    "type",
    "country",
    "account_type",
    "account_number",
    "bank_code",
    "branch_code",
    "iban",
    "bban",
    "swift_bic",
    "account_holder",
});

impl FromJson for BankAccountDestination {
    fn from_fields(mut f: Fields) -> Result<Self, FieldError> {
        // The tag, when the destination is read on its own rather than through `PayoutDestination`.
        f.take("type");
        Ok(BankAccountDestination {
            country: f.string("country")?.ok_or_else(|| FieldError::new(f.path("country"), FieldProblem::Missing))?,
            account_type: f.string("account_type")?,
            account_number: f.digits_or_string("account_number")?,
            bank_code: f.string("bank_code")?,
            branch_code: f.string("branch_code")?,
            iban: f.string("iban")?,
            bban: f.string("bban")?,
            swift_bic: f.string("swift_bic")?,
            account_holder: f.model("account_holder")?,
            extra: f.rest(),
        })
    }
}

impl BankAccountDestination {
    /// A bank account in `country`.
    pub fn new(country: impl Into<String>) -> Self {
        BankAccountDestination {
            country: country.into(),
            account_type: None,
            account_number: None,
            bank_code: None,
            branch_code: None,
            iban: None,
            bban: None,
            swift_bic: None,
            account_holder: None,
            extra: Map::new(),
        }
    }

    setters! {
        /// Sets the account type (`savings`, `current` or `cash`).
        account_type: String,
        /// Sets the account number.
        account_number: String,
        /// Sets the bank code.
        bank_code: String,
        /// Sets the branch code.
        branch_code: String,
        /// Sets the IBAN.
        iban: String,
        /// Sets the BBAN.
        bban: String,
        /// Sets the SWIFT BIC.
        swift_bic: String,
        /// Sets who holds the account.
        account_holder: AccountHolder,
    }

    extra_setter!();
}

/// A card by its full details (`type: card`). The number is shown by `Debug` as its last four
/// digits only. Fields the SDK does not model are kept in `extra`.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CardDestination {
    /// The card number.
    pub number: CardNumber,
    /// Expiry month, 1-12.
    pub expiry_month: u8,
    /// Four-digit expiry year.
    pub expiry_year: u16,
    /// Who holds the card.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_holder: Option<AccountHolder>,
    /// Fields the SDK does not model, sent as given.
    #[serde(flatten, serialize_with = "CardDestination::serialize_extra")]
    pub extra: Map<String, Value>,
}

open_model!(CardDestination { "type", "number", "expiry_month", "expiry_year", "account_holder" });

impl FromJson for CardDestination {
    fn from_fields(mut f: Fields) -> Result<Self, FieldError> {
        f.take("type");
        let required = |f: &Fields, key: &str| FieldError::new(f.path(key), FieldProblem::Missing);
        let number = f
            .parsed("number", "a card number of 12-19 digits", |s| CardNumber::new(&s).ok())?
            .ok_or_else(|| required(&f, "number"))?;
        let month = f.integer("expiry_month")?.ok_or_else(|| required(&f, "expiry_month"))?;
        let expiry_month = u8::try_from(month)
            .ok()
            .filter(|m| (1..=12).contains(m))
            .ok_or_else(|| FieldError::new(f.path("expiry_month"), FieldProblem::Expected("a month, 1-12")))?;
        let year = f.integer("expiry_year")?.ok_or_else(|| required(&f, "expiry_year"))?;
        let expiry_year = u16::try_from(year)
            .map_err(|_| FieldError::new(f.path("expiry_year"), FieldProblem::Expected("a four-digit year")))?;
        Ok(CardDestination {
            number,
            expiry_month,
            expiry_year,
            account_holder: f.model("account_holder")?,
            extra: f.rest(),
        })
    }
}

impl CardDestination {
    /// A card with its number and expiry; the month must be 1-12.
    pub fn new(number: &str, expiry_month: u8, expiry_year: u16) -> Result<Self, FieldError> {
        let number = CardNumber::new(number)
            .map_err(|_| FieldError::new("number", FieldProblem::Expected("a card number of 12-19 digits")))?;
        if !(1..=12).contains(&expiry_month) {
            return Err(FieldError::new("expiry_month", FieldProblem::Expected("a month, 1-12")));
        }
        Ok(CardDestination { number, expiry_month, expiry_year, account_holder: None, extra: Map::new() })
    }

    setters! {
        /// Sets who holds the card.
        account_holder: AccountHolder,
    }

    extra_setter!();
}

/// A stored payment instrument (`type: id`, e.g. `src_...`). Fields the SDK does not model are
/// kept in `extra`.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct IdDestination {
    /// The instrument's id.
    pub id: String,
    /// Who holds the instrument.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_holder: Option<AccountHolder>,
    /// Fields the SDK does not model, sent as given.
    #[serde(flatten, serialize_with = "IdDestination::serialize_extra")]
    pub extra: Map<String, Value>,
}

open_model!(IdDestination { "type", "id", "account_holder" });

impl FromJson for IdDestination {
    fn from_fields(mut f: Fields) -> Result<Self, FieldError> {
        f.take("type");
        Ok(IdDestination {
            id: f.string("id")?.ok_or_else(|| FieldError::new(f.path("id"), FieldProblem::Missing))?,
            account_holder: f.model("account_holder")?,
            extra: f.rest(),
        })
    }
}

impl IdDestination {
    /// The stored instrument `id`.
    pub fn new(id: impl Into<String>) -> Self {
        IdDestination { id: id.into(), account_holder: None, extra: Map::new() }
    }

    setters! {
        /// Sets who holds the instrument.
        account_holder: AccountHolder,
    }

    extra_setter!();
}

/// A card token from Frames or a mobile SDK (`type: token`). Fields the SDK does not model are
/// kept in `extra`.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct TokenDestination {
    /// The token, `tok_...`.
    pub token: String,
    /// Who holds the card.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_holder: Option<AccountHolder>,
    /// Fields the SDK does not model, sent as given.
    #[serde(flatten, serialize_with = "TokenDestination::serialize_extra")]
    pub extra: Map<String, Value>,
}

open_model!(TokenDestination { "type", "token", "account_holder" });

impl FromJson for TokenDestination {
    fn from_fields(mut f: Fields) -> Result<Self, FieldError> {
        f.take("type");
        Ok(TokenDestination {
            token: f.string("token")?.ok_or_else(|| FieldError::new(f.path("token"), FieldProblem::Missing))?,
            account_holder: f.model("account_holder")?,
            extra: f.rest(),
        })
    }
}

impl TokenDestination {
    /// The card token `token`.
    pub fn new(token: impl Into<String>) -> Self {
        TokenDestination { token: token.into(), account_holder: None, extra: Map::new() }
    }

    setters! {
        /// Sets who holds the card.
        account_holder: AccountHolder,
    }

    extra_setter!();
}

/// Where a payout goes (`destination`), tagged by `type`. A type this SDK does not model
/// (`network_token`, ...) is kept and sent as given.
///
/// ```
/// use checkout_sdk_core::request::{AccountHolder, BankAccountDestination, PayoutDestination};
/// use serde_json::json;
///
/// let destination = PayoutDestination::from(
///     BankAccountDestination::new("GB")
///         .account_number("13654567455")
///         .bank_code("23-456")
///         .account_holder(AccountHolder::individual("Hannah", "Bret")),
/// );
/// assert_eq!(
///     serde_json::to_value(&destination).unwrap(),
///     json!({"type": "bank_account", "country": "GB", "account_number": "13654567455", "bank_code": "23-456",
///            "account_holder": {"type": "individual", "first_name": "Hannah", "last_name": "Bret"}})
/// );
/// ```
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PayoutDestination {
    /// A bank account.
    BankAccount(BankAccountDestination),
    /// A card by its full details.
    Card(CardDestination),
    /// A stored payment instrument.
    Id(IdDestination),
    /// A card token.
    Token(TokenDestination),
    /// Any other type, sent as given.
    Other {
        /// The `type`.
        destination_type: String,
        /// Every other field.
        fields: Map<String, Value>,
    },
}

impl PayoutDestination {
    /// The `type` sent to the API.
    pub fn destination_type(&self) -> &str {
        match self {
            PayoutDestination::BankAccount(_) => "bank_account",
            PayoutDestination::Card(_) => "card",
            PayoutDestination::Id(_) => "id",
            PayoutDestination::Token(_) => "token",
            PayoutDestination::Other { destination_type, .. } => destination_type,
        }
    }
}

impl FromJson for PayoutDestination {
    fn from_fields(mut f: Fields) -> Result<Self, FieldError> {
        let destination_type =
            f.string("type")?.ok_or_else(|| FieldError::new(f.path("type"), FieldProblem::Missing))?;
        Ok(match destination_type.to_ascii_lowercase().as_str() {
            "bank_account" => PayoutDestination::BankAccount(BankAccountDestination::from_fields(f)?),
            "card" => PayoutDestination::Card(CardDestination::from_fields(f)?),
            "id" => PayoutDestination::Id(IdDestination::from_fields(f)?),
            "token" => PayoutDestination::Token(TokenDestination::from_fields(f)?),
            _ => PayoutDestination::Other { destination_type, fields: f.rest() },
        })
    }
}

impl Serialize for PayoutDestination {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Tagged<'a, T: Serialize> {
            #[serde(rename = "type")]
            destination_type: &'a str,
            #[serde(flatten)]
            inner: &'a T,
        }
        let destination_type = self.destination_type();
        match self {
            PayoutDestination::BankAccount(d) => Tagged { destination_type, inner: d }.serialize(serializer),
            PayoutDestination::Card(d) => Tagged { destination_type, inner: d }.serialize(serializer),
            PayoutDestination::Id(d) => Tagged { destination_type, inner: d }.serialize(serializer),
            PayoutDestination::Token(d) => Tagged { destination_type, inner: d }.serialize(serializer),
            PayoutDestination::Other { fields, .. } => {
                let mut fields = fields.clone();
                fields.remove("type");
                Tagged { destination_type, inner: &fields }.serialize(serializer)
            }
        }
    }
}

impl<'de> Deserialize<'de> for PayoutDestination {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        PayoutDestination::from_value(Value::deserialize(deserializer)?, String::new())
            .map_err(serde::de::Error::custom)
    }
}

macro_rules! destination_from {
    ($($variant:ident($ty:ty)),*) => {
        $(impl From<$ty> for PayoutDestination {
            fn from(d: $ty) -> Self {
                PayoutDestination::$variant(d)
            }
        })*
    };
}
destination_from!(
    BankAccount(BankAccountDestination),
    Card(CardDestination),
    Id(IdDestination),
    Token(TokenDestination)
);

crate::redact::redacted_json_debug!(
    BankAccountDestination,
    CardDestination,
    IdDestination,
    TokenDestination,
    PayoutDestination
);
