//! `Authorization` checks: which keys a route accepts, and in which header format.

use checkout_sdk_core::config::{public_key_kind, KeyKind, SecretKey};
use checkout_sdk_core::transport::Headers;

/// Which keys a route accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// Secret keys only (every payment route).
    Secret,
    /// Secret or public keys (`POST /tokens`, which the real API calls with a public key).
    SecretOrPublic,
}

/// Whether `headers` carry a key that `access` accepts, in the format its kind requires: legacy
/// keys raw, new keys as `Bearer <key>` (the scheme name is matched case-insensitively).
pub(crate) fn is_authorized(headers: &Headers, access: Access) -> bool {
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
