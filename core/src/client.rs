//! The async client: configuration, a transport, a sleeper, and a short driver of the
//! [call machine](crate::call).

use alloc::boxed::Box;
use alloc::string::String;
use alloc::sync::Arc;
use core::fmt;

use crate::call::{self, Call, Step};
use crate::config::Config;
use crate::error::{Error, InvalidInput};
use crate::oauth::{RequestAccessToken, SharedToken};
use crate::operation::Operation;
use crate::operation::{PageWalk, Paged};
use crate::payments::{CallFuture, Driver, PagesFuture, Payments};
use crate::response::Response;
use crate::retry::RetryPolicy;
use crate::transport::{Clock, HttpTransport, Randomness, Sleeper};

/// A Checkout.com API client: cheap to clone (everything is shared).
///
/// ```
/// # use checkout_sdk_core::transport::*;
/// # struct Offline;
/// # #[async_trait::async_trait]
/// # impl HttpTransport for Offline {
/// #     async fn send(&self, _r: HttpRequest) -> Result<HttpResponse, TransportError> {
/// #         Ok(HttpResponse::new(404, Vec::new()).with_header("Cko-Request-Id", "req_1"))
/// #     }
/// # }
/// # fn block_on<F: core::future::Future>(f: F) -> F::Output {
/// #     let mut f = core::pin::pin!(f);
/// #     let mut cx = core::task::Context::from_waker(core::task::Waker::noop());
/// #     loop { if let core::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; } }
/// # }
/// use checkout_sdk_core::{Client, Config};
///
/// let config = Config::sandbox("sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e".parse()?);
/// let client = Client::new(config, Offline);
/// let err = block_on(client.payments().get("pay_mbabizu24mvu3mela5njyhpit4")).unwrap_err();
/// assert!(err.is_not_found());
/// assert_eq!(err.request_id(), Some("req_1"));
/// // Bad ids never reach the transport.
/// assert!(block_on(client.payments().get("pay_../../customers")).unwrap_err().is_invalid_input());
/// # Ok::<(), checkout_sdk_core::error::InvalidInput>(())
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    transport: Arc<dyn HttpTransport>,
    sleeper: Option<Arc<dyn Sleeper>>,
    random: Option<Arc<dyn Randomness>>,
    retry: RetryPolicy,
    /// The OAuth access token, shared by every call of this client and its clones.
    token: SharedToken,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.inner.config)
            .field("retry", &self.inner.retry)
            .field("sleeper", &self.inner.sleeper.is_some())
            .field("random", &self.inner.random.is_some())
            .field("token", &self.inner.token)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Client`].
#[must_use]
pub struct ClientBuilder {
    config: Config,
    transport: Arc<dyn HttpTransport>,
    sleeper: Option<Arc<dyn Sleeper>>,
    random: Option<Arc<dyn Randomness>>,
    retry: Option<RetryPolicy>,
    clock: Option<Arc<dyn Clock>>,
}

impl ClientBuilder {
    /// Sets the clock that tells when a cached OAuth token expires (with the `std` feature,
    /// `std::time::Instant` is the default).
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// Sets how to wait between retries. With a sleeper, retries default to
    /// [`RetryPolicy::default`]; without one, the client never retries (a policy's total budget
    /// still applies).
    pub fn sleeper(mut self, sleeper: impl Sleeper + 'static) -> Self {
        self.sleeper = Some(Arc::new(sleeper));
        self
    }

    /// Sets an already shared sleeper.
    pub fn sleeper_shared(mut self, sleeper: Arc<dyn Sleeper>) -> Self {
        self.sleeper = Some(sleeper);
        self
    }

    /// Sets the random source for generated idempotency keys and jitter (with the `std` feature
    /// an OS-seeded one is the default).
    pub fn randomness(mut self, random: impl Randomness + 'static) -> Self {
        self.random = Some(Arc::new(random));
        self
    }

    /// Sets the retry policy ([`RetryPolicy::none`] turns retries off).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Builds the client.
    pub fn build(self) -> Client {
        let retry = RetryPolicy::in_force(self.retry, self.sleeper.is_some());
        let random = self.random.or_else(|| crate::transport::default_randomness().map(Arc::from));
        Client {
            inner: Arc::new(Inner {
                config: self.config,
                transport: self.transport,
                sleeper: self.sleeper,
                random,
                retry,
                token: SharedToken::new(self.clock.unwrap_or_else(crate::oauth::default_clock)),
            }),
        }
    }
}

impl Client {
    /// A client over `transport`, without retries (see [`Client::builder`] to add them).
    pub fn new(config: Config, transport: impl HttpTransport + 'static) -> Self {
        Self::builder(config, transport).build()
    }

    /// A builder over `transport`.
    pub fn builder(config: Config, transport: impl HttpTransport + 'static) -> ClientBuilder {
        Self::builder_shared(config, Arc::new(transport))
    }

    /// A builder over an already shared transport.
    pub fn builder_shared(config: Config, transport: Arc<dyn HttpTransport>) -> ClientBuilder {
        ClientBuilder { config, transport, sleeper: None, random: None, retry: None, clock: None }
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The retry policy in force.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// The Payments API.
    pub fn payments(&self) -> Payments<Client> {
        Payments::new(self.clone())
    }

    /// Runs any operation: builds its request, sends it, retries what is safe, parses the result.
    ///
    /// Every `POST` carries an idempotency key, the request's own or one generated here, and
    /// every attempt sends the same key, so a retried payment is never charged twice. A failed
    /// call's [`Error`] hands the key back ([`Error::idempotency_key`]) with a truthful
    /// [`Error::may_have_been_processed`], and a successful one too
    /// ([`Response::idempotency_key`]).
    ///
    /// # Errors
    ///
    /// Any [`Error`]: refused input (nothing sent), a transport failure, a timeout, an HTTP error
    /// status, or a body that could not be decoded, after the retries the policy allows.
    pub async fn execute<O: Operation + Sync>(&self, op: &O) -> Result<Response<O::Data>, Error> {
        let inner = &*self.inner;
        let random = inner.random.as_deref();
        let call = Call::new(op, &inner.config, &inner.retry, call::fallback_key(op, random))?;
        let mut call = call.with_jitter_seed(random.map_or(0, |r| r.next_u64()));
        let drive = async {
            let mut step = call.start();
            loop {
                step = match step {
                    Step::Send(request) => call.received(inner.transport.send(request).await),
                    Step::Sleep(wait) => {
                        if let Some(sleeper) = &inner.sleeper {
                            sleeper.sleep(wait).await;
                        }
                        call.slept()
                    }
                    Step::Authorize(why) => match self.access_token(why.refused()).await {
                        Ok(authorization) => call.authorized(&authorization),
                        Err(error) => call.authorization_failed(error),
                    },
                    Step::Done(result) => return result,
                }
            }
        };
        #[cfg(feature = "tracing")]
        {
            use tracing::Instrument;
            drive.instrument(call::span(op)).await
        }
        #[cfg(not(feature = "tracing"))]
        drive.await
    }
}

impl Client {
    /// A fresh OAuth token's `Authorization` value, shared by concurrent calls; `refused` is the
    /// one the API just answered 401 to.
    ///
    /// Boxed, because it runs a call of its own (the token exchange) inside a call.
    fn access_token<'a>(
        &'a self,
        refused: Option<&'a str>,
    ) -> core::pin::Pin<Box<dyn core::future::Future<Output = Result<String, Error>> + Send + 'a>> {
        Box::pin(async move {
            let Some(oauth) = self.inner.config.credentials().oauth() else {
                return Err(InvalidInput::Credentials("the credentials are not OAuth client credentials").into());
            };
            let fetch =
                || async { self.execute(&RequestAccessToken::new(oauth.clone())).await.map(Response::into_data) };
            self.inner.token.authorization(refused, fetch).await
        })
    }

    /// How many OAuth access tokens this client (and its clones) has fetched so far.
    pub fn tokens_fetched(&self) -> u64 {
        self.inner.token.fetched()
    }
}

impl Driver for Client {
    type Output<D: Send + 'static> = CallFuture<D>;

    fn run<O>(&self, op: O) -> CallFuture<O::Data>
    where
        O: Operation + Send + Sync + 'static,
        O::Data: Send + 'static,
    {
        let client = self.clone();
        Box::pin(async move { client.execute(&op).await })
    }

    fn fail<D: Send + 'static>(&self, error: Error) -> CallFuture<D> {
        Box::pin(core::future::ready(Err(error)))
    }

    type All<T: Send + 'static> = PagesFuture<T>;

    fn run_all<P>(&self, first: P) -> PagesFuture<P::Item>
    where
        P: Paged + Send + Sync + 'static,
        P::Item: Send + 'static,
    {
        let client = self.clone();
        Box::pin(async move {
            let mut walk = PageWalk::new(first);
            while let Some(op) = walk.next_op() {
                let page = client.execute(&op).await?;
                walk.add(&op, page.into_data())?;
            }
            Ok(walk.into_items())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clients_and_their_futures_are_send_and_sync() {
        fn is<T: Send + Sync>(_: &T) {}
        fn is_send<T: Send>(_: &T) {}
        struct Never;
        #[async_trait::async_trait]
        impl HttpTransport for Never {
            async fn send(
                &self,
                _: crate::transport::HttpRequest,
            ) -> Result<crate::transport::HttpResponse, crate::transport::TransportError> {
                Err(crate::transport::TransportError::not_sent("never"))
            }
        }
        let client = Client::new(Config::sandbox("sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e".parse().unwrap()), Never);
        is(&client);
        is_send(&client.payments().get("pay_x"));
    }
}
