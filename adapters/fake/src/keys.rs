//! Keys and base URLs for tests, in every format the SDK and the simulator accept.
//!
//! The secret keys are well formed, so the SDK and the simulator accept them, but they belong to
//! no account: Checkout.com refuses them. Use them against fakes and the simulator only.

/// A new-format sandbox secret key (sent as `Authorization: Bearer <key>`).
pub const SANDBOX_SECRET_KEY: &str = "sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e";
/// A legacy sandbox secret key (sent raw in `Authorization`).
pub const LEGACY_SECRET_KEY: &str = "sk_test_fde517a8-3f01-41ef-b4bd-4282384b0a64";
/// A new-format sandbox public key (accepted by `POST /tokens` only).
pub const SANDBOX_PUBLIC_KEY: &str = "pk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e";
/// A legacy sandbox public key (accepted by `POST /tokens` only).
pub const LEGACY_PUBLIC_KEY: &str = "pk_test_fde517a8-3f01-41ef-b4bd-4282384b0a64";
/// A processing channel id: accounts with new-format keys (or OAuth credentials) name one on every
/// payment and payout, or the API (and the simulator) answers 422 `processing_channel_id_required`.
pub const PROCESSING_CHANNEL_ID: &str = "pc_q4dbxom5jbgudnjzjpz7j2z6uq";
/// The sandbox's base URL, without a trailing slash.
pub const SANDBOX_BASE_URL: &str = "https://api.sandbox.checkout.com";

#[cfg(test)]
mod tests {
    use super::*;
    use checkout_sdk_core::config::{public_key_kind, KeyKind, SecretKey};

    #[test]
    fn the_keys_are_well_formed_in_their_kinds() {
        assert_eq!(SecretKey::new(SANDBOX_SECRET_KEY).map(|k| k.kind()).ok(), Some(KeyKind::Bearer));
        assert_eq!(SecretKey::new(LEGACY_SECRET_KEY).map(|k| k.kind()).ok(), Some(KeyKind::Legacy));
        assert_eq!(public_key_kind(SANDBOX_PUBLIC_KEY), Some(KeyKind::Bearer));
        assert_eq!(public_key_kind(LEGACY_PUBLIC_KEY), Some(KeyKind::Legacy));
    }
}
