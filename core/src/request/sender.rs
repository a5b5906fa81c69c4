//! Who sends the money of a payment or payout (money transfers, payouts).

use alloc::string::String;

use serde::Serialize;
use serde_json::{Map, Value};

use super::field::{closed_set, extra_setter, open_model, setters, FieldError, FieldProblem, Fields, FromJson};
use crate::source::Address;

closed_set! {
    /// What kind of party sends the money.
    SenderType {
        /// A person.
        Individual => "individual",
        /// A company.
        Corporate => "corporate",
        /// A government body.
        Government => "government",
        /// The holder of a stored instrument.
        Instrument => "instrument",
    }
}

/// The sender of a payment or payout (`sender`), required for money transfers and some payouts.
/// Fields the SDK does not model (`identification`, `source_of_funds`, `date_of_birth`, ...) are
/// kept in `extra`.
///
/// ```
/// use checkout_sdk_core::request::Sender;
/// use checkout_sdk_core::source::Address;
/// use serde_json::json;
///
/// let sender = Sender::individual("Hannah", "Bret")
///     .reference("8285282045818")
///     .address(Address::new().city("London").country("GB"))
///     .extra("source_of_funds", "debit");
/// assert_eq!(
///     serde_json::to_value(&sender).unwrap(),
///     json!({"type": "individual", "reference": "8285282045818", "first_name": "Hannah", "last_name": "Bret",
///            "address": {"city": "London", "country": "GB"}, "source_of_funds": "debit"})
/// );
/// ```
#[derive(Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Sender {
    /// What kind of party sends the money.
    #[serde(rename = "type")]
    pub sender_type: SenderType,
    /// Your reference for the sender (the API's examples send a number, read as text).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// First name (individuals).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Last name (individuals).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Company name (corporate and government senders).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company_name: Option<String>,
    /// Date of birth, `YYYY-MM-DD` (individuals).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dob: Option<String>,
    /// Address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    /// Fields the SDK does not model, sent as given.
    #[serde(flatten, serialize_with = "Sender::serialize_extra")]
    pub extra: Map<String, Value>,
}

open_model!(Sender { "type", "reference", "first_name", "last_name", "company_name", "dob", "address" });

impl FromJson for Sender {
    fn from_fields(mut f: Fields) -> Result<Self, FieldError> {
        let sender_type = f.one_of("type")?.ok_or_else(|| FieldError::new(f.path("type"), FieldProblem::Missing))?;
        Ok(Sender {
            sender_type,
            reference: f.digits_or_string("reference")?,
            first_name: f.string("first_name")?,
            last_name: f.string("last_name")?,
            company_name: f.string("company_name")?,
            dob: f.string("dob")?,
            address: f.model("address")?,
            extra: f.rest(),
        })
    }
}

impl Sender {
    /// A sender of `sender_type` with no details yet.
    pub fn new(sender_type: SenderType) -> Self {
        Sender {
            sender_type,
            reference: None,
            first_name: None,
            last_name: None,
            company_name: None,
            dob: None,
            address: None,
            extra: Map::new(),
        }
    }

    /// A person.
    pub fn individual(first_name: impl Into<String>, last_name: impl Into<String>) -> Self {
        Sender::new(SenderType::Individual).first_name(first_name).last_name(last_name)
    }

    /// A company.
    pub fn corporate(company_name: impl Into<String>) -> Self {
        Sender::new(SenderType::Corporate).company_name(company_name)
    }

    /// The holder of a stored instrument.
    pub fn instrument() -> Self {
        Sender::new(SenderType::Instrument)
    }

    setters! {
        /// Sets your reference for the sender.
        reference: String,
        /// Sets the first name.
        first_name: String,
        /// Sets the last name.
        last_name: String,
        /// Sets the company name.
        company_name: String,
        /// Sets the date of birth (`YYYY-MM-DD`).
        dob: String,
        /// Sets the address.
        address: Address,
    }

    extra_setter!();
}

crate::redact::redacted_json_debug!(Sender);
