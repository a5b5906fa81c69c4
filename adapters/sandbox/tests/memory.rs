//! The `checkout-sandbox` binary's memory under a long run of large requests stays under the bound
//! its README documents: the simulator's `Limits` forget the oldest records, and oversized fields
//! and bodies are refused before anything is kept.
//!
//! Linux only (it reads the child's `/proc/PID/status`).
#![cfg(target_os = "linux")]

use std::process::Stdio;

use checkout_sdk_fake::keys::{PROCESSING_CHANNEL_ID, SANDBOX_SECRET_KEY};
use serde_json::json;

mod support;

use support::{request_bytes, Connection};

/// The documented bound on the server's peak resident memory with the default limits, in MiB
/// (`adapters/sandbox/README.md`).
const DOCUMENTED_PEAK_MIB: u64 = 128;

/// Large payments sent. The stored state passes every default bound after about 3,300 of them;
/// without the bounds, each would keep about 26 KiB and 6,000 would need about 157 MiB.
const REQUESTS: usize = 6_000;

/// A kB figure (`VmHWM`, `VmRSS`) of `/proc/PID/status`, in MiB.
fn status_mib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("the child's status");
    let line = status.lines().find(|l| l.starts_with(field)).unwrap_or_else(|| panic!("no {field}"));
    let kb: u64 = line.split_whitespace().nth(1).and_then(|v| v.parse().ok()).expect("a number of kB");
    kb / 1024
}

fn post(path: &str, key: Option<&str>, body: &[u8]) -> Vec<u8> {
    let auth = format!("Bearer {SANDBOX_SECRET_KEY}");
    let mut headers = vec![("Authorization", auth.as_str()), ("Content-Type", "application/json")];
    if let Some(key) = key {
        headers.push(("Cko-Idempotency-Key", key));
    }
    request_bytes("POST", path, "x", &headers, body)
}

#[test]
fn a_long_run_of_large_requests_keeps_memory_under_the_documented_bound() {
    let child = support::binary::spawn(&["--addr", "127.0.0.1:0"], &[], Stdio::null());
    let (pid, addr) = (child.child.id(), child.addr.clone());
    let at_start = status_mib(pid, "VmRSS");

    let mut connection = Connection::new(addr);
    let (mut created, mut refused, mut too_large) = (0, 0, 0);
    for i in 0..REQUESTS {
        // A payment with every stored field at its largest: about 7 KiB of metadata, a 1 KiB
        // billing address, the longest description, reference and URLs, and its own key.
        let payment = json!({
            "source": {
                "type": "card", "number": "4242424242424242", "expiry_month": 6, "expiry_year": 2030,
                "name": "n".repeat(255),
                "billing_address": {"address_line1": "a".repeat(480), "address_line2": "b".repeat(480)},
            },
            "amount": 1000 + (i % 900), "currency": "USD", "processing_channel_id": PROCESSING_CHANNEL_ID,
            "reference": format!("{i:0>50}"),
            "description": "d".repeat(100),
            "success_url": format!("https://shop.example/{}", "s".repeat(230)),
            "metadata": {"blob": format!("{i}{}", "m".repeat(7_000)), "more": [1, 2, 3, {"k": "v"}]},
        });
        let status =
            connection.send(&post("/payments", Some(&format!("key-{i}")), payment.to_string().as_bytes())).status;
        assert_eq!(status, 201, "request {i}");
        created += 1;
        if i % 40 == 0 {
            // 900 KiB of metadata: refused, nothing kept.
            let mut big = payment.clone();
            big["metadata"] = json!({"blob": "m".repeat(900 * 1024)});
            assert_eq!(connection.send(&post("/payments", None, big.to_string().as_bytes())).status, 422);
            refused += 1;
        }
        if i % 100 == 0 {
            // Over the 1 MiB body cap: refused from its declared length.
            assert_eq!(connection.send(&post("/payments", None, &vec![b' '; 1536 * 1024])).status, 413);
            too_large += 1;
        }
    }
    let peak = status_mib(pid, "VmHWM");
    let now = status_mib(pid, "VmRSS");
    eprintln!(
        "{created} payments, {refused} refused (422), {too_large} too large (413): \
         resident {at_start} MiB at start, {now} MiB at the end, peak {peak} MiB"
    );
    assert!(peak < DOCUMENTED_PEAK_MIB, "peak resident memory {peak} MiB, documented bound {DOCUMENTED_PEAK_MIB} MiB");
}
