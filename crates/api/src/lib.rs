//! The HTTP face of sieve: axum routes under `/v1` (contests, problems and their tests, package
//! uploads, candidates and their rejudging, progress streams, scorers and scores, selections,
//! live selection sessions, simulations, the dashboard's read models, API keys listed and
//! revoked), the dashboard's pages at `/`, health and readiness probes, `/metrics`, the OpenAPI
//! document, the mapping of every crate's errors to `application/problem+json`, and
//! authentication.
//!
//! This is the only crate that knows HTTP. It calls `app` for the use cases and `store` for
//! plain reads and writes; it never depends on `sandbox` or `worker`: what needs the sandbox
//! (an uploaded package's checker, a team's generators) is queued as a job for the workers, and
//! the client follows it at `/v1/jobs/{id}`. Nothing below it may depend on it. Errors of the
//! crates below carry causes, never fields: this crate alone names the request field and the
//! status.

mod auth;
mod candidate_read;
mod candidates;
mod contests;
mod dashboard;
mod dashboard_data;
mod dashboard_lists;
mod deletion;
mod error;
mod events;
mod generate;
mod health;
mod hub;
mod jobs;
mod keys;
mod metrics;
mod openapi;
mod problems;
mod rejudge;
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
use sieve_store::Store;
use std::sync::Arc;

/// What every handler can reach.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// API keys, or the explicit local mode.
    pub auth: AuthMode,
    /// Renders the process's metrics, when a recorder is installed.
    pub metrics: Option<PrometheusHandle>,
    /// Pools the dashboard's cluster views were computed from, while unchanged.
    pub pools: Arc<sieve_app::clusters::PoolCache>,
    /// Reads judging progress once for all the event streams, caps and ends them.
    pub events: Arc<EventHub>,
    /// Set when the process is shutting down: `/readyz` then answers 503, so a load balancer
    /// or Kubernetes sends it nothing new.
    pub draining: Arc<std::sync::atomic::AtomicBool>,
}

impl AppState {
    /// State with keys required, no metrics recorder, and the event streams' defaults.
    pub fn new(store: Store, auth: AuthMode) -> AppState {
        AppState {
            events: EventHub::new(store.clone(), EventsConfig::default()),
            store,
            auth,
            metrics: None,
            pools: Arc::default(),
            draining: Arc::default(),
        }
    }
}

/// The probes and metrics alone (`/healthz`, `/readyz`, `/metrics`), for processes that serve
/// no API: `sieve worker --metrics-addr`.
pub fn probes_router(state: AppState) -> Router {
    Router::new()
        .merge(health::routes())
        .merge(metrics::routes())
        .with_state(state)
}

/// Serves [`probes_router`] on `listener` until `shutdown` completes.
pub async fn serve_probes(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, probes_router(state))
        .with_graceful_shutdown(shutdown)
        .await
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
        .merge(jobs::routes())
        .merge(keys::routes())
        .merge(candidates::routes())
        .merge(candidate_read::routes())
        .merge(rejudge::routes())
        .merge(deletion::routes())
        .merge(events::routes())
        .merge(scores::routes())
        .merge(selections::routes())
        .merge(sessions::routes())
        .merge(dashboard_data::routes())
        .merge(dashboard_lists::routes())
        .merge(dashboard::routes())
        // Inside the routing, where the matched route is known.
        .route_layer(axum::middleware::from_fn(metrics::track))
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
        // gzip for clients that ask (`Accept-Encoding`); never for event streams or tiny bodies.
        .layer(tower_http::compression::CompressionLayer::new())
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
