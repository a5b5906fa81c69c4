//! Shared set-up for the examples.
//!
//! With `CKO_SECRET_KEY` set, examples talk to Checkout.com (or `CKO_BASE_URL`). With nothing
//! set, they start the sandbox simulator in-process on a free loopback port and talk to it over
//! real HTTP, so they run offline on a fresh machine. With only `CKO_BASE_URL` set, they use
//! that server with a simulator key (handy for pointing them at a local simulator).
#![allow(dead_code, unreachable_pub)]

use std::future::Future;
use std::process::ExitCode;
use std::sync::Arc;

use checkout_sdk_fake::simulator::{CardDetails, Simulator};
use checkout_sdk_sandbox::SandboxServer;
use checkout_sdk::prelude::*;

/// A key in the new format, accepted by the simulator; Checkout.com would refuse it.
pub const SIMULATOR_KEY: &str = "sk_sbox_simulatorkeyxxxxxxxxxxxxxx";

/// A Visa test card that the sandbox approves (cvv 100).
pub const VISA: &str = "4242424242424242";

/// A client, and the simulator behind it when running offline.
#[derive(Clone)]
pub struct Example {
    pub client: Client,
    server: Option<Arc<SandboxServer>>,
}

impl Example {
    /// Builds the client for this run (see the module docs).
    pub async fn start() -> Result<Example, Error> {
        let key = std::env::var(checkout_sdk::ENV_SECRET_KEY).ok().filter(|k| !k.is_empty());
        let base = std::env::var(checkout_sdk::ENV_BASE_URL).ok().filter(|u| !u.is_empty());
        if key.is_some() {
            return Ok(Example { client: Client::from_env()?, server: None });
        }
        if let Some(base) = base {
            let config = Config::new(SecretKey::new(SIMULATOR_KEY)?, Environment::custom(&base)?);
            return Ok(Example { client: Client::from_config(config)?, server: None });
        }
        let server = checkout_sdk_sandbox::serve(([127, 0, 0, 1], 0).into(), Simulator::new())
            .await
            .map_err(|e| InvalidInput::BaseUrl(format!("cannot start the local sandbox: {e}")))?;
        eprintln!("(no CKO_SECRET_KEY: using the local sandbox simulator at {})", server.base_url());
        let config = Config::new(SecretKey::new(SIMULATOR_KEY)?, Environment::custom(&server.base_url())?);
        Ok(Example { client: Client::from_config(config)?, server: Some(Arc::new(server)) })
    }

    /// The in-process simulator, when running offline.
    pub fn simulator(&self) -> Option<&Simulator> {
        self.server.as_deref().map(SandboxServer::simulator)
    }

    /// A single-use card token, as Frames or a mobile SDK would produce: created by the
    /// simulator offline, or read from `CKO_CARD_TOKEN` against Checkout.com.
    pub fn card_token(&self) -> Result<String, Error> {
        match self.simulator() {
            Some(sim) => Ok(sim.create_token(&CardDetails::new(VISA, 6, 2030))),
            None => std::env::var("CKO_CARD_TOKEN").map_err(|_| {
                InvalidInput::Request("set CKO_CARD_TOKEN to a card token from Frames to run this example".into())
                    .into()
            }),
        }
    }

    /// Completes a 3DS or APM redirect as the customer would (offline only).
    pub fn complete_redirect(&self, payment: &Response<Payment>, success: bool) -> bool {
        let (Some(sim), Some(link)) = (self.simulator(), payment.redirect_link()) else { return false };
        let Some(session) = link.href.rsplit('/').next() else { return false };
        sim.complete_redirect(session, success).is_ok()
    }
}

/// The approving Visa test card, as full card details.
pub fn visa() -> PaymentSource {
    card(VISA, "100")
}

/// A card with a future expiry.
pub fn card(number: &str, cvv: &str) -> PaymentSource {
    match CardSource::new(number, 6, 2030).and_then(|c| c.cvv(cvv)) {
        Ok(card) => card.into(),
        Err(e) => fail(&e.into()),
    }
}

/// Prints a failed call as one line, the way the original SDK's snippets print
/// `http_status error_type elapsed request_id`, and exits non-zero.
pub fn fail(e: &Error) -> ! {
    eprintln!("error: {e}");
    std::process::exit(1)
}

/// Runs an example's body on a tokio runtime; any error ends the process with one line.
pub fn run<F, Fut>(body: F) -> ExitCode
where
    F: FnOnce(Example) -> Fut,
    Fut: Future<Output = Result<(), Error>>,
{
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the tokio runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        let example = Example::start().await?;
        // Closures capture only the fields they use: keep the server alive for the whole body.
        let _keep_alive = example.clone();
        body(example).await
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
