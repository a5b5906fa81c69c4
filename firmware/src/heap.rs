//! The heap: embedded-alloc's linked-list allocator over a static arena, wrapped to count what
//! the SDK uses. The wrapper records the bytes live (as the callers asked for them), their peak,
//! the number of allocations, and the arena's high-water mark (how far into the arena the
//! first-fit allocator ever reached: the smallest arena this run would have fitted in).

use core::alloc::{GlobalAlloc, Layout};
use core::mem::MaybeUninit;
use core::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use embedded_alloc::LlffHeap;

/// The arena's size: generous, so the run measures its peak instead of running out.
pub(crate) const ARENA: usize = 64 * 1024;

/// The global allocator.
#[global_allocator]
static HEAP: CountingHeap = CountingHeap {
    heap: LlffHeap::empty(),
    start: AtomicUsize::new(0),
    live: AtomicUsize::new(0),
    peak: AtomicUsize::new(0),
    allocations: AtomicUsize::new(0),
    high_water: AtomicUsize::new(0),
};

struct CountingHeap {
    heap: LlffHeap,
    start: AtomicUsize,
    live: AtomicUsize,
    peak: AtomicUsize,
    allocations: AtomicUsize,
    high_water: AtomicUsize,
}

/// Hands the arena to the allocator. Call once, first thing, before anything allocates.
pub(crate) fn init() {
    static mut MEMORY: [MaybeUninit<u8>; ARENA] = [MaybeUninit::uninit(); ARENA];
    let start = core::ptr::addr_of_mut!(MEMORY) as usize;
    HEAP.start.store(start, Relaxed);
    // SAFETY: called once at start-up, before any allocation; the arena is a static nothing
    // else touches.
    unsafe { HEAP.heap.init(start, ARENA) }
}

/// What the heap has seen.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Usage {
    /// Bytes live now.
    pub(crate) live: usize,
    /// The most bytes live at once since the last [`reset_peak`].
    pub(crate) peak: usize,
    /// Allocations (including reallocations) since start-up.
    pub(crate) allocations: usize,
    /// How far into the arena any allocation has reached since start-up.
    pub(crate) high_water: usize,
}

/// The counts so far.
pub(crate) fn usage() -> Usage {
    Usage {
        live: HEAP.live.load(Relaxed),
        peak: HEAP.peak.load(Relaxed),
        allocations: HEAP.allocations.load(Relaxed),
        high_water: HEAP.high_water.load(Relaxed),
    }
}

/// Starts a new peak measurement from what is live now.
pub(crate) fn reset_peak() {
    HEAP.peak.store(HEAP.live.load(Relaxed), Relaxed);
}

// SAFETY: every call is passed to the linked-list heap unchanged; the wrapper only counts.
// `realloc` keeps GlobalAlloc's default (allocate, copy, free) so the copy's moment of double
// use is counted, as it happens with this allocator.
unsafe impl GlobalAlloc for CountingHeap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's layout contract is passed on as is.
        let ptr = unsafe { self.heap.alloc(layout) };
        if !ptr.is_null() {
            let live = self.live.fetch_add(layout.size(), Relaxed) + layout.size();
            self.peak.fetch_max(live, Relaxed);
            self.allocations.fetch_add(1, Relaxed);
            let end = (ptr as usize + layout.size()).saturating_sub(self.start.load(Relaxed));
            self.high_water.fetch_max(end, Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `alloc` with this layout, as the caller guarantees.
        unsafe { self.heap.dealloc(ptr, layout) };
        self.live.fetch_sub(layout.size(), Relaxed);
    }
}
