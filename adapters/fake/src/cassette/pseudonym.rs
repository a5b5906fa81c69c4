//! Stable pseudonyms for personal data in cassettes.
//!
//! A pseudonym is a function of the original value only (a fixed FNV-1a hash), so the same email
//! gets the same pseudonym in a request and in the response that echoes it, in every cassette and
//! at replay time, when the incoming request is scrubbed the same way and still matches. Every
//! pseudonym has a recognisable form that is left alone, so scrubbing twice is scrubbing once:
//!
//! | what | found by | pseudonym |
//! |---|---|---|
//! | email | value (`a@b.co`, `a%40b.co`), or a field named `*email*` | `user-1a2b3c4d@example.com` |
//! | name | field `name`, `first_name`, `last_name`, `cardholder_name`, ... | `Person 1a2b3c4d` |
//! | phone number | field `*phone*`, or `number` inside a `*phone*` object | `5551234567` |
//! | address | field `address_line1`, `line2`, `street`, `address` (a string) | `Street 1a2b3c4d` |
//! | post code | field `zip`, `postcode`, `postal_code` | `Zip 1a2b3c4d` |
//! | IP address | value (IPv4), or a field `ip`, `payment_ip`, `*ip_address` | `198.51.100.23`, `2001:db8::1a2b` |
//! | customer id | value `cus_...` | `cus_pseudo` + 20 letters |
//!
//! Emails at reserved domains (`example.com`, `*.test`, ...), loopback and documentation IPs,
//! cities, states and countries are kept. `name` under `billing_descriptor`, `items`, `products`,
//! `merchant` or `bank` is a business's or a product's name and is kept.

use std::borrow::Cow;

use serde_json::Value;

/// FNV-1a over `kind` and `value`: stable across platforms, Rust versions and runs.
fn hash(kind: &str, value: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in kind.bytes().chain([0]).chain(value.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn hex8(h: u64) -> String {
    format!("{:08x}", (h >> 32) as u32 ^ h as u32)
}

fn is_hex8(s: &str) -> bool {
    s.len() == 8 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

// ---------------------------------------------------------------------------------------------
// Emails
// ---------------------------------------------------------------------------------------------

const RESERVED_DOMAINS: &[&str] = &["example.com", "example.org", "example.net", "example"];
const RESERVED_TLDS: &[&str] = &[".example", ".test", ".invalid", ".localhost"];

fn is_reserved_domain(domain: &str) -> bool {
    let domain = domain.to_ascii_lowercase();
    RESERVED_DOMAINS.contains(&domain.as_str()) || RESERVED_TLDS.iter().any(|tld| domain.ends_with(tld))
}

fn email_pseudonym(email: &str) -> String {
    format!("user-{}@example.com", hex8(hash("email", &email.to_ascii_lowercase())))
}

fn is_local_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'%' | b'+' | b'-')
}

fn is_domain_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-')
}

/// Byte ranges of the email addresses in `text` (`@` may be percent-encoded as `%40`).
fn email_spans(text: &str) -> Vec<(usize, usize, String)> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut i = 0;
    let mut last_end = 0;
    while i < bytes.len() {
        let at_len = if bytes[i] == b'@' {
            1
        } else if bytes[i..].len() >= 3 && bytes[i..i + 3].eq_ignore_ascii_case(b"%40") {
            3
        } else {
            i += 1;
            continue;
        };
        let mut start = i;
        while start > last_end && is_local_char(bytes[start - 1]) {
            start -= 1;
        }
        let mut end = i + at_len;
        while end < bytes.len() && is_domain_char(bytes[end]) {
            end += 1;
        }
        while end > i + at_len && matches!(bytes[end - 1], b'.' | b'-') {
            end -= 1;
        }
        let domain = &text[i + at_len..end];
        let tld_ok = domain
            .rsplit_once('.')
            .is_some_and(|(_, tld)| tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic()));
        if start < i && tld_ok && !is_reserved_domain(domain) {
            let email = format!("{}@{domain}", &text[start..i]);
            spans.push((start, end, email));
            last_end = end;
            i = end;
        } else {
            i += at_len;
        }
    }
    spans
}

// ---------------------------------------------------------------------------------------------
// IP addresses
// ---------------------------------------------------------------------------------------------

const DOCUMENTATION_NETWORKS: &[&str] = &["192.0.2.", "198.51.100.", "203.0.113."];

fn ipv4_pseudonym(h: u64) -> String {
    let network = DOCUMENTATION_NETWORKS[(h % 3) as usize];
    format!("{network}{}", 1 + (h >> 8) % 254)
}

