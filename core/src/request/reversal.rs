//! Reversal requests.

use alloc::string::String;

use serde::Serialize;
use serde_json::{Map, Value};

use super::field::{
    extra_setter, keyed_request_debug, metadata_setter, open_model, setters, FieldError, Fields, FromJson,
};
use crate::id::IdempotencyKey;

/// `POST /payments/{id}/reversals`: return the funds of a payment whatever its state (the API
/// voids what is authorized, refunds what is captured, and cancels pending retries), always for
/// the full amount. Fields the SDK does not model are kept in `extra`.
#[derive(Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ReversalRequest {
    /// Your reference for the reversal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Your own key-value data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Map<String, Value>>,
    /// Fields the SDK does not model, sent as given.
    #[serde(flatten, serialize_with = "ReversalRequest::serialize_extra")]
    pub extra: Map<String, Value>,
    /// The `Cko-Idempotency-Key` for this reversal.
    #[serde(skip)]
    pub idempotency_key: Option<IdempotencyKey>,
}

open_model!(ReversalRequest { "reference", "metadata" });

impl FromJson for ReversalRequest {
    fn from_fields(mut f: Fields) -> Result<Self, FieldError> {
        Ok(ReversalRequest {
            reference: f.string("reference")?,
            metadata: f.object("metadata")?,
            extra: f.rest(),
            idempotency_key: None,
        })
    }
}

impl ReversalRequest {
    /// A reversal with nothing set yet.
    pub fn new() -> Self {
        Self::default()
    }

    setters! {
        /// Sets the reference.
        reference: String,
        /// Sets the `Cko-Idempotency-Key`.
        idempotency_key = IdempotencyKey,
    }

    metadata_setter!();

    extra_setter!();
}

keyed_request_debug!(ReversalRequest);
