//! The payout body (`POST /payments` with a `destination`): parsing and the field checks behind
//! its 422s. Checks that need the vault (does this token exist?) are made when the payout is
//! created.

use serde_json::{json, Map, Value};

use crate::validation::{
    optional_bounded_object, optional_metadata, optional_text, parse_object, processing_channel, required_currency,
    Errors, Reject, MAX_CONTACT_BYTES,
};
use crate::vault::{card_fields, CardInput};

/// The longest payout `reference` (the API reference's, longer than a payment's).
const MAX_PAYOUT_REFERENCE: usize = 80;

/// Where a payout goes, checked.
pub(super) enum DestinationInput {
    /// A bank account: what the payout shows of it (no account number or IBAN).
    BankAccount(Value),
    /// A card by its details.
    Card(CardInput),
    /// A stored source (`src_…`).
    Id(String),
    /// A card token (`tok_…`).
    Token(String),
}

/// A checked payout body.
pub(super) struct PayoutInput {
    pub(super) amount: u64,
    pub(super) currency: String,
    pub(super) destination: DestinationInput,
    pub(super) source: Option<Value>,
    pub(super) reference: Option<String>,
    pub(super) metadata: Option<Value>,
    pub(super) processing_channel_id: Option<String>,
}

/// Parses and checks a payout body against the simulator clock `now`; `needs_channel` when the
/// caller's account requires a processing channel.
pub(super) fn parse_payout(body: &[u8], now: i64, needs_channel: bool) -> Result<PayoutInput, Reject> {
    let obj = parse_object(body, false)?;
    let mut errors = Errors::default();
    let amount = obj.get("amount").and_then(Value::as_u64).filter(|a| *a > 0);
    if amount.is_none() {
        errors.push("amount_invalid");
    }
    let currency = required_currency(&obj, &mut errors);
    let destination = match obj.get("destination") {
        Some(Value::Object(destination)) => parse_destination(destination, now, &mut errors),
        _ => {
            errors.push("destination_invalid");
            None
        }
    };
    let source = parse_source(obj.get("source"), &mut errors);
    let reference = optional_text(&obj, "reference", MAX_PAYOUT_REFERENCE, "reference_invalid", &mut errors);
    let metadata = optional_metadata(&obj, &mut errors);
    processing_channel(&obj, needs_channel, &mut errors);
    let processing_channel_id = obj.get("processing_channel_id").and_then(Value::as_str).map(String::from);
    match (amount, currency, destination) {
        (Some(amount), Some(currency), Some(destination)) if errors.is_empty() => {
            Ok(PayoutInput { amount, currency, destination, source, reference, metadata, processing_channel_id })
        }
        _ => {
            if errors.is_empty() {
                // Unreachable in practice: every missing part pushed a code. Stay safe anyway.
                errors.push("request_invalid");
            }
            Err(errors.into_reject())
        }
    }
}

fn parse_destination(obj: &Map<String, Value>, now: i64, errors: &mut Errors) -> Option<DestinationInput> {
    let kind = match obj.get("type") {
        None | Some(Value::Null) => {
            errors.push("destination_type_required");
            return None;
        }
        Some(Value::String(kind)) => kind.as_str(),
        Some(_) => {
            errors.push("destination_type_invalid");
            return None;
        }
    };
    match kind {
        "bank_account" => bank_account(obj, errors).map(DestinationInput::BankAccount),
        "card" => card_fields(obj, now, errors).map(DestinationInput::Card),
        "id" => match obj.get("id") {
            Some(Value::String(id)) if id.starts_with("src_") && id.len() <= 128 => {
                Some(DestinationInput::Id(id.clone()))
            }
            _ => {
                errors.push("destination_id_invalid");
                None
            }
        },
        "token" => match obj.get("token") {
            None | Some(Value::Null) => {
                errors.push("token_required");
                None
            }
            Some(Value::String(token)) if token.starts_with("tok_") && token.len() <= 128 => {
                Some(DestinationInput::Token(token.clone()))
            }
            Some(_) => {
                errors.push("token_invalid");
                None
            }
        },
        _ => {
            errors.push("destination_type_invalid");
            None
        }
    }
}

/// A bank account destination: a country (two upper-case letters) and an account number or IBAN
/// (1-34 letters and digits). What the payout shows of it leaves both numbers out.
fn bank_account(obj: &Map<String, Value>, errors: &mut Errors) -> Option<Value> {
    let before = errors.is_empty();
    let country = obj
        .get("country")
        .and_then(Value::as_str)
        .filter(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()));
    if country.is_none() {
        errors.push("destination_country_invalid");
    }
    let number = |field: &str| obj.get(field).filter(|v| !v.is_null());
    let numbers = [number("account_number"), number("iban")];
    if numbers.iter().all(Option::is_none) {
        errors.push("destination_account_number_required");
    }
    let well_formed = |v: &Value| {
        v.as_str().is_some_and(|n| (1..=34).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_alphanumeric()))
    };
    if numbers.iter().flatten().any(|v| !well_formed(v)) {
        errors.push("destination_account_number_invalid");
    }
    let mut shown = Map::new();
    shown.insert("type".into(), json!("bank_account"));
    shown.insert("country".into(), json!(country?));
    for field in ["account_type", "bank_code", "branch_code", "swift_bic"] {
        if let Some(value) = optional_text(obj, field, 64, "destination_invalid", errors) {
            shown.insert(field.into(), json!(value));
        }
    }
    if let Some(holder) =
        optional_bounded_object(obj, "account_holder", MAX_CONTACT_BYTES, "destination_invalid", errors)
    {
        shown.insert("account_holder".into(), holder);
    }
    (before && errors.is_empty()).then_some(Value::Object(shown))
}

