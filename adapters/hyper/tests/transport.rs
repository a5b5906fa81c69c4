//! `HyperTransport` and `TokioSleeper` against tiny servers on loopback.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use checkout_sdk_core::transport::{
    Headers, HttpRequest, HttpResponse, HttpTransport, Method, Sleeper, TransportError, TransportErrorKind,
};
use checkout_sdk_fake::runtime::now_or_never;
use checkout_sdk_hyper::{HyperTransport, TokioSleeper};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const SECRET: &str = "sk_test_5ecret_DO_NOT_LOG";

/// Fails the test instead of hanging if `future` takes more than 10 s.
async fn bounded<T>(future: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(10), future).await.expect("the test took more than 10 s")
}

fn request(method: Method, url: impl Into<String>, body: &[u8]) -> HttpRequest {
    let mut headers = Headers::new();
    headers.insert("Authorization", format!("Bearer {SECRET}"));
    headers.insert("Cko-Test", "round-trip");
    headers.insert("Content-Type", "application/json");
    HttpRequest { method, url: url.into(), headers, body: body.to_vec().into(), timeout: None }
}

fn assert_no_secret(error: &TransportError) {
    eprintln!("error: {error}");
    for text in [error.to_string(), format!("{error:?}"), error.message().to_owned()] {
        assert!(!text.contains(SECRET), "secret leaked into an error: {text}");
        assert!(!text.contains("5ecret"), "part of the secret leaked into an error: {text}");
    }
}

/// What the hyper test server saw of one request.
#[derive(Debug, Clone)]
struct Received {
    method: String,
    path_and_query: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Received {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// A hyper HTTP/1.1 server on `listener` answering every request with `status` and `body` plus a
/// few headers; records requests and counts accepted connections.
struct TestServer {
    addr: SocketAddr,
    connections: Arc<AtomicUsize>,
    received: Arc<Mutex<Vec<Received>>>,
}

impl TestServer {
    async fn start(status: u16, body: &'static [u8]) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        Self::start_on(listener, status, body)
    }

    fn start_on(listener: TcpListener, status: u16, body: &'static [u8]) -> TestServer {
        let addr = listener.local_addr().unwrap();
        let connections = Arc::new(AtomicUsize::new(0));
        let received = Arc::new(Mutex::new(Vec::new()));
        let (conns, recs) = (connections.clone(), received.clone());
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { return };
                conns.fetch_add(1, Ordering::SeqCst);
                let recs = recs.clone();
                let service = service_fn(move |req: hyper::Request<Incoming>| {
                    let recs = recs.clone();
                    async move {
                        let (parts, incoming) = req.into_parts();
                        let request_body = incoming.collect().await.map(|c| c.to_bytes().to_vec()).unwrap_or_default();
                        recs.lock().unwrap().push(Received {
                            method: parts.method.to_string(),
                            path_and_query: parts.uri.path_and_query().map(|p| p.to_string()).unwrap_or_default(),
                            headers: parts
                                .headers
                                .iter()
                                .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or("<binary>").to_owned()))
                                .collect(),
                            body: request_body,
                        });
                        let response = hyper::Response::builder()
                            .status(status)
                            .header("Cko-Request-Id", "req_123")
                            .header("X-Multi", "one")
                            .header("X-Multi", "two")
                            .body(Full::new(Bytes::from_static(body)))
                            .unwrap();
                        Ok::<_, Infallible>(response)
                    }
                });
                tokio::spawn(async move {
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        TestServer { addr, connections, received }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

/// Reads one request head (and a `Content-Length` body) from a raw stream.
async fn read_request(stream: &mut TcpStream) -> Vec<u8> {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = stream.read(&mut buf).await.unwrap_or(0);
        if n == 0 {
            return data;
        }
        data.extend_from_slice(&buf[..n]);
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&data[..end]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if data.len() >= end + 4 + length {
                return data;
            }
        }
    }
}

/// A raw server that reads each request and then runs `respond` on the connection.
async fn raw_server<F, Fut>(respond: F) -> SocketAddr
where
    F: Fn(TcpStream) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else { return };
            read_request(&mut stream).await;
            tokio::spawn(respond(stream));
        }
    });
    addr
}

