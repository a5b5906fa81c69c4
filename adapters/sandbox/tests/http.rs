//! The simulator served over HTTP: the main sandbox rules again, through the hyper transport
//! and the core client, plus what only a real server can get wrong (malformed HTTP, concurrency,
//! dropped connections, the binary's first line).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use checkout_sdk_core::operation::Operation;
use checkout_sdk_core::prelude::*;
use checkout_sdk_core::retry::RetryPolicy;
use checkout_sdk_core::transport::HttpTransport;
use checkout_sdk_fake::keys::{LEGACY_SECRET_KEY, PROCESSING_CHANNEL_ID, SANDBOX_SECRET_KEY as KEY};
use checkout_sdk_hyper::{HyperTransport, TokioSleeper};
use checkout_sdk_sandbox::SandboxServer;
use checkout_sdk_simulator::{Fault, Simulator};

mod support;

async fn server() -> SandboxServer {
    checkout_sdk_sandbox::serve(([127, 0, 0, 1], 0).into(), Simulator::seeded(7)).await.expect("bind a loopback port")
}

fn client(server: &SandboxServer, key: &str, retries: RetryPolicy) -> Client {
    let config =
        Config::new(key.parse().expect("a valid key"), Environment::custom(&server.base_url()).expect("loopback url"))
            .with_processing_channel(ProcessingChannelId::new(PROCESSING_CHANNEL_ID).expect("a channel id"));
    Client::builder(config, HyperTransport::builder().timeout(Duration::from_secs(5)).build())
        .sleeper(TokioSleeper::new())
        .retry_policy(retries)
        .build()
}

fn card(amount: u64, reference: &str) -> PaymentRequest {
    let card = CardSource::new("4242424242424242", 6, 2030).and_then(|c| c.cvv("100")).expect("a valid card");
    PaymentRequest::builder(card, amount, Currency::USD).reference(reference).build().expect("a valid request")
}

fn status(p: &Response<Payment>) -> &str {
    p.status.as_ref().map_or("", PaymentStatus::as_str)
}

