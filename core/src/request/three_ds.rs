//! 3-D Secure options.

use alloc::string::String;

use serde::Serialize;
use serde_json::{Map, Value};

use super::field::{extra_setter, open_model, setters, switch_or_object, FieldError, Fields, FromJson};

/// 3-D Secure options, serialised as `"3ds"`. `true` converts to `{"enabled": true}`, and
/// `from_json` reads `"3ds": true` (or the original SDK's `"threeds"`) the same way. Fields the SDK
/// does not model (`authentication_id`, `status`, ...) are kept in `extra`.
///
/// ```
/// use checkout_sdk_core::request::ThreeDs;
/// use serde_json::json;
///
/// let three_ds = ThreeDs::enabled().attempt_n3d(true).challenge_indicator("no_preference");
/// assert_eq!(
///     serde_json::to_value(&three_ds).unwrap(),
///     json!({"enabled": true, "attempt_n3d": true, "challenge_indicator": "no_preference"})
/// );
/// ```
#[derive(Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ThreeDs {
    /// Whether to attempt 3-D Secure.
    pub enabled: bool,
    /// Fall back to a non-3DS payment when the card is not enrolled or 3DS fails.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attempt_n3d: Option<bool>,
    /// ECI of a third-party authentication (the API's examples send a number, read as text).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eci: Option<String>,
    /// Cryptogram of a third-party authentication.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cryptogram: Option<String>,
    /// XID of a third-party 3DS 1 authentication.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub xid: Option<String>,
    /// 3DS version, e.g. `2.1.0`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Requested exemption, e.g. `low_value`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exemption: Option<String>,
    /// Challenge preference, e.g. `no_preference`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub challenge_indicator: Option<String>,
    /// Whether to allow an upgrade from a frictionless flow to a challenge.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_upgrade: Option<bool>,
    /// Fields the SDK does not model, sent as given.
    #[serde(flatten, serialize_with = "ThreeDs::serialize_extra")]
    pub extra: Map<String, Value>,
}

open_model!(ThreeDs {
    "enabled",
    "attempt_n3d",
    "eci",
    "cryptogram",
    "xid",
    "version",
    "exemption",
    "challenge_indicator",
    "allow_upgrade",
});

impl FromJson for ThreeDs {
    fn from_fields(mut f: Fields) -> Result<Self, FieldError> {
        Ok(ThreeDs {
            enabled: f.boolean("enabled")?.unwrap_or(false),
            attempt_n3d: f.boolean("attempt_n3d")?,
            eci: f.digits_or_string("eci")?,
            cryptogram: f.string("cryptogram")?,
            xid: f.string("xid")?,
            version: f.string("version")?,
            exemption: f.string("exemption")?,
            challenge_indicator: f.string("challenge_indicator")?,
            allow_upgrade: f.boolean("allow_upgrade")?,
            extra: f.rest(),
        })
    }

    fn from_value(value: Value, path: String) -> Result<Self, FieldError> {
        switch_or_object(value, path, ThreeDs::from)
    }
}

impl ThreeDs {
    /// `{"enabled": true}`.
    pub fn enabled() -> Self {
        ThreeDs { enabled: true, ..Self::default() }
    }

    /// `{"enabled": true, "attempt_n3d": true}`: downgrade to non-3DS when 3DS is unavailable.
    pub fn with_n3d_fallback() -> Self {
        ThreeDs::enabled().attempt_n3d(true)
    }

    setters! {
        /// Sets whether to fall back to non-3DS.
        attempt_n3d = bool,
        /// Sets the ECI of a third-party authentication.
        eci: String,
        /// Sets the cryptogram of a third-party authentication.
        cryptogram: String,
        /// Sets the XID of a third-party 3DS 1 authentication.
        xid: String,
        /// Sets the 3DS version.
        version: String,
        /// Sets the requested exemption.
        exemption: String,
        /// Sets the challenge preference.
        challenge_indicator: String,
        /// Sets whether to allow an upgrade to a challenge.
        allow_upgrade = bool,
    }

    extra_setter!();
}

impl From<bool> for ThreeDs {
    fn from(enabled: bool) -> Self {
        ThreeDs { enabled, ..Self::default() }
    }
}

crate::redact::redacted_json_debug!(ThreeDs);

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;

    #[test]
    fn debug_hides_the_cryptogram_but_the_body_carries_it() {
        let three_ds = ThreeDs::enabled().cryptogram("AgAAAAAAAIR8CQrXcIhbQAAAAAA=").eci("05");
        let debug = format!("{three_ds:?}");
        assert!(!debug.contains("AgAAAAAAAIR8CQrXcIhbQAAAAAA="), "{debug}");
        assert!(debug.contains("\"05\""), "{debug}");
        assert_eq!(serde_json::to_value(&three_ds).unwrap()["cryptogram"], "AgAAAAAAAIR8CQrXcIhbQAAAAAA=");
    }
}
