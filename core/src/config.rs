//! Secret keys, environments and base URLs.

use alloc::format;
use alloc::string::{String, ToString};
use core::fmt;
use core::str::FromStr;

use crate::credentials::Credentials;
use crate::error::InvalidInput;
use crate::id::ProcessingChannelId;
use crate::redact::{contains_secret_key, redact_text, Redacted};

/// The user agent sent with every request.
pub const USER_AGENT: &str = concat!("checkout-sdk-rust/", env!("CARGO_PKG_VERSION"));

/// Which of Checkout.com's two key formats a secret key has; decides the `Authorization` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyKind {
    /// `sk_test_<uuid>` (sandbox) or `sk_<uuid>` (production): sent raw in `Authorization`.
    Legacy,
    /// `sk_sbox_<base32>` (sandbox) or `sk_<base32>` (production): sent as `Bearer <key>`.
    Bearer,
}

/// A secret API key, checked against both known formats.
///
/// `Debug` and `Display` show only the key's kind and prefix, never the key.
///
/// ```
/// use checkout_sdk_core::config::{KeyKind, SecretKey};
///
/// let key: SecretKey = "sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e".parse().unwrap();
/// assert_eq!(key.kind(), KeyKind::Bearer);
/// assert!(key.is_sandbox());
/// assert!(!format!("{key:?}").contains("m73dzbpy"));
/// assert!("not-a-key".parse::<SecretKey>().is_err());
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct SecretKey {
    value: String,
    /// The `Authorization` value, built once: every request sends it.
    header: String,
    kind: KeyKind,
    sandbox: bool,
}

fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

fn is_base32_key_body(s: &str) -> bool {
    let b = s.as_bytes();
    // New-style keys end in a check character that may be one of `*#$=`.
    let body = match b.split_last() {
        Some((b'*' | b'#' | b'$' | b'=', body)) => body,
        _ => b,
    };
    (26..=27).contains(&body.len()) && body.iter().all(|c| matches!(c, b'a'..=b'z' | b'2'..=b'7'))
}

/// Recognises a key of `family` (`sk` or `pk`) in either format: `(kind, is_sandbox)`.
fn classify_key(value: &str, family: &str) -> Result<(KeyKind, bool), &'static str> {
    let rest = value.strip_prefix(family).and_then(|r| r.strip_prefix('_')).ok_or("unknown key prefix")?;
    if let Some(uuid) = rest.strip_prefix("test_") {
        return if is_uuid(uuid) {
            Ok((KeyKind::Legacy, true))
        } else {
            Err("a _test_ key must be followed by a UUID")
        };
    }
    if let Some(body) = rest.strip_prefix("sbox_") {
        return if is_base32_key_body(body) {
            Ok((KeyKind::Bearer, true))
        } else {
            Err("a _sbox_ key must be followed by 26-27 base32 characters")
        };
    }
    if is_uuid(rest) {
        Ok((KeyKind::Legacy, false))
    } else if is_base32_key_body(rest) {
        Ok((KeyKind::Bearer, false))
    } else {
        Err("a key must be followed by a UUID or 26-27 base32 characters")
    }
}

/// The format of a public key (`pk_test_<uuid>`, `pk_<uuid>`, `pk_sbox_...`, `pk_...`), used by
/// client-side tokenisation; `None` when it is not one. Public keys are not secret.
pub fn public_key_kind(key: &str) -> Option<KeyKind> {
    classify_key(key, "pk").ok().map(|(kind, _)| kind)
}

impl SecretKey {
    /// Checks `key` against both formats.
    pub fn new(key: impl Into<String>) -> Result<Self, InvalidInput> {
        let value: String = key.into();
        if value.trim().len() != value.len() {
            return Err(InvalidInput::SecretKey("the key has surrounding whitespace"));
        }
        if !value.starts_with("sk_") {
            return Err(InvalidInput::SecretKey(
                "secret keys start with sk_ (public pk_ keys cannot request payments)",
            ));
        }
        let (kind, sandbox) = classify_key(&value, "sk").map_err(InvalidInput::SecretKey)?;
        let header = match kind {
            KeyKind::Legacy => value.clone(),
            KeyKind::Bearer => format!("Bearer {value}"),
        };
        Ok(SecretKey { value, header, kind, sandbox })
    }

