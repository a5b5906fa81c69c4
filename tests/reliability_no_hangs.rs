//! Reliability: no call hangs, whatever the server does.
//!
//! Raw TCP servers on loopback misbehave on purpose: one accepts connections and never answers,
//! one answers with a status line and headers and then stalls halfway through the body. Every
//! call the SDK makes (request a payment, get it, capture it) must end with a typed error —
//! `Error::Timeout`, or `Error::Transport` — within the transport's timeout when retries are off,
//! and within the retry policy's total budget when they are on. A refused connection must end at
//! once, as "not sent" (nothing reached a server, so nothing can have been charged).
//!
//! Each scenario runs its three calls concurrently, and the assertions allow generous slack
//! (timeouts of 200 ms or a 600 ms budget, asserted under 1.5 s) so a loaded CI machine does not
//! make them flaky.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use checkout_sdk_hyper::HyperTransport;
use checkout_sdk::core::retry::RetryPolicy;
use checkout_sdk::core::transport::TransportErrorKind;
use checkout_sdk::prelude::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const KEY: &str = "sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e";
const PAYMENT_ID: &str = "pay_mbabizu24mvu3mela5njyhpit4";
/// The per-attempt timeout of the transport in the "retries off" scenarios.
const TIMEOUT: Duration = Duration::from_millis(200);
/// The retry policy's total budget in the "retries on" scenarios.
const BUDGET: Duration = Duration::from_millis(600);
/// The most any call may take, with slack for a busy machine.
const LIMIT: Duration = Duration::from_millis(1_500);

/// How the misbehaving server treats each connection.
#[derive(Debug, Clone, Copy)]
enum Misbehaviour {
    /// Reads the request, never writes a byte.
    NeverAnswers,
    /// Reads the request, sends a status line, headers and part of the declared body, then stalls.
    StallsMidBody,
}

/// A misbehaving server; the accept loop ends when the test's runtime does.
struct BadServer {
    addr: SocketAddr,
    connections: Arc<AtomicUsize>,
}

impl BadServer {
    async fn start(how: Misbehaviour) -> BadServer {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let connections = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&connections);
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                counter.fetch_add(1, Ordering::Relaxed);
                tokio::spawn(serve(stream, how));
            }
        });
        BadServer { addr, connections }
    }

    fn base_url(&self) -> String {
        format!("http://{}/", self.addr)
    }
}

/// Reads one request head (and its `Content-Length` body, if any), within a bounded time.
async fn read_request(stream: &mut TcpStream) -> bool {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let read = async {
        loop {
            if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
                let length = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .unwrap_or(0);
                if buf.len() >= end + 4 + length {
                    return true;
                }
            }
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return false,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(10), read).await.unwrap_or(false)
}

async fn serve(mut stream: TcpStream, how: Misbehaviour) {
    if !read_request(&mut stream).await {
        return;
    }
    if let Misbehaviour::StallsMidBody = how {
        let head = "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nCko-Request-Id: req_stall\r\n\
                    Content-Length: 4096\r\n\r\n{\"id\": \"pay_mbabizu24mvu3mela5njyhpit4\", \"status\": \"Auth";
        if stream.write_all(head.as_bytes()).await.is_err() || stream.flush().await.is_err() {
            return;
        }
    }
    // Hold the connection open without answering (more), until the client gives up and closes it
    // or a bound long past any test's limit passes.
    let mut sink = [0u8; 1024];
    let _ = tokio::time::timeout(Duration::from_secs(30), async {
        while let Ok(n) = stream.read(&mut sink).await {
            if n == 0 {
                break;
            }
        }
    })
    .await;
}

fn config(base_url: &str) -> Config {
    Config::new(SecretKey::new(KEY).expect("valid key"), Environment::custom(base_url).expect("loopback URL"))
}

/// Retries off: each call has only the transport's timeout.
fn no_retries(base_url: &str) -> Client {
    let transport = HyperTransport::builder().timeout(TIMEOUT).build();
    Client::from_config_with(config(base_url), transport, RetryPolicy::none())
}

/// Retries on (3) with a 200 ms transport timeout, inside a 600 ms total budget.
fn retries_short_attempts(base_url: &str) -> Client {
    let transport = HyperTransport::builder().timeout(TIMEOUT).build();
    let policy = RetryPolicy::default()
        .with_max_retries(3)
        .with_backoff(Duration::from_millis(10), Duration::from_millis(50))
        .with_total_budget(Some(BUDGET));
    Client::from_config_with(config(base_url), transport, policy)
}

/// Retries on (3) with the transport's default 60 s timeout: only the budget can end the call.
fn retries_long_attempts(base_url: &str) -> Client {
    let transport = HyperTransport::builder().build();
    let policy = RetryPolicy::default()
        .with_max_retries(3)
        .with_backoff(Duration::from_millis(10), Duration::from_millis(50))
        .with_total_budget(Some(BUDGET));
    Client::from_config_with(config(base_url), transport, policy)
}

fn payment_request() -> PaymentRequest {
    let card = CardSource::new("4242424242424242", 6, 2030).and_then(|c| c.cvv("100")).expect("valid card");
    PaymentRequest::builder(card, 1000, Currency::USD).reference("ORD-HANG").build().expect("valid request")
}

