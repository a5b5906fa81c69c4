//! One call for a webhook endpoint: check the size, the `Authorization` value (when one is
//! configured) and the `Cko-Signature`, then parse the event.

use super::authorization::{WebhookAuthorization, AUTHORIZATION_HEADER};
use super::error::WebhookError;
use super::event::WebhookEvent;
use super::signature::{trim_ows, SignatureKey, SIGNATURE_HEADER};
use crate::transport::Headers;

/// The largest body a [`WebhookReceiver`] accepts unless told otherwise: 1 MiB. Checkout.com's
/// documented events are a few kilobytes.
pub const DEFAULT_MAX_BODY_SIZE: usize = 1024 * 1024;

/// Verifies and parses webhook deliveries for one webhook endpoint.
///
/// The checks run cheapest first, and the first failure is the error:
///
/// 1. the body is at most [`max_body_size`](Self::max_body_size) bytes (nothing is hashed or
///    parsed before this);
/// 2. when an `Authorization` value is configured, the header is present and equal (compared in
///    constant time);
/// 3. there is exactly one `Cko-Signature` header, 64 hex digits, and it is the HMAC-SHA256 of
///    the raw body with the signature key (compared in constant time);
/// 4. the body is a webhook event: a JSON object with a string `id` (`evt_...`) and `type`.
///
/// ```
/// use checkout_sdk_core::transport::Headers;
/// use checkout_sdk_core::webhook::{SignatureKey, WebhookAuthorization, WebhookCheck, WebhookReceiver};
///
/// let receiver = WebhookReceiver::new(SignatureKey::new("signature-key")?)
///     .with_authorization(WebhookAuthorization::new("authorization-value")?)
///     .with_max_body_size(64 * 1024);
///
/// // A delivery without the Authorization header is refused before anything else is looked at.
/// let body = br#"{"id": "evt_1", "type": "payment_approved"}"#;
/// let headers: Headers = [("Cko-Signature", "00".repeat(32))].into_iter().collect();
/// let refused = receiver.receive(&headers, body).unwrap_err();
/// assert_eq!(refused.check(), WebhookCheck::Authorization);
/// assert_eq!(refused.check().http_status(), 401);
/// # Ok::<(), checkout_sdk_core::webhook::WebhookError>(())
/// ```
#[derive(Debug, Clone)]
pub struct WebhookReceiver {
    key: SignatureKey,
    authorization: Option<WebhookAuthorization>,
    max_body_size: usize,
}

impl WebhookReceiver {
    /// A receiver for webhooks signed with `key`, with no `Authorization` check and a
    /// [`DEFAULT_MAX_BODY_SIZE`] limit.
    pub fn new(key: SignatureKey) -> Self {
        WebhookReceiver { key, authorization: None, max_body_size: DEFAULT_MAX_BODY_SIZE }
    }

    /// Also requires the `Authorization` header to carry `value`, as configured on the webhook.
    #[must_use]
    pub fn with_authorization(mut self, value: WebhookAuthorization) -> Self {
        self.authorization = Some(value);
        self
    }

    /// Refuses bodies longer than `bytes`. Servers should also stop reading a request body at
    /// this size, before buffering it (e.g. `http_body_util::Limited`).
    #[must_use]
    pub fn with_max_body_size(mut self, bytes: usize) -> Self {
        self.max_body_size = bytes;
        self
    }

    /// The largest body accepted, in bytes.
    pub fn max_body_size(&self) -> usize {
        self.max_body_size
    }

    /// The signature key, e.g. to sign test deliveries.
    pub fn signature_key(&self) -> &SignatureKey {
        &self.key
    }

    /// Verifies a delivery and parses its event, from the core's [`Headers`].
    pub fn receive(&self, headers: &Headers, body: &[u8]) -> Result<WebhookEvent, WebhookError> {
        self.receive_pairs(headers.iter(), body)
    }

    /// Verifies a delivery and parses its event, from any `(name, value)` header pairs: names
    /// are compared case-insensitively, values taken as bytes. An `http::HeaderMap` fits as is:
    /// `receiver.receive_pairs(request.headers(), &body)`.
    pub fn receive_pairs<I, N, V>(&self, headers: I, body: &[u8]) -> Result<WebhookEvent, WebhookError>
    where
        I: IntoIterator<Item = (N, V)>,
        N: AsRef<str>,
        V: AsRef<[u8]>,
    {
        self.verify_pairs(headers, body)?;
        WebhookEvent::parse(body)
    }