    /// Which format the key has.
    pub fn kind(&self) -> KeyKind {
        self.kind
    }

    /// Whether the key is a sandbox key (`sk_test_` or `sk_sbox_`).
    pub fn is_sandbox(&self) -> bool {
        self.sandbox
    }

    /// The `Authorization` header value for this key: raw for legacy keys, `Bearer <key>` for
    /// new ones.
    pub fn authorization(&self) -> &str {
        &self.header
    }

    /// The key itself. Handle with care: never log it.
    pub fn expose(&self) -> &str {
        &self.value
    }

    fn prefix(&self) -> &'static str {
        match (self.kind, self.sandbox) {
            (KeyKind::Legacy, true) => "sk_test_",
            (KeyKind::Bearer, true) => "sk_sbox_",
            _ => "sk_",
        }
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretKey({:?}, \"{}<redacted>\")", self.kind, self.prefix())
    }
}

impl fmt::Display for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}<redacted>", self.prefix())
    }
}

impl FromStr for SecretKey {
    type Err = InvalidInput;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SecretKey::new(s)
    }
}

/// An absolute base URL, always ending in `/`.
///
/// Plain `http://` is accepted only for loopback hosts (`localhost`, `127.0.0.0/8`, `[::1]`), for
/// local servers such as the sandbox simulator; real traffic is HTTPS only. A URL holding a secret
/// key (`https://proxy/sk_sbox_.../`) is refused: the key would travel in every request line and
/// show wherever the URL is printed.
///
/// ```
/// use checkout_sdk_core::config::BaseUrl;
///
/// let error = BaseUrl::parse("https://proxy.example.com/sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e/").unwrap_err();
/// assert!(!error.to_string().contains("m73dzbpy"));
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct BaseUrl(String);

impl BaseUrl {
    /// Parses and checks a base URL.
    pub fn parse(url: &str) -> Result<Self, InvalidInput> {
        // A key pasted into the URL is refused without repeating any of it.
        if contains_secret_key(url) {
            return Err(InvalidInput::BaseUrl(
                "the URL holds a secret key (sk_...): pass the key to Config, never in a URL".into(),
            ));
        }
        // Quote the value so the caller can see what was wrong, redacted by value.
        let bad = |why: &str| InvalidInput::BaseUrl(format!("{why}: {:?}", redact_text(url)));
        let (scheme, rest) = url.split_once("://").ok_or_else(|| bad("missing scheme"))?;
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        if authority.is_empty() || authority.contains('@') || authority.contains(char::is_whitespace) {
            return Err(bad("missing or invalid host"));
        }
        if rest.contains(['?', '#']) {
            return Err(bad("a base URL cannot have a query or fragment"));
        }
        match scheme {
            "https" => {}
            "http" if is_loopback_authority(authority) => {}
            "http" => return Err(bad("plain http is only allowed to loopback hosts; use https")),
            _ => return Err(bad("the scheme must be https")),
        }
        let mut s = url.to_string();
        if !s.ends_with('/') {
            s.push('/');
        }
        Ok(BaseUrl(s))
    }

    /// The URL, ending in `/`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the URL uses plain HTTP (only possible for loopback hosts).
    pub fn is_plain_http(&self) -> bool {
        self.0.starts_with("http://")
    }
}

/// Whether a URL authority (`host[:port]`) names a loopback host.
pub fn is_loopback_authority(authority: &str) -> bool {
    let host = if let Some(rest) = authority.strip_prefix('[') {
        rest.split(']').next().unwrap_or_default()
    } else {
        authority.rsplit_once(':').map_or(authority, |(h, _)| h)
    };
    if host.eq_ignore_ascii_case("localhost") || host == "::1" {
        return true;
    }
    let mut parts = host.split('.');
    parts.next() == Some("127") && {
        let rest: alloc::vec::Vec<&str> = parts.collect();
        rest.len() == 3 && rest.iter().all(|p| p.parse::<u8>().is_ok())
    }
}

impl fmt::Debug for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&Redacted(&self.0), f)
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&Redacted(&self.0), f)
    }
}

