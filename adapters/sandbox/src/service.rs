//! One request: its body read within the limits, its links pointed at an allowed host, the
//! simulator's answer delivered (or the connection dropped, when a fault says so).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use checkout_sdk_core::transport::{HttpRequest, HttpResponse, Method};
use checkout_sdk_simulator::Simulator;
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::{Body as _, Incoming};

use crate::config::ServerConfig;
use crate::connections::Tracker;
use crate::log::LogLine;
use crate::MAX_REQUEST_BODY;

/// What every request on a server shares.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) simulator: Simulator,
    pub(crate) config: ServerConfig,
    hosts: AllowedHosts,
}

impl Shared {
    /// The state for a server listening on `local`.
    pub(crate) fn new(simulator: Simulator, config: ServerConfig, local: SocketAddr) -> Self {
        let hosts = AllowedHosts::new(local, &config.allowed_hosts);
        Shared { simulator, config, hosts }
    }
}

/// The `Host` values links may point at: the loopback names and the listening address with its
/// port, and the configured extra ones.
#[derive(Debug)]
struct AllowedHosts(Vec<String>);

impl AllowedHosts {
    fn new(local: SocketAddr, extra: &[String]) -> Self {
        let port = local.port();
        let mut hosts =
            vec![local.to_string(), format!("localhost:{port}"), format!("127.0.0.1:{port}"), format!("[::1]:{port}")];
        hosts.extend(extra.iter().map(|host| host.trim().to_ascii_lowercase()));
        AllowedHosts(hosts)
    }

    /// `host` if links may point at it.
    fn check<'a>(&self, host: &'a str) -> Option<&'a str> {
        let lower = host.to_ascii_lowercase();
        self.0.contains(&lower).then_some(host)
    }
}

/// Why a connection is closed without a response ("processed, then the connection dropped").
#[derive(Debug)]
pub(crate) struct DroppedOnPurpose;

impl std::fmt::Display for DroppedOnPurpose {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by fault injection")
    }
}

impl std::error::Error for DroppedOnPurpose {}

/// Answers one request, and logs it; the connection counts as busy until it returns.
pub(crate) async fn handle(
    shared: Arc<Shared>,
    tracker: Arc<Tracker>,
    req: hyper::Request<Incoming>,
) -> Result<hyper::Response<Full<Bytes>>, DroppedOnPurpose> {
    let _busy = tracker.busy();
    let started = Instant::now();
    let logged = shared.config.request_log.as_ref().map(|_| (req.method().to_string(), req.uri().path().to_string()));
    let answer = answer(&shared, req).await;
    if let (Some(log), Some((method, path))) = (&shared.config.request_log, logged) {
        let (status, request_id) = match &answer {
            Ok(response) => (
                Some(response.status().as_u16()),
                response.headers().get("cko-request-id").and_then(|id| id.to_str().ok()),
            ),
            Err(DroppedOnPurpose) => (None, None),
        };
        log.write(&LogLine::new(&method, &path, status, started.elapsed(), request_id));
    }
    answer
}

async fn answer(
    shared: &Shared,
    req: hyper::Request<Incoming>,
) -> Result<hyper::Response<Full<Bytes>>, DroppedOnPurpose> {
    if Method::try_from(req.method()).is_err() {
        return Ok(plain(405, "method not allowed"));
    }
    if req.body().size_hint().lower() > MAX_REQUEST_BODY as u64 {
        // Declared too large: refused before a byte of it is read.
        return Ok(closing(plain(413, "request body too large")));
    }
    let (mut parts, body) = req.into_parts();
    parts.uri = link_base_uri(&parts, &shared.hosts);
    let read = Limited::new(body, MAX_REQUEST_BODY).collect();
    let body = match tokio::time::timeout(shared.config.body_read_timeout, read).await {
        Ok(Ok(collected)) => collected.to_bytes().to_vec(),
        Ok(Err(e)) if e.downcast_ref::<LengthLimitError>().is_some() => {
            return Ok(closing(plain(413, "request body too large")))
        }
        Ok(Err(_)) => return Ok(closing(plain(400, "could not read the request body"))),
        Err(_) => return Ok(closing(plain(408, "the request body did not arrive in time"))),
    };
    let Ok(request) = HttpRequest::try_from(http::Request::from_parts(parts, body)) else {
        return Ok(plain(405, "method not allowed"));
    };
    let exchange = shared.simulator.handle(&request);
    if let Some(delay) = exchange.delay {
        tokio::time::sleep(delay).await;
    }
    if exchange.drop_response {
        return Err(DroppedOnPurpose);
    }
    Ok(to_hyper(exchange.response))
}

