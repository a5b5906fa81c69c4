//! The facade's `tracing` feature: every call runs inside one `checkout.call` span that stays
//! entered while the transport sends (an event emitted inside `HttpTransport::send` is inside
//! it), records the call's method, path, attempt, status and request id, holds the retry events,
//! and shows nothing secret: no key, no `Authorization` header, no card number or CVV, no body.
//!
//! The subscriber is tracing-subscriber's `fmt`, writing into a buffer, without timestamps (so
//! digits in the output come from the SDK and the simulator only). The simulator is seeded, so
//! its ids are the same on every run.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use checkout_sdk::core::transport::{HttpRequest, HttpResponse, HttpTransport, TransportError};
use checkout_sdk::prelude::*;
use checkout_sdk::simulator::{Fault, Simulator};

/// A well-formed sandbox key the simulator accepts (not the local sandbox's own key, so that
/// finding it in the output means it leaked from this test's client).
const SECRET_KEY: &str = "sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e";
/// A Visa test card the sandbox approves, with its CVV.
const CARD: &str = "4543474002249996";
const CVV: &str = "956";

/// A [`std::io::Write`] into a shared buffer, for the subscriber.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(PoisonError::into_inner)).into_owned()
    }
}

/// The simulator in memory, behind a transport that emits an event while it sends.
struct Announcing(Simulator);

#[async_trait::async_trait]
impl HttpTransport for Announcing {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        tracing::info!(target: "transport", "sending inside the transport");
        self.0.send(request).await
    }
}

/// Runs one payment (its first attempt answered 503, so it is retried) and one lookup through a
/// client over [`Announcing`], with a subscriber capturing everything; returns the output.
fn traced_calls() -> String {
    let captured = Captured::default();
    let writer = captured.clone();
    // With one registered dispatcher, a callsite first hit on a thread without one is cached as
    // "never"; a second, silent dispatcher alive for the whole process keeps interest honest.
    static SECOND: std::sync::OnceLock<tracing::Dispatch> = std::sync::OnceLock::new();
    SECOND.get_or_init(|| tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default()));
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .without_time()
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::with_default(subscriber, || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
        runtime.block_on(async {
            let simulator = Simulator::seeded(7);
            let client = Client::builder()
                .secret_key(SECRET_KEY)
                .processing_channel(checkout_sdk::LOCAL_PROCESSING_CHANNEL)
                .transport(Announcing(simulator.clone()))
                .retry_policy(RetryPolicy::default().with_backoff(Duration::from_millis(1), Duration::from_millis(5)))
                .build()
                .expect("a client");
            simulator.inject_next(Fault::Status(503));
            let card = CardSource::new(CARD, 6, 2030).and_then(|c| c.cvv(CVV)).expect("a test card");
            let request =
                PaymentRequest::builder(card, 6540, Currency::USD).reference("ORD-TRACE").build().expect("a request");
            let payment = client.payments().request(request).await.expect("approved on the second attempt");
            client.payments().get(&payment.id).await.expect("found");
        });
        tracing::info!(target: "test", "after the calls");
    });
    captured.text()
}

#[test]
fn the_call_span_is_entered_while_the_transport_sends() {
    let text = traced_calls();
    let inside: Vec<&str> = text.lines().filter(|l| l.contains("sending inside the transport")).collect();
    // Two attempts of the payment, one lookup.
    assert_eq!(inside.len(), 3, "the transport's events:\n{text}");
    for line in &inside {
        assert!(line.contains("checkout.call{"), "a transport event outside the call's span: {line}\n{text}");
    }
    assert!(inside[0].contains("method=POST") && inside[0].contains("path=payments "), "{text}");
    assert!(inside[0].contains("attempt=1") && !inside[0].contains("attempt=2"), "{text}");
    assert!(inside[1].contains("attempt=2"), "the retry was not recorded on the span: {text}");
    assert!(inside[2].contains("method=GET") && inside[2].contains("path=payments/pay_"), "{text}");

    // The retry and the answer are recorded in the same span.
    let retry =
        text.lines().find(|l| l.contains("checkout.retry")).unwrap_or_else(|| panic!("no retry event:\n{text}"));
    assert!(retry.contains("checkout.call{") && retry.contains("status=503"), "{retry}");
    let ok = text.lines().find(|l| l.contains("checkout.ok")).unwrap_or_else(|| panic!("no ok event:\n{text}"));
    assert!(ok.contains("checkout.call{") && ok.contains("status=201") && ok.contains("request_id="), "{ok}");

    // Not vacuous: an event outside any call carries no span.
    let after = text.lines().find(|l| l.contains("after the calls")).unwrap_or_else(|| panic!("{text}"));
    assert!(!after.contains("checkout.call"), "{after}");
}

#[test]
fn nothing_secret_is_traced() {
    let text = traced_calls();
    assert!(text.contains("checkout.call{"), "nothing was traced:\n{text}");
    let lower = text.to_ascii_lowercase();
    for secret in [SECRET_KEY, &SECRET_KEY[8..], CARD, &CARD[..8], &CARD[8..]] {
        assert!(!text.contains(secret), "{secret:?} was traced:\n{text}");
    }
    for word in ["authorization", "bearer", "cvv", "expiry", "ord-trace", "number"] {
        assert!(!lower.contains(word), "{word:?} was traced (a header or the body):\n{text}");
    }
    // The CVV as a number of its own (not inside a longer run of digits).
    let numbers: Vec<&str> = text.split(|c: char| !c.is_ascii_digit()).filter(|n| !n.is_empty()).collect();
    assert!(!numbers.contains(&CVV), "the CVV was traced:\n{text}");
}
