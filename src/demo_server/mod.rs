//! A faithful local simulator of Sage ID (OAuth 2.0) and the Sage 200 API, on axum.
//!
//! It backs `--demo`, the standalone `demo-server` command and every integration test.
//! It deliberately imports nothing from the rest of the crate (only axum, tokio, serde and
//! friends), so a misunderstanding of the API cannot hide in code shared with the client.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// How to run the simulator.
#[derive(Debug, Clone)]
pub struct DemoConfig {
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Redirect from `/authorize` at once, as if the user had already consented.
    pub auto_approve: bool,
    /// Number of customers seeded in the first company.
    pub customers: usize,
    /// Seed for the generated data: the same seed gives the same records.
    pub seed: u64,
    /// Lifetime of issued access tokens.
    pub access_token_lifetime: Duration,
}

impl Default for DemoConfig {
    fn default() -> Self {
        Self {
            port: 0,
            auto_approve: false,
            customers: 2_000,
            seed: 200,
            access_token_lifetime: Duration::from_hours(1),
        }
    }
}

/// Shared state of a running simulator.
#[derive(Debug)]
struct DemoState {
    config: DemoConfig,
}

/// A running simulator; dropping it (or calling [`DemoServer::shutdown`]) stops it.
#[derive(Debug)]
pub struct DemoServer {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    join: Option<JoinHandle<()>>,
}

impl DemoServer {
    /// Binds 127.0.0.1 and starts serving on the current tokio runtime.
    ///
    /// # Errors
    /// When the port cannot be bound.
    pub async fn start(config: DemoConfig) -> std::io::Result<Self> {
        let listener =
            tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, config.port)))
                .await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(DemoState { config });
        let app = router(state);
        let (stop, stopped) = oneshot::channel::<()>();
        let join = tokio::spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = stopped.await;
                })
                .await;
            if let Err(error) = served {
                tracing::error!(%error, "demo server stopped with an error");
            }
        });
        Ok(Self {
            addr,
            stop: Some(stop),
            join: Some(join),
        })
    }

    /// The socket address the server listens on.
    #[must_use]
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, the root of both the Sage ID and the API side.
    #[must_use]
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops the server and waits until it has closed.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(join) = self.join.take() {
            let _ = join.await;
        }
    }
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

fn router(state: Arc<DemoState>) -> Router {
    Router::new()
        .route("/_demo/health", get(health))
        .with_state(state)
}

async fn health(
    axum::extract::State(state): axum::extract::State<Arc<DemoState>>,
) -> axum::Json<serde_json::Value> {
    axum::Json(serde_json::json!({
        "status": "ok",
        "customers": state.config.customers,
        "seed": state.config.seed,
    }))
}
