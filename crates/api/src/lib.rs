//! The HTTP face of sieve: axum routes under `/v1`, health and readiness probes, the mapping of
//! every crate's errors to `application/problem+json`, authentication, and the dashboard.
//!
//! This is the only crate that knows HTTP. It calls `store` (and, through the queue, the
//! workers); nothing below it may depend on it.

mod auth;
mod candidates;
mod error;
mod health;

pub use auth::{AuthMode, Caller, Role};
pub use error::ApiError;

use axum::Router;
use sieve_store::Store;

/// What every handler can reach.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// API keys, or the explicit local mode.
    pub auth: AuthMode,
}

/// The whole application's routes.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(health::routes())
        .merge(candidates::routes())
        .with_state(state)
        .layer(tower_http::trace::TraceLayer::new_for_http())
}

/// Serves the application on `listener` until `shutdown` completes, then drains open requests.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}
