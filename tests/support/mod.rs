//! A canned HTTP/1.1 server on loopback, for driving the SDK's real transports in tests.
//!
//! [`CannedServer`] listens on `127.0.0.1:0`, records every request it receives (method, path,
//! headers, body, arrival order) and answers each one from a closure returning a [`Canned`]
//! response. It speaks just enough HTTP/1.1 for a client such as hyper: a request line and
//! headers up to `\r\n\r\n`, then `Content-Length` bytes of body (or a chunked body), with
//! keep-alive (several requests per connection). Responses always carry `Content-Length`, except
//! with [`Behaviour::CloseDelimited`].
//!
//! Misbehaviour is scripted with [`Behaviour`]: never answering, closing the connection halfway
//! through the body, answering late, or sending a body delimited by closing the connection.
//!
//! Every wait in here is bounded or ends when the client goes away, and dropping the server stops
//! the listener and every connection it accepted.
// Each test binary uses a different part of this module.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

/// The longest request head accepted, in bytes (anything longer closes the connection).
const MAX_HEAD_BYTES: usize = 64 * 1024;
/// The longest request body accepted, in bytes.
const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;
/// How long an idle keep-alive connection is kept before the server closes it.
const IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// One request as the server received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RecordedHttp {
    /// 0-based arrival order across all connections of the server.
    pub(crate) index: usize,
    /// Which accepted connection it came on (0-based).
    pub(crate) connection: usize,
    /// `GET`, `POST`, ...
    pub(crate) method: String,
    /// The request target as sent, e.g. `/payments/pay_x`.
    pub(crate) path: String,
    /// The headers in order, names as sent.
    pub(crate) headers: Vec<(String, String)>,
    /// The body (empty when there was none).
    pub(crate) body: Vec<u8>,
}

impl RecordedHttp {
    /// The first value of header `name` (case-insensitive).
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// Every value of header `name` (case-insensitive).
    pub(crate) fn header_values(&self, name: &str) -> Vec<&str> {
        self.headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str()).collect()
    }

    /// The body parsed as JSON.
    ///
    /// # Panics
    ///
    /// If the body is not JSON.
    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!("{} {}: body is not JSON ({e}): {:?}", self.method, self.path, String::from_utf8_lossy(&self.body))
        })
    }

    /// The body as (lossy) UTF-8 text.
    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// How the server delivers a [`Canned`] response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Behaviour {
    /// Status, headers and the whole body, then wait for the next request on the connection.
    Normal,
    /// Read the request and never answer; the connection stays open until the client closes it
    /// (or the server is dropped).
    NeverAnswer,
    /// Send the status and headers (with the full `Content-Length`) and half of the body, then
    /// close the connection.
    CloseMidBody,
    /// Wait this long, then answer normally.
    Delay(Duration),
    /// Send the status and headers without `Content-Length`, then the body, then close the
    /// connection: the body's end is the end of the connection (the client cannot know its size
    /// up front).
    CloseDelimited,
}

/// A scripted response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Canned {
    /// The status code.
    pub(crate) status: u16,
    /// Extra headers (`Content-Length` is added by the server).
    pub(crate) headers: Vec<(String, String)>,
    /// The body.
    pub(crate) body: Vec<u8>,
    /// How to deliver it.
    pub(crate) behaviour: Behaviour,
}

impl Canned {
    /// `status` with an empty body.
    pub(crate) fn empty(status: u16) -> Self {
        Canned { status, headers: Vec::new(), body: Vec::new(), behaviour: Behaviour::Normal }
    }

    /// `status` with a JSON body and `Content-Type: application/json`.
    pub(crate) fn json(status: u16, body: &serde_json::Value) -> Self {
        Self::raw(status, serde_json::to_vec(body).expect("serialisable JSON"))
            .header("Content-Type", "application/json; charset=utf-8")
    }

    /// `status` with a body as given.
    pub(crate) fn raw(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Canned { status, headers: Vec::new(), body: body.into(), behaviour: Behaviour::Normal }
    }

    /// A response that never comes.
    pub(crate) fn never() -> Self {
        Self::empty(200).behaviour(Behaviour::NeverAnswer)
    }

    /// Adds a header.
    #[must_use]
    pub(crate) fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Sets how the response is delivered.
    #[must_use]
    pub(crate) fn behaviour(mut self, behaviour: Behaviour) -> Self {
        self.behaviour = behaviour;
        self
    }
}

type Handler = dyn Fn(&RecordedHttp) -> Canned + Send + Sync;

