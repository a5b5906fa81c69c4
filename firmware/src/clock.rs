//! Waiting between attempts: the blocking client's sleeper, counted out on the SysTick timer.

use core::cell::RefCell;
use core::time::Duration;

use checkout_sdk_core::blocking::BlockingSleeper;
use cortex_m::peripheral::syst::SystClkSource;
use cortex_m::peripheral::SYST;
use cortex_m_semihosting::hprintln;

/// The MPS2 board's core clock (AN386: 25 MHz).
pub(crate) const CORE_HZ: u32 = 25_000_000;

/// Busy-waits whole milliseconds on SysTick, which wraps once per millisecond.
pub(crate) struct SysTickSleeper {
    syst: RefCell<SYST>,
}

impl SysTickSleeper {
    /// Starts SysTick from the core clock, wrapping every millisecond.
    pub(crate) fn new(mut syst: SYST) -> Self {
        syst.set_clock_source(SystClkSource::Core);
        syst.set_reload(CORE_HZ / 1_000 - 1);
        syst.clear_current();
        syst.enable_counter();
        SysTickSleeper { syst: RefCell::new(syst) }
    }
}

impl BlockingSleeper for SysTickSleeper {
    fn sleep(&self, duration: Duration) {
        // Whole milliseconds as a u32 (about 49 days): u128 formatting would cost flash.
        let millis = u32::try_from(duration.as_millis()).unwrap_or(u32::MAX);
        hprintln!("  wait {} ms on SysTick before the next attempt", millis);
        let mut syst = self.syst.borrow_mut();
        syst.clear_current();
        // Reading the wrap flag clears it: start counting from a clean flag.
        let _ = syst.has_wrapped();
        for _ in 0..millis {
            while !syst.has_wrapped() {}
        }
    }
}
