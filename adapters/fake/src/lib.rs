//! Test doubles for the Checkout.com Payments SDK: a recording fake transport, cassettes, and an
//! in-memory simulator of the Checkout.com sandbox.

pub mod recording;
#[cfg(feature = "cassette")]
pub mod cassette;
pub mod simulator;
