//! Redaction by value: the one place that decides what any output may show.
//!
//! Every `Debug` and `Display` of the SDK's public types, every error message, every tracing field,
//! the fake transport's messages and every cassette go through this module. It looks at **values**,
//! not only at field names, because servers echo data back in unexpected places (a card number in
//! `metadata`, a key in a link, a CVV in `error_codes`):
//!
//! - **Secret keys** (`sk_...` in every format: `sk_test_<uuid>`, `sk_<uuid>`, `sk_sbox_<base32>`,
//!   `sk_<base32>`), anywhere in a text, glued to other text, in any case, percent-encoded
//!   (`sk%5Fsbox%5F...`) or JSON-escaped (`sk\u005f...`), become `<redacted>`. So does any other
//!   `sk_` token of 12 or more key characters that starts a word.
//! - **Card numbers**: every number of 13-19 digits that passes the Luhn check (and does not start
//!   with `0`), inside any text, glued to letters, JSON string, integer or float
//!   (`345678901234564.0`), keeps at most its last four digits: `************4242`. Digits may be
//!   grouped by single spaces or dashes (`4242 4242-4242 4242`); any consecutive groups holding
//!   13-19 digits are checked, so `order 12 4242424242424242` is found too. (Digits glued to a
//!   card number without a separator make another number, which is checked as a whole.)
//! - **CVVs**: a 3-4 digit number written right after a CVV-like word in free text (`cvv=100`,
//!   `"card_cvv": "100"`) becomes `***`.
//! - **Fields** whose name says CVV, CVC, security code (`card_cvv`, `securityCode`, `cvv2`) have
//!   every value holding a digit replaced by `***`, in arrays and nested objects too. Fields whose
//!   name says password, secret, cryptogram, authorization, cookie, a key or an access token
//!   (`client_secret`, `private_key`, `api_key`, `access_token`) are replaced whole by
//!   `<redacted>`. Fields named like a card number (`number`, `card_number`, `pan`, `token`,
//!   `account_number`) holding 12-19 digits keep their last four even when the Luhn check fails.
//!   A JSON string holding a secret key is replaced whole.
//! - **Headers** whose name says authorization, cookie, key (except `Cko-Idempotency-Key`),
//!   secret, token, password or CVV show `<redacted>`; every other header value is redacted by
//!   value.
//!
//! Redacting twice gives the same result as redacting once, so redacted output can be redacted
//! again (cassettes are re-scrubbed when loaded) without changing.
//!
//! ```
//! use checkout_sdk_core::redact::{redact_text, Redacted};
//!
//! let echoed = "gift note: card 4242 4242 4242 4242, key sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e, cvv=100";
//! assert_eq!(redact_text(echoed), "gift note: card **** **** **** 4242, key <redacted>, cvv=***");
//! assert_eq!(format!("{}", Redacted("ref 345678901234564.0")), "ref ***********4564.0");
//! ```

use alloc::borrow::Cow;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use serde::Serialize;
use serde_json::{Map, Number, Value};

use crate::transport::Headers;

/// What replaces a secret.
pub const REDACTED: &str = "<redacted>";
/// What replaces a CVV.
pub const MASKED_CVV: &str = "***";

// ---------------------------------------------------------------------------------------------
// Secret keys
// ---------------------------------------------------------------------------------------------

/// The fewest characters after `sk_` for a word-initial token to count as a secret key.
const MIN_SECRET_KEY_BODY: usize = 12;

fn is_secret_key_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'*' | b'#' | b'$' | b'=')
}

fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

fn hex_byte(pair: &[u8]) -> Option<u8> {
    match pair {
        [hi, lo] => Some(hex_value(*hi)? << 4 | hex_value(*lo)?),
        _ => None,
    }
}

/// The character at `at` and how many bytes spell it: a literal byte, a percent escape (`%5F`)
/// or a JSON escape (`\u005f`, its backslash possibly escaped again by `Debug`: `\\u005f`).
fn decode_unit(bytes: &[u8], at: usize) -> Option<(u8, usize)> {
    let b = *bytes.get(at)?;
    match b {
        b'%' => match bytes.get(at + 1..at + 3).and_then(hex_byte) {
            Some(decoded) => Some((decoded, 3)),
            None => Some((b, 1)),
        },
        b'\\' => {
            let slashes = bytes[at..].iter().take_while(|c| **c == b'\\').count();
            let u = at + slashes;
            match bytes.get(u..u + 3).filter(|p| p.eq_ignore_ascii_case(b"u00")).and(bytes.get(u + 3..u + 5)) {
                Some(pair) => match hex_byte(pair) {
                    Some(decoded) => Some((decoded, slashes + 5)),
                    None => Some((b, 1)),
                },
                None => Some((b, 1)),
            }
        }
        _ => Some((b, 1)),
    }
}

/// Whether the character before `at` ends a word (so `sk_` there starts one).
fn starts_word(bytes: &[u8], at: usize) -> bool {
    if at == 0 {
        return true;
    }
    // A percent escape right before (`key%3Dsk_...`) counts as the character it stands for.
    let previous = match at.checked_sub(3).and_then(|s| (bytes[s] == b'%').then(|| hex_byte(&bytes[s + 1..at]))) {
        Some(Some(decoded)) => decoded,
        _ => bytes[at - 1],
    };
    !previous.is_ascii_alphanumeric()
}

