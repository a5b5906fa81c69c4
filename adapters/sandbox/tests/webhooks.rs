//! Webhooks over loopback: `checkout-sandbox` posts a signed event for every payment state change
//! to test receivers (small hyper servers), checked with the core's `WebhookReceiver`: every event
//! once, in order per payment; redelivery after failures and timeouts; API calls never wait for
//! deliveries; filters, the authorization value and several endpoints; and the command line.

use std::collections::{BTreeMap, BTreeSet};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use checkout_sdk_core::id::ProcessingChannelId;
use checkout_sdk_core::prelude::*;
use checkout_sdk_core::retry::RetryPolicy;
use checkout_sdk_core::webhook::{EventType, SignatureKey, WebhookAuthorization, WebhookEvent, WebhookReceiver};
use checkout_sdk_fake::keys::{PROCESSING_CHANNEL_ID, SANDBOX_SECRET_KEY as KEY};
use checkout_sdk_hyper::{HyperTransport, TokioSleeper};
use checkout_sdk_sandbox::{SandboxServer, ServerConfig};
use checkout_sdk_simulator::{Simulator, WebhookEndpoint};
use serde_json::Value;

mod support;

use support::receiver::{Received, Receiver, Reply};

const WAIT: Duration = Duration::from_secs(15);
use support::binary::BINARY;

async fn sandbox(config: ServerConfig) -> SandboxServer {
    checkout_sdk_sandbox::serve_with(([127, 0, 0, 1], 0).into(), Simulator::seeded(11), config)
        .await
        .expect("bind a loopback port")
}

fn client(server: &SandboxServer) -> Client {
    let config =
        Config::new(KEY.parse().expect("a valid key"), Environment::custom(&server.base_url()).expect("loopback url"))
            .with_processing_channel(ProcessingChannelId::new(PROCESSING_CHANNEL_ID).expect("a channel"));
    Client::builder(config, HyperTransport::builder().timeout(Duration::from_secs(5)).build())
        .sleeper(TokioSleeper::new())
        .retry_policy(RetryPolicy::none())
        .build()
}

fn key(text: &str) -> SignatureKey {
    SignatureKey::new(text).expect("a usable key")
}

fn endpoint(receiver: &Receiver, path: &str, key_text: &str) -> WebhookEndpoint {
    WebhookEndpoint::new(receiver.url(path), key(key_text)).expect("a valid endpoint")
}

fn card_payment(number: &str, amount: u64, currency: Currency, reference: &str) -> PaymentRequest {
    let card = CardSource::new(number, 6, 2030).and_then(|c| c.cvv("100")).expect("a valid card");
    PaymentRequest::builder(card, amount, currency).reference(reference).build().expect("a valid request")
}

const VISA: &str = "4242424242424242";

/// Verifies every delivery with `receiver` (signature, and authorization when configured).
fn verified(deliveries: &[Received], receiver: &WebhookReceiver) -> Vec<WebhookEvent> {
    deliveries
        .iter()
        .map(|d| {
            assert_eq!(d.header("content-type"), Some("application/json"));
            receiver.receive_pairs(&d.headers, &d.body).unwrap_or_else(|e| panic!("a valid delivery: {e}"))
        })
        .collect()
}

/// Event types per payment, in the order they arrived.
fn types_by_payment(events: &[WebhookEvent]) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for event in events {
        let payment = event.payment_id().map(|p| p.as_str().to_string()).expect("a payment id");
        out.entry(payment).or_default().push(event.type_name().to_string());
    }
    out
}

/// `GET /sandbox/webhooks` (no key needed), on a blocking thread.
async fn listing(server: &SandboxServer) -> Value {
    let addr = server.local_addr().to_string();
    tokio::task::spawn_blocking(move || support::send_json(&addr, "GET", "/sandbox/webhooks", &[], None))
        .await
        .expect("the listing")
        .json()
}

async fn dashboard(server: &SandboxServer) -> String {
    let addr = server.local_addr().to_string();
    tokio::task::spawn_blocking(move || support::send_json(&addr, "GET", "/sandbox", &[], None))
        .await
        .expect("the dashboard")
        .text()
}

