//! Heap allocations per request: building + serialising one card payment request, and parsing one
//! `201` response, counted by a wrapping global allocator and held under documented ceilings
//! (see `BENCHMARKS.md`). A ceiling is the measured count plus about 25 %: a change that adds
//! allocations on the hot path fails here and must either be fixed or raise the ceiling on
//! purpose.
//!
//! Only allocations made by the measuring thread while its window is open are counted, so the
//! test harness's other threads (and parallel tests) cannot pollute the numbers.
//!
//! Run with `cargo test -p checkout-sdk-core --test allocations -- --nocapture` to see the counts.

// A `GlobalAlloc` implementation is inherently `unsafe` (the trait and its methods are `unsafe`),
// and the workspace denies `unsafe_code`. This test binary is the only place that needs it; it
// only forwards to `System` and bumps thread-local counters.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

mod support;

use checkout_sdk_core::link::Links;
use checkout_sdk_core::operation::{Operation, RequestPayment};
use checkout_sdk_core::outcome::Outcome;
use checkout_sdk_core::payment::Payment;
use checkout_sdk_core::transport::HttpResponse;
use serde_json::{json, Value};

/// Ceiling for building + serialising one card payment request (allocations).
const BUILD_ALLOCS_CEILING: u64 = 25;
/// Ceiling for building + serialising one card payment request (bytes requested).
const BUILD_BYTES_CEILING: u64 = 1_190;
/// Ceiling for parsing one `201` response into `Response<Payment>` (allocations).
const PARSE_ALLOCS_CEILING: u64 = 25;
/// Ceiling for parsing one `201` response into `Response<Payment>` (bytes requested).
const PARSE_BYTES_CEILING: u64 = 410;
/// Issue 14's target for building and parsing one payment, together (allocations).
const PAYMENT_ALLOCS_TARGET: u64 = 60;

thread_local! {
    // `const` initialisers with no destructor: reading them never allocates, which matters
    // inside an allocator.
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static ALLOCS: Cell<u64> = const { Cell::new(0) };
    static BYTES: Cell<u64> = const { Cell::new(0) };
}

/// Forwards to [`System`], counting allocations (including reallocations) and requested bytes
/// on threads that have a counting window open.
struct Counting;

fn record(bytes: usize) {
    // `try_with`: thread-locals may already be gone while a thread shuts down.
    let _ = COUNTING.try_with(|on| {
        if on.get() {
            ALLOCS.with(|n| n.set(n.get() + 1));
            BYTES.with(|b| b.set(b.get() + bytes as u64));
        }
    });
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged, so `System`'s
// guarantees carry over; the counters are plain thread-local cells that never allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        record(layout.size());
        // SAFETY: forwarded as is; the caller upholds `GlobalAlloc::alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        record(layout.size());
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from this allocator, i.e. from `System`, with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        record(new_size);
        // SAFETY: `ptr` came from `System` with `layout`; the caller upholds `realloc`'s contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations and bytes requested by one closure on the current thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Counted {
    allocs: u64,
    bytes: u64,
}

/// Runs `f` with the current thread's counting window open. Whatever `f` returns is dropped after
/// the window closes (drops never allocate, but this keeps the window to the work itself).
fn count<T>(f: impl FnOnce() -> T) -> (Counted, T) {
    ALLOCS.with(|n| n.set(0));
    BYTES.with(|b| b.set(0));
    COUNTING.with(|on| on.set(true));
    let out = std::hint::black_box(f());
    COUNTING.with(|on| on.set(false));
    (Counted { allocs: ALLOCS.with(Cell::get), bytes: BYTES.with(Cell::get) }, out)
}

/// The smallest count over a few runs after a warm-up: lazily initialised statics are not part of
/// the per-request cost.
fn steady<T>(mut f: impl FnMut() -> T) -> Counted {
    drop(f());
    (0..5).map(|_| count(&mut f).0).min_by_key(|c| (c.allocs, c.bytes)).expect("five runs")
}

/// The `201 Created` example of `POST /payments` in the API reference (the shared fixture).
const PAYMENT_201: &str = include_str!("fixtures/payment_201_approved.json");

fn response_201() -> HttpResponse {
    HttpResponse::new(201, PAYMENT_201.as_bytes().to_vec())
        .with_header("Content-Type", "application/json; charset=utf-8")
        .with_header("Cko-Request-Id", "0HL80RJLS76I7")
        .with_header("Cko-Version", "1.0.0")
}

