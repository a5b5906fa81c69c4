//! Bring your own HTTP stack: a transport is one async method. This one is a blocking
//! `std::net::TcpStream` HTTP/1.1 client (plain http to loopback only — the simulator), run on a
//! blocking thread so it does not stall the async runtime.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use checkout_sdk::core::transport::{Headers, HttpRequest, HttpResponse, HttpTransport, TransportError};
use checkout_sdk::prelude::*;
use support::{visa, SIMULATOR_KEY};

/// A minimal HTTP/1.1 client over std's TcpStream.
struct StdTransport;

fn exchange(request: &HttpRequest) -> Result<HttpResponse, TransportError> {
    let started = Instant::now();
    let rest = request
        .url
        .strip_prefix("http://")
        .ok_or_else(|| TransportError::not_sent("this example transport speaks plain http only"))?;
    let (authority, _) = rest.split_once('/').unwrap_or((rest, ""));
    let mut stream = TcpStream::connect(authority).map_err(|e| TransportError::not_sent(e.to_string()))?;
    let timeout = request.timeout.unwrap_or(Duration::from_secs(30));
    let _ = stream.set_read_timeout(Some(timeout));
    let mut head = format!(
        "{} {} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\nContent-Length: {}\r\n",
        request.method,
        request.path(),
        request.body.len()
    );
    for (name, value) in request.headers.iter() {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let sent = stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(&request.body));
    sent.map_err(|e| TransportError::interrupted(e.to_string()))?;

    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).map_err(|e| TransportError::interrupted(e.to_string()))?;
    let status = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| TransportError::interrupted("bad status line"))?;
    let mut headers = Headers::new();
    loop {
        line.clear();
        reader.read_line(&mut line).map_err(|e| TransportError::interrupted(e.to_string()))?;
        let Some((name, value)) = line.trim_end().split_once(':') else { break };
        headers.append(name.trim(), value.trim());
    }
    let mut body = Vec::new();
    reader.read_to_end(&mut body).map_err(|e| TransportError::interrupted(e.to_string()))?;
    Ok(HttpResponse { status, headers, body, elapsed: Some(started.elapsed()) })
}

#[async_trait::async_trait]
impl HttpTransport for StdTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        tokio::task::spawn_blocking(move || exchange(&request))
            .await
            .map_err(|_| TransportError::interrupted("the transport thread failed"))?
    }
}

fn main() -> std::process::ExitCode {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime");
    let result: Result<(), Error> = runtime.block_on(async {
        let server = checkout_sdk_sandbox::start().await.map_err(|e| InvalidInput::BaseUrl(e.to_string()))?;
        let config = Config::new(SecretKey::new(SIMULATOR_KEY)?, Environment::custom(&server.base_url())?)
            .with_processing_channel(ProcessingChannelId::new(checkout_sdk::LOCAL_PROCESSING_CHANNEL)?);
        let client = Client::builder()
            .config(config)
            .transport(StdTransport)
            .retry_policy(RetryPolicy::none())
            .build()
            .expect("a client");
        let request = PaymentRequest::builder(visa(), 100, Currency::USD).reference("custom-transport").build()?;
        let payment = client.payments().request(request).await?;
        println!(
            "payment {} through a hand-written transport: {:?} in {:?}",
            payment.id,
            payment.outcome(),
            payment.http().elapsed
        );
        let fetched = client.payments().get(&payment.id).await?;
        println!("fetched {} with status {}", fetched.id, fetched.status.as_ref().map_or("?", PaymentStatus::as_str));
        Ok(())
    });
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
