//! `checkout-sandbox`: the Checkout.com sandbox simulator over HTTP.
//!
//! ```text
//! cargo run -p checkout-sdk-sandbox -- --addr 127.0.0.1:8080 [--seed 42]
//! ```
//! The first line on stdout is `listening on http://HOST:PORT`; port 0 picks a free port.

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;

use checkout_sdk_simulator::Simulator;

const USAGE: &str = "usage: checkout-sandbox [--addr HOST:PORT] [--seed N]\n\
  --addr  address to listen on (default 127.0.0.1:8080; port 0 picks a free port)\n\
  --seed  deterministic ids and clock";

fn parse_args() -> Result<(SocketAddr, Option<u64>), String> {
    let mut addr = SocketAddr::from(([127, 0, 0, 1], 8080));
    let mut seed = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--addr" => {
                let v = args.next().ok_or("--addr needs a value")?;
                addr = v.parse().map_err(|_| format!("--addr: {v:?} is not HOST:PORT"))?;
            }
            "--seed" => {
                let v = args.next().ok_or("--seed needs a value")?;
                seed = Some(v.parse().map_err(|_| format!("--seed: {v:?} is not a number"))?);
            }
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok((addr, seed))
}

fn main() -> ExitCode {
    let (addr, seed) = match parse_args() {
        Ok(parsed) => parsed,
        Err(why) => {
            if !why.is_empty() {
                eprintln!("checkout-sandbox: {why}");
            }
            eprintln!("{USAGE}");
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
        let simulator = seed.map_or_else(Simulator::new, Simulator::seeded);
        let server = match checkout_sdk_sandbox::serve(addr, simulator).await {
            Ok(server) => server,
            Err(e) => {
                eprintln!("checkout-sandbox: cannot listen on {addr}: {e}");
                return ExitCode::FAILURE;
            }
        };
        let mut out = std::io::stdout();
        let _ = writeln!(out, "listening on http://{}", server.local_addr());
        let _ = out.flush();
        let _ = tokio::signal::ctrl_c().await;
        server.shutdown().await;
        ExitCode::SUCCESS
    })
}
