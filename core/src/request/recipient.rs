//! The recipient of the funds (account funding transactions, financial institutions).

use alloc::string::String;

use serde::Serialize;
use serde_json::{Map, Value};

use super::field::{extra_setter, open_model, setters, FieldError, Fields, FromJson};
use crate::source::Address;

/// The recipient of the funds (`recipient`), required by some card schemes for account funding
/// and by financial institutions. Fields the SDK does not model are kept in `extra`.
#[derive(Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Recipient {
    /// Date of birth, `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dob: Option<String>,
    /// The recipient's account number (the API's examples send a number, read as text).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_number: Option<String>,
    /// The recipient's address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    /// The first part of the post code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zip: Option<String>,
    /// First name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Fields the SDK does not model, sent as given.
    #[serde(flatten, serialize_with = "Recipient::serialize_extra")]
    pub extra: Map<String, Value>,
}

open_model!(Recipient { "dob", "account_number", "address", "zip", "first_name", "last_name", "country" });

impl FromJson for Recipient {
    fn from_fields(mut f: Fields) -> Result<Self, FieldError> {
        Ok(Recipient {
            dob: f.string("dob")?,
            account_number: f.digits_or_string("account_number")?,
            address: f.model("address")?,
            zip: f.string("zip")?,
            first_name: f.string("first_name")?,
            last_name: f.string("last_name")?,
            country: f.string("country")?,
            extra: f.rest(),
        })
    }
}

impl Recipient {
    /// A recipient with no details yet.
    pub fn new() -> Self {
        Self::default()
    }

    setters! {
        /// Sets the date of birth (`YYYY-MM-DD`).
        dob: String,
        /// Sets the account number.
        account_number: String,
        /// Sets the address.
        address: Address,
        /// Sets the first part of the post code.
        zip: String,
        /// Sets the first name.
        first_name: String,
        /// Sets the last name.
        last_name: String,
        /// Sets the country (ISO 3166-1 alpha-2).
        country: String,
    }

    extra_setter!();
}

crate::redact::redacted_json_debug!(Recipient);