/// Whether an IPv4 address is kept as is: loopback, unspecified, or already a pseudonym.
fn is_kept_ipv4(ip: &str) -> bool {
    ip.starts_with("127.") || ip == "0.0.0.0" || DOCUMENTATION_NETWORKS.iter().any(|n| ip.starts_with(n))
}

/// The end of a dotted quad starting at `at`, if one does.
fn ipv4_at(bytes: &[u8], at: usize) -> Option<usize> {
    let mut end = at;
    for part in 0..4 {
        if part > 0 {
            if bytes.get(end) != Some(&b'.') {
                return None;
            }
            end += 1;
        }
        let start = end;
        while end < bytes.len() && end - start < 3 && bytes[end].is_ascii_digit() {
            end += 1;
        }
        let octet = std::str::from_utf8(&bytes[start..end]).ok()?.parse::<u16>().ok()?;
        if end == start || octet > 255 {
            return None;
        }
    }
    // Not part of a longer number or dotted sequence (`1.2.3.4.5`, `1.2.3.45678`).
    let continues = |at: usize| bytes.get(at).is_some_and(|c| c.is_ascii_digit());
    if continues(end) || (bytes.get(end) == Some(&b'.') && continues(end + 1)) {
        return None;
    }
    Some(end)
}

fn ipv4_spans(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts =
            bytes[i].is_ascii_digit() && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'.'));
        match ipv4_at(bytes, i).filter(|_| starts) {
            Some(end) => {
                if !is_kept_ipv4(&text[i..end]) {
                    spans.push((i, end));
                }
                i = end;
            }
            None => i += 1,
        }
    }
    spans
}

fn ip_pseudonym(ip: &str) -> String {
    let h = hash("ip", ip);
    if ip.contains(':') {
        format!("2001:db8::{:x}", h & 0xffff)
    } else {
        ipv4_pseudonym(h)
    }
}

fn is_kept_ip(ip: &str) -> bool {
    is_kept_ipv4(ip) || ip.starts_with("2001:db8:") || ip == "::1"
}

// ---------------------------------------------------------------------------------------------
// Customer ids
// ---------------------------------------------------------------------------------------------

const CUSTOMER_PREFIX: &str = "cus_";
const CUSTOMER_PSEUDONYM: &str = "cus_pseudo";

fn customer_pseudonym(id: &str) -> String {
    let mut h = hash("cus", id);
    let mut out = String::from(CUSTOMER_PSEUDONYM);
    for _ in 0..20 {
        out.push(char::from(b'a' + (h % 26) as u8));
        h = h.rotate_left(5).wrapping_mul(0x0100_0000_01b3) ^ 0x9e37_79b9;
    }
    out
}

fn customer_spans(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut from = 0;
    while let Some(offset) = text[from..].find(CUSTOMER_PREFIX) {
        let start = from + offset;
        let mut end = start + CUSTOMER_PREFIX.len();
        while end < bytes.len() && bytes[end].is_ascii_alphanumeric() {
            end += 1;
        }
        let starts_word = start == 0 || !bytes[start - 1].is_ascii_alphanumeric();
        if starts_word && end > start + CUSTOMER_PREFIX.len() && !text[start..end].starts_with(CUSTOMER_PSEUDONYM) {
            spans.push((start, end));
        }
        from = end.max(start + 1);
    }
    spans
}

// ---------------------------------------------------------------------------------------------
// Text
// ---------------------------------------------------------------------------------------------

fn replace_spans(text: &str, spans: &[(usize, usize, String)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (start, end, replacement) in spans {
        out.push_str(&text[last..*start]);
        out.push_str(replacement);
        last = *end;
    }
    out.push_str(&text[last..]);
    out
}

/// Replaces the emails, IPv4 addresses and customer ids found by value in `text`.
pub(super) fn pseudonymize_text(text: &str) -> Cow<'_, str> {
    if !text.bytes().any(|b| b == b'@' || b == b'%' || b == b'.' || b == b'_') {
        return Cow::Borrowed(text);
    }
    let mut text = Cow::Borrowed(text);
    let emails: Vec<(usize, usize, String)> =
        email_spans(&text).into_iter().map(|(start, end, email)| (start, end, email_pseudonym(&email))).collect();
    if !emails.is_empty() {
        text = Cow::Owned(replace_spans(&text, &emails));
    }
    let ips: Vec<(usize, usize, String)> =
        ipv4_spans(&text).into_iter().map(|(start, end)| (start, end, ip_pseudonym(&text[start..end]))).collect();
    if !ips.is_empty() {
        text = Cow::Owned(replace_spans(&text, &ips));
    }
    let customers: Vec<(usize, usize, String)> = customer_spans(&text)
        .into_iter()
        .map(|(start, end)| (start, end, customer_pseudonym(&text[start..end])))
        .collect();
    if !customers.is_empty() {
        text = Cow::Owned(replace_spans(&text, &customers));
    }
    text
}

