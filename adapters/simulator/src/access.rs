//! The access route family: OAuth 2.0 client credentials exchanged for a bearer token at
//! `POST /connect/token`, on the same server as the API (Checkout.com serves it on its access
//! host), and the tokens it issued.
//!
//! The client authenticates with HTTP Basic (`Authorization: Basic base64(id:secret)`), or with
//! `client_id` and `client_secret` form fields, or both when they agree (the official SDKs send
//! both). The simulator is not a key store: any well-formed access key id (`ack_` and 26
//! characters of `a-z2-7`) with a secret of 1-512 visible ASCII characters is accepted, with any
//! well-formed scopes. Tokens
//! live [`DEFAULT_LIFETIME_SECS`] by default (see `Simulator::set_token_lifetime`), on the
//! simulator's clock.

use checkout_sdk_core::transport::Method;
use serde_json::json;

use crate::form;
use crate::ledger::Ledger;
use crate::limits::Limits;
use crate::reply::Reply;
use crate::retention::{Retained, Weigh};
use crate::router::{self, Ctx, Routing, Rules};

/// How long a token lives unless set otherwise: an hour, like Checkout.com's.
pub(crate) const DEFAULT_LIFETIME_SECS: u64 = 3600;

/// The length of an access token: two ids' worth of `a-z2-7`.
const TOKEN_LEN: usize = 52;

/// The most scopes one request may ask for (the simulator's bound).
const MAX_SCOPES: usize = 32;

/// An access route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Route {
    /// `POST /connect/token`
    Token,
}

impl Route {
    /// The token endpoint authenticates the client itself (no API key), is not idempotent (each
    /// exchange is a new token, as OAuth has it), and gets faults only when asked for every
    /// route, like `/tokens`.
    pub(crate) fn rules(&self) -> Rules {
        Rules::PAGE
    }
}

/// Matches `/connect/token`.
pub(crate) fn route(method: Method, segments: &[&str]) -> Option<Routing> {
    match segments {
        ["connect", "token"] => Some(router::expect(method, Method::Post, router::Route::Access(Route::Token))),
        ["connect", ..] => Some(Routing::NotFound),
        _ => None,
    }
}

/// A token the simulator issued.
struct Issued {
    /// On the simulator's clock: the first second the token is refused.
    expires_at: i64,
}

impl Weigh for Issued {
    fn weight(&self) -> usize {
        // The key (the token, 52 characters) is what weighs.
        size_of::<Issued>() + TOKEN_LEN + size_of::<String>()
    }
}

/// Every token issued and not yet forgotten, within the vault's [`Limits`].
pub(crate) struct AccessTokens {
    issued: Retained<Issued>,
    lifetime_secs: u64,
}

impl AccessTokens {
    /// No tokens yet; new ones live [`DEFAULT_LIFETIME_SECS`].
    pub(crate) fn new(limits: &Limits) -> Self {
        AccessTokens {
            issued: Retained::new(limits.vault_entries, limits.vault_bytes),
            lifetime_secs: DEFAULT_LIFETIME_SECS,
        }
    }

    /// Applies new limits, forgetting the oldest tokens if needed.
    pub(crate) fn set_limits(&mut self, limits: &Limits) {
        let _ = self.issued.set_bounds(limits.vault_entries, limits.vault_bytes);
    }

    /// How long tokens issued from now on live, in seconds.
    pub(crate) fn lifetime_secs(&self) -> u64 {
        self.lifetime_secs
    }

    /// Sets how long tokens issued from now on live (at least a second).
    pub(crate) fn set_lifetime_secs(&mut self, secs: u64) {
        self.lifetime_secs = secs.max(1);
    }

    /// Whether `token` was issued here and has not expired at `now`.
    pub(crate) fn is_valid(&self, token: &str, now: i64) -> bool {
        self.issued.get(token).is_some_and(|issued| now < issued.expires_at)
    }

    fn issue(&mut self, token: String, now: i64) {
        let lifetime = i64::try_from(self.lifetime_secs).unwrap_or(i64::MAX);
        let _ = self.issued.insert(token, Issued { expires_at: now.saturating_add(lifetime) });
    }
}

/// Answers an access route.
pub(crate) fn handle(ledger: &mut Ledger, ctx: &Ctx<'_>, route: Route, body: &[u8]) -> Reply {
    match route {
        Route::Token => token(ledger, ctx, body),
    }
}

/// The OAuth error body (RFC 6749, section 5.2).
fn oauth_error(status: u16, error: &str) -> Reply {
    let reply = Reply::json(status, json!({ "error": error }))
        .with_header("Cache-Control", "no-store".into())
        .with_header("Pragma", "no-cache".into());
    if status == 401 {
        reply.with_header("WWW-Authenticate", "Basic realm=\"checkout\"".into())
    } else {
        reply
    }
}

