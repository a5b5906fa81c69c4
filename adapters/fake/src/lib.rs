//! Test doubles for the Checkout.com Payments SDK: a recording fake transport and cassettes.
//!
//! The in-memory simulator of the Checkout.com sandbox is its own crate, `checkout-sdk-simulator`.

#[cfg(feature = "cassette")]
pub mod cassette;
pub mod recording;
