//! The server against misbehaving clients, over loopback with raw HTTP: stalled and idle
//! connections, a full server, shutdown, bad idempotency keys, oversized fields and hostile `Host`
//! headers. Timeouts are configured short so the tests run fast.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use checkout_sdk_fake::keys::{PROCESSING_CHANNEL_ID, SANDBOX_SECRET_KEY};
use checkout_sdk_sandbox::{SandboxServer, ServerConfig};
use checkout_sdk_simulator::{Fault, Simulator};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The short timeouts these tests run with.
const TIMEOUT: Duration = Duration::from_millis(800);

fn config() -> ServerConfig {
    ServerConfig::default()
        .with_header_read_timeout(TIMEOUT)
        .with_body_read_timeout(TIMEOUT)
        .with_idle_timeout(TIMEOUT)
        .with_shutdown_grace(Duration::from_secs(3))
}

async fn server(config: ServerConfig) -> SandboxServer {
    checkout_sdk_sandbox::serve_with(([127, 0, 0, 1], 0).into(), Simulator::seeded(11), config)
        .await
        .expect("bind a loopback port")
}

/// Reads everything until the server closes the connection (or `limit` passes: then `None`).
async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> Option<String> {
    let mut out = Vec::new();
    let mut chunk = [0u8; 4096];
    let read_all = async {
        loop {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => out.extend_from_slice(&chunk[..n]),
            }
        }
    };
    tokio::time::timeout(limit, read_all).await.ok()?;
    Some(String::from_utf8_lossy(&out).into_owned())
}

/// Sends `bytes` on a new connection and returns everything the server answers before closing.
async fn exchange(addr: SocketAddr, bytes: &[u8]) -> String {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    // The server may answer and close before all of a large request is written.
    let _ = stream.write_all(bytes).await;
    read_until_closed(&mut stream, Duration::from_secs(5)).await.expect("an answer within 5 s")
}

