//! Capture and refund requests.

use alloc::string::String;
use alloc::vec::Vec;

use serde::Serialize;
use serde_json::{Map, Value};

use super::allocation::AmountAllocation;
use super::field::{
    closed_set, extra_setter, keyed_request_debug, metadata_setter, open_model, setters, FieldError, Fields, FromJson,
};
use super::item::Item;
use crate::id::{ActionId, IdempotencyKey};

closed_set! {
    /// Whether more captures may follow (`capture_type` of a capture).
    CaptureType {
        /// More captures may follow.
        NonFinal => "NonFinal",
        /// The last capture: the rest of the authorization is released.
        Final => "Final",
    }
}

/// `POST /payments/{id}/captures` and `POST /payments/{id}/refunds`: an optional amount in minor
/// units (absent means "all that remains"), a reference, line items and metadata. `capture_type`
/// applies to captures and `capture_action_id` to refunds; fields the SDK does not model (a
/// capture's `billing_descriptor`, `shipping`, `processing`, ...) are kept in `extra`.
///
/// ```
/// use checkout_sdk_core::request::{ActionRequest, CaptureType};
/// use serde_json::json;
///
/// let capture = ActionRequest::full().amount(2000).reference("CAPTURE-1").capture_type(CaptureType::NonFinal);
/// assert_eq!(
///     serde_json::to_value(&capture).unwrap(),
///     json!({"amount": 2000, "reference": "CAPTURE-1", "capture_type": "NonFinal"})
/// );
/// let refund = ActionRequest::new().capture_action_id("act_fd3h6evhpn3uxdoqbuu3lqnqbm".parse::<checkout_sdk_core::id::ActionId>().unwrap());
/// assert_eq!(serde_json::to_value(&refund).unwrap(), json!({"capture_action_id": "act_fd3h6evhpn3uxdoqbuu3lqnqbm"}));
/// ```
#[derive(Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ActionRequest {
    /// Amount in minor units; `None` for the full remaining amount.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<u64>,
    /// Your reference for this action.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Captures: whether more captures may follow.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capture_type: Option<CaptureType>,
    /// Refunds: the capture to refund, when a payment was captured more than once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capture_action_id: Option<ActionId>,
    /// Line items captured or refunded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<Item>>,
    /// How the amount is split between sub-entities.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount_allocations: Option<Vec<AmountAllocation>>,
    /// Your own key-value data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Map<String, Value>>,
    /// Fields the SDK does not model, sent as given.
    #[serde(flatten, serialize_with = "ActionRequest::serialize_extra")]
    pub extra: Map<String, Value>,
    /// The `Cko-Idempotency-Key` for this action.
    #[serde(skip)]
    pub idempotency_key: Option<IdempotencyKey>,
}

/// `POST /payments/{id}/captures`.
pub type CaptureRequest = ActionRequest;
/// `POST /payments/{id}/refunds`.
pub type RefundRequest = ActionRequest;

open_model!(ActionRequest {
    "amount",
    "reference",
    "capture_type",
    "capture_action_id",
    "items",
    "amount_allocations",
    "metadata",
});

impl FromJson for ActionRequest {
    fn from_fields(mut f: Fields) -> Result<Self, FieldError> {
        Ok(ActionRequest {
            amount: f.integer("amount")?,
            reference: f.string("reference")?,
            capture_type: f.one_of("capture_type")?,
            capture_action_id: f.parsed("capture_action_id", "an action id (`act_...`)", |s| ActionId::new(s).ok())?,
            items: f.models("items")?,
            amount_allocations: f.models("amount_allocations")?,
            metadata: f.object("metadata")?,
            extra: f.rest(),
            idempotency_key: None,
        })
    }
}

impl ActionRequest {
    /// An action on the full remaining amount, with nothing else set.
    pub fn new() -> Self {
        Self::default()
    }

    /// The same as [`new`](Self::new), named for what an action without an amount does.
    pub fn full() -> Self {
        Self::new()
    }

    setters! {
        /// Sets a partial amount, in minor units.
        amount = u64,
        /// Sets the reference.
        reference: String,
        /// Captures: sets whether more captures may follow.
        capture_type: CaptureType,
        /// Refunds: sets the capture to refund.
        capture_action_id: ActionId,
        /// Sets the `Cko-Idempotency-Key`.
        idempotency_key = IdempotencyKey,
    }

    /// Adds a line item.
    #[must_use]
    pub fn item(mut self, item: Item) -> Self {
        self.items.get_or_insert_with(Vec::new).push(item);
        self
    }

    /// Adds a share of the amount for a sub-entity.
    #[must_use]
    pub fn amount_allocation(mut self, allocation: AmountAllocation) -> Self {
        self.amount_allocations.get_or_insert_with(Vec::new).push(allocation);
        self
    }

    metadata_setter!();

    extra_setter!();
}

keyed_request_debug!(ActionRequest);
