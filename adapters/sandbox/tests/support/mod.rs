//! A small blocking HTTP/1.1 client for the sandbox's tests: raw request bytes in, status, head and
//! body out. Answers are framed by `Content-Length` (the server always sends one; chromedriver too,
//! and it keeps sockets open even after `Connection: close`), and a connection is reused until the
//! server says it will close it.
// Each test binary uses a different part of this module.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use serde_json::Value;

pub(crate) mod binary;
pub(crate) mod receiver;

/// An answer.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    /// The status code.
    pub(crate) status: u16,
    /// The status line and headers, as sent.
    pub(crate) head: String,
    /// The body.
    pub(crate) body: Vec<u8>,
}

impl Answer {
    /// The body as JSON (`Null` when it is not JSON).
    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// The first value of header `name` (case-insensitive).
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.trim().eq_ignore_ascii_case(name).then_some(v.trim())
        })
    }

    /// The head and the body as text.
    pub(crate) fn text(&self) -> String {
        format!("{}\r\n\r\n{}", self.head, String::from_utf8_lossy(&self.body))
    }
}

/// A keep-alive connection to `addr`, opened again when the server closed it.
pub(crate) struct Connection {
    addr: String,
    stream: Option<TcpStream>,
}

impl Connection {
    /// A connection to `addr` (`HOST:PORT`), opened on the first request.
    pub(crate) fn new(addr: impl Into<String>) -> Self {
        Connection { addr: addr.into(), stream: None }
    }

    /// Sends `request` (whole, raw) and reads one answer.
    ///
    /// # Panics
    ///
    /// If the server answers nothing well formed within 60 s.
    pub(crate) fn send(&mut self, request: &[u8]) -> Answer {
        let stream = match &mut self.stream {
            Some(stream) => stream,
            None => {
                let stream = TcpStream::connect(&self.addr).unwrap_or_else(|e| panic!("connect to {}: {e}", self.addr));
                stream.set_read_timeout(Some(Duration::from_secs(60))).expect("a read timeout");
                self.stream.insert(stream)
            }
        };
        // The server may answer (413, say) and close before all of a large request is written.
        let _ = stream.write_all(request);
        let mut bytes = Vec::new();
        let mut chunk = [0u8; 16 * 1024];
        let head_end = loop {
            if let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
                break end;
            }
            let n = stream.read(&mut chunk).expect("read an answer");
            assert!(n > 0, "the connection closed before a whole head arrived: {:?}", String::from_utf8_lossy(&bytes));
            bytes.extend_from_slice(&chunk[..n]);
        };
        let head = String::from_utf8_lossy(&bytes[..head_end]).into_owned();
        let mut answer = Answer { status: 0, head, body: Vec::new() };
        answer.status = answer.head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        let length: usize = answer.header("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
        let mut body = bytes.split_off(head_end + 4);
        while body.len() < length {
            let n = stream.read(&mut chunk).expect("read the body");
            assert!(n > 0, "the connection closed before the whole body arrived");
            body.extend_from_slice(&chunk[..n]);
        }
        body.truncate(length);
        answer.body = body;
        if answer.header("connection").is_some_and(|v| v.eq_ignore_ascii_case("close")) {
            self.stream = None;
        }
        answer
    }
}

/// The bytes of a request: `method target`, a `Host`, the headers, and `body` with its length.
pub(crate) fn request_bytes(method: &str, target: &str, host: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut head = format!("{method} {target} HTTP/1.1\r\nHost: {host}\r\nContent-Length: {}\r\n", body.len());
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// One request with a JSON body (if any) on a connection of its own.
pub(crate) fn send_json(
    addr: &str,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: Option<&Value>,
) -> Answer {
    let body = body.map(Value::to_string).unwrap_or_default();
    let mut headers = headers.to_vec();
    headers.push(("Content-Type", "application/json"));
    headers.push(("Connection", "close"));
    Connection::new(addr).send(&request_bytes(method, target, addr, &headers, body.as_bytes()))
}
