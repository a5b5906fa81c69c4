//! How a payout is sent.

use alloc::string::String;

use serde::Serialize;
use serde_json::{Map, Value};

use super::field::{closed_set, extra_setter, open_model, setters, FieldError, Fields, FromJson};

closed_set! {
    /// Which bank network a bank payout uses.
    InstructionScheme {
        /// An international SWIFT transfer.
        Swift => "swift",
        /// The local clearing network.
        Local => "local",
        /// The local instant-payment network.
        Instant => "instant",
    }
}

closed_set! {
    /// Who pays the fees of an international transfer.
    ChargeBearer {
        /// The sender pays all fees.
        Our => "OUR",
        /// Sender and recipient share the fees.
        Sha => "SHA",
    }
}

/// How a payout is sent (`instruction`). Fields the SDK does not model (`remittance`, `mvv`,
/// ...) are kept in `extra`.
///
/// ```
/// use checkout_sdk_core::request::{Instruction, InstructionScheme};
/// use serde_json::json;
///
/// let instruction = Instruction::new().purpose("Withdrawal").scheme(InstructionScheme::Local).funds_transfer_type("FD");
/// assert_eq!(
///     serde_json::to_value(&instruction).unwrap(),
///     json!({"purpose": "Withdrawal", "scheme": "local", "funds_transfer_type": "FD"})
/// );
/// ```
#[derive(Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Instruction {
    /// Why the money is sent (e.g. `family_support`, `Withdrawal`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    /// Who pays the fees of an international transfer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub charge_bearer: Option<ChargeBearer>,
    /// Whether the bank may repair the payment details.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repair: Option<bool>,
    /// Which bank network to use.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheme: Option<InstructionScheme>,
    /// A foreign exchange quote (`qte_...`) to use.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quote_id: Option<String>,
    /// Card payouts: the scheme's funds transfer type (e.g. `AA`, `FD`, `PP`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub funds_transfer_type: Option<String>,
    /// Fields the SDK does not model, sent as given.
    #[serde(flatten, serialize_with = "Instruction::serialize_extra")]
    pub extra: Map<String, Value>,
}

open_model!(Instruction { "purpose", "charge_bearer", "repair", "scheme", "quote_id", "funds_transfer_type" });

impl FromJson for Instruction {
    fn from_fields(mut f: Fields) -> Result<Self, FieldError> {
        Ok(Instruction {
            purpose: f.string("purpose")?,
            charge_bearer: f.one_of("charge_bearer")?,
            repair: f.boolean("repair")?,
            scheme: f.one_of("scheme")?,
            quote_id: f.string("quote_id")?,
            funds_transfer_type: f.string("funds_transfer_type")?,
            extra: f.rest(),
        })
    }
}

impl Instruction {
    /// An instruction with nothing set yet.
    pub fn new() -> Self {
        Self::default()
    }

    setters! {
        /// Sets why the money is sent.
        purpose: String,
        /// Sets who pays the fees.
        charge_bearer: ChargeBearer,
        /// Sets whether the bank may repair the payment details.
        repair = bool,
        /// Sets the bank network.
        scheme: InstructionScheme,
        /// Sets the foreign exchange quote.
        quote_id: String,
        /// Sets the funds transfer type of a card payout.
        funds_transfer_type: String,
    }

    extra_setter!();
}

crate::redact::redacted_json_debug!(Instruction);
