//! What the conformance suite does not cover: a caller's own client and its settings, the default
//! client's TLS, and use outside a runtime.

use std::time::Duration;

use checkout_sdk_core::transport::{HttpTransport, Method, TransportErrorKind};
use checkout_sdk_fake::conformance::{request, Script, Server};
use checkout_sdk_reqwest::ReqwestTransport;

#[tokio::test]
async fn https_uses_the_ring_rustls_client_without_a_process_provider_and_a_failed_handshake_is_not_sent() {
    // A plain-HTTP server cannot complete a TLS handshake; reqwest would panic here if the client
    // needed a process-wide rustls provider.
    let server = Server::start(Script::Respond { status: 200, headers: vec![], body: b"{}".to_vec() });
    let transport = ReqwestTransport::with_default_client().unwrap();
    let url = format!("https://localhost:{}/payments", server.addr().port());
    let error = transport.send(request(Method::Get, url, b"")).await.unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::NotSent, "{error}");
}

#[tokio::test]
async fn the_callers_client_settings_are_used_and_its_own_timeout_is_timed_out() {
    let server = Server::start(Script::Silent);
    let client =
        ReqwestTransport::default_client_builder().no_proxy().timeout(Duration::from_millis(300)).build().unwrap();
    let transport = ReqwestTransport::new(client);
    assert_eq!(transport.timeout(), checkout_sdk_reqwest::DEFAULT_TIMEOUT);
    let error = transport.send(request(Method::Post, server.url("/payments"), b"{}")).await.unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::TimedOut, "{error}");
    assert!(error.message().contains("reqwest's own timeout"), "{error}");
}

#[tokio::test]
async fn the_default_client_does_not_follow_redirects() {
    let server = Server::start(Script::Respond {
        status: 302,
        headers: vec![("Location", "http://127.0.0.1:9/elsewhere")],
        body: Vec::new(),
    });
    let transport = ReqwestTransport::new(ReqwestTransport::default_client_builder().no_proxy().build().unwrap());
    let response = transport.send(request(Method::Get, server.url("/payments/pay_1"), b"")).await.unwrap();
    assert_eq!(response.status, 302);
    assert_eq!(server.seen().len(), 1);
}

#[test]
fn outside_a_runtime_it_is_not_sent_instead_of_panicking() {
    let transport = ReqwestTransport::with_default_client().unwrap();
    let server = Server::start(Script::Respond { status: 200, headers: vec![], body: b"{}".to_vec() });
    let error =
        checkout_sdk_fake::runtime::block_on(transport.send(request(Method::Get, server.url("/"), b""))).unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::NotSent, "{error}");
    assert_eq!(server.connections(), 0);
}

#[test]
fn a_zero_budget_is_not_sent() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let transport = ReqwestTransport::with_default_client().unwrap().with_timeout(Duration::ZERO);
    let server = Server::start(Script::Respond { status: 200, headers: vec![], body: b"{}".to_vec() });
    let error = runtime.block_on(transport.send(request(Method::Get, server.url("/"), b""))).unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::NotSent, "{error}");
}
