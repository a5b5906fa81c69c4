//! The recording fake (in progress).
