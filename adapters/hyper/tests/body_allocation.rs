//! The response body is never sized from what the server declares: a global allocator records the
//! largest single allocation while responses that declare far more than they send are read with
//! the body cap raised out of the way.
//!
//! Its own test binary, with one test, so nothing else allocates while it measures.

// A `GlobalAlloc` implementation is inherently `unsafe` (the trait and its methods are `unsafe`),
// and the workspace denies `unsafe_code`. This binary only forwards to `System` and records sizes.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use checkout_sdk_core::transport::{Headers, HttpRequest, HttpTransport, Method, TransportErrorKind};
use checkout_sdk_hyper::HyperTransport;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// The largest single allocation (or reallocation) since the last reset.
static LARGEST: AtomicUsize = AtomicUsize::new(0);

/// Forwards to [`System`], recording the largest size asked for.
struct Largest;

// SAFETY: every method forwards to `System` with the caller's own arguments.
unsafe impl GlobalAlloc for Largest {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        // SAFETY: forwarded as is.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        // SAFETY: forwarded as is.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded as is.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LARGEST.fetch_max(new_size, Ordering::Relaxed);
        // SAFETY: forwarded as is.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Largest = Largest;

/// No allocation while reading one of these responses may come near this.
const CEILING: usize = 1024 * 1024;

#[test]
fn a_huge_declared_content_length_does_not_allocate_or_panic() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        // 1 GiB would be allocated lazily (and pass unnoticed without this allocator); 10^14 aborts
        // the process and 2^63 panics when a buffer is sized from the declaration.
        for declared in [1u64 << 30, 100_000_000_000_000, 1 << 63] {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let server = tokio::spawn(async move {
                let (mut stream, _) = listener.accept().await.unwrap();
                let mut request = [0u8; 4096];
                let _ = stream.read(&mut request).await;
                let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {declared}\r\n\r\n{{}}");
                let _ = stream.write_all(head.as_bytes()).await;
                // Then close: the body ends after 2 of the declared bytes.
            });
            let transport =
                HyperTransport::builder().max_body_bytes(usize::MAX).timeout(Duration::from_secs(5)).build();
            let request = HttpRequest {
                method: Method::Get,
                url: format!("http://{addr}/"),
                headers: Headers::new(),
                body: Default::default(),
                timeout: None,
            };

            LARGEST.store(0, Ordering::Relaxed);
            let error = transport.send(request).await.expect_err("the body is cut short");
            let largest = LARGEST.load(Ordering::Relaxed);

            assert_eq!(error.kind(), TransportErrorKind::Interrupted, "{declared}: {error}");
            assert!(largest < CEILING, "{declared}: an allocation of {largest} bytes for a 2-byte body");
            server.await.unwrap();
        }
    });
}
