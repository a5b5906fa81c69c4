//! Shared set-up for the examples.
//!
//! With `CKO_SECRET_KEY` set, examples talk to Checkout.com (or `CKO_BASE_URL`). With nothing
//! set, they start the sandbox simulator in-process on a free loopback port and talk to it over
//! real HTTP, so they run offline on a fresh machine. With only `CKO_BASE_URL` set, they use
//! that server with a simulator key (handy for pointing them at a local simulator).
#![allow(dead_code, unreachable_pub)]

use std::future::Future;
use std::process::ExitCode;

use checkout_sdk::core::webhook::{SignatureKey, WebhookReceiver};
use checkout_sdk::prelude::*;
use checkout_sdk::sandbox::ServerConfig;
use checkout_sdk_simulator::{CardDetails, Simulator, WebhookEndpoint};

pub mod receiver;

/// A key in the new format, accepted by the simulator; Checkout.com would refuse it.
pub const SIMULATOR_KEY: &str = "sk_sbox_simulatorkeyxxxxxxxxxxxxxx";

/// A Visa test card that the sandbox approves (cvv 100).
pub const VISA: &str = "4242424242424242";

/// A client, and the simulator behind it when running offline.
#[derive(Clone)]
pub struct Example {
    pub client: Client,
}

impl Example {
    /// Builds the client for this run (see the module docs).
    pub async fn start() -> Result<Example, Error> {
        Ok(Example::announce(Client::from_env_or_local_sandbox().await?))
    }

    /// The example for `client`, saying on stderr when it runs offline.
    fn announce(client: Client) -> Example {
        if client.local_sandbox().is_some() {
            eprintln!("(no CKO_SECRET_KEY: using the local sandbox at {})", client.config().environment().base_url());
        }
        Example { client }
    }

    /// The in-process simulator, when running offline.
    pub fn simulator(&self) -> Option<&Simulator> {
        self.client.local_sandbox()
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
    block_on(async move {
        let example = Example::start().await?;
        // Closures capture only the fields they use: keep the server alive for the whole body.
        let _keep_alive = example.clone();
        body(example).await
    })
}

/// The signature key of the examples' webhook receiver.
pub const WEBHOOK_KEY: &str = "whsk_examples_7d41c2";

/// Like [`run`]; offline, the local sandbox also posts signed webhooks to a receiver in this
/// program, whose inbox the body gets (`None` against Checkout.com or a `CKO_BASE_URL` server:
/// they cannot reach it).
pub fn run_with_webhooks<F, Fut>(body: F) -> ExitCode
where
    F: FnOnce(Example, Option<receiver::Inbox>) -> Fut,
    Fut: Future<Output = Result<(), Error>>,
{
    let invalid = |e: &dyn std::fmt::Display| Error::from(InvalidInput::Request(e.to_string()));
    block_on(async move {
        let key = SignatureKey::new(WEBHOOK_KEY).map_err(|e| invalid(&e))?;
        let inbox = receiver::start(WebhookReceiver::new(key.clone())).await.map_err(|e| invalid(&e))?;
        let endpoint = WebhookEndpoint::new(inbox.url(), key).map_err(|e| invalid(&e))?;
        let config = ServerConfig::default().with_webhook_endpoint(endpoint);
        let client = Client::from_env_or_local_sandbox_with(config).await?;
        let example = Example::announce(client);
        let inbox = example.simulator().is_some().then_some(inbox);
        let _keep_alive = example.clone();
        body(example, inbox).await
    })
}

fn block_on(body: impl Future<Output = Result<(), Error>>) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the tokio runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(body) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
