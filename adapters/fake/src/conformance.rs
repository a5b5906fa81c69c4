//! The transport conformance suite: what every transport of the SDK promises, checked against
//! the same small servers on loopback. The hyper, reqwest and ureq transports run it; run it
//! against your own transport too.
//!
//! Each check builds the transport under test from [`Limits`] (a timeout and a body cap), sends
//! requests to a scripted HTTP/1.1 server on `127.0.0.1` (plain threads and `std::net`, so it
//! works for async and blocking transports alike), and panics with an explanation when a promise
//! is broken:
//!
//! | check | promise |
//! |---|---|
//! | [`round_trip`] | method, path, query, headers and body reach the server; status, every header value and the body come back; `elapsed` is measured |
//! | [`refused_connection_is_not_sent`] | a refused connection is [`NotSent`](TransportErrorKind::NotSent) |
//! | [`silent_server_times_out`] | a server that never answers is [`TimedOut`](TransportErrorKind::TimedOut) within the timeout |
//! | [`request_timeout_shorter_than_transport_wins`], [`transport_timeout_shorter_than_request_wins`] | the smaller of the transport's timeout and [`HttpRequest::timeout`] applies |
//! | [`body_over_the_cap_is_too_large`] | a body over the cap, declared or streamed, is [`BodyTooLarge`](TransportErrorKind::BodyTooLarge); one at the cap is read |
//! | [`closed_mid_body_is_interrupted`] | a connection closed mid-body is [`Interrupted`](TransportErrorKind::Interrupted) |
//! | [`huge_declared_length_is_not_allocated`] | a huge `Content-Length` with a tiny body neither panics nor allocates what it declares (measured with [`LargestAllocation`]) |
//! | [`plain_http_to_other_hosts_is_refused`] | plain `http://` to a non-loopback host is `NotSent`, with no connection made |
//! | [`secrets_stay_out_of_debug_and_errors`] | neither the transport's `Debug` nor any error shows the `Authorization` value |
//!
//! [`transport_conformance_tests!`](crate::transport_conformance_tests) turns them into one
//! `#[test]` each, in a test binary of their own (it installs [`LargestAllocation`] as the
//! binary's global allocator). An async transport is checked through a small blocking wrapper
//! that owns a runtime:
//!
//! ```ignore
//! // tests/conformance.rs
//! use checkout_sdk_core::blocking::BlockingTransport;
//! use checkout_sdk_core::transport::{HttpRequest, HttpResponse, HttpTransport, TransportError};
//! use checkout_sdk_fake::conformance::Limits;
//!
//! #[derive(Debug)]
//! struct OnTokio(MyTransport, tokio::runtime::Runtime);
//!
//! impl BlockingTransport for OnTokio {
//!     fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
//!         self.1.block_on(self.0.send(request))
//!     }
//! }
//!
//! fn make(limits: Limits) -> OnTokio {
//!     let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
//!     OnTokio(MyTransport::new(limits.timeout, limits.max_body_bytes), runtime)
//! }
//!
//! checkout_sdk_fake::transport_conformance_tests!(make);
//! ```
//!
//! Checks in one binary run one at a time (they share a lock), so timings and allocation
//! measurements are not disturbed by each other.

// The allocator that measures allocations must implement `GlobalAlloc`, an `unsafe` trait; it only
// forwards to `System` and records sizes.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::fmt;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use checkout_sdk_core::blocking::BlockingTransport;
use checkout_sdk_core::transport::{Headers, HttpRequest, HttpResponse, Method, TransportError, TransportErrorKind};

/// The `Authorization` value every check sends; it must never show up in an error or `Debug`.
pub const SECRET: &str = "sk_sbox_c0nformancesecretxxxxxxxxx";

/// The timeout the timing checks give a transport (or a request): short, so the suite is quick.
pub const SHORT_TIMEOUT: Duration = Duration::from_millis(500);

/// How late past its timeout a transport may give up: generous, for busy CI machines.
pub const TIMEOUT_SLACK: Duration = Duration::from_millis(2500);

/// No single allocation while reading a tiny body may come near this.
pub const ALLOCATION_CEILING: usize = 1024 * 1024;

/// What a check asks of the transport it builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The transport's own limit on a whole exchange.
    pub timeout: Duration,
    /// The largest response body the transport accepts.
    pub max_body_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { timeout: Duration::from_secs(10), max_body_bytes: 64 * 1024 }
    }
}

