//! The random source the client draws generated idempotency keys (and retry jitter) from.
//!
//! xorshift64* (Vigna, 2016): a few shifts and one multiply, no tables, no dependency. The
//! emulated board has no entropy source, so the firmware seeds it from a constant and the run is
//! repeatable. **A real device must not do that**: after every reboot it would generate the same
//! keys again, and within a key's lifetime the API replays the first result for a repeated key
//! instead of making a new payment. Seed it from the MCU's hardware RNG (the STM32F4's `RNG`,
//! say), or from a unique device id mixed with a boot counter kept in flash.

use core::cell::Cell;

use checkout_sdk_core::transport::Randomness;
use critical_section::Mutex;

/// A xorshift64* generator; `Sync` through a critical section, as the client's `Randomness`
/// needs (ARMv7-M has no 64-bit atomics).
pub(crate) struct Xorshift {
    state: Mutex<Cell<u64>>,
}

impl Xorshift {
    /// A generator started from `seed` (zero, the one state xorshift cannot leave, is replaced).
    pub(crate) fn seeded(seed: u64) -> Self {
        let seed = if seed == 0 { 0x9e37_79b9_7f4a_7c15 } else { seed };
        Xorshift { state: Mutex::new(Cell::new(seed)) }
    }
}

impl Randomness for Xorshift {
    fn next_u64(&self) -> u64 {
        critical_section::with(|cs| {
            let state = self.state.borrow(cs);
            let mut x = state.get();
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            state.set(x);
            x.wrapping_mul(0x2545_f491_4f6c_dd1d)
        })
    }
}
