//! The customer of a payment.

use alloc::string::String;

use serde::Serialize;
use serde_json::{Map, Value};

use super::field::{extra_setter, open_model, setters, FieldError, Fields, FromJson};
use crate::id::CustomerId;
use crate::source::Phone;

/// The customer, for new customers or to attach an existing one. Fields the SDK does not model
/// are kept in `extra` and sent.
///
/// ```
/// use checkout_sdk_core::request::Customer;
/// use checkout_sdk_core::source::Phone;
/// use serde_json::json;
///
/// let customer = Customer::new()
///     .email("jokershere@gmail.com")
///     .name("Jack Napier")
///     .phone(Phone::new("+1", "415 555 2671"))
///     .tax_number("1350693505279");
/// assert_eq!(
///     serde_json::to_value(&customer).unwrap(),
///     json!({"email": "jokershere@gmail.com", "name": "Jack Napier",
///            "phone": {"country_code": "+1", "number": "415 555 2671"}, "tax_number": "1350693505279"})
/// );
/// ```
#[derive(Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Customer {
    /// An existing customer's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<CustomerId>,
    /// Email (creates or matches a customer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Phone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<Phone>,
    /// Tax number (e.g. a CPF in Brazil, required for some local payment methods).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tax_number: Option<String>,
    /// Fields the SDK does not model, sent as given.
    #[serde(flatten, serialize_with = "Customer::serialize_extra")]
    pub extra: Map<String, Value>,
}

open_model!(Customer { "id", "email", "name", "phone", "tax_number" });

impl FromJson for Customer {
    fn from_fields(mut f: Fields) -> Result<Self, FieldError> {
        Ok(Customer {
            id: f.parsed("id", "a customer id (`cus_...`)", |s| CustomerId::new(s).ok())?,
            email: f.string("email")?,
            name: f.string("name")?,
            phone: f.model("phone")?,
            tax_number: f.string("tax_number")?,
            extra: f.rest(),
        })
    }
}

impl Customer {
    /// A customer with no details yet.
    pub fn new() -> Self {
        Self::default()
    }

    setters! {
        /// Sets an existing customer's id.
        id: CustomerId,
        /// Sets the email.
        email: String,
        /// Sets the name.
        name: String,
        /// Sets the phone.
        phone: Phone,
        /// Sets the tax number.
        tax_number: String,
    }

    extra_setter!();
}

crate::redact::redacted_json_debug!(Customer);
