//! Redaction of secrets and card data, shared by `Debug` impls, error messages and cassettes.
//!
//! The rule: secret keys and CVVs are replaced entirely; card numbers keep at most their last
//! four digits.

use alloc::string::String;

use serde_json::Value;

/// Object keys whose values are card numbers.
const PAN_KEYS: &[&str] = &["number", "card_number", "pan"];
/// Object keys whose values are card security codes.
const CVV_KEYS: &[&str] = &["cvv", "cvc", "cvv2", "cvc2"];
/// Object keys whose values are credentials.
const SECRET_KEYS: &[&str] = &["authorization", "secret_key", "api_key", "password", "cryptogram"];

/// `************4242`: every digit but the last four masked (at most four digits shown).
pub fn mask_pan(pan: &str) -> String {
    let digits: alloc::vec::Vec<char> = pan.chars().filter(char::is_ascii_digit).collect();
    let keep = if digits.len() >= 12 { 4 } else { 0 };
    let mut out = String::with_capacity(digits.len());
    for (i, d) in digits.iter().enumerate() {
        out.push(if i + keep >= digits.len() { *d } else { '*' });
    }
    if out.is_empty() {
        out.push_str("****");
    }
    out
}

/// Whether `s` looks like a secret API key (`sk_...`).
pub fn looks_like_secret_key(s: &str) -> bool {
    let s = s.strip_prefix("Bearer ").unwrap_or(s);
    s.starts_with("sk_") && s.len() > 12
}

/// Masks card numbers, CVVs and credentials anywhere inside a JSON value, in place.
pub fn redact_json(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                let key = key.as_str();
                if PAN_KEYS.iter().any(|k| key.eq_ignore_ascii_case(k)) && !v.is_object() && !v.is_array() {
                    let text = match v {
                        Value::String(s) => s.clone(),
                        Value::Number(n) => alloc::format!("{n}"),
                        _ => String::new(),
                    };
                    *v = Value::String(mask_pan(&text));
                } else if CVV_KEYS.iter().any(|k| key.eq_ignore_ascii_case(k)) && !v.is_null() {
                    *v = Value::String("***".into());
                } else if SECRET_KEYS.iter().any(|k| key.eq_ignore_ascii_case(k)) && !v.is_null() {
                    *v = Value::String("<redacted>".into());
                } else {
                    redact_json(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_json),
        Value::String(s) if looks_like_secret_key(s) => *s = String::from("<redacted>"),
        _ => {}
    }
}

/// Replaces every run of three or more digits in a message with `#`s, so parser messages about
/// card fields can never carry a PAN or CVV.
pub fn mask_digit_runs(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.len() >= 3 {
            run.chars().for_each(|_| out.push('#'));
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in message.chars() {
        if c.is_ascii_digit() {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
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
    fn digit_runs_are_masked_in_messages() {
        assert_eq!(
            mask_digit_runs("invalid type: integer `4242424242424242` at line 1"),
            "invalid type: integer `################` at line 1"
        );
        assert_eq!(mask_digit_runs("cvv 100, month 12"), "cvv ###, month 12");
    }
}