/// One check at a time per test binary.
fn serial() -> MutexGuard<'static, ()> {
    static SERIAL: Mutex<()> = Mutex::new(());
    SERIAL.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A request with the secret `Authorization`, a custom header and JSON content type.
pub fn request(method: Method, url: impl Into<String>, body: &[u8]) -> HttpRequest {
    let mut headers = Headers::new();
    headers.insert("Authorization", format!("Bearer {SECRET}"));
    headers.insert("Cko-Conformance", "round-trip");
    headers.insert("Content-Type", "application/json");
    HttpRequest { method, url: url.into(), headers, body: body.to_vec().into(), timeout: None }
}

/// Fails if the error (or its `Debug`) shows the secret.
pub fn assert_no_secret(error: &TransportError) {
    for text in [error.to_string(), format!("{error:?}")] {
        assert!(!text.contains(SECRET) && !text.contains("c0nformance"), "the secret leaked into an error: {text}");
    }
}

fn expect_error(result: Result<HttpResponse, TransportError>, what: &str) -> TransportError {
    match result {
        Ok(response) => panic!("{what}: expected an error, got HTTP {}", response.status),
        Err(error) => {
            assert_no_secret(&error);
            error
        }
    }
}

fn assert_kind(error: &TransportError, kind: TransportErrorKind, what: &str) {
    assert_eq!(error.kind(), kind, "{what}: wrong kind for {error}");
}

/// What the server saw of one request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Seen {
    /// The method.
    pub method: String,
    /// The request target (`/path?query`).
    pub target: String,
    /// Header lines in order.
    pub headers: Vec<(String, String)>,
    /// The body (de-chunked).
    pub body: Vec<u8>,
}

impl Seen {
    /// The first value of a header (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// How the [`Server`] answers each request.
#[derive(Debug, Clone)]
pub enum Script {
    /// A complete response with a `Content-Length`; the connection is kept alive.
    Respond {
        /// The status code.
        status: u16,
        /// Extra headers.
        headers: Vec<(&'static str, &'static str)>,
        /// The body.
        body: Vec<u8>,
    },
    /// A complete response with a chunked body; the connection is kept alive.
    Chunked {
        /// The body, sent in 1 KiB chunks.
        body: Vec<u8>,
    },
    /// Reads the request and never answers (until the server is dropped).
    Silent,
    /// Declares `declared` bytes, sends `sent` of them, then closes the connection.
    CutShort {
        /// The `Content-Length`.
        declared: u64,
        /// How many bytes are sent.
        sent: usize,
    },
}

/// A scripted HTTP/1.1 server on `127.0.0.1`, on plain threads; stops when dropped.
pub struct Server {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    connections: Arc<AtomicUsize>,
    seen: Arc<Mutex<Vec<Seen>>>,
    accept: Option<JoinHandle<()>>,
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server").field("addr", &self.addr).finish_non_exhaustive()
    }
}

impl Server {
    /// Starts a server answering every request with `script`.
    ///
    /// # Panics
    ///
    /// When nothing can listen on loopback.
    pub fn start(script: Script) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback listener");
        let addr = listener.local_addr().expect("its address");
        let stop = Arc::new(AtomicBool::new(false));
        let connections = Arc::new(AtomicUsize::new(0));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (stop2, connections2, seen2) = (stop.clone(), connections.clone(), seen.clone());
        let accept = thread::spawn(move || {
            for stream in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(stream) = stream else { continue };
                connections2.fetch_add(1, Ordering::SeqCst);
                let (script, stop, seen) = (script.clone(), stop2.clone(), seen2.clone());
                thread::spawn(move || serve(stream, &script, &stop, &seen));
            }
        });
        Server { addr, stop, connections, seen, accept: Some(accept) }
    }

    /// `http://127.0.0.1:PORT{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The listening address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// How many connections were accepted.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    /// Every request read so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so it sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }
}