/// Where requests go.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Environment {
    /// `https://api.sandbox.checkout.com/`
    Sandbox,
    /// `https://api.checkout.com/`
    Production,
    /// The account's own API host, `https://{prefix}.api.sandbox.checkout.com/` or
    /// `https://{prefix}.api.checkout.com/`: see [`Environment::sandbox_subdomain`].
    Subdomain(Subdomain),
    /// Any other base URL: a proxy, or a local simulator.
    Custom(BaseUrl),
}

/// An account's own API host prefix, checked against Checkout.com's rule
/// (`^(?:pl-)?[a-z0-9]+$`), with the API and access URLs it gives.
#[derive(Clone, PartialEq, Eq)]
pub struct Subdomain {
    prefix: String,
    production: bool,
    api: String,
    token: String,
}

impl Subdomain {
    fn new(prefix: &str, production: bool) -> Result<Self, InvalidInput> {
        let name = prefix.strip_prefix("pl-").unwrap_or(prefix);
        if name.is_empty() || prefix.len() > 63 || !name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()) {
            return Err(InvalidInput::BaseUrl(
                "an account subdomain is lower-case letters and digits, optionally after `pl-` (e.g. `1a2b3c4d`)"
                    .into(),
            ));
        }
        let host = if production { "checkout.com" } else { "sandbox.checkout.com" };
        Ok(Subdomain {
            prefix: prefix.into(),
            production,
            api: format!("https://{prefix}.api.{host}/"),
            token: format!("https://{prefix}.access.{host}/{}", crate::oauth::TOKEN_PATH),
        })
    }

    /// The prefix, e.g. `1a2b3c4d`.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Whether this is a production host.
    pub fn is_production(&self) -> bool {
        self.production
    }
}

impl fmt::Debug for Subdomain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Subdomain").field("prefix", &self.prefix).field("production", &self.production).finish()
    }
}

impl Environment {
    /// The base URL of the sandbox.
    pub const SANDBOX_URL: &'static str = "https://api.sandbox.checkout.com/";
    /// The base URL of production.
    pub const PRODUCTION_URL: &'static str = "https://api.checkout.com/";
    /// The OAuth token URL of the sandbox.
    pub const SANDBOX_TOKEN_URL: &'static str = "https://access.sandbox.checkout.com/connect/token";
    /// The OAuth token URL of production.
    pub const PRODUCTION_TOKEN_URL: &'static str = "https://access.checkout.com/connect/token";

    /// The base URL, ending in `/`.
    pub fn base_url(&self) -> &str {
        match self {
            Environment::Sandbox => Self::SANDBOX_URL,
            Environment::Production => Self::PRODUCTION_URL,
            Environment::Subdomain(sub) => &sub.api,
            Environment::Custom(url) => url.as_str(),
        }
    }

    /// Where OAuth client credentials are exchanged for a token: the access host of the
    /// environment (or of the account's subdomain), or `{base}connect/token` for a custom base
    /// URL such as the local sandbox.
    pub fn token_url(&self) -> String {
        match self {
            Environment::Sandbox => Self::SANDBOX_TOKEN_URL.into(),
            Environment::Production => Self::PRODUCTION_TOKEN_URL.into(),
            Environment::Subdomain(sub) => sub.token.clone(),
            Environment::Custom(url) => format!("{url}{}", crate::oauth::TOKEN_PATH),
        }
    }

    /// A custom base URL, checked.
    pub fn custom(url: &str) -> Result<Self, InvalidInput> {
        BaseUrl::parse(url).map(Environment::Custom)
    }

    /// The sandbox, through the account's own API host `https://{prefix}.api.sandbox.checkout.com/`.
    ///
    /// # Errors
    ///
    /// [`InvalidInput::BaseUrl`] when `prefix` breaks Checkout.com's rule
    /// (`^(?:pl-)?[a-z0-9]+$`): there is no silent fall-back to the shared host.
    ///
    /// ```
    /// use checkout_sdk_core::config::Environment;
    ///
    /// let env = Environment::sandbox_subdomain("1a2b3c4d")?;
    /// assert_eq!(env.base_url(), "https://1a2b3c4d.api.sandbox.checkout.com/");
    /// assert_eq!(env.token_url(), "https://1a2b3c4d.access.sandbox.checkout.com/connect/token");
    /// assert!(Environment::sandbox_subdomain("My-Shop").is_err());
    /// # Ok::<(), checkout_sdk_core::InvalidInput>(())
    /// ```
    pub fn sandbox_subdomain(prefix: &str) -> Result<Self, InvalidInput> {
        Subdomain::new(prefix, false).map(Environment::Subdomain)
    }

