//! checkout-sdk facade (work in progress)
pub use checkout_core as core;