fn is_uuid_prefix(s: &[u8]) -> bool {
    s.len() >= 36
        && s[..36].iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

fn is_base32_prefix(s: &[u8]) -> bool {
    s.len() >= 26 && s[..26].iter().all(|c| matches!(c, b'a'..=b'z' | b'2'..=b'7'))
}

/// Whether a (lower-cased) key body after `sk_` has one of Checkout.com's key formats.
fn has_key_format(body: &[u8]) -> bool {
    let rest = body.strip_prefix(b"test_").or_else(|| body.strip_prefix(b"sbox_")).unwrap_or(body);
    is_uuid_prefix(rest) || is_base32_prefix(rest)
}

/// Byte ranges of the secret keys in `text`.
fn secret_key_spans(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut body = Vec::new();
    let mut i = 0;
    while i + 2 < bytes.len() {
        if !(bytes[i].eq_ignore_ascii_case(&b's') && bytes[i + 1].eq_ignore_ascii_case(&b'k')) {
            i += 1;
            continue;
        }
        let Some((b'_', separator)) = decode_unit(bytes, i + 2) else {
            i += 1;
            continue;
        };
        body.clear();
        let mut end = i + 2 + separator;
        while let Some((c, len)) = decode_unit(bytes, end) {
            if !is_secret_key_char(c) {
                break;
            }
            body.push(c.to_ascii_lowercase());
            end += len;
        }
        if has_key_format(&body) || (body.len() >= MIN_SECRET_KEY_BODY && starts_word(bytes, i)) {
            spans.push((i, end));
            i = end;
        } else {
            i += 1;
        }
    }
    spans
}

/// Whether `text` holds a secret API key in any of the forms this module recognises.
pub fn contains_secret_key(text: &str) -> bool {
    !secret_key_spans(text).is_empty()
}

fn redact_secret_keys_cow(text: &str) -> Cow<'_, str> {
    let spans = secret_key_spans(text);
    if spans.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (start, end) in spans {
        out.push_str(&text[last..start]);
        out.push_str(REDACTED);
        last = end;
    }
    out.push_str(&text[last..]);
    Cow::Owned(out)
}

/// Replaces every secret key in `text` with `<redacted>`, keeping the rest.
pub fn redact_secret_keys(text: &str) -> String {
    redact_secret_keys_cow(text).into_owned()
}

// ---------------------------------------------------------------------------------------------
// Card numbers
// ---------------------------------------------------------------------------------------------

/// The shortest and longest card numbers.
const PAN_LENGTHS: core::ops::RangeInclusive<usize> = 13..=19;

fn is_digit_separator(c: u8) -> bool {
    c == b' ' || c == b'-'
}

/// `d` doubled for the Luhn sum.
fn luhn_double(d: u32) -> u32 {
    if d > 4 {
        2 * d - 9
    } else {
        2 * d
    }
}

