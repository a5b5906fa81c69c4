//! What the conformance suite does not cover: error statuses and redirects come back as
//! responses, TLS failures are not sent, and one transport serves many threads.

use checkout_sdk_core::blocking::BlockingTransport;
use checkout_sdk_core::transport::{Method, TransportErrorKind};
use checkout_sdk_fake::conformance::{request, Script, Server};
use checkout_sdk_ureq::UreqTransport;

fn transport() -> UreqTransport {
    UreqTransport::builder().no_proxy().build()
}

#[test]
fn error_statuses_and_redirects_are_responses_not_errors() {
    for (status, headers) in [(503, vec![]), (422, vec![]), (302, vec![("Location", "http://127.0.0.1:9/elsewhere")])] {
        let server = Server::start(Script::Respond { status, headers, body: br#"{"error_type":"x"}"#.to_vec() });
        let response = transport().send(request(Method::Post, server.url("/payments"), b"{}")).unwrap();
        assert_eq!((response.status, response.body.as_slice()), (status, br#"{"error_type":"x"}"#.as_slice()));
        assert_eq!(server.seen().len(), 1, "nothing followed or retried");
    }
}

#[test]
fn a_handshake_the_server_breaks_off_fails_on_the_safe_side() {
    // The server reads the ClientHello as a malformed request and hangs up. ureq reports that as
    // an unexpected end of file without saying whether it happened while connecting, so the
    // transport cannot claim NotSent: it says Interrupted (may have been sent), which only ever
    // makes the core more careful (it retries a POST only with its idempotency key).
    let server = Server::start(Script::Respond { status: 200, headers: vec![], body: b"{}".to_vec() });
    let url = format!("https://localhost:{}/payments", server.addr().port());
    let error = transport().send(request(Method::Get, url, b"")).unwrap_err();
    assert!(matches!(error.kind(), TransportErrorKind::NotSent | TransportErrorKind::Interrupted), "{error}");
    assert!(server.seen().is_empty(), "no HTTP request was readable: it was inside TLS");
}

#[test]
fn one_transport_serves_many_threads() {
    let server = Server::start(Script::Respond { status: 200, headers: vec![], body: b"{}".to_vec() });
    let transport = transport();
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                for _ in 0..5 {
                    assert_eq!(transport.send(request(Method::Get, server.url("/"), b"")).unwrap().status, 200);
                }
            });
        }
    });
    assert_eq!(server.seen().len(), 20);
    assert!(server.connections() <= 20);
}
