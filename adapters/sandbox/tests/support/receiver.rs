//! A webhook receiver for the tests: a small hyper server on loopback that records every request
//! it gets (headers, body, when) and answers from a script: given statuses or a hang, then 200.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::Notify;

/// How the receiver answers one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reply {
    /// This status, at once.
    Status(u16),
    /// Nothing for 30 s (longer than any sender's timeout in these tests), then 200.
    Hang,
}

/// One request the receiver got.
#[derive(Debug, Clone)]
pub(crate) struct Received {
    pub(crate) path: String,
    pub(crate) headers: http::HeaderMap,
    pub(crate) body: Vec<u8>,
    pub(crate) at: Instant,
    pub(crate) reply: Reply,
}

impl Received {
    /// A header's value as text.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

struct State {
    script: VecDeque<Reply>,
    otherwise: Reply,
    received: Vec<Received>,
}

/// The running receiver; it stops with the test's runtime.
pub(crate) struct Receiver {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    arrived: Arc<Notify>,
}

impl Receiver {
    /// A receiver on a free loopback port that answers 200.
    pub(crate) async fn start() -> Receiver {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.expect("bind a loopback port");
        let addr = listener.local_addr().expect("its address");
        let state = Arc::new(Mutex::new(State {
            script: VecDeque::new(),
            otherwise: Reply::Status(200),
            received: Vec::new(),
        }));
        let arrived = Arc::new(Notify::new());
        let (task_state, task_arrived) = (Arc::clone(&state), Arc::clone(&arrived));
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (state, arrived) = (Arc::clone(&task_state), Arc::clone(&task_arrived));
                let service = service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                    let (state, arrived) = (Arc::clone(&state), Arc::clone(&arrived));
                    async move {
                        let (parts, body) = request.into_parts();
                        let body = Limited::new(body, 1024 * 1024).collect().await.map(|b| b.to_bytes().to_vec());
                        let reply = {
                            let mut state = state.lock().expect("the receiver's state");
                            let reply = state.script.pop_front().unwrap_or(state.otherwise);
                            state.received.push(Received {
                                path: parts.uri.path().to_string(),
                                headers: parts.headers,
                                body: body.unwrap_or_default(),
                                at: Instant::now(),
                                reply,
                            });
                            reply
                        };
                        arrived.notify_waiters();
                        let status = match reply {
                            Reply::Status(status) => status,
                            Reply::Hang => {
                                tokio::time::sleep(Duration::from_secs(30)).await;
                                200
                            }
                        };
                        let mut response = hyper::Response::new(Full::new(Bytes::from_static(b"ok")));
                        *response.status_mut() = hyper::StatusCode::from_u16(status).expect("a status");
                        Ok::<_, std::convert::Infallible>(response)
                    }
                });
                tokio::spawn(http1::Builder::new().serve_connection(TokioIo::new(stream), service));
            }
        });
        Receiver { addr, state, arrived }
    }

    /// `http://127.0.0.1:PORT{path}`.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The next requests get these replies, in order (then the standing answer).
    pub(crate) fn script(&self, replies: impl IntoIterator<Item = Reply>) {
        self.state.lock().expect("the receiver's state").script.extend(replies);
    }

    /// Every request gets `answer` once the script is used up.
    pub(crate) fn always(&self, reply: Reply) {
        self.state.lock().expect("the receiver's state").otherwise = reply;
    }

    /// What arrived so far.
    pub(crate) fn received(&self) -> Vec<Received> {
        self.state.lock().expect("the receiver's state").received.clone()
    }

    /// Waits until at least `n` requests arrived.
    ///
    /// # Panics
    ///
    /// When fewer arrived within `within`.
    pub(crate) async fn wait_for(&self, n: usize, within: Duration) -> Vec<Received> {
        let deadline = Instant::now() + within;
        loop {
            let notified = self.arrived.notified();
            let received = self.received();
            if received.len() >= n {
                return received;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(!left.is_zero(), "{} of {n} webhooks arrived within {within:?}", received.len());
            let _ = tokio::time::timeout(left, notified).await;
        }
    }
}
