//! The embedded local sandbox: run the same program offline, against Checkout.com's sandbox
//! simulated in-process, when no credentials are set.

use std::sync::Arc;

use checkout_sdk_sandbox::{SandboxServer, ServerConfig};
use checkout_sdk_simulator::Simulator;

use crate::{env, Client, ClientBuilder, Error, InvalidInput};

/// The key the local sandbox accepts (Checkout.com would refuse it).
pub const LOCAL_SANDBOX_KEY: &str = "sk_sbox_simulatorkeyxxxxxxxxxxxxxx";
/// The processing channel used against the local sandbox when none is set.
pub const LOCAL_PROCESSING_CHANNEL: &str = "pc_localsandboxchannelxxxxxxx";

impl Client {
    /// A client from the environment variables when credentials are set (see
    /// [`env`](crate::env)); otherwise a client of a Checkout.com sandbox simulated in-process,
    /// served over real HTTP on a free loopback port, which lives as long as the client (and its
    /// clones). Examples and tests use it to run offline on a fresh machine. With no credentials
    /// but `CKO_BASE_URL` set, the client talks to that server (a `checkout-sandbox` started
    /// elsewhere) with the local sandbox's key.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), checkout_sdk::Error> {
    /// # std::env::remove_var("CKO_SECRET_KEY");
    /// let client = checkout_sdk::Client::from_env_or_local_sandbox().await?;
    /// if let Some(sandbox) = client.local_sandbox() {
    ///     println!("offline, against {}", client.config().environment().base_url());
    ///     assert_eq!(sandbox.payment_count(), 0);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Client::from_env`] when credentials are set; when the local sandbox cannot listen
    /// on loopback, [`InvalidInput::BaseUrl`].
    pub async fn from_env_or_local_sandbox() -> Result<Client, Error> {
        Self::from_env_or_local_sandbox_with(ServerConfig::default()).await
    }

    /// Like [`from_env_or_local_sandbox`](Self::from_env_or_local_sandbox), with the local
    /// sandbox served with `config`: webhook endpoints (so that a receiver in the same program
    /// gets signed events), retry scale, timeouts. `config` is unused when credentials or
    /// `CKO_BASE_URL` are set.
    ///
    /// # Errors
    ///
    /// As [`from_env_or_local_sandbox`](Self::from_env_or_local_sandbox).
    pub async fn from_env_or_local_sandbox_with(config: ServerConfig) -> Result<Client, Error> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        if env::has_credentials(&var) {
            return Client::from_env();
        }
        if let Some(base) = var(env::BASE_URL) {
            return ClientBuilder::default()
                .secret_key(LOCAL_SANDBOX_KEY)
                .base_url(base.trim())
                .processing_channel(LOCAL_PROCESSING_CHANNEL)
                .build();
        }
        Self::local_sandbox_with_config(Simulator::new(), config).await
    }

    /// A client of `simulator`, served over HTTP on a free loopback port for as long as the
    /// client lives.
    ///
    /// # Errors
    ///
    /// [`InvalidInput::BaseUrl`] when nothing can listen on loopback.
    pub async fn local_sandbox_with(simulator: Simulator) -> Result<Client, Error> {
        Self::local_sandbox_with_config(simulator, ServerConfig::default()).await
    }

    /// A client of `simulator`, served over HTTP on a free loopback port with `config` (webhook
    /// endpoints, retry scale, timeouts, ...) for as long as the client lives.
    ///
    /// ```
    /// use checkout_sdk::core::webhook::SignatureKey;
    /// use checkout_sdk::sandbox::ServerConfig;
    /// use checkout_sdk::simulator::{Simulator, WebhookEndpoint};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// // Signed events for every payment state change go to this URL (a receiver of yours).
    /// let endpoint = WebhookEndpoint::new("http://127.0.0.1:9/webhooks", SignatureKey::new("whsk_key")?)?;
    /// let config = ServerConfig::default().with_webhook_endpoint(endpoint);
    /// let client = checkout_sdk::Client::local_sandbox_with_config(Simulator::new(), config).await?;
    /// assert_eq!(client.local_sandbox().map(|sim| sim.webhook_endpoints().len()), Some(1));
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// [`InvalidInput::BaseUrl`] when nothing can listen on loopback.
    pub async fn local_sandbox_with_config(simulator: Simulator, config: ServerConfig) -> Result<Client, Error> {
        let server = checkout_sdk_sandbox::serve_with(([127, 0, 0, 1], 0).into(), simulator, config)
            .await
            .map_err(|e| InvalidInput::BaseUrl(format!("cannot start the local sandbox on loopback: {e}")))?;
        // The server is in this process, on loopback: a proxy from the environment could not
        // reach it.
        let builder = ClientBuilder::default()
            .secret_key(LOCAL_SANDBOX_KEY)
            .base_url(&server.base_url())
            .processing_channel(LOCAL_PROCESSING_CHANNEL);
        #[cfg(feature = "hyper")]
        let builder = builder.no_proxy();
        let client = builder.build()?;
        Ok(client.with_keep_alive(Arc::new(server)))
    }

    /// The simulator behind the local sandbox, when this client runs against one: create card
    /// tokens, complete 3-D Secure and APM redirects, inject faults, inspect payments.
    pub fn local_sandbox(&self) -> Option<&Simulator> {
        self.keep_alive()?.downcast_ref::<SandboxServer>().map(SandboxServer::simulator)
    }
}

