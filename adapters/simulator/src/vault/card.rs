//! Cards: the details a card source or `POST /tokens` sends, checked, and the card the vault keeps.
//!
//! Card numbers are kept in memory (a token or a stored source must be payable later) but no
//! rendering here ever includes more than the BIN and the last four digits, and no cvv is kept at
//! all.

use serde_json::{json, Map, Value};

use crate::clock;
use crate::ids;
use crate::retention::{optional_json_weight, optional_text_weight, text_weight, Weigh};
use crate::rules;
use crate::validation::{optional_bounded_object, optional_text, Errors, MAX_CONTACT_BYTES};

/// Card details as sent in a `card` source or to `POST /tokens`, checked.
#[derive(Clone)]
pub(crate) struct CardInput {
    /// The full number: kept in memory to pay with, never echoed.
    pub(crate) number: String,
    pub(crate) expiry_month: u32,
    pub(crate) expiry_year: u32,
    pub(crate) name: Option<String>,
    pub(crate) billing_address: Option<Value>,
    pub(crate) phone: Option<Value>,
}

/// Whether a card expiring at the end of `month`/`year` has expired at `now`.
pub(crate) fn is_expired(month: u32, year: u32, now: i64) -> bool {
    (i64::from(year), month) < clock::year_month(now)
}

/// Checks card fields (`number`, `expiry_month`, `expiry_year`, `cvv`, `name`,
/// `billing_address`, `phone`) against the simulator clock `now`.
pub(crate) fn card_fields(obj: &Map<String, Value>, now: i64, errors: &mut Errors) -> Option<CardInput> {
    let number = match obj.get("number") {
        None | Some(Value::Null) => {
            errors.push("card_number_required");
            None
        }
        Some(Value::String(s)) if (12..=19).contains(&s.len()) && rules::luhn(s) => Some(s.clone()),
        Some(_) => {
            errors.push("card_number_invalid");
            None
        }
    };
    let expiry_month = match obj.get("expiry_month") {
        None | Some(Value::Null) => {
            errors.push("card_expiry_month_required");
            None
        }
        Some(v) => {
            let month = v.as_u64().filter(|m| (1..=12).contains(m)).and_then(|m| u32::try_from(m).ok());
            if month.is_none() {
                errors.push("card_expiry_month_invalid");
            }
            month
        }
    };
    let expiry_year = match obj.get("expiry_year") {
        None | Some(Value::Null) => {
            errors.push("card_expiry_year_required");
            None
        }
        Some(v) => {
            let year = v.as_u64().filter(|y| (1000..=9999).contains(y)).and_then(|y| u32::try_from(y).ok());
            if year.is_none() {
                errors.push("card_expiry_year_invalid");
            }
            year
        }
    };
    if let (Some(month), Some(year)) = (expiry_month, expiry_year) {
        if is_expired(month, year, now) {
            errors.push("card_expired");
        }
    }
    check_cvv(obj, errors);
    let name = optional_text(obj, "name", 255, "card_holder_name_invalid", errors);
    let billing_address = optional_bounded_object(obj, "billing_address", MAX_CONTACT_BYTES, "address_invalid", errors);
    let phone = optional_bounded_object(obj, "phone", MAX_CONTACT_BYTES, "phone_number_invalid", errors);
    Some(CardInput {
        number: number?,
        expiry_month: expiry_month?,
        expiry_year: expiry_year?,
        name,
        billing_address,
        phone,
    })
}

/// An optional `cvv`: a string of 3 or 4 digits. It is checked and then forgotten.
pub(crate) fn check_cvv(obj: &Map<String, Value>, errors: &mut Errors) {
    match obj.get("cvv") {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) if (3..=4).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) => {}
        Some(_) => errors.push("cvv_invalid"),
    }
}

/// A card the simulator can charge.
#[derive(Clone)]
pub(crate) struct Card {
    number: String,
    pub(crate) expiry_month: u32,
    pub(crate) expiry_year: u32,
    pub(crate) name: Option<String>,
    pub(crate) billing_address: Option<Value>,
    pub(crate) phone: Option<Value>,
    pub(crate) fingerprint: String,
}

impl Weigh for Card {
    fn weight(&self) -> usize {
        size_of::<Card>()
            + text_weight(&self.number)
            + optional_text_weight(self.name.as_ref())
            + optional_json_weight(self.billing_address.as_ref())
            + optional_json_weight(self.phone.as_ref())
            + text_weight(&self.fingerprint)
    }
}

impl Card {
    pub(crate) fn new(input: CardInput) -> Self {
        let fingerprint = ids::card_fingerprint(&input.number);
        Card {
            number: input.number,
            expiry_month: input.expiry_month,
            expiry_year: input.expiry_year,
            name: input.name,
            billing_address: input.billing_address,
            phone: input.phone,
            fingerprint,
        }
    }

    /// The full number, for the rules that look at it. Never rendered.
    pub(crate) fn number(&self) -> &str {
        &self.number
    }

    /// Whether the number is one the API would accept (tokens made in Rust are not checked).
    pub(crate) fn number_is_valid(&self) -> bool {
        (12..=19).contains(&self.number.len()) && rules::luhn(&self.number)
    }

    pub(crate) fn is_expired(&self, now: i64) -> bool {
        !(1..=12).contains(&self.expiry_month) || is_expired(self.expiry_month, self.expiry_year, now)
    }

    fn bin(&self) -> &str {
        self.number.get(..6).unwrap_or_default()
    }

    fn last4(&self) -> &str {
        self.number.get(self.number.len().saturating_sub(4)..).unwrap_or_default()
    }

    fn scheme(&self) -> &'static str {
        rules::scheme(&self.number)
    }

    /// The fields shared by payment sources and token responses.
    pub(crate) fn describe(&self, out: &mut Map<String, Value>) {
        out.insert("expiry_month".into(), json!(self.expiry_month));
        out.insert("expiry_year".into(), json!(self.expiry_year));
        out.insert("scheme".into(), json!(self.scheme()));
        out.insert("last4".into(), json!(self.last4()));
        out.insert("bin".into(), json!(self.bin()));
        out.insert("card_type".into(), json!("Credit"));
        out.insert("card_category".into(), json!("Consumer"));
        if let Some(name) = &self.name {
            out.insert("name".into(), json!(name));
        }
        if let Some(address) = &self.billing_address {
            out.insert("billing_address".into(), address.clone());
        }
        if let Some(phone) = &self.phone {
            out.insert("phone".into(), phone.clone());
        }
    }

    /// The payment's `source` object; `id` is the `src_` id once there is one.
    pub(crate) fn source_json(&self, id: Option<&str>) -> Value {
        let mut out = Map::new();
        out.insert("type".into(), json!("card"));
        if let Some(id) = id {
            out.insert("id".into(), json!(id));
        }
        self.describe(&mut out);
        out.insert("fingerprint".into(), json!(self.fingerprint));
        Value::Object(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_current_month_has_not_expired() {
        assert!(!is_expired(1, 2026, clock::SEEDED_EPOCH));
        assert!(is_expired(12, 2025, clock::SEEDED_EPOCH));
    }
}