    /// Production, through the account's own API host `https://{prefix}.api.checkout.com/`.
    ///
    /// # Errors
    ///
    /// As [`sandbox_subdomain`](Self::sandbox_subdomain).
    pub fn production_subdomain(prefix: &str) -> Result<Self, InvalidInput> {
        Subdomain::new(prefix, true).map(Environment::Subdomain)
    }

    /// Whether this is the sandbox (shared or subdomain); `None` for a custom URL.
    pub fn is_sandbox(&self) -> Option<bool> {
        match self {
            Environment::Sandbox => Some(true),
            Environment::Production => Some(false),
            Environment::Subdomain(sub) => Some(!sub.production),
            Environment::Custom(_) => None,
        }
    }
}

impl FromStr for Environment {
    type Err = InvalidInput;
    /// `sandbox` or `production` (case-insensitive), or an absolute URL.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.eq_ignore_ascii_case("sandbox") {
            Ok(Environment::Sandbox)
        } else if s.eq_ignore_ascii_case("production") || s.eq_ignore_ascii_case("live") {
            Ok(Environment::Production)
        } else if s.contains("://") {
            Environment::custom(s)
        } else {
            Err(InvalidInput::BaseUrl(format!(
                "unknown environment {:?}: use sandbox, production or a URL",
                redact_text(s)
            )))
        }
    }
}

/// Everything the operations need to build a request: credentials, environment, the default
/// processing channel and the user agent.
///
/// `Debug` never shows the credentials, and shows the user agent redacted by value.
#[derive(Clone, PartialEq, Eq)]
pub struct Config {
    credentials: Credentials,
    environment: Environment,
    processing_channel: Option<ProcessingChannelId>,
    user_agent: String,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("credentials", &self.credentials)
            .field("environment", &self.environment)
            .field("processing_channel", &self.processing_channel)
            .field("user_agent", &Redacted(&self.user_agent))
            .finish()
    }
}

impl Config {
    /// A configuration for `environment` with `secret_key`.
    pub fn new(secret_key: SecretKey, environment: Environment) -> Self {
        Self::with_credentials(secret_key, environment)
    }

    /// A configuration for `environment` with any [`Credentials`]: a secret key, OAuth client
    /// credentials, or an access token.
    pub fn with_credentials(credentials: impl Into<Credentials>, environment: Environment) -> Self {
        Config {
            credentials: credentials.into(),
            environment,
            processing_channel: None,
            user_agent: USER_AGENT.to_string(),
        }
    }

    /// A sandbox configuration.
    pub fn sandbox(secret_key: SecretKey) -> Self {
        Self::new(secret_key, Environment::Sandbox)
    }

    /// A production configuration.
    pub fn production(secret_key: SecretKey) -> Self {
        Self::new(secret_key, Environment::Production)
    }

    /// Appends `product/version` to the user agent (e.g. your application's name).
    #[must_use]
    pub fn with_user_agent_suffix(mut self, suffix: &str) -> Self {
        self.user_agent.push(' ');
        self.user_agent.push_str(suffix);
        self
    }

    /// Sets the processing channel sent with every payment (and payout) that does not name one:
    /// accounts set up the way Checkout.com sets up new accounts refuse payments without one
    /// (`processing_channel_id_required`).
    #[must_use]
    pub fn with_processing_channel(mut self, channel: ProcessingChannelId) -> Self {
        self.processing_channel = Some(channel);
        self
    }

    /// The credentials.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// The secret key, when the credentials are one.
    pub fn secret_key(&self) -> Option<&SecretKey> {
        match &self.credentials {
            Credentials::SecretKey(key) => Some(key),
            _ => None,
        }
    }

    /// The environment.
    pub fn environment(&self) -> &Environment {
        &self.environment
    }

    /// The default processing channel, if set.
    pub fn processing_channel(&self) -> Option<&ProcessingChannelId> {
        self.processing_channel.as_ref()
    }