fn serve(stream: TcpStream, script: &Script, stop: &AtomicBool, seen: &Mutex<Vec<Seen>>) {
    // Short reads, so a connection notices the server stopping.
    let _ = stream.set_read_timeout(Some(Duration::from_millis(50)));
    let Ok(mut writer) = stream.try_clone() else { return };
    let mut reader = BufReader::new(stream);
    loop {
        let Some(request) = read_request(&mut reader, stop) else { return };
        seen.lock().unwrap_or_else(PoisonError::into_inner).push(request);
        let ok = match script {
            Script::Respond { status, headers, body } => {
                let mut head = format!("HTTP/1.1 {status} Conformance\r\nContent-Length: {}\r\n", body.len());
                for (name, value) in headers {
                    head.push_str(&format!("{name}: {value}\r\n"));
                }
                head.push_str("\r\n");
                writer.write_all(head.as_bytes()).and_then(|()| writer.write_all(body)).is_ok()
            }
            Script::Chunked { body } => {
                let mut ok = writer.write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n").is_ok();
                for chunk in body.chunks(1024) {
                    ok = ok
                        && writer
                            .write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
                            .and_then(|()| writer.write_all(chunk))
                            .and_then(|()| writer.write_all(b"\r\n"))
                            .is_ok();
                }
                ok && writer.write_all(b"0\r\n\r\n").is_ok()
            }
            Script::Silent => {
                while !stop.load(Ordering::SeqCst) {
                    thread::sleep(Duration::from_millis(20));
                }
                return;
            }
            Script::CutShort { declared, sent } => {
                let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {declared}\r\n\r\n");
                let _ = writer.write_all(head.as_bytes()).and_then(|()| writer.write_all(&vec![b'x'; *sent]));
                let _ = writer.flush();
                return;
            }
        };
        if !ok {
            return;
        }
    }
}

/// Reads one request; `None` when the connection closes, the server stops, or it is malformed.
fn read_request(reader: &mut BufReader<TcpStream>, stop: &AtomicBool) -> Option<Seen> {
    let mut line = String::new();
    let mut head = Vec::new();
    loop {
        line.clear();
        match read_line(reader, &mut line, stop)? {
            0 => return None,
            _ if line == "\r\n" || line == "\n" => break,
            _ => head.push(line.trim_end().to_owned()),
        }
        if head.len() > 200 {
            return None;
        }
    }
    let mut lines = head.into_iter();
    let request_line = lines.next()?;
    let mut parts = request_line.split(' ');
    let (method, target) = (parts.next()?.to_owned(), parts.next()?.to_owned());
    let headers: Vec<(String, String)> =
        lines.filter_map(|l| l.split_once(':').map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))).collect();
    let mut seen = Seen { method, target, headers, body: Vec::new() };
    if seen.header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        loop {
            line.clear();
            read_line(reader, &mut line, stop)?;
            let size = usize::from_str_radix(line.trim().split(';').next()?, 16).ok()?;
            let mut chunk = vec![0; size.min(1 << 20) + 2];
            read_exact(reader, &mut chunk, stop)?;
            if size == 0 {
                break;
            }
            seen.body.extend_from_slice(&chunk[..size]);
        }
    } else if let Some(length) = seen.header("content-length").and_then(|v| v.parse::<usize>().ok()) {
        let mut body = vec![0; length.min(1 << 20)];
        read_exact(reader, &mut body, stop)?;
        seen.body = body;
    }
    Some(seen)
}

fn read_line(reader: &mut BufReader<TcpStream>, line: &mut String, stop: &AtomicBool) -> Option<usize> {
    loop {
        match reader.read_line(line) {
            Ok(n) => return Some(n),
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                if stop.load(Ordering::SeqCst) {
                    return None;
                }
            }
            Err(_) => return None,
        }
    }
}

fn read_exact(reader: &mut BufReader<TcpStream>, buf: &mut [u8], stop: &AtomicBool) -> Option<()> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => return None,
            Ok(n) => filled += n,
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                if stop.load(Ordering::SeqCst) {
                    return None;
                }
            }
            Err(_) => return None,
        }
    }
    Some(())
}

