//! `checkout-sandbox`: the Checkout.com sandbox simulator over HTTP.
//!
//! ```text
//! cargo run -p checkout-sdk-sandbox -- --addr 127.0.0.1:8080 [--seed 42]
//! ```
//! The first line on stdout is `listening on http://HOST:PORT`; port 0 picks a free port.

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;

use checkout_sdk_sandbox::ServerConfig;
use checkout_sdk_simulator::Simulator;

const USAGE: &str = "usage: checkout-sandbox [--addr HOST:PORT] [--seed N] [--max-connections N]\n\
  --addr             address to listen on (default 127.0.0.1:8080; port 0 picks a free port)\n\
  --seed             deterministic ids and clock\n\
  --max-connections  connections open at once (default: 1024, or fewer under a low open-files limit)";

fn parse_args() -> Result<(SocketAddr, Option<u64>, ServerConfig), String> {
    let mut addr = SocketAddr::from(([127, 0, 0, 1], 8080));
    let mut seed = None;
    let mut config = ServerConfig::default();
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
            "--max-connections" => {
                let v = args.next().ok_or("--max-connections needs a value")?;
                let max: usize = v.parse().map_err(|_| format!("--max-connections: {v:?} is not a number"))?;
                config = config.with_max_connections(max);
            }
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok((addr, seed, config))
}

fn main() -> ExitCode {
    let (addr, seed, config) = match parse_args() {
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
        let server = match checkout_sdk_sandbox::serve_with(addr, simulator, config).await {
            Ok(server) => server,
            Err(e) => {
                eprintln!("checkout-sandbox: cannot listen on {addr}: {e}");
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