/// Whether `digits` (ASCII digits) pass the Luhn check card numbers carry.
fn passes_luhn(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| {
            let d = u32::from(d - b'0');
            if i % 2 == 1 {
                luhn_double(d)
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
}

/// A digit or an already masked digit: both belong to a group, so masking never joins or splits
/// groups and redacting twice finds nothing new.
fn is_group_char(c: u8) -> bool {
    c.is_ascii_digit() || c == b'*'
}

/// Which of a run's groups belong to a card number: consecutive groups without a `*`, holding
/// 13-19 digits in all, not starting with `0`, that pass the Luhn check.
fn card_groups(bytes: &[u8], groups: &[(usize, usize)], digits: &mut Vec<u8>) -> Vec<bool> {
    let mut covered = alloc::vec![false; groups.len()];
    for first in 0..groups.len() {
        if bytes[groups[first].0] == b'0' {
            continue;
        }
        digits.clear();
        for (last, &(start, end)) in groups.iter().enumerate().skip(first) {
            let group = &bytes[start..end];
            if group.contains(&b'*') || digits.len() + group.len() > *PAN_LENGTHS.end() {
                break;
            }
            digits.extend_from_slice(group);
            if PAN_LENGTHS.contains(&digits.len()) && passes_luhn(digits) {
                covered[first..=last].iter_mut().for_each(|c| *c = true);
            }
        }
    }
    covered
}

fn redact_card_numbers_cow(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut out: Option<Vec<u8>> = None;
    let mut groups = Vec::new();
    let mut digits = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if !(b.is_ascii_digit() || b == b'*') {
            i += 1;
            continue;
        }
        // A run: groups of digits joined by single spaces or dashes (`4242 4242-4242 4242`).
        // Masked digits (`*`) belong to groups but do not count: a masked number is not checked
        // again.
        groups.clear();
        let mut total = 0;
        let mut j = i;
        loop {
            let start = j;
            while j < bytes.len() && is_group_char(bytes[j]) {
                total += usize::from(bytes[j] != b'*');
                j += 1;
            }
            groups.push((start, j));
            if j + 1 < bytes.len() && is_digit_separator(bytes[j]) && is_group_char(bytes[j + 1]) {
                j += 1;
            } else {
                break;
            }
        }
        i = j;
        if total < *PAN_LENGTHS.start() {
            continue;
        }
        let covered = card_groups(bytes, &groups, &mut digits);
        let mut k = 0;
        while k < groups.len() {
            if !covered[k] {
                k += 1;
                continue;
            }
            let first = k;
            while k < groups.len() && covered[k] {
                k += 1;
            }
            // Mask the covered groups but their last four digits.
            let out = out.get_or_insert_with(|| bytes.to_vec());
            let positions: Vec<usize> = groups[first..k].iter().flat_map(|&(start, end)| start..end).collect();
            for &at in &positions[..positions.len().saturating_sub(4)] {
                out[at] = b'*';
            }
        }
    }
    match out {
        // Only ASCII digits were replaced by ASCII `*`, so the bytes are still UTF-8.
        Some(out) => Cow::Owned(String::from_utf8(out).unwrap_or_else(|_| String::from(REDACTED))),
        None => Cow::Borrowed(text),
    }
}

/// Masks every card number in `text` (Luhn-valid runs of 13-19 digits, spaces or dashes allowed)
/// to its last four digits, keeping everything else.
pub fn redact_card_numbers(text: &str) -> String {
    redact_card_numbers_cow(text).into_owned()
}

/// Whether `text` holds a card number (a Luhn-valid run of 13-19 digits).
pub fn contains_card_number(text: &str) -> bool {
    matches!(redact_card_numbers_cow(text), Cow::Owned(_))
}

/// `************4242` for a text that is only a 12-19 digit number (spaces and dashes allowed),
/// whether or not it passes the Luhn check; else `None`.
pub fn mask_card_number(text: &str) -> Option<String> {
    if !text.bytes().all(|c| c.is_ascii_digit() || is_digit_separator(c)) {
        return None;
    }
    let count = text.bytes().filter(u8::is_ascii_digit).count();
    if !(12..=19).contains(&count) {
        return None;
    }
    let keep_from = count - 4;
    Some(
        text.bytes()
            .filter(u8::is_ascii_digit)
            .enumerate()
            .map(|(i, d)| if i < keep_from { '*' } else { d as char })
            .collect(),
    )
}

/// `************4242` for a card number; `****` for anything that is not one.
pub fn mask_pan(pan: &str) -> String {
    mask_card_number(pan).unwrap_or_else(|| "****".into())
}

// ---------------------------------------------------------------------------------------------
// CVVs in free text
// ---------------------------------------------------------------------------------------------

/// Words after which a 3-4 digit number is taken for a CVV.
const CVV_WORDS: &[&[u8]] = &[b"cvv", b"cvc", b"security_code", b"securitycode", b"security-code", b"security code"];

/// How many punctuation or space characters may sit between a CVV word and its value
/// (`": "`, `=`, `: [ "`), not counting the wrappers of Rust's `Debug` output.
const CVV_GAP: usize = 8;

/// The words Rust's `Debug` output puts between a field name and its value
/// (`cvv: Some("100")`, `"cvv": Array [String("100")]`).
const DEBUG_WRAPPERS: &[&[u8]] = &[b"Some", b"String", b"Number", b"Array", b"Object"];

fn find_cvv_value(bytes: &[u8], word_end: usize) -> Option<(usize, usize)> {
    let mut at = word_end;
    // The rest of the name: `cvv2`, `cvv_code`, `securityCode`.
    if bytes.get(at) == Some(&b'2') {
        at += 1;
    }
    while at < bytes.len() && (bytes[at].is_ascii_alphabetic() || bytes[at] == b'_' || bytes[at] == b'-') {
        at += 1;
    }
    let mut gap = 0;
    while at < bytes.len() && gap < CVV_GAP {
        if let Some(wrapper) = DEBUG_WRAPPERS.iter().find(|w| bytes[at..].starts_with(w)) {
            at += wrapper.len();
        } else if !bytes[at].is_ascii_alphanumeric() && bytes[at] < 0x80 {
            at += 1;
            gap += 1;
        } else {
            break;
        }
    }
    let start = at;
    while at < bytes.len() && bytes[at].is_ascii_digit() {
        at += 1;
    }
    // A number of its own (`cvv=100,`), not the start of a longer token (`cvv123abc`).
    let ends_token = bytes.get(at).is_none_or(|b| !b.is_ascii_alphanumeric());
    ((3..=4).contains(&(at - start)) && ends_token).then_some((start, at))
}

fn redact_cvv_mentions_cow(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        // Every CVV word starts with `c` or `s`: skip the rest cheaply.
        if !matches!(bytes[i], b'c' | b'C' | b's' | b'S') {
            i += 1;
            continue;
        }
        // The word must start a word (`card_cvv`, `cardCvv`, `"cvv"`), not sit inside one: ids
        // such as `pay_...z2cvco234...` are not CVV mentions.
        let starts_word = i == 0
            || !bytes[i - 1].is_ascii_alphanumeric()
            || (bytes[i].is_ascii_uppercase() && bytes[i - 1].is_ascii_lowercase());
        let found = CVV_WORDS
            .iter()
            .find(|w| starts_word && bytes.get(i..i + w.len()).is_some_and(|s| s.eq_ignore_ascii_case(w)));
        match found.and_then(|w| find_cvv_value(bytes, i + w.len())) {
            Some((start, end)) => {
                spans.push((start, end));
                i = end;
            }
            None => i += 1,
        }
    }
    if spans.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (start, end) in spans {
        out.push_str(&text[last..start]);
        out.push_str(MASKED_CVV);
        last = end;
    }
    out.push_str(&text[last..]);
    Cow::Owned(out)
}

// ---------------------------------------------------------------------------------------------
// Free text
// ---------------------------------------------------------------------------------------------

