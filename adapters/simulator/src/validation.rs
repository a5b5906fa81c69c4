//! Field validation shared by every route family: JSON bodies, optional fields, and the error codes
//! they collect for a 422.
//!
//! Everything here is pure: checks that need the simulator's state (does this token exist?) live
//! with the route family that owns that state.

use serde_json::{Map, Value};

use crate::reply::Reply;

/// Longest `reference` the API accepts (payments and their actions).
pub(crate) const MAX_REFERENCE: usize = 50;

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
    fn errors_keep_the_first_occurrence_of_each_code() {
        let mut errors = Errors::default();
        errors.push("a_invalid");
        errors.push("b_invalid");
        errors.push("a_invalid");
        assert_eq!(errors.into_reject(), Reject::Invalid(vec!["a_invalid", "b_invalid"]));
    }
}