// ---------------------------------------------------------------------------------------------
// JSON fields
// ---------------------------------------------------------------------------------------------

/// Personal data a field's name announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Email,
    Name,
    Phone,
    Street,
    Zip,
    Ip,
}

const NAME_FIELDS: &[&str] = &[
    "name",
    "firstname",
    "lastname",
    "middlename",
    "fullname",
    "givenname",
    "familyname",
    "cardholdername",
    "holdername",
    "accountholdername",
    "customername",
    "recipientname",
    "sendername",
    "payername",
];
/// Parents under which `name` names a business, a product or a bank, not a person.
const NOT_A_PERSON: &[&str] = &["billingdescriptor", "items", "products", "merchant", "bank", "processing", "scheme"];
const STREET_FIELDS: &[&str] =
    &["addressline1", "addressline2", "addressline3", "line1", "line2", "line3", "street", "streetaddress", "address"];
const ZIP_FIELDS: &[&str] = &["zip", "zipcode", "postcode", "postalcode"];
const IP_FIELDS: &[&str] = &["ip", "paymentip", "clientip", "customerip", "remoteip", "deviceip"];

fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for &b in name.as_bytes() {
        if b.is_ascii_alphanumeric() {
            out.push(char::from(b.to_ascii_lowercase()));
        }
    }
    out
}

fn kind_of(field: &str, parent: &str) -> Option<Kind> {
    if field.contains("email") {
        Some(Kind::Email)
    } else if field.contains("phone") || (field == "number" && parent.contains("phone")) {
        Some(Kind::Phone)
    } else if NAME_FIELDS.contains(&field) && !(field == "name" && NOT_A_PERSON.contains(&parent)) {
        Some(Kind::Name)
    } else if STREET_FIELDS.contains(&field) {
        Some(Kind::Street)
    } else if ZIP_FIELDS.contains(&field) {
        Some(Kind::Zip)
    } else if IP_FIELDS.contains(&field) || field.ends_with("ipaddress") {
        Some(Kind::Ip)
    } else {
        None
    }
}

fn labelled(label: &str, kind: &str, value: &str) -> String {
    format!("{label} {}", hex8(hash(kind, value)))
}

fn is_labelled(label: &str, value: &str) -> bool {
    value.strip_prefix(label).and_then(|rest| rest.strip_prefix(' ')).is_some_and(is_hex8)
}

/// The pseudonym of a scalar `value` of `kind`, or `None` when it is kept (empty, redacted, or
/// already a pseudonym).
fn pseudonym(kind: Kind, value: &str) -> Option<String> {
    if value.is_empty() || value.starts_with('<') || value.bytes().all(|b| b == b'*' || b == b' ' || b == b'-') {
        return None;
    }
    match kind {
        Kind::Email => {
            let domain = value.rsplit_once('@').map_or("", |(_, d)| d);
            (!is_reserved_domain(domain)).then(|| email_pseudonym(value))
        }
        Kind::Name => (!is_labelled("Person", value)).then(|| labelled("Person", "name", value)),
        Kind::Street => (!is_labelled("Street", value)).then(|| labelled("Street", "street", value)),
        Kind::Zip => (!is_labelled("Zip", value)).then(|| labelled("Zip", "zip", value)),
        Kind::Phone => {
            let kept = value.len() == 10 && value.starts_with("555") && value.bytes().all(|b| b.is_ascii_digit());
            let digits: String = value.chars().filter(char::is_ascii_digit).collect();
            (!kept).then(|| format!("555{:07}", hash("phone", &digits) % 10_000_000))
        }
        Kind::Ip => (!is_kept_ip(value)).then(|| ip_pseudonym(value)),
    }
}

fn pseudonymize_field(kind: Kind, field: &str, value: &mut Value) {
    let text = match value {
        Value::String(s) => s.clone(),
        Value::Number(n) if kind == Kind::Phone => n.to_string(),
        other => return walk(other, field),
    };
    match pseudonym(kind, &text) {
        Some(replacement) => *value = Value::String(replacement),
        None => walk(value, field),
    }
}

