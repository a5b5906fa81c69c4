//! What a user sees when things go wrong: the `quickstart` example run against broken servers.
//!
//! The example binary is run as a user would run it, with `CKO_BASE_URL` pointing at servers this
//! test starts on loopback: one that answers every request `503` with a request id, one that
//! answers `200` (and one `201`) with a body that is not JSON, one that answers `401` with an
//! empty body, and a port where nothing listens. Each run is repeated with a real-looking
//! `CKO_SECRET_KEY` set, and once with a malformed key.
//!
//! Every run must fail with a non-zero exit code and exactly one line on stderr, starting
//! `error:`, that names the HTTP status and the request id when there was one — no panic, no
//! backtrace — and the secret key appears in neither stdout nor stderr.
//!
//! The example is the one `cargo test` builds (`target/<profile>/examples/quickstart`); when it is
//! missing (a filtered `cargo test --test reliability_examples`), it is built first.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const SECRET_KEY: &str = "sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e";
const SECRET_TAIL: &str = "m73dzbpy7cf3gfd46xr4yj5xo4e";
/// The longest a run may take: the example retries a 503 twice, waiting at most 0.25 + 0.5 s.
const RUN_LIMIT: Duration = Duration::from_secs(30);

/// The `quickstart` example binary, built if needed.
fn quickstart() -> &'static PathBuf {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        let exe = std::env::current_exe().expect("test binary path");
        // target/<profile>/deps/reliability_examples-<hash> -> target/<profile>
        let profile_dir = exe.parent().and_then(|deps| deps.parent()).expect("target/<profile>").to_path_buf();
        let binary = profile_dir.join("examples").join(format!("quickstart{}", std::env::consts::EXE_SUFFIX));
        if !binary.exists() {
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            let mut build = Command::new(cargo);
            build.args(["build", "--example", "quickstart"]).current_dir(env!("CARGO_MANIFEST_DIR"));
            if profile_dir.file_name().is_some_and(|name| name == "release") {
                build.arg("--release");
            }
            let status = build.status().expect("run cargo build");
            assert!(status.success(), "cargo build --example quickstart failed");
        }
        assert!(binary.exists(), "{} not found", binary.display());
        binary
    })
}

/// A canned HTTP/1.1 answer.
#[derive(Clone, Copy)]
struct Canned {
    status_line: &'static str,
    headers: &'static str,
    body: &'static str,
}

/// Serves `canned` to every request on a loopback port, from detached threads that live as long
/// as the test process. Returns the base URL.
fn serve(canned: Canned) -> String {
    let listener = TcpListener::bind(("127.0.0.1", 0)).expect("bind loopback");
    let url = format!("http://{}/", listener.local_addr().expect("local addr"));
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || answer_all(stream, canned));
        }
    });
    url
}

/// Answers every request of a keep-alive connection, until the client closes it.
fn answer_all(stream: TcpStream, canned: Canned) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let Ok(mut writer) = stream.try_clone() else { return };
    let mut reader = BufReader::new(stream);
    loop {
        let mut length = 0usize;
        let mut line = String::new();
        let mut first = true;
        loop {
            line.clear();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            if line == "\r\n" && !first {
                break;
            }
            first = false;
            if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = value.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0u8; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let response = format!(
            "HTTP/1.1 {}\r\n{}Content-Length: {}\r\n\r\n{}",
            canned.status_line,
            canned.headers,
            canned.body.len(),
            canned.body
        );
        if writer.write_all(response.as_bytes()).is_err() {
            return;
        }
    }
}

/// A port where nothing listens.
fn refused_url() -> String {
    let listener = TcpListener::bind(("127.0.0.1", 0)).expect("bind loopback");
    let addr = listener.local_addr().expect("local addr");
    drop(listener);
    format!("http://{addr}/")
}

/// Runs the example with `vars` set (and every other `CKO_` variable removed), within a limit.
fn run(vars: &[(&str, &str)]) -> (Output, Duration) {
    let mut command = Command::new(quickstart());
    for name in ["CKO_SECRET_KEY", "CKO_ENVIRONMENT", "CKO_BASE_URL", "CKO_CARD_TOKEN", "RUST_BACKTRACE", "RUST_LOG"] {
        command.env_remove(name);
    }
    command.envs(vars.iter().copied()).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = command.spawn().expect("start the example");
    loop {
        match child.try_wait().expect("wait for the example") {
            Some(_) => break,
            None if started.elapsed() > RUN_LIMIT => {
                let _ = child.kill();
                panic!("the example ran for more than {RUN_LIMIT:?} with {vars:?}");
            }
            None => std::thread::sleep(Duration::from_millis(20)),
        }
    }
    (child.wait_with_output().expect("collect the example's output"), started.elapsed())
}

