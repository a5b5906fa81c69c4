//! checkout-core (work in progress)
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod config;
pub mod error;
pub mod id;
pub mod transport;
