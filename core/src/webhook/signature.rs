//! `Cko-Signature`: the hex-encoded HMAC-SHA256 of the raw request body, keyed with the signature
//! key set on the webhook.
//!
//! The HMAC is always taken over the bytes as they arrived. Parsing the JSON and serialising it
//! again before checking would change number formatting, escapes and key order, and with them the
//! signature, so nothing here ever sees parsed JSON.

use alloc::string::String;
use core::fmt;
use core::str::FromStr;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::error::WebhookError;

/// The header Checkout.com sends the signature in.
pub const SIGNATURE_HEADER: &str = "Cko-Signature";

type HmacSha256 = Hmac<Sha256>;

/// A webhook's signature key: signs and verifies `Cko-Signature` values.
///
/// The key is used as the bytes it is given (a UTF-8 string as-is, never hex- or
/// base64-decoded), as Checkout.com does. `Debug` and `Display` never show it.
///
/// ```
/// use checkout_sdk_core::webhook::SignatureKey;
///
/// let key: SignatureKey = "8V8x0dLK%AyD*DNS8JJr".parse().unwrap();
/// let signature = key.sign(b"{}");
/// assert_eq!(signature.len(), 64);
/// assert!(key.verify(b"{}", &signature).is_ok());
/// assert!(key.verify(b"{ }", &signature).is_err());
/// assert!(!format!("{key:?} {key}").contains("AyD"));
/// ```
#[derive(Clone)]
pub struct SignatureKey {
    /// The HMAC state already keyed: every delivery clones it instead of deriving the key pads again.
    keyed: HmacSha256,
}

impl SignatureKey {
    /// A key from its bytes. Refuses an empty key (it would accept anyone's signature made with
    /// an empty key) and one with surrounding whitespace (almost always a copy-paste or `.env`
    /// slip that would make every signature fail).
    pub fn new(key: impl AsRef<[u8]>) -> Result<Self, WebhookError> {
        let key = key.as_ref();
        if key.is_empty() {
            return Err(WebhookError::InvalidSecret("the signature key is empty"));
        }
        if key.first().is_some_and(u8::is_ascii_whitespace) || key.last().is_some_and(u8::is_ascii_whitespace) {
            return Err(WebhookError::InvalidSecret("the signature key has surrounding whitespace"));
        }
        // HMAC takes keys of any length, so this never fails; the error is mapped, not unwrapped.
        let keyed = <HmacSha256 as Mac>::new_from_slice(key)
            .map_err(|_| WebhookError::InvalidSecret("the signature key cannot key an HMAC"))?;
        Ok(SignatureKey { keyed })
    }

    /// The `Cko-Signature` value for `body`: 64 lowercase hex digits.
    pub fn sign(&self, body: &[u8]) -> String {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut mac = self.keyed.clone();
        mac.update(body);
        let tag = mac.finalize().into_bytes();
        let mut out = String::with_capacity(2 * tag.len());
        for byte in tag.iter() {
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
        out
    }

    /// Checks that `signature` (a `Cko-Signature` value) is the HMAC of `body` with this key.
    ///
    /// Hex digits are accepted in either case and surrounding spaces are ignored; the decoded
    /// HMAC is compared in constant time.
    pub fn verify(&self, body: &[u8], signature: impl AsRef<[u8]>) -> Result<(), WebhookError> {
        let expected = decode_signature(signature.as_ref())?;
        let mut mac = self.keyed.clone();
        mac.update(body);
        mac.verify_slice(&expected).map_err(|_| WebhookError::SignatureMismatch)
    }
}

/// 64 hex digits (either case, surrounding spaces or tabs ignored) to the 32 bytes of an
/// HMAC-SHA256.
fn decode_signature(text: &[u8]) -> Result<[u8; 32], WebhookError> {
    let text = trim_ows(text);
    if text.len() != 64 {
        return Err(WebhookError::MalformedSignature("expected 64 hexadecimal digits"));
    }
    let mut out = [0u8; 32];
    for (byte, pair) in out.iter_mut().zip(text.chunks_exact(2)) {
        match (hex_value(pair[0]), hex_value(pair[1])) {
            (Some(high), Some(low)) => *byte = high << 4 | low,
            _ => return Err(WebhookError::MalformedSignature("a character is not a hexadecimal digit")),
        }
    }
    Ok(out)
}

fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Strips HTTP's optional whitespace (spaces and tabs) around a header value.
pub(crate) fn trim_ows(mut value: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = value {
        value = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = value {
        value = rest;
    }
    value
}

impl FromStr for SignatureKey {
    type Err = WebhookError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl TryFrom<&str> for SignatureKey {
    type Error = WebhookError;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Self::new(s)
    }
}

impl TryFrom<String> for SignatureKey {
    type Error = WebhookError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::new(s)
    }
}

impl fmt::Debug for SignatureKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SignatureKey(<redacted>)")
    }
}

impl fmt::Display for SignatureKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted signature key>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_4231_test_case_2() {
        // RFC 4231, 4.3: key "Jefe", data "what do ya want for nothing?".
        let key = SignatureKey::new("Jefe").unwrap();
        let expected = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
        assert_eq!(key.sign(b"what do ya want for nothing?"), expected);
        assert!(key.verify(b"what do ya want for nothing?", expected).is_ok());
    }

    #[test]
    fn signatures_are_read_leniently_in_case_and_spacing_only() {
        let key = SignatureKey::new("k").unwrap();
        let sig = key.sign(b"body");
        assert!(key.verify(b"body", sig.to_ascii_uppercase()).is_ok());
        assert!(key.verify(b"body", alloc::format!(" \t{sig} ")).is_ok());
        assert_eq!(
            key.verify(b"body", &sig[1..]),
            Err(WebhookError::MalformedSignature("expected 64 hexadecimal digits"))
        );
        assert_eq!(
            key.verify(b"body", alloc::format!("sha256={sig}")),
            Err(WebhookError::MalformedSignature("expected 64 hexadecimal digits"))
        );
        let mut not_hex = sig.clone().into_bytes();
        not_hex[10] = b'g';
        assert_eq!(
            key.verify(b"body", &not_hex),
            Err(WebhookError::MalformedSignature("a character is not a hexadecimal digit"))
        );
        assert_eq!(key.verify(b"bodY", &sig), Err(WebhookError::SignatureMismatch));
    }

    #[test]
    fn empty_or_padded_keys_are_refused() {
        assert!(SignatureKey::new("").is_err());
        assert!(SignatureKey::new("key\n").is_err());
        assert!(SignatureKey::new(" key").is_err());
        assert!(SignatureKey::new("a key with inner spaces").is_ok());
    }
}
