//! A blocking driver of the [call machine](crate::call): no async, no runtime, no async-trait.
//!
//! For synchronous programs and firmware: give the [`Client`] a [`BlockingTransport`] (one
//! method, or a closure) and a [`BlockingSleeper`], and it runs every call with the same retries,
//! idempotency keys, time budget and errors as the async client.
//!
//! ```
//! use checkout_sdk_core::blocking::Client;
//! use checkout_sdk_core::currency::Currency;
//! use checkout_sdk_core::request::PaymentRequest;
//! use checkout_sdk_core::source::TokenSource;
//! use checkout_sdk_core::transport::{HttpRequest, HttpResponse, TransportError};
//! use checkout_sdk_core::Config;
//! use std::cell::Cell;
//! use std::time::Duration;
//!
//! // A stand-in for a real HTTP stack: one 503, then the payment.
//! let calls = Cell::new(0);
//! let transport = |request: HttpRequest| -> Result<HttpResponse, TransportError> {
//!     calls.set(calls.get() + 1);
//!     assert!(request.headers.get("cko-idempotency-key").is_some());
//!     Ok(match calls.get() {
//!         1 => HttpResponse::new(503, Vec::new()),
//!         _ => HttpResponse::new(201, br#"{"id": "pay_mbabizu24mvu3mela5njyhpit4", "approved": true}"#.to_vec()),
//!     })
//! };
//! let slept = Cell::new(Duration::ZERO);
//! let sleeper = |wait: Duration| slept.set(slept.get() + wait);
//!
//! let config = Config::sandbox("sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e".parse()?);
//! let client = Client::builder(config, transport).sleeper(sleeper).build();
//! let request = PaymentRequest::builder(TokenSource::new("tok_ubfj2q76miwundwlk72vxt2i7q"), 100, Currency::USD).build()?;
//! let payment = client.payments().request(request)?;
//! assert!(payment.is_approved());
//! assert_eq!(calls.get(), 2);
//! assert!(slept.get() > Duration::ZERO);
//! # Ok::<(), checkout_sdk_core::Error>(())
//! ```

use alloc::boxed::Box;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;
use core::time::Duration;

use crate::call::{self, Call, Step};
use crate::config::Config;
use crate::error::{Error, InvalidInput};
use crate::oauth::{RequestAccessToken, SharedToken};
use crate::operation::{Operation, PageWalk, Paged};
use crate::payments::{Driver, Payments};
use crate::response::Response;
use crate::retry::RetryPolicy;
use crate::transport::{Clock, HttpRequest, HttpResponse, Randomness, TransportError};

/// Sends one HTTP request and blocks until its whole response has arrived.
///
/// The same contract as [`HttpTransport`](crate::transport::HttpTransport): no retries of its
/// own, failures reported with the right [`TransportErrorKind`](crate::transport::TransportErrorKind),
/// [`HttpResponse::elapsed`] filled in when it has a clock. Any
/// `Fn(HttpRequest) -> Result<HttpResponse, TransportError>` closure is one.
pub trait BlockingTransport {
    /// Sends `request` and waits for the whole response.
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError>;
}

impl<F> BlockingTransport for F
where
    F: Fn(HttpRequest) -> Result<HttpResponse, TransportError>,
{
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self(request)
    }
}

/// Blocks for a while: how the blocking client waits between retries. Any `Fn(Duration)`
/// closure is one.
pub trait BlockingSleeper {
    /// Returns after `duration`.
    fn sleep(&self, duration: Duration);
}

impl<F: Fn(Duration)> BlockingSleeper for F {
    fn sleep(&self, duration: Duration) {
        self(duration)
    }
}

/// The sleeper of a client that never retries: it is never asked to wait.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoSleep;

impl BlockingSleeper for NoSleep {
    fn sleep(&self, _: Duration) {}
}

/// Sleeps the current thread (`std::thread::sleep`).
#[cfg(feature = "std")]
#[derive(Debug, Clone, Copy, Default)]
pub struct ThreadSleeper;

#[cfg(feature = "std")]
impl BlockingSleeper for ThreadSleeper {
    fn sleep(&self, duration: Duration) {
        std::thread::sleep(duration);
    }
}

/// Runs `call` to the end over a blocking transport, sleeping between attempts.
///
/// # Errors
///
/// The call's [`Error`], after the retries its policy allows.
///
/// `authorize` answers a [`Step::Authorize`] (OAuth credentials) with the `Authorization` value
/// of a fresh access token, given the value the API just refused, if any.
pub fn drive<O: Operation + ?Sized>(
    mut call: Call<'_, O>,
    transport: &(impl BlockingTransport + ?Sized),
    sleeper: &(impl BlockingSleeper + ?Sized),
    mut authorize: impl FnMut(Option<&str>) -> Result<String, Error>,
) -> Result<Response<O::Data>, Error> {
    let mut step = call.start();
    loop {
        step = match step {
            Step::Send(request) => call.received(transport.send(request)),
            Step::Sleep(wait) => {
                sleeper.sleep(wait);
                call.slept()
            }
            Step::Authorize(why) => match authorize(why.refused()) {
                Ok(authorization) => call.authorized(&authorization),
                Err(error) => call.authorization_failed(error),
            },
            Step::Done(result) => return result,
        };
    }
}

