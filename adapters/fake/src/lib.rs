//! Test doubles for the Checkout.com Payments SDK:
//!
//! - [`recording`]: a recording fake transport (scripted replies, request assertions);
//! - [`cassette`]: recording real traffic, scrubbed, and replaying it (feature `cassette`);
//! - [`fault_injection`]: faults at chosen attempts (refused, rejected, processed then lost)
//!   around any transport;
//! - [`runtime`]: a recording sleeper, a deterministic random source and a tiny executor, so retry
//!   tests run instantly and reproducibly without tokio;
//! - [`keys`]: well-formed test keys in every format, and the sandbox base URL;
//! - [`conformance`]: the transport conformance suite (timeouts, body cap, errors that say
//!   whether the request was sent, no secrets), against scripted servers on loopback.
//!
//! The in-memory simulator of the Checkout.com sandbox is its own crate, `checkout-sdk-simulator`.

#[cfg(feature = "cassette")]
pub mod cassette;
pub mod conformance;
pub mod fault_injection;
pub mod keys;
pub mod recording;
pub mod runtime;
