//! `checkout-sandbox` as a command line tool: help and version, options from environment
//! variables, the request log (one line per request, nothing secret), `--seed` and SIGTERM.

use std::io::Read;
use std::process::{Command, Output, Stdio};

use checkout_sdk_fake::keys::{PROCESSING_CHANNEL_ID, SANDBOX_SECRET_KEY};
use serde_json::{json, Value};

mod support;

use support::binary::{Running, BINARY};

const CARD: &str = "4242424242424242";

/// Starts the binary with `args` and `env`, stderr captured; returns it with its address.
fn spawn(args: &[&str], env: &[(&str, &str)]) -> Running {
    support::binary::spawn(args, env, Stdio::piped())
}

/// Sends one request on its own connection and returns the status and JSON body.
fn request(addr: &str, method: &str, target: &str, headers: &[(&str, &str)], body: Option<&Value>) -> (u16, Value) {
    let answer = support::send_json(addr, method, target, headers, body);
    (answer.status, answer.json())
}

fn run(args: &[&str]) -> Output {
    Command::new(BINARY).args(args).output().expect("run the binary")
}

fn payment() -> Value {
    json!({
        "source": {"type": "card", "number": CARD, "expiry_month": 6, "expiry_year": 2030, "cvv": "100"},
        "amount": 1000, "currency": "USD", "reference": "ORD-1", "processing_channel_id": PROCESSING_CHANNEL_ID,
    })
}

#[test]
fn help_goes_to_stdout_and_exits_zero() {
    let out = run(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stderr.is_empty());
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("Usage: checkout-sandbox"), "{help}");
    for variable in [
        "CHECKOUT_SANDBOX_ADDR",
        "CHECKOUT_SANDBOX_SEED",
        "CHECKOUT_SANDBOX_MAX_CONNECTIONS",
        "CHECKOUT_SANDBOX_HEADER_READ_TIMEOUT",
        "CHECKOUT_SANDBOX_BODY_READ_TIMEOUT",
        "CHECKOUT_SANDBOX_IDLE_TIMEOUT",
        "CHECKOUT_SANDBOX_SHUTDOWN_GRACE",
        "CHECKOUT_SANDBOX_ALLOWED_HOSTS",
        "CHECKOUT_SANDBOX_MAX_PAYMENTS",
        "CHECKOUT_SANDBOX_MAX_IDEMPOTENCY_RECORDS",
        "CHECKOUT_SANDBOX_QUIET",
    ] {
        assert!(help.contains(variable), "{variable} is not in the help");
    }
    let short = run(&["-h"]);
    assert_eq!(short.status.code(), Some(0));
}

#[test]
fn version_prints_the_crate_version() {
    let out = run(&["--version"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), format!("checkout-sandbox {}", env!("CARGO_PKG_VERSION")));
}

#[test]
fn bad_options_are_refused_on_stderr_with_exit_2() {
    for args in [&["--idle-timeout", "0s"][..], &["--max-connections", "0"], &["--nope"], &["--seed", "x"]] {
        let out = run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("error"), "{args:?}");
    }
    let out = Command::new(BINARY).env("CHECKOUT_SANDBOX_ADDR", "nowhere").output().expect("run");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn options_come_from_environment_variables() {
    // The address, the seed and a tiny payments limit, all from the environment.
    let env = [
        ("CHECKOUT_SANDBOX_ADDR", "127.0.0.1:0"),
        ("CHECKOUT_SANDBOX_SEED", "7"),
        ("CHECKOUT_SANDBOX_MAX_PAYMENTS", "1"),
    ];
    let sandbox = spawn(&[], &env);
    assert!(sandbox.addr.starts_with("127.0.0.1:"), "{}", sandbox.addr);
    let auth = format!("Bearer {SANDBOX_SECRET_KEY}");
    let (status, first) = request(&sandbox.addr, "POST", "/payments", &[("Authorization", &auth)], Some(&payment()));
    assert_eq!(status, 201);
    request(&sandbox.addr, "POST", "/payments", &[("Authorization", &auth)], Some(&payment()));
    let first_id = first["id"].as_str().expect("an id");
    let (status, _) =
        request(&sandbox.addr, "GET", &format!("/payments/{first_id}"), &[("Authorization", &auth)], None);
    assert_eq!(status, 404, "only one payment is kept");
    // The same seed from the command line gives the same first payment.
    let again = spawn(&["--addr", "127.0.0.1:0", "--seed", "7"], &[]);
    let (_, same) = request(&again.addr, "POST", "/payments", &[("Authorization", &auth)], Some(&payment()));
    assert_eq!(same["id"], first["id"]);
}

