//! How much of a payment is authorized, captured, refunded and voided.

use serde::Deserialize;

/// The running totals of a payment (`balances`, in minor units), as the API returns them on an
/// incremental authorization or a payment. Fields missing or of an unexpected type are `None`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct Balances {
    /// Everything authorized so far.
    #[serde(default, deserialize_with = "crate::lenient::opt_u64")]
    pub total_authorized: Option<u64>,
    /// Everything voided.
    #[serde(default, deserialize_with = "crate::lenient::opt_u64")]
    pub total_voided: Option<u64>,
    /// What can still be voided.
    #[serde(default, deserialize_with = "crate::lenient::opt_u64")]
    pub available_to_void: Option<u64>,
    /// Everything captured.
    #[serde(default, deserialize_with = "crate::lenient::opt_u64")]
    pub total_captured: Option<u64>,
    /// What can still be captured.
    #[serde(default, deserialize_with = "crate::lenient::opt_u64")]
    pub available_to_capture: Option<u64>,
    /// Everything refunded.
    #[serde(default, deserialize_with = "crate::lenient::opt_u64")]
    pub total_refunded: Option<u64>,
    /// What can still be refunded.
    #[serde(default, deserialize_with = "crate::lenient::opt_u64")]
    pub available_to_refund: Option<u64>,
}
