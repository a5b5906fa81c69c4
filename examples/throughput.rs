//! Loopback throughput: the SDK against a bare hyper client, same server, same run.
//!
//! ```text
//! cargo run --release --example throughput -- [--base-url URL] [--requests N] [--concurrency C]
//!     [--warmup W] [--server-threads S] [--client-threads T] [--rounds R] [--raw-first] [--only sdk|raw|json]
//! ```
//!
//! Sends `N` card payment requests (`POST /payments`, an approving Visa test card, a unique
//! reference each) through the SDK — `Client::builder().config(config).transport(HyperTransport).retry_policy(no
//! retries).build().expect("a client")` — from `C` concurrent tasks, then `N` requests through a bare hyper-util legacy
//! client (HTTP/1.1, pooled, the same connector settings) with the bytes the SDK builds: the
//! headers and body come once from `RequestPayment::build_request`, and only the ten digits of
//! the reference are rewritten per request so the server does the same work in both phases.
//! Every request must come back `201` (approved for the SDK); failures are counted, printed, and
//! make the process exit non-zero.
//!
//! The `N` requests of each client are sent in `R` rounds (default 10) in ABBA order — SDK, raw,
//! raw, SDK, ... (`--raw-first` swaps it; `--rounds 1` is one SDK phase, then one raw phase):
//! the simulator keeps every payment in memory and slows down a little as it fills, so whichever
//! client ran second in one long phase would be measured against a slower server.
//!
//! Each round's rates and its own `sdk/raw` ratio go to stderr (`round 3 (raw first): ...`), then
//! the spread of the per-round ratios (`round ratios: min ..., median ..., max ...`).
//!
//! `--only sdk` (or `--only raw`) sends the `N` requests through that client alone, after its
//! warm-up, and prints only its line: for profiling one client's own CPU with `valgrind --tool=
//! callgrind` against an external server (`--base-url`). Run it with two values of `N` and divide
//! the difference in instructions by the difference in requests, so start-up and warm-up cancel.
//! `--only json` does the same for a third client, the bare one with hand-written JSON: each
//! body built as a `serde_json::Value` with `json!` and serialised, each response parsed into a
//! `Value` and its `approved` checked (what the SDK's typed layer replaces).
//!
//! The bare client sends each payment with an idempotency key of its own, as the SDK does, so the
//! server does the same work (it stores a keyed response for replay) for both.
//!
//! The bare client does nothing but send bytes and read the whole body, so it is the server's
//! own ceiling at this concurrency; the `raw` line reports it, and `ratio sdk/raw` is what the
//! SDK's request building, transport checks and typed parsing cost on top. Both phases are
//! preceded by `W` unmeasured warm-up requests (connections opened, caches warm).
//!
//! Without `--base-url`, the `checkout-sandbox` simulator is started in-process on its **own**
//! multi-threaded tokio runtime (`S` worker threads, default half the CPUs): if it shared the
//! client's runtime, the server's work would land on the same workers as whichever client is
//! being measured and the two phases would compete for those workers differently. The client
//! runtime has `T` workers (default half the CPUs, at least one each). With `--base-url`, point
//! it at any server that answers like the sandbox (e.g. `cargo run -p checkout-sdk-sandbox`).
//!
//! Output (stdout, exactly these lines, the ratio last; details go to stderr; with `--only`, the
//! one client's line):
//!
//! ```text
//! sdk: <N> req/s, p50 <X> ms, p99 <Y> ms
//! raw: <N> req/s, p50 <X> ms, p99 <Y> ms
//! ratio sdk/raw: X.XX
//! ```

use std::future::Future;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use checkout_sdk::prelude::*;
use checkout_sdk_core::operation::{Operation, RequestPayment};
use checkout_sdk_hyper::HyperTransport;
use checkout_sdk_simulator::Simulator;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use tokio::sync::oneshot;

/// A sandbox key in the new format; the simulator accepts any well-formed key.
const KEY: &str = "sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e";
/// The Visa test card the sandbox approves with cvv `100`.
const VISA: &str = "4242424242424242";
/// An amount that triggers no sandbox rule (no 3DS, no decline).
const AMOUNT: u64 = 100;
/// References are `<phase>-<10 digits>`, so every request body has the same length.
const REFERENCE_DIGITS: usize = 10;