/// The embedded local sandbox of a blocking client: a one-worker tokio runtime serving the
/// simulator, stopped when the last clone of the client is dropped.
#[cfg(feature = "blocking")]
struct LocalSandboxThread {
    server: Option<SandboxServer>,
    runtime: Option<tokio::runtime::Runtime>,
}

#[cfg(feature = "blocking")]
impl Drop for LocalSandboxThread {
    fn drop(&mut self) {
        drop(self.server.take());
        // Never blocks, and is allowed even when the client is dropped inside another runtime.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

#[cfg(feature = "blocking")]
impl crate::blocking::Client {
    /// A blocking client from the environment variables when credentials are set (see
    /// [`env`](mod@crate::env)); otherwise one of a Checkout.com sandbox simulated in-process (on a
    /// small tokio runtime thread of its own), served over real HTTP on a free loopback port,
    /// which lives as long as the client and its clones. With no credentials but `CKO_BASE_URL`
    /// set, the client talks to that server with the local sandbox's key.
    ///
    /// ```
    /// # std::env::remove_var("CKO_SECRET_KEY");
    /// let client = checkout_sdk::blocking::Client::from_env_or_local_sandbox()?;
    /// if let Some(sandbox) = client.local_sandbox() {
    ///     println!("offline, against {}", client.config().environment().base_url());
    ///     assert_eq!(sandbox.payment_count(), 0);
    /// }
    /// # Ok::<(), checkout_sdk::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`from_env`](crate::blocking::Client::from_env) when credentials are set; when the
    /// local sandbox cannot start, [`InvalidInput::BaseUrl`].
    pub fn from_env_or_local_sandbox() -> Result<crate::blocking::Client, Error> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        if env::has_credentials(&var) {
            return Self::from_env();
        }
        let builder = crate::blocking::Client::builder()
            .secret_key(LOCAL_SANDBOX_KEY)
            .processing_channel(LOCAL_PROCESSING_CHANNEL);
        if let Some(base) = var(env::BASE_URL) {
            return builder.base_url(base.trim()).build();
        }
        let cannot_start = |e: std::io::Error| InvalidInput::BaseUrl(format!("cannot start the local sandbox: {e}"));
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("checkout-local-sandbox")
            .enable_all()
            .build()
            .map_err(cannot_start)?;
        let server = runtime
            .block_on(checkout_sdk_sandbox::serve(([127, 0, 0, 1], 0).into(), Simulator::new()))
            .map_err(cannot_start)?;
        // The server is in this process, on loopback: a proxy from the environment could not
        // reach it.
        let client = builder.base_url(&server.base_url()).no_proxy().build()?;
        let sandbox = LocalSandboxThread { server: Some(server), runtime: Some(runtime) };
        Ok(client.with_keep_alive(Arc::new(sandbox)))
    }

    /// The simulator behind the local sandbox, when this client runs against one.
    pub fn local_sandbox(&self) -> Option<&Simulator> {
        let sandbox = self.keep_alive()?.downcast_ref::<LocalSandboxThread>()?;
        sandbox.server.as_ref().map(SandboxServer::simulator)
    }
}
