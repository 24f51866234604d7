use crate::DbArgs;
use crate::database::Database;
use anyhow::Context;
use sieve_api::{AppState, AuthMode, EventHub, EventsConfig};
use sieve_sandbox::Toolchain;
use sieve_store::Store;
use sieve_worker::Worker;
use std::net::SocketAddr;
use std::path::PathBuf;

/// Options of `sieve serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    #[command(flatten)]
    db: DbArgs,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    #[command(flatten)]
    workers: WorkerArgs,
    /// Local mode: no API keys, every request acts as admin. Only on a loopback address.
    #[arg(long)]
    local: bool,
    /// Seconds between reads of a watched problem's progress when no change was notified (a
    /// safety net: changes are notified by the database).
    #[arg(long, default_value_t = 5.0)]
    events_poll_secs: f64,
    /// Progress event streams one API key (or the local user) may hold open.
    #[arg(long, default_value_t = 16)]
    max_streams_per_key: usize,
}

/// How many judging workers to run, and where they cache builds.
#[derive(Debug, clap::Args)]
pub struct WorkerArgs {
    /// Judging workers in this process (each with its own judging process); default: one per core.
    #[arg(long)]
    workers: Option<usize>,
    /// Where the toolchain, builds and compiled modules are cached.
    #[arg(long, env = "SIEVE_CACHE_DIR", default_value = ".sieve/cache")]
    cache_dir: PathBuf,
    /// Seconds a worker holds a job before another may take it (renewed while it works).
    #[arg(long, default_value_t = 60.0)]
    lease_secs: f64,
}

/// Runs the API until SIGINT or SIGTERM, then shuts down gracefully (and stops a private cluster).
pub fn run(args: ServeArgs) -> anyhow::Result<()> {
    if args.local && !args.addr.ip().is_loopback() {
        anyhow::bail!(
            "--local serves without API keys and is only allowed on a loopback address, not {}",
            args.addr
        );
    }
    let auth = if args.local {
        AuthMode::Local
    } else {
        AuthMode::Keys
    };
    let db = Database::open(&args.db)?;
    let rt = tokio::runtime::Runtime::new()?;
    let events = EventsConfig {
        fallback: std::time::Duration::from_secs_f64(args.events_poll_secs.max(0.5)),
        max_streams_per_key: args.max_streams_per_key,
        ..EventsConfig::default()
    };
    let result = rt.block_on(serve(&db.url, args.addr, &args.workers, auth, events));
    drop(rt);
    db.close();
    result
}

/// Runs `sieve worker`: workers only, until SIGINT or SIGTERM.
pub fn run_workers(db: &DbArgs, workers: &WorkerArgs, until_idle: bool) -> anyhow::Result<()> {
    let db = Database::open(db)?;
    let rt = tokio::runtime::Runtime::new()?;
    let result = rt.block_on(async {
        let store = Store::connect(&db.url, 8)
            .await
            .context("connecting to the database")?;
        let (stop, handles) = start_workers(&store, workers)?;
        if until_idle {
            tokio::select! {
                _ = shutdown_signal() => {}
                r = queue_drained(&store) => r?,
            }
        } else {
            shutdown_signal().await;
        }
        let _ = stop.send(true);
        for h in handles {
            let _ = h.await;
        }
        anyhow::Ok(())
    });
    drop(rt);
    db.close();
    result
}

/// Returns once no job is queued or running (checked twice, a second apart, so that jobs a
/// finishing job enqueues are seen).
async fn queue_drained(store: &Store) -> anyhow::Result<()> {
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

/// Judges everything queued with `n` workers in this process, and returns once the queue is
/// empty (batch jobs such as benchmarks).
pub(crate) async fn drain(
    store: &Store,
    cache_dir: &std::path::Path,
    n: usize,
) -> anyhow::Result<()> {
    let args = WorkerArgs {
        workers: Some(n),
        cache_dir: cache_dir.to_path_buf(),
        lease_secs: 60.0,
    };
    let (stop, handles) = start_workers(store, &args)?;
    let drained = queue_drained(store).await;
    let _ = stop.send(true);
    for h in handles {
        let _ = h.await;
    }
    drained
}

type Workers = (
    tokio::sync::watch::Sender<bool>,
    Vec<tokio::task::JoinHandle<()>>,
);

fn start_workers(store: &Store, args: &WorkerArgs) -> anyhow::Result<Workers> {
    let (stop, stop_rx) = tokio::sync::watch::channel(false);
    let n = args.workers.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    });
    let mut handles = Vec::new();
    if n > 0 {
        let toolchain = Toolchain::discover(&args.cache_dir)?;
        for i in 0..n {
            let name = format!("{}-{}-{i}", hostname(), std::process::id());
            let supervisor = crate::judge::supervisor(&args.cache_dir)?;
            let lease = std::time::Duration::from_secs_f64(args.lease_secs.max(0.3));
            let worker = Worker::new(
                name,
                store.clone(),
                toolchain.clone(),
                args.cache_dir.clone(),
                supervisor,
                lease,
            );
            handles.push(tokio::spawn(worker.run(stop_rx.clone())));
        }
        tracing::info!(workers = n, "judging workers started");
    }
    Ok((stop, handles))
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "host".into())
}

async fn serve(
    url: &str,
    addr: SocketAddr,
    workers: &WorkerArgs,
    auth: AuthMode,
    events: EventsConfig,
) -> anyhow::Result<()> {
    let store = Store::connect(url, 16)
        .await
        .context("connecting to the database")?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("binding {addr}"))?;
    let local = listener.local_addr()?;
    let (stop, handles) = start_workers(&store, workers)?;
    tracing::info!(%local, "listening");
    println!("sieve is serving on http://{local}/");
    if auth == AuthMode::Local {
        tracing::warn!("local mode: no API keys, every request acts as admin");
    }
    let metrics = match sieve_api::install_recorder() {
        Ok(h) => Some(h),
        Err(e) => {
            tracing::warn!(error = %e, "no metrics recorder");
            None
        }
    };
    let state = AppState {
        metrics,
        events: EventHub::new(store.clone(), events),
        ..AppState::new(store, auth)
    };
    sieve_api::serve(listener, state, shutdown_signal()).await?;
    // In-flight jobs are finished, not abandoned: each worker stops after its current job.
    let _ = stop.send(true);
    for h in handles {
        let _ = h.await;
    }
    tracing::info!("shut down");
    Ok(())
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
