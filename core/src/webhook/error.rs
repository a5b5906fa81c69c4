//! Why a webhook was refused, and which check refused it.
//!
//! No variant holds the signature key, the authorization value, a header value or any byte of
//! the body: a refused request may be an attacker's, and a logged body may hold personal data.

/// The check a refused webhook failed. A receiver picks its HTTP answer from it
/// ([`WebhookCheck::http_status`]) without matching on error variants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WebhookCheck {
    /// The body is larger than the receiver accepts.
    Size,
    /// The `Authorization` header is missing or is not the value configured for the webhook.
    Authorization,
    /// The `Cko-Signature` header is missing, malformed, or not the HMAC of this body with this key.
    Signature,
    /// The request is authentic, but its body is not a webhook event.
    Event,
    /// The receiver itself is misconfigured (an empty signature key, for example).
    Configuration,
}

impl WebhookCheck {
    /// The HTTP status to answer a refused delivery with: `413` (size), `401` (authorization,
    /// signature), `400` (not an event), `500` (misconfigured receiver). Checkout.com redelivers
    /// any non-2xx answer later.
    pub fn http_status(self) -> u16 {
        match self {
            WebhookCheck::Size => 413,
            WebhookCheck::Authorization | WebhookCheck::Signature => 401,
            WebhookCheck::Event => 400,
            WebhookCheck::Configuration => 500,
        }
    }
}

/// A webhook that was refused, or a webhook secret that cannot be used.
///
/// ```
/// use checkout_sdk_core::webhook::{WebhookCheck, WebhookError};
///
/// let e = WebhookError::SignatureMismatch;
/// assert_eq!(e.check(), WebhookCheck::Signature);
/// assert_eq!(e.check().http_status(), 401);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The body is larger than the receiver's limit; nothing was hashed or parsed.
    #[error("webhook refused: the body has {size} bytes, more than the {limit}-byte limit")]
    BodyTooLarge {
        /// The body's length in bytes.
        size: usize,
        /// The receiver's limit in bytes.
        limit: usize,
    },
    /// There is no `Cko-Signature` header.
    #[error("webhook refused: no Cko-Signature header")]
    MissingSignature,
    /// The `Cko-Signature` header is not one hex-encoded HMAC-SHA256 (64 hex digits).
    #[error("webhook refused: malformed Cko-Signature header: {0}")]
    MalformedSignature(&'static str),
    /// The signature is well-formed but is not the HMAC of this body with this key: another key
    /// signed it, it belongs to another body, or the body was changed.
    #[error("webhook refused: Cko-Signature does not match the body (another key or another body)")]
    SignatureMismatch,
    /// The webhook is configured with an `Authorization` value, but the request has no such header.
    #[error("webhook refused: no Authorization header, but one is configured")]
    MissingAuthorization,
    /// The `Authorization` header is not the value configured for the webhook.
    #[error("webhook refused: the Authorization header is not the configured value")]
    WrongAuthorization,
    /// The request is authentic but its body is not a webhook event: not JSON, not an object, or
    /// without a string `id` (`evt_...`) and a string `type`.
    #[error("webhook refused: the body is not a webhook event: {0}")]
    NotAnEvent(&'static str),
    /// A signature key or authorization value that cannot be used (empty, or with surrounding
    /// whitespace that would make every signature fail).
    #[error("invalid webhook secret: {0}")]
    InvalidSecret(&'static str),
}

impl WebhookError {
    /// Which check failed.
    pub fn check(&self) -> WebhookCheck {
        match self {
            WebhookError::BodyTooLarge { .. } => WebhookCheck::Size,
            WebhookError::MissingSignature | WebhookError::MalformedSignature(_) | WebhookError::SignatureMismatch => {
                WebhookCheck::Signature
            }
            WebhookError::MissingAuthorization | WebhookError::WrongAuthorization => WebhookCheck::Authorization,
            WebhookError::NotAnEvent(_) => WebhookCheck::Event,
            WebhookError::InvalidSecret(_) => WebhookCheck::Configuration,
        }
    }
}