/// `step` applied to `text`, keeping the borrow when nothing changed.
fn then<'a>(text: Cow<'a, str>, step: fn(&str) -> Cow<'_, str>) -> Cow<'a, str> {
    let changed = match step(&text) {
        Cow::Owned(changed) => Some(changed),
        Cow::Borrowed(_) => None,
    };
    match changed {
        Some(changed) => Cow::Owned(changed),
        None => text,
    }
}

/// [`redact_text`] without a copy when nothing needs redacting.
pub fn redact_text_cow(text: &str) -> Cow<'_, str> {
    // One cheap pass decides which scans can find anything: a key needs `_` (or an escape of
    // it), a card number 13 digits, a CVV 3.
    let (mut digits, mut key_marks) = (0usize, false);
    for &b in text.as_bytes() {
        if b.is_ascii_digit() {
            digits += 1;
        } else if b == b'_' || b == b'%' || b == b'\\' {
            key_marks = true;
        }
    }
    let mut text = Cow::Borrowed(text);
    if key_marks {
        text = then(text, redact_secret_keys_cow);
    }
    if digits >= *PAN_LENGTHS.start() {
        text = then(text, redact_card_numbers_cow);
    }
    if digits >= 3 {
        text = then(text, redact_cvv_mentions_cow);
    }
    text
}

/// Redacts free text: secret keys become `<redacted>`, card numbers keep their last four digits
/// and CVVs written after a CVV word become `***`.
pub fn redact_text(text: &str) -> String {
    redact_text_cow(text).into_owned()
}

/// Replaces every run of three or more digits in a message with `#`s, so parser messages about
/// card fields can never carry a PAN or CVV.
pub fn mask_digit_runs(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut run = 0;
    let flush = |out: &mut String, run: &str| {
        if run.len() >= 3 {
            run.chars().for_each(|_| out.push('#'));
        } else {
            out.push_str(run);
        }
    };
    let mut start = 0;
    for (i, c) in message.char_indices() {
        if c.is_ascii_digit() {
            if run == 0 {
                start = i;
            }
            run += 1;
        } else {
            if run > 0 {
                flush(&mut out, &message[start..i]);
                run = 0;
            }
            out.push(c);
        }
    }
    if run > 0 {
        flush(&mut out, &message[start..]);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Field and header names
// ---------------------------------------------------------------------------------------------

/// What a field's name says its value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FieldClass {
    /// A card number (`number`, `card_number`, `pan`, ...): 12-19 digits keep their last four.
    CardNumber,
    /// A card security code: every value holding a digit becomes `***`.
    Cvv,
    /// A password, secret, cryptogram, credential or key: replaced whole.
    Credential,
}

/// `name` lower-cased with everything but letters and digits removed (`Card-CVV_2` -> `cardcvv2`).
fn normalize_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for &b in name.as_bytes() {
        if b.is_ascii_alphanumeric() {
            out.push(char::from(b.to_ascii_lowercase()));
        }
    }
    out
}

/// Whether `word` occurs in `name` (both short): a plain loop, cheaper than a substring search
/// for names of a few bytes.
fn has_word(name: &str, word: &str) -> bool {
    let (name, word) = (name.as_bytes(), word.as_bytes());
    let mut i = 0;
    while i + word.len() <= name.len() {
        if name[i] == word[0] && &name[i..i + word.len()] == word {
            return true;
        }
        i += 1;
    }
    false
}

/// Names ending in `key` that hold no secret.
const PUBLIC_KEY_NAMES: &[&str] = &["idempotencykey", "ckoidempotencykey", "publickey"];

fn classify_normalized(n: &str) -> Option<FieldClass> {
    if ["cvv", "cvc", "securitycode"].iter().any(|w| has_word(n, w)) || matches!(n, "csc" | "cvn" | "cvd") {
        return Some(FieldClass::Cvv);
    }
    let credential = ["password", "passwd", "passphrase", "secret", "cryptogram", "cookie", "privatekey", "apikey"]
        .iter()
        .any(|w| has_word(n, w))
        || n.ends_with("authorization")
        || (n.ends_with("key") && !PUBLIC_KEY_NAMES.contains(&n))
        || (n.ends_with("token") && n != "token");
    if credential {
        return Some(FieldClass::Credential);
    }
    let card = matches!(n, "number" | "pan" | "token" | "cardnumber" | "accountnumber" | "primaryaccountnumber")
        || n.ends_with("cardnumber");
    card.then_some(FieldClass::CardNumber)
}

/// Whether a header's value must never be shown or stored: its name says authorization, cookie,
/// key (except the idempotency key), secret, token, password or CVV.
///
/// ```
/// use checkout_sdk_core::redact::is_sensitive_header;
///
/// for name in ["Authorization", "X-Echo-Authorization", "Set-Cookie", "X-Api-Key", "X-Client-Secret", "X-Card-Cvv"] {
///     assert!(is_sensitive_header(name), "{name}");
/// }
/// for name in ["Cko-Idempotency-Key", "Cko-Request-Id", "Content-Type"] {
///     assert!(!is_sensitive_header(name), "{name}");
/// }
/// ```
pub fn is_sensitive_header(name: &str) -> bool {
    match COMMON_HEADERS.iter().find(|(common, _)| common.eq_ignore_ascii_case(name)) {
        Some(&(_, sensitive)) => sensitive,
        None => sensitive_by_name(name),
    }
}

