//! The client: configuration, a transport, and the retry loop.

use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;
use core::time::Duration;

use crate::action::{ActionAccepted, PaymentAction};
use crate::config::Config;
use crate::error::Error;
use crate::id::{IdempotencyKey, PaymentId, PaymentRef};
use crate::operation::{
    CapturePayment, GetPayment, GetPaymentActions, Operation, RefundPayment, RequestPayment, VoidPayment,
    IDEMPOTENCY_KEY_HEADER,
};
use crate::payment::Payment;
use crate::request::{ActionRequest, PaymentRequest, VoidRequest};
use crate::response::Response;
use crate::retry::RetryPolicy;
use crate::transport::{HttpRequest, HttpTransport, Method, Randomness, Sleeper, TransportErrorKind};

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
/// use checkout_sdk_core::{Client, Config, Error};
///
/// let config = Config::sandbox("sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e".parse()?);
/// let client = Client::new(config, Offline);
/// let err = block_on(client.payments().get("pay_mbabizu24mvu3mela5njyhpit4")).unwrap_err();
/// assert!(matches!(err, Error::NotFound(_)));
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
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.inner.config)
            .field("retry", &self.inner.retry)
            .field("sleeper", &self.inner.sleeper.is_some())
            .field("random", &self.inner.random.is_some())
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
}

