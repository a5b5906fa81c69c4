//! Splitting a payment between sub-entities (marketplaces).

use alloc::string::String;

use serde::Serialize;
use serde_json::{Map, Value};

use super::field::{extra_setter, open_model, setters, FieldError, FieldProblem, Fields, FromJson};

/// One share of a split payment (`amount_allocations`): which sub-entity gets how much. Fields
/// the SDK does not model (`commission`, ...) are kept in `extra`.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct AmountAllocation {
    /// The sub-entity's id (`ent_...`).
    pub id: String,
    /// Its share, in minor units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<u64>,
    /// Your reference for the share.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Fields the SDK does not model, sent as given.
    #[serde(flatten, serialize_with = "AmountAllocation::serialize_extra")]
    pub extra: Map<String, Value>,
}

open_model!(AmountAllocation { "id", "amount", "reference" });

impl FromJson for AmountAllocation {
    fn from_fields(mut f: Fields) -> Result<Self, FieldError> {
        Ok(AmountAllocation {
            id: f.string("id")?.ok_or_else(|| FieldError::new(f.path("id"), FieldProblem::Missing))?,
            amount: f.integer("amount")?,
            reference: f.string("reference")?,
            extra: f.rest(),
        })
    }
}

impl AmountAllocation {
    /// A share for the sub-entity `id`.
    pub fn new(id: impl Into<String>) -> Self {
        AmountAllocation { id: id.into(), amount: None, reference: None, extra: Map::new() }
    }

    setters! {
        /// Sets the share, in minor units.
        amount = u64,
        /// Sets your reference.
        reference: String,
    }

    extra_setter!();
}

crate::redact::redacted_json_debug!(AmountAllocation);