/// The headers of every request the SDK sends and every response the API returns, with the answer
/// [`sensitive_by_name`] gives for them: transports ask about each header of each request, and
/// this skips normalising the name for these (a test checks the two agree).
const COMMON_HEADERS: &[(&str, bool)] = &[
    ("authorization", true),
    ("user-agent", false),
    ("accept", false),
    ("content-type", false),
    ("content-length", false),
    ("cko-idempotency-key", false),
    ("cko-request-id", false),
    ("cko-version", false),
    ("date", false),
];

/// The general rule behind [`is_sensitive_header`].
fn sensitive_by_name(name: &str) -> bool {
    let n = normalize_name(name);
    if PUBLIC_KEY_NAMES.iter().any(|public| n.ends_with(public)) {
        return false;
    }
    ["authorization", "cookie", "key", "token", "secret", "password"].iter().any(|w| has_word(&n, w))
        || matches!(classify_normalized(&n), Some(FieldClass::Cvv | FieldClass::Credential))
}

/// The value of header `name` as it may be shown or stored: `<redacted>` for a sensitive header
/// ([`is_sensitive_header`]), else the value redacted by value ([`redact_text`]).
pub fn redact_header_value(name: &str, value: &str) -> String {
    if is_sensitive_header(name) {
        REDACTED.to_string()
    } else {
        redact_text(value)
    }
}

/// A copy of `headers` with names redacted by value and values by [`redact_header_value`].
pub fn redact_headers(headers: &Headers) -> Headers {
    headers.iter().map(|(name, value)| (redact_text(name), redact_header_value(name, value))).collect()
}

// ---------------------------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------------------------

/// Masks card data and secrets anywhere inside a JSON value, in place: object keys and string
/// values by value ([`redact_text`]; a string holding a secret key is replaced whole), numbers
/// that are card numbers (integers or floats) by their masked digits, and the values of fields
/// whose name says card number, CVV or credential (see the [module docs](self)).
///
/// Redacting twice gives the same result as redacting once.
///
/// ```
/// use checkout_sdk_core::redact::redact_json;
/// use serde_json::json;
///
/// let mut body = json!({
///     "source": {"number": "4242424242424242", "card_cvv": "100"},
///     "metadata": {"note": "sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e", "amex": 345678901234564.0},
///     "client_secret": "whatever",
/// });
/// redact_json(&mut body);
/// assert_eq!(body, json!({
///     "source": {"number": "************4242", "card_cvv": "***"},
///     "metadata": {"note": "<redacted>", "amex": "***********4564.0"},
///     "client_secret": "<redacted>",
/// }));
/// ```
pub fn redact_json(value: &mut Value) {
    match value {
        Value::String(s) => {
            let may_hold_key = s.contains('_') || s.contains('%') || s.contains('\\');
            if may_hold_key && contains_secret_key(s) {
                *s = REDACTED.to_string();
            } else if let Cow::Owned(redacted) = redact_text_cow(s) {
                *s = redacted;
            }
        }
        Value::Number(n) => {
            if let Some(masked) = mask_number(n) {
                *value = Value::String(masked);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_json),
        Value::Object(map) => redact_object(map),
        Value::Null | Value::Bool(_) => {}
    }
}

fn redact_object(map: &mut Map<String, Value>) {
    if map.keys().any(|k| matches!(redact_text_cow(k), Cow::Owned(_))) {
        let old = core::mem::take(map);
        for (key, value) in old {
            map.insert(redact_text(&key), value);
        }
    }
    for (key, value) in map.iter_mut() {
        match classify_normalized(&normalize_name(key)) {
            Some(FieldClass::Credential) => {
                if !value.is_null() && value.as_str() != Some(REDACTED) {
                    *value = Value::String(REDACTED.to_string());
                }
            }
            Some(FieldClass::Cvv) => mask_cvv_value(value),
            Some(FieldClass::CardNumber) => {
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
            None => redact_json(value),
        }
    }
}

/// Everything under a CVV field that holds a digit becomes `***`.
fn mask_cvv_value(value: &mut Value) {
    match value {
        Value::Number(_) => *value = Value::String(MASKED_CVV.to_string()),
        Value::String(s) if s.bytes().any(|b| b.is_ascii_digit()) => *value = Value::String(MASKED_CVV.to_string()),
        Value::Array(items) => items.iter_mut().for_each(mask_cvv_value),
        Value::Object(map) => map.values_mut().for_each(mask_cvv_value),
        other => redact_json(other),
    }
}

/// The masked text of a number that is (or holds) a card number: `4242424242424242`,
/// `345678901234564.0`, `0.4242424242424242`.
fn mask_number(n: &Number) -> Option<String> {
    if n.as_u64().is_some_and(|u| u < 1_000_000_000_000)
        || n.as_i64().is_some_and(|i| i.unsigned_abs() < 1_000_000_000_000)
    {
        return None;
    }
    let text = n.to_string();
    if let Cow::Owned(masked) = redact_card_numbers_cow(&text) {
        return Some(masked);
    }
    // A float may print in a form that hides its integer digits (`4.242424242424242e15`).
    let f = n.as_f64().filter(|_| n.is_f64())?;
    let magnitude = if f < 0.0 { -f } else { f };
    if !(magnitude < 1e19 && (magnitude as u64) as f64 == magnitude) {
        return None;
    }
    let integer = (magnitude as u64).to_string();
    match redact_card_numbers_cow(&integer) {
        Cow::Owned(masked) => Some(masked),
        Cow::Borrowed(_) => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Formatting adapters
// ---------------------------------------------------------------------------------------------

/// Shows `T` (its `Display` or `Debug`) redacted by value with [`redact_text`]: for log and trace
/// fields, error messages, and `Debug` impls.
///
/// ```
/// use checkout_sdk_core::redact::Redacted;
///
/// let request_id = "req_sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e";
/// assert_eq!(Redacted(request_id).to_string(), "req_<redacted>");
/// assert_eq!(format!("{:?}", Redacted(Some("4242424242424242"))), "Some(\"************4242\")");
/// ```
#[derive(Clone, Copy)]
pub struct Redacted<T>(pub T);

impl<T: fmt::Display> fmt::Display for Redacted<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = alloc::format!("{}", self.0);
        f.write_str(&redact_text_cow(&text))
    }
}

impl<T: fmt::Debug> fmt::Debug for Redacted<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = if f.alternate() { alloc::format!("{:#?}", self.0) } else { alloc::format!("{:?}", self.0) };
        f.write_str(&redact_text_cow(&text))
    }
}

