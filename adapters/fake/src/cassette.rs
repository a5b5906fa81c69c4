//! Cassettes (in progress).
