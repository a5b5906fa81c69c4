//! `Authorization` checks: which credentials a route accepts, in which header format, and who the
//! caller is (which decides, for one, whether payments need a processing channel).

use checkout_sdk_core::config::{public_key_kind, KeyKind, SecretKey};
use checkout_sdk_core::transport::Headers;

use crate::access::AccessTokens;

/// Which credentials a route accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// Secret keys or OAuth access tokens (every payment route).
    Secret,
    /// Secret or public keys, or OAuth access tokens (`POST /tokens`, which the real API calls
    /// with a public key).
    SecretOrPublic,
}

/// Who made an authenticated request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Caller {
    /// A legacy secret key (`sk_test_<uuid>`), sent raw: an account from before processing
    /// channels.
    LegacyKey,
    /// A new-format secret key (`sk_sbox_…`), sent as `Bearer`.
    Key,
    /// An OAuth access token issued by `POST /connect/token`.
    AccessToken,
    /// A public key (only where [`Access::SecretOrPublic`] allows it).
    PublicKey,
}

impl Caller {
    /// Whether this caller's payments and payouts must name a processing channel: new-format keys
    /// and OAuth tokens belong to accounts set up with processing channels; legacy keys do not.
    pub(crate) fn needs_processing_channel(self) -> bool {
        matches!(self, Caller::Key | Caller::AccessToken)
    }
}

/// Who `headers` authenticate, if `access` accepts them: legacy keys raw, new keys and tokens as
/// `Bearer <value>` (the scheme name is matched case-insensitively). A bearer value that is not a
/// key must be a token in `tokens` still valid at `now`.
pub(crate) fn authenticate(headers: &Headers, access: Access, tokens: &AccessTokens, now: i64) -> Option<Caller> {
    let value = headers.get("authorization")?;
    let (bearer, key) = match value.get(..7) {
        Some(scheme) if scheme.eq_ignore_ascii_case("bearer ") => (true, value.get(7..).unwrap_or_default()),
        _ => (false, value),
    };
    let (kind, caller) = match SecretKey::new(key) {
        Ok(secret) => (secret.kind(), Caller::Key),
        Err(_) => match public_key_kind(key) {
            Some(kind) if access == Access::SecretOrPublic => (kind, Caller::PublicKey),
            Some(_) => return None,
            None => return (bearer && tokens.is_valid(key, now)).then_some(Caller::AccessToken),
        },
    };
    match (kind, bearer) {
        (KeyKind::Legacy, false) if caller == Caller::Key => Some(Caller::LegacyKey),
        (KeyKind::Legacy, false) => Some(caller),
        (KeyKind::Bearer, true) => Some(caller),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::Limits;

    fn caller(value: &str, access: Access) -> Option<Caller> {
        let mut headers = Headers::new();
        headers.insert("Authorization", value);
        authenticate(&headers, access, &AccessTokens::new(&Limits::default()), 0)
    }

    fn auth(value: &str, access: Access) -> bool {
        caller(value, access).is_some()
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
        assert_eq!(authenticate(&Headers::new(), Access::Secret, &AccessTokens::new(&Limits::default()), 0), None);
        assert_eq!(caller(legacy, Access::Secret), Some(Caller::LegacyKey));
        assert_eq!(caller(&format!("Bearer {bearer}"), Access::Secret), Some(Caller::Key));
        assert!(Caller::Key.needs_processing_channel() && !Caller::LegacyKey.needs_processing_channel());
    }

    #[test]
    fn unknown_bearer_values_are_refused() {
        assert!(!auth("Bearer vvzhoai466su3j3vbxb47ts5oevvzhoai466su3j3vbxb47ts5oe", Access::Secret));
        assert!(!auth("vvzhoai466su3j3vbxb47ts5oevvzhoai466su3j3vbxb47ts5oe", Access::Secret));
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
