//! The `checkout-sandbox` binary, run by a test and killed when the test ends, passed or not (a
//! server left running would hold the test's pipes, and with them whatever waits on its output).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// The binary under test.
pub(crate) const BINARY: &str = env!("CARGO_BIN_EXE_checkout-sandbox");

/// A running server, killed when dropped.
pub(crate) struct Running {
    pub(crate) child: Child,
    /// `HOST:PORT`, from its first line (`listening on http://HOST:PORT`).
    pub(crate) addr: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the binary with `args` and `env` (stderr captured, or dropped with `Stdio::null()`)
/// and waits for the line that gives its address.
pub(crate) fn spawn(args: &[&str], env: &[(&str, &str)], stderr: Stdio) -> Running {
    let mut command = Command::new(BINARY);
    command.args(args).envs(env.iter().copied()).stdout(Stdio::piped()).stderr(stderr);
    let child = command.spawn().expect("start the binary");
    // Owned from here: a panic below still kills it.
    let mut running = Running { child, addr: String::new() };
    let mut first = String::new();
    BufReader::new(running.child.stdout.take().expect("stdout")).read_line(&mut first).expect("the first line");
    let addr = first.trim().strip_prefix("listening on http://").unwrap_or_else(|| panic!("first line {first:?}"));
    running.addr = addr.to_string();
    running
}