fn walk(value: &mut Value, parent: &str) {
    match value {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                let field = normalize(key);
                match kind_of(&field, parent) {
                    Some(kind) => pseudonymize_field(kind, &field, value),
                    None => walk(value, &field),
                }
            }
        }
        // Elements of an array stay under the array's name (`items[].name`).
        Value::Array(items) => items.iter_mut().for_each(|item| walk(item, parent)),
        Value::String(s) => {
            if let Cow::Owned(replaced) = pseudonymize_text(s) {
                *s = replaced;
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// Replaces the personal data in a JSON body, by field name and by value.
pub(super) fn pseudonymize_json(value: &mut Value) {
    walk(value, "");
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn personal_data_gets_stable_pseudonyms_and_the_rest_is_kept() {
        let original = json!({
            "customer": {"id": "cus_udst2tfldj6upmye2reztkmm4i", "email": "Jane.Doe@gmail.com", "name": "Jane Doe"},
            "source": {
                "name": "Jane Doe",
                "billing_address": {"address_line1": "1 Main St", "zip": "W1T 4TJ", "city": "London", "country": "GB"},
                "phone": {"country_code": "+44", "number": "020 7946 0958"},
            },
            "payment_ip": "90.197.169.245",
            "description": "gift from jane.doe@gmail.com at 90.197.169.245 for cus_udst2tfldj6upmye2reztkmm4i",
            "billing_descriptor": {"name": "SUPERHEROES.COM", "city": "GTR"},
            "items": [{"name": "Mask"}],
            "kept": ["x@example.com", "127.0.0.1", "2.1.0", "pay_mbabizu24mvu3mela5njyhpit4"],
        });
        let mut v = original.clone();
        pseudonymize_json(&mut v);
        let email = &v["customer"]["email"];
        assert!(email.as_str().unwrap().starts_with("user-") && email.as_str().unwrap().ends_with("@example.com"));
        assert_eq!(v["customer"]["name"], v["source"]["name"], "same input, same pseudonym");
        assert!(v["customer"]["name"].as_str().unwrap().starts_with("Person "));
        let customer = v["customer"]["id"].as_str().unwrap();
        assert!(customer.starts_with("cus_pseudo") && customer.len() == 30, "{customer}");
        let description = v["description"].as_str().unwrap();
        assert!(description.contains(email.as_str().unwrap()), "case-insensitive emails: {description}");
        assert!(description.contains(customer) && description.contains(v["payment_ip"].as_str().unwrap()));
        assert!(
            v["payment_ip"].as_str().unwrap().starts_with("198.51.100.")
                || v["payment_ip"].as_str().unwrap().starts_with("192.0.2.")
                || v["payment_ip"].as_str().unwrap().starts_with("203.0.113.")
        );
        assert_eq!(v["source"]["billing_address"]["city"], "London");
        assert!(v["source"]["billing_address"]["address_line1"].as_str().unwrap().starts_with("Street "));
        assert!(v["source"]["billing_address"]["zip"].as_str().unwrap().starts_with("Zip "));
        assert_eq!(v["source"]["phone"]["country_code"], "+44");
        assert!(v["source"]["phone"]["number"].as_str().unwrap().starts_with("555"));
        assert_eq!(v["billing_descriptor"], original["billing_descriptor"]);
        assert_eq!(v["items"], original["items"]);
        assert_eq!(v["kept"], original["kept"]);
        let text = v.to_string();
        for personal in ["Jane", "jane", "gmail", "Main St", "W1T", "7946", "90.197", "udst2tfl"] {
            assert!(!text.contains(personal), "{personal} in {text}");
        }
        let once = v.clone();
        pseudonymize_json(&mut v);
        assert_eq!(v, once, "pseudonymizing twice is pseudonymizing once");
    }

    #[test]
    fn emails_are_found_in_urls_and_text() {
        let text = "GET /customers?email=jane%40shop.co.uk&ip=10.1.2.3 from bob@mail.com.";
        let out = pseudonymize_text(text);
        assert!(!out.contains("jane") && !out.contains("bob@") && !out.contains("10.1.2.3"), "{out}");
        assert!(out.ends_with("@example.com."), "{out}");
        assert_eq!(pseudonymize_text(&out), out);
        assert_eq!(pseudonymize_text("version 1.2.3.4.5 and 300.1.1.1"), "version 1.2.3.4.5 and 300.1.1.1");
    }
}