#[derive(Debug)]
struct Args {
    base_url: Option<String>,
    requests: usize,
    concurrency: usize,
    warmup: Option<usize>,
    server_threads: usize,
    client_threads: usize,
    rounds: usize,
    raw_first: bool,
    only: Option<Side>,
}

impl Args {
    /// The name of the bare client's phase: it runs the hand-written JSON client under
    /// `--only json`.
    fn bare_name(&self) -> &'static str {
        if self.only == Some(Side::Json) {
            "json"
        } else {
            "raw"
        }
    }
}

/// One of the clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Sdk,
    Raw,
    /// The bare client with hand-written JSON (`--only json`): for profiling only.
    Json,
}

const USAGE: &str = "usage: throughput [--base-url URL] [--requests N] [--concurrency C] [--warmup W] \
                     [--server-threads S] [--client-threads T] [--rounds R] [--raw-first] \
                     [--only sdk|raw|json]";

fn parse_args() -> Result<Args, String> {
    let half_cpus = std::thread::available_parallelism().map_or(1, |n| (n.get() / 2).max(1));
    let mut args = Args {
        base_url: None,
        requests: 10_000,
        concurrency: 32,
        warmup: None,
        server_threads: half_cpus,
        client_threads: half_cpus,
        rounds: 10,
        raw_first: false,
        only: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value\n{USAGE}"));
        let number = |v: String| v.parse::<usize>().map_err(|_| format!("{flag}: not a number: {v:?}\n{USAGE}"));
        match flag.as_str() {
            "--base-url" => args.base_url = Some(value()?),
            "--requests" => args.requests = number(value()?)?,
            "--concurrency" => args.concurrency = number(value()?)?,
            "--warmup" => args.warmup = Some(number(value()?)?),
            "--server-threads" => args.server_threads = number(value()?)?,
            "--client-threads" => args.client_threads = number(value()?)?,
            "--rounds" => args.rounds = number(value()?)?,
            "--raw-first" => args.raw_first = true,
            "--only" => {
                args.only = match value()?.as_str() {
                    "sdk" => Some(Side::Sdk),
                    "raw" => Some(Side::Raw),
                    "json" => Some(Side::Json),
                    other => return Err(format!("--only: sdk, raw or json, not {other:?}\n{USAGE}")),
                }
            }
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    if [args.requests, args.concurrency, args.server_threads, args.client_threads, args.rounds].contains(&0) {
        return Err(format!("--requests, --concurrency, --rounds and the thread counts must be at least 1\n{USAGE}"));
    }
    Ok(args)
}

/// The in-process sandbox, on its own thread and runtime.
struct LocalServer {
    base_url: String,
    /// Asks the server thread to stop; it answers with the number of payments it holds.
    stop: oneshot::Sender<oneshot::Sender<usize>>,
    thread: std::thread::JoinHandle<()>,
}

fn start_local_server(threads: usize) -> Result<LocalServer, String> {
    let (ready_tx, ready_rx) = std::sync::mpsc::channel::<Result<String, String>>();
    let (stop, stop_rx) = oneshot::channel::<oneshot::Sender<usize>>();
    let thread = std::thread::Builder::new()
        .name("sandbox-main".into())
        .spawn(move || {
            let runtime = match tokio::runtime::Builder::new_multi_thread()
                .worker_threads(threads)
                .thread_name("sandbox")
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    let _ = ready_tx.send(Err(format!("cannot start the server runtime: {e}")));
                    return;
                }
            };
            runtime.block_on(async move {
                // `serve` spawns its accept loop and connections on this (the server's) runtime.
                let server = match checkout_sdk_sandbox::serve(([127, 0, 0, 1], 0).into(), Simulator::new()).await {
                    Ok(server) => server,
                    Err(e) => {
                        let _ = ready_tx.send(Err(format!("cannot start the sandbox: {e}")));
                        return;
                    }
                };
                let _ = ready_tx.send(Ok(server.base_url()));
                if let Ok(reply) = stop_rx.await {
                    let _ = reply.send(server.simulator().payment_count());
                }
                server.shutdown().await;
            });
        })
        .map_err(|e| format!("cannot start the server thread: {e}"))?;
    let base_url = ready_rx.recv().map_err(|_| "the server thread died".to_string())??;
    Ok(LocalServer { base_url, stop, thread })
}

/// One measured phase.
#[derive(Debug, Default)]
struct Phase {
    elapsed: Duration,
    latencies: Vec<Duration>,
    failures: usize,
    first_failure: Option<String>,
}