/// A connector that counts connection attempts.
#[derive(Clone)]
struct CountingConnector {
    inner: HttpConnector,
    calls: Arc<AtomicUsize>,
}

impl tower_service::Service<http::Uri> for CountingConnector {
    type Response = <HttpConnector as tower_service::Service<http::Uri>>::Response;
    type Error = <HttpConnector as tower_service::Service<http::Uri>>::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, uri: http::Uri) -> Self::Future {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Box::pin(self.inner.call(uri))
    }
}

fn counting_transport() -> (HyperTransport<CountingConnector>, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let connector = CountingConnector { inner: HttpConnector::new(), calls: calls.clone() };
    (HyperTransport::with_connector(connector), calls)
}

fn header_values<'a>(response: &'a HttpResponse, name: &str) -> Vec<&'a str> {
    response.headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v).collect()
}

#[tokio::test]
async fn get_round_trip() {
    let server = TestServer::start(200, br#"{"id":"pay_123"}"#).await;
    let transport = HyperTransport::new();

    let response =
        bounded(transport.send(request(Method::Get, server.url("/payments/pay_123?x=1"), b""))).await.unwrap();

    assert_eq!(response.status, 200);
    assert_eq!(response.body, br#"{"id":"pay_123"}"#);
    assert_eq!(response.headers.get("cko-request-id"), Some("req_123"));
    assert_eq!(header_values(&response, "x-multi"), ["one", "two"]);
    assert_eq!(response.headers.get("content-length"), Some("16"));
    assert!(response.elapsed.is_some());

    let received = server.received();
    assert_eq!(received.len(), 1);
    let seen = &received[0];
    assert_eq!(seen.method, "GET");
    assert_eq!(seen.path_and_query, "/payments/pay_123?x=1");
    assert_eq!(seen.header("authorization"), Some(format!("Bearer {SECRET}").as_str()));
    assert_eq!(seen.header("cko-test"), Some("round-trip"));
    assert_eq!(seen.header("host"), Some(server.addr.to_string().as_str()));
    assert!(seen.body.is_empty());
}

#[tokio::test]
async fn post_round_trip() {
    let server = TestServer::start(201, br#"{"id":"pay_new","status":"Authorized"}"#).await;
    let transport = HyperTransport::new();
    let body = br#"{"amount":1000,"currency":"GBP","reference":"\u00e9"}"#;
    let mut req = request(Method::Post, server.url("/payments"), body);
    req.headers.insert("Cko-Idempotency-Key", "idem-1");
    // A wrong caller-supplied length must not reach the wire.
    req.headers.insert("Content-Length", "1");

    let response = bounded(transport.send(req)).await.unwrap();

    assert_eq!(response.status, 201);
    assert_eq!(response.body, br#"{"id":"pay_new","status":"Authorized"}"#);
    let received = server.received();
    let seen = &received[0];
    assert_eq!(seen.method, "POST");
    assert_eq!(seen.path_and_query, "/payments");
    assert_eq!(seen.body, body);
    assert_eq!(seen.header("content-length"), Some(body.len().to_string().as_str()));
    assert_eq!(seen.header("content-type"), Some("application/json"));
    assert_eq!(seen.header("cko-idempotency-key"), Some("idem-1"));
    assert_eq!(seen.header("authorization"), Some(format!("Bearer {SECRET}").as_str()));
}

#[tokio::test]
async fn empty_post_sends_a_zero_length() {
    let server = TestServer::start(202, b"").await;
    let transport = HyperTransport::new();
    let response = bounded(transport.send(request(Method::Post, server.url("/payments/pay_1/voids"), b""))).await;
    assert_eq!(response.unwrap().status, 202);
    assert_eq!(server.received()[0].header("content-length"), Some("0"));
}

#[tokio::test]
async fn sequential_requests_reuse_one_connection() {
    let server = TestServer::start(200, b"ok").await;
    let transport = HyperTransport::new();
    let clone = transport.clone();

    for i in 0..5 {
        let sender = if i % 2 == 0 { &transport } else { &clone };
        let method = if i % 2 == 0 { Method::Get } else { Method::Post };
        let response = bounded(sender.send(request(method, server.url("/ping"), b"{}"))).await.unwrap();
        assert_eq!(response.body, b"ok");
    }

    assert_eq!(server.received().len(), 5);
    assert_eq!(server.connections.load(Ordering::SeqCst), 1, "clones share one pooled connection");
}

#[tokio::test]
async fn pool_can_be_disabled() {
    let server = TestServer::start(200, b"ok").await;
    let transport = HyperTransport::builder().pool_max_idle_per_host(0).build();
    for _ in 0..3 {
        bounded(transport.send(request(Method::Get, server.url("/"), b""))).await.unwrap();
    }
    assert_eq!(server.connections.load(Ordering::SeqCst), 3);
}

/// Accepts, reads the request, and never answers (holding the connection open).
async fn silent_server() -> SocketAddr {
    raw_server(|stream| async move {
        tokio::time::sleep(Duration::from_secs(3600)).await;
        drop(stream);
    })
    .await
}

#[tokio::test]
async fn configured_timeout_fires() {
    let addr = silent_server().await;
    let transport = HyperTransport::builder().timeout(Duration::from_millis(300)).build();

    let started = Instant::now();
    let error =
        bounded(transport.send(request(Method::Post, format!("http://{addr}/payments"), b"{}"))).await.unwrap_err();

    assert_eq!(error.kind(), TransportErrorKind::TimedOut);
    assert!(error.may_have_been_sent());
    assert!(started.elapsed() < Duration::from_secs(2), "took {:?}", started.elapsed());
    assert!(error.elapsed().unwrap() >= Duration::from_millis(300));
    assert_no_secret(&error);
}

#[tokio::test]
async fn request_timeout_shorter_than_configured_wins() {
    let addr = silent_server().await;
    let transport = HyperTransport::builder().timeout(Duration::from_secs(30)).build();
    let mut req = request(Method::Get, format!("http://{addr}/"), b"");
    req.timeout = Some(Duration::from_millis(200));

    let started = Instant::now();
    let error = bounded(transport.send(req)).await.unwrap_err();

    assert_eq!(error.kind(), TransportErrorKind::TimedOut);
    assert!(started.elapsed() < Duration::from_secs(2), "took {:?}", started.elapsed());
}

#[tokio::test]
async fn configured_timeout_shorter_than_request_timeout_wins() {
    let addr = silent_server().await;
    let transport = HyperTransport::builder().timeout(Duration::from_millis(200)).build();
    let mut req = request(Method::Get, format!("http://{addr}/"), b"");
    req.timeout = Some(Duration::from_secs(30));

    let started = Instant::now();
    let error = bounded(transport.send(req)).await.unwrap_err();

    assert_eq!(error.kind(), TransportErrorKind::TimedOut);
    assert!(started.elapsed() < Duration::from_secs(2), "took {:?}", started.elapsed());
}

#[tokio::test]
async fn timeout_covers_a_slow_body() {
    // Headers arrive at once, the body trickles in and never completes.
    let addr = raw_server(|mut stream| async move {
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n").await;
        for _ in 0..100 {
            let _ = stream.write_all(b"x").await;
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    let transport = HyperTransport::builder().timeout(Duration::from_millis(300)).build();

    let started = Instant::now();
    let error = bounded(transport.send(request(Method::Get, format!("http://{addr}/"), b""))).await.unwrap_err();

    assert_eq!(error.kind(), TransportErrorKind::TimedOut);
    assert!(started.elapsed() < Duration::from_secs(2), "took {:?}", started.elapsed());
}

#[tokio::test]
async fn zero_budget_is_not_sent() {
    let (transport, calls) = counting_transport();
    let mut req = request(Method::Post, "http://127.0.0.1:9/payments", b"{}");
    req.timeout = Some(Duration::ZERO);
    let error = bounded(transport.send(req)).await.unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::NotSent);
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn closed_mid_body_is_interrupted() {
    let addr = raw_server(|mut stream| async move {
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"id\":").await;
        let _ = stream.shutdown().await;
    })
    .await;
    let transport = HyperTransport::new();

    let error =
        bounded(transport.send(request(Method::Post, format!("http://{addr}/payments"), b"{}"))).await.unwrap_err();

    assert_eq!(error.kind(), TransportErrorKind::Interrupted, "{error}");
    assert!(error.may_have_been_sent());
    assert!(error.elapsed().is_some());
    assert_no_secret(&error);
}

#[tokio::test]
async fn closed_before_responding_is_interrupted() {
    let addr = raw_server(|stream| async move { drop(stream) }).await;
    let transport = HyperTransport::new();

    let error =
        bounded(transport.send(request(Method::Post, format!("http://{addr}/payments"), b"{}"))).await.unwrap_err();

    assert_eq!(error.kind(), TransportErrorKind::Interrupted, "{error}");
    assert!(error.may_have_been_sent());
    assert_no_secret(&error);
}

#[tokio::test]
async fn connection_refused_is_not_sent() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let transport = HyperTransport::new();

    let error =
        bounded(transport.send(request(Method::Post, format!("http://{addr}/payments"), b"{}"))).await.unwrap_err();

    assert_eq!(error.kind(), TransportErrorKind::NotSent, "{error}");
    assert!(!error.may_have_been_sent());
    assert!(error.elapsed().is_some());
    assert!(error.message().contains("connect"), "{error}");
    assert_no_secret(&error);
}

#[tokio::test]
async fn declared_body_over_the_cap_is_too_large() {
    // Declares far more than the cap and sends almost nothing: refused from the head alone.
    let addr = raw_server(|mut stream| async move {
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 10000000\r\n\r\nxx").await;
        tokio::time::sleep(Duration::from_secs(3600)).await;
    })
    .await;
    let transport = HyperTransport::builder().max_body_bytes(1000).timeout(Duration::from_secs(5)).build();

    let error = bounded(transport.send(request(Method::Get, format!("http://{addr}/"), b""))).await.unwrap_err();

    assert_eq!(error.kind(), TransportErrorKind::BodyTooLarge, "{error}");
    assert_eq!(error.message(), "response body exceeds 1000 bytes");
    assert!(error.may_have_been_sent());
    assert_no_secret(&error);
}

#[tokio::test]
async fn full_body_over_the_cap_from_a_real_server_is_too_large() {
    static BIG: [u8; 2000] = [b'a'; 2000];
    let server = TestServer::start(200, &BIG).await;
    let transport = HyperTransport::builder().max_body_bytes(1999).build();
    let error = bounded(transport.send(request(Method::Get, server.url("/"), b""))).await.unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::BodyTooLarge);

    let transport = HyperTransport::builder().max_body_bytes(2000).build();
    let response = bounded(transport.send(request(Method::Get, server.url("/"), b""))).await.unwrap();
    assert_eq!(response.body.len(), 2000);
}

/// A chunked response of `chunks` chunks of 512 bytes, with no `Content-Length`.
async fn chunked_server(chunks: usize) -> SocketAddr {
    raw_server(move |mut stream| async move {
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n").await;
        let chunk = [b'z'; 512];
        for _ in 0..chunks {
            let _ = stream.write_all(b"200\r\n").await;
            let _ = stream.write_all(&chunk).await;
            let _ = stream.write_all(b"\r\n").await;
        }
        let _ = stream.write_all(b"0\r\n\r\n").await;
        tokio::time::sleep(Duration::from_secs(3600)).await;
    })
    .await
}

#[tokio::test]
async fn chunked_body_over_the_cap_is_too_large() {
    let addr = chunked_server(4).await;
    let transport = HyperTransport::builder().max_body_bytes(2047).build();

    let error = bounded(transport.send(request(Method::Get, format!("http://{addr}/"), b""))).await.unwrap_err();

    assert_eq!(error.kind(), TransportErrorKind::BodyTooLarge, "{error}");
    assert_eq!(error.message(), "response body exceeds 2047 bytes");
}

#[tokio::test]
async fn chunked_body_at_the_cap_is_accepted() {
    let addr = chunked_server(4).await;
    let transport = HyperTransport::builder().max_body_bytes(2048).build();

    let response = bounded(transport.send(request(Method::Get, format!("http://{addr}/"), b""))).await.unwrap();

    assert_eq!(response.status, 200);
    assert_eq!(response.body, vec![b'z'; 2048]);
    assert_eq!(response.headers.get("transfer-encoding"), Some("chunked"));
}

#[tokio::test]
async fn plain_http_to_other_hosts_is_refused_without_io() {
    let (transport, calls) = counting_transport();
    for url in [
        "http://example.com/",
        "http://api.checkout.com/payments",
        "http://localhost.example.com/",
        "http://127.0.0.1.example.com/",
        "http://10.0.0.1/",
        "http://[::2]/",
        "HTTP://example.com/",
    ] {
        let started = Instant::now();
        let error = bounded(transport.send(request(Method::Post, url, b"{}"))).await.unwrap_err();
        assert_eq!(error.kind(), TransportErrorKind::NotSent, "{url}: {error}");
        assert!(error.message().contains("https"), "{url}: {error}");
        assert!(started.elapsed() < Duration::from_secs(1));
        assert_no_secret(&error);
    }
    assert_eq!(calls.load(Ordering::SeqCst), 0, "no connection was attempted");
}

#[tokio::test]
async fn malformed_urls_are_refused_without_io() {
    let (transport, calls) = counting_transport();
    for url in [
        "not a url",
        "/payments",
        "ftp://127.0.0.1/",
        "http://localhost@example.com/",
        "http://user:pass@127.0.0.1/",
        "",
    ] {
        let error = bounded(transport.send(request(Method::Get, url, b""))).await.unwrap_err();
        assert_eq!(error.kind(), TransportErrorKind::NotSent, "{url:?}: {error}");
        assert_no_secret(&error);
    }
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn invalid_headers_are_not_sent_and_never_echo_values() {
    let (transport, calls) = counting_transport();

    let mut req = request(Method::Get, "http://127.0.0.1:9/", b"");
    req.headers.insert("Authorization", format!("Bearer {SECRET}\r\nX-Injected: 1"));
    let error = bounded(transport.send(req)).await.unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::NotSent);
    assert!(error.message().contains("authorization"), "{error}");
    assert_no_secret(&error);

    let mut req = request(Method::Get, "http://127.0.0.1:9/", b"");
    req.headers.insert("Bad Header", "value");
    let error = bounded(transport.send(req)).await.unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::NotSent);
    assert!(error.message().contains("Bad Header"), "{error}");

    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn localhost_is_allowed() {
    let server = TestServer::start(200, b"local").await;
    let transport = HyperTransport::new();
    let url = format!("http://localhost:{}/", server.addr.port());

    let response = bounded(transport.send(request(Method::Get, url, b""))).await.unwrap();

    assert_eq!(response.body, b"local");
}

#[tokio::test]
async fn ipv6_loopback_is_allowed() {
    let listener = match TcpListener::bind("[::1]:0").await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("skipping: IPv6 loopback unavailable ({error})");
            return;
        }
    };
    let server = TestServer::start_on(listener, 200, b"v6");
    let transport = HyperTransport::new();

    let response =
        bounded(transport.send(request(Method::Get, format!("http://[::1]:{}/", server.addr.port()), b""))).await;

    assert_eq!(response.unwrap().body, b"v6");
}

#[tokio::test]
async fn https_is_always_attempted_and_a_failed_handshake_is_not_sent() {
    // A plain-HTTP server on loopback: the TLS handshake fails, after a real connection attempt.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            let mut buf = [0u8; 1024];
            let _ = stream.read(&mut buf).await;
            let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n").await;
        }
    });
    let transport = HyperTransport::new();

    let error =
        bounded(transport.send(request(Method::Post, format!("https://{addr}/payments"), b"{}"))).await.unwrap_err();

    assert_eq!(error.kind(), TransportErrorKind::NotSent, "{error}");
    assert!(!error.message().contains("plain http"), "{error}");
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
    assert_no_secret(&error);
}

