//! Webhook delivery: the simulator queues a delivery for every event an endpoint wants; this
//! posts them, in the background, never in the way of an API request.
//!
//! - Each delivery is a `POST` of the event's exact bytes with `Content-Type: application/json`,
//!   `Cko-Signature` (the hex HMAC-SHA256 of the body with the endpoint's key, made by the core's
//!   [`SignatureKey::sign`](checkout_sdk_core::webhook::SignatureKey::sign)) and, when the endpoint
//!   has one, its `Authorization` value (marked sensitive, never logged).
//! - A 2xx answer ends it. Anything else, no answer within the attempt timeout, or no connection
//!   is a failed attempt, tried again after the next delay of [`RETRY_SCHEDULE`] times the retry
//!   scale, up to the configured number of retries (at most 8); then it is given up.
//! - Deliveries of one payment to one endpoint go one at a time, in the order the events happened:
//!   an event is not sent before the earlier events of its payment were delivered or given up.
//!   Other payments and other endpoints are not held up.
//! - Every attempt is reported to the simulator, which lists the deliveries at `GET
//!   /sandbox/webhooks` and on the dashboard.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use checkout_sdk_core::webhook::{AUTHORIZATION_HEADER, SIGNATURE_HEADER};
use checkout_sdk_simulator::{AttemptOutcome, OutgoingWebhook, Simulator};
use http_body_util::Full;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tokio::sync::{watch, Notify, Semaphore};
use tokio::task::{JoinHandle, JoinSet};

use crate::config::ServerConfig;

/// The delays before each retry, in minutes of a real webhook service's schedule: it doubles from
/// one minute, eight retries over about four and a quarter hours. The sandbox plays it compressed:
/// one minute of it lasts [`ServerConfig::webhook_retry_scale`] (one second by default).
pub const RETRY_SCHEDULE: [u32; 8] = [1, 2, 4, 8, 16, 32, 64, 128];

/// The most retries a delivery gets (the length of [`RETRY_SCHEDULE`]).
pub const MAX_RETRIES: u32 = 8;

/// At most this many attempts are in flight at once, however many deliveries are due.
const MAX_IN_FLIGHT: usize = 32;

/// How deliveries are attempted.
#[derive(Debug, Clone, Copy)]
struct Settings {
    retry_scale: Duration,
    attempt_timeout: Duration,
    retries: u32,
}

impl Settings {
    fn of(config: &ServerConfig) -> Self {
        Settings {
            retry_scale: config.webhook_retry_scale,
            attempt_timeout: config.webhook_attempt_timeout,
            retries: config.webhook_retries.min(MAX_RETRIES),
        }
    }

    /// The delay before retry `n` (0-based).
    fn delay(&self, n: u32) -> Duration {
        let minutes = RETRY_SCHEDULE.get(n as usize).copied().unwrap_or(RETRY_SCHEDULE[7]);
        self.retry_scale.saturating_mul(minutes)
    }
}

/// The deliveries that must go one at a time, in order: one endpoint, one payment.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Lane {
    endpoint: usize,
    /// The payment id (or, for an event about no payment, the event id: a lane of its own).
    subject: String,
}

impl Lane {
    fn of(webhook: &OutgoingWebhook) -> Self {
        Lane {
            endpoint: webhook.endpoint_index,
            subject: webhook.payment_id.clone().unwrap_or(webhook.event_id.clone()),
        }
    }
}

/// What every delivery task shares.
struct Sender {
    simulator: Simulator,
    client: Client<HttpConnector, Full<Bytes>>,
    settings: Settings,
    in_flight: Semaphore,
    /// The lanes with a delivery in progress, each with the deliveries waiting behind it.
    lanes: Mutex<HashMap<Lane, VecDeque<OutgoingWebhook>>>,
}

/// Starts delivering `simulator`'s webhooks until `stopped` turns true (or its sender is gone).
pub(crate) fn spawn(simulator: Simulator, config: &ServerConfig, stopped: watch::Receiver<bool>) -> JoinHandle<()> {
    let wake = Arc::new(Notify::new());
    let waker = Arc::clone(&wake);
    // Runs under the simulator's lock: it only stores a wake-up for the loop below.
    simulator.on_webhook_queued(move || waker.notify_one());
    let client = Client::builder(TokioExecutor::new()).pool_idle_timeout(Duration::from_secs(30)).build_http();
    let sender = Arc::new(Sender {
        simulator,
        client,
        settings: Settings::of(config),
        in_flight: Semaphore::new(MAX_IN_FLIGHT),
        lanes: Mutex::new(HashMap::new()),
    });
    tokio::spawn(run(sender, wake, stopped))
}

