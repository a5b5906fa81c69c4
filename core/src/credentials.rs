//! How requests are authenticated: a secret key, OAuth client credentials, or an access token
//! obtained elsewhere.
//!
//! Checkout.com accounts authenticate in three ways, and this SDK takes all of them:
//!
//! - a **secret key** ([`SecretKey`]), in either of Checkout.com's two formats;
//! - **OAuth client credentials** ([`OAuthCredentials`]): an access key id and secret, exchanged
//!   at the access host for a short-lived bearer token, which the clients cache and refresh
//!   (see [`oauth`](crate::oauth));
//! - an **access token** ([`AccessToken`]) obtained by other means, e.g. firmware that drives
//!   the token exchange itself.
//!
//! None of them is ever shown by `Debug` or `Display`.

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;
use core::time::Duration;

use crate::config::{BaseUrl, SecretKey};
use crate::error::InvalidInput;

/// The OAuth scopes Checkout.com documents for payments (any other scope can be passed as a
/// string).
pub mod scopes {
    /// Everything on the gateway: payments and their actions.
    pub const GATEWAY: &str = "gateway";
    /// Request payments.
    pub const GATEWAY_PAYMENT: &str = "gateway:payment";
    /// Read payments and their actions.
    pub const GATEWAY_PAYMENT_DETAILS: &str = "gateway:payment-details";
    /// Incremental authorizations.
    pub const GATEWAY_PAYMENT_AUTHORIZATIONS: &str = "gateway:payment-authorizations";
    /// Voids.
    pub const GATEWAY_PAYMENT_VOIDS: &str = "gateway:payment-voids";
    /// Captures.
    pub const GATEWAY_PAYMENT_CAPTURES: &str = "gateway:payment-captures";
    /// Refunds.
    pub const GATEWAY_PAYMENT_REFUNDS: &str = "gateway:payment-refunds";
    /// Cancellations of scheduled retries.
    pub const GATEWAY_PAYMENT_CANCELLATIONS: &str = "gateway:payment-cancellations";
    /// Payouts (payments with a destination).
    pub const PAYOUTS: &str = "payouts";
    /// Payment instruments and tokens.
    pub const VAULT: &str = "vault";
}

/// How requests are authenticated.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Credentials {
    /// A secret key: sent as is (legacy `sk_test_<uuid>` keys) or as `Bearer <key>`.
    SecretKey(SecretKey),
    /// OAuth client credentials, exchanged for a bearer token that the client caches.
    OAuth(OAuthCredentials),
    /// A bearer token obtained elsewhere; the client cannot refresh it.
    AccessToken(AccessToken),
}

impl Credentials {
    /// The `Authorization` value every request carries, for credentials that never change; `None`
    /// for OAuth, whose token is fetched and refreshed by the client.
    pub fn static_authorization(&self) -> Option<&str> {
        match self {
            Credentials::SecretKey(key) => Some(key.authorization()),
            Credentials::AccessToken(token) => Some(token.authorization()),
            Credentials::OAuth(_) => None,
        }
    }

    /// The OAuth credentials, if these are.
    pub fn oauth(&self) -> Option<&OAuthCredentials> {
        match self {
            Credentials::OAuth(oauth) => Some(oauth),
            _ => None,
        }
    }

    /// Whether these credentials belong to a platform account set up the way Checkout.com sets
    /// up new accounts (`sk_sbox_`-style keys, OAuth and tokens), which requires a processing
    /// channel on every payment. Legacy `sk_test_<uuid>` keys do not.
    pub fn needs_processing_channel(&self) -> bool {
        match self {
            Credentials::SecretKey(key) => key.kind() == crate::config::KeyKind::Bearer,
            _ => true,
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::SecretKey(key) => f.debug_tuple("SecretKey").field(key).finish(),
            Credentials::OAuth(oauth) => f.debug_tuple("OAuth").field(oauth).finish(),
            Credentials::AccessToken(token) => f.debug_tuple("AccessToken").field(token).finish(),
        }
    }
}

impl From<SecretKey> for Credentials {
    fn from(key: SecretKey) -> Self {
        Credentials::SecretKey(key)
    }
}

impl From<OAuthCredentials> for Credentials {
    fn from(oauth: OAuthCredentials) -> Self {
        Credentials::OAuth(oauth)
    }
}

impl From<AccessToken> for Credentials {
    fn from(token: AccessToken) -> Self {
        Credentials::AccessToken(token)
    }
}

