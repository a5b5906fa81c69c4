//! Proxies are honoured by default: `HyperTransport::new()` reads `HTTP_PROXY` and `NO_PROXY` from
//! the process environment. This binary holds this one test only, so setting the variables races
//! with nothing (every other proxy test injects its variables instead).

use std::time::Duration;

use checkout_sdk_core::transport::{Headers, HttpRequest, HttpTransport, Method};
use checkout_sdk_hyper::HyperTransport;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A "proxy" that records the request line it is sent and answers `200` itself.
async fn answering_proxy() -> (String, tokio::task::JoinHandle<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut head = Vec::new();
        let mut buf = [0u8; 1024];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = stream.read(&mut buf).await.unwrap();
            assert!(n > 0, "the client hung up");
            head.extend_from_slice(&buf[..n]);
        }
        stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nproxied").await.unwrap();
        String::from_utf8_lossy(&head).lines().next().unwrap_or_default().to_owned()
    });
    (url, seen)
}

fn get(url: &str) -> HttpRequest {
    HttpRequest {
        method: Method::Get,
        url: url.into(),
        headers: Headers::new(),
        body: Default::default(),
        timeout: Some(Duration::from_secs(10)),
    }
}

#[tokio::test]
async fn the_default_transport_uses_the_proxy_variables_of_the_environment() {
    let (proxy, seen) = answering_proxy().await;
    for name in ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "http_proxy", "no_proxy", "REQUEST_METHOD"] {
        std::env::remove_var(name);
    }
    std::env::set_var("HTTP_PROXY", &proxy);
    // Nothing listens on 127.0.0.1:9: only the proxy can answer this one.
    std::env::set_var("NO_PROXY", "127.0.0.2");
    let transport = HyperTransport::new();
    let response = transport.send(get("http://127.0.0.1:9/via-env")).await.unwrap();
    assert_eq!((response.status, response.body.as_slice()), (200, b"proxied".as_slice()));
    assert_eq!(seen.await.unwrap(), "GET http://127.0.0.1:9/via-env HTTP/1.1");

    // A host on NO_PROXY goes directly (and, with nothing listening there, is refused).
    let error = transport.send(get("http://127.0.0.2:9/direct")).await.unwrap_err();
    assert!(error.to_string().contains("could not connect"), "{error}");

    // An unusable proxy variable is an error at build time that names the variable only.
    std::env::set_var("HTTP_PROXY", "socks5://user:hunter2@127.0.0.1:1080");
    let error = HyperTransport::builder().try_build().unwrap_err();
    assert!(error.to_string().contains("HTTP_PROXY") && !error.to_string().contains("hunter2"), "{error}");
    // Unless proxies are turned off.
    assert!(HyperTransport::builder().no_proxy().try_build().is_ok());
}
