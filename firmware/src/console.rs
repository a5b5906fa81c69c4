//! Output and the exit code, through semihosting: the emulator (or a debug probe) prints what
//! the firmware writes and ends with the status the firmware reports. That status is how CI
//! tells a run that did everything from one that stopped: 0 only after every check passed.

use core::fmt;

use cortex_m_semihosting::debug::{self, EXIT_FAILURE, EXIT_SUCCESS};
use cortex_m_semihosting::hprintln;

/// Ends the run successfully.
pub(crate) fn pass() -> ! {
    debug::exit(EXIT_SUCCESS);
    halt()
}

/// Prints why the run failed, then ends it with a non-zero status.
pub(crate) fn fail_with(why: fmt::Arguments<'_>) -> ! {
    hprintln!("FAIL: {}", why);
    debug::exit(EXIT_FAILURE);
    halt()
}

/// Without a debugger attached, `exit` returns: stop here rather than run on.
fn halt() -> ! {
    loop {
        cortex_m::asm::wfi();
    }
}

/// Fails the run with a formatted reason.
macro_rules! fail {
    ($($arg:tt)*) => {
        $crate::console::fail_with(format_args!($($arg)*))
    };
}
pub(crate) use fail;