/// One call's result, how long it took and which call it was.
type Ended = (&'static str, Result<(), Error>, Duration);

/// Runs request, get and capture concurrently; returns how each ended.
async fn three_calls(client: &Client) -> Vec<Ended> {
    let mut set = tokio::task::JoinSet::new();
    for call in ["request", "get", "capture"] {
        let client = client.clone();
        set.spawn(async move {
            let started = Instant::now();
            let payments = client.payments();
            let result = match call {
                "request" => payments.request(payment_request()).await.map(drop),
                "get" => payments.get(PAYMENT_ID).await.map(drop),
                _ => payments.capture(PAYMENT_ID, ActionRequest::full()).await.map(drop),
            };
            (call, result, started.elapsed())
        });
    }
    let mut ended = Vec::new();
    // Bounded even if the SDK were to hang: the test fails instead of stalling CI.
    let all = async {
        while let Some(joined) = set.join_next().await {
            ended.push(joined.expect("a call panicked"));
        }
    };
    tokio::time::timeout(Duration::from_secs(10), all).await.expect("a call hung for 10 s");
    ended
}

/// Asserts every call failed with a timeout (or transport error), fast enough, after `min_attempts`.
fn assert_all_timed_out(scenario: &str, ended: &[Ended], min_attempts: u32) {
    assert_eq!(ended.len(), 3, "{scenario}");
    for (call, result, elapsed) in ended {
        let error = match result {
            Ok(()) => panic!("{scenario}: {call} succeeded against a broken server"),
            Err(e) => e,
        };
        assert!(
            matches!(error, Error::Timeout { .. } | Error::Transport { .. }),
            "{scenario}: {call} ended with {error:?}"
        );
        assert!(*elapsed < LIMIT, "{scenario}: {call} took {elapsed:?} (limit {LIMIT:?}): {error}");
        assert!(error.attempts() >= min_attempts, "{scenario}: {call}: {} attempts: {error}", error.attempts());
        // A request that got no answer may have been processed: callers must be told so.
        assert!(error.may_have_been_processed(), "{scenario}: {call}: {error:?}");
        assert!(error.is_retryable(), "{scenario}: {call}: {error:?}");
        assert!(!error.to_string().is_empty());
        eprintln!("{scenario}: {call}: {elapsed:?}, {} attempts: {error}", error.attempts());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_never_answers_times_out_each_call() {
    let server = BadServer::start(Misbehaviour::NeverAnswers).await;
    let ended = three_calls(&no_retries(&server.base_url())).await;
    assert_all_timed_out("never answers, no retries", &ended, 1);
    for (call, result, elapsed) in &ended {
        let error = result.as_ref().expect_err("failed");
        assert!(matches!(error, Error::Timeout { attempts: 1, .. }), "{call}: {error:?}");
        assert!(*elapsed >= TIMEOUT - Duration::from_millis(20), "{call}: gave up early, after {elapsed:?}");
    }
    assert!(server.connections.load(Ordering::Relaxed) >= 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_never_answers_with_retries_stays_within_the_budget() {
    let server = BadServer::start(Misbehaviour::NeverAnswers).await;
    let ended = three_calls(&retries_short_attempts(&server.base_url())).await;
    // 200 ms attempts in a 600 ms budget: at least two attempts each, then the budget ends it.
    assert_all_timed_out("never answers, 3 retries, 200 ms attempts", &ended, 2);
    let ended = three_calls(&retries_long_attempts(&server.base_url())).await;
    // 60 s attempts in a 600 ms budget: the first attempt's timeout is cut to the budget.
    assert_all_timed_out("never answers, 3 retries, 60 s attempts", &ended, 1);
    for (call, _, elapsed) in &ended {
        assert!(*elapsed >= BUDGET - Duration::from_millis(20), "{call}: gave up early, after {elapsed:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_stalls_mid_body_times_out_each_call() {
    let server = BadServer::start(Misbehaviour::StallsMidBody).await;
    let ended = three_calls(&no_retries(&server.base_url())).await;
    assert_all_timed_out("stalls mid-body, no retries", &ended, 1);
    let ended = three_calls(&retries_short_attempts(&server.base_url())).await;
    assert_all_timed_out("stalls mid-body, 3 retries, 200 ms attempts", &ended, 2);
    let ended = three_calls(&retries_long_attempts(&server.base_url())).await;
    assert_all_timed_out("stalls mid-body, 3 retries, 60 s attempts", &ended, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_connection_ends_at_once_as_not_sent() {
    // Bind, note the port, close: nothing listens there any more.
    let port = {
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("bind loopback");
        listener.local_addr().expect("local addr").port()
    };
    let base_url = format!("http://127.0.0.1:{port}/");
    for (scenario, client, attempts) in
        [("no retries", no_retries(&base_url), 1), ("3 retries", retries_long_attempts(&base_url), 4)]
    {
        let ended = three_calls(&client).await;
        assert_eq!(ended.len(), 3);
        for (call, result, elapsed) in &ended {
            let error = result.as_ref().expect_err("nothing listens");
            let Error::Transport { source, .. } = error else { panic!("{scenario}: {call}: {error:?}") };
            assert_eq!(source.kind(), TransportErrorKind::NotSent, "{scenario}: {call}: {error}");
            assert!(!error.may_have_been_processed(), "{scenario}: {call}: {error}");
            assert_eq!(error.attempts(), attempts, "{scenario}: {call}: {error}");
            // Backoff of 10 + 20 + 40 ms (jittered down) at most, plus four refused connects.
            assert!(*elapsed < Duration::from_secs(1), "{scenario}: {call} took {elapsed:?}");
        }
    }
}
