//! The shared transport conformance suite (`checkout_sdk_fake::conformance`), against
//! `UreqTransport`: the same loopback servers and promises as the hyper and reqwest transports.

use checkout_sdk_fake::conformance::Limits;
use checkout_sdk_ureq::UreqTransport;

fn make(limits: Limits) -> UreqTransport {
    UreqTransport::builder().timeout(limits.timeout).max_body_bytes(limits.max_body_bytes).no_proxy().build()
}

checkout_sdk_fake::transport_conformance_tests!(make);
