//! OAuth client credentials: the token exchange as a sans-IO operation, and the token cache.
//!
//! `POST https://access.sandbox.checkout.com/connect/token` (or `access.checkout.com`, or the
//! account's own `{prefix}.access...` host) with HTTP Basic authentication (access key id and
//! secret) and the form body `grant_type=client_credentials&scope=...` answers
//! `{"access_token": "...", "token_type": "Bearer", "expires_in": 3600}`.
//!
//! The clients keep the token in a [`TokenCache`] until shortly before it expires, fetch a new
//! one once when the API refuses it with a 401, and let concurrent calls share one exchange.
//! A client that cannot use them (firmware, say) can drive [`RequestAccessToken`] itself and
//! configure the result as [`Credentials::AccessToken`](crate::credentials::Credentials).

use alloc::string::String;
use alloc::vec::Vec;
use core::time::Duration;

use serde::Deserialize;

use crate::config::Config;
use crate::credentials::{AccessToken, OAuthCredentials};
use crate::error::{ApiError, Error, ErrorKind};
use crate::operation::{parse_error, parse_typed, Operation};
use crate::response::Response;
use crate::transport::{Headers, HttpRequest, HttpResponse, Method};

/// The path of the token endpoint on the access host.
pub const TOKEN_PATH: &str = "connect/token";

/// `POST /connect/token`: exchanges OAuth client credentials for a bearer token. `200`.
///
/// ```
/// use checkout_sdk_core::config::{Config, Environment};
/// use checkout_sdk_core::credentials::OAuthCredentials;
/// use checkout_sdk_core::oauth::RequestAccessToken;
/// use checkout_sdk_core::operation::Operation;
/// use checkout_sdk_core::transport::HttpResponse;
///
/// let oauth = OAuthCredentials::new("ack_vvzhoai466su3j3vbxb47ts5oe", "s3cr3t")?;
/// let config = Config::with_credentials(oauth.clone(), Environment::Sandbox);
/// let op = RequestAccessToken::new(oauth);
/// let request = op.build_request(&config)?;
/// assert_eq!(request.url, "https://access.sandbox.checkout.com/connect/token");
/// assert_eq!(request.body, b"grant_type=client_credentials&scope=gateway");
///
/// let answer = br#"{"access_token": "eyJhbGciOi", "token_type": "Bearer", "expires_in": 3600}"#;
/// let token = op.parse_response(HttpResponse::new(200, answer.to_vec()))?;
/// assert_eq!(token.authorization(), "Bearer eyJhbGciOi");
/// # Ok::<(), checkout_sdk_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct RequestAccessToken {
    credentials: OAuthCredentials,
}

impl RequestAccessToken {
    /// The exchange for `credentials`.
    pub fn new(credentials: OAuthCredentials) -> Self {
        RequestAccessToken { credentials }
    }
}

#[derive(Deserialize)]
struct TokenBody {
    access_token: String,
    #[serde(default, deserialize_with = "crate::lenient::opt_u64")]
    expires_in: Option<u64>,
}

impl Operation for RequestAccessToken {
    type Data = AccessToken;

    fn method(&self) -> Method {
        Method::Post
    }

    fn path(&self) -> String {
        TOKEN_PATH.into()
    }

    /// Asking for a token twice is harmless: no idempotency key is needed.
    fn is_idempotent(&self) -> bool {
        true
    }