fn token(ledger: &mut Ledger, ctx: &Ctx<'_>, body: &[u8]) -> Reply {
    let Some(fields) = std::str::from_utf8(body).ok().and_then(form::pairs) else {
        return oauth_error(400, "invalid_request");
    };
    let basic = match ctx.headers.get("authorization") {
        None => None,
        Some(value) => match basic_credentials(value) {
            Some(pair) => Some(pair),
            None => return oauth_error(401, "invalid_client"),
        },
    };
    let posted = match (form::first(&fields, "client_id"), form::first(&fields, "client_secret")) {
        (None, None) => None,
        (id, secret) => Some((id.unwrap_or_default().to_string(), secret.unwrap_or_default().to_string())),
    };
    let client = match (basic, posted) {
        (Some(basic), Some(posted)) if basic != posted => return oauth_error(401, "invalid_client"),
        (Some(pair), _) | (None, Some(pair)) => pair,
        (None, None) => return oauth_error(401, "invalid_client"),
    };
    if !is_client_id(&client.0) || !is_secret(&client.1) {
        return oauth_error(401, "invalid_client");
    }
    match form::first(&fields, "grant_type") {
        None | Some("") => return oauth_error(400, "invalid_request"),
        Some("client_credentials") => {}
        Some(_) => return oauth_error(400, "unsupported_grant_type"),
    }
    let scopes: Vec<&str> =
        form::first(&fields, "scope").unwrap_or_default().split(' ').filter(|s| !s.is_empty()).collect();
    if scopes.len() > MAX_SCOPES || !scopes.iter().all(|s| is_scope(s)) {
        return oauth_error(400, "invalid_scope");
    }
    let now = ledger.clock.now();
    let token = format!("{}{}", ledger.ids.id(""), ledger.ids.id(""));
    ledger.access.issue(token.clone(), now);
    let answer = json!({
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": ledger.access.lifetime_secs(),
    });
    Reply::json(200, answer).with_header("Cache-Control", "no-store".into()).with_header("Pragma", "no-cache".into())
}

/// A scope as Checkout.com spells them (`gateway`, `gateway:payment-details`, `payments:search`):
/// lower-case words of letters, digits and `-`, at most one `:`. Which scopes a key may have is
/// not checked: the simulator is not a key store.
fn is_scope(scope: &str) -> bool {
    let word = |w: &str| {
        w.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
            && w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    scope.len() <= 64 && scope.split_once(':').map_or(word(scope), |(family, detail)| word(family) && word(detail))
}

/// `ack_` and 26 characters of `a-z2-7`.
fn is_client_id(id: &str) -> bool {
    id.strip_prefix("ack_").is_some_and(|rest| {
        rest.len() == 26 && rest.bytes().all(|b| b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b))
    })
}

/// 1-512 visible ASCII characters.
fn is_secret(secret: &str) -> bool {
    (1..=512).contains(&secret.len()) && secret.bytes().all(|b| b.is_ascii_graphic())
}

/// The id and secret of an `Authorization: Basic …` value (the scheme matched without case).
fn basic_credentials(value: &str) -> Option<(String, String)> {
    let scheme = value.get(..6)?;
    if !scheme.eq_ignore_ascii_case("basic ") {
        return None;
    }
    let decoded = base64_decode(value.get(6..)?.trim())?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some((id.to_string(), secret.to_string()))
}

/// Standard base64 with optional padding (RFC 4648, section 4); `None` for anything else.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let sextet = |c: u8| -> Option<u32> {
        Some(u32::from(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        }))
    };
    let trimmed = text.trim_end_matches('=');
    if text.len() - trimmed.len() > 2 || trimmed.len() % 4 == 1 || text.len() > 2048 {
        return None;
    }
    let mut out = Vec::with_capacity(trimmed.len() * 3 / 4);
    for chunk in trimmed.as_bytes().chunks(4) {
        let mut n = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            n |= sextet(*c)? << (18 - 6 * i);
        }
        let bytes = n.to_be_bytes();
        out.extend_from_slice(bytes.get(1..chunk.len()).unwrap_or_default());
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_decodes_rfc_4648_vectors_and_refuses_the_rest() {
        for (encoded, plain) in
            [("", ""), ("Zg==", "f"), ("Zm8=", "fo"), ("Zm9v", "foo"), ("Zm9vYg", "foob"), ("Zm9vYmFy", "foobar")]
        {
            assert_eq!(base64_decode(encoded).as_deref(), Some(plain.as_bytes()), "{encoded}");
        }
        for bad in ["Z", "Zm9v!", "Zg===", "é"] {
            assert_eq!(base64_decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn basic_credentials_split_at_the_first_colon() {
        // base64("ack_x:se:cret")
        assert_eq!(basic_credentials("Basic YWNrX3g6c2U6Y3JldA=="), Some(("ack_x".into(), "se:cret".into())));
        assert_eq!(basic_credentials("basic YWNrX3g6c2U6Y3JldA=="), Some(("ack_x".into(), "se:cret".into())));
        assert_eq!(basic_credentials("Bearer YWNrX3g6c2U6Y3JldA=="), None);
        assert_eq!(basic_credentials("Basic bm9jb2xvbg=="), None, "no colon");
    }

    #[test]
    fn scopes_are_checked_for_their_shape_only() {
        for scope in ["gateway", "gateway:payment-details", "payments:search", "vault:real-time-account-updater"] {
            assert!(is_scope(scope), "{scope}");
        }
        for scope in ["", "Gateway", "gateway:", ":x", "a:b:c", "pay ments", "x".repeat(65).as_str(), "é"] {
            assert!(!is_scope(scope), "{scope}");
        }
    }

    #[test]
    fn client_ids_and_secrets_have_a_shape() {
        assert!(is_client_id("ack_vvzhoai466su3j3vbxb47ts5oe"));
        assert!(!is_client_id("ack_vvzhoai466su3j3vbxb47ts5o"));
        assert!(!is_client_id("ack_VVZHOAI466SU3J3VBXB47TS5OE"));
        assert!(!is_client_id("pk_vvzhoai466su3j3vbxb47ts5oe"));
        assert!(is_secret("Pmg31c6UhZfKmyVsWLGq8Cj7ChFNe3Yw"));
        assert!(!is_secret("") && !is_secret("a b") && !is_secret(&"x".repeat(513)));
    }
}
