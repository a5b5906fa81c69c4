//! `checkout-sandbox`: the Checkout.com sandbox simulator over HTTP.
//!
//! ```text
//! checkout-sandbox --addr 127.0.0.1:8080 --seed 42
//! ```
//! The first line on stdout is `listening on http://HOST:PORT` (port 0 picks a free port); then a
//! line per request goes to stderr. Every option can also come from an environment variable
//! (`CHECKOUT_SANDBOX_ADDR`, ...): see `checkout-sandbox --help`.
//!
//! ```text
//! CHECKOUT_SANDBOX_WEBHOOK_SECRET=whsk_... checkout-sandbox --webhook-url http://127.0.0.1:9000/webhooks
//! ```
//! posts a signed event for every payment state change to that URL.

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use std::fmt;

use checkout_sdk_core::webhook::{EventType, SignatureKey, WebhookAuthorization};
use checkout_sdk_sandbox::ServerConfig;
use checkout_sdk_simulator::{Limits, Simulator, WebhookEndpoint};
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

    /// Post a signed webhook event for every payment state change to this URL (http:// only);
    /// repeat it, or separate URLs with commas, for several endpoints.
    #[arg(long = "webhook-url", env = "CHECKOUT_SANDBOX_WEBHOOK_URL", value_name = "URL", value_delimiter = ',')]
    webhook_urls: Vec<String>,

    /// The key webhooks are signed with (Cko-Signature): one for every URL, or one per URL in the
    /// same order. Prefer the environment variable: a command line is visible to other users.
    #[arg(long = "webhook-secret", env = "CHECKOUT_SANDBOX_WEBHOOK_SECRET", value_name = "SECRET", hide_env_values = true, value_parser = secret)]
    webhook_secrets: Vec<Secret>,

    /// A value sent in the Authorization header of every webhook: one for every URL, or one per
    /// URL in the same order.
    #[arg(long = "webhook-authorization", env = "CHECKOUT_SANDBOX_WEBHOOK_AUTHORIZATION", value_name = "VALUE", hide_env_values = true, value_parser = secret)]
    webhook_authorizations: Vec<Secret>,

    /// Send only these event types (e.g. payment_captured); repeat it, or separate them with
    /// commas [default: every type]
    #[arg(long = "webhook-event", env = "CHECKOUT_SANDBOX_WEBHOOK_EVENTS", value_name = "TYPE", value_delimiter = ',')]
    webhook_events: Vec<String>,

    /// How long one minute of the webhook retry schedule (1, 2, 4, ... 128 minutes) lasts here.
    #[arg(long, env = "CHECKOUT_SANDBOX_WEBHOOK_RETRY_SCALE", value_name = "DURATION", default_value = "1s", value_parser = duration)]
    webhook_retry_scale: Duration,

    /// How long one webhook delivery attempt may wait for an answer.
    #[arg(long, env = "CHECKOUT_SANDBOX_WEBHOOK_TIMEOUT", value_name = "DURATION", default_value = "5s", value_parser = duration)]
    webhook_timeout: Duration,

    /// Retries after a failed webhook delivery, 0 to 8.
    #[arg(long, env = "CHECKOUT_SANDBOX_WEBHOOK_RETRIES", value_name = "N", default_value_t = checkout_sdk_sandbox::MAX_RETRIES, value_parser = clap::value_parser!(u32).range(0..=8))]
    webhook_retries: u32,
}

/// A secret from the command line or the environment. Never shown: not in `Debug`, and, because
/// parsing it cannot fail, never in one of clap's error messages (which quote the value).
#[derive(Clone)]
struct Secret(String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

fn secret(text: &str) -> Result<Secret, std::convert::Infallible> {
    Ok(Secret(text.to_string()))
}

/// `one` for every position, or one per position: the values for `n` endpoints.
fn per_endpoint<T: Clone>(values: &[T], n: usize, option: &str) -> Result<Vec<Option<T>>, String> {
    match values.len() {
        0 => Ok(vec![None; n]),
        1 => Ok(vec![values.first().cloned(); n]),
        len if len == n => Ok(values.iter().cloned().map(Some).collect()),
        len => Err(format!("{option}: give one for every --webhook-url, or one per URL ({len} for {n} URLs)")),
    }
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
    /// The webhook endpoints the options describe; an error names the option, never a secret.
    fn webhook_endpoints(&self) -> Result<Vec<WebhookEndpoint>, String> {
        let n = self.webhook_urls.len();
        if n == 0 {
            return match (self.webhook_secrets.is_empty(), self.webhook_authorizations.is_empty()) {
                (true, true) => Ok(Vec::new()),
                _ => Err("--webhook-secret and --webhook-authorization need a --webhook-url".into()),
            };
        }
        if self.webhook_secrets.is_empty() {
            return Err("--webhook-url needs a --webhook-secret (the key webhooks are signed with)".into());
        }
        let mut events = Vec::new();
        for name in &self.webhook_events {
            let event = EventType::parse(name.trim());
            if !event.is_known() {
                return Err(format!("--webhook-event: {:?} is not an event type the sandbox knows (payment_approved, payment_captured, ...)", name.trim()));
            }
            events.push(event);
        }
        let secrets = per_endpoint(&self.webhook_secrets, n, "--webhook-secret")?;
        let authorizations = per_endpoint(&self.webhook_authorizations, n, "--webhook-authorization")?;
        let mut endpoints = Vec::with_capacity(n);
        for (i, ((url, secret), authorization)) in self.webhook_urls.iter().zip(secrets).zip(authorizations).enumerate()
        {
            let position = i + 1;
            let key = secret
                .map(|Secret(key)| SignatureKey::new(key))
                .transpose()
                .map_err(|e| format!("--webhook-secret for URL {position}: {e}"))?
                .ok_or("--webhook-url needs a --webhook-secret")?;
            let mut endpoint = WebhookEndpoint::new(url.trim(), key)
                .map_err(|e| format!("--webhook-url {position}: {e}"))?
                .with_events(events.iter().cloned());
            if let Some(Secret(value)) = authorization {
                let value = WebhookAuthorization::new(value)
                    .map_err(|e| format!("--webhook-authorization for URL {position}: {e}"))?;
                endpoint = endpoint.with_authorization(value);
            }
            endpoints.push(endpoint);
        }
        Ok(endpoints)
    }

    fn config(&self) -> Result<ServerConfig, String> {
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
        config = config
            .with_webhook_retry_scale(self.webhook_retry_scale)
            .with_webhook_attempt_timeout(self.webhook_timeout)
            .with_webhook_retries(self.webhook_retries);
        for endpoint in self.webhook_endpoints()? {
            config = config.with_webhook_endpoint(endpoint);
        }
        Ok(config)
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
    let config = match args.config() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("checkout-sandbox: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("checkout-sandbox: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        for endpoint in &config.webhook_endpoints {
            let events = endpoint.events().iter().map(EventType::as_str).collect::<Vec<_>>().join(", ");
            let events = if events.is_empty() { "every event".to_string() } else { events };
            eprintln!("webhooks: {} gets {events}, signed", endpoint.display_url());
        }
        let server = match checkout_sdk_sandbox::serve_with(args.addr, args.simulator(), config).await {
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