impl Phase {
    /// Successful requests per second.
    fn requests_per_second(&self) -> f64 {
        (self.latencies.len() - self.failures) as f64 / self.elapsed.as_secs_f64()
    }

    /// The `q`-quantile latency in milliseconds (nearest rank).
    fn quantile_ms(&self, q: f64) -> f64 {
        let mut sorted = self.latencies.clone();
        sorted.sort_unstable();
        let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len().max(1));
        sorted.get(rank - 1).map_or(0.0, |d| d.as_secs_f64() * 1e3)
    }

    /// Adds another measured stretch of the same client.
    fn absorb(&mut self, other: Phase) {
        self.elapsed += other.elapsed;
        self.latencies.extend(other.latencies);
        self.failures += other.failures;
        if self.first_failure.is_none() {
            self.first_failure = other.first_failure;
        }
    }

    fn line(&self, name: &str) -> String {
        format!(
            "{name}: {:.0} req/s, p50 {:.3} ms, p99 {:.3} ms",
            self.requests_per_second(),
            self.quantile_ms(0.50),
            self.quantile_ms(0.99)
        )
    }
}

/// Sends requests `first..first + n` with `send`, `concurrency` at a time, on the current runtime.
async fn run_phase<F, Fut>(first: usize, n: usize, concurrency: usize, send: F) -> Phase
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), String>> + Send + 'static,
{
    let send = Arc::new(send);
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let tasks = (0..concurrency.min(n))
        .map(|_| {
            let (send, next) = (Arc::clone(&send), Arc::clone(&next));
            tokio::spawn(async move {
                let mut phase = Phase { latencies: Vec::with_capacity(n / concurrency + 1), ..Phase::default() };
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= n {
                        return phase;
                    }
                    let sent = Instant::now();
                    let result = send(first + i).await;
                    phase.latencies.push(sent.elapsed());
                    if let Err(e) = result {
                        phase.failures += 1;
                        phase.first_failure.get_or_insert(e);
                    }
                }
            })
        })
        .collect::<Vec<_>>();
    let mut total = Phase::default();
    for task in tasks {
        match task.await {
            Ok(phase) => total.absorb(phase),
            Err(e) => {
                total.failures += 1;
                total.first_failure.get_or_insert(format!("a client task panicked: {e}"));
            }
        }
    }
    total.elapsed = started.elapsed();
    total
}

fn reference(phase: &str, i: usize) -> String {
    format!("{phase}-{i:0width$}", width = REFERENCE_DIGITS)
}

fn payment_request(reference: String) -> Result<PaymentRequest, Error> {
    let card = CardSource::new(VISA, 6, 2030)?.cvv("100")?;
    Ok(PaymentRequest::builder(card, AMOUNT, Currency::USD)
        .reference(reference)
        .customer(Customer::new().email("jokershere@gmail.com").name("Jack Napier"))
        .build()?)
}

/// One SDK request, end to end: build, send, parse, check the outcome.
async fn sdk_request(client: &Client, i: usize) -> Result<(), String> {
    let request = payment_request(reference("sdk", i)).map_err(|e| e.to_string())?;
    match client.payments().request(request).await {
        Ok(payment) if payment.status() == 201 && payment.outcome() == Outcome::Approved => Ok(()),
        Ok(payment) => Err(format!("status {}, outcome {:?}", payment.status(), payment.outcome())),
        Err(e) => Err(e.to_string()),
    }
}

/// The bytes the SDK sends for one payment, built once, for the bare client.
struct RawRequest {
    uri: hyper::Uri,
    headers: hyper::HeaderMap,
    body: Bytes,
    /// Where the reference's digits start in `body`.
    digits_at: usize,
    /// The start of every idempotency key this run sends: unique to the run, so a server that
    /// outlives one run never replays a stored response to the next.
    key_prefix: String,
}

/// The idempotency header, which every SDK `POST` carries.
const IDEMPOTENCY_KEY: &str = "cko-idempotency-key";

