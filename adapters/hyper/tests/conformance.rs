//! The shared transport conformance suite (`checkout_sdk_fake::conformance`), against
//! `HyperTransport`: the same loopback servers and promises as the reqwest and ureq transports.

use checkout_sdk_core::blocking::BlockingTransport;
use checkout_sdk_core::transport::{HttpRequest, HttpResponse, HttpTransport, TransportError};
use checkout_sdk_fake::conformance::Limits;
use checkout_sdk_hyper::HyperTransport;

/// The async transport, driven to completion on its own runtime.
#[derive(Debug)]
struct OnTokio(HyperTransport, tokio::runtime::Runtime);

impl BlockingTransport for OnTokio {
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.1.block_on(self.0.send(request))
    }
}

fn make(limits: Limits) -> OnTokio {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    let transport =
        HyperTransport::builder().timeout(limits.timeout).max_body_bytes(limits.max_body_bytes).no_proxy().build();
    OnTokio(transport, runtime)
}

checkout_sdk_fake::transport_conformance_tests!(make);