    fn expected_statuses(&self) -> &'static [u16] {
        &[200]
    }

    fn build_request(&self, config: &Config) -> Result<HttpRequest, Error> {
        let url = match self.credentials.custom_token_url() {
            Some(url) => String::from(url.as_str().trim_end_matches('/')),
            None => config.environment().token_url(),
        };
        let mut headers = Headers::with_capacity(4);
        headers.append("Authorization", basic_authorization(&self.credentials));
        headers.append("User-Agent", config.user_agent());
        headers.append("Accept", "application/json");
        headers.append("Content-Type", "application/x-www-form-urlencoded");
        let mut body = String::from("grant_type=client_credentials&scope=");
        form_encode(&self.credentials.scope_string(), &mut body);
        Ok(HttpRequest { method: Method::Post, url, headers, body: body.into(), timeout: None })
    }

    fn parse_success(&self, response: HttpResponse) -> Result<Response<AccessToken>, Error> {
        let parsed: Response<TokenBody> = parse_typed(response)?;
        let body = parsed.data();
        let token = AccessToken::new(&body.access_token, body.expires_in.map(Duration::from_secs)).map_err(|_| {
            let details = ApiError { error_type: Some("invalid_access_token".into()), ..ApiError::new(200) };
            Error::from(ErrorKind::Authentication(details))
        })?;
        Ok(parsed.map(|_| token))
    }

    /// The token endpoint answers refused credentials with 400 or 401 and an OAuth error body
    /// (`{"error": "invalid_client"}`): both are authentication failures.
    fn parse_response(&self, response: HttpResponse) -> Result<Response<AccessToken>, Error> {
        if self.expected_statuses().contains(&response.status) {
            return self.parse_success(response);
        }
        let mut details = parse_error(&response).api_error().cloned().unwrap_or_else(|| ApiError::new(response.status));
        if details.error_type.is_none() {
            details.error_type = serde_json::from_slice::<serde_json::Value>(&response.body)
                .ok()
                .and_then(|b| b.get("error").and_then(|e| e.as_str()).map(String::from));
        }
        Err(match response.status {
            400 | 401 | 403 => ErrorKind::Authentication(details).into(),
            _ => Error::from_api(details),
        })
    }
}

/// `Basic base64(id:secret)`.
fn basic_authorization(credentials: &OAuthCredentials) -> String {
    let mut pair = Vec::with_capacity(credentials.client_id().len() + 1 + credentials.expose_secret().len());
    pair.extend_from_slice(credentials.client_id().as_bytes());
    pair.push(b':');
    pair.extend_from_slice(credentials.expose_secret().as_bytes());
    let mut header = String::from("Basic ");
    base64_encode(&pair, &mut header);
    header
}

/// Standard base64 with padding (RFC 4648, section 4).
fn base64_encode(bytes: &[u8], out: &mut String) {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
}

/// `application/x-www-form-urlencoded` encoding of one value.
fn form_encode(value: &str, out: &mut String) {
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => out.push(b as char),
            b' ' => out.push('+'),
            _ => {
                const HEX: &[u8; 16] = b"0123456789ABCDEF";
                out.push('%');
                out.push(HEX[usize::from(b >> 4)] as char);
                out.push(HEX[usize::from(b & 15)] as char);
            }
        }
    }
}

/// A cached token and when it stops being fresh.
#[derive(Debug, Clone)]
struct Cached {
    token: AccessToken,
    /// On the cache's clock: when to stop using the token (shortly before it expires).
    fresh_until: Option<Duration>,
    generation: u64,
}

/// The most recent access token, and whether it is still fresh. No clock of its own: times are
/// given by the caller (see [`Clock`](crate::transport::Clock)).
///
/// A token is used until `min(60 s, a tenth of its lifetime)` before it expires, so a call never
/// starts with a token about to lapse.
#[derive(Debug, Clone, Default)]
pub struct TokenCache {
    current: Option<Cached>,
    generation: u64,
}

impl TokenCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// The token, when there is one and it is still fresh at `now`.
    pub fn fresh(&self, now: Duration) -> Option<&AccessToken> {
        let cached = self.current.as_ref()?;
        match cached.fresh_until {
            Some(until) if now >= until => None,
            _ => Some(&cached.token),
        }
    }

    /// Keeps `token`, obtained at `now`.
    pub fn store(&mut self, token: AccessToken, now: Duration) {
        let fresh_until = token.expires_in().map(|lifetime| {
            let margin = (lifetime / 10).min(Duration::from_secs(60));
            now.saturating_add(lifetime.saturating_sub(margin))
        });
        self.generation = self.generation.wrapping_add(1);
        self.current = Some(Cached { token, fresh_until, generation: self.generation });
    }

    /// Forgets the token whose `Authorization` value is `refused` (the API answered 401 with
    /// it); a newer token, fetched meanwhile by another call, is kept.
    pub fn refuse(&mut self, refused: &str) {
        if self.current.as_ref().is_some_and(|c| c.token.authorization() == refused) {
            self.current = None;
        }
    }

    /// How many tokens have been stored so far.
    pub fn fetched(&self) -> u64 {
        self.current.as_ref().map_or(self.generation, |c| c.generation)
    }
}