/// A `POST /payments` with `body` and extra raw header lines, closing the connection after it.
fn post_payment(host: &str, extra_headers: &[&[u8]], body: &Value) -> Vec<u8> {
    let body = body.to_string();
    let mut request = format!(
        "POST /payments HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {SANDBOX_SECRET_KEY}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    )
    .into_bytes();
    for header in extra_headers {
        request.extend_from_slice(header);
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"\r\n");
    request.extend_from_slice(body.as_bytes());
    request
}

fn card_payment() -> Value {
    json!({
        "source": {"type": "card", "number": "4242424242424242", "expiry_month": 6, "expiry_year": 2030},
        "amount": 1000, "currency": "USD", "reference": "ORD-1", "processing_channel_id": PROCESSING_CHANNEL_ID,
    })
}

/// The JSON body of a raw response.
fn json_body(response: &str) -> Value {
    let body = response.split_once("\r\n\r\n").map_or("", |(_, body)| body);
    serde_json::from_str(body).unwrap_or(Value::Null)
}

/// The soft limit on open files, from `/proc/self/limits` (Linux); `None` elsewhere.
fn open_files_limit() -> Option<usize> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|line| line.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

const NORMAL_GET: &[u8] =
    b"GET /payments/pay_aaaaaaaaaaaaaaaaaaaaaaaaaa HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_hundred_idle_and_half_open_connections_do_not_stop_a_normal_request() {
    // 300 client sockets and 300 server sockets live in this one process, plus the runtime's own.
    let needed = 2 * 300 + 64;
    if let Some(limit) = open_files_limit() {
        assert!(limit >= needed, "this test needs {needed} open files; `ulimit -n` is {limit}");
    }
    let server = server(config().with_max_connections(400)).await;
    let addr = server.local_addr();
    let auth = format!("Authorization: Bearer {SANDBOX_SECRET_KEY}\r\n");
    let kinds: [(&str, Vec<u8>); 4] = [
        ("idle", Vec::new()),
        ("half-sent head", b"POST /payments HTTP/1.1\r\nHost: x\r\nContent-".to_vec()),
        (
            "half-sent body",
            format!("POST /payments HTTP/1.1\r\nHost: x\r\n{auth}Content-Length: 100\r\n\r\n{{\"amount\":")
                .into_bytes(),
        ),
        (
            "Content-Length 10^12 with 2 bytes",
            format!("POST /payments HTTP/1.1\r\nHost: x\r\n{auth}Content-Length: 1000000000000\r\n\r\n{{}}")
                .into_bytes(),
        ),
    ];
    let opened = Instant::now();
    let mut stalled = Vec::new();
    for i in 0..300 {
        let (kind, bytes) = &kinds[i % kinds.len()];
        let mut stream = TcpStream::connect(addr).await.expect("connect");
        stream.write_all(bytes).await.expect("write the partial request");
        stalled.push((*kind, stream));
    }

    let started = Instant::now();
    let answer = exchange(addr, NORMAL_GET).await;
    let took = started.elapsed();
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    assert!(took < Duration::from_secs(1), "a normal request took {took:?} beside 300 stalled connections");

    // Every stalled connection is closed by the server, by a timeout (or at once, with 413, for
    // the body declared too large), and none before its timeout.
    let mut readers = Vec::new();
    for (kind, mut stream) in stalled {
        readers.push(tokio::spawn(async move {
            let answer = read_until_closed(&mut stream, Duration::from_secs(10)).await;
            (kind, answer, opened.elapsed())
        }));
    }
    for reader in readers {
        let (kind, answer, closed_after) = reader.await.expect("reader");
        let answer = answer.unwrap_or_else(|| panic!("a {kind} connection stayed open for 10 s"));
        match kind {
            "idle" | "half-sent head" => {
                assert!(answer.is_empty(), "{kind}: {answer}");
                assert!(closed_after >= TIMEOUT, "{kind} closed after {closed_after:?}");
            }
            "half-sent body" => {
                assert!(answer.starts_with("HTTP/1.1 408"), "{kind}: {answer}");
                assert!(closed_after >= TIMEOUT, "{kind} closed after {closed_after:?}");
            }
            _ => assert!(answer.starts_with("HTTP/1.1 413"), "{kind}: {answer}"),
        }
    }
    let deadline = Instant::now() + Duration::from_secs(2);
    while server.open_connections() > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(server.open_connections(), 0);
    assert_eq!(server.simulator().payment_count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_server_makes_room_from_waiting_connections_and_refuses_when_all_are_busy() {
    let server = server(config().with_idle_timeout(Duration::from_secs(30)).with_max_connections(4)).await;
    let addr = server.local_addr();

    // Four idle connections fill the server; a normal request still gets in, closing the oldest.
    let mut idle = Vec::new();
    for _ in 0..4 {
        idle.push(TcpStream::connect(addr).await.expect("connect"));
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let answer = exchange(addr, NORMAL_GET).await;
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    let oldest = read_until_closed(&mut idle[0], Duration::from_secs(2)).await;
    assert_eq!(oldest.as_deref(), Some(""), "the oldest idle connection was closed to make room");
    drop(idle);

    // Four requests in progress fill it for real: the next connection is refused, clearly.
    for _ in 0..4 {
        server.simulator().inject_next(Fault::Delay(Duration::from_millis(1500)));
    }
    let get = format!(
        "GET /payments/pay_aaaaaaaaaaaaaaaaaaaaaaaaaa HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {SANDBOX_SECRET_KEY}\r\nConnection: close\r\n\r\n"
    );
    let busy: Vec<_> = (0..4)
        .map(|_| {
            let get = get.clone();
            tokio::spawn(async move { exchange(addr, get.as_bytes()).await })
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(1);
    while server.simulator().queued_faults() > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(server.simulator().queued_faults(), 0, "four requests are in progress");
    let refused = exchange(addr, NORMAL_GET).await;
    assert!(refused.starts_with("HTTP/1.1 503"), "{refused}");
    assert!(refused.to_ascii_lowercase().contains("retry-after: 1"), "{refused}");
    assert!(refused.contains("limit of 4 connections"), "{refused}");
    for request in busy {
        let answer = request.await.expect("request");
        assert!(answer.starts_with("HTTP/1.1 404"), "{answer}");
    }
    let answer = exchange(addr, NORMAL_GET).await;
    assert!(answer.starts_with("HTTP/1.1 401"), "room again: {answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_finishes_requests_in_progress_and_closes_the_rest() {
    let server = server(config().with_idle_timeout(Duration::from_secs(30))).await;
    let addr = server.local_addr();
    let mut idle = TcpStream::connect(addr).await.expect("connect");
    server.simulator().inject_next(Fault::Delay(Duration::from_millis(600)));
    let get = format!(
        "GET /payments/pay_aaaaaaaaaaaaaaaaaaaaaaaaaa HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {SANDBOX_SECRET_KEY}\r\n\r\n"
    );
    let in_progress = tokio::spawn(async move {
        let mut stream = TcpStream::connect(addr).await.expect("connect");
        stream.write_all(get.as_bytes()).await.expect("write");
        read_until_closed(&mut stream, Duration::from_secs(5)).await
    });
    while server.simulator().queued_faults() > 0 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    let started = Instant::now();
    server.shutdown().await;
    let took = started.elapsed();

    let answer = in_progress.await.expect("task").expect("answered, then closed");
    assert!(answer.starts_with("HTTP/1.1 404"), "the request in progress finished: {answer}");
    assert!(answer.to_ascii_lowercase().contains("connection: close"), "{answer}");
    assert_eq!(read_until_closed(&mut idle, Duration::from_secs(1)).await.as_deref(), Some(""));
    assert!(took < Duration::from_secs(3), "shutdown took {took:?}");
    assert!(TcpStream::connect(addr).await.is_err(), "no longer accepting");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn non_ascii_and_over_long_idempotency_keys_get_422_and_create_nothing() {
    let server = server(config()).await;
    let addr = server.local_addr();
    let host = addr.to_string();
    let over_long = format!("Cko-Idempotency-Key: {}", "k".repeat(256));
    let keys: [&[u8]; 5] = [
        b"Cko-Idempotency-Key: idk_caf\xc3\xa9-retry-1",
        b"Cko-Idempotency-Key: idk_caf\xe9-latin-1",
        over_long.as_bytes(),
        b"Cko-Idempotency-Key: ",
        b"Cko-Idempotency-Key: one\r\nCko-Idempotency-Key: two",
    ];
    for key in keys {
        for attempt in 0..2 {
            let answer = exchange(addr, &post_payment(&host, &[key], &card_payment())).await;
            assert!(answer.starts_with("HTTP/1.1 422"), "{} (#{attempt}): {answer}", String::from_utf8_lossy(key));
            assert_eq!(json_body(&answer)["error_codes"], json!(["idempotency_key_invalid"]));
        }
    }
    assert_eq!(server.simulator().payment_count(), 0);
    assert_eq!(server.simulator().idempotency_records(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_fields_get_the_apis_422() {
    let server = server(config()).await;
    let addr = server.local_addr();
    let host = addr.to_string();
    let cases = [
        ("reference", json!("r".repeat(51)), "reference_invalid"),
        ("description", json!("d".repeat(101)), "description_invalid"),
        ("metadata", json!({"blob": "m".repeat(900 * 1024)}), "metadata_invalid"),
        ("success_url", json!(format!("https://shop.example/{}", "s".repeat(300))), "success_url_invalid"),
    ];
    for (field, value, code) in cases {
        let mut body = card_payment();
        body[field] = value;
        let answer = exchange(addr, &post_payment(&host, &[], &body)).await;
        assert!(answer.starts_with("HTTP/1.1 422"), "{field}: {answer:.200}");
        assert_eq!(json_body(&answer)["error_type"], "request_invalid");
        assert_eq!(json_body(&answer)["error_codes"], json!([code]), "{field}");
    }
    assert_eq!(server.simulator().payment_count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn links_point_only_at_an_allowed_host() {
    let server = server(config().with_allowed_host("sandbox.internal")).await;
    let addr = server.local_addr();
    let links = |answer: &str| json_body(answer)["_links"]["self"]["href"].as_str().unwrap_or_default().to_string();

    let ours = exchange(addr, &post_payment(&addr.to_string(), &[], &card_payment())).await;
    assert!(links(&ours).starts_with(&format!("http://{addr}/payments/pay_")), "{ours}");
    let configured = exchange(addr, &post_payment("sandbox.internal", &[], &card_payment())).await;
    assert!(links(&configured).starts_with("http://sandbox.internal/payments/pay_"), "{configured}");
    for host in ["evil.example", "127.0.0.1:1", "localhost.evil.example", "[::1]"] {
        let theirs = exchange(addr, &post_payment(host, &[], &card_payment())).await;
        let href = links(&theirs);
        assert!(href.starts_with("/payments/pay_"), "Host {host}: {href}");
        assert!(!theirs.contains("evil"), "Host {host}: {theirs}");
    }
}
