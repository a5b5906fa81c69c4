//! What the customer's statement shows.

use alloc::string::String;

use serde::Serialize;
use serde_json::{Map, Value};

use super::field::{extra_setter, open_model, setters, FieldError, Fields, FromJson};

/// A dynamic billing descriptor: what the customer's statement shows. Payments send `name` and
/// `city`; payouts send `reference`. Fields the SDK does not model are kept in `extra`.
#[derive(Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct BillingDescriptor {
    /// The merchant name shown (at most 25 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The city shown (at most 13 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// A reference shown (payouts).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Fields the SDK does not model, sent as given.
    #[serde(flatten, serialize_with = "BillingDescriptor::serialize_extra")]
    pub extra: Map<String, Value>,
}

open_model!(BillingDescriptor { "name", "city", "reference" });

impl FromJson for BillingDescriptor {
    fn from_fields(mut f: Fields) -> Result<Self, FieldError> {
        Ok(BillingDescriptor {
            name: f.string("name")?,
            city: f.string("city")?,
            reference: f.string("reference")?,
            extra: f.rest(),
        })
    }
}

impl BillingDescriptor {
    /// An empty descriptor, to fill in field by field.
    pub fn new() -> Self {
        Self::default()
    }

    setters! {
        /// Sets the merchant name shown.
        name: String,
        /// Sets the city shown.
        city: String,
        /// Sets the reference shown.
        reference: String,
    }

    extra_setter!();
}

crate::redact::redacted_json_debug!(BillingDescriptor);