/// Takes queued deliveries whenever woken and starts a task per lane that has work.
async fn run(sender: Arc<Sender>, wake: Arc<Notify>, mut stopped: watch::Receiver<bool>) {
    // Owned here: dropping the set when the server stops aborts the deliveries in progress.
    let mut tasks = JoinSet::new();
    loop {
        for webhook in sender.simulator.take_webhook_deliveries() {
            let lane = Lane::of(&webhook);
            let mut lanes = sender.lanes.lock().unwrap_or_else(PoisonError::into_inner);
            match lanes.get_mut(&lane) {
                Some(waiting) => waiting.push_back(webhook),
                None => {
                    lanes.insert(lane.clone(), VecDeque::new());
                    tasks.spawn(drain(Arc::clone(&sender), lane, webhook));
                }
            }
        }
        tokio::select! {
            () = wake.notified() => {}
            // Reap finished lanes so the set does not grow without bound.
            Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
            _ = stopped.changed() => break,
        }
    }
    tasks.abort_all();
}

/// Delivers `first`, then whatever queued up behind it in its lane, one at a time.
async fn drain(sender: Arc<Sender>, lane: Lane, first: OutgoingWebhook) {
    let mut next = Some(first);
    while let Some(webhook) = next {
        deliver(&sender, &webhook).await;
        let mut lanes = sender.lanes.lock().unwrap_or_else(PoisonError::into_inner);
        next = lanes.get_mut(&lane).and_then(VecDeque::pop_front);
        if next.is_none() {
            lanes.remove(&lane);
        }
    }
}

/// Every attempt of one delivery, until a 2xx or the last retry.
async fn deliver(sender: &Sender, webhook: &OutgoingWebhook) {
    let signature = webhook.endpoint.signature_key().sign(&webhook.body);
    let settings = sender.settings;
    for attempt in 0..=settings.retries {
        let outcome = {
            // The semaphore is never closed; if it were, attempts would just not be limited.
            let _permit = sender.in_flight.acquire().await.ok();
            post(sender, webhook, &signature).await
        };
        let retry_in = (!outcome.is_success() && attempt < settings.retries).then(|| settings.delay(attempt));
        sender.simulator.record_webhook_attempt(webhook.delivery, outcome, retry_in.map(|d| SystemTime::now() + d));
        match retry_in {
            Some(delay) => tokio::time::sleep(delay).await,
            None => return,
        }
    }
}

/// One attempt. Error texts are the sandbox's own: never a header, a body or the URL's query.
async fn post(sender: &Sender, webhook: &OutgoingWebhook, signature: &str) -> AttemptOutcome {
    let Ok(uri) = webhook.endpoint.url().parse::<http::Uri>() else {
        return AttemptOutcome::Error("the endpoint URL is not a valid HTTP URL".into());
    };
    let mut request = http::Request::post(uri)
        .header(http::header::CONTENT_TYPE, "application/json")
        .header(SIGNATURE_HEADER, signature)
        .header(http::header::USER_AGENT, concat!("checkout-sandbox/", env!("CARGO_PKG_VERSION")));
    if let Some(authorization) = webhook.endpoint.authorization() {
        let Ok(mut value) = http::HeaderValue::from_bytes(authorization.expose().as_bytes()) else {
            return AttemptOutcome::Error("the authorization value cannot be sent in a header".into());
        };
        value.set_sensitive(true);
        request = request.header(AUTHORIZATION_HEADER, value);
    }
    let Ok(request) = request.body(Full::new(Bytes::copy_from_slice(&webhook.body))) else {
        return AttemptOutcome::Error("the request could not be built".into());
    };
    let timeout = sender.settings.attempt_timeout;
    match tokio::time::timeout(timeout, sender.client.request(request)).await {
        // The answer's body is not read: the status is all that counts.
        Ok(Ok(response)) => AttemptOutcome::Status(response.status().as_u16()),
        Ok(Err(e)) if e.is_connect() => AttemptOutcome::Error("could not connect".into()),
        Ok(Err(_)) => AttemptOutcome::Error("the connection failed before an answer".into()),
        Err(_) => AttemptOutcome::Error(format!("no answer within {} ms", timeout.as_millis())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schedule_doubles_and_scales() {
        let settings =
            Settings { retry_scale: Duration::from_millis(10), attempt_timeout: Duration::from_secs(1), retries: 8 };
        let delays: Vec<u128> = (0..8).map(|n| settings.delay(n).as_millis()).collect();
        assert_eq!(delays, [10, 20, 40, 80, 160, 320, 640, 1280]);
        assert_eq!(settings.delay(99), Duration::from_millis(1280));
        let total: u32 = RETRY_SCHEDULE.iter().sum();
        assert_eq!(total, 255, "about four and a quarter hours at one minute per step");
    }
}
