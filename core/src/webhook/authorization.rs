//! The optional `Authorization` header value a merchant sets on a webhook.
//!
//! Checkout.com sends it verbatim (no `Bearer` prefix) on every delivery. It proves the sender
//! knows a shared value; it says nothing about the body, so it complements `Cko-Signature` and
//! never replaces it.

use alloc::string::String;
use core::fmt;
use core::str::FromStr;

use hmac::digest::CtOutput;
use sha2::{Digest, Sha256};

use super::error::WebhookError;

/// The header the configured value arrives in.
pub const AUTHORIZATION_HEADER: &str = "Authorization";

/// The `Authorization` value configured for a webhook. `Debug` and `Display` never show it.
///
/// ```
/// use checkout_sdk_core::webhook::WebhookAuthorization;
///
/// let auth = WebhookAuthorization::new("0362c0ba-1f13-45ee").unwrap();
/// assert!(auth.matches("0362c0ba-1f13-45ee"));
/// assert!(!auth.matches("0362c0ba-1f13-45eF"));
/// assert!(!format!("{auth:?} {auth}").contains("0362"));
/// ```
#[derive(Clone)]
pub struct WebhookAuthorization {
    value: String,
}

impl WebhookAuthorization {
    /// A value as configured on the webhook. Refuses an empty value, one with surrounding
    /// whitespace (HTTP strips it, so it could never match) and one with control characters
    /// (it cannot travel in a header).
    pub fn new(value: impl Into<String>) -> Result<Self, WebhookError> {
        let value = value.into();
        if value.is_empty() {
            return Err(WebhookError::InvalidSecret("the authorization value is empty"));
        }
        if value.trim().len() != value.len() {
            return Err(WebhookError::InvalidSecret("the authorization value has surrounding whitespace"));
        }
        if value.bytes().any(|b| (b < 0x20 && b != b'\t') || b == 0x7f) {
            return Err(WebhookError::InvalidSecret("the authorization value has control characters"));
        }
        Ok(WebhookAuthorization { value })
    }

    /// Whether `received` (an `Authorization` header value) is the configured value.
    ///
    /// Both sides are hashed with SHA-256 first and the digests compared in constant time, so
    /// neither the comparison's duration nor an early exit on a length difference tells an
    /// attacker how much of a guess was right.
    pub fn matches(&self, received: impl AsRef<[u8]>) -> bool {
        let received = CtOutput::<Sha256>::new(Sha256::digest(received.as_ref()));
        let expected = CtOutput::<Sha256>::new(Sha256::digest(self.value.as_bytes()));
        received == expected
    }

    /// The value itself, for a sender that has to put it in the header. Never log it.
    pub fn expose(&self) -> &str {
        &self.value
    }
}

impl FromStr for WebhookAuthorization {
    type Err = WebhookError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl TryFrom<&str> for WebhookAuthorization {
    type Error = WebhookError;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Self::new(s)
    }
}

impl TryFrom<String> for WebhookAuthorization {
    type Error = WebhookError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::new(s)
    }
}

impl fmt::Debug for WebhookAuthorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookAuthorization(<redacted>)")
    }
}

impl fmt::Display for WebhookAuthorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted authorization value>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_value_matches() {
        let auth = WebhookAuthorization::new("secret-value").unwrap();
        assert!(auth.matches("secret-value"));
        assert!(auth.matches(b"secret-value"));
        for other in ["", "secret-valu", "secret-value2", "Secret-value", "Bearer secret-value"] {
            assert!(!auth.matches(other), "{other}");
        }
    }

    #[test]
    fn unusable_values_are_refused() {
        for bad in ["", " x", "x ", "a\nb", "a\u{7f}b"] {
            assert!(WebhookAuthorization::new(bad).is_err(), "{bad:?}");
        }
        assert!(WebhookAuthorization::new("has inner space").is_ok());
    }
}
