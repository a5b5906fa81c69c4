//! Redaction of secrets and card data, shared by `Debug` impls, error messages, the fake
//! transport and cassettes: the one place that decides what is shown.
//!
//! The rule: secret keys and CVVs are replaced entirely; card numbers keep at most their last
//! four digits.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use serde_json::Value;

/// What replaces a secret.
pub const REDACTED: &str = "<redacted>";
/// What replaces a CVV.
pub const MASKED_CVV: &str = "***";

/// `************4242` for a card number; `****` for anything that is not one.
pub fn mask_pan(pan: &str) -> String {
    mask_card_number(pan).unwrap_or_else(|| "****".into())
}

/// The fewest characters after `sk_` for a token to count as a secret key.
const MIN_SECRET_KEY_BODY: usize = 12;

fn is_secret_key_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'*' | b'#' | b'$' | b'=')
}

/// Byte ranges of the `sk_...` tokens in `text`.
fn secret_key_spans(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut from = 0;
    while let Some(offset) = text[from..].find("sk_") {
        let start = from + offset;
        let at_boundary = start == 0 || !(bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_');
        let mut end = start + 3;
        while end < bytes.len() && is_secret_key_char(bytes[end]) {
            end += 1;
        }
        if at_boundary && end - (start + 3) >= MIN_SECRET_KEY_BODY {
            spans.push((start, end));
            from = end;
        } else {
            from = start + 3;
        }
    }
    spans
}

/// Whether `text` contains something that looks like a secret API key (`sk_` followed by at least
/// twelve key characters, e.g. `sk_sbox_...`, `sk_test_<uuid>`).
pub fn contains_secret_key(text: &str) -> bool {
    !secret_key_spans(text).is_empty()
}

/// Replaces every secret-key-looking token (`sk_...`) in `text` with `<redacted>`, keeping the
/// rest (useful for URLs and messages).
pub fn redact_secret_keys(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (start, end) in secret_key_spans(text) {
        out.push_str(&text[last..start]);
        out.push_str(REDACTED);
        last = end;
    }
    out.push_str(&text[last..]);
    out
}

/// `************4242` for a 12-19 digit card number (spaces and dashes allowed), else `None`.
pub fn mask_card_number(text: &str) -> Option<String> {
    if !text.bytes().all(|c| c.is_ascii_digit() || c == b' ' || c == b'-') {
        return None;
    }
    let digits: Vec<char> = text.chars().filter(char::is_ascii_digit).collect();
    if !(12..=19).contains(&digits.len()) {
        return None;
    }
    let keep_from = digits.len() - 4;
    Some(digits.iter().enumerate().map(|(i, d)| if i < keep_from { '*' } else { *d }).collect())
}

/// Masks free text: secret keys become `<redacted>` and every run of 12-19 digits (a possible card
/// number) keeps only its last four digits.
pub fn redact_text(text: &str) -> String {
    map_digit_runs(&redact_secret_keys(text), |run, out| match mask_card_number(run) {
        Some(masked) => out.push_str(&masked),
        None => out.push_str(run),
    })
}

/// Copies `text`, passing each maximal run of ASCII digits through `run` instead.
fn map_digit_runs(text: &str, run: impl Fn(&str, &mut String)) -> String {
    let mut out = String::with_capacity(text.len());
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_ascii_digit(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                run(&text[s..i], &mut out);
                start = None;
                out.push(c);
            }
            (false, None) => out.push(c),
            (true, Some(_)) => {}
        }
    }
    if let Some(s) = start {
        run(&text[s..], &mut out);
    }
    out
}
enum KeyClass {
    CardNumber,
    Cvv,
    Credential,
}

fn classify_key(key: &str) -> Option<KeyClass> {
    let normalized: String = key.chars().filter(|c| *c != '_' && *c != '-').map(|c| c.to_ascii_lowercase()).collect();
    match normalized.as_str() {
        // A network token's `token` is PAN-shaped; card tokens (`tok_...`) are not digits and
        // pass through unchanged.
        "number" | "cardnumber" | "pan" | "token" => Some(KeyClass::CardNumber),
        "cvv" | "cvc" | "cvv2" | "cvc2" => Some(KeyClass::Cvv),
        "authorization" | "secretkey" | "apikey" | "password" | "cryptogram" => Some(KeyClass::Credential),
        _ => None,
    }
}