#[tokio::test]
async fn non_utf8_response_headers_survive_lossily() {
    let addr = raw_server(|mut stream| async move {
        let _ = stream.write_all(b"HTTP/1.1 404 Not Found\r\nX-Odd: caf\xe9\r\nContent-Length: 2\r\n\r\n{}").await;
        tokio::time::sleep(Duration::from_secs(3600)).await;
    })
    .await;
    let transport = HyperTransport::new();

    let response = bounded(transport.send(request(Method::Get, format!("http://{addr}/"), b""))).await.unwrap();

    assert_eq!(response.status, 404);
    assert_eq!(response.headers.get("x-odd"), Some("caf\u{fffd}"));
    assert_eq!(response.body, b"{}");
}

#[tokio::test]
async fn a_caller_built_client_works() {
    use hyper_util::client::legacy::Client;
    use hyper_util::rt::TokioExecutor;

    let server = TestServer::start(200, b"custom").await;
    let client: Client<HttpConnector, Full<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    let transport = HyperTransport::from_client(client).with_timeout(Duration::from_secs(5)).with_max_body_bytes(64);
    assert_eq!(transport.timeout(), Duration::from_secs(5));
    assert_eq!(transport.max_body_bytes(), 64);

    let response = bounded(transport.send(request(Method::Get, server.url("/"), b""))).await.unwrap();
    assert_eq!(response.body, b"custom");

    // The loopback rule still applies to a caller's client.
    let error = bounded(transport.send(request(Method::Get, "http://example.com/", b""))).await.unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::NotSent);
}