/// Sends raw bytes and returns the answer's head and body as text.
fn raw_exchange(server: &SandboxServer, bytes: &[u8]) -> String {
    support::Connection::new(server.local_addr().to_string()).send(bytes).text()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lifecycle_works_over_http() {
    let server = server().await;
    let client = client(&server, KEY, RetryPolicy::none());
    let payments = client.payments();

    let payment = payments.request(card(1000, "ORD-1")).await.expect("approved");
    assert_eq!(payment.status(), 201);
    assert_eq!(payment.outcome(), Outcome::Approved);
    assert!(payment.request_id().is_some() && payment.api_version().is_some());
    assert!(payment.can_capture() && payment.can_void() && !payment.can_refund());
    assert!(payment.self_link().expect("self link").href.starts_with(&server.base_url()));

    payments.capture(&payment.id, ActionRequest::new().amount(400).reference("C1")).await.expect("partial capture");
    assert_eq!(status(&payments.get(&payment.id).await.expect("get")), "Partially Captured");
    let over = payments.capture(&payment.id, ActionRequest::new().amount(601)).await.expect_err("over-capture");
    assert!(over.error_codes().iter().any(|c| c == "capture_value_greater_than_authorized"), "{over}");
    payments.capture(&payment.id, ActionRequest::full().reference("C2")).await.expect("capture the rest");
    assert_eq!(status(&payments.get(&payment.id).await.expect("get")), "Captured");
    assert!(matches!(
        payments.void(&payment.id, VoidRequest::new()).await.map_err(Error::into_kind),
        Err(ErrorKind::NotAllowed(_))
    ));

    let refund = payments.refund(&payment.id, ActionRequest::new().amount(300).reference("R1")).await.expect("refund");
    assert!(refund.get_link("payment").is_some());
    let after = payments.get(&payment.id).await.expect("get");
    assert_eq!(status(&after), "Partially Refunded");
    assert!(after.can_refund());

    let actions = payments.actions(&payment.id).await.expect("actions");
    let kinds: Vec<_> = actions.iter().map(|a| a.action_type.as_str()).collect();
    assert_eq!(kinds, ["Refund", "Capture", "Capture", "Authorization"]);
    let references: Vec<_> = actions.iter().map(|a| a.reference.as_deref().unwrap_or("")).collect();
    assert_eq!(references, ["R1", "C2", "C1", "ORD-1"]);
    assert_eq!(actions[0].amount, Some(300));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_ds_redirects_are_served_and_completed_over_http() {
    let server = server().await;
    let client = client(&server, KEY, RetryPolicy::none());
    let request =
        PaymentRequest::builder(CardSource::new("4242424242424242", 6, 2030).expect("card"), 2500, Currency::EUR)
            .reference("3ds")
            .three_ds(true)
            .build()
            .expect("request");
    let pending = client.payments().request(request).await.expect("pending");
    assert!(pending.is_pending() && pending.requires_redirect());
    let redirect = pending.redirect_link().expect("redirect").href.clone();
    let path =
        redirect.strip_prefix(server.base_url().trim_end_matches('/')).expect("served by the simulator").to_string();
    let session = path.rsplit('/').next().expect("session id").to_string();

    let by_session = client.payments().get(session.as_str()).await.expect("get by sid");
    assert_eq!(by_session.id, pending.id);

    let page = raw_exchange(&server, format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes());
    assert!(page.starts_with("HTTP/1.1 200") && page.to_ascii_lowercase().contains("text/html"), "{page}");
    let done = raw_exchange(
        &server,
        format!("POST {path}/complete?outcome=success HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").as_bytes(),
    );
    assert!(done.starts_with("HTTP/1.1 200") || done.starts_with("HTTP/1.1 302"), "{done}");
    let authorized = client.payments().get(&pending.id).await.expect("get");
    assert_eq!(authorized.outcome(), Outcome::Approved);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth_validation_idempotency_and_unknown_ids_over_http() {
    let server = server().await;
    let legacy = client(&server, LEGACY_SECRET_KEY, RetryPolicy::none());
    legacy.payments().request(card(100, "legacy")).await.expect("a legacy key sent raw is accepted");

    // A well-formed key the simulator does not expect in this header form: 401.
    let base = Environment::custom(&server.base_url()).expect("url");
    let mut request = checkout_sdk_core::operation::RequestPayment::new(card(100, "x"))
        .build_request(&Config::new(KEY.parse().expect("key"), base))
        .expect("request");
    request.headers.insert("Authorization", KEY); // a new-style key must be sent as Bearer
    let response = HyperTransport::new().send(request).await.expect("an answer");
    assert_eq!(response.status, 401);
    assert!(response.body.is_empty());

    let client = client(&server, KEY, RetryPolicy::none());
    let bad = CardSource::new("4242424242424241", 6, 2030).expect("card");
    let err = client
        .payments()
        .request(PaymentRequest::builder(bad, 100, Currency::USD).build().expect("request"))
        .await
        .expect_err("luhn");
    assert_eq!((err.http_status(), err.error_type()), (Some(422), Some("request_invalid")));
    assert_eq!(err.error_codes(), ["card_number_invalid"]);
    assert!(err.request_id().is_some());

    let key: IdempotencyKey = "order-42".parse().expect("key");
    let mut first = card(100, "idem");
    first.idempotency_key = Some(key.clone());
    let a = client.payments().request(first.clone()).await.expect("first");
    let b = client.payments().request(first).await.expect("replay");
    assert_eq!(a.id, b.id);
    assert_eq!(server.simulator().payments_with_reference("idem"), 1);
    let mut different = card(200, "idem");
    different.idempotency_key = Some(key);
    assert!(matches!(
        client.payments().request(different).await.map_err(Error::into_kind),
        Err(ErrorKind::Conflict(_))
    ));

    assert!(matches!(
        client.payments().get("pay_aaaaaaaaaaaaaaaaaaaaaaaaaa").await.map_err(Error::into_kind),
        Err(ErrorKind::NotFound(_))
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_connection_is_retried_with_the_same_key_and_charges_once() {
    let server = server().await;
    let client =
        client(&server, KEY, RetryPolicy::default().with_backoff(Duration::from_millis(5), Duration::from_millis(50)));
    server.simulator().inject_next(Fault::DropAfterProcessing);
    let payment = client.payments().request(card(100, "dropped")).await.expect("retried to success");
    assert_eq!(server.simulator().payments_with_reference("dropped"), 1);
    assert_eq!(payment.outcome(), Outcome::Approved);

    server.simulator().inject_next(Fault::Status(503));
    server.simulator().inject_next(Fault::TooManyRequests { retry_after: 0 });
    client.payments().request(card(100, "flaky")).await.expect("third attempt succeeds");
    assert_eq!(server.simulator().payments_with_reference("flaky"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_http_and_json_get_4xx() {
    let server = server().await;
    let garbage = raw_exchange(&server, b"\x00\x01GARBAGE \xff\r\n\r\n");
    assert!(garbage.starts_with("HTTP/1.1 400"), "{garbage:?}");

    let auth = format!("Authorization: Bearer {KEY}\r\n");
    let body = "{\"amount\": 100, \"currency\":";
    let malformed = raw_exchange(
        &server,
        format!("POST /payments HTTP/1.1\r\nHost: x\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len()).as_bytes(),
    );
    assert!(malformed.starts_with("HTTP/1.1 422") && malformed.contains("request_malformed"), "{malformed}");

    let put = raw_exchange(
        &server,
        format!("PUT /payments HTTP/1.1\r\nHost: x\r\n{auth}Content-Length: 0\r\nConnection: close\r\n\r\n").as_bytes(),
    );
    assert!(put.starts_with("HTTP/1.1 405"), "{put}");

    let big = checkout_sdk_sandbox::MAX_REQUEST_BODY + 10;
    let mut huge =
        format!("POST /payments HTTP/1.1\r\nHost: x\r\n{auth}Content-Length: {big}\r\nConnection: close\r\n\r\n")
            .into_bytes();
    huge.extend(std::iter::repeat_n(b' ', big));
    let too_large = raw_exchange(&server, &huge);
    assert!(too_large.starts_with("HTTP/1.1 413"), "{too_large:.80}");

    // The server is still healthy afterwards.
    let client = client(&server, KEY, RetryPolicy::none());
    client.payments().request(card(100, "after-garbage")).await.expect("still serving");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_concurrent_clients_lose_no_payment() {
    let server = server().await;
    let client = client(&server, KEY, RetryPolicy::none());
    let mut tasks = Vec::new();
    for i in 0..256 {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            client.payments().request(card(100, &format!("c-{i}"))).await.map(|p| p.id.clone())
        }));
    }
    let mut ids = std::collections::BTreeSet::new();
    for task in tasks {
        ids.insert(task.await.expect("task").expect("payment"));
    }
    assert_eq!(ids.len(), 256);
    assert_eq!(server.simulator().payment_count(), 256);
}

#[test]
fn the_binary_prints_its_address_first_and_serves() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_checkout-sandbox"))
        .args(["--addr", "127.0.0.1:0", "--seed", "1"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the binary");
    let stdout = child.stdout.take().expect("stdout");
    let mut first = String::new();
    BufReader::new(stdout).read_line(&mut first).expect("first line");
    let addr = first.trim().strip_prefix("listening on http://").map(str::to_string);
    let answer = addr.as_deref().map(|addr| {
        let get = b"GET /payments/pay_aaaaaaaaaaaaaaaaaaaaaaaaaa HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
        support::Connection::new(addr).send(get).text()
    });
    let _ = child.kill();
    let _ = child.wait();
    assert!(addr.is_some(), "first line was {first:?}");
    // No Authorization header: the simulator answers 401 like the API.
    assert!(answer.unwrap_or_default().starts_with("HTTP/1.1 401"));
}

#[test]
fn the_binary_refuses_bad_arguments() {
    let out = Command::new(env!("CARGO_BIN_EXE_checkout-sandbox")).args(["--addr", "nonsense"]).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--addr"));
}
