//! A worker process's probes and metrics (`sieve worker --metrics-addr`): `/healthz`, `/readyz`
//! (the database answers and the process is not shutting down) and Prometheus `/metrics` (its
//! workers' jobs, judging and compile times, builds reused from the store, how many workers are
//! busy, and the queue's depth as the database counts it).

use crate::ServiceError;
use sieve_api::{AppState, AuthMode};
use sieve_store::Store;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// The probes being served, with the switches that drain and stop them.
pub struct Probes {
    draining: Arc<AtomicBool>,
    stop: tokio::sync::oneshot::Sender<()>,
    served: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Probes {
    /// Serves the probes on `listener`, installing the process's metrics recorder.
    pub fn start(listener: tokio::net::TcpListener, store: &Store) -> Result<Probes, ServiceError> {
        let metrics = sieve_api::install_recorder().map_err(ServiceError::Settings)?;
        sieve_worker::metrics::describe();
        let state = AppState {
            metrics: Some(metrics),
            ..AppState::new(store.clone(), AuthMode::Keys)
        };
        let draining = state.draining.clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tracing::info!(addr = %listener.local_addr()?, "serving probes and metrics");
        let served = tokio::spawn(sieve_api::serve_probes(listener, state, async {
            stopped.await.ok();
        }));
        Ok(Probes {
            draining,
            stop,
            served,
        })
    }

    /// From now on `/readyz` answers 503: the process is shutting down.
    pub fn drain(&self) {
        self.draining.store(true, Ordering::Relaxed);
    }

    /// Stops serving and waits for it.
    pub async fn stop(self) -> Result<(), ServiceError> {
        let _ = self.stop.send(());
        match self.served.await {
            Ok(r) => Ok(r?),
            Err(e) => Err(ServiceError::Settings(format!("the probes' task: {e}"))),
        }
    }
}