/// Shows a JSON value as compact JSON text after [`redact_json`] (both for `Display` and
/// `Debug`).
///
/// ```
/// use checkout_sdk_core::redact::RedactedJson;
/// use serde_json::json;
///
/// let body = json!({"metadata": {"card": "4242424242424242"}});
/// assert_eq!(RedactedJson(&body).to_string(), r#"{"metadata":{"card":"************4242"}}"#);
/// ```
#[derive(Clone, Copy)]
pub struct RedactedJson<'a>(pub &'a Value);

impl fmt::Display for RedactedJson<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut copy = self.0.clone();
        redact_json(&mut copy);
        fmt::Display::fmt(&copy, f)
    }
}

impl fmt::Debug for RedactedJson<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Writes what `inner` writes to `f`, redacted by value.
pub(crate) fn fmt_redacted(
    f: &mut fmt::Formatter<'_>,
    inner: impl Fn(&mut fmt::Formatter<'_>) -> fmt::Result,
) -> fmt::Result {
    struct FnDebug<F>(F);
    impl<F: Fn(&mut fmt::Formatter<'_>) -> fmt::Result> fmt::Debug for FnDebug<F> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            (self.0)(f)
        }
    }
    fmt::Debug::fmt(&Redacted(FnDebug(inner)), f)
}

/// `Debug` of a serialisable value as `Name { field: <json>, ... }`, from its redacted JSON form:
/// whatever fields the type has, every value is shown only after [`redact_json`]. `extra` adds
/// fields that are not serialised (such as an idempotency key).
pub fn debug_as_json<T: Serialize + ?Sized>(
    f: &mut fmt::Formatter<'_>,
    name: &str,
    value: &T,
    extra: &[(&str, &dyn fmt::Debug)],
) -> fmt::Result {
    let Ok(mut json) = serde_json::to_value(value) else {
        return write!(f, "{name}(<not serialisable>)");
    };
    redact_json(&mut json);
    match &json {
        Value::Object(map) => {
            let mut out = f.debug_struct(name);
            for (key, value) in map {
                out.field(key, &RedactedJsonText(value));
            }
            for (key, value) in extra {
                out.field(key, &Redacted(value));
            }
            out.finish()
        }
        other => f.debug_tuple(name).field(&RedactedJsonText(other)).finish(),
    }
}

/// An already redacted JSON value shown as JSON text.
struct RedactedJsonText<'a>(&'a Value);

impl fmt::Debug for RedactedJsonText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.0, f)
    }
}

/// Implements `Debug` for a struct by listing its fields, the whole output redacted by value.
macro_rules! redacted_debug {
    ($ty:ident { $($field:ident),* $(,)? }) => {
        impl core::fmt::Debug for $ty {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                $crate::redact::fmt_redacted(f, |f| {
                    f.debug_struct(stringify!($ty))$(.field(stringify!($field), &self.$field))*.finish()
                })
            }
        }
    };
}
pub(crate) use redacted_debug;

