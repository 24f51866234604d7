use crate::{ServiceError, WorkerSettings};
use sieve_sandbox::Toolchain;
use sieve_store::Store;
use sieve_worker::Worker;
use std::sync::Arc;
use tokio::sync::Notify;

/// Workers running in this process, the switch that stops them, and the listener that wakes
/// them when jobs are queued.
pub struct Workers {
    stop: tokio::sync::watch::Sender<bool>,
    handles: Vec<tokio::task::JoinHandle<()>>,
    listener: Option<tokio::task::JoinHandle<()>>,
}

impl Workers {
    /// Stops every worker, each handing its job in hand back to the queue for another worker,
    /// and waits for them.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for h in self.handles {
            let _ = h.await;
        }
        if let Some(l) = self.listener {
            l.abort();
        }
    }
}

/// Wakes idle workers whenever the database announces a queued job. If listening fails, the
/// workers still poll; it tries again a poll interval later.
async fn wake_on_jobs(store: Store, wake: Arc<Notify>, retry: std::time::Duration) {
    loop {
        match store.listen_jobs().await {
            Ok(mut listener) => loop {
                match listener.recv().await {
                    Ok(()) => wake.notify_waiters(),
                    Err(e) => {
                        tracing::warn!(error = %e, "listening for queued jobs");
                        break;
                    }
                }
            },
            Err(e) => tracing::warn!(error = %e, "listening for queued jobs"),
        }
        tokio::time::sleep(retry).await;
    }
}

/// Starts `settings.count()` workers on `store`, each with its own judging process.
pub fn start_workers(store: &Store, settings: &WorkerSettings) -> Result<Workers, ServiceError> {
    let (stop, stop_rx) = tokio::sync::watch::channel(false);
    let n = settings.count();
    let mut handles = Vec::new();
    let mut listener = None;
    if n > 0 {
        let wake = Arc::new(Notify::new());
        listener = Some(tokio::spawn(wake_on_jobs(
            store.clone(),
            wake.clone(),
            settings.poll(),
        )));
        let toolchain = Toolchain::discover(&settings.cache_dir)?;
        let exe = match &settings.sieve_exe {
            Some(p) => p.clone(),
            None => std::env::current_exe()?,
        };
        // Measured once per process (about 0.2 s), recorded with every result its workers judge.
        let host = sieve_store::candidates::Host {
            name: hostname(),
            speed: sieve_sandbox::host_speed(3)?,
        };
        tracing::info!(host = %host.name, speed = host.speed, "host speed measured (fuel per CPU ms)");
        for i in 0..n {
            let name = format!("{}-{}-{i}", hostname(), std::process::id());
            let supervisor = sieve_worker::judging_process(&exe, &settings.cache_dir)?;
            let worker = Worker::new(
                name,
                store.clone(),
                toolchain.clone(),
                settings.cache_dir.clone(),
                supervisor,
                settings.lease(),
            )
            .with_poll(settings.poll())
            .with_retention(settings.job_retention())
            .with_host(host.clone())
            .with_fuel(settings.judging == crate::Judging::Fuel);
            handles.push(tokio::spawn(worker.run(stop_rx.clone(), wake.clone())));
        }
        sieve_worker::metrics::workers_started(n);
        tracing::info!(workers = n, "workers started");
    }
    Ok(Workers {
        stop,
        handles,
        listener,
    })
}

/// Returns once no job is queued or running (checked twice, a second apart, so that jobs a
/// finishing job enqueues are seen).
pub async fn queue_drained(store: &Store) -> Result<(), ServiceError> {
    let mut idle_checks = 0;
    loop {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        let busy = store
            .job_counts()
            .await?
            .iter()
            .any(|(_, state, n)| state.pending() && *n > 0);
        idle_checks = if busy { 0 } else { idle_checks + 1 };
        if idle_checks >= 2 {
            tracing::info!("the queue is empty: stopping");
            return Ok(());
        }
    }
}

/// Does everything queued with the workers `settings` asks for, in this process, and returns
/// once the queue is empty (batch work such as benchmarks).
pub async fn drain(store: &Store, settings: &WorkerSettings) -> Result<(), ServiceError> {
    let workers = start_workers(store, settings)?;
    let drained = queue_drained(store).await;
    workers.stop().await;
    drained
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "host".into())
}
