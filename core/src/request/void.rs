//! Void requests.

use alloc::string::String;

use serde::Serialize;
use serde_json::{Map, Value};

use super::field::{
    extra_setter, keyed_request_debug, metadata_setter, open_model, setters, FieldError, Fields, FromJson,
};
use crate::id::IdempotencyKey;

/// `POST /payments/{id}/voids`: a reference, metadata, and an optional amount for a partial void
/// (less than the outstanding authorized amount; absent voids all of it). Fields the SDK does
/// not model are kept in `extra`.
#[derive(Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct VoidRequest {
    /// A partial amount in minor units; `None` voids the full outstanding amount.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<u64>,
    /// Your reference for the void.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Your own key-value data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Map<String, Value>>,
    /// Fields the SDK does not model, sent as given.
    #[serde(flatten, serialize_with = "VoidRequest::serialize_extra")]
    pub extra: Map<String, Value>,
    /// The `Cko-Idempotency-Key` for this void.
    #[serde(skip)]
    pub idempotency_key: Option<IdempotencyKey>,
}

open_model!(VoidRequest { "amount", "reference", "metadata" });

impl FromJson for VoidRequest {
    fn from_fields(mut f: Fields) -> Result<Self, FieldError> {
        Ok(VoidRequest {
            amount: f.integer("amount")?,
            reference: f.string("reference")?,
            metadata: f.object("metadata")?,
            extra: f.rest(),
            idempotency_key: None,
        })
    }
}

impl VoidRequest {
    /// A void of the full outstanding amount, with nothing else set.
    pub fn new() -> Self {
        Self::default()
    }

    setters! {
        /// Sets a partial amount, in minor units.
        amount = u64,
        /// Sets the reference.
        reference: String,
        /// Sets the `Cko-Idempotency-Key`.
        idempotency_key = IdempotencyKey,
    }

    metadata_setter!();

    extra_setter!();
}

keyed_request_debug!(VoidRequest);
