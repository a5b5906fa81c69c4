//! The shared transport conformance suite (`checkout_sdk_fake::conformance`), against
//! `ReqwestTransport`: the same loopback servers and promises as the hyper and ureq transports.

use checkout_sdk_core::blocking::BlockingTransport;
use checkout_sdk_core::transport::{HttpRequest, HttpResponse, HttpTransport, TransportError};
use checkout_sdk_fake::conformance::Limits;
use checkout_sdk_reqwest::ReqwestTransport;

/// The async transport, driven to completion on its own runtime.
#[derive(Debug)]
struct OnTokio(ReqwestTransport, tokio::runtime::Runtime);

impl BlockingTransport for OnTokio {
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.1.block_on(self.0.send(request))
    }
}

fn make(limits: Limits) -> OnTokio {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    let client = ReqwestTransport::default_client_builder().no_proxy().build().expect("a reqwest client");
    OnTokio(
        ReqwestTransport::new(client).with_timeout(limits.timeout).with_max_body_bytes(limits.max_body_bytes),
        runtime,
    )
}

checkout_sdk_fake::transport_conformance_tests!(make);
