//! The holder of a payout destination.

use alloc::string::String;

use serde::Serialize;
use serde_json::{Map, Value};

use super::field::{closed_set, extra_setter, open_model, setters, FieldError, Fields, FromJson};
use crate::source::{Address, Phone};

closed_set! {
    /// What kind of party holds an account.
    AccountHolderType {
        /// A person.
        Individual => "individual",
        /// A company.
        Corporate => "corporate",
        /// A government body.
        Government => "government",
    }
}

/// Who holds the account or card a payout goes to. Fields the SDK does not model
/// (`identification`, `date_of_birth`, ...) are kept in `extra`.
#[derive(Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct AccountHolder {
    /// What kind of party holds the account.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub holder_type: Option<AccountHolderType>,
    /// First name (individuals).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Last name (individuals).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Company name (corporate and government holders).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company_name: Option<String>,
    /// Email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Billing address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billing_address: Option<Address>,
    /// Phone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<Phone>,
    /// Fields the SDK does not model, sent as given.
    #[serde(flatten, serialize_with = "AccountHolder::serialize_extra")]
    pub extra: Map<String, Value>,
}

open_model!(AccountHolder { "type", "first_name", "last_name", "company_name", "email", "billing_address", "phone" });

impl FromJson for AccountHolder {
    fn from_fields(mut f: Fields) -> Result<Self, FieldError> {
        Ok(AccountHolder {
            holder_type: f.one_of("type")?,
            first_name: f.string("first_name")?,
            last_name: f.string("last_name")?,
            company_name: f.string("company_name")?,
            email: f.string("email")?,
            billing_address: f.model("billing_address")?,
            phone: f.model("phone")?,
            extra: f.rest(),
        })
    }
}

impl AccountHolder {
    /// A person.
    pub fn individual(first_name: impl Into<String>, last_name: impl Into<String>) -> Self {
        AccountHolder { holder_type: Some(AccountHolderType::Individual), ..Self::default() }
            .first_name(first_name)
            .last_name(last_name)
    }

    /// A company.
    pub fn corporate(company_name: impl Into<String>) -> Self {
        AccountHolder { holder_type: Some(AccountHolderType::Corporate), ..Self::default() }.company_name(company_name)
    }

    /// A holder with no details yet.
    pub fn new() -> Self {
        Self::default()
    }

    setters! {
        /// Sets what kind of party holds the account.
        holder_type: AccountHolderType,
        /// Sets the first name.
        first_name: String,
        /// Sets the last name.
        last_name: String,
        /// Sets the company name.
        company_name: String,
        /// Sets the email.
        email: String,
        /// Sets the billing address.
        billing_address: Address,
        /// Sets the phone.
        phone: Phone,
    }

    extra_setter!();
}

crate::redact::redacted_json_debug!(AccountHolder);