impl RawRequest {
    fn new(config: &Config) -> Result<Self, String> {
        let placeholder = reference("raw", 0);
        let request = payment_request(placeholder.clone()).map_err(|e| e.to_string())?;
        let built = RequestPayment::new(request).build_request(config).map_err(|e| e.to_string())?;
        // The same conversion the hyper transport uses (the core's `http` feature).
        let (parts, body) = hyper::Request::<Vec<u8>>::try_from(built).map_err(|e| e.to_string())?.into_parts();
        let needle = format!("\"{placeholder}\"");
        let digits_at = body
            .windows(needle.len())
            .position(|w| w == needle.as_bytes())
            .map(|at| at + 1 + placeholder.len() - REFERENCE_DIGITS)
            .ok_or("the reference is not in the body")?;
        // `idk_` + 6 characters for the run + 20 digits: 30 characters, as long as the SDK's keys.
        let run = std::hash::BuildHasher::hash_one(&std::collections::hash_map::RandomState::new(), 0u8) % 1_000_000;
        let key_prefix = format!("idk_{run:06}");
        Ok(RawRequest { uri: parts.uri, headers: parts.headers, body: Bytes::from(body), digits_at, key_prefix })
    }

    /// Request `i`'s idempotency key.
    fn key(&self, i: usize) -> hyper::header::HeaderValue {
        let key = format!("{}{i:020}", self.key_prefix);
        hyper::header::HeaderValue::try_from(key).expect("a key of visible ASCII")
    }

    /// The SDK's bytes with request `i`'s reference digits, and a key of its own (as the SDK
    /// gives each payment), so the server does the same idempotency work for both clients.
    fn request(&self, i: usize) -> hyper::Request<Full<Bytes>> {
        let mut body = self.body.to_vec();
        let digits = format!("{i:0width$}", width = REFERENCE_DIGITS);
        body[self.digits_at..self.digits_at + REFERENCE_DIGITS].copy_from_slice(digits.as_bytes());
        let mut request = hyper::Request::new(Full::new(Bytes::from(body)));
        *request.method_mut() = hyper::Method::POST;
        *request.uri_mut() = self.uri.clone();
        *request.headers_mut() = self.headers.clone();
        request.headers_mut().insert(IDEMPOTENCY_KEY, self.key(i));
        request
    }

    /// Request `i` as hand-written JSON code would send it: the body built as a `Value` with
    /// `json!` and serialised, the SDK's headers with its length.
    fn json_request(&self, i: usize) -> Result<hyper::Request<Full<Bytes>>, String> {
        let body = serde_json::to_vec(&serde_json::json!({
            "source": {"type": "card", "number": VISA, "expiry_month": 6, "expiry_year": 2030, "cvv": "100"},
            "amount": AMOUNT,
            "currency": "USD",
            "reference": reference("json", i),
            "customer": {"email": "jokershere@gmail.com", "name": "Jack Napier"},
            "processing_channel_id": checkout_sdk::LOCAL_PROCESSING_CHANNEL,
        }))
        .map_err(|e| e.to_string())?;
        let length = hyper::header::HeaderValue::from(body.len());
        let mut request = hyper::Request::new(Full::new(Bytes::from(body)));
        *request.method_mut() = hyper::Method::POST;
        *request.uri_mut() = self.uri.clone();
        *request.headers_mut() = self.headers.clone();
        request.headers_mut().insert(hyper::header::CONTENT_LENGTH, length);
        request.headers_mut().insert(IDEMPOTENCY_KEY, self.key(i));
        Ok(request)
    }
}

type RawClient = hyper_util::client::legacy::Client<HttpConnector, Full<Bytes>>;

/// A bare hyper-util legacy client with the pool and socket settings `HyperTransport` uses
/// (HTTP/1.1, unlimited idle connections per host, 30 s idle timeout, `TCP_NODELAY`).
fn raw_client() -> RawClient {
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    hyper_util::client::legacy::Client::builder(TokioExecutor::new())
        .pool_timer(TokioTimer::new())
        .pool_idle_timeout(Duration::from_secs(30))
        .build(connector)
}

/// One bare request: send the bytes, read the whole body, check the status.
async fn raw_request(client: &RawClient, raw: &RawRequest, i: usize) -> Result<(), String> {
    let response = client.request(raw.request(i)).await.map_err(|e| format!("{e:?}"))?;
    let status = response.status();
    let body = response.into_body().collect().await.map_err(|e| e.to_string())?.to_bytes();
    if status == hyper::StatusCode::CREATED && !body.is_empty() {
        Ok(())
    } else {
        Err(format!("status {status}"))
    }
}