/// A request and response round-trip: method, path and query, headers (the secret
/// `Authorization` included) and body reach the server; status, every value of a repeated header
/// and the body come back, with `elapsed` measured.
pub fn round_trip<T: BlockingTransport + fmt::Debug>(make: impl Fn(Limits) -> T) {
    let _serial = serial();
    let body = br#"{"id":"pay_conformance","status":"Authorized"}"#.to_vec();
    let server = Server::start(Script::Respond {
        status: 201,
        headers: vec![("Cko-Request-Id", "req_conformance"), ("X-Multi", "one"), ("X-Multi", "two")],
        body: body.clone(),
    });
    let transport = make(Limits::default());
    let sent = br#"{"amount":1000,"currency":"GBP","reference":"\u00e9"}"#;

    let post = transport.send(request(Method::Post, server.url("/payments?x=1&y=%20"), sent)).expect("a POST");
    let get = transport.send(request(Method::Get, server.url("/payments/pay_conformance"), b"")).expect("a GET");

    for response in [&post, &get] {
        assert_eq!(response.status, 201);
        assert_eq!(response.body, body);
        assert_eq!(response.headers.get("cko-request-id"), Some("req_conformance"));
        let multi: Vec<&str> =
            response.headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case("x-multi")).map(|(_, v)| v).collect();
        assert_eq!(multi, ["one", "two"], "every value of a repeated header");
        assert!(response.elapsed.is_some(), "elapsed is measured");
    }
    let seen = server.seen();
    assert_eq!(seen.len(), 2, "{seen:?}");
    let (post_seen, get_seen) = (&seen[0], &seen[1]);
    assert_eq!((post_seen.method.as_str(), post_seen.target.as_str()), ("POST", "/payments?x=1&y=%20"));
    assert_eq!(post_seen.body, sent);
    assert_eq!(post_seen.header("authorization"), Some(format!("Bearer {SECRET}").as_str()));
    assert_eq!(post_seen.header("cko-conformance"), Some("round-trip"));
    assert_eq!(post_seen.header("content-type"), Some("application/json"));
    assert_eq!(post_seen.header("host"), Some(server.addr().to_string().as_str()));
    assert_eq!((get_seen.method.as_str(), get_seen.target.as_str()), ("GET", "/payments/pay_conformance"));
    assert!(get_seen.body.is_empty());
    assert_eq!(get_seen.header("authorization"), Some(format!("Bearer {SECRET}").as_str()));
}

/// A refused connection is `NotSent`: nothing reached a server.
pub fn refused_connection_is_not_sent<T: BlockingTransport + fmt::Debug>(make: impl Fn(Limits) -> T) {
    let _serial = serial();
    let addr = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port");
    let transport = make(Limits::default());
    let error =
        expect_error(transport.send(request(Method::Post, format!("http://{addr}/payments"), b"{}")), "refused");
    assert_kind(&error, TransportErrorKind::NotSent, "a refused connection");
    assert!(!error.may_have_been_sent());
}

fn assert_times_out<T: BlockingTransport>(transport: &T, timeout: Option<Duration>, limit: Duration, what: &str) {
    let server = Server::start(Script::Silent);
    let mut silent = request(Method::Post, server.url("/payments"), b"{}");
    silent.timeout = timeout;
    let started = Instant::now();
    let error = expect_error(transport.send(silent), what);
    let took = started.elapsed();
    assert_kind(&error, TransportErrorKind::TimedOut, what);
    assert!(took + Duration::from_millis(50) >= limit, "{what}: gave up after {took:?}, before the {limit:?} timeout");
    assert!(took <= limit + TIMEOUT_SLACK, "{what}: took {took:?} for a {limit:?} timeout");
    assert_eq!(server.seen().len(), 1, "{what}: the server got the request");
}

/// A server that reads the request and never answers is `TimedOut` within the transport's
/// timeout.
pub fn silent_server_times_out<T: BlockingTransport + fmt::Debug>(make: impl Fn(Limits) -> T) {
    let _serial = serial();
    let transport = make(Limits { timeout: SHORT_TIMEOUT, ..Limits::default() });
    assert_times_out(&transport, None, SHORT_TIMEOUT, "the transport's timeout");
}

/// A request's own timeout, shorter than the transport's, wins.
pub fn request_timeout_shorter_than_transport_wins<T: BlockingTransport + fmt::Debug>(make: impl Fn(Limits) -> T) {
    let _serial = serial();
    let transport = make(Limits { timeout: Duration::from_secs(30), ..Limits::default() });
    assert_times_out(&transport, Some(SHORT_TIMEOUT), SHORT_TIMEOUT, "the request's shorter timeout");
}

/// The transport's own timeout, shorter than the request's, wins.
pub fn transport_timeout_shorter_than_request_wins<T: BlockingTransport + fmt::Debug>(make: impl Fn(Limits) -> T) {
    let _serial = serial();
    let transport = make(Limits { timeout: SHORT_TIMEOUT, ..Limits::default() });
    assert_times_out(&transport, Some(Duration::from_secs(30)), SHORT_TIMEOUT, "the transport's shorter timeout");
}