    /// Runs checks 1 to 3 (size, `Authorization`, `Cko-Signature`) without parsing the body.
    pub fn verify_pairs<I, N, V>(&self, headers: I, body: &[u8]) -> Result<(), WebhookError>
    where
        I: IntoIterator<Item = (N, V)>,
        N: AsRef<str>,
        V: AsRef<[u8]>,
    {
        if body.len() > self.max_body_size {
            return Err(WebhookError::BodyTooLarge { size: body.len(), limit: self.max_body_size });
        }
        let found = FoundHeaders::scan(headers);
        if let Some(expected) = &self.authorization {
            match found.authorization {
                Found::None => return Err(WebhookError::MissingAuthorization),
                // Two values cannot both be the configured one: refuse rather than pick one.
                Found::Many => return Err(WebhookError::WrongAuthorization),
                Found::One(value) => {
                    if !expected.matches(trim_ows(value.as_ref())) {
                        return Err(WebhookError::WrongAuthorization);
                    }
                }
            }
        }
        match found.signature {
            Found::None => Err(WebhookError::MissingSignature),
            Found::Many => Err(WebhookError::MalformedSignature("more than one Cko-Signature header")),
            Found::One(value) => self.key.verify(body, value),
        }
    }
}

/// How often a header occurred, with its value when once.
enum Found<V> {
    None,
    One(V),
    Many,
}

impl<V> Found<V> {
    fn add(&mut self, value: V) {
        *self = match self {
            Found::None => Found::One(value),
            Found::One(_) | Found::Many => Found::Many,
        };
    }
}

/// The two headers a delivery is checked with, found in one pass.
struct FoundHeaders<V> {
    signature: Found<V>,
    authorization: Found<V>,
}

impl<V: AsRef<[u8]>> FoundHeaders<V> {
    fn scan<I, N>(headers: I) -> Self
    where
        I: IntoIterator<Item = (N, V)>,
        N: AsRef<str>,
    {
        let mut found = FoundHeaders { signature: Found::None, authorization: Found::None };
        for (name, value) in headers {
            let name = name.as_ref();
            if name.eq_ignore_ascii_case(SIGNATURE_HEADER) {
                found.signature.add(value);
            } else if name.eq_ignore_ascii_case(AUTHORIZATION_HEADER) {
                found.authorization.add(value);
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use alloc::string::String;
    use alloc::vec;
    use alloc::vec::Vec;

    use super::*;
    use crate::webhook::EventType;

    const BODY: &[u8] = br#"{"id": "evt_1", "type": "payment_captured", "data": {"id": "pay_1", "amount": 100}}"#;

    fn receiver() -> WebhookReceiver {
        WebhookReceiver::new(SignatureKey::new("key").unwrap())
    }

    fn signed(body: &[u8]) -> Vec<(&'static str, String)> {
        vec![("cko-signature", SignatureKey::new("key").unwrap().sign(body))]
    }

    #[test]
    fn a_signed_event_is_received() {
        let event = receiver().receive_pairs(signed(BODY), BODY).unwrap();
        assert_eq!(event.event_type(), &EventType::PaymentCaptured);
        assert_eq!(event.amount(), Some(100));
        assert_eq!(event.body(), BODY);
    }

    #[test]
    fn each_check_reports_itself() {
        let r = receiver();
        assert_eq!(r.receive_pairs(Vec::<(&str, &str)>::new(), BODY), Err(WebhookError::MissingSignature));
        let mut twice = signed(BODY);
        twice.extend(signed(BODY));
        assert_eq!(
            r.receive_pairs(twice, BODY),
            Err(WebhookError::MalformedSignature("more than one Cko-Signature header"))
        );
        assert_eq!(r.receive_pairs(signed(b"{}"), BODY), Err(WebhookError::SignatureMismatch));
        let small = receiver().with_max_body_size(10);
        assert_eq!(
            small.receive_pairs(signed(BODY), BODY),
            Err(WebhookError::BodyTooLarge { size: BODY.len(), limit: 10 })
        );
        let not_event = br#"{"hello": "world"}"#;
        assert_eq!(r.receive_pairs(signed(not_event), not_event), Err(WebhookError::NotAnEvent("no string `id`")));
    }

    #[test]
    fn the_authorization_value_is_checked_when_configured() {
        let r = receiver().with_authorization(WebhookAuthorization::new("auth-value").unwrap());
        let with = |value: &'static str| {
            let mut h: Vec<(&str, String)> = signed(BODY);
            h.push(("Authorization", value.into()));
            h
        };
        assert!(r.receive_pairs(with("auth-value"), BODY).is_ok());
        assert!(r.receive_pairs(with(" auth-value "), BODY).is_ok());
        assert_eq!(r.receive_pairs(with("auth-valuE"), BODY), Err(WebhookError::WrongAuthorization));
        assert_eq!(r.receive_pairs(signed(BODY), BODY), Err(WebhookError::MissingAuthorization));
        let mut two = with("auth-value");
        two.push(("authorization", "auth-value".into()));
        assert_eq!(r.receive_pairs(two, BODY), Err(WebhookError::WrongAuthorization));
        // Without a configured value, an Authorization header is ignored.
        assert!(receiver().receive_pairs(with("anything"), BODY).is_ok());
    }

    #[test]
    fn core_headers_work_like_pairs() {
        let headers: Headers = signed(BODY).into_iter().collect();
        assert!(receiver().receive(&headers, BODY).is_ok());
    }
}
