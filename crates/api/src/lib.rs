//! The HTTP face of sieve: axum routes under `/v1` (contests, problems and their tests, package
//! uploads, candidates, progress streams, scorers and scores, selections, live selection
//! sessions, simulations, the dashboard's read models), the dashboard's pages at `/`, health and
//! readiness probes, `/metrics`, the OpenAPI document, the mapping of every crate's errors to
//! `application/problem+json`, and authentication.
//!
//! This is the only crate that knows HTTP. It calls `store`, and `worker` for the use cases that
//! crate still holds (candidate ingest, scoring, selections, sessions, clusters, preparing uploaded
//! packages, generating tests); nothing below it may depend on it. Errors of the crates below
//! carry causes, never fields: this crate alone names the request field and the status.

mod auth;
mod candidate_read;
mod candidates;
mod contests;
mod dashboard;
mod dashboard_data;
mod dashboard_lists;
mod error;
mod events;
mod generate;
mod health;
mod hub;
mod metrics;
mod openapi;
mod problems;
mod scores;
mod selections;
mod sessions;
mod tests_data;
mod upload;

pub use auth::{AuthMode, Caller, Role};
pub use error::ApiError;
pub use hub::{EventHub, EventsConfig};
pub use metrics::install_recorder;
pub use openapi::document as openapi_document;

use axum::Router;
use metrics_exporter_prometheus::PrometheusHandle;
use sieve_sandbox::Toolchain;
use sieve_store::Store;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

/// What every handler can reach.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// API keys, or the explicit local mode.
    pub auth: AuthMode,
    /// Renders the process's metrics, when a recorder is installed.
    pub metrics: Option<PrometheusHandle>,
    /// Where uploaded packages' checkers are compiled.
    pub packages: Arc<PackageEnv>,
    /// Pools the dashboard's cluster views were computed from, while unchanged.
    pub pools: Arc<sieve_app::clusters::PoolCache>,
    /// Reads judging progress once for all the event streams, caps and ends them.
    pub events: Arc<EventHub>,
}

/// The toolchain for compiling uploaded packages' checkers, found on first use.
#[derive(Debug)]
pub struct PackageEnv {
    cache_dir: PathBuf,
    toolchain: OnceLock<Toolchain>,
}

impl PackageEnv {
    /// Compiles in `cache_dir` (the workers' cache).
    pub fn new(cache_dir: PathBuf) -> Arc<PackageEnv> {
        Arc::new(PackageEnv {
            cache_dir,
            toolchain: OnceLock::new(),
        })
    }

    pub(crate) fn toolchain(&self) -> Result<(Toolchain, PathBuf), sieve_sandbox::SandboxError> {
        if let Some(t) = self.toolchain.get() {
            return Ok((t.clone(), self.cache_dir.clone()));
        }
        let t = Toolchain::discover(&self.cache_dir)?;
        Ok((
            self.toolchain.get_or_init(|| t).clone(),
            self.cache_dir.clone(),
        ))
    }
}

impl AppState {
    /// State with keys required, no metrics recorder, packages compiled under `cache_dir`, and
    /// the event streams' defaults.
    pub fn new(store: Store, auth: AuthMode, cache_dir: PathBuf) -> AppState {
        AppState {
            events: EventHub::new(store.clone(), EventsConfig::default()),
            store,
            auth,
            metrics: None,
            packages: PackageEnv::new(cache_dir),
            pools: Arc::default(),
        }
    }
}

/// How long a request's body may take to arrive.
pub const BODY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(120);

/// The whole application's routes.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(health::routes())
        .merge(metrics::routes())
        .merge(openapi::routes())
        .merge(contests::routes())
        .merge(problems::routes())
        .merge(upload::routes())
        .merge(tests_data::routes())
        .merge(generate::routes())
        .merge(candidates::routes())
        .merge(candidate_read::routes())
        .merge(events::routes())
        .merge(scores::routes())
        .merge(selections::routes())
        .merge(sessions::routes())
        .merge(dashboard_data::routes())
        .merge(dashboard_lists::routes())
        .merge(dashboard::routes())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::local_guard,
        ))
        // A client that sends its body slower than this loses the request, not a worker.
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
            BODY_TIMEOUT,
        ))
        .with_state(state)
        .layer(axum::middleware::from_fn(error::problem_json))
        .layer(tower_http::trace::TraceLayer::new_for_http())
}

/// Serves the application on `listener` until `shutdown` completes, then ends the event streams
/// and drains open requests.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let events = state.events.clone();
    let shutdown = async move {
        shutdown.await;
        // An event stream never ends by itself: left open, it would hold the drain forever.
        events.close();
    };
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}
