//! Proxies for real: a loopback HTTP proxy (a small tokio server that records what it sees and
//! forwards it) sees the transport's requests when a proxy is set, and not when `NO_PROXY`
//! names the host. Variables come from a map (`ProxySettings::from_vars`), never from the process
//! environment, so these tests cannot race each other.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use checkout_sdk_core::transport::{Headers, HttpRequest, HttpTransport, Method, TransportErrorKind};
use checkout_sdk_hyper::proxy::{Proxy, ProxySettings};
use checkout_sdk_hyper::HyperTransport;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const SECRET: &str = "sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e";
/// `Basic base64("shop:pr0xy-pass")`.
const PROXY_AUTH: &str = "Basic c2hvcDpwcjB4eS1wYXNz";

/// Reads a request (or CONNECT) head: everything up to the blank line, and any bytes after it.
async fn read_head(stream: &mut TcpStream) -> (String, Vec<u8>) {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    while !data.windows(4).any(|w| w == b"\r\n\r\n") && data.len() < 64 * 1024 {
        let n = stream.read(&mut buf).await.unwrap_or(0);
        if n == 0 {
            break;
        }
        data.extend_from_slice(&buf[..n]);
    }
    let end = data.windows(4).position(|w| w == b"\r\n\r\n").map_or(data.len(), |i| i + 4);
    let rest = data.split_off(end);
    (String::from_utf8_lossy(&data).into_owned(), rest)
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().skip(1).find_map(|line| {
        let (n, v) = line.split_once(':')?;
        n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// A forwarding HTTP proxy on loopback that records the head of everything it is asked.
struct LoopbackProxy {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<String>>>,
}

impl LoopbackProxy {
    /// `refuse_connect`: answer `CONNECT` with this status instead of tunnelling.
    async fn start(refuse_connect: Option<u16>) -> LoopbackProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = seen.clone();
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let record = record.clone();
                tokio::spawn(async move {
                    let (head, rest) = read_head(&mut client).await;
                    record.lock().unwrap().push(head.clone());
                    let request_line = head.lines().next().unwrap_or_default().to_owned();
                    let mut parts = request_line.split(' ');
                    let (method, target) = (parts.next().unwrap_or_default(), parts.next().unwrap_or_default());
                    if method == "CONNECT" {
                        if let Some(status) = refuse_connect {
                            let _ = client.write_all(format!("HTTP/1.1 {status} No\r\n\r\n").as_bytes()).await;
                            return;
                        }
                        let Ok(mut upstream) = TcpStream::connect(target).await else { return };
                        let _ = client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n").await;
                        let _ = upstream.write_all(&rest).await;
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
                    } else {
                        // Absolute form: `GET http://host:port/path HTTP/1.1`; forward in origin form.
                        let Some(after_scheme) = target.strip_prefix("http://") else { return };
                        let (authority, path) =
                            after_scheme.split_at(after_scheme.find('/').unwrap_or(after_scheme.len()));
                        let Ok(mut upstream) = TcpStream::connect(authority).await else { return };
                        let origin_line = format!("{method} {} HTTP/1.1", if path.is_empty() { "/" } else { path });
                        let forwarded = head.replacen(&request_line, &origin_line, 1);
                        let _ = upstream.write_all(forwarded.as_bytes()).await;
                        let _ = upstream.write_all(&rest).await;
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
                    }
                });
            }
        });
        LoopbackProxy { addr, seen }
    }

    fn url(&self) -> String {
        format!("http://shop:pr0xy-pass@{}", self.addr)
    }

    fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

