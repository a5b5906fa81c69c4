//! The conformance suite catches transports that break their promises: each check below is run
//! against a deliberately wrong transport and must fail.

use checkout_sdk_core::blocking::BlockingTransport;
use checkout_sdk_core::transport::{HttpRequest, HttpResponse, TransportError};
use checkout_sdk_fake::conformance::{self, Limits};

/// A transport that answers every request with `answer`, without any I/O.
#[derive(Debug, Clone, Copy)]
struct Wrong(fn(&HttpRequest) -> Result<HttpResponse, TransportError>);

impl BlockingTransport for Wrong {
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        (self.0)(&request)
    }
}

fn make(answer: fn(&HttpRequest) -> Result<HttpResponse, TransportError>) -> impl Fn(Limits) -> Wrong {
    move |_| Wrong(answer)
}

#[test]
#[should_panic(expected = "expected an error")]
fn a_transport_that_never_fails_is_caught() {
    conformance::refused_connection_is_not_sent(make(|_| Ok(HttpResponse::new(200, b"{}".to_vec()))));
}

#[test]
#[should_panic(expected = "wrong kind")]
fn a_transport_that_calls_every_failure_not_sent_is_caught() {
    conformance::closed_mid_body_is_interrupted(make(|_| Err(TransportError::not_sent("gave up"))));
}

#[test]
#[should_panic(expected = "before the")]
fn a_transport_that_times_out_at_once_is_caught() {
    conformance::silent_server_times_out(make(|_| Err(TransportError::timed_out(Default::default()))));
}

/// A transport that copies the `Authorization` header into its error messages cannot leak the key:
/// the core shows transport errors redacted by value, so the check passes even for it.
#[test]
fn a_transport_that_puts_the_authorization_in_its_errors_still_cannot_leak_it() {
    conformance::secrets_stay_out_of_debug_and_errors(make(|request| {
        Err(TransportError::not_sent(format!("failed: {:?}", request.headers.iter().collect::<Vec<_>>())))
    }));
}

#[test]
#[should_panic(expected = "a refused URL must not be connected to")]
fn a_transport_that_connects_to_refused_urls_is_caught() {
    conformance::plain_http_to_other_hosts_is_refused(make(|request| {
        // Connects to the port of the (non-loopback) URL on this machine, then claims NotSent.
        let port = request.url.rsplit(':').next().and_then(|rest| rest.split('/').next()?.parse::<u16>().ok());
        let _ = std::net::TcpStream::connect(("127.0.0.1", port.unwrap_or(9)));
        Err(TransportError::not_sent("refused"))
    }));
}