#[test]
fn oauth_tokens_live_as_long_as_the_token_lifetime_option_says() {
    let form = "grant_type=client_credentials&client_id=ack_vvzhoai466su3j3vbxb47ts5oe&client_secret=s3cr3t";
    // The seeded clock moves a second per request: a one-second token has expired by the next one.
    for (lifetime, expires_in, status) in [("60m", 3600, 201), ("1s", 1, 401)] {
        let sandbox = spawn(&["--addr", "127.0.0.1:0", "--seed", "3", "--token-lifetime", lifetime], &[]);
        let headers = [("Content-Type", "application/x-www-form-urlencoded"), ("Connection", "close")];
        let bytes = support::request_bytes("POST", "/connect/token", &sandbox.addr, &headers, form.as_bytes());
        let token = support::Connection::new(sandbox.addr.clone()).send(&bytes).json();
        assert_eq!(token["expires_in"], expires_in, "{lifetime}: {token}");
        let auth = format!("Bearer {}", token["access_token"].as_str().expect("a token"));
        let (answer, _) = request(&sandbox.addr, "POST", "/payments", &[("Authorization", &auth)], Some(&payment()));
        assert_eq!(answer, status, "{lifetime}");
    }
    let refused = run(&["--token-lifetime", "0s"]);
    assert_eq!(refused.status.code(), Some(2));
}

#[test]
fn the_same_seed_gives_the_same_run() {
    let run_once = |seed: &str| {
        let sandbox = spawn(&["--addr", "127.0.0.1:0", "--seed", seed, "--quiet"], &[]);
        let auth = format!("Bearer {SANDBOX_SECRET_KEY}");
        let (_, created) = request(&sandbox.addr, "POST", "/payments", &[("Authorization", &auth)], Some(&payment()));
        let id = created["id"].as_str().unwrap_or_default().to_string();
        let (_, read) = request(&sandbox.addr, "GET", &format!("/payments/{id}"), &[("Authorization", &auth)], None);
        // Links name the server's own (random) port.
        let without_links = |mut body: Value| {
            body.as_object_mut().map(|fields| fields.remove("_links"));
            body
        };
        (without_links(created), without_links(read))
    };
    let first = run_once("42");
    assert_eq!(first, run_once("42"), "ids, auth codes, timestamps and sources repeat");
    assert_ne!(first.0["id"], run_once("43").0["id"]);
    assert_eq!(first.0["processed_on"], "2026-01-01T00:00:01Z");
}

#[test]
fn every_request_gets_one_log_line_without_keys_or_card_data() {
    let mut sandbox = spawn(&["--addr", "127.0.0.1:0", "--seed", "3"], &[]);
    let auth = format!("Bearer {SANDBOX_SECRET_KEY}");
    let headers = [("Authorization", auth.as_str()), ("Cko-Idempotency-Key", "idk-log-1")];
    let (status, created) = request(&sandbox.addr, "POST", "/payments", &headers, Some(&payment()));
    assert_eq!(status, 201);
    let id = created["id"].as_str().expect("an id").to_string();
    let requests = [
        ("GET", format!("/payments/{id}")),
        ("GET", format!("/payments/{CARD}")),
        ("GET", format!("/payments/{id}/actions?secret={SANDBOX_SECRET_KEY}&card={CARD}")),
        ("GET", format!("/x/{SANDBOX_SECRET_KEY}/4242-4242-4242-4242")),
        ("PUT", "/payments".to_string()),
    ];
    for (method, target) in &requests {
        request(&sandbox.addr, method, target, &[("Authorization", &auth)], None);
    }
    // SIGTERM: the server finishes and exits cleanly, so stderr ends.
    let killed = Command::new("kill").args(["-TERM", &sandbox.child.id().to_string()]).status().expect("kill");
    assert!(killed.success());
    let status = sandbox.child.wait().expect("the server exits");
    assert!(status.success(), "SIGTERM is a clean shutdown: {status:?}");
    let mut log = String::new();
    sandbox.child.stderr.take().expect("stderr").read_to_string(&mut log).expect("the log");

    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(lines.len(), 1 + requests.len(), "{log}");
    for line in &lines {
        // method path status milliseconds request-id
        let fields: Vec<&str> = line.split(' ').collect();
        assert_eq!(fields.len(), 5, "{line}");
        assert!(fields[2].parse::<u16>().is_ok(), "{line}");
        assert!(fields[3].ends_with("ms") && fields[3].trim_end_matches("ms").parse::<f64>().is_ok(), "{line}");
    }
    assert!(lines[0].starts_with("POST /payments 201 "), "{}", lines[0]);
    let request_id = lines[0].rsplit(' ').next().unwrap_or_default();
    assert_eq!(request_id.len(), 36, "the Cko-Request-Id: {}", lines[0]);
    assert!(lines[1].starts_with(&format!("GET /payments/{id} 200 ")), "{}", lines[1]);
    assert!(lines[2].starts_with("GET /payments/* 404 "), "{}", lines[2]);
    assert!(lines[3].starts_with(&format!("GET /payments/{id}/actions 200 ")), "{}", lines[3]);
    assert!(lines[4].starts_with("GET /x/*/* 404 "), "{}", lines[4]);
    assert!(lines[5].starts_with("PUT /payments 405 ") && lines[5].ends_with(" -"), "{}", lines[5]);
    for secret in [SANDBOX_SECRET_KEY, "m73dzbpy", CARD, "4242-4242", "424242", "cvv", "Bearer", "secret="] {
        assert!(!log.contains(secret), "{secret:?} in the log:\n{log}");
    }
}