/// Completes a 3-D Secure challenge as the cardholder's browser would: a POST to the page's form.
async fn complete_challenge(server: &SandboxServer, payment: &Response<Payment>) {
    let href = payment.redirect_link().expect("a redirect link").href.clone();
    let path = href.strip_prefix(server.base_url().trim_end_matches('/')).expect("a link to the sandbox").to_string();
    let addr = server.local_addr().to_string();
    let target = format!("{path}/complete?outcome=success");
    let answer = tokio::task::spawn_blocking(move || support::send_json(&addr, "POST", &target, &[], None))
        .await
        .expect("the challenge");
    assert_eq!(answer.status, 200, "{}", answer.text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_lifecycle_delivers_every_event_once_in_order_per_payment() {
    let receiver = Receiver::start().await;
    let server =
        sandbox(ServerConfig::default().with_webhook_endpoint(endpoint(&receiver, "/hooks", "whsk_one"))).await;
    let payments = client(&server).payments();

    // A 3-D Secure payment: pending, the challenge, then captured and refunded.
    let request = PaymentRequest::builder(
        CardSource::new(VISA, 6, 2030).and_then(|c| c.cvv("100")).expect("a card"),
        2500,
        Currency::GBP,
    )
    .reference("ORD-3DS")
    .three_ds(true)
    .build()
    .expect("a request");
    let secure = payments.request(request).await.expect("pending");
    assert!(secure.is_pending());
    complete_challenge(&server, &secure).await;
    payments.capture(&secure.id, ActionRequest::full().reference("CAP")).await.expect("capture");
    payments.refund(&secure.id, ActionRequest::full().reference("REF")).await.expect("refund");
    // Another payment, voided; and a declined one.
    let voided = payments.request(card_payment(VISA, 1000, Currency::EUR, "ORD-VOID")).await.expect("approved");
    payments.void(&voided.id, VoidRequest::new()).await.expect("void");
    let declined =
        payments.request(card_payment("4544249167673670", 1000, Currency::USD, "ORD-DECL")).await.expect("declined");
    assert!(!declined.outcome().is_approved());

    let arrived = receiver.wait_for(7, WAIT).await;
    // Nothing more comes: every event exactly once.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let arrived_later = receiver.received();
    assert_eq!(arrived_later.len(), 7, "{:?}", arrived_later.iter().map(|r| r.path.clone()).collect::<Vec<_>>());
    assert!(arrived.iter().all(|r| r.path == "/hooks"));

    let events = verified(&arrived_later, &WebhookReceiver::new(key("whsk_one")));
    let ids: BTreeSet<&str> = events.iter().map(|e| e.id().as_str()).collect();
    assert_eq!(ids.len(), 7, "every event id once");
    let by_payment = types_by_payment(&events);
    let expect = |id: &PaymentId, types: &[&str]| {
        assert_eq!(
            by_payment.get(id.as_str()).map(Vec::as_slice),
            Some(&types.iter().map(|t| t.to_string()).collect::<Vec<_>>()[..]),
            "{id}"
        );
    };
    expect(&secure.id, &["payment_pending", "payment_approved", "payment_captured", "payment_refunded"]);
    expect(&voided.id, &["payment_approved", "payment_voided"]);
    expect(&declined.id, &["payment_declined"]);

    // The envelope and `data` look like Checkout.com's.
    let captured = events.iter().find(|e| e.event_type() == &EventType::PaymentCaptured).expect("captured");
    assert_eq!((captured.amount(), captured.currency()), (Some(2500), Some(Currency::GBP)));
    assert_eq!(captured.reference(), Some("ORD-3DS"));
    assert_eq!(captured.response_code().map(|c| c.as_str()), Some("10000"));
    assert!(captured.action_id().is_some() && captured.created_on().is_some());
    let payment_href = format!("{}payments/{}", server.base_url(), secure.id);
    assert_eq!(captured["_links"]["payment"]["href"], payment_href.as_str());
    assert_eq!(captured["_links"]["self"]["href"], payment_href.as_str());
    let approved = events.iter().find(|e| e.payment_id() == Some(&secure.id) && e.type_name() == "payment_approved");
    let approved = approved.expect("the 3DS payment's approval");
    assert_eq!(approved["data"]["3ds"]["authentication_response"], "Y");
    assert_eq!(approved["data"]["source"]["last4"], "4242");
    assert!(!String::from_utf8_lossy(approved.body()).contains(VISA), "no card number in an event");
    let declined_event = events.iter().find(|e| e.payment_id() == Some(&declined.id)).expect("declined");
    assert_eq!(declined_event.response_code().map(|c| c.as_str()), Some("20051"));

    // The listing agrees: seven deliveries, each delivered on its first attempt.
    let listing = listing(&server).await;
    let deliveries = listing["deliveries"].as_array().expect("deliveries");
    assert_eq!(deliveries.len(), 7);
    for delivery in deliveries {
        assert_eq!(
            (delivery["state"].as_str(), delivery["attempts"].as_u64()),
            (Some("delivered"), Some(1)),
            "{delivery}"
        );
        assert_eq!(delivery["last_status"], 200);
        assert!(delivery["next_attempt_at"].is_null());
    }
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiver_that_fails_twice_gets_the_event_on_a_later_attempt_and_in_order() {
    let receiver = Receiver::start().await;
    receiver.script([Reply::Status(500), Reply::Hang]);
    let config = ServerConfig::default()
        .with_webhook_endpoint(endpoint(&receiver, "/hooks", "whsk_two"))
        .with_webhook_retry_scale(Duration::from_millis(50))
        .with_webhook_attempt_timeout(Duration::from_millis(400));
    let server = sandbox(config).await;
    let payments = client(&server).payments();
    let payment = payments.request(card_payment(VISA, 1000, Currency::USD, "ORD-RETRY")).await.expect("approved");
    // Queued while the approval is still being retried: it must wait for it.
    payments.capture(&payment.id, ActionRequest::full()).await.expect("capture");

    let arrived = receiver.wait_for(4, WAIT).await;
    let replies: Vec<Reply> = arrived.iter().map(|r| r.reply).collect();
    assert_eq!(replies, [Reply::Status(500), Reply::Hang, Reply::Status(200), Reply::Status(200)]);
    let events = verified(&arrived, &WebhookReceiver::new(key("whsk_two")));
    let types: Vec<&str> = events.iter().map(WebhookEvent::type_name).collect();
    assert_eq!(types, ["payment_approved", "payment_approved", "payment_approved", "payment_captured"]);
    // A redelivery is the same event: same id, same bytes, same signature.
    assert!(events[..3].iter().all(|e| e.id() == events[0].id() && e.body() == events[0].body()));
    assert!(arrived[..3].iter().all(|r| r.header("cko-signature") == arrived[0].header("cko-signature")));
    // First retry after one step of the schedule; the second after the timeout and two steps.
    assert!(arrived[1].at - arrived[0].at >= Duration::from_millis(50));
    assert!(arrived[2].at - arrived[1].at >= Duration::from_millis(400 + 100));

    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(receiver.received().len(), 4, "nothing is delivered twice once accepted");
    let listing = listing(&server).await;
    let states: Vec<(String, u64, Value)> = listing["deliveries"]
        .as_array()
        .expect("deliveries")
        .iter()
        .map(|d| {
            (
                d["event_type"].as_str().unwrap_or("").to_string(),
                d["attempts"].as_u64().unwrap_or(0),
                d["state"].clone(),
            )
        })
        .collect();
    assert_eq!(
        states,
        [
            ("payment_captured".to_string(), 1, Value::from("delivered")),
            ("payment_approved".to_string(), 3, Value::from("delivered"))
        ]
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delivery_is_given_up_after_its_retries_and_the_next_event_goes_on() {
    let receiver = Receiver::start().await;
    receiver.script([Reply::Status(503), Reply::Status(503), Reply::Status(503)]);
    let config = ServerConfig::default()
        .with_webhook_endpoint(endpoint(&receiver, "/hooks", "whsk_three"))
        .with_webhook_retry_scale(Duration::from_millis(10))
        .with_webhook_retries(2);
    let server = sandbox(config).await;
    let payments = client(&server).payments();
    let payment = payments.request(card_payment(VISA, 1000, Currency::USD, "ORD-GIVE-UP")).await.expect("approved");
    payments.void(&payment.id, VoidRequest::new()).await.expect("void");

    let arrived = receiver.wait_for(4, WAIT).await;
    let events = verified(&arrived, &WebhookReceiver::new(key("whsk_three")));
    let types: Vec<&str> = events.iter().map(WebhookEvent::type_name).collect();
    assert_eq!(types, ["payment_approved", "payment_approved", "payment_approved", "payment_voided"]);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(receiver.received().len(), 4, "one attempt and two retries, then no more");
    let listing = listing(&server).await;
    let approved = &listing["deliveries"][1];
    assert_eq!((approved["state"].as_str(), approved["attempts"].as_u64()), (Some("failed"), Some(3)), "{approved}");
    assert_eq!(approved["last_status"], 503);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiver_that_never_answers_does_not_slow_api_responses() {
    let receiver = Receiver::start().await;
    receiver.always(Reply::Hang);
    let config = ServerConfig::default()
        .with_webhook_endpoint(endpoint(&receiver, "/hooks", "whsk_four"))
        .with_webhook_attempt_timeout(Duration::from_secs(2));
    let server = sandbox(config).await;
    let payments = client(&server).payments();

    // API calls over more than a whole attempt timeout while every delivery hangs.
    let started = Instant::now();
    let mut slowest = Duration::ZERO;
    let mut calls = 0;
    while started.elapsed() < Duration::from_millis(2500) {
        let t = Instant::now();
        let payment = payments.request(card_payment(VISA, 1000, Currency::USD, "ORD-FAST")).await.expect("approved");
        payments.capture(&payment.id, ActionRequest::full()).await.expect("capture");
        slowest = slowest.max(t.elapsed());
        calls += 2;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(calls >= 20, "{calls} calls");
    assert!(slowest < Duration::from_secs(1), "a payment and a capture took {slowest:?} while deliveries hung");
    // Meanwhile the deliveries were made, and timed out.
    let first_payment = receiver.wait_for(1, WAIT).await;
    assert!(!first_payment.is_empty());
    let listing = listing(&server).await;
    let timed_out = listing["deliveries"]
        .as_array()
        .expect("deliveries")
        .iter()
        .filter(|d| d["last_error"].as_str() == Some("no answer within 2000 ms") && d["state"] == "retrying")
        .count();
    assert!(timed_out >= 1, "{listing}");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filters_and_the_authorization_value_apply_and_no_secret_is_shown() {
    let receiver = Receiver::start().await;
    let authorization = "auth-value-8f2c1d";
    let filtered = endpoint(&receiver, "/captures?token=query-secret-77", "whsk_filter_secret_5")
        .with_events([EventType::PaymentCaptured])
        .with_authorization(WebhookAuthorization::new(authorization).expect("a value"));
    let config = ServerConfig::default().with_webhook_endpoint(filtered);
    assert!(!format!("{config:?}").contains("whsk_filter_secret_5"));
    let server = sandbox(config).await;
    let payments = client(&server).payments();
    let payment = payments.request(card_payment(VISA, 1000, Currency::USD, "ORD-FILTER")).await.expect("approved");
    payments.capture(&payment.id, ActionRequest::full()).await.expect("capture");
    payments.refund(&payment.id, ActionRequest::full()).await.expect("refund");

    let arrived = receiver.wait_for(1, WAIT).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let arrived_later = receiver.received();
    assert_eq!(arrived_later.len(), 1, "only the captured event passes the filter");
    assert_eq!(arrived[0].header("authorization"), Some(authorization));
    let expecting = WebhookReceiver::new(key("whsk_filter_secret_5"))
        .with_authorization(WebhookAuthorization::new(authorization).expect("a value"));
    let events = verified(&arrived_later, &expecting);
    assert_eq!(events[0].event_type(), &EventType::PaymentCaptured);
    // A receiver expecting another value refuses it.
    let other = WebhookReceiver::new(key("whsk_filter_secret_5"))
        .with_authorization(WebhookAuthorization::new("x").expect("x"));
    assert!(other.receive_pairs(&arrived[0].headers, &arrived[0].body).is_err());

    let listing = listing(&server).await;
    let page = dashboard(&server).await;
    for shown in [listing.to_string(), page.clone()] {
        for secret in ["whsk_filter_secret_5", authorization, "query-secret-77"] {
            assert!(!shown.contains(secret), "{secret} shown");
        }
    }
    assert_eq!(listing["endpoints"][0]["events"][0], "payment_captured");
    assert_eq!(listing["endpoints"][0]["authorization"], true);
    assert_eq!(listing["deliveries"].as_array().map(Vec::len), Some(1));
    assert!(page.contains("payment_captured") && page.contains(&format!("<code>{}</code>", payment.id)), "{page}");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_endpoints_each_get_their_events_signed_with_their_key() {
    let first = Receiver::start().await;
    let second = Receiver::start().await;
    let config = ServerConfig::default()
        .with_webhook_endpoint(endpoint(&first, "/a", "whsk_first"))
        .with_webhook_endpoint(endpoint(&second, "/b", "whsk_second"));
    let server = sandbox(config).await;
    let payments = client(&server).payments();
    let payment = payments.request(card_payment(VISA, 1000, Currency::USD, "ORD-MANY")).await.expect("approved");
    payments.capture(&payment.id, ActionRequest::full()).await.expect("capture");

    let a = first.wait_for(2, WAIT).await;
    let b = second.wait_for(2, WAIT).await;
    let a_events = verified(&a, &WebhookReceiver::new(key("whsk_first")));
    let b_events = verified(&b, &WebhookReceiver::new(key("whsk_second")));
    // Each signature is the endpoint's own.
    assert!(WebhookReceiver::new(key("whsk_second")).receive_pairs(&a[0].headers, &a[0].body).is_err());
    // The same events, with the same ids, to both.
    let ids = |events: &[WebhookEvent]| events.iter().map(|e| e.id().as_str().to_string()).collect::<Vec<_>>();
    assert_eq!(ids(&a_events), ids(&b_events));
    assert_eq!(types_by_payment(&a_events)[payment.id.as_str()], ["payment_approved", "payment_captured"]);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_delivers_to_its_webhook_options() {
    let receiver = Receiver::start().await;
    let url = receiver.url("/cli");
    let args = ["--addr", "127.0.0.1:0", "--quiet", "--webhook-url", &url, "--webhook-event", "payment_approved"];
    let env = [
        ("CHECKOUT_SANDBOX_WEBHOOK_SECRET", "whsk_from_env"),
        ("CHECKOUT_SANDBOX_WEBHOOK_AUTHORIZATION", "cli-auth-value"),
    ];
    let child = support::binary::spawn(&args, &env, Stdio::null());
    let addr = child.addr.clone();
    let body = serde_json::json!({
        "source": {"type": "card", "number": VISA, "expiry_month": 6, "expiry_year": 2030},
        "amount": 1000, "currency": "USD", "processing_channel_id": PROCESSING_CHANNEL_ID,
    });
    let answer = tokio::task::spawn_blocking(move || {
        support::send_json(&addr, "POST", "/payments", &[("Authorization", &format!("Bearer {KEY}"))], Some(&body))
    })
    .await
    .expect("a payment");
    assert_eq!(answer.status, 201);
    let arrived = receiver.wait_for(1, WAIT).await;
    drop(child);
    let expecting = WebhookReceiver::new(key("whsk_from_env"))
        .with_authorization(WebhookAuthorization::new("cli-auth-value").expect("a value"));
    let events = verified(&arrived, &expecting);
    assert_eq!(events[0].type_name(), "payment_approved");
}

/// Arguments, environment variables, and what the error must say.
type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a str);

#[test]
fn webhook_options_that_do_not_fit_exit_2_without_repeating_a_secret() {
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let mut command = Command::new(BINARY);
        command.args(args);
        for (name, value) in env {
            command.env(name, value);
        }
        command.output().expect("run the binary")
    };
    let cases: [Case<'_>; 6] = [
        (&["--webhook-url", "http://127.0.0.1:9/x"], &[], "needs a --webhook-secret"),
        (&["--webhook-secret", " padded-secret-1 "], &[], "need a --webhook-url"),
        (
            &["--webhook-url", "http://127.0.0.1:9/x", "--webhook-secret", " padded-secret-1 "],
            &[],
            "surrounding whitespace",
        ),
        (
            &["--webhook-url", "https://example.com/x"],
            &[("CHECKOUT_SANDBOX_WEBHOOK_SECRET", "env-secret-2")],
            "plain HTTP",
        ),
        (
            &["--webhook-url", "http://127.0.0.1:9/x", "--webhook-event", "payment_teleported"],
            &[("CHECKOUT_SANDBOX_WEBHOOK_SECRET", "env-secret-2")],
            "payment_teleported",
        ),
        (
            &["--webhook-url", "http://a/x,http://b/y,http://c/z", "--webhook-secret", "s1", "--webhook-secret", "s2"],
            &[],
            "2 for 3 URLs",
        ),
    ];
    for (args, env, expected) in cases {
        let output = run(args, env);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        for secret in ["padded-secret-1", "env-secret-2"] {
            assert!(!stderr.contains(secret), "{args:?} repeats a secret: {stderr}");
        }
    }
    let help = run(&["--help"], &[("CHECKOUT_SANDBOX_WEBHOOK_SECRET", "env-secret-3")]);
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("--webhook-url") && help.contains("CHECKOUT_SANDBOX_WEBHOOK_SECRET"), "{help}");
    assert!(!help.contains("env-secret-3"), "--help shows a secret");
}
