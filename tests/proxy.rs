//! The facade's proxy settings: `.proxy(url)` sends the client's requests through that proxy
//! (which sees them, with its credentials), `.no_proxy()` turns proxies off, and neither the
//! builder nor the client ever prints the proxy's password.

use std::time::Duration;

use checkout_sdk::prelude::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const KEY: &str = "sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e";
const PAYMENT_ID: &str = "pay_mbabizu24mvu3mela5njyhpit4";

/// A loopback "proxy" that records the head of the first request and answers it itself.
async fn answering_proxy() -> (String, tokio::task::JoinHandle<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut head = Vec::new();
        let mut buf = [0u8; 1024];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = stream.read(&mut buf).await.unwrap();
            assert!(n > 0, "the client hung up");
            head.extend_from_slice(&buf[..n]);
        }
        let body = format!(r#"{{"id":"{PAYMENT_ID}","status":"Authorized","amount":100,"currency":"USD"}}"#);
        let reply = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(reply.as_bytes()).await.unwrap();
        String::from_utf8_lossy(&head).into_owned()
    });
    (format!("http://shop:pr0xy-pass@{addr}"), seen)
}

fn builder() -> checkout_sdk::ClientBuilder {
    // Nothing listens on port 9: only a proxy can answer.
    Client::builder().secret_key(KEY).base_url("http://127.0.0.1:9/").retry_policy(RetryPolicy::none())
}

#[tokio::test]
async fn an_explicit_proxy_sees_the_clients_requests() {
    let (proxy, seen) = answering_proxy().await;
    let client = builder().proxy(&proxy).timeout(Duration::from_secs(10)).build().unwrap();

    let payment = client.payments().get(PAYMENT_ID).await.unwrap();

    assert_eq!(payment.id.as_str(), PAYMENT_ID);
    let head = seen.await.unwrap();
    assert!(head.starts_with(&format!("GET http://127.0.0.1:9/payments/{PAYMENT_ID} HTTP/1.1\r\n")), "{head}");
    // `Basic base64("shop:pr0xy-pass")`.
    assert!(head.to_ascii_lowercase().contains("proxy-authorization: basic c2hvcdpwcjb4es1wyxnz"), "{head}");
}

#[tokio::test]
async fn no_proxy_goes_directly() {
    let (proxy, _seen) = answering_proxy().await;
    let client = builder().proxy(&proxy).no_proxy().build().unwrap();
    let error = client.payments().get(PAYMENT_ID).await.unwrap_err();
    assert!(!error.may_have_been_processed(), "refused by 127.0.0.1:9 directly: {error}");
}

#[test]
fn proxy_credentials_are_never_printed_and_bad_proxy_urls_are_invalid_input() {
    let builder = builder().proxy("http://shop:pr0xy-pass@proxy.corp:3128");
    assert!(!format!("{builder:?}").contains("pr0xy-pass"), "{builder:?}");
    let client = builder.build().unwrap();
    assert!(!format!("{client:?}").contains("pr0xy-pass"), "{client:?}");

    let error =
        Client::builder().secret_key(KEY).proxy("socks5://shop:pr0xy-pass@proxy.corp:1080").build().unwrap_err();
    assert!(error.is_invalid_input(), "{error}");
    assert!(!format!("{error} {error:?}").contains("pr0xy-pass"), "{error:?}");
}
