//! The `POST /payments` body: JSON parsing and the field-level validation behind its 422s.
//!
//! Everything here is pure: checks that need the ledger (does this token exist?) are made when the
//! payment is created.

use checkout_sdk_core::id::{CustomerId, SourceId};
use serde_json::{Map, Value};

use crate::retries::{self, RetryOptions};
use crate::validation::{
    absent, optional_bool, optional_bounded_object, optional_metadata, optional_text, parse_object, processing_channel,
    required_currency, Errors, Reject, MAX_CONTACT_BYTES, MAX_DESCRIPTION, MAX_REFERENCE, MAX_URL,
};
use crate::vault::{card_fields, check_cvv, CardInput};

/// The `source` of a payment request.
#[derive(Clone)]
pub(crate) enum SourceInput {
    /// `{"type": "card", ...}`
    Card(CardInput),
    /// `{"type": "token", "token": "tok_..."}`
    Token { token: String, billing_address: Option<Value>, phone: Option<Value> },
    /// `{"type": "id", "id": "src_..."}`
    Id { id: String },
    /// `{"type": "customer", "id": "cus_..." | "email": ...}`
    Customer { id: Option<String>, email: Option<String> },
    /// Any other type: an alternative payment method, with its echoed details (`bic`,
    /// `description`).
    Apm { kind: String, details: Map<String, Value> },
}

/// The `customer` object of a payment request.
#[derive(Debug, Clone, Default)]
pub(crate) struct CustomerInput {
    pub(crate) id: Option<String>,
    pub(crate) email: Option<String>,
    pub(crate) name: Option<String>,
}

/// A checked `POST /payments` body.
#[derive(Clone)]
pub(crate) struct PaymentInput {
    pub(crate) amount: u64,
    pub(crate) currency: String,
    pub(crate) source: SourceInput,
    pub(crate) reference: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) metadata: Option<Value>,
    pub(crate) customer: Option<CustomerInput>,
    pub(crate) three_ds: bool,
    pub(crate) attempt_n3d: bool,
    pub(crate) risk_enabled: bool,
    pub(crate) payment_type: String,
    pub(crate) success_url: Option<String>,
    pub(crate) failure_url: Option<String>,
    /// `authorization_type: Estimated`: incremental authorizations may raise the amount.
    pub(crate) estimated: bool,
    pub(crate) merchant_initiated: bool,
    /// The `retry` options, if any.
    pub(crate) retry: Option<RetryOptions>,
}

fn is_source_type(kind: &str) -> bool {
    let b = kind.as_bytes();
    (1..=32).contains(&b.len())
        && b.first().is_some_and(u8::is_ascii_lowercase)
        && b.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'_')
}

