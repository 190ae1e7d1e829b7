//! A faithful local simulator of Sage ID (OAuth 2.0) and the Sage 200 API, on axum.
//!
//! It backs `--demo`, the standalone `demo-server` command and every integration test.
//! It deliberately imports nothing from the rest of the crate (only axum, tokio, serde and
//! friends), so a misunderstanding of the API cannot hide in code shared with the client.

mod api;
mod books;
mod customer_writes;
mod data;
mod faults;
mod filter;
mod ledger;
mod ledger_aged;
mod ledger_api;
mod ledger_schema;
mod ledger_views;
mod names;
mod oauth;
mod odata;
mod schema;
mod store;

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::{Json, Router};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use faults::{Fault, FaultKind};
pub use ledger::LEDGER_DATE;

/// Which of `names` the `$filter` of `raw_query` (a query string as a client sends it)
/// keeps, judged by the demo server's own `OData` parser over customers with those names.
/// For property tests of clients' filters: the same code that answers real requests.
pub fn customers_matching(raw_query: &str, names: &[String]) -> Result<Vec<usize>, String> {
    let schema = schema::customers();
    let query = odata::Query::parse(raw_query, &schema)?;
    let position = schema
        .position("name")
        .ok_or("customers have no name field")?;
    Ok(names
        .iter()
        .enumerate()
        .filter(|(_, name)| {
            let mut record = store::Record::seeded(0);
            record.set(position, serde_json::Value::from(name.as_str()));
            query
                .filter
                .as_ref()
                .is_none_or(|filter| filter.matches(&schema, &record))
        })
        .map(|(i, _)| i)
        .collect())
}
pub use oauth::{
    AUDIENCE, CONFIDENTIAL_CLIENT_ID, CONFIDENTIAL_CLIENT_SECRET, DEMO_USER_EMAIL, DEMO_USER_NAME,
    PUBLIC_CLIENT_ID,
};

/// The largest request body accepted; larger ones get 413.
pub const MAX_BODY_BYTES: usize = 10 * 1024 * 1024;

/// How to run the simulator.
#[derive(Debug, Clone)]
pub struct DemoConfig {
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Redirect from `/authorize` at once, as if the user had already consented.
    pub auto_approve: bool,
    /// Number of customers seeded in the first company.
    pub customers: usize,
    /// About how many sales and purchase ledger transactions the first company's books hold
    /// (the others hold at most 3,000 and 1,500); each posts two or three nominal rows.
    pub transactions: usize,
    /// Seed for the generated data: the same seed gives the same records.
    pub seed: u64,
    /// Lifetime of issued access tokens.
    pub access_token_lifetime: Duration,
    /// Keep data changes in this JSON file (loaded on start when it exists).
    pub state_file: Option<PathBuf>,
    /// How long an authorization code may wait before it is exchanged.
    pub code_lifetime: Duration,
    /// Issue a refresh token for `offline_access` only when the authorize request also
    /// says `prompt=consent`, as `OpenID` Connect Core §11 lets standard providers do.
    pub refresh_needs_consent_prompt: bool,
    /// A fixed lifetime for a sign-in's refresh tokens, counted from the browser sign-in
    /// (Sage's are fixed, up to 180 days): token answers then say how long is left in
    /// `refresh_token_expires_in`, and a refresh after it is refused with `invalid_grant`.
    pub refresh_token_lifetime: Option<Duration>,
    /// Take access tokens issued by an outside `OpenID` provider instead of its own: each
    /// bearer token is checked at this userinfo endpoint (200 accepts it), so the app can be
    /// tested against a real provider with this API behind it.
    pub outside_userinfo: Option<String>,
}

impl Default for DemoConfig {
    fn default() -> Self {
        Self {
            port: 0,
            auto_approve: false,
            customers: 2_000,
            transactions: 20_000,
            seed: 200,
            access_token_lifetime: Duration::from_hours(1),
            state_file: None,
            code_lifetime: Duration::from_mins(1),
            refresh_needs_consent_prompt: false,
            refresh_token_lifetime: None,
            outside_userinfo: None,
        }
    }
}

/// Shared state of a running simulator.
#[derive(Debug)]
struct DemoState {
    config: DemoConfig,
    schemas: data::Schemas,
    companies: Mutex<Vec<data::Company>>,
    oauth: Mutex<oauth::OAuthState>,
    faults: Mutex<Vec<Fault>>,
    /// Set when data changed and the state file needs writing.
    dirty: AtomicBool,
}

