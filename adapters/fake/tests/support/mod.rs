//! Shared by the fake's test files: the test key, the base URL, and a minimal executor (the fake
//! must work without tokio, so the tests drive it without one).
#![allow(dead_code)]

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};

/// A new-style sandbox key.
pub(crate) const KEY: &str = "sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e";
/// The sandbox base URL.
pub(crate) const BASE: &str = "https://api.sandbox.checkout.com";

struct ThreadWaker(Thread);

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
}

/// Runs `future` to completion on the current thread.
pub(crate) fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let waker = Waker::from(Arc::new(ThreadWaker(thread::current())));
    let mut cx = Context::from_waker(&waker);
    loop {
        match future.as_mut().poll(&mut cx) {
            Poll::Ready(output) => return output,
            Poll::Pending => thread::park(),
        }
    }
}