/// Masks card data and secrets anywhere inside a JSON value, in place.
///
/// - object keys `number`, `card_number` or `pan` (any case, `_`/`-` ignored) whose value is a
///   string or number of 12-19 digits (spaces and dashes allowed) keep only the last four digits:
///   `"************4242"`;
/// - `cvv`, `cvc`, `cvv2`, `cvc2` string or number values become `"***"`;
/// - `authorization`, `secret_key`, `api_key`, `password`, `cryptogram` non-null values become
///   `"<redacted>"`;
/// - any string containing a secret key (`sk_...`) becomes `"<redacted>"`.
///
/// Redacting twice gives the same result as redacting once.
///
/// ```
/// use checkout_sdk_core::redact::redact_json;
/// use serde_json::json;
///
/// let mut body = json!({
///     "source": {"number": "4242424242424242", "cvv": "100"},
///     "note": "sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e",
/// });
/// redact_json(&mut body);
/// assert_eq!(body, json!({"source": {"number": "************4242", "cvv": "***"}, "note": "<redacted>"}));
/// ```
pub fn redact_json(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                redact_field(key, v);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_json),
        Value::String(s) if contains_secret_key(s) => *s = REDACTED.to_string(),
        _ => {}
    }
}

fn redact_field(key: &str, value: &mut Value) {
    match classify_key(key) {
        Some(KeyClass::CardNumber) => {
            let masked = match value {
                Value::String(s) => mask_card_number(s),
                Value::Number(n) => mask_card_number(&n.to_string()),
                _ => None,
            };
            match masked {
                Some(masked) => *value = Value::String(masked),
                None => redact_json(value),
            }
        }
        Some(KeyClass::Cvv) if value.is_string() || value.is_number() => {
            *value = Value::String(MASKED_CVV.to_string());
        }
        Some(KeyClass::Credential) if !value.is_null() => *value = Value::String(REDACTED.to_string()),
        _ => redact_json(value),
    }
}

/// Replaces every run of three or more digits in a message with `#`s, so parser messages about
/// card fields can never carry a PAN or CVV.
pub fn mask_digit_runs(message: &str) -> String {
    map_digit_runs(message, |run, out| {
        if run.len() >= 3 {
            run.chars().for_each(|_| out.push('#'));
        } else {
            out.push_str(run);
        }
    })
}
#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pans_keep_at_most_the_last_four_digits() {
        assert_eq!(mask_pan("4242424242424242"), "************4242");
        assert_eq!(mask_pan("4242 4242 4242 4242"), "************4242");
        assert_eq!(mask_pan("1234"), "****");
        assert_eq!(mask_pan(""), "****");
    }

    #[test]
    fn json_redaction_reaches_nested_values() {
        let mut v = json!({
            "source": {"number": "4242424242424242", "cvv": "100", "expiry_month": 6},
            "list": [{"card_number": 5436031030606378u64, "cvc": 257}],
            "Authorization": "Bearer sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e",
            "note": "sk_test_fde517a8-3f01-41ef-b4bd-4282384b0a64",
        });
        redact_json(&mut v);
        let text = serde_json::to_string(&v).unwrap();
        for secret in ["4242424242424242", "5436031030606378", "\"100\"", "257", "m73dzbpy", "fde517a8"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        assert_eq!(v["source"]["number"], "************4242");
        assert_eq!(v["list"][0]["card_number"], "************6378");
        assert_eq!(v["source"]["expiry_month"], 6);
    }

    #[test]
    fn phone_numbers_survive_and_redaction_is_idempotent() {
        let mut v = json!({"phone": {"number": "415 555 2671"}, "number": "4242-4242-4242-4242", "text": "key sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e here"});
        redact_json(&mut v);
        assert_eq!(v["phone"]["number"], "415 555 2671");
        assert_eq!(v["number"], "************4242");
        assert_eq!(v["text"], REDACTED);
        let once = v.clone();
        redact_json(&mut v);
        assert_eq!(v, once);
        assert_eq!(
            redact_text("card 4242424242424242 key sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e"),
            "card ************4242 key <redacted>"
        );
    }

    #[test]
    fn digit_runs_are_masked_in_messages() {
        assert_eq!(
            mask_digit_runs("invalid type: integer `4242424242424242` at line 1"),
            "invalid type: integer `################` at line 1"
        );
        assert_eq!(mask_digit_runs("cvv 100, month 12"), "cvv ###, month 12");
    }
}

/// Shows a piece of text that came from outside (a server's error code, a request id, a parser
/// message) with secret keys and card numbers masked, as [`redact_text`] does.
#[derive(Debug, Clone, Copy)]
pub struct Redacted<'a>(pub &'a str);

impl core::fmt::Display for Redacted<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&redact_text(self.0))
    }
}
