//! `sieve serve` and `sieve worker`: the database opened (or a private cluster started), then
//! the service that `sieve_service` assembles from its settings.

use crate::DbArgs;
use anyhow::Context;
use sieve_pglocal::Database;
use sieve_service::{Probes, Settings, WorkerSettings, queue_drained, start_workers};
use sieve_store::Store;
use std::net::SocketAddr;

/// Options of `sieve serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    #[command(flatten)]
    db: DbArgs,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    #[command(flatten)]
    settings: Settings,
}

/// Runs the API until SIGINT or SIGTERM, then shuts down gracefully (and stops a private cluster).
pub fn run(args: ServeArgs) -> anyhow::Result<()> {
    if args.settings.local && !args.addr.ip().is_loopback() {
        anyhow::bail!(
            "--local serves without API keys and is only allowed on a loopback address, not {}",
            args.addr
        );
    }
    let db = Database::open(&args.db)?;
    let rt = tokio::runtime::Runtime::new()?;
    let result = rt.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .with_context(|| format!("binding {}", args.addr))?;
        println!("sieve is serving on http://{}/", listener.local_addr()?);
        sieve_service::run(listener, &db.url, &args.settings, shutdown_signal())
            .await
            .context("serving")
    });
    drop(rt);
    db.close();
    result
}

/// Runs `sieve worker`: workers only, until SIGINT or SIGTERM (each worker then hands its job
/// in hand back to the queue), with the probes and metrics on `metrics_addr` if given.
pub fn run_workers(
    db: &DbArgs,
    workers: &WorkerSettings,
    until_idle: bool,
    metrics_addr: Option<SocketAddr>,
) -> anyhow::Result<()> {
    let db = Database::open(db)?;
    let rt = tokio::runtime::Runtime::new()?;
    let result = rt.block_on(async {
        // A connection per worker at a time, one for heartbeats and sweeps, one for the probes
        // (the listener that wakes them holds its own).
        let connections = workers.count() as u32 + 2;
        let store = Store::connect(&db.url, connections)
            .await
            .context("connecting to the database")?;
        let probes = match metrics_addr {
            Some(addr) => {
                let listener = tokio::net::TcpListener::bind(addr)
                    .await
                    .with_context(|| format!("binding {addr}"))?;
                Some(Probes::start(listener, &store)?)
            }
            None => None,
        };
        let workers = start_workers(&store, workers)?;
        if until_idle {
            tokio::select! {
                _ = shutdown_signal() => {}
                r = queue_drained(&store) => r?,
            }
        } else {
            shutdown_signal().await;
        }
        if let Some(p) = &probes {
            p.drain();
        }
        workers.stop().await;
        if let Some(p) = probes {
            p.stop().await?;
        }
        anyhow::Ok(())
    });
    // A judging thread may still be running the dropped job's tests: do not wait for it.
    rt.shutdown_timeout(std::time::Duration::from_secs(1));
    db.close();
    result
}

async fn shutdown_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate()).expect("installing SIGTERM handler");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
    tracing::info!("shutdown requested");
}
