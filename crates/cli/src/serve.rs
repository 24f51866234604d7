use crate::DbArgs;
use crate::database::Database;
use anyhow::Context;
use sieve_api::AppState;
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
}

/// Runs the API until SIGINT or SIGTERM, then shuts down gracefully (and stops a private cluster).
pub fn run(args: ServeArgs) -> anyhow::Result<()> {
    let db = Database::open(&args.db)?;
    let rt = tokio::runtime::Runtime::new()?;
    let result = rt.block_on(serve(&db.url, args.addr));
    drop(rt);
    db.close();
    result
}

async fn serve(url: &str, addr: SocketAddr) -> anyhow::Result<()> {
    let store = Store::connect(url, 16)
        .await
        .context("connecting to the database")?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("binding {addr}"))?;
    let local = listener.local_addr()?;
    tracing::info!(%local, "listening");
    println!("sieve is serving on http://{local}/");
    sieve_api::serve(listener, AppState { store }, shutdown_signal()).await?;
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