fn email(value: &str) -> bool {
    value.len() <= 254
        && value.split_once('@').is_some_and(|(user, host)| !user.is_empty() && host.contains('.'))
        && !value.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn parse_source(obj: &Map<String, Value>, now: i64, errors: &mut Errors) -> Option<SourceInput> {
    let kind = match obj.get("type") {
        None | Some(Value::Null) => {
            errors.push("payment_source_type_required");
            return None;
        }
        Some(Value::String(kind)) if is_source_type(kind) => kind.as_str(),
        Some(_) => {
            errors.push("payment_source_type_invalid");
            return None;
        }
    };
    match kind {
        "card" => card_fields(obj, now, errors).map(SourceInput::Card),
        "token" => {
            let token = match obj.get("token") {
                None | Some(Value::Null) => {
                    errors.push("token_required");
                    None
                }
                Some(Value::String(t)) if t.starts_with("tok_") && t.len() <= 128 => Some(t.clone()),
                Some(_) => {
                    errors.push("token_invalid");
                    None
                }
            };
            let billing_address =
                optional_bounded_object(obj, "billing_address", MAX_CONTACT_BYTES, "address_invalid", errors);
            let phone = optional_bounded_object(obj, "phone", MAX_CONTACT_BYTES, "phone_number_invalid", errors);
            Some(SourceInput::Token { token: token?, billing_address, phone })
        }
        "id" => {
            check_cvv(obj, errors);
            match obj.get("id") {
                None | Some(Value::Null) => {
                    errors.push("source_id_required");
                    None
                }
                Some(Value::String(id)) if SourceId::new(id.as_str()).is_ok() => {
                    Some(SourceInput::Id { id: id.clone() })
                }
                Some(_) => {
                    errors.push("source_id_invalid");
                    None
                }
            }
        }
        "customer" => {
            let id = match obj.get("id") {
                None | Some(Value::Null) => None,
                Some(Value::String(id)) if CustomerId::new(id.as_str()).is_ok() => Some(id.clone()),
                Some(_) => {
                    errors.push("customer_id_invalid");
                    return None;
                }
            };
            let email = match obj.get("email") {
                None | Some(Value::Null) => None,
                Some(Value::String(e)) if email(e) => Some(e.clone()),
                Some(_) => {
                    errors.push("customer_email_invalid");
                    return None;
                }
            };
            if id.is_none() && email.is_none() {
                errors.push("customer_id_required");
                return None;
            }
            Some(SourceInput::Customer { id, email })
        }
        apm => {
            let mut details = Map::new();
            if let Some(bic) = optional_text(obj, "bic", 11, "bic_invalid", errors) {
                if (bic.len() == 8 || bic.len() == 11) && bic.bytes().all(|b| b.is_ascii_alphanumeric()) {
                    details.insert("bic".into(), Value::String(bic));
                } else {
                    errors.push("bic_invalid");
                }
            }
            if let Some(description) = optional_text(obj, "description", 255, "description_invalid", errors) {
                details.insert("description".into(), Value::String(description));
            }
            Some(SourceInput::Apm { kind: apm.to_string(), details })
        }
    }
}

fn parse_customer(value: Option<&Value>, errors: &mut Errors) -> Option<CustomerInput> {
    let obj = match value {
        None | Some(Value::Null) => return None,
        Some(Value::Object(obj)) => obj,
        Some(_) => {
            errors.push("customer_invalid");
            return None;
        }
    };
    let mut customer = CustomerInput::default();
    match obj.get("id") {
        None | Some(Value::Null) => {}
        Some(Value::String(id)) if CustomerId::new(id.as_str()).is_ok() => customer.id = Some(id.clone()),
        Some(_) => errors.push("customer_id_invalid"),
    }
    match obj.get("email") {
        None | Some(Value::Null) => {}
        Some(Value::String(e)) if email(e) => customer.email = Some(e.clone()),
        Some(_) => errors.push("customer_email_invalid"),
    }
    customer.name = optional_text(obj, "name", 255, "customer_name_invalid", errors);
    Some(customer)
}

fn redirect_url(obj: &Map<String, Value>, field: &str, code: &'static str, errors: &mut Errors) -> Option<String> {
    let url = optional_text(obj, field, MAX_URL, code, errors)?;
    let lower = url.to_ascii_lowercase();
    let ok = (lower.starts_with("https://") || lower.starts_with("http://"))
        && url.len() > "http://".len()
        && url.bytes().all(|b| b.is_ascii_graphic());
    if ok {
        Some(url)
    } else {
        errors.push(code);
        None
    }
}

/// Parses and checks a `POST /payments` body against the simulator clock `now`; `needs_channel`
/// when the caller's account requires a processing channel.
pub(crate) fn parse_payment(body: &[u8], now: i64, needs_channel: bool) -> Result<PaymentInput, Reject> {
    let obj = parse_object(body, false)?;
    let mut errors = Errors::default();

    let amount = obj.get("amount").and_then(Value::as_u64);
    if amount.is_none() {
        errors.push("amount_invalid");
    }
    let currency = required_currency(&obj, &mut errors);
    let source = match obj.get("source") {
        Some(Value::Object(source)) => parse_source(source, now, &mut errors),
        _ => {
            errors.push("payment_source_required");
            None
        }
    };
    let reference = optional_text(&obj, "reference", MAX_REFERENCE, "reference_invalid", &mut errors);
    let description = optional_text(&obj, "description", MAX_DESCRIPTION, "description_invalid", &mut errors);
    let metadata = optional_metadata(&obj, &mut errors);
    let customer = parse_customer(obj.get("customer"), &mut errors);
    let (three_ds, attempt_n3d) = match obj.get("3ds") {
        None | Some(Value::Null) => (false, false),
        Some(Value::Bool(enabled)) => (*enabled, false),
        Some(Value::Object(tds)) => (
            optional_bool(tds, "enabled", false, "3ds_invalid", &mut errors),
            optional_bool(tds, "attempt_n3d", false, "3ds_invalid", &mut errors),
        ),
        Some(_) => {
            errors.push("3ds_invalid");
            (false, false)
        }
    };
    let risk_enabled = match obj.get("risk") {
        None | Some(Value::Null) => true,
        Some(Value::Object(risk)) => optional_bool(risk, "enabled", true, "risk_invalid", &mut errors),
        Some(_) => {
            errors.push("risk_invalid");
            true
        }
    };
    let payment_type = match obj.get("payment_type") {
        None | Some(Value::Null) => "Regular".to_string(),
        Some(Value::String(t))
            if matches!(t.as_str(), "Regular" | "Recurring" | "MOTO" | "Installment" | "Unscheduled" | "PayLater") =>
        {
            t.clone()
        }
        Some(_) => {
            errors.push("payment_type_invalid");
            "Regular".to_string()
        }
    };
    let success_url = redirect_url(&obj, "success_url", "success_url_invalid", &mut errors);
    let failure_url = redirect_url(&obj, "failure_url", "failure_url_invalid", &mut errors);
    let estimated = match obj.get("authorization_type") {
        None | Some(Value::Null) => false,
        Some(Value::String(t)) if matches!(t.as_str(), "Final" | "Estimated" | "Incremental") => t == "Estimated",
        Some(_) => {
            errors.push("authorization_type_invalid");
            false
        }
    };
    let merchant_initiated =
        optional_bool(&obj, "merchant_initiated", false, "merchant_initiated_invalid", &mut errors);
    let retry = retries::parse_options(obj.get("retry"), &mut errors);
    processing_channel(&obj, needs_channel, &mut errors);

    // Rules that depend on the kind of source.
    if let Some(SourceInput::Apm { kind, .. }) = &source {
        if reference.is_none() && absent(obj.get("reference")) {
            errors.push("reference_required");
        }
        if amount == Some(0) {
            errors.push("amount_invalid");
        }
        if kind == "ideal" && currency.as_deref().is_some_and(|c| c != "EUR") {
            errors.push("currency_not_supported");
        }
    }

    match (amount, currency, source) {
        (Some(amount), Some(currency), Some(source)) if errors.is_empty() => Ok(PaymentInput {
            amount,
            currency,
            source,
            reference,
            description,
            metadata,
            customer,
            three_ds,
            attempt_n3d,
            risk_enabled,
            payment_type,
            success_url,
            failure_url,
            estimated,
            merchant_initiated,
            retry,
        }),
        _ => {
            if errors.is_empty() {
                // Unreachable in practice: every missing part pushed a code. Stay safe anyway.
                errors.push("request_invalid");
            }
            Err(errors.into_reject())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock;
    use serde_json::json;

    const NOW: i64 = clock::SEEDED_EPOCH;

    fn codes(body: Value) -> Vec<&'static str> {
        match parse_payment(body.to_string().as_bytes(), NOW, false) {
            Err(Reject::Invalid(codes)) => codes,
            Err(Reject::Malformed) => vec!["<malformed>"],
            Ok(_) => vec![],
        }
    }

    fn card() -> Value {
        json!({"type": "card", "number": "4242424242424242", "expiry_month": 12, "expiry_year": 2030, "cvv": "100"})
    }

    #[test]
    fn a_valid_card_payment_parses() {
        assert_eq!(codes(json!({"amount": 100, "currency": "usd", "source": card()})), Vec::<&str>::new());
        let p =
            parse_payment(json!({"amount": 0, "currency": "GBP", "source": card()}).to_string().as_bytes(), NOW, false);
        assert!(matches!(p, Ok(PaymentInput { amount: 0, .. })));
    }

    #[test]
    fn field_errors_are_collected() {
        assert_eq!(codes(json!({"currency": "USD", "source": card()})), ["amount_invalid"]);
        assert_eq!(codes(json!({"amount": -1, "currency": "USD", "source": card()})), ["amount_invalid"]);
        assert_eq!(codes(json!({"amount": 1.5, "currency": "USD", "source": card()})), ["amount_invalid"]);
        assert_eq!(codes(json!({"amount": "10", "currency": "USD", "source": card()})), ["amount_invalid"]);
        assert_eq!(codes(json!({"amount": 1, "source": card()})), ["currency_required"]);
        assert_eq!(codes(json!({"amount": 1, "currency": "ABC", "source": card()})), ["currency_invalid"]);
        assert_eq!(codes(json!({"amount": 1, "currency": 840, "source": card()})), ["currency_invalid"]);
        assert_eq!(codes(json!({"amount": 1, "currency": "USD"})), ["payment_source_required"]);
        assert_eq!(codes(json!({})), ["amount_invalid", "currency_required", "payment_source_required"]);
        let mut c = card();
        c["expiry_year"] = json!(2025);
        assert_eq!(codes(json!({"amount": 1, "currency": "USD", "source": c})), ["card_expired"]);
        let mut c = card();
        c["expiry_month"] = json!(13);
        c["cvv"] = json!(100);
        assert_eq!(
            codes(json!({"amount": 1, "currency": "USD", "source": c})),
            ["card_expiry_month_invalid", "cvv_invalid"]
        );
        assert_eq!(parse_payment(b"[1]", NOW, false).err(), Some(Reject::Malformed));
        assert_eq!(parse_payment(b"", NOW, false).err(), Some(Reject::Malformed));
    }

    #[test]
    fn accounts_with_processing_channels_must_name_one() {
        let body = json!({"amount": 100, "currency": "USD", "source": card()}).to_string();
        let codes = |body: &str, needs: bool| match parse_payment(body.as_bytes(), NOW, needs) {
            Err(Reject::Invalid(codes)) => codes,
            _ => vec![],
        };
        assert_eq!(codes(&body, true), ["processing_channel_id_required"]);
        assert_eq!(codes(&body, false), Vec::<&str>::new());
        let named = json!({"amount": 100, "currency": "USD", "source": card(), "processing_channel_id": "pc_x"});
        assert_eq!(codes(&named.to_string(), true), Vec::<&str>::new());
        let bad = json!({"amount": 100, "currency": "USD", "source": card(), "processing_channel_id": "ch_x"});
        assert_eq!(codes(&bad.to_string(), false), ["processing_channel_id_invalid"]);
        assert_eq!(codes("{}", true).last(), Some(&"processing_channel_id_required"));
    }
}