/// `http://HOST/path?query` when the `Host` header names an allowed host, so that the simulator's
/// links point back at this server; otherwise just the path and query (links become absolute
/// paths). A request target in absolute form never chooses the host.
fn link_base_uri(parts: &http::request::Parts, hosts: &AllowedHosts) -> http::Uri {
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let host = parts.headers.get(http::header::HOST).and_then(|h| h.to_str().ok()).and_then(|h| hosts.check(h));
    let absolute = host.and_then(|host| format!("http://{host}{path}").parse().ok());
    absolute.or_else(|| path.parse().ok()).unwrap_or_default()
}

fn plain(status: u16, text: &'static str) -> hyper::Response<Full<Bytes>> {
    to_hyper(HttpResponse::new(status, text.as_bytes().to_vec()).with_header("Content-Type", "text/plain"))
}

/// The response, with the connection closed after it (what is left of the request is unread).
fn closing(mut response: hyper::Response<Full<Bytes>>) -> hyper::Response<Full<Bytes>> {
    response.headers_mut().insert(http::header::CONNECTION, http::HeaderValue::from_static("close"));
    response
}

/// The response through the core's `http` conversion; one it refuses (an injected status outside
/// 100-999, say) becomes a plain 500.
fn to_hyper(response: HttpResponse) -> hyper::Response<Full<Bytes>> {
    match http::Response::<Vec<u8>>::try_from(response) {
        Ok(response) => response.map(|body| Full::new(Bytes::from(body))),
        Err(_) => {
            let mut fallback = hyper::Response::new(Full::new(Bytes::from_static(b"invalid response")));
            *fallback.status_mut() = hyper::StatusCode::INTERNAL_SERVER_ERROR;
            fallback
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(host: Option<&str>, target: &str, extra: &[&str]) -> String {
        let hosts = AllowedHosts::new(
            SocketAddr::from(([127, 0, 0, 1], 8080)),
            &extra.iter().map(|h| h.to_string()).collect::<Vec<_>>(),
        );
        let mut request = http::Request::builder().uri(target);
        if let Some(host) = host {
            request = request.header("Host", host);
        }
        let (parts, ()) = request.body(()).unwrap().into_parts();
        link_base_uri(&parts, &hosts).to_string()
    }

    #[test]
    fn links_point_only_at_allowed_hosts() {
        assert_eq!(base(Some("127.0.0.1:8080"), "/payments?x=1", &[]), "http://127.0.0.1:8080/payments?x=1");
        assert_eq!(base(Some("LOCALHOST:8080"), "/payments", &[]), "http://LOCALHOST:8080/payments");
        assert_eq!(base(Some("evil.example"), "/payments", &[]), "/payments");
        assert_eq!(base(Some("127.0.0.1:9999"), "/payments", &[]), "/payments");
        assert_eq!(base(None, "/payments", &[]), "/payments");
        assert_eq!(base(Some("evil.example"), "http://evil.example/payments", &[]), "/payments");
        assert_eq!(
            base(Some("sandbox.internal:8080"), "/p", &["Sandbox.Internal:8080"]),
            "http://sandbox.internal:8080/p"
        );
    }
}