/// One bare request with hand-written JSON: the body built with `json!`, the response read
/// whole and parsed into a `serde_json::Value`, its status and `approved` checked.
async fn json_request(client: &RawClient, raw: &RawRequest, i: usize) -> Result<(), String> {
    let response = client.request(raw.json_request(i)?).await.map_err(|e| format!("{e:?}"))?;
    let status = response.status();
    let body = response.into_body().collect().await.map_err(|e| e.to_string())?.to_bytes();
    let payment: serde_json::Value = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
    if status == hyper::StatusCode::CREATED && payment["approved"] == true {
        Ok(())
    } else {
        Err(format!("status {status}, approved {}", payment["approved"]))
    }
}

/// What one run measured.
struct Measured {
    /// Every measured request of each client (an empty phase for the client `--only` left out).
    sdk: Phase,
    raw: Phase,
    /// Each ABBA round: whether the raw client went first, then each client's rate in it.
    rounds: Vec<(bool, f64, f64)>,
    warm_failures: usize,
    /// How many payments the server should hold afterwards.
    expected_payments: usize,
}

async fn measure(args: &Args, base_url: &str) -> Result<Measured, String> {
    let config = Config::new(
        SecretKey::new(KEY).map_err(|e| e.to_string())?,
        Environment::custom(base_url).map_err(|e| e.to_string())?,
    )
    // A new-format key's account names a processing channel on every payment.
    .with_processing_channel(
        ProcessingChannelId::new(checkout_sdk::LOCAL_PROCESSING_CHANNEL).map_err(|e| e.to_string())?,
    );
    let transport = HyperTransport::builder().timeout(Duration::from_secs(30)).build();
    let sdk = Client::builder()
        .config(config.clone())
        .transport(transport)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("a client");
    let raw = Arc::new(RawRequest::new(&config)?);
    let bare = raw_client();

    let n = args.requests;
    let c = args.concurrency;
    let warmup = args.warmup.unwrap_or_else(|| (4 * c).max(200)).min(n);
    // Warm-ups use indices after the measured ones, so every reference stays unique.
    let sdk_phase = |first: usize, count: usize| {
        let client = sdk.clone();
        run_phase(first, count, c, move |i| {
            let client = client.clone();
            async move { sdk_request(&client, i).await }
        })
    };
    let raw_phase = |first: usize, count: usize| {
        let (client, raw) = (bare.clone(), Arc::clone(&raw));
        run_phase(first, count, c, move |i| {
            let (client, raw) = (client.clone(), Arc::clone(&raw));
            async move { raw_request(&client, &raw, i).await }
        })
    };
    let json_phase = |first: usize, count: usize| {
        let (client, raw) = (bare.clone(), Arc::clone(&raw));
        run_phase(first, count, c, move |i| {
            let (client, raw) = (client.clone(), Arc::clone(&raw));
            async move { json_request(&client, &raw, i).await }
        })
    };
    let mut measured = Measured {
        sdk: Phase::default(),
        raw: Phase::default(),
        rounds: Vec::new(),
        warm_failures: 0,
        expected_payments: 0,
    };
    let (sdk_warm, raw_warm) = match args.only {
        Some(Side::Sdk) => (sdk_phase(n, warmup).await, Phase::default()),
        Some(Side::Raw) => (Phase::default(), raw_phase(n, warmup).await),
        // The hand-written JSON client stands in the bare client's place.
        Some(Side::Json) => (Phase::default(), json_phase(n, warmup).await),
        None => (sdk_phase(n, warmup).await, raw_phase(n, warmup).await),
    };
    match args.only {
        Some(Side::Sdk) => measured.sdk = sdk_phase(0, n).await,
        Some(Side::Raw) => measured.raw = raw_phase(0, n).await,
        Some(Side::Json) => measured.raw = json_phase(0, n).await,
        // Rounds in ABBA order: the server's state grows with every payment (and the machine's
        // load drifts), so whichever client ran second in one long phase would be measured
        // against a slower server. Alternating gives both clients the same average conditions.
        None => {
            for round in 0..args.rounds {
                let (first, end) = (round * n / args.rounds, (round + 1) * n / args.rounds);
                let raw_first = (round % 2 == 1) != args.raw_first;
                let (sdk_round, raw_round) = if raw_first {
                    let raw_round = raw_phase(first, end - first).await;
                    (sdk_phase(first, end - first).await, raw_round)
                } else {
                    let sdk_round = sdk_phase(first, end - first).await;
                    (sdk_round, raw_phase(first, end - first).await)
                };
                measured.rounds.push((raw_first, sdk_round.requests_per_second(), raw_round.requests_per_second()));
                measured.sdk.absorb(sdk_round);
                measured.raw.absorb(raw_round);
            }
        }
    }
    for (name, phase) in [("sdk", &sdk_warm), (args.bare_name(), &raw_warm)] {
        if phase.failures > 0 {
            let first = phase.first_failure.as_deref().unwrap_or("?");
            eprintln!("{name} warm-up: {} failed, first: {first}", phase.failures);
        }
    }
    measured.warm_failures = sdk_warm.failures + raw_warm.failures;
    let sent = sdk_warm.latencies.len()
        + raw_warm.latencies.len()
        + measured.sdk.latencies.len()
        + measured.raw.latencies.len();
    measured.expected_payments = sent - measured.warm_failures;
    Ok(measured)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let server = match &args.base_url {
        Some(_) => None,
        None => match start_local_server(args.server_threads) {
            Ok(server) => Some(server),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        },
    };
    let base_url = args.base_url.clone().or_else(|| server.as_ref().map(|s| s.base_url.clone())).unwrap_or_default();
    let runtime =
        match tokio::runtime::Builder::new_multi_thread().worker_threads(args.client_threads).enable_all().build() {
            Ok(rt) => rt,
            Err(e) => {
                eprintln!("error: cannot start the client runtime: {e}");
                return ExitCode::FAILURE;
            }
        };
    eprintln!(
        "{} requests per client in {}, concurrency {}, against {} ({}), client runtime {} worker(s)",
        args.requests,
        match args.only {
            Some(Side::Sdk) => "one phase, the SDK only".to_string(),
            Some(Side::Raw) => "one phase, the bare client only".to_string(),
            Some(Side::Json) => "one phase, the bare client with hand-written JSON only".to_string(),
            None => format!("{} ABBA rounds ({} first)", args.rounds, if args.raw_first { "raw" } else { "sdk" }),
        },
        args.concurrency,
        base_url,
        match &server {
            Some(_) => format!("in-process sandbox on its own runtime, {} worker(s)", args.server_threads),
            None => "external server".into(),
        },
        args.client_threads,
    );
    let measured = runtime.block_on(measure(&args, &base_url));
    drop(runtime);
    let Measured { sdk, raw, rounds, warm_failures, expected_payments } = match measured {
        Ok(result) => result,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };

    let mut failed = warm_failures > 0;
    for (name, phase) in [("sdk", &sdk), (args.bare_name(), &raw)] {
        if phase.failures > 0 {
            failed = true;
            eprintln!(
                "{name}: {} of {} requests failed, first: {}",
                phase.failures,
                phase.latencies.len(),
                phase.first_failure.as_deref().unwrap_or("?")
            );
        }
    }
    if let Some(server) = server {
        let (reply, count) = oneshot::channel();
        if server.stop.send(reply).is_ok() {
            if let Ok(count) = count.blocking_recv() {
                let expected = expected_payments - sdk.failures - raw.failures;
                eprintln!("the sandbox holds {count} payments (expected {expected})");
                failed |= count != expected;
            }
        }
        let _ = server.thread.join();
    }
    match args.only {
        Some(Side::Sdk) => println!("{}", sdk.line("sdk")),
        Some(Side::Raw) => println!("{}", raw.line("raw")),
        Some(Side::Json) => println!("{}", raw.line("json")),
        None => {
            let mut ratios = Vec::with_capacity(rounds.len());
            for (i, (raw_first, sdk_rate, raw_rate)) in rounds.iter().enumerate() {
                ratios.push(sdk_rate / raw_rate);
                eprintln!(
                    "round {} ({} first): sdk {sdk_rate:.0} req/s, raw {raw_rate:.0} req/s, ratio {:.3}",
                    i + 1,
                    if *raw_first { "raw" } else { "sdk" },
                    sdk_rate / raw_rate
                );
            }
            ratios.sort_by(f64::total_cmp);
            if let (Some(min), Some(max)) = (ratios.first(), ratios.last()) {
                eprintln!("round ratios: min {min:.3}, median {:.3}, max {max:.3}", ratios[ratios.len() / 2]);
            }
            eprintln!(
                "server ceiling: {:.0} req/s (the bare hyper client at concurrency {} is the ceiling measurement)",
                raw.requests_per_second(),
                args.concurrency
            );
            println!("{}", sdk.line("sdk"));
            println!("{}", raw.line("raw"));
            println!("ratio sdk/raw: {:.2}", sdk.requests_per_second() / raw.requests_per_second());
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
