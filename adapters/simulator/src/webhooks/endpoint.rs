//! Where webhooks go: an endpoint's URL, its signature key, the event types it wants and the
//! `Authorization` value it expects.

use std::fmt;

use checkout_sdk_core::webhook::{EventType, SignatureKey, WebhookAuthorization};

/// The longest endpoint URL accepted.
const MAX_URL_LEN: usize = 2048;

/// A webhook endpoint: events are posted to its URL, signed with its key (`Cko-Signature`), with
/// its `Authorization` value when it has one, and only the event types it asks for (every type
/// when it names none).
///
/// `Debug` shows the URL without its query, never the key or the authorization value.
///
/// ```
/// use checkout_sdk_core::webhook::{EventType, SignatureKey, WebhookAuthorization};
/// use checkout_sdk_simulator::{Simulator, WebhookEndpoint};
///
/// let endpoint = WebhookEndpoint::new("http://127.0.0.1:9000/webhooks", SignatureKey::new("whsk_key")?)?
///     .with_events([EventType::PaymentApproved, EventType::PaymentCaptured])
///     .with_authorization(WebhookAuthorization::new("auth-value")?);
/// assert!(endpoint.wants(&EventType::PaymentCaptured));
/// assert!(!endpoint.wants(&EventType::PaymentRefunded));
/// let sim = Simulator::seeded(1).with_webhook_endpoint(endpoint);
/// assert_eq!(sim.webhook_endpoints().len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct WebhookEndpoint {
    url: String,
    key: SignatureKey,
    events: Vec<EventType>,
    authorization: Option<WebhookAuthorization>,
}

/// Why an endpoint URL was refused. It never repeats the URL (it may hold a token).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidEndpoint(&'static str);

impl fmt::Display for InvalidEndpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid webhook URL: {}", self.0)
    }
}

impl std::error::Error for InvalidEndpoint {}

impl WebhookEndpoint {
    /// An endpoint receiving every event type at `url`, signed with `key`.
    ///
    /// The URL must be `http://HOST[:PORT][/PATH][?QUERY]` in visible ASCII, at most 2,048
    /// characters, without credentials (`user:password@`; use an `Authorization` value instead).
    /// Only plain HTTP: the sandbox is for receivers on your machine or your test network.
    pub fn new(url: impl Into<String>, key: SignatureKey) -> Result<Self, InvalidEndpoint> {
        let url = url.into();
        check_url(&url)?;
        Ok(WebhookEndpoint { url, key, events: Vec::new(), authorization: None })
    }

    /// Also sends these event types (builder style). An endpoint that names no type gets every
    /// type; once it names some, it gets only those.
    #[must_use]
    pub fn with_events(mut self, events: impl IntoIterator<Item = EventType>) -> Self {
        for event in events {
            if !self.events.contains(&event) {
                self.events.push(event);
            }
        }
        self
    }

    /// Sends `value` in the `Authorization` header of every delivery (builder style).
    #[must_use]
    pub fn with_authorization(mut self, value: WebhookAuthorization) -> Self {
        self.authorization = Some(value);
        self
    }

    /// The URL deliveries are posted to.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The URL as it is safe to show: without its query (`?…` when there was one).
    pub fn display_url(&self) -> String {
        match self.url.split_once('?') {
            Some((before, _)) => format!("{before}?…"),
            None => self.url.clone(),
        }
    }

    /// The key deliveries are signed with.
    pub fn signature_key(&self) -> &SignatureKey {
        &self.key
    }

    /// The `Authorization` value sent with every delivery, if any.
    pub fn authorization(&self) -> Option<&WebhookAuthorization> {
        self.authorization.as_ref()
    }

    /// The event types asked for; empty means every type.
    pub fn events(&self) -> &[EventType] {
        &self.events
    }

    /// Whether events of `event_type` go to this endpoint.
    pub fn wants(&self, event_type: &EventType) -> bool {
        self.events.is_empty() || self.events.contains(event_type)
    }
}

impl fmt::Debug for WebhookEndpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookEndpoint")
            .field("url", &self.display_url())
            .field("key", &self.key)
            .field("events", &self.events)
            .field("authorization", &self.authorization)
            .finish()
    }
}

