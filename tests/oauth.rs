//! OAuth client credentials: the token is fetched once for many concurrent calls, cached until
//! shortly before it expires, refreshed once after a 401, and a failed exchange is a clear typed
//! error that never shows the secret.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use checkout_sdk::core::blocking;
use checkout_sdk::core::credentials::{scopes, OAuthCredentials};
use checkout_sdk::core::transport::{Clock, HttpRequest, HttpResponse, HttpTransport, TransportError};
use checkout_sdk::prelude::*;

const CLIENT_ID: &str = "ack_vvzhoai466su3j3vbxb47ts5oe";
const SECRET: &str = "Pmg31c6UhZfKmyVsWLGq8Cj7ChFNe3Yw";

/// A token endpoint and a payments endpoint in one: tokens are `tok-1`, `tok-2`, ... and live
/// `lifetime` seconds; a payment needs a token that was issued and not revoked.
#[derive(Default)]
struct Server {
    issued: AtomicU64,
    token_requests: Mutex<Vec<HttpRequest>>,
    revoked: Mutex<BTreeSet<String>>,
    payments: AtomicU64,
    refuse_credentials: bool,
    /// How long the token endpoint takes (so concurrent calls overlap with the exchange).
    exchange_delay: Duration,
    lifetime: u64,
}

impl Server {
    fn new() -> Self {
        Server { lifetime: 3600, exchange_delay: Duration::from_millis(50), ..Server::default() }
    }

    fn answer_token(&self, request: HttpRequest) -> HttpResponse {
        self.token_requests.lock().unwrap().push(request);
        if self.refuse_credentials {
            return HttpResponse::new(401, br#"{"error": "invalid_client"}"#.to_vec());
        }
        let n = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
        let body = format!(r#"{{"access_token": "tok-{n}", "token_type": "Bearer", "expires_in": {}}}"#, self.lifetime);
        HttpResponse::new(200, body.into_bytes())
    }

    fn answer_payment(&self, request: &HttpRequest) -> HttpResponse {
        let token = request.headers.get("authorization").and_then(|a| a.strip_prefix("Bearer ")).unwrap_or_default();
        let issued = token
            .strip_prefix("tok-")
            .and_then(|n| n.parse::<u64>().ok())
            .is_some_and(|n| n <= self.issued.load(Ordering::SeqCst));
        if !issued || self.revoked.lock().unwrap().contains(token) {
            return HttpResponse::new(401, Vec::new());
        }
        let n = self.payments.fetch_add(1, Ordering::SeqCst);
        let body = format!(r#"{{"id": "pay_{n:026}", "approved": true, "status": "Authorized"}}"#);
        HttpResponse::new(201, body.into_bytes())
    }
}

#[derive(Clone)]
struct Transport(Arc<Server>);

#[async_trait::async_trait]
impl HttpTransport for Transport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        if request.url.ends_with("/connect/token") {
            tokio::time::sleep(self.0.exchange_delay).await;
            Ok(self.0.answer_token(request))
        } else {
            Ok(self.0.answer_payment(&request))
        }
    }
}

impl blocking::BlockingTransport for Transport {
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        if request.url.ends_with("/connect/token") {
            Ok(self.0.answer_token(request))
        } else {
            Ok(self.0.answer_payment(&request))
        }
    }
}

/// A clock the test moves by hand.
#[derive(Clone, Default)]
struct ManualClock(Arc<Mutex<Duration>>);

