//! Field validation shared by every route family: JSON bodies, optional fields, and the error codes
//! they collect for a 422.
//!
//! Everything here is pure: checks that need the simulator's state (does this token exist?) live
//! with the route family that owns that state.

use checkout_sdk_core::id::ProcessingChannelId;
use serde_json::{Map, Value};

use crate::reply::Reply;

/// Longest `reference` (payments and their actions): the API reference's `maxLength`.
pub(crate) const MAX_REFERENCE: usize = 50;
/// Longest payment `description`: the API reference's `maxLength`.
pub(crate) const MAX_DESCRIPTION: usize = 100;
/// Longest `success_url` and `failure_url`: the API reference's `maxLength`.
pub(crate) const MAX_URL: usize = 255;
/// Longest `metadata` object, as compact JSON: the simulator's own rule (the API documents none).
pub(crate) const MAX_METADATA_BYTES: usize = 8 * 1024;
/// Longest metadata key: the simulator's own rule.
pub(crate) const MAX_METADATA_KEY: usize = 100;
/// Longest `billing_address` or `phone` object, as compact JSON: the simulator's own rule (the
/// API's fields inside them add up to less).
pub(crate) const MAX_CONTACT_BYTES: usize = 1024;

/// Why a body was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Reject {
    /// Not JSON, or not a JSON object: 422 `request_malformed`.
    Malformed,
    /// 422 `request_invalid` with these codes.
    Invalid(Vec<&'static str>),
}

impl Reject {
    /// The 422 reply for this rejection.
    pub(crate) fn reply(self, request_id: &str) -> Reply {
        match self {
            Reject::Malformed => Reply::malformed(request_id),
            Reject::Invalid(codes) => Reply::invalid(request_id, &codes),
        }
    }
}

/// Collected `error_codes`, without duplicates, in the order found.
#[derive(Debug, Default)]
pub(crate) struct Errors(Vec<&'static str>);

impl Errors {
    pub(crate) fn push(&mut self, code: &'static str) {
        if !self.0.contains(&code) {
            self.0.push(code);
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn into_reject(self) -> Reject {
        Reject::Invalid(self.0)
    }
}

/// Parses a JSON object body; `optional` bodies may also be empty or `null`.
pub(crate) fn parse_object(body: &[u8], optional: bool) -> Result<Map<String, Value>, Reject> {
    if optional && body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(Value::Null) if optional => Ok(Map::new()),
        _ => Err(Reject::Malformed),
    }
}

/// A field that is absent or `null`.
pub(crate) fn absent(value: Option<&Value>) -> bool {
    matches!(value, None | Some(Value::Null))
}

/// An optional string field of at most `max` bytes; anything else adds `code`.
pub(crate) fn optional_text(
    obj: &Map<String, Value>,
    field: &str,
    max: usize,
    code: &'static str,
    errors: &mut Errors,
) -> Option<String> {
    match obj.get(field) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.len() <= max && !s.chars().any(char::is_control) => Some(s.clone()),
        Some(_) => {
            errors.push(code);
            None
        }
    }
}

/// An optional object field; anything else adds `code`.
pub(crate) fn optional_object(
    obj: &Map<String, Value>,
    field: &str,
    code: &'static str,
    errors: &mut Errors,
) -> Option<Value> {
    match obj.get(field) {
        None | Some(Value::Null) => None,
        Some(v @ Value::Object(_)) => Some(v.clone()),
        Some(_) => {
            errors.push(code);
            None
        }
    }
}

/// An optional object field of at most `max` bytes as compact JSON; anything else adds `code`.
pub(crate) fn optional_bounded_object(
    obj: &Map<String, Value>,
    field: &str,
    max: usize,
    code: &'static str,
    errors: &mut Errors,
) -> Option<Value> {
    let value = optional_object(obj, field, code, errors)?;
    if json_len(&value) > max {
        errors.push(code);
        return None;
    }
    Some(value)
}

/// An optional `metadata` object: at most [`MAX_METADATA_BYTES`] as compact JSON
/// (`metadata_invalid`, as is anything but an object), keys of 1 to [`MAX_METADATA_KEY`]
/// characters without control characters (`metadata_key_invalid`). Values may be nested.
pub(crate) fn optional_metadata(obj: &Map<String, Value>, errors: &mut Errors) -> Option<Value> {
    let metadata = optional_bounded_object(obj, "metadata", MAX_METADATA_BYTES, "metadata_invalid", errors)?;
    let keys_ok = metadata.as_object().is_some_and(|map| {
        map.keys().all(|k| !k.is_empty() && k.chars().count() <= MAX_METADATA_KEY && !k.chars().any(char::is_control))
    });
    if !keys_ok {
        errors.push("metadata_key_invalid");
        return None;
    }
    Some(metadata)
}

/// The length of `value` as compact JSON, without building the text.
fn json_len(value: &Value) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0 += bytes.len();
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    // Writing a `Value` to a sink that never fails cannot fail; count it as too long if it did.
    match serde_json::to_writer(&mut count, value) {
        Ok(()) => count.0,
        Err(_) => usize::MAX,
    }
}