/// A body over the cap is `BodyTooLarge`, whether its `Content-Length` says so or it streams in
/// chunks; a body exactly at the cap is read whole.
pub fn body_over_the_cap_is_too_large<T: BlockingTransport + fmt::Debug>(make: impl Fn(Limits) -> T) {
    let _serial = serial();
    let cap = 8 * 1024;
    let transport = make(Limits { max_body_bytes: cap, ..Limits::default() });
    let respond = |len: usize| Script::Respond { status: 200, headers: vec![], body: vec![b'x'; len] };
    for (script, what) in [(respond(cap + 1), "declared"), (Script::Chunked { body: vec![b'x'; 4 * cap] }, "chunked")] {
        let server = Server::start(script);
        let error = expect_error(transport.send(request(Method::Get, server.url("/big"), b"")), what);
        assert_kind(&error, TransportErrorKind::BodyTooLarge, what);
        assert!(error.may_have_been_sent());
    }
    for script in [respond(cap), Script::Chunked { body: vec![b'x'; cap] }] {
        let server = Server::start(script);
        let response = transport.send(request(Method::Get, server.url("/at-the-cap"), b"")).expect("a body at the cap");
        assert_eq!(response.body.len(), cap);
    }
}

/// A connection closed part-way through the body is `Interrupted`: the server may have acted.
pub fn closed_mid_body_is_interrupted<T: BlockingTransport + fmt::Debug>(make: impl Fn(Limits) -> T) {
    let _serial = serial();
    let server = Server::start(Script::CutShort { declared: 100, sent: 10 });
    let transport = make(Limits::default());
    let error = expect_error(transport.send(request(Method::Post, server.url("/payments"), b"{}")), "cut short");
    assert_kind(&error, TransportErrorKind::Interrupted, "a body cut short");
    assert!(error.may_have_been_sent());
}

/// A huge `Content-Length` with a two-byte body neither panics nor allocates what it declares
/// (with the cap out of the way, so only the body reading is tested).
///
/// # Panics
///
/// Also when [`LargestAllocation`] is not the test binary's global allocator: the allocation
/// cannot be measured without it.
pub fn huge_declared_length_is_not_allocated<T: BlockingTransport + fmt::Debug>(make: impl Fn(Limits) -> T) {
    let _serial = serial();
    assert!(
        LargestAllocation::is_installed(),
        "install checkout_sdk_fake::conformance::LargestAllocation as the #[global_allocator]"
    );
    let transport = make(Limits { max_body_bytes: usize::MAX, ..Limits::default() });
    // 1 GiB would be allocated lazily (and pass unnoticed without measuring); 10^14 aborts the
    // process and 2^63 panics when a buffer is sized from the declaration.
    for declared in [1u64 << 30, 100_000_000_000_000, 1 << 63] {
        let server = Server::start(Script::CutShort { declared, sent: 2 });
        LargestAllocation::reset();
        let result = transport.send(request(Method::Get, server.url("/huge"), b""));
        let largest = LargestAllocation::largest();
        let error = expect_error(result, "a huge declared length");
        assert_kind(&error, TransportErrorKind::Interrupted, "a body far shorter than declared");
        assert!(
            largest < ALLOCATION_CEILING,
            "declared {declared}: an allocation of {largest} bytes for a 2-byte body"
        );
    }
}

/// Plain `http://` to a host that is not loopback is refused as `NotSent` before any I/O. The
/// hosts used here do reach this machine, so a transport that tried would be caught connecting.
pub fn plain_http_to_other_hosts_is_refused<T: BlockingTransport + fmt::Debug>(make: impl Fn(Limits) -> T) {
    let _serial = serial();
    let server = Server::start(Script::Respond { status: 200, headers: vec![], body: b"{}".to_vec() });
    let port = server.addr().port();
    let transport = make(Limits::default());
    for url in [format!("http://0.0.0.0:{port}/payments"), format!("http://[::ffff:127.0.0.1]:{port}/payments")] {
        let error = expect_error(transport.send(request(Method::Post, url.clone(), b"{}")), &url);
        assert_kind(&error, TransportErrorKind::NotSent, &url);
    }
    thread::sleep(Duration::from_millis(50));
    assert_eq!(server.connections(), 0, "a refused URL must not be connected to");
}

