//! The `sieve` binary: every subcommand of the service, from judging one source to serving the API.
//!
//! This crate only parses arguments, sets up telemetry and the database, and calls the library
//! crates; nothing depends on it.

mod calibrate;
mod candidates;
mod database;
mod export;
mod generate;
mod import;
mod judge;
mod pool;
mod progress;
mod scorer;
mod serve;
mod simulate;
mod telemetry;
mod time_calibration;
mod tune;
mod verify;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// sieve: judge thousands of model-written candidates in a WebAssembly sandbox, score them, and
/// choose the few to submit.
#[derive(Debug, Parser)]
#[command(name = "sieve", version, propagate_version = true)]
struct Cli {
    /// Log format on stderr.
    #[arg(long, global = true, value_enum, env = "SIEVE_LOG_FORMAT", default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

/// How log lines are written.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

pub use sieve_pglocal::DbArgs;

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the HTTP API (and the dashboard) against the database.
    Serve(serve::ServeArgs),
    /// Judge one source against a problem directory (no database needed).
    Judge(judge::JudgeArgs),
    /// Judge every submission a package ships and compare with what it expects of each.
    Verify(verify::VerifyArgs),
    /// Measure sieve against baselines run on the same machine.
    Bench {
        #[command(subcommand)]
        what: sieve_bench::Bench,
        /// One JSON object per table of figures on stdout (notes and progress on stderr).
        #[arg(long, global = true)]
        json: bool,
    },
    /// Run judging workers only (any number of machines can join the same database).
    Worker {
        #[command(flatten)]
        db: DbArgs,
        #[command(flatten)]
        workers: sieve_service::WorkerSettings,
        /// Stop once no job is queued or running (batch use: judge what is queued, then exit).
        #[arg(long)]
        until_idle: bool,
        /// Serve `/healthz`, `/readyz` and Prometheus `/metrics` on this address (for a fleet's
        /// probes and scrapes).
        #[arg(long, env = "SIEVE_METRICS_ADDR")]
        metrics_addr: Option<std::net::SocketAddr>,
    },
    /// Create, list and revoke API keys (a new key is printed once; only its hash is stored).
    Keys {
        #[command(subcommand)]
        action: KeysAction,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Import a problem package into the database.
    Import(import::ImportArgs),
    /// Write problems as JSONL (CodeContests' fields and sieve's own), hidden tests included.
    Export(export::ExportArgs),
    /// Make tests: generated tests from generator and validator programs.
    Tests {
        #[command(subcommand)]
        action: TestsAction,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Make candidate pools for experiments.
    Pool {
        #[command(subcommand)]
        action: pool::PoolAction,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Add candidates from files.
    Candidates {
        #[command(subcommand)]
        action: candidates::CandidatesAction,
        #[command(flatten)]
        db: DbArgs,
    },
    /// A judging process, started by sieve itself (not for direct use).
    #[command(hide = true)]
    SandboxChild {
        /// The supervisor's status file.
        #[arg(long)]
        status: PathBuf,
        /// Module cache.
        #[arg(long)]
        cache_dir: PathBuf,
    },
    /// Replay a contest against the hidden tests with each selection strategy.
    Simulate(simulate::SimulateArgs),
    /// Train, apply and list scorers.
    Scorer {
        #[command(subcommand)]
        action: scorer::ScorerAction,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Manage sieve's private PostgreSQL cluster.
    Db {
        #[command(subcommand)]
        action: database::DbAction,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Debug, Subcommand)]
enum TestsAction {
    /// Run generators with seeds, keep the inputs enough validators accept, store them as
    /// generated tests.
    Generate(generate::GenerateArgs),
}

#[derive(Debug, Subcommand)]
enum KeysAction {
    /// Create a key with a role: admin (everything, hidden data), submitter (candidates,
    /// selections, simulations) or viewer (read).
    Create {
        /// The key's role.
        #[arg(long, value_parser = ["admin", "submitter", "viewer"])]
        role: String,
        /// A note on whose key it is.
        #[arg(long, default_value = "")]
        label: String,
    },
    /// List every key's id, role, label and dates (never the keys themselves).
    List {
        /// One JSON object per key, one per line.
        #[arg(long)]
        json: bool,
    },
    /// Revoke a key by its id (from `sieve keys list`): it authenticates nothing from then on.
    Revoke {
        /// The key's id.
        id: uuid::Uuid,
    },
}

/// Runs the command; a failure is printed with its causes, without a backtrace (it is the
/// user's to act on, not a crash), and exits 1.
fn main() -> std::process::ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run() -> anyhow::Result<std::process::ExitCode> {
    // Colours only on a terminal (or with CLICOLOR_FORCE), never with NO_COLOR set.
    if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        console::set_colors_enabled(false);
        console::set_colors_enabled_stderr(false);
    }
    let cli = Cli::parse();
    telemetry::init(cli.log_format);
    let done = match cli.command {
        Command::Judge(args) => return judge::run(args),
        Command::Verify(args) => return verify::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Import(args) => import::run(args),
        Command::Export(args) => export::run(args),
        Command::Tests {
            action: TestsAction::Generate(args),
            db,
        } => generate::run(args, &db),
        Command::Candidates { action, db } => candidates::run(action, &db),
        Command::Pool { action, db } => pool::run(action, &db),
        Command::Keys { action, db } => match action {
            KeysAction::Create { role, label } => database::create_key(&db, &role, &label),
            KeysAction::List { json } => database::list_keys(&db, json),
            KeysAction::Revoke { id } => database::revoke_key(&db, id),
        },
        Command::Worker {
            db,
            workers,
            until_idle,
            metrics_addr,
        } => serve::run_workers(&db, &workers, until_idle, metrics_addr),
        Command::SandboxChild { status, cache_dir } => {
            Ok(sieve_sandbox::child_main(&cache_dir, &status)?)
        }
        Command::Bench { what, json } => sieve_bench::run(what, json),
        Command::Db { action, db } => database::run(action, &db),
        Command::Scorer { action, db } => scorer::run(action, &db),
        Command::Simulate(args) => simulate::run(args),
    };
    done.map(|()| std::process::ExitCode::SUCCESS)
}