/// Checks `processing_channel_id`: a `pc_` id when present (`processing_channel_id_invalid`), and
/// present when `required` (`processing_channel_id_required`): accounts set up with processing
/// channels must name one on every payment and payout.
pub(crate) fn processing_channel(obj: &Map<String, Value>, required: bool, errors: &mut Errors) {
    match obj.get("processing_channel_id") {
        None | Some(Value::Null) if required => errors.push("processing_channel_id_required"),
        None | Some(Value::Null) => {}
        Some(Value::String(id)) if ProcessingChannelId::new(id.as_str()).is_ok() => {}
        Some(_) => errors.push("processing_channel_id_invalid"),
    }
}

/// The required `currency`, upper-cased: `currency_required` when absent, `currency_invalid`
/// when not a code the simulator knows.
pub(crate) fn required_currency(obj: &Map<String, Value>, errors: &mut Errors) -> Option<String> {
    match obj.get("currency") {
        None | Some(Value::Null) => {
            errors.push("currency_required");
            None
        }
        Some(value) => {
            let currency = value.as_str().and_then(crate::rules::currency);
            if currency.is_none() {
                errors.push("currency_invalid");
            }
            currency
        }
    }
}

/// An optional boolean field (default `default`); anything else adds `code`.
pub(crate) fn optional_bool(
    obj: &Map<String, Value>,
    field: &str,
    default: bool,
    code: &'static str,
    errors: &mut Errors,
) -> bool {
    match obj.get(field) {
        None | Some(Value::Null) => default,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            errors.push(code);
            default
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optional_bodies_may_be_empty_or_null() {
        assert_eq!(parse_object(b"", true), Ok(Map::new()));
        assert_eq!(parse_object(b" null ", true), Ok(Map::new()));
        assert_eq!(parse_object(b"", false), Err(Reject::Malformed));
        assert_eq!(parse_object(b"[1]", true), Err(Reject::Malformed));
    }

    #[test]
    fn metadata_is_bounded_by_size_and_key() {
        let check = |metadata: Value| {
            let mut errors = Errors::default();
            let obj = serde_json::json!({ "metadata": metadata });
            let kept = optional_metadata(obj.as_object().unwrap(), &mut errors);
            (kept.is_some(), errors.into_reject())
        };
        let ok = Reject::Invalid(vec![]);
        assert_eq!(check(serde_json::json!({"coupon": "NY2018", "items": [{"key1": "value1"}]})), (true, ok.clone()));
        let big = "x".repeat(MAX_METADATA_BYTES - 12);
        assert_eq!(check(serde_json::json!({ "k": big })), (true, ok));
        let too_big = "x".repeat(MAX_METADATA_BYTES);
        assert_eq!(check(serde_json::json!({ "k": too_big })), (false, Reject::Invalid(vec!["metadata_invalid"])));
        assert_eq!(check(serde_json::json!([1])), (false, Reject::Invalid(vec!["metadata_invalid"])));
        for key in [String::new(), "k".repeat(MAX_METADATA_KEY + 1), "a\u{0}b".into()] {
            let mut map = Map::new();
            map.insert(key, Value::Bool(true));
            assert_eq!(check(Value::Object(map)), (false, Reject::Invalid(vec!["metadata_key_invalid"])));
        }
    }

    #[test]
    fn errors_keep_the_first_occurrence_of_each_code() {
        let mut errors = Errors::default();
        errors.push("a_invalid");
        errors.push("b_invalid");
        errors.push("a_invalid");
        assert_eq!(errors.into_reject(), Reject::Invalid(vec!["a_invalid", "b_invalid"]));
    }
}