/// Implements `Debug` for serialisable types with [`debug_as_json`]: whatever their fields, every
/// value is shown only after [`redact_json`].
macro_rules! redacted_json_debug {
    ($($ty:ident),* $(,)?) => {$(
        impl core::fmt::Debug for $ty {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                $crate::redact::debug_as_json(f, stringify!($ty), self, &[])
            }
        }
    )*};
}
pub(crate) use redacted_json_debug;

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;
    use serde_json::json;

    const SBOX: &str = "sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e";
    const LEGACY: &str = "sk_test_fde517a8-3f01-41ef-b4bd-4282384b0a64";

    #[test]
    fn secret_keys_are_found_in_every_format_and_spelling() {
        for key in [
            SBOX,
            LEGACY,
            "sk_fde517a8-3f01-41ef-b4bd-4282384b0a64",
            "sk_m73dzbpy7cf3gfd46xr4yj5xo4e",
            "sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4#",
        ] {
            for text in [
                key.to_string(),
                format!("Bearer {key}"),
                format!("order-7{key}"),
                format!("{key}trailing"),
                format!("x{}", key.to_ascii_uppercase()),
                format!("?k={}", key.replace('_', "%5F")),
                format!("?k={}", key.replace('_', "%5f").replace('-', "%2D")),
                format!("\"k\":\"{}\"", key.replace('_', "\\u005f")),
                format!("{:?}", key.replace('_', "\\u005f")),
            ] {
                assert!(contains_secret_key(&text), "{text}");
                let redacted = redact_text(&text);
                assert!(redacted.contains(REDACTED), "{text} -> {redacted}");
                let body = &key[key.len() - 20..];
                assert!(!redacted.to_ascii_lowercase().contains(&body.to_ascii_lowercase()), "{text} -> {redacted}");
            }
        }
    }

    #[test]
    fn secret_keys_are_not_found_in_ordinary_words() {
        assert!(!contains_secret_key("risk_assessment_enabled_flag"));
        assert!(!contains_secret_key("sk_short"));
        assert!(!contains_secret_key("pk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e"));
        assert_eq!(
            redact_secret_keys("https://x/y?key=sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e&a=1"),
            "https://x/y?key=<redacted>&a=1"
        );
    }

    #[test]
    fn card_numbers_are_found_by_value_in_every_spelling() {
        let cases = [
            ("4242424242424242", "************4242"),
            ("pan=4242424242424242;id=12", "pan=************4242;id=12"),
            ("4242 4242 4242 4242", "**** **** **** 4242"),
            ("3456-789012-34564", "****-******-*4564"),
            ("gift4242424242424242card", "gift************4242card"),
            ("345678901234564.0", "***********4564.0"),
            // Next to other digit groups: every run of whole groups is checked.
            ("order 12 4242424242424242", "order 12 ************4242"),
            ("tel 415 555 2671 4242-4242-4242-4242 x", "tel 415 555 2671 ****-****-****-4242 x"),
        ];
        for (text, expected) in cases {
            assert_eq!(redact_text(text), expected, "{text}");
        }
        // Not card numbers: too short, failing Luhn, or starting with 0.
        for text in ["4155552671", "4242424242424241", "+44 20 7946 0958", "0000000000000000", "2024-01-15 10:30"] {
            assert_eq!(redact_text(text), text);
        }
        assert_eq!(mask_card_number("4242 4242-4242 4242").as_deref(), Some("************4242"));
        assert_eq!(mask_card_number("4155552671"), None);
        assert_eq!(mask_pan("1234"), "****");
    }

    #[test]
    fn letters_that_spell_cvv_inside_an_id_are_not_a_cvv_mention() {
        for id in ["pay_vobqesrgnadyfz2cvco234yk7u", "act_cvv123abcdefghijklmnopqrs", "xcvc=100", "discvv: 123"] {
            assert_eq!(redact_text(id), id, "{id}");
        }
        assert_eq!(redact_text("card_cvv=100"), "card_cvv=***");
        assert_eq!(redact_text("cardCvv: 100"), "cardCvv: ***");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2_000))]

        #[test]
        fn checkout_style_ids_pass_through_unchanged(prefix in "(pay|act|src|cus|sid|idk)_", body in "[a-z2-7]{26}") {
            // A run of 13+ digits may be a card number, and is masked wherever it appears (real
            // ids almost never hold one: 2-7 are the only digits of their alphabet).
            let longest_digit_run = body.split(|c: char| !c.is_ascii_digit()).map(str::len).max().unwrap_or(0);
            proptest::prop_assume!(longest_digit_run < 13);
            let id = alloc::format!("{prefix}{body}");
            proptest::prop_assert_eq!(redact_text(&id), id);
        }
    }

    #[test]
    fn cvvs_after_a_cvv_word_are_masked_in_text() {
        assert_eq!(redact_text("cvv=100"), "cvv=***");
        assert_eq!(redact_text(r#"{"card_cvv": "1051"}"#), r#"{"card_cvv": "***"}"#);
        assert_eq!(redact_text("securityCode: [\"737\"]"), "securityCode: [\"***\"]");
        assert_eq!(redact_text("cvv2 1051, month 12"), "cvv2 ***, month 12");
        assert_eq!(redact_text("cvv_check: Y, amount 1000"), "cvv_check: Y, amount 1000");
        assert_eq!(redact_text(r#"cvv: Some("100")"#), r#"cvv: Some("***")"#);
        assert_eq!(redact_text(r#"{"cvv": Array [String("100")]}"#), r#"{"cvv": Array [String("***")]}"#);
    }

    #[test]
    fn json_fields_are_masked_by_name_and_by_value() {
        let mut v = json!({
            "source": {"number": "4242424242424242", "cvv": "100", "expiry_month": 6, "cvv_check": "Y"},
            "list": [{"card_number": 5436031030606378u64, "cvc": 257}],
            "card": {"card_cvv": ["100", 1051], "security_code": "737", "securityCode": 737},
            "Authorization": "Bearer sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e",
            "note": "sk_test_fde517a8-3f01-41ef-b4bd-4282384b0a64",
            "metadata": {"gift": "for 4242 4242 4242 4242", "amex": 345678901234564.0, "n": 4242424242424242u64},
            "client_secret": "abc", "private_key": {"k": 1}, "access_token": "t", "password": 5,
            "error_codes": ["card_cvv: 1051", "cvv_invalid"],
            "idempotency_key": "idk_1", "token": "tok_ubfj2q76miwundwlk72vxt2i7q",
            "phone": {"number": "415 555 2671"},
            "4242424242424242": "a card as a key",
        });
        redact_json(&mut v);
        assert_eq!(
            v,
            json!({
                "source": {"number": "************4242", "cvv": "***", "expiry_month": 6, "cvv_check": "Y"},
                "list": [{"card_number": "************6378", "cvc": "***"}],
                "card": {"card_cvv": ["***", "***"], "security_code": "***", "securityCode": "***"},
                "Authorization": "<redacted>",
                "note": "<redacted>",
                "metadata": {"gift": "for **** **** **** 4242", "amex": "***********4564.0", "n": "************4242"},
                "client_secret": "<redacted>", "private_key": "<redacted>", "access_token": "<redacted>",
                "password": "<redacted>",
                "error_codes": ["card_cvv: ***", "cvv_invalid"],
                "idempotency_key": "idk_1", "token": "tok_ubfj2q76miwundwlk72vxt2i7q",
                "phone": {"number": "415 555 2671"},
                "************4242": "a card as a key",
            })
        );
        let once = v.clone();
        redact_json(&mut v);
        assert_eq!(v, once, "redacting twice is redacting once");
    }

    #[test]
    fn the_common_headers_shortcut_agrees_with_the_general_rule() {
        for &(name, sensitive) in COMMON_HEADERS {
            for spelling in [name.to_string(), name.to_ascii_uppercase(), title_case(name)] {
                assert_eq!(sensitive_by_name(&spelling), sensitive, "{spelling}");
                assert_eq!(is_sensitive_header(&spelling), sensitive, "{spelling}");
            }
        }
    }

    /// `cko-idempotency-key` -> `Cko-Idempotency-Key`.
    fn title_case(name: &str) -> String {
        let mut out = String::with_capacity(name.len());
        let mut start = true;
        for c in name.chars() {
            out.push(if start { c.to_ascii_uppercase() } else { c });
            start = c == '-';
        }
        out
    }

    #[test]
    fn headers_are_redacted_by_name_and_by_value() {
        let headers: Headers = [
            ("X-Echo-Authorization", "anything"),
            ("X-Api-Key", "k"),
            ("Cookie", "a=b"),
            ("Cko-Idempotency-Key", "idk_1"),
            ("Cko-Request-Id", "req 4242424242424242"),
            ("Location", "https://x/?k=sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e"),
        ]
        .into_iter()
        .collect();
        let shown: Vec<(String, String)> =
            redact_headers(&headers).iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
        let expected = [
            ("X-Echo-Authorization", REDACTED),
            ("X-Api-Key", REDACTED),
            ("Cookie", REDACTED),
            ("Cko-Idempotency-Key", "idk_1"),
            ("Cko-Request-Id", "req ************4242"),
            ("Location", "https://x/?k=<redacted>"),
        ];
        let expected: Vec<(String, String)> = expected.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
        assert_eq!(shown, expected);
    }

    #[test]
    fn digit_runs_are_masked_in_messages() {
        assert_eq!(
            mask_digit_runs("invalid type: integer `4242424242424242` at line 1"),
            "invalid type: integer `################` at line 1"
        );
        assert_eq!(mask_digit_runs("cvv 100, month 12"), "cvv ###, month 12");
    }

    /// A Luhn-valid number of `len` digits built from `seed`, first digit non-zero.
    #[cfg(feature = "std")]
    fn luhn_number(seed: u64, len: usize) -> String {
        let mut digits: Vec<u32> = (0..len - 1).map(|i| ((seed >> (i % 60)) as u32 + i as u32 * 7) % 10).collect();
        if digits[0] == 0 {
            digits[0] = 4;
        }
        // The check digit makes the sum over all digits a multiple of 10.
        let sum: u32 =
            digits.iter().rev().enumerate().map(|(i, d)| if i % 2 == 0 { luhn_double(*d) } else { *d }).sum();
        digits.push((10 - sum % 10) % 10);
        digits.iter().map(|d| char::from(b'0' + *d as u8)).collect()
    }

    #[cfg(feature = "std")]
    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// Any text: redacting twice gives what redacting once gave.
        #[test]
        fn redacting_text_twice_is_redacting_once(text in "[ -~]{0,80}|[0-9 -]{10,60}|.{0,40}") {
            let once = redact_text(&text);
            proptest::prop_assert_eq!(redact_text(&once), once);
        }

        /// A card number planted in any text, spaced or dashed, shows at most its last four digits.
        #[test]
        fn a_planted_card_number_never_survives(
            seed in proptest::prelude::any::<u64>(),
            len in 13usize..=19,
            before in "([a-z0-9 ._:-]{0,12}[a-z ._:-])?",
            after in "[a-z ._:-]{0,12}",
            separator in proptest::sample::select(alloc::vec!["", " ", "-"]),
        ) {
            let pan = luhn_number(seed, len);
            let spelled: String = pan
                .chars()
                .enumerate()
                .flat_map(|(i, c)| {
                    let sep = if i > 0 && i % 4 == 0 { separator } else { "" };
                    sep.chars().chain(core::iter::once(c))
                })
                .collect();
            let text = format!("{before}{spelled}{after}");
            let redacted = redact_text(&text);
            let digits: String = redacted.chars().filter(char::is_ascii_digit).collect();
            proptest::prop_assert!(!digits.contains(&pan[..len - 4]), "{} -> {}", text, redacted);
            proptest::prop_assert!(!redacted.contains(&pan[len - 8..]), "{} -> {}", text, redacted);
        }
    }
}