/// One test, so the two windows never overlap and the report prints in one place.
#[test]
fn allocations_per_request_stay_under_their_ceilings() {
    let config = support::sandbox_config();

    let build = steady(|| RequestPayment::new(support::card_payment()).build_request(&config).expect("builds"));
    // Context for the report: the untyped equivalents of the same work.
    let value_build = steady(|| {
        serde_json::to_vec(&json!({
            "source": {"type": "card", "number": "4242424242424242", "expiry_month": 6, "expiry_year": 2030, "cvv": "100"},
            "amount": 6540, "currency": "USD", "reference": "ORD-5023-4E89",
            "customer": {"email": "jokershere@gmail.com", "name": "Jack Napier"},
        }))
        .expect("serialises")
    });

    let op = RequestPayment::new(support::card_payment());
    // The response is made outside the window: a transport hands it over already allocated.
    let mut responses = (0..6).map(|_| response_201()).collect::<Vec<_>>();
    let parse = steady(|| op.parse_response(responses.pop().expect("six responses")).expect("parses"));
    let value_parse = steady(|| serde_json::from_slice::<Value>(PAYMENT_201.as_bytes()).expect("JSON"));
    // Where the parse goes: the typed decode straight from the bytes, and the links.
    let typed = steady(|| serde_json::from_slice::<Payment>(PAYMENT_201.as_bytes()).expect("decodes"));
    let value: Value = serde_json::from_str(PAYMENT_201).expect("JSON");
    let links = steady(|| Links::from_body(&value));
    // The raw JSON view is built only when asked for: the first index pays for it.
    let lazy_view = {
        let payment = op.parse_response(response_201()).expect("parses");
        count(|| payment["source"]["type"].as_str().map(str::len)).0
    };

    // So are the links: the first use reads them from the bytes.
    let lazy_links = {
        let payment = op.parse_response(response_201()).expect("parses");
        count(|| payment.links().len()).0
    };

    // The first classification of a fresh response counts too: an approved payment's outcome
    // needs no links, so it must not read them.
    let payment = op.parse_response(response_201()).expect("parses");
    let outcome = count(|| payment.outcome()).0;
    assert_eq!(payment.outcome(), Outcome::Flagged);

    println!("build + serialise a card payment: {} allocations, {} bytes", build.allocs, build.bytes);
    println!("  (json! + to_vec of the same body: {} allocations, {} bytes)", value_build.allocs, value_build.bytes);
    println!("parse a 201 into Response<Payment>: {} allocations, {} bytes", parse.allocs, parse.bytes);
    println!(
        "  (from_slice::<Value> of the same bytes: {} allocations, {} bytes)",
        value_parse.allocs, value_parse.bytes
    );
    println!("  (of which Payment from the bytes: {} allocations, {} bytes)", typed.allocs, typed.bytes);
    println!(
        "  (Links::from_body of a parsed Value, for comparison: {} allocations, {} bytes)",
        links.allocs, links.bytes
    );
    println!("the raw JSON view, on first use: {} allocations, {} bytes", lazy_view.allocs, lazy_view.bytes);
    println!("the links, on first use: {} allocations, {} bytes", lazy_links.allocs, lazy_links.bytes);
    println!("build + parse one payment: {} allocations (target {PAYMENT_ALLOCS_TARGET})", build.allocs + parse.allocs);
    println!("classify the outcome: {} allocations, {} bytes", outcome.allocs, outcome.bytes);

    assert!(build.allocs > 0 && parse.allocs > 0, "the counting allocator is not installed");
    assert!(
        build.allocs <= BUILD_ALLOCS_CEILING && build.bytes <= BUILD_BYTES_CEILING,
        "building + serialising a payment request allocates more than its ceiling \
         ({build:?} > {BUILD_ALLOCS_CEILING} allocations / {BUILD_BYTES_CEILING} bytes): see BENCHMARKS.md"
    );
    assert!(
        parse.allocs <= PARSE_ALLOCS_CEILING && parse.bytes <= PARSE_BYTES_CEILING,
        "parsing a 201 allocates more than its ceiling \
         ({parse:?} > {PARSE_ALLOCS_CEILING} allocations / {PARSE_BYTES_CEILING} bytes): see BENCHMARKS.md"
    );
    assert!(
        build.allocs + parse.allocs <= PAYMENT_ALLOCS_TARGET,
        "building and parsing a payment allocates more than issue 14's target ({} > {PAYMENT_ALLOCS_TARGET})",
        build.allocs + parse.allocs
    );
    // The JSON view is not built until asked for, and then it is built (once).
    assert!(lazy_view.allocs > 0, "indexing the body should build the JSON view");
    assert!(lazy_links.allocs > 0, "the first use of the links should read them");
    // Classifying an approved payment reads borrowed fields only.
    assert_eq!(outcome.allocs, 0, "classifying an approved outcome allocated");
}