struct Shared {
    handler: Box<Handler>,
    requests: Mutex<Vec<RecordedHttp>>,
    connections: Mutex<usize>,
}

/// A loopback HTTP/1.1 server answering every request from a closure.
///
/// ```ignore
/// let server = CannedServer::start(|req| match req.index {
///     0 => Canned::empty(503),
///     _ => Canned::json(201, &json!({"id": "pay_x"})),
/// })
/// .await;
/// // ... point a client at server.base_url() ...
/// assert_eq!(server.requests().len(), 2);
/// ```
pub(crate) struct CannedServer {
    addr: std::net::SocketAddr,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl std::fmt::Debug for CannedServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CannedServer").field("addr", &self.addr).finish_non_exhaustive()
    }
}

impl CannedServer {
    /// Starts a server on `127.0.0.1` (a free port) answering with `handler`.
    ///
    /// Must be called inside a tokio runtime with I/O and time enabled.
    pub(crate) async fn start(handler: impl Fn(&RecordedHttp) -> Canned + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind a loopback port");
        let addr = listener.local_addr().expect("the listener's address");
        let shared = Arc::new(Shared {
            handler: Box::new(handler),
            requests: Mutex::new(Vec::new()),
            connections: Mutex::new(0),
        });
        let accept_shared = Arc::clone(&shared);
        let task = tokio::spawn(async move {
            // Owned by this task: aborting it (on drop) aborts every connection too.
            let mut connections = JoinSet::new();
            loop {
                tokio::select! {
                    accepted = listener.accept() => {
                        let Ok((stream, _)) = accepted else { continue };
                        let number = {
                            let mut n = accept_shared.connections.lock().unwrap();
                            *n += 1;
                            *n - 1
                        };
                        connections.spawn(serve_connection(stream, number, Arc::clone(&accept_shared)));
                    }
                    // Reap finished connections so the set does not grow without bound.
                    Some(_) = connections.join_next(), if !connections.is_empty() => {}
                }
            }
        });
        CannedServer { addr, shared, task }
    }

    /// Starts a server that answers the `n`th request (0-based) with `responses[n]`, and every
    /// later one with the last response.
    ///
    /// # Panics
    ///
    /// If `responses` is empty.
    pub(crate) async fn sequence(responses: Vec<Canned>) -> Self {
        assert!(!responses.is_empty(), "a sequence needs at least one response");
        Self::start(move |req| responses[req.index.min(responses.len() - 1)].clone()).await
    }

    /// The address the server listens on.
    pub(crate) fn addr(&self) -> std::net::SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, for `Environment::custom`.
    pub(crate) fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A copy of every request received so far, in arrival order.
    pub(crate) fn requests(&self) -> Vec<RecordedHttp> {
        self.shared.requests.lock().unwrap().clone()
    }

    /// How many requests have arrived.
    pub(crate) fn request_count(&self) -> usize {
        self.shared.requests.lock().unwrap().len()
    }

    /// How many connections have been accepted.
    pub(crate) fn connection_count(&self) -> usize {
        *self.shared.connections.lock().unwrap()
    }

    /// The only request received.
    ///
    /// # Panics
    ///
    /// Unless exactly one request arrived.
    pub(crate) fn single_request(&self) -> RecordedHttp {
        let mut requests = self.requests();
        assert_eq!(requests.len(), 1, "expected exactly one request, got {requests:#?}");
        requests.remove(0)
    }
}

impl Drop for CannedServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Serves requests on one connection until the client closes it, an I/O error, an idle timeout,
/// or a response that ends the connection.
async fn serve_connection(mut stream: TcpStream, connection: usize, shared: Arc<Shared>) {
    let _ = stream.set_nodelay(true);
    let mut buffer = Vec::with_capacity(4096);
    loop {
        let Some((method, path, headers, body)) = read_request(&mut stream, &mut buffer).await else { return };
        let recorded = {
            let mut requests = shared.requests.lock().unwrap();
            let recorded = RecordedHttp { index: requests.len(), connection, method, path, headers, body };
            requests.push(recorded.clone());
            recorded
        };
        let canned = (shared.handler)(&recorded);
        let client_wants_close = recorded.header("connection").is_some_and(|v| v.eq_ignore_ascii_case("close"));
        let keep_open = match canned.behaviour {
            Behaviour::Normal => write_response(&mut stream, &canned, true).await,
            Behaviour::Delay(wait) => {
                tokio::time::sleep(wait).await;
                write_response(&mut stream, &canned, true).await
            }
            Behaviour::NeverAnswer => {
                // Drain (and drop) anything else the client sends until it hangs up.
                let mut sink = [0u8; 1024];
                while matches!(stream.read(&mut sink).await, Ok(n) if n > 0) {}
                false
            }
            Behaviour::CloseMidBody => {
                let head = response_head(&canned, Some(canned.body.len()));
                let half = &canned.body[..canned.body.len() / 2];
                let _ = stream.write_all(&head).await;
                let _ = stream.write_all(half).await;
                let _ = stream.flush().await;
                false
            }
            Behaviour::CloseDelimited => {
                let _ = write_response(&mut stream, &canned, false).await;
                false
            }
        };
        if !keep_open || client_wants_close {
            let _ = stream.shutdown().await;
            return;
        }
    }
}