/// A blocking Checkout.com client: a configuration, a [`BlockingTransport`], a
/// [`BlockingSleeper`] and a retry policy. `client.payments()` offers the same methods as the
/// async client, returning results directly.
pub struct Client<T, S = NoSleep> {
    config: Config,
    transport: T,
    sleeper: S,
    random: Option<Box<dyn Randomness>>,
    retry: RetryPolicy,
    token: SharedToken,
}

impl<T, S> fmt::Debug for Client<T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("blocking::Client")
            .field("config", &self.config)
            .field("retry", &self.retry)
            .field("random", &self.random.is_some())
            .finish_non_exhaustive()
    }
}

/// Builds a blocking [`Client`].
#[must_use]
pub struct ClientBuilder<T, S = NoSleep> {
    config: Config,
    transport: T,
    sleeper: S,
    can_sleep: bool,
    random: Option<Box<dyn Randomness>>,
    retry: Option<RetryPolicy>,
    clock: Option<Arc<dyn Clock>>,
}

impl<T: BlockingTransport> Client<T> {
    /// A builder over `transport`. Without a sleeper the client never retries.
    pub fn builder(config: Config, transport: T) -> ClientBuilder<T> {
        ClientBuilder { config, transport, sleeper: NoSleep, can_sleep: false, random: None, retry: None, clock: None }
    }
}

impl<T, S> ClientBuilder<T, S> {
    /// Sets how to wait between retries; retries then default to [`RetryPolicy::default`].
    pub fn sleeper<S2: BlockingSleeper>(self, sleeper: S2) -> ClientBuilder<T, S2> {
        ClientBuilder {
            config: self.config,
            transport: self.transport,
            sleeper,
            can_sleep: true,
            random: self.random,
            retry: self.retry,
            clock: self.clock,
        }
    }

    /// Sets the clock that tells when a cached OAuth token expires (with the `std` feature,
    /// `std::time::Instant` is the default).
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// Sets the random source for generated idempotency keys and jitter (with the `std` feature
    /// an OS-seeded one is the default). Without one, every `POST` must carry its own key.
    pub fn randomness(mut self, random: impl Randomness + 'static) -> Self {
        self.random = Some(Box::new(random));
        self
    }

    /// Sets the retry policy ([`RetryPolicy::none`] turns retries off).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }
}

impl<T: BlockingTransport, S: BlockingSleeper> ClientBuilder<T, S> {
    /// Builds the client.
    pub fn build(self) -> Client<T, S> {
        let retry = RetryPolicy::in_force(self.retry, self.can_sleep);
        let random = self.random.or_else(|| crate::transport::default_randomness().map(|r| r as Box<dyn Randomness>));
        let token = SharedToken::new(self.clock.unwrap_or_else(crate::oauth::default_clock));
        Client { config: self.config, transport: self.transport, sleeper: self.sleeper, random, retry, token }
    }
}

impl<T: BlockingTransport, S: BlockingSleeper> Client<T, S> {
    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The retry policy in force.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// The Payments API.
    pub fn payments(&self) -> Payments<&Self> {
        Payments::new(self)
    }

    /// Runs any operation to the end, with the same keys, retries and errors as the async
    /// [`Client::execute`](crate::client::Client::execute).
    ///
    /// # Errors
    ///
    /// The call's [`Error`], after the retries the policy allows.
    pub fn execute<O: Operation + ?Sized>(&self, op: &O) -> Result<Response<O::Data>, Error> {
        let random = self.random.as_deref();
        let call = Call::new(op, &self.config, &self.retry, call::fallback_key(op, random))?
            .with_jitter_seed(random.map_or(0, |r| r.next_u64()));
        #[cfg(feature = "tracing")]
        let _entered = call::span(op).entered();
        drive(call, &self.transport, &self.sleeper, |refused| self.access_token(refused))
    }

    /// A fresh OAuth token's `Authorization` value; one exchange at a time per client.
    fn access_token(&self, refused: Option<&str>) -> Result<String, Error> {
        let Some(oauth) = self.config.credentials().oauth() else {
            return Err(InvalidInput::Credentials("the credentials are not OAuth client credentials").into());
        };
        self.token.authorization_blocking(refused, || {
            self.execute(&RequestAccessToken::new(oauth.clone())).map(Response::into_data)
        })
    }

    /// How many OAuth access tokens this client has fetched so far.
    pub fn tokens_fetched(&self) -> u64 {
        self.token.fetched()
    }
}

impl<T: BlockingTransport, S: BlockingSleeper> Driver for &Client<T, S> {
    type Output<D: Send + 'static> = Result<Response<D>, Error>;

    fn run<O>(&self, op: O) -> Result<Response<O::Data>, Error>
    where
        O: Operation + Send + Sync + 'static,
        O::Data: Send + 'static,
    {
        self.execute(&op)
    }

    fn fail<D: Send + 'static>(&self, error: Error) -> Result<Response<D>, Error> {
        Err(error)
    }

    type All<I: Send + 'static> = Result<Vec<I>, Error>;

    fn run_all<P>(&self, first: P) -> Result<Vec<P::Item>, Error>
    where
        P: Paged + Send + Sync + 'static,
        P::Item: Send + 'static,
    {
        let mut walk = PageWalk::new(first);
        while let Some(op) = walk.next_op() {
            let page = self.execute(&op)?;
            walk.add(&op, page.into_data())?;
        }
        Ok(walk.into_items())
    }
}
