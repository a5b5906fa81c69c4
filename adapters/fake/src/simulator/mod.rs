//! The sandbox simulator (in progress).