/// Writes a whole response; `true` when the connection can serve another request.
async fn write_response(stream: &mut TcpStream, canned: &Canned, with_length: bool) -> bool {
    let head = response_head(canned, with_length.then_some(canned.body.len()));
    let sent = async {
        stream.write_all(&head).await?;
        stream.write_all(&canned.body).await?;
        stream.flush().await
    };
    let asked_to_close =
        canned.headers.iter().any(|(n, v)| n.eq_ignore_ascii_case("connection") && v.eq_ignore_ascii_case("close"));
    sent.await.is_ok() && with_length && !asked_to_close
}

fn response_head(canned: &Canned, content_length: Option<usize>) -> Vec<u8> {
    let mut head = format!("HTTP/1.1 {} {}\r\n", canned.status, reason(canned.status));
    if let Some(length) = content_length {
        head.push_str(&format!("Content-Length: {length}\r\n"));
    } else {
        head.push_str("Connection: close\r\n");
    }
    for (name, value) in &canned.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    head.into_bytes()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Whatever",
    }
}

type ParsedRequest = (String, String, Vec<(String, String)>, Vec<u8>);

/// Reads one request from the connection (leaving any pipelined bytes in `buffer`). `None` when
/// the client closed the connection, it idled too long, or the request was malformed.
async fn read_request(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<ParsedRequest> {
    let head_end = loop {
        if let Some(i) = find(buffer, b"\r\n\r\n") {
            break i;
        }
        if buffer.len() > MAX_HEAD_BYTES || !fill(stream, buffer).await {
            return None;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    buffer.drain(..head_end + 4);
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let path = request_line.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
        .collect();
    let header = |name: &str| headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str());
    let body = if header("transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked")) {
        read_chunked(stream, buffer).await?
    } else {
        let length: usize = match header("content-length") {
            Some(v) => v.parse().ok()?,
            None => 0,
        };
        if length > MAX_BODY_BYTES {
            return None;
        }
        while buffer.len() < length {
            if !fill(stream, buffer).await {
                return None;
            }
        }
        buffer.drain(..length).collect()
    };
    Some((method, path, headers, body))
}

/// Reads a chunked body (trailers are skipped).
async fn read_chunked(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line_end = loop {
            if let Some(i) = find(buffer, b"\r\n") {
                break i;
            }
            if buffer.len() > MAX_HEAD_BYTES || !fill(stream, buffer).await {
                return None;
            }
        };
        let size_text = String::from_utf8_lossy(&buffer[..line_end]).into_owned();
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        buffer.drain(..line_end + 2);
        if size == 0 {
            // Trailers, then an empty line.
            loop {
                let end = loop {
                    if let Some(i) = find(buffer, b"\r\n") {
                        break i;
                    }
                    if !fill(stream, buffer).await {
                        return None;
                    }
                };
                buffer.drain(..end + 2);
                if end == 0 {
                    return Some(body);
                }
            }
        }
        if body.len() + size > MAX_BODY_BYTES {
            return None;
        }
        while buffer.len() < size + 2 {
            if !fill(stream, buffer).await {
                return None;
            }
        }
        body.extend_from_slice(&buffer[..size]);
        buffer.drain(..size + 2);
    }
}

/// Reads more bytes into `buffer`; `false` on EOF, error or idle timeout.
async fn fill(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> bool {
    let mut chunk = [0u8; 8192];
    match tokio::time::timeout(IDLE_TIMEOUT, stream.read(&mut chunk)).await {
        Ok(Ok(n)) if n > 0 => {
            buffer.extend_from_slice(&chunk[..n]);
            true
        }
        _ => false,
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
