//! Where goods are shipped.

use alloc::string::String;

use serde::Serialize;
use serde_json::{Map, Value};

use super::field::{extra_setter, open_model, setters, FieldError, Fields, FromJson};
use crate::source::{Address, Phone};

/// Where goods are shipped, and to whom. Fields the SDK does not model (`method`, `timeframe`,
/// `from_address_zip`, ...) are kept in `extra` and sent.
#[derive(Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Shipping {
    /// The recipient's first name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// The recipient's last name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// The recipient's email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    /// The recipient's phone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<Phone>,
    /// Fields the SDK does not model, sent as given.
    #[serde(flatten, serialize_with = "Shipping::serialize_extra")]
    pub extra: Map<String, Value>,
}

open_model!(Shipping { "first_name", "last_name", "email", "address", "phone" });

impl FromJson for Shipping {
    fn from_fields(mut f: Fields) -> Result<Self, FieldError> {
        Ok(Shipping {
            first_name: f.string("first_name")?,
            last_name: f.string("last_name")?,
            email: f.string("email")?,
            address: f.model("address")?,
            phone: f.model("phone")?,
            extra: f.rest(),
        })
    }
}

impl Shipping {
    /// Shipping details, to fill in field by field.
    pub fn new() -> Self {
        Self::default()
    }

    /// Shipping to `address`.
    pub fn to(address: Address) -> Self {
        Shipping { address: Some(address), ..Self::default() }
    }

    setters! {
        /// Sets the recipient's first name.
        first_name: String,
        /// Sets the recipient's last name.
        last_name: String,
        /// Sets the recipient's email.
        email: String,
        /// Sets the address.
        address: Address,
        /// Sets the recipient's phone.
        phone: Phone,
    }

    extra_setter!();
}

crate::redact::redacted_json_debug!(Shipping);
