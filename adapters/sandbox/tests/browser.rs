//! The 3-D Secure page and the dashboard in a real browser: headless Chromium, driven by
//! chromedriver over the W3C WebDriver protocol (raw HTTP and serde_json, no client library).
//!
//! Needs `chromium` and `chromedriver` (Debian: `apt-get install chromium chromium-driver`), found
//! on the `PATH` or through `CHROME_BIN` and `CHROMEDRIVER`; `.ci/run` installs them and runs this
//! with `--ignored`.

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use checkout_sdk_fake::keys::{PROCESSING_CHANNEL_ID, SANDBOX_SECRET_KEY};
use checkout_sdk_sandbox::ServerConfig;
use checkout_sdk_simulator::Simulator;
use serde_json::{json, Value};

mod support;

/// The W3C name of an element reference in WebDriver answers.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// One HTTP/1.1 exchange on its own connection: the status and the JSON body.
fn http(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: Option<&Value>) -> (u16, Value) {
    let answer = support::send_json(addr, method, path, headers, body);
    (answer.status, answer.json())
}

/// The first of `names` found on the `PATH` (or the path in `variable`).
fn find(variable: &str, names: &[&str]) -> PathBuf {
    if let Some(path) = std::env::var_os(variable) {
        return PathBuf::from(path);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |name| dir.join(name)))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| panic!("none of {names:?} is on the PATH (or set {variable})"))
}

/// A chromedriver process and one browser session, both ended when dropped.
struct Browser {
    driver: Child,
    addr: String,
    session: String,
    profile: PathBuf,
}

impl Browser {
    fn start() -> Self {
        let chromium = find("CHROME_BIN", &["chromium", "chromium-browser", "google-chrome"]);
        let chromedriver = find("CHROMEDRIVER", &["chromedriver"]);
        let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
        let addr = format!("127.0.0.1:{port}");
        let driver = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let profile = std::env::temp_dir().join(format!("checkout-sandbox-chromium-{}-{port}", std::process::id()));
        let mut browser = Browser { driver, addr, session: String::new(), profile };
        let started = Instant::now();
        while TcpStream::connect(&browser.addr).is_err() {
            assert!(started.elapsed() < Duration::from_secs(20), "chromedriver did not start listening");
            std::thread::sleep(Duration::from_millis(50));
        }
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
        ];
        let mut args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        args.push(format!("--user-data-dir={}", browser.profile.display()));
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": chromium.display().to_string(), "args": args},
        }}});
        let created = browser.call("POST", "/session", Some(&capabilities));
        browser.session = created["sessionId"].as_str().expect("a session id").to_string();
        browser
    }

    /// A WebDriver command; panics with the driver's message on an error.
    fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Value {
        let (status, answer) = http(&self.addr, method, path, &[], body);
        assert_eq!(status, 200, "WebDriver {method} {path}: {answer}");
        answer["value"].clone()
    }

    fn session_call(&self, method: &str, path: &str, body: Option<&Value>) -> Value {
        self.call(method, &format!("/session/{}{path}", self.session), body)
    }

    fn open(&self, url: &str) {
        self.session_call("POST", "/url", Some(&json!({ "url": url })));
    }

    fn current_url(&self) -> String {
        self.session_call("GET", "/url", None).as_str().unwrap_or_default().to_string()
    }

    fn title(&self) -> String {
        self.session_call("GET", "/title", None).as_str().unwrap_or_default().to_string()
    }

    /// The element `css` selects.
    fn element(&self, css: &str) -> String {
        let found = self.session_call("POST", "/element", Some(&json!({"using": "css selector", "value": css})));
        found[ELEMENT].as_str().unwrap_or_else(|| panic!("no element {css}: {found}")).to_string()
    }

    fn click(&self, element: &str) {
        self.session_call("POST", &format!("/element/{element}/click"), Some(&json!({})));
    }

    fn text(&self, element: &str) -> String {
        self.session_call("GET", &format!("/element/{element}/text"), None).as_str().unwrap_or_default().to_string()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = http(&self.addr, "DELETE", &format!("/session/{}", self.session), &[], None);
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

#[test]
#[ignore = "needs chromium and chromedriver; run by .ci/run"]
fn a_3ds_payment_is_authenticated_in_a_browser_and_shows_as_authorized_on_the_dashboard() {
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("a runtime");
    let server = runtime
        .block_on(checkout_sdk_sandbox::serve_with(
            ([127, 0, 0, 1], 0).into(),
            Simulator::seeded(5),
            ServerConfig::default(),
        ))
        .expect("serve");
    let addr = server.local_addr().to_string();
    let base = format!("http://{addr}");

    // A 3-D Secure payment whose success_url is the sandbox's own dashboard.
    let success_url = format!("{base}/sandbox?from=3ds");
    let payment = json!({
        "source": {"type": "card", "number": "4242424242424242", "expiry_month": 6, "expiry_year": 2030, "cvv": "100"},
        "amount": 2500, "currency": "EUR", "reference": "BROWSER-3DS", "processing_channel_id": PROCESSING_CHANNEL_ID,
        "3ds": {"enabled": true},
        "success_url": success_url, "failure_url": format!("{base}/sandbox?from=failure"),
    });
    let auth = format!("Bearer {SANDBOX_SECRET_KEY}");
    let (status, pending) = http(&addr, "POST", "/payments", &[("Authorization", &auth)], Some(&payment));
    assert_eq!(status, 202, "{pending}");
    let id = pending["id"].as_str().expect("a payment id").to_string();
    let redirect = pending["_links"]["redirect"]["href"].as_str().expect("a redirect link").to_string();
    assert!(redirect.starts_with(&format!("{base}/sandbox/3ds/sid_")), "{redirect}");

    let browser = Browser::start();
    browser.open(&redirect);
    assert!(browser.title().contains("3-D Secure"), "{}", browser.title());
    let button = browser.element("button[value=success]");
    assert_eq!(browser.text(&button), "Complete successfully");
    browser.click(&button);

    // The browser follows the 302 to the payment's success_url.
    let started = Instant::now();
    let landed = loop {
        let url = browser.current_url();
        if url.starts_with(&success_url) || started.elapsed() > Duration::from_secs(15) {
            break url;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(landed.starts_with(&success_url), "the browser is at {landed}");
    assert!(landed.contains("cko-session-id=sid_"), "{landed}");

    browser.open(&format!("{base}/sandbox"));
    assert!(browser.title().contains("dashboard"), "{}", browser.title());
    let status = browser.element(&format!("tr[id=\"{id}\"] td.status"));
    assert_eq!(browser.text(&status), "Authorized");
    let amount = browser.element(&format!("tr[id=\"{id}\"] td.amount"));
    assert_eq!(browser.text(&amount), "25.00 EUR");
    assert_eq!(server.simulator().payment(&id).expect("the payment")["status"], "Authorized");
    drop(browser);
    runtime.block_on(server.shutdown());
}
