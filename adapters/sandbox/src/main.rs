//! `checkout-sandbox`: the Checkout.com sandbox simulator over HTTP.
//!
//! ```text
//! checkout-sandbox --addr 127.0.0.1:8080 --seed 42
//! ```
//! The first line on stdout is `listening on http://HOST:PORT` (port 0 picks a free port); then a
//! line per request goes to stderr. Every option can also come from an environment variable
//! (`CHECKOUT_SANDBOX_ADDR`, ...): see `checkout-sandbox --help`.

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use checkout_sdk_sandbox::ServerConfig;
use checkout_sdk_simulator::{Limits, Simulator};
use clap::Parser;

/// The Checkout.com sandbox simulator over HTTP: the Payments API's paths, status codes, headers and
/// bodies, with the sandbox's test cards, on your machine, with no key and no network.
///
/// The first line on stdout is `listening on http://HOST:PORT`; then one line per request goes to
/// stderr: method, path (never the query), status, milliseconds and request id. Ctrl-C or SIGTERM
/// stops it after requests in progress finish.
#[derive(Debug, Parser)]
#[command(name = "checkout-sandbox", version, about, long_about)]
struct Args {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, env = "CHECKOUT_SANDBOX_ADDR", value_name = "HOST:PORT", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,

    /// Reproducible runs: the same ids, request ids, injected faults and timestamps for the same
    /// requests, with a clock that starts at 2026-01-01T00:00:00Z.
    #[arg(long, env = "CHECKOUT_SANDBOX_SEED", value_name = "N")]
    seed: Option<u64>,

    /// Connections open at once; when full, the one waiting longest makes room, and when all are
    /// busy a new one gets 503 [default: 1024, or the open-files soft limit less 64 when lower]
    #[arg(long, env = "CHECKOUT_SANDBOX_MAX_CONNECTIONS", value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    max_connections: Option<u32>,

    /// Longest a request head may take from its first byte (e.g. 10s, 500ms).
    #[arg(long, env = "CHECKOUT_SANDBOX_HEADER_READ_TIMEOUT", value_name = "DURATION", default_value = "10s", value_parser = duration)]
    header_read_timeout: Duration,

    /// Longest a request body may take once its head has arrived (then 408).
    #[arg(long, env = "CHECKOUT_SANDBOX_BODY_READ_TIMEOUT", value_name = "DURATION", default_value = "30s", value_parser = duration)]
    body_read_timeout: Duration,

    /// How long a connection may sit with no request in progress and no byte arriving.
    #[arg(long, env = "CHECKOUT_SANDBOX_IDLE_TIMEOUT", value_name = "DURATION", default_value = "60s", value_parser = duration)]
    idle_timeout: Duration,

    /// On shutdown, how long requests in progress may take to finish.
    #[arg(long, env = "CHECKOUT_SANDBOX_SHUTDOWN_GRACE", value_name = "DURATION", default_value = "5s", value_parser = duration)]
    shutdown_grace: Duration,

    /// A Host value (host or host:port) links in responses may point at, besides the listening
    /// address and the loopback names; repeat it, or separate them with commas.
    #[arg(long = "allowed-host", env = "CHECKOUT_SANDBOX_ALLOWED_HOSTS", value_name = "HOST", value_delimiter = ',')]
    allowed_hosts: Vec<String>,

    /// Payments kept; beyond that the oldest are forgotten.
    #[arg(long, env = "CHECKOUT_SANDBOX_MAX_PAYMENTS", value_name = "N", default_value_t = Limits::default().payments)]
    max_payments: usize,

    /// Idempotency records kept; beyond that the oldest are forgotten.
    #[arg(long, env = "CHECKOUT_SANDBOX_MAX_IDEMPOTENCY_RECORDS", value_name = "N", default_value_t = Limits::default().idempotency_records)]
    max_idempotency_records: usize,

    /// How long the OAuth access tokens issued at /connect/token live (at least 1s); shorten it to
    /// see clients refresh them.
    #[arg(long, env = "CHECKOUT_SANDBOX_TOKEN_LIFETIME", value_name = "DURATION", default_value = "60m", value_parser = duration)]
    token_lifetime: Duration,

    /// Do not log requests (the variable takes 1/0, true/false, yes/no, on/off).
    #[arg(long, env = "CHECKOUT_SANDBOX_QUIET", value_parser = clap::builder::BoolishValueParser::new())]
    quiet: bool,
}

/// A duration such as `500ms`, `10s` or `2m`; a bare number is seconds. Zero is refused: it would
/// close every connection at once.
fn duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number.parse().map_err(|_| format!("{text:?} is not a duration such as 500ms, 10s or 2m"))?;
    let duration = match unit.trim() {
        "ms" => Duration::from_millis(number),
        "" | "s" => Duration::from_secs(number),
        "m" => Duration::from_secs(number.saturating_mul(60)),
        _ => return Err(format!("{text:?}: the unit must be ms, s or m")),
    };
    if duration.is_zero() {
        return Err("a timeout must be longer than zero".into());
    }
    Ok(duration)
}

impl Args {
    fn config(&self) -> ServerConfig {
        let mut config = ServerConfig::default()
            .with_header_read_timeout(self.header_read_timeout)
            .with_body_read_timeout(self.body_read_timeout)
            .with_idle_timeout(self.idle_timeout)
            .with_shutdown_grace(self.shutdown_grace);
        if let Some(max) = self.max_connections {
            config = config.with_max_connections(max as usize);
        }
        for host in &self.allowed_hosts {
            config = config.with_allowed_host(host.clone());
        }
        if !self.quiet {
            config = config.with_request_log(|line| eprintln!("{line}"));
        }
        config
    }

    fn simulator(&self) -> Simulator {
        let simulator = self.seed.map_or_else(Simulator::new, Simulator::seeded).with_limits(
            Limits::default().with_payments(self.max_payments).with_idempotency_records(self.max_idempotency_records),
        );
        simulator.set_token_lifetime(self.token_lifetime);
        simulator
    }
}

fn main() -> ExitCode {
    // `--help` and `--version` print on stdout and exit 0; bad arguments print on stderr, exit 2.
    let args = Args::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("checkout-sandbox: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let server = match checkout_sdk_sandbox::serve_with(args.addr, args.simulator(), args.config()).await {
            Ok(server) => server,
            Err(e) => {
                eprintln!("checkout-sandbox: cannot listen on {}: {e}", args.addr);
                return ExitCode::FAILURE;
            }
        };
        let mut out = std::io::stdout();
        let _ = writeln!(out, "listening on http://{}", server.local_addr());
        let _ = out.flush();
        stop_signal().await;
        server.shutdown().await;
        ExitCode::SUCCESS
    })
}

/// Ctrl-C, or (on Unix) SIGTERM: what a terminal or a process manager sends to stop the server.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut terminate) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = terminate.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn durations_take_a_unit() {
        assert_eq!(duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(duration("7"), Ok(Duration::from_secs(7)));
        assert_eq!(duration("2m"), Ok(Duration::from_secs(120)));
        for bad in ["", "0s", "ten", "5h", "-1s", "1.5s"] {
            assert!(duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_option_has_an_environment_variable() {
        let command = Args::command();
        for arg in command.get_arguments().filter(|a| !matches!(a.get_id().as_str(), "help" | "version")) {
            let env = arg.get_env().and_then(|e| e.to_str()).unwrap_or_default();
            assert!(env.starts_with("CHECKOUT_SANDBOX_"), "--{} has no environment variable", arg.get_id());
        }
        command.debug_assert();
    }
}