impl DemoState {
    fn mark_changed(&self) {
        self.dirty.store(true, Ordering::Release);
    }

    // A panic while a lock is held must not take the whole server down: keep serving.
    fn lock_companies(&self) -> MutexGuard<'_, Vec<data::Company>> {
        self.companies
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
    fn lock_oauth(&self) -> MutexGuard<'_, oauth::OAuthState> {
        self.oauth
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
    fn lock_faults(&self) -> MutexGuard<'_, Vec<Fault>> {
        self.faults
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A running simulator; dropping it (or calling [`DemoServer::shutdown`]) stops it.
#[derive(Debug)]
pub struct DemoServer {
    addr: SocketAddr,
    state: Arc<DemoState>,
    stop: Option<oneshot::Sender<()>>,
    join: Option<JoinHandle<()>>,
    saver: Option<JoinHandle<()>>,
}

impl DemoServer {
    /// Generates the data, binds 127.0.0.1 and starts serving on the current tokio runtime.
    ///
    /// # Errors
    /// When the port cannot be bound, or the state file exists but cannot be read.
    pub async fn start(config: DemoConfig) -> std::io::Result<Self> {
        let listener =
            tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, config.port)))
                .await?;
        let addr = listener.local_addr()?;
        let schemas = data::Schemas::new();
        let (seed, customers) = (config.seed, config.customers);
        let mut companies = data::build_companies(&schemas, seed, customers, config.transactions);
        let mut oauth_state = oauth::OAuthState::default();
        oauth_state.refresh_lifetime = config.refresh_token_lifetime;
        if let Some(path) = config.state_file.as_deref()
            && path.exists()
        {
            let text = tokio::fs::read_to_string(path).await?;
            let saved: serde_json::Value = serde_json::from_str(&text)
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
            data::import(&mut companies, &saved)
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
            oauth_state.import(&saved["oauth"]);
        }
        let state = Arc::new(DemoState {
            config,
            schemas,
            companies: Mutex::new(companies),
            oauth: Mutex::new(oauth_state),
            faults: Mutex::new(Vec::new()),
            dirty: AtomicBool::new(false),
        });
        let saver = state.config.state_file.clone().map(|path| {
            let state = state.clone();
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(Duration::from_millis(300)).await;
                    save_if_changed(&state, &path).await;
                }
            })
        });
        let app = router(state.clone());
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
            state,
            stop: Some(stop),
            join: Some(join),
            saver,
        })
    }

    /// The socket address the server listens on.
    #[must_use]
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, the root of the Sage ID side (`/authorize`, `/oauth/token`).
    #[must_use]
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The API base URL of Sage 200 Professional (`…/uk/sage200extra/accounts/v1/`).
    #[must_use]
    pub fn professional_api_url(&self) -> String {
        format!("{}{}/", self.base_url(), api::PREFIXES[0])
    }

    /// The API base URL of Sage 200 Standard (`…/uk/sage200/accounts/v1/`).
    #[must_use]
    pub fn standard_api_url(&self) -> String {
        format!("{}{}/", self.base_url(), api::PREFIXES[1])
    }

    /// Adds a fault for the calls it matches.
    pub fn add_fault(&self, fault: Fault) {
        self.state.lock_faults().push(fault);
    }

    /// Removes every pending fault.
    pub fn clear_faults(&self) {
        self.state.lock_faults().clear();
    }

    /// An access token for the demo user, issued without the browser flow. For benchmarks and
    /// scripts that measure or drive the API; sign-in itself is tested through the real flow.
    #[must_use]
    pub fn mint_access_token(&self) -> String {
        let lifetime = self.state.config.access_token_lifetime;
        let tokens = self.state.lock_oauth().mint(lifetime);
        tokens["access_token"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Makes every issued access token expire now.
    pub fn expire_tokens(&self) {
        self.state.lock_oauth().expire_all_access();
    }

    /// Revokes every refresh token (and the access tokens issued from them).
    pub fn revoke_refresh_tokens(&self) {
        self.state.lock_oauth().revoke_all_refresh();
    }

    /// Stops the server, writes pending changes to the state file, and waits until closed.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(join) = self.join.take() {
            let _ = join.await;
        }
        if let Some(saver) = self.saver.take() {
            saver.abort();
        }
        if let Some(path) = self.state.config.state_file.clone() {
            save_if_changed(&self.state, &path).await;
        }
    }
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(saver) = self.saver.take() {
            saver.abort();
        }
        // Records created in the last moments before the app closes are kept too.
        if let Some(path) = self.state.config.state_file.clone() {
            save_now(&self.state, &path);
        }
    }
}