/// One broken-server scenario and what its error line must say.
struct Scenario {
    name: &'static str,
    base_url: String,
    /// Substrings the `error:` line must contain.
    expect: &'static [&'static str],
}

/// Checks one run; returns a description of what went wrong, if anything.
fn check(scenario: &Scenario, with_key: bool) -> Result<String, String> {
    let mut vars = vec![("CKO_BASE_URL", scenario.base_url.as_str())];
    if with_key {
        vars.push(("CKO_SECRET_KEY", SECRET_KEY));
    }
    let (output, elapsed) = run(&vars);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let what = format!("{} (key set: {with_key}), {elapsed:?}\nstdout: {stdout}\nstderr: {stderr}", scenario.name);
    if output.status.success() {
        return Err(format!("exited 0: {what}"));
    }
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    let [line] = lines[..] else { return Err(format!("stderr is not one line: {what}")) };
    if !line.starts_with("error: ") {
        return Err(format!("the line does not start with `error: `: {what}"));
    }
    if let Some(missing) = scenario.expect.iter().find(|e| !line.contains(*e)) {
        return Err(format!("the error line does not mention {missing:?}: {what}"));
    }
    let everything = format!("{stdout}{stderr}");
    for bad in ["panicked", "RUST_BACKTRACE", "stack backtrace", SECRET_TAIL, "m73dzbpy"] {
        if everything.contains(bad) {
            return Err(format!("the output contains {bad:?}: {what}"));
        }
    }
    Ok(format!("{} (key set: {with_key}), {elapsed:?}: {line}", scenario.name))
}

#[test]
fn broken_servers_give_one_clear_error_line() {
    let scenarios = [
        Scenario {
            name: "503 on every request",
            base_url: serve(Canned {
                status_line: "503 Service Unavailable",
                headers: "Cko-Request-Id: req_broken\r\n",
                body: "",
            }),
            expect: &["503", "req_broken"],
        },
        Scenario {
            name: "200 with a body that is not JSON",
            base_url: serve(Canned {
                status_line: "200 OK",
                headers: "Content-Type: text/html\r\nCko-Request-Id: req_garbage\r\n",
                body: "<html><body>Welcome to nginx!</body></html>",
            }),
            expect: &["200", "req_garbage"],
        },
        Scenario {
            name: "201 with a body that is not JSON",
            base_url: serve(Canned {
                status_line: "201 Created",
                headers: "Content-Type: application/json\r\nCko-Request-Id: req_truncated\r\n",
                body: "{\"id\": \"pay_mbabizu24mvu3mela5njyhpit4\", \"status\": ",
            }),
            expect: &["201", "req_truncated", "JSON"],
        },
        Scenario {
            name: "401 with an empty body",
            base_url: serve(Canned {
                status_line: "401 Unauthorized",
                headers: "Cko-Request-Id: req_401\r\n",
                body: "",
            }),
            expect: &["401", "req_401"],
        },
        Scenario { name: "nothing listening", base_url: refused_url(), expect: &["not sent"] },
    ];
    // All runs at once: each spends most of its time waiting for retries.
    let results: Vec<Result<String, String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = scenarios
            .iter()
            .flat_map(|s| [false, true].map(|with_key| scope.spawn(move || check(s, with_key))))
            .collect();
        handles.into_iter().map(|h| h.join().expect("a check panicked")).collect()
    });
    let failures: Vec<&String> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    for line in results.iter().filter_map(|r| r.as_ref().ok()) {
        eprintln!("{line}");
    }
    assert!(failures.is_empty(), "{} of {} runs failed:\n{}", failures.len(), results.len(), {
        failures.iter().map(|f| f.as_str()).collect::<Vec<_>>().join("\n\n")
    });
}

#[test]
fn a_malformed_key_gives_one_clear_error_line_without_echoing_it() {
    let url = refused_url();
    for key in [SECRET_KEY.to_ascii_uppercase(), format!("{SECRET_KEY} "), format!("Bearer {SECRET_KEY}")] {
        let (output, _) = run(&[("CKO_SECRET_KEY", key.as_str()), ("CKO_BASE_URL", url.as_str())]);
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{key:?}: exited 0");
        let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(lines.len(), 1, "{key:?}: stderr is not one line: {stderr}");
        assert!(lines[0].starts_with("error: ") && lines[0].contains("secret key"), "{key:?}: {stderr}");
        let everything = format!("{stdout}{stderr}").to_ascii_lowercase();
        assert!(!everything.contains(SECRET_TAIL) && !everything.contains("panicked"), "{key:?}: {everything}");
    }
}