/// An origin server on loopback: answers every request with `200 {"via":"origin"}` and records
/// request heads.
async fn origin() -> (SocketAddr, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let record = record.clone();
            tokio::spawn(async move {
                loop {
                    let (head, _) = read_head(&mut stream).await;
                    if head.is_empty() {
                        return;
                    }
                    record.lock().unwrap().push(head);
                    let body = br#"{"via":"origin"}"#;
                    let reply = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", body.len());
                    if stream.write_all(reply.as_bytes()).await.is_err() || stream.write_all(body).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (addr, seen)
}

fn get(url: String) -> HttpRequest {
    let mut headers = Headers::new();
    headers.insert("Authorization", format!("Bearer {SECRET}"));
    HttpRequest { method: Method::Get, url, headers, body: Default::default(), timeout: Some(Duration::from_secs(10)) }
}

fn from_vars(pairs: &[(&str, String)]) -> ProxySettings {
    ProxySettings::from_vars(|name| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone())).unwrap()
}

#[tokio::test]
async fn an_http_proxy_from_the_variables_sees_the_request_in_absolute_form_with_its_credentials() {
    let proxy = LoopbackProxy::start(None).await;
    let (origin, origin_seen) = origin().await;
    let transport = HyperTransport::builder().proxy_settings(from_vars(&[("HTTP_PROXY", proxy.url())])).build();

    let response = transport.send(get(format!("http://{origin}/payments/pay_1?x=1"))).await.unwrap();

    assert_eq!((response.status, response.body.as_slice()), (200, br#"{"via":"origin"}"#.as_slice()));
    let seen = proxy.seen();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert!(seen[0].starts_with(&format!("GET http://{origin}/payments/pay_1?x=1 HTTP/1.1\r\n")), "{}", seen[0]);
    assert_eq!(header(&seen[0], "proxy-authorization"), Some(PROXY_AUTH));
    assert_eq!(header(&seen[0], "authorization"), Some(format!("Bearer {SECRET}").as_str()));
    assert_eq!(origin_seen.lock().unwrap().len(), 1, "the proxy forwarded it");
}

#[tokio::test]
async fn no_proxy_sends_the_request_directly() {
    let proxy = LoopbackProxy::start(None).await;
    let (origin, origin_seen) = origin().await;
    for no_proxy in ["127.0.0.1", "*", "localhost,127.0.0.1:1"] {
        let vars = [("HTTP_PROXY", proxy.url()), ("NO_PROXY", no_proxy.to_owned())];
        let transport = HyperTransport::builder().proxy_settings(from_vars(&vars)).build();
        let response = transport.send(get(format!("http://{origin}/direct"))).await.unwrap();
        assert_eq!(response.status, 200);
    }
    assert!(proxy.seen().is_empty(), "{:?}", proxy.seen());
    let origin_seen = origin_seen.lock().unwrap();
    assert_eq!(origin_seen.len(), 3);
    assert!(origin_seen.iter().all(|head| head.starts_with("GET /direct HTTP/1.1\r\n")), "{origin_seen:?}");
}

#[tokio::test]
async fn an_https_request_goes_through_a_connect_tunnel_and_tls_runs_inside_it() {
    let proxy = LoopbackProxy::start(None).await;
    // The "origin" records the first bytes that come out of the tunnel, then hangs up.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = listener.local_addr().unwrap();
    let hello = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut buf = vec![0u8; 4096];
        let n = stream.read(&mut buf).await.unwrap();
        buf.truncate(n);
        buf
    });
    let transport = HyperTransport::builder().proxy(Proxy::new(&proxy.url()).unwrap()).build();

    let error = transport.send(get(format!("https://localhost:{}/payments", origin.port()))).await.unwrap_err();

    let seen = proxy.seen();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert!(seen[0].starts_with(&format!("CONNECT localhost:{} HTTP/1.1\r\n", origin.port())), "{}", seen[0]);
    assert_eq!(header(&seen[0], "proxy-authorization"), Some(PROXY_AUTH));
    assert!(header(&seen[0], "authorization").is_none(), "the secret key stays inside the tunnel");
    let hello = hello.await.unwrap();
    assert_eq!(hello.first(), Some(&0x16), "a TLS handshake record came through the tunnel");
    assert!(hello.windows(9).any(|w| w == b"localhost"), "with the origin's name (SNI), not the proxy's");
    assert_eq!(error.kind(), TransportErrorKind::NotSent, "{error}");
}

#[tokio::test]
async fn a_refused_tunnel_is_not_sent_and_the_error_names_the_proxy_but_no_credentials() {
    for status in [407, 403, 502] {
        let proxy = LoopbackProxy::start(Some(status)).await;
        let transport = HyperTransport::builder().proxy(Proxy::new(&proxy.url()).unwrap()).build();

        let error = transport.send(get("https://api.checkout.com/payments".into())).await.unwrap_err();

        assert_eq!(error.kind(), TransportErrorKind::NotSent, "{error}");
        let text = format!("{error} {error:?} {transport:?}");
        assert!(text.contains(&proxy.addr.to_string()), "{text}");
        assert!(!text.contains("pr0xy-pass") && !text.contains("c2hvc") && !text.contains(SECRET), "{text}");
        assert!(proxy.seen()[0].starts_with("CONNECT api.checkout.com:443 HTTP/1.1\r\n"), "{:?}", proxy.seen());
    }
}

#[tokio::test]
async fn an_unreachable_proxy_is_not_sent() {
    let unused = TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap();
    let transport = HyperTransport::builder().proxy(Proxy::new(&format!("http://{unused}")).unwrap()).build();
    for url in ["https://api.checkout.com/payments".to_owned(), "http://127.0.0.1:9/payments".to_owned()] {
        let error = transport.send(get(url)).await.unwrap_err();
        assert_eq!(error.kind(), TransportErrorKind::NotSent, "{error}");
        assert!(error.to_string().contains(&unused.to_string()), "{error}");
    }
}

#[tokio::test]
async fn turning_proxies_off_ignores_them() {
    let proxy = LoopbackProxy::start(None).await;
    let (origin, origin_seen) = origin().await;
    let transport = HyperTransport::builder().proxy(Proxy::new(&proxy.url()).unwrap()).no_proxy().build();
    assert_eq!(transport.send(get(format!("http://{origin}/"))).await.unwrap().status, 200);
    assert!(proxy.seen().is_empty());
    assert_eq!(origin_seen.lock().unwrap().len(), 1);
    assert!(transport.proxies().is_some_and(ProxySettings::is_direct));
}