/// The optional `source`: a currency account (`ca_…`) or an entity (`ent_…`), echoed.
fn parse_source(value: Option<&Value>, errors: &mut Errors) -> Option<Value> {
    let obj = match value {
        None | Some(Value::Null) => return None,
        Some(Value::Object(obj)) => obj,
        Some(_) => {
            errors.push("source_invalid");
            return None;
        }
    };
    let prefix = match obj.get("type").and_then(Value::as_str) {
        Some("currency_account") => "ca_",
        Some("entity") => "ent_",
        _ => {
            errors.push("source_type_invalid");
            return None;
        }
    };
    match obj.get("id").and_then(Value::as_str) {
        Some(id)
            if id.starts_with(prefix)
                && id.len() <= 128
                && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') =>
        {
            Some(json!({ "type": obj.get("type"), "id": id }))
        }
        _ => {
            errors.push("source_id_invalid");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::SEEDED_EPOCH;

    fn codes(body: Value) -> Vec<&'static str> {
        match parse_payout(body.to_string().as_bytes(), SEEDED_EPOCH, false) {
            Err(Reject::Invalid(codes)) => codes,
            Err(Reject::Malformed) => vec!["<malformed>"],
            Ok(_) => vec![],
        }
    }

    fn bank() -> Value {
        json!({"type": "bank_account", "country": "GB", "account_number": "13654567", "bank_code": "050389"})
    }

    #[test]
    fn a_bank_payout_parses_and_hides_the_account_number() {
        let body = json!({"amount": 1000, "currency": "GBP", "destination": bank(), "reference": "PO-1",
            "source": {"type": "currency_account", "id": "ca_y3oqhf46pyzuxjbcn2giaqnb44"}});
        let Ok(input) = parse_payout(body.to_string().as_bytes(), SEEDED_EPOCH, false) else { panic!("valid") };
        let DestinationInput::BankAccount(shown) = input.destination else { panic!("a bank account") };
        assert_eq!(shown, json!({"type": "bank_account", "country": "GB", "bank_code": "050389"}));
        assert_eq!(input.source, Some(json!({"type": "currency_account", "id": "ca_y3oqhf46pyzuxjbcn2giaqnb44"})));
    }

    #[test]
    fn payout_field_errors_are_collected() {
        assert_eq!(codes(json!({"currency": "GBP", "destination": bank()})), ["amount_invalid"]);
        assert_eq!(codes(json!({"amount": 0, "currency": "GBP", "destination": bank()})), ["amount_invalid"]);
        assert_eq!(codes(json!({"amount": 1, "destination": bank()})), ["currency_required"]);
        assert_eq!(codes(json!({"amount": 1, "currency": "GBP", "destination": "x"})), ["destination_invalid"]);
        assert_eq!(codes(json!({"amount": 1, "currency": "GBP", "destination": {}})), ["destination_type_required"]);
        assert_eq!(
            codes(json!({"amount": 1, "currency": "GBP", "destination": {"type": "wallet"}})),
            ["destination_type_invalid"]
        );
        assert_eq!(
            codes(json!({"amount": 1, "currency": "GBP", "destination": {"type": "bank_account", "country": "gb"}})),
            ["destination_country_invalid", "destination_account_number_required"]
        );
        assert_eq!(
            codes(
                json!({"amount": 1, "currency": "GBP", "destination": {"type": "bank_account", "country": "GB", "iban": "GB 1"}})
            ),
            ["destination_account_number_invalid"]
        );
        assert_eq!(
            codes(
                json!({"amount": 1, "currency": "GBP", "destination": {"type": "card", "number": "4242424242424241"}})
            ),
            ["card_number_invalid", "card_expiry_month_required", "card_expiry_year_required"]
        );
        assert_eq!(
            codes(json!({"amount": 1, "currency": "GBP", "destination": bank(), "source": {"type": "card"}})),
            ["source_type_invalid"]
        );
        assert_eq!(
            codes(json!({"amount": 1, "currency": "GBP", "destination": bank(), "reference": "x".repeat(81)})),
            ["reference_invalid"]
        );
        let body = json!({"amount": 1, "currency": "GBP", "destination": bank()}).to_string();
        assert!(matches!(
            parse_payout(body.as_bytes(), SEEDED_EPOCH, true),
            Err(Reject::Invalid(codes)) if codes == ["processing_channel_id_required"]
        ));
    }
}