impl ManualClock {
    fn advance(&self, by: Duration) {
        *self.0.lock().unwrap() += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Duration {
        *self.0.lock().unwrap()
    }
}

fn config() -> Config {
    let oauth = OAuthCredentials::new(CLIENT_ID, SECRET).unwrap().scopes([scopes::GATEWAY, scopes::VAULT]);
    Config::with_credentials(oauth, Environment::sandbox_subdomain("1a2b3c4d").unwrap())
}

fn client(server: &Arc<Server>, clock: &ManualClock) -> checkout_sdk::core::Client {
    checkout_sdk::core::Client::builder(config(), Transport(Arc::clone(server))).clock(clock.clone()).build()
}

fn payment() -> PaymentRequest {
    PaymentRequest::builder(TokenSource::new("tok_ubfj2q76miwundwlk72vxt2i7q"), 100, Currency::USD).build().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_is_fetched_once_for_many_concurrent_calls() {
    let server = Arc::new(Server::new());
    let client = client(&server, &ManualClock::default());
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..64 {
        let payments = client.payments();
        calls.spawn(async move { payments.request(payment()).await });
    }
    while let Some(done) = calls.join_next().await {
        done.unwrap().expect("every payment goes through with the shared token");
    }
    assert_eq!(server.token_requests.lock().unwrap().len(), 1, "one exchange for 64 concurrent calls");
    assert_eq!(server.payments.load(Ordering::SeqCst), 64);
    assert_eq!(client.tokens_fetched(), 1);

    // The exchange itself: the account's access host, HTTP Basic, the form body with the scopes.
    let exchange = server.token_requests.lock().unwrap()[0].clone();
    assert_eq!(exchange.url, "https://1a2b3c4d.access.sandbox.checkout.com/connect/token");
    let basic = exchange.headers.get("authorization").unwrap();
    assert_eq!(basic, "Basic YWNrX3Z2emhvYWk0NjZzdTNqM3ZieGI0N3RzNW9lOlBtZzMxYzZVaFpmS215VnNXTEdxOENqN0NoRk5lM1l3");
    assert_eq!(exchange.headers.get("content-type"), Some("application/x-www-form-urlencoded"));
    assert_eq!(exchange.body, b"grant_type=client_credentials&scope=gateway+vault");
    assert!(exchange.headers.get("cko-idempotency-key").is_none(), "the exchange needs no key");
}

#[tokio::test]
async fn the_token_is_refreshed_after_it_expires() {
    let server = Arc::new(Server { lifetime: 600, ..Server::new() });
    let clock = ManualClock::default();
    let client = client(&server, &clock);
    client.payments().request(payment()).await.unwrap();
    clock.advance(Duration::from_secs(500));
    client.payments().request(payment()).await.unwrap();
    assert_eq!(client.tokens_fetched(), 1, "still fresh after 500 s of 600");
    // A tenth of the lifetime (60 s) before expiry, it is no longer used.
    clock.advance(Duration::from_secs(40));
    client.payments().request(payment()).await.unwrap();
    assert_eq!(client.tokens_fetched(), 2);
    assert_eq!(server.token_requests.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn a_refused_token_is_refreshed_once_and_the_call_goes_through() {
    let server = Arc::new(Server::new());
    let client = client(&server, &ManualClock::default());
    client.payments().request(payment()).await.unwrap();
    // The token is revoked early: the next call meets a 401, fetches a new token, and succeeds.
    server.revoked.lock().unwrap().insert("tok-1".into());
    let paid = client.payments().request(payment()).await.expect("the call is retried with a new token");
    assert_eq!(client.tokens_fetched(), 2);
    assert!(paid.idempotency_key().is_some());

    // A token refused twice ends the call: one refresh per call, never a loop.
    let stubborn = Arc::new(Server::new());
    let client = checkout_sdk::core::Client::builder(config(), RefuseAll(Arc::clone(&stubborn)))
        .clock(ManualClock::default())
        .build();
    let err = client.payments().request(payment()).await.unwrap_err();
    assert!(err.is_authentication() && !err.is_token_exchange(), "{err:?}");
    assert_eq!(stubborn.token_requests.lock().unwrap().len(), 2, "the first token, then one refresh");
    assert_eq!(err.attempts(), 2);
    assert!(!err.may_have_been_processed());
}

/// Issues tokens, but refuses every payment with 401.
struct RefuseAll(Arc<Server>);

#[async_trait::async_trait]
impl HttpTransport for RefuseAll {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        if request.url.ends_with("/connect/token") {
            Ok(self.0.answer_token(request))
        } else {
            Ok(HttpResponse::new(401, Vec::new()))
        }
    }
}

#[tokio::test]
async fn a_failed_exchange_is_a_clear_typed_error_without_the_secret() {
    let server = Arc::new(Server { refuse_credentials: true, ..Server::new() });
    let client = client(&server, &ManualClock::default());
    let err = client.payments().request(payment()).await.unwrap_err();
    assert!(err.is_token_exchange() && err.is_authentication(), "{err:?}");
    assert_eq!(err.error_type(), Some("invalid_client"));
    assert_eq!(
        err.to_string(),
        "could not obtain an OAuth access token: authentication failed: HTTP 401 invalid_client"
    );
    assert!(!err.may_have_been_processed(), "the payment was never sent");
    assert_eq!(server.payments.load(Ordering::SeqCst), 0);
    for text in [err.to_string(), format!("{err:?}"), format!("{:?}", client), format!("{:?}", config())] {
        assert!(!text.contains(SECRET) && !text.contains("UGlt"), "{text}");
    }
}

#[test]
fn the_blocking_client_uses_and_refreshes_oauth_tokens_too() {
    let server = Arc::new(Server::new());
    let client =
        blocking::Client::builder(config(), Transport(Arc::clone(&server))).clock(ManualClock::default()).build();
    client.payments().request(payment()).unwrap();
    client.payments().request(payment()).unwrap();
    assert_eq!(client.tokens_fetched(), 1);
    server.revoked.lock().unwrap().insert("tok-1".into());
    client.payments().request(payment()).unwrap();
    assert_eq!(client.tokens_fetched(), 2);
    assert_eq!(server.payments.load(Ordering::SeqCst), 3);
}