#[cfg(feature = "std")]
pub(crate) use shared::SharedToken;

/// Without `std` the clients have no lock to share a token with: OAuth credentials are refused
/// with a clear error (drive [`RequestAccessToken`] yourself and configure the token as
/// [`Credentials::AccessToken`](crate::credentials::Credentials::AccessToken)).
#[cfg(not(feature = "std"))]
#[derive(Debug)]
pub(crate) struct SharedToken;

#[cfg(not(feature = "std"))]
impl SharedToken {
    const UNSUPPORTED: crate::error::InvalidInput = crate::error::InvalidInput::Credentials(
        "OAuth client credentials need the std feature; without it, exchange them with RequestAccessToken \
         and configure the token as Credentials::AccessToken",
    );

    pub(crate) fn new(_clock: alloc::sync::Arc<dyn crate::transport::Clock>) -> Self {
        SharedToken
    }

    pub(crate) fn fetched(&self) -> u64 {
        0
    }

    pub(crate) async fn authorization<F, Fut>(&self, _refused: Option<&str>, _fetch: F) -> Result<String, Error>
    where
        F: Fn() -> Fut,
        Fut: core::future::Future<Output = Result<AccessToken, Error>>,
    {
        Err(Self::UNSUPPORTED.into())
    }

    pub(crate) fn authorization_blocking(
        &self,
        _refused: Option<&str>,
        _fetch: impl FnOnce() -> Result<AccessToken, Error>,
    ) -> Result<String, Error> {
        Err(Self::UNSUPPORTED.into())
    }
}

/// The clock a client uses when none is given: [`StdClock`](crate::transport::StdClock) with
/// `std`, a clock that never moves without (tokens then never expire by time, only by 401).
pub(crate) fn default_clock() -> alloc::sync::Arc<dyn crate::transport::Clock> {
    #[cfg(feature = "std")]
    return alloc::sync::Arc::new(crate::transport::StdClock::new());
    #[cfg(not(feature = "std"))]
    {
        struct Frozen;
        impl crate::transport::Clock for Frozen {
            fn now(&self) -> Duration {
                Duration::ZERO
            }
        }
        alloc::sync::Arc::new(Frozen)
    }
}

/// One token per client, shared by concurrent calls: at most one exchange runs at a time, and
/// the calls that need a token meanwhile wait for its result instead of starting their own.
#[cfg(feature = "std")]
mod shared {
    use alloc::string::String;
    use alloc::sync::Arc;
    use alloc::vec::Vec;
    use core::future::Future;
    use core::pin::Pin;
    use core::task::{Context, Poll, Waker};
    use std::sync::{Mutex, MutexGuard, PoisonError};

    use super::TokenCache;
    use crate::credentials::AccessToken;
    use crate::error::Error;
    use crate::transport::Clock;

    #[derive(Default)]
    struct State {
        cache: TokenCache,
        refreshing: bool,
        waiters: Vec<Waker>,
    }

    /// The token of one client (see the module docs).
    pub(crate) struct SharedToken {
        clock: Arc<dyn Clock>,
        state: Mutex<State>,
    }

