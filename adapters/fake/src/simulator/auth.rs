//! `Authorization` checks: which keys a route accepts, and in which header format.

use checkout_core::config::{KeyKind, SecretKey};
use checkout_core::transport::Headers;

/// Which keys a route accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Access {
    /// Secret keys only (every payment route).
    Secret,
    /// Secret or public keys (`POST /tokens`, which the real API calls with a public key).
    SecretOrPublic,
}

fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

fn is_base32_key_body(s: &str) -> bool {
    let b = s.as_bytes();
    let body = match b.split_last() {
        Some((&(b'*' | b'#' | b'$' | b'='), body)) => body,
        _ => b,
    };
    (26..=27).contains(&body.len()) && body.iter().all(|c| matches!(c, b'a'..=b'z' | b'2'..=b'7'))
}

/// The kind of a public key (`pk_test_<uuid>`, `pk_<uuid>`, `pk_sbox_<base32>`, `pk_<base32>`).
fn public_key_kind(key: &str) -> Option<KeyKind> {
    if let Some(rest) = key.strip_prefix("pk_test_") {
        return is_uuid(rest).then_some(KeyKind::Legacy);
    }
    if let Some(rest) = key.strip_prefix("pk_sbox_") {
        return is_base32_key_body(rest).then_some(KeyKind::Bearer);
    }
    let rest = key.strip_prefix("pk_")?;
    if is_uuid(rest) {
        Some(KeyKind::Legacy)
    } else if is_base32_key_body(rest) {
        Some(KeyKind::Bearer)
    } else {
        None
    }
}

/// Whether `headers` carry a key that `access` accepts, in the format its kind requires: legacy
/// keys raw, new keys as `Bearer <key>` (the scheme name is matched case-insensitively).
pub(super) fn is_authorized(headers: &Headers, access: Access) -> bool {
    let Some(value) = headers.get("authorization") else {
        return false;
    };
    let (bearer, key) = match value.get(..7) {
        Some(scheme) if scheme.eq_ignore_ascii_case("bearer ") => (true, value.get(7..).unwrap_or_default()),
        _ => (false, value),
    };
    let kind = match SecretKey::new(key) {
        Ok(secret) => Some(secret.kind()),
        Err(_) if access == Access::SecretOrPublic => public_key_kind(key),
        Err(_) => None,
    };
    match kind {
        Some(KeyKind::Legacy) => !bearer,
        Some(KeyKind::Bearer) => bearer,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auth(value: &str, access: Access) -> bool {
        let mut headers = Headers::new();
        headers.insert("Authorization", value);
        is_authorized(&headers, access)
    }

    #[test]
    fn keys_must_use_the_header_format_of_their_kind() {
        let legacy = "sk_test_fde517a8-3f01-41ef-b4bd-4282384b0a64";
        let bearer = "sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e";
        assert!(auth(legacy, Access::Secret));
        assert!(!auth(&format!("Bearer {legacy}"), Access::Secret));
        assert!(auth(&format!("Bearer {bearer}"), Access::Secret));
        assert!(auth(&format!("bearer {bearer}"), Access::Secret));
        assert!(!auth(bearer, Access::Secret));
        assert!(!auth("Bearer ", Access::Secret));
        assert!(!auth("", Access::Secret));
        assert!(!auth("Bé", Access::Secret));
        assert!(!is_authorized(&Headers::new(), Access::Secret));
    }

    #[test]
    fn public_keys_only_where_allowed() {
        let legacy = "pk_test_fde517a8-3f01-41ef-b4bd-4282384b0a64";
        let bearer = "pk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e";
        assert!(!auth(legacy, Access::Secret));
        assert!(auth(legacy, Access::SecretOrPublic));
        assert!(auth(&format!("Bearer {bearer}"), Access::SecretOrPublic));
        assert!(!auth(bearer, Access::SecretOrPublic));
        assert!(!auth("pk_nope", Access::SecretOrPublic));
    }
}