/// Neither the transport's `Debug` nor the errors of failed requests (refused, timed out, cut
/// short, refused locally, an invalid header) show the `Authorization` value.
pub fn secrets_stay_out_of_debug_and_errors<T: BlockingTransport + fmt::Debug>(make: impl Fn(Limits) -> T) {
    let _serial = serial();
    let transport = make(Limits { timeout: SHORT_TIMEOUT, ..Limits::default() });
    let debug = format!("{transport:?}");
    assert!(!debug.contains(SECRET), "the transport's Debug shows the secret: {debug}");
    let refused = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port");
    let silent = Server::start(Script::Silent);
    let cut = Server::start(Script::CutShort { declared: 100, sent: 1 });
    let mut invalid_header = request(Method::Get, cut.url("/"), b"");
    invalid_header.headers.insert("X-Bad", format!("{SECRET}\r\nInjected: yes"));
    for request in [
        request(Method::Get, format!("http://{refused}/"), b""),
        request(Method::Get, silent.url("/"), b""),
        request(Method::Get, cut.url("/"), b""),
        request(Method::Get, format!("http://0.0.0.0:{}/", cut.addr().port()), b""),
        request(Method::Get, format!("http://{SECRET}@127.0.0.1:{}/", cut.addr().port()), b""),
        invalid_header,
    ] {
        let _ = expect_error(transport.send(request), "a failing request");
    }
}

/// A global allocator that forwards to [`System`] and records the largest single allocation since
/// the last [`reset`](Self::reset): install it with `#[global_allocator]` in a test binary.
#[derive(Debug, Clone, Copy, Default)]
pub struct LargestAllocation;

static LARGEST: AtomicUsize = AtomicUsize::new(0);
static INSTALLED: AtomicBool = AtomicBool::new(false);

impl LargestAllocation {
    /// Forgets the allocations so far.
    pub fn reset() {
        LARGEST.store(0, Ordering::SeqCst);
    }

    /// The largest allocation (or reallocation) since the last reset, in bytes.
    pub fn largest() -> usize {
        LARGEST.load(Ordering::SeqCst)
    }

    /// Whether this is the global allocator of the running binary.
    pub fn is_installed() -> bool {
        drop(std::hint::black_box(Box::new([0u8; 64])));
        INSTALLED.load(Ordering::SeqCst)
    }

    fn record(size: usize) {
        LARGEST.fetch_max(size, Ordering::Relaxed);
        INSTALLED.store(true, Ordering::Relaxed);
    }
}

// SAFETY: every method forwards to `System` with the caller's own arguments.
unsafe impl GlobalAlloc for LargestAllocation {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        Self::record(layout.size());
        // SAFETY: forwarded as is.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        Self::record(layout.size());
        // SAFETY: forwarded as is.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded as is.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        Self::record(new_size);
        // SAFETY: forwarded as is.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// One `#[test]` per [conformance](crate::conformance) check for the transport `make` builds
/// (`Fn(Limits) -> T` where `T: BlockingTransport + Debug`), and
/// [`LargestAllocation`](crate::conformance::LargestAllocation) as the test binary's global
/// allocator. Use it in a test binary of its own.
#[macro_export]
macro_rules! transport_conformance_tests {
    ($make:expr) => {
        #[global_allocator]
        static CONFORMANCE_ALLOCATOR: $crate::conformance::LargestAllocation = $crate::conformance::LargestAllocation;

        #[test]
        fn conformance_round_trip() {
            $crate::conformance::round_trip($make)
        }

        #[test]
        fn conformance_refused_connection_is_not_sent() {
            $crate::conformance::refused_connection_is_not_sent($make)
        }

        #[test]
        fn conformance_silent_server_times_out() {
            $crate::conformance::silent_server_times_out($make)
        }

        #[test]
        fn conformance_request_timeout_shorter_than_transport_wins() {
            $crate::conformance::request_timeout_shorter_than_transport_wins($make)
        }

        #[test]
        fn conformance_transport_timeout_shorter_than_request_wins() {
            $crate::conformance::transport_timeout_shorter_than_request_wins($make)
        }

        #[test]
        fn conformance_body_over_the_cap_is_too_large() {
            $crate::conformance::body_over_the_cap_is_too_large($make)
        }

        #[test]
        fn conformance_closed_mid_body_is_interrupted() {
            $crate::conformance::closed_mid_body_is_interrupted($make)
        }

        #[test]
        fn conformance_huge_declared_length_is_not_allocated() {
            $crate::conformance::huge_declared_length_is_not_allocated($make)
        }

        #[test]
        fn conformance_plain_http_to_other_hosts_is_refused() {
            $crate::conformance::plain_http_to_other_hosts_is_refused($make)
        }

        #[test]
        fn conformance_secrets_stay_out_of_debug_and_errors() {
            $crate::conformance::secrets_stay_out_of_debug_and_errors($make)
        }
    };
}