#[test]
fn transport_is_clone_send_sync_debug_and_usable_as_a_trait_object() {
    fn assert_traits<T: Clone + Send + Sync + std::fmt::Debug + 'static>() {}
    assert_traits::<HyperTransport>();
    assert_traits::<HyperTransport<CountingConnector>>();
    assert_traits::<TokioSleeper>();

    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let transport: Box<dyn HttpTransport> = Box::new(HyperTransport::new());
        let debug = format!("{:?}", HyperTransport::new());
        assert!(debug.contains("timeout"), "{debug}");
        drop(transport);
    });
}

#[test]
fn outside_a_runtime_it_errors_instead_of_panicking() {
    let transport = HyperTransport::builder().try_build().unwrap();
    let sent = now_or_never(transport.send(request(Method::Get, "http://127.0.0.1:9/", b"")));
    let error = sent.expect("an answer without waiting, and without a runtime").unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::NotSent);
}

#[test]
fn a_runtime_without_timers_gives_not_sent() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_io().build().unwrap();
    let transport = HyperTransport::builder().try_build().unwrap();
    let sent = runtime.block_on(transport.send(request(Method::Get, "http://127.0.0.1:9/", b"")));
    let error = sent.unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::NotSent, "{error}");
    assert!(error.message().contains("timers"), "{error}");
    assert_no_secret(&error);
}

#[tokio::test(start_paused = true)]
async fn tokio_sleeper_follows_the_paused_clock() {
    let sleeper = TokioSleeper::new();
    let started = tokio::time::Instant::now();
    sleeper.sleep(Duration::from_secs(30)).await;
    assert!(started.elapsed() >= Duration::from_secs(30));
}

#[tokio::test]
async fn tokio_sleeper_really_sleeps() {
    let sleeper = TokioSleeper;
    let started = Instant::now();
    bounded(sleeper.sleep(Duration::from_millis(50))).await;
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(50), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
}
