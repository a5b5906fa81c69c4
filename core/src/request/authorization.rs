//! Incremental authorization requests.

use alloc::string::String;

use serde::Serialize;
use serde_json::{Map, Value};

use super::field::{
    extra_setter, keyed_request_debug, metadata_setter, open_model, setters, FieldError, Fields, FromJson,
};
use crate::id::IdempotencyKey;

/// `POST /payments/{id}/authorizations`: raise the authorized amount of a payment authorized with
/// `authorization_type: Estimated` (by `amount` minor units), or extend its validity. Fields the
/// SDK does not model are kept in `extra`.
///
/// ```
/// use checkout_sdk_core::request::IncrementalAuthorizationRequest;
/// use serde_json::json;
///
/// let request = IncrementalAuthorizationRequest::new().amount(6540).reference("ORD-5023-4E89").metadata("coupon_code", "NY2018");
/// assert_eq!(
///     serde_json::to_value(&request).unwrap(),
///     json!({"amount": 6540, "reference": "ORD-5023-4E89", "metadata": {"coupon_code": "NY2018"}})
/// );
/// ```
#[derive(Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct IncrementalAuthorizationRequest {
    /// How much to add to the authorization, in minor units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<u64>,
    /// Your reference for the authorization.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Your own key-value data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Map<String, Value>>,
    /// Fields the SDK does not model, sent as given.
    #[serde(flatten, serialize_with = "IncrementalAuthorizationRequest::serialize_extra")]
    pub extra: Map<String, Value>,
    /// The `Cko-Idempotency-Key` for this authorization.
    #[serde(skip)]
    pub idempotency_key: Option<IdempotencyKey>,
}

open_model!(IncrementalAuthorizationRequest { "amount", "reference", "metadata" });

impl FromJson for IncrementalAuthorizationRequest {
    fn from_fields(mut f: Fields) -> Result<Self, FieldError> {
        Ok(IncrementalAuthorizationRequest {
            amount: f.integer("amount")?,
            reference: f.string("reference")?,
            metadata: f.object("metadata")?,
            extra: f.rest(),
            idempotency_key: None,
        })
    }
}

impl IncrementalAuthorizationRequest {
    /// A request with nothing set yet.
    pub fn new() -> Self {
        Self::default()
    }

    setters! {
        /// Sets how much to add, in minor units.
        amount = u64,
        /// Sets the reference.
        reference: String,
        /// Sets the `Cko-Idempotency-Key`.
        idempotency_key = IdempotencyKey,
    }

    metadata_setter!();

    extra_setter!();
}

keyed_request_debug!(IncrementalAuthorizationRequest);
