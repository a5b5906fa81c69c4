//! Cancelling a scheduled retry.

use alloc::string::String;

use serde::Serialize;
use serde_json::{Map, Value};

use super::field::{extra_setter, keyed_request_debug, open_model, setters, FieldError, Fields, FromJson};
use crate::id::IdempotencyKey;

/// `POST /payments/{id}/cancellations`: cancel the retries the API scheduled for a payment that
/// failed (a payment requested with `retry`). Fields the SDK does not model are kept in `extra`.
#[derive(Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CancellationRequest {
    /// Your reference for the cancellation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Fields the SDK does not model, sent as given.
    #[serde(flatten, serialize_with = "CancellationRequest::serialize_extra")]
    pub extra: Map<String, Value>,
    /// The `Cko-Idempotency-Key` for this cancellation.
    #[serde(skip)]
    pub idempotency_key: Option<IdempotencyKey>,
}

open_model!(CancellationRequest { "reference" });

impl FromJson for CancellationRequest {
    fn from_fields(mut f: Fields) -> Result<Self, FieldError> {
        Ok(CancellationRequest { reference: f.string("reference")?, extra: f.rest(), idempotency_key: None })
    }
}

impl CancellationRequest {
    /// A cancellation with nothing set yet.
    pub fn new() -> Self {
        Self::default()
    }

    setters! {
        /// Sets the reference.
        reference: String,
        /// Sets the `Cko-Idempotency-Key`.
        idempotency_key = IdempotencyKey,
    }

    extra_setter!();
}

keyed_request_debug!(CancellationRequest);