/// Writes the state file when data changed: to a temporary file first, then renamed, so a
/// crash never leaves half a file.
async fn save_if_changed(state: &DemoState, path: &Path) {
    let Some(text) = changed_snapshot(state) else {
        return;
    };
    let temporary = path.with_extension("json.tmp");
    let written = async {
        tokio::fs::write(&temporary, &text).await?;
        tokio::fs::rename(&temporary, path).await
    }
    .await;
    if let Err(error) = written {
        state.mark_changed();
        tracing::warn!(%error, path = %path.display(), "could not save the demo state");
    }
}

/// The state as the file holds it, when it changed since the last save.
fn changed_snapshot(state: &DemoState) -> Option<Vec<u8>> {
    if !state.dirty.swap(false, Ordering::AcqRel) {
        return None;
    }
    let mut snapshot = data::export(&state.lock_companies());
    snapshot["oauth"] = state.lock_oauth().export();
    serde_json::to_vec(&snapshot).ok()
}

/// The last save when the server is dropped without [`DemoServer::shutdown`] (the app
/// closing, a signal): written at once, as a drop cannot wait for the runtime.
fn save_now(state: &DemoState, path: &Path) {
    let Some(text) = changed_snapshot(state) else {
        return;
    };
    let temporary = path.with_extension("json.tmp");
    let written =
        std::fs::write(&temporary, &text).and_then(|()| std::fs::rename(&temporary, path));
    if let Err(error) = written {
        tracing::warn!(%error, path = %path.display(), "could not save the demo state");
    }
}

fn router(state: Arc<DemoState>) -> Router {
    let mut router = Router::new()
        .route("/_demo/health", get(health))
        .route(
            "/_demo/faults",
            get(list_faults).post(add_faults).delete(clear_faults),
        )
        .route("/_demo/expire-tokens", post(expire_tokens))
        .route("/_demo/revoke-refresh-tokens", post(revoke_refresh_tokens))
        .route("/authorize", get(oauth::authorize))
        .route("/authorize/decision", post(oauth::decide))
        .route("/oauth/token", post(oauth::token))
        .route("/oauth/revoke", post(oauth::revoke));
    for prefix in api::PREFIXES {
        router = router.route(&format!("{prefix}/{{*rest}}"), any(api::handle));
    }
    router
        .fallback(|| async {
            (
                StatusCode::NOT_FOUND,
                Json(serde_json::json!({"Message": "Not found."})),
            )
        })
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            faults::apply,
        ))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

async fn health(State(state): State<Arc<DemoState>>) -> Json<serde_json::Value> {
    Json(serde_json::json!({
        "status": "ok",
        "customers": state.config.customers,
        "transactions": state.config.transactions,
        "seed": state.config.seed,
    }))
}

async fn list_faults(State(state): State<Arc<DemoState>>) -> Json<Vec<Fault>> {
    Json(state.lock_faults().clone())
}

/// Accepts one fault or a list of them.
#[derive(Debug, serde::Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(Fault),
    Many(Vec<Fault>),
}

async fn add_faults(
    State(state): State<Arc<DemoState>>,
    body: Result<Json<OneOrMany>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Ok(Json(body)) = body else {
        return (
            StatusCode::BAD_REQUEST,
            Json(serde_json::json!({"Message": "Send a fault as JSON, e.g. {\"kind\":\"status\",\"status\":503,\"path\":\"customers\",\"count\":2}."})),
        )
            .into_response();
    };
    let added = match body {
        OneOrMany::One(fault) => vec![fault],
        OneOrMany::Many(faults) => faults,
    };
    state.lock_faults().extend(added);
    (StatusCode::OK, Json(state.lock_faults().clone())).into_response()
}

async fn clear_faults(State(state): State<Arc<DemoState>>) -> StatusCode {
    state.lock_faults().clear();
    StatusCode::NO_CONTENT
}

async fn expire_tokens(State(state): State<Arc<DemoState>>) -> StatusCode {
    state.lock_oauth().expire_all_access();
    StatusCode::NO_CONTENT
}

async fn revoke_refresh_tokens(State(state): State<Arc<DemoState>>) -> StatusCode {
    state.lock_oauth().revoke_all_refresh();
    StatusCode::NO_CONTENT
}