/// Equal when the URL, the event types, the authorization value and the key are: keys are
/// compared by the signature they give a fixed message (an HMAC key is not kept in the clear).
impl PartialEq for WebhookEndpoint {
    fn eq(&self, other: &Self) -> bool {
        const PROBE: &[u8] = b"checkout-sdk-simulator endpoint equality";
        self.url == other.url
            && self.events == other.events
            && self.authorization.as_ref().map(WebhookAuthorization::expose)
                == other.authorization.as_ref().map(WebhookAuthorization::expose)
            && self.key.sign(PROBE) == other.key.sign(PROBE)
    }
}

impl Eq for WebhookEndpoint {}

fn check_url(url: &str) -> Result<(), InvalidEndpoint> {
    if url.len() > MAX_URL_LEN {
        return Err(InvalidEndpoint("longer than 2,048 characters"));
    }
    if !url.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(InvalidEndpoint("only visible ASCII characters, no spaces"));
    }
    let Some(rest) = url.get(..7).filter(|scheme| scheme.eq_ignore_ascii_case("http://")).map(|_| &url[7..]) else {
        return Err(InvalidEndpoint("the sandbox delivers over plain HTTP only: use an http:// URL"));
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.is_empty() {
        return Err(InvalidEndpoint("no host"));
    }
    if authority.contains('@') {
        return Err(InvalidEndpoint("credentials in the URL are not sent: use an Authorization value instead"));
    }
    if url.contains('#') {
        return Err(InvalidEndpoint("a fragment is never sent: remove the #..."));
    }
    let valid_authority =
        authority.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b':' | b'[' | b']'));
    if !valid_authority {
        return Err(InvalidEndpoint("the host may hold letters, digits, '.', '-', '_', a ':PORT' and [IPv6]"));
    }
    if rest.bytes().any(|b| matches!(b, b'"' | b'<' | b'>' | b'\\' | b'^' | b'`' | b'{' | b'|' | b'}')) {
        return Err(InvalidEndpoint("characters a URL cannot hold unescaped"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SignatureKey {
        SignatureKey::new("key").unwrap()
    }

    #[test]
    fn only_plain_http_urls_without_credentials_are_accepted() {
        for good in ["http://127.0.0.1:9000/webhooks", "HTTP://localhost", "http://[::1]:80/a?b=c", "http://host_1/x"] {
            assert!(WebhookEndpoint::new(good, key()).is_ok(), "{good}");
        }
        for bad in [
            "https://example.com/",
            "ftp://x",
            "http://",
            "http:///path",
            "http://user:pw@host/",
            "http://host/a b",
            "http://host/é",
            "http://host/#frag",
            "http://ho st",
            "http://host/<script>",
            "127.0.0.1:9000",
        ] {
            let refused = WebhookEndpoint::new(bad, key()).unwrap_err();
            assert!(!refused.to_string().contains(bad), "{refused}");
        }
        assert!(WebhookEndpoint::new(format!("http://h/{}", "a".repeat(2048)), key()).is_err());
    }

    #[test]
    fn filters_and_debug() {
        let endpoint = WebhookEndpoint::new("http://h/x?token=abc", SignatureKey::new("sekrit").unwrap())
            .unwrap()
            .with_events([EventType::PaymentCaptured, EventType::PaymentCaptured])
            .with_authorization(WebhookAuthorization::new("auth-value-1").unwrap());
        assert_eq!(endpoint.events(), [EventType::PaymentCaptured]);
        assert!(endpoint.wants(&EventType::PaymentCaptured) && !endpoint.wants(&EventType::PaymentApproved));
        let debug = format!("{endpoint:?}");
        for secret in ["sekrit", "auth-value-1", "token=abc"] {
            assert!(!debug.contains(secret), "{debug}");
        }
        assert_eq!(endpoint.display_url(), "http://h/x?…");
        assert!(WebhookEndpoint::new("http://h", key()).unwrap().wants(&EventType::PaymentRefunded));
    }

    #[test]
    fn endpoints_compare_by_key_too() {
        let a = WebhookEndpoint::new("http://h", key()).unwrap();
        assert_eq!(a, a.clone());
        assert_ne!(a, WebhookEndpoint::new("http://h", SignatureKey::new("other").unwrap()).unwrap());
        assert_ne!(a, a.clone().with_events([EventType::PaymentApproved]));
    }
}