    /// The user agent, `checkout-sdk-rust/<version>` by default.
    pub fn user_agent(&self) -> &str {
        &self.user_agent
    }

    /// The absolute URL of `path` (which must not start with `/`).
    pub fn url(&self, path: &str) -> String {
        let mut url = String::with_capacity(self.environment.base_url().len() + path.len());
        url.push_str(self.environment.base_url());
        url.push_str(path);
        url
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NEW_SBOX: &str = "sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e";

    #[test]
    fn both_key_kinds_give_their_authorization_header() {
        let cases = [
            (
                "sk_test_fde517a8-3f01-41ef-b4bd-4282384b0a64",
                KeyKind::Legacy,
                true,
                "sk_test_fde517a8-3f01-41ef-b4bd-4282384b0a64",
            ),
            (
                "sk_fde517a8-3f01-41ef-b4bd-4282384b0a64",
                KeyKind::Legacy,
                false,
                "sk_fde517a8-3f01-41ef-b4bd-4282384b0a64",
            ),
            (NEW_SBOX, KeyKind::Bearer, true, "Bearer sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e"),
            (
                "sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4#",
                KeyKind::Bearer,
                true,
                "Bearer sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4#",
            ),
            ("sk_m73dzbpy7cf3gfd46xr4yj5xo4e", KeyKind::Bearer, false, "Bearer sk_m73dzbpy7cf3gfd46xr4yj5xo4e"),
        ];
        for (raw, kind, sandbox, header) in cases {
            let key = SecretKey::new(raw).unwrap_or_else(|e| panic!("{raw}: {e}"));
            assert_eq!(key.kind(), kind, "{raw}");
            assert_eq!(key.is_sandbox(), sandbox, "{raw}");
            assert_eq!(key.authorization(), header);
        }
    }

    #[test]
    fn invalid_keys_are_rejected_without_echoing_them() {
        for raw in [
            "",
            "pk_test_fde517a8-3f01-41ef-b4bd-4282384b0a64",
            "sk_test_nothex",
            "sk_sbox_short",
            "sk_sbox_M73DZBPY7CF3GFD46XR4YJ5XO4E",
            " sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e",
            "sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e0189",
            "sk_test_fde517a8_3f01_41ef_b4bd_4282384b0a64",
        ] {
            let err = SecretKey::new(raw).expect_err(raw);
            let text = alloc::format!("{err} {err:?}");
            assert!(raw.len() < 8 || !text.contains(&raw[8..]), "{text}");
        }
    }

    #[test]
    fn debug_and_display_hide_the_key() {
        let key = SecretKey::new(NEW_SBOX).unwrap();
        let config = Config::sandbox(key.clone());
        for text in [alloc::format!("{key:?}"), alloc::format!("{key}"), alloc::format!("{config:?}")] {
            assert!(!text.contains("m73dzbpy7cf3gfd46xr4yj5xo4e"), "{text}");
        }
    }

    #[test]
    fn base_urls_allow_http_only_to_loopback() {
        for ok in [
            "https://api.example.com",
            "http://127.0.0.1:8080",
            "http://localhost:1/",
            "http://[::1]:80",
            "https://10.0.0.1/x",
        ] {
            let url = BaseUrl::parse(ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
            assert!(url.as_str().ends_with('/'));
        }
        for bad in [
            "http://api.example.com",
            "http://127.0.0.1.evil.com",
            "ftp://x",
            "api.checkout.com",
            "https://",
            "https://user@host/",
            "https://h/?q=1",
            "http://128.0.0.1",
        ] {
            assert!(BaseUrl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn environments_have_their_base_urls() {
        assert_eq!("sandbox".parse::<Environment>().unwrap().base_url(), "https://api.sandbox.checkout.com/");
        assert_eq!("PRODUCTION".parse::<Environment>().unwrap().base_url(), "https://api.checkout.com/");
        assert_eq!("http://127.0.0.1:9".parse::<Environment>().unwrap().base_url(), "http://127.0.0.1:9/");
        assert!("staging".parse::<Environment>().is_err());
        let config = Config::sandbox(SecretKey::new(NEW_SBOX).unwrap());
        assert_eq!(config.url("payments"), "https://api.sandbox.checkout.com/payments");
        assert!(config.user_agent().starts_with("checkout-sdk-rust/"));
    }
}