impl ClientBuilder {
    /// Sets how to wait between retries. With a sleeper, retries default to
    /// [`RetryPolicy::default`]; without one, the client never retries (a policy's total budget
    /// still applies).
    pub fn sleeper(mut self, sleeper: impl Sleeper + 'static) -> Self {
        self.sleeper = Some(Arc::new(sleeper));
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
        let retry = match (&self.sleeper, self.retry) {
            // Without a sleeper there are no retries, but a caller's budget still bounds calls.
            (None, Some(policy)) => policy.with_max_retries(0),
            (None, None) => RetryPolicy::none(),
            (Some(_), Some(policy)) => policy,
            (Some(_), None) => RetryPolicy::default(),
        };
        #[cfg(feature = "std")]
        let random =
            self.random.or_else(|| Some(Arc::new(crate::transport::StdRandomness::new()) as Arc<dyn Randomness>));
        #[cfg(not(feature = "std"))]
        let random = self.random;
        Client {
            inner: Arc::new(Inner {
                config: self.config,
                transport: self.transport,
                sleeper: self.sleeper,
                random,
                retry,
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
        ClientBuilder { config, transport, sleeper: None, random: None, retry: None }
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
    pub fn payments(&self) -> Payments<'_> {
        Payments { client: self }
    }

    /// Runs any operation: builds its request, sends it, retries what is safe, parses the result.
    ///
    /// When retries are on, a `POST` without an idempotency key gets a generated one, and every
    /// attempt sends the same key, so a retried payment can never be charged twice.
    pub async fn execute<O: Operation + Sync>(&self, op: &O) -> Result<O::Output, Error> {
        let inner = &*self.inner;
        let mut request = op.build_request(&inner.config)?;
        let policy = &inner.retry;
        if request.method == Method::Post && policy.is_enabled() && !request.headers.contains(IDEMPOTENCY_KEY_HEADER) {
            if let Some(random) = &inner.random {
                request.headers.insert(IDEMPOTENCY_KEY_HEADER, IdempotencyKey::generate(random.as_ref()).as_str());
            }
        }
        // A POST without a key could be processed twice if repeated; it is never retried.
        let safe_to_repeat = request.method == Method::Get || request.headers.contains(IDEMPOTENCY_KEY_HEADER);
        // One span per call; its fields are filled in as attempts complete. Only method, path,
        // status, request id and attempt are recorded: never headers or bodies.
        #[cfg(feature = "tracing")]
        let span = tracing::info_span!(
            "checkout.call",
            method = %request.method,
            path = %crate::redact::Redacted(request.path()),
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        let mut spent = Duration::ZERO;
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            // The last attempt the policy allows takes the request (leaving an empty one that
            // allocates nothing); earlier ones send a copy.
            let mut this = if attempt > policy.max_retries {
                core::mem::replace(&mut request, HttpRequest::empty())
            } else {
                request.clone()
            };
            if let Some(budget) = policy.total_budget {
                this.timeout = Some(budget.saturating_sub(spent));
            }
            #[cfg(feature = "tracing")]
            span.record("attempt", attempt);
            let timeout_hint = this.timeout;
            let sent = inner.transport.send(this).await;
            let (result, elapsed) = match sent {
                Ok(response) => {
                    let elapsed = response.elapsed;
                    #[cfg(feature = "tracing")]
                    {
                        span.record("status", response.status);
                        if let Some(id) = response.headers.get("cko-request-id") {
                            span.record("request_id", tracing::field::display(crate::redact::Redacted(id)));
                        }
                    }
                    (op.parse_response(response), elapsed)
                }
                Err(e) => {
                    // Without a measured time, a timed-out attempt used its whole allowance.
                    let elapsed =
                        e.elapsed().or(if e.kind() == TransportErrorKind::TimedOut { timeout_hint } else { None });
                    (Err(Error::from_transport(e)), elapsed)
                }
            };
            spent = spent.saturating_add(elapsed.unwrap_or_default());
            let mut error = match result {
                Ok(output) => {
                    #[cfg(feature = "tracing")]
                    tracing::info!(parent: &span, attempt, "checkout.ok");
                    return Ok(output);
                }
                Err(error) => error,
            };
            if let Some(wait) = self.next_wait(&error, attempt, safe_to_repeat, spent) {
                #[cfg(feature = "tracing")]
                tracing::debug!(parent: &span, attempt, wait_ms = wait.as_millis() as u64, error = %error, "checkout.retry");
                if let Some(sleeper) = &inner.sleeper {
                    sleeper.sleep(wait).await;
                }
                spent = spent.saturating_add(wait);
                continue;
            }
            error.set_attempts(attempt);
            #[cfg(feature = "tracing")]
            tracing::warn!(parent: &span, attempt, error = %error, "checkout.failed");
            return Err(error);
        }
    }

    fn next_wait(&self, error: &Error, attempt: u32, safe_to_repeat: bool, spent: Duration) -> Option<Duration> {
        let inner = &*self.inner;
        let policy = &inner.retry;
        inner.sleeper.as_ref()?;
        if !policy.should_retry(error, attempt, safe_to_repeat) {
            return None;
        }
        let random = inner.random.as_ref().map_or(u64::MAX / 2, |r| r.next_u64());
        let wait = policy.backoff(attempt, error.retry_after(), random)?;
        match policy.total_budget {
            // Leave room for the next attempt to do something, not just time out at once.
            Some(budget) if spent.saturating_add(wait) >= budget => None,
            _ => Some(wait),
        }
    }
}

/// The Payments API: `client.payments()`.
#[derive(Debug, Clone, Copy)]
pub struct Payments<'a> {
    client: &'a Client,
}

impl Payments<'_> {
    /// `POST /payments`: request a payment. `Ok` for processed (approved or declined) and pending
    /// payments alike; check [`Response::outcome`].
    pub async fn request(&self, request: PaymentRequest) -> Result<Response<Payment>, Error> {
        self.client.execute(&RequestPayment::new(request)).await
    }

    /// `GET /payments/{id}`: a payment by payment id (`pay_`) or session id (`sid_`).
    pub async fn get<I>(&self, id: I) -> Result<Response<Payment>, Error>
    where
        I: TryInto<PaymentRef>,
        Error: From<I::Error>,
    {
        self.client.execute(&GetPayment::new(id.try_into()?)).await
    }

    /// `GET /payments/{id}/actions`: the payment's actions, newest first.
    pub async fn actions<I>(&self, id: I) -> Result<Response<Vec<PaymentAction>>, Error>
    where
        I: TryInto<PaymentId>,
        Error: From<I::Error>,
    {
        self.client.execute(&GetPaymentActions::new(id.try_into()?)).await
    }

    /// `POST /payments/{id}/captures`: capture all (`ActionRequest::full()`) or part.
    pub async fn capture<I>(&self, id: I, request: ActionRequest) -> Result<Response<ActionAccepted>, Error>
    where
        I: TryInto<PaymentId>,
        Error: From<I::Error>,
    {
        self.client.execute(&CapturePayment::new(id.try_into()?, request)).await
    }

    /// `POST /payments/{id}/refunds`: refund all (`ActionRequest::full()`) or part.
    pub async fn refund<I>(&self, id: I, request: ActionRequest) -> Result<Response<ActionAccepted>, Error>
    where
        I: TryInto<PaymentId>,
        Error: From<I::Error>,
    {
        self.client.execute(&RefundPayment::new(id.try_into()?, request)).await
    }

    /// `POST /payments/{id}/voids`: cancel an authorisation that was not captured.
    pub async fn void<I>(&self, id: I, request: VoidRequest) -> Result<Response<ActionAccepted>, Error>
    where
        I: TryInto<PaymentId>,
        Error: From<I::Error>,
    {
        self.client.execute(&VoidPayment::new(id.try_into()?, request)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::boxed::Box;

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