    impl core::fmt::Debug for SharedToken {
        fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
            f.debug_struct("SharedToken").field("fetched", &self.lock().cache.fetched()).finish_non_exhaustive()
        }
    }

    enum Next {
        Ready(String),
        Refresh,
        Wait,
    }

    /// Ends a refresh however its future ends (completed, failed or dropped), and wakes the
    /// calls waiting for it, so that one of them can take over.
    struct Refreshing<'a>(&'a SharedToken);

    impl Drop for Refreshing<'_> {
        fn drop(&mut self) {
            let mut state = self.0.lock();
            state.refreshing = false;
            for waker in state.waiters.drain(..) {
                waker.wake();
            }
        }
    }

    impl SharedToken {
        pub(crate) fn new(clock: Arc<dyn Clock>) -> Self {
            SharedToken { clock, state: Mutex::new(State::default()) }
        }

        fn lock(&self) -> MutexGuard<'_, State> {
            self.state.lock().unwrap_or_else(PoisonError::into_inner)
        }

        /// How many tokens have been fetched.
        pub(crate) fn fetched(&self) -> u64 {
            self.lock().cache.fetched()
        }

        /// A fresh token's `Authorization` value: the cached one, or one `fetch` gets. `refused`
        /// is the value the API just answered 401 to, which must not be handed out again.
        pub(crate) async fn authorization<F, Fut>(&self, refused: Option<&str>, fetch: F) -> Result<String, Error>
        where
            F: Fn() -> Fut,
            Fut: Future<Output = Result<AccessToken, Error>>,
        {
            loop {
                match self.next(refused) {
                    Next::Ready(header) => return Ok(header),
                    Next::Wait => WaitForRefresh { shared: self }.await,
                    Next::Refresh => {
                        let _guard = Refreshing(self);
                        let token = fetch().await?;
                        let header = String::from(token.authorization());
                        self.lock().cache.store(token, self.clock.now());
                        return Ok(header);
                    }
                }
            }
        }

        /// What a call that needs a token does now; the lock is released before any await.
        fn next(&self, refused: Option<&str>) -> Next {
            let mut state = self.lock();
            if let Some(refused) = refused {
                state.cache.refuse(refused);
            }
            if let Some(token) = state.cache.fresh(self.clock.now()) {
                return Next::Ready(token.authorization().into());
            }
            if state.refreshing {
                Next::Wait
            } else {
                state.refreshing = true;
                Next::Refresh
            }
        }

        /// The same, for a blocking driver: the lock is held while `fetch` runs, so concurrent
        /// threads wait for one exchange.
        pub(crate) fn authorization_blocking(
            &self,
            refused: Option<&str>,
            fetch: impl FnOnce() -> Result<AccessToken, Error>,
        ) -> Result<String, Error> {
            let mut state = self.lock();
            if let Some(refused) = refused {
                state.cache.refuse(refused);
            }
            if let Some(token) = state.cache.fresh(self.clock.now()) {
                return Ok(token.authorization().into());
            }
            let token = fetch()?;
            let header = String::from(token.authorization());
            state.cache.store(token, self.clock.now());
            Ok(header)
        }
    }

    /// Completes once the refresh in progress has ended.
    struct WaitForRefresh<'a> {
        shared: &'a SharedToken,
    }

    impl Future for WaitForRefresh<'_> {
        type Output = ();

        fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            let mut state = self.shared.lock();
            if !state.refreshing {
                return Poll::Ready(());
            }
            // The refresher drains the wakers when it ends: register (again) until then.
            if !state.waiters.iter().any(|w| w.will_wake(cx.waker())) {
                state.waiters.push(cx.waker().clone());
            }
            Poll::Pending
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_test_vectors() {
        for (input, expected) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            let mut out = String::new();
            base64_encode(input.as_bytes(), &mut out);
            assert_eq!(out, expected, "{input:?}");
        }
    }

    #[test]
    fn form_encoding_escapes_what_it_must() {
        let mut out = String::new();
        form_encode("gateway gateway:payment a+b&c=d", &mut out);
        assert_eq!(out, "gateway+gateway%3Apayment+a%2Bb%26c%3Dd");
    }

    #[test]
    fn tokens_stay_fresh_until_shortly_before_they_expire() {
        let mut cache = TokenCache::new();
        assert!(cache.fresh(Duration::ZERO).is_none());
        let hour = AccessToken::new("t1", Some(Duration::from_secs(3600))).unwrap();
        cache.store(hour, Duration::from_secs(100));
        assert!(cache.fresh(Duration::from_secs(100 + 3539)).is_some());
        assert!(cache.fresh(Duration::from_secs(100 + 3540)).is_none(), "60 s before expiry it is stale");
        // A short-lived token keeps a tenth of its life as margin.
        let short = AccessToken::new("t2", Some(Duration::from_secs(10))).unwrap();
        cache.store(short, Duration::ZERO);
        assert!(cache.fresh(Duration::from_secs(8)).is_some());
        assert!(cache.fresh(Duration::from_secs(9)).is_none());
        assert_eq!(cache.fetched(), 2);
        // A refused token is forgotten, but only if it is still the current one.
        cache.refuse("Bearer t1");
        assert!(cache.fresh(Duration::ZERO).is_some());
        cache.refuse("Bearer t2");
        assert!(cache.fresh(Duration::ZERO).is_none());
    }
}