/// OAuth client credentials: an access key id (`ack_...`), its secret, and the scopes to ask for.
///
/// `Debug` shows the id and scopes, never the secret.
///
/// ```
/// use checkout_sdk_core::credentials::{scopes, OAuthCredentials};
///
/// let oauth = OAuthCredentials::new("ack_vvzhoai466su3j3vbxb47ts5oe", "Pmg31c6UhZfKmyVsWLGq8Cj7ChFNe3Yw")?
///     .scopes([scopes::GATEWAY]);
/// assert!(!format!("{oauth:?}").contains("Pmg31c"));
/// # Ok::<(), checkout_sdk_core::InvalidInput>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct OAuthCredentials {
    client_id: String,
    client_secret: String,
    scopes: Vec<String>,
    token_url: Option<BaseUrl>,
}

/// A credential part: 1-512 visible ASCII characters (they travel in an HTTP header).
fn check_part(value: &str, what: &'static str) -> Result<(), InvalidInput> {
    if value.is_empty() || value.len() > 512 || !value.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(InvalidInput::Credentials(what));
    }
    Ok(())
}

impl OAuthCredentials {
    /// Credentials with the default scope, `gateway`.
    ///
    /// # Errors
    ///
    /// [`InvalidInput::Credentials`] when the id or secret is empty, too long, or holds
    /// characters other than visible ASCII (the message never repeats them).
    pub fn new(client_id: impl Into<String>, client_secret: impl Into<String>) -> Result<Self, InvalidInput> {
        let (client_id, client_secret) = (client_id.into(), client_secret.into());
        check_part(&client_id, "the OAuth client id must be 1-512 visible ASCII characters")?;
        check_part(&client_secret, "the OAuth client secret must be 1-512 visible ASCII characters")?;
        Ok(OAuthCredentials { client_id, client_secret, scopes: alloc::vec![scopes::GATEWAY.into()], token_url: None })
    }

    /// Sets the scopes to ask for (see [`scopes`]).
    #[must_use]
    pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// Exchanges the credentials at `url` instead of the environment's access host.
    #[must_use]
    pub fn token_url(mut self, url: BaseUrl) -> Self {
        self.token_url = Some(url);
        self
    }

    /// The access key id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The secret. Handle with care: never log it.
    pub fn expose_secret(&self) -> &str {
        &self.client_secret
    }

    /// The scopes asked for.
    pub fn requested_scopes(&self) -> &[String] {
        &self.scopes
    }

    /// The token URL set with [`token_url`](Self::token_url), if any.
    pub fn custom_token_url(&self) -> Option<&BaseUrl> {
        self.token_url.as_ref()
    }
}

impl fmt::Debug for OAuthCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthCredentials")
            .field("client_id", &crate::redact::Redacted(&self.client_id))
            .field("client_secret", &crate::redact::REDACTED)
            .field("scopes", &self.scopes)
            .field("token_url", &self.token_url)
            .finish()
    }
}

/// A bearer access token and how long it was valid for when issued.
///
/// `Debug` and `Display` never show the token.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken {
    /// `Bearer <token>`, built once: every request sends it.
    header: String,
    expires_in: Option<Duration>,
}

impl AccessToken {
    /// A token, valid for `expires_in` from now when known.
    ///
    /// # Errors
    ///
    /// [`InvalidInput::Credentials`] when the token is empty, too long or not visible ASCII.
    pub fn new(token: &str, expires_in: Option<Duration>) -> Result<Self, InvalidInput> {
        check_part(token, "an access token must be 1-512 visible ASCII characters")?;
        let mut header = String::with_capacity(7 + token.len());
        header.push_str("Bearer ");
        header.push_str(token);
        Ok(AccessToken { header, expires_in })
    }

    /// The `Authorization` header value, `Bearer <token>`.
    pub fn authorization(&self) -> &str {
        &self.header
    }

    /// How long the token was valid for when it was issued.
    pub fn expires_in(&self) -> Option<Duration> {
        self.expires_in
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("token", &crate::redact::REDACTED)
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

impl fmt::Display for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Bearer ")?;
        f.write_str(crate::redact::REDACTED)
    }
}

impl fmt::Display for OAuthCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OAuth client {} (secret {})", crate::redact::Redacted(&self.client_id), crate::redact::REDACTED)
    }
}

impl OAuthCredentials {
    /// The scopes as the token endpoint takes them: one space-separated string.
    pub(crate) fn scope_string(&self) -> String {
        self.scopes.iter().map(ToString::to_string).collect::<Vec<_>>().join(" ")
    }
}
