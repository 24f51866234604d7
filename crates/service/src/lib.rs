//! The whole service, assembled in one place: its [`Settings`] (every flag and environment
//! variable of `sieve serve` and `sieve worker`), the workers it runs in process, and
//! [`run`], which serves the API on a listener with those workers until a shutdown future
//! completes. `sieve serve` and the tests call the same `run` (as mini-redis's binary and tests
//! share theirs).
//!
//! It joins `api` and `worker` and owns no behaviour of either; nothing but `cli` and tests may
//! depend on it.

mod probes;
mod settings;
mod workers;

pub use probes::Probes;
pub use settings::{Judging, Settings, WorkerSettings};
pub use workers::{Workers, drain, queue_drained, start_workers};

use sieve_api::{AppState, AuthMode, EventHub};
use sieve_store::{Store, StoreError};

/// Why the service could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The database could not be reached or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The toolchain or a judging process could not be set up.
    #[error(transparent)]
    Sandbox(#[from] sieve_sandbox::SandboxError),
    /// Serving failed.
    #[error("serving: {0}")]
    Io(#[from] std::io::Error),
    /// The settings do not fit together.
    #[error("{0}")]
    Settings(String),
}

/// Serves the API on `listener` with `settings.workers` in-process workers against
/// `database_url`, until `shutdown` completes; then the event streams end, open requests drain,
/// and each worker stops after the job in hand.
pub async fn run(
    listener: tokio::net::TcpListener,
    database_url: &str,
    settings: &Settings,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), ServiceError> {
    let local = listener.local_addr()?;
    if settings.local && !local.ip().is_loopback() {
        return Err(ServiceError::Settings(format!(
            "--local serves without API keys and is only allowed on a loopback address, not {local}"
        )));
    }
    let store = Store::connect(database_url, settings.db_connections).await?;
    let auth = if settings.local {
        tracing::warn!("local mode: no API keys, every request acts as admin");
        AuthMode::Local
    } else {
        AuthMode::Keys
    };
    let workers = start_workers(&store, &settings.workers)?;
    let metrics = match sieve_api::install_recorder() {
        Ok(h) => {
            sieve_worker::metrics::describe();
            Some(h)
        }
        Err(e) => {
            tracing::warn!(error = %e, "no metrics recorder");
            None
        }
    };
    let state = AppState {
        metrics,
        events: EventHub::new(store.clone(), settings.events()),
        ..AppState::new(store, auth)
    };
    tracing::info!(%local, "listening");
    let served = sieve_api::serve(listener, state, shutdown).await;
    // In-flight jobs are finished, not abandoned: each worker stops after its current job.
    workers.stop().await;
    served?;
    tracing::info!("shut down");
    Ok(())
}
