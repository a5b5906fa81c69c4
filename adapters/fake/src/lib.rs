//! Test doubles for the Checkout.com Payments SDK: a recording fake transport, cassettes, faults
//! at chosen attempts around any transport, and an in-memory simulator of the Checkout.com
//! sandbox.

#[cfg(feature = "cassette")]
pub mod cassette;
pub mod fault_injection;
pub mod recording;
pub mod simulator;
