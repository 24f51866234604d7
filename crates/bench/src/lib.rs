//! `sieve bench`: measurements of sieve against baselines run on the same machine in the same
//! run (native g++, process spawns, the sandbox alone, random selection, the oracle), printed as
//! ratios; never timed tests. Each benchmark takes the directories of real material it needs
//! as arguments. The figures and how to read them are in docs/benchmarks.md.
//!
//! It uses every crate of the product and `testkit`'s synthetic rows; nothing depends on it but
//! the `sieve` binary, which exposes [`Bench`] as its `bench` command.

mod agreement;
mod dashboard;
mod fidelity;
mod interactive;
mod overhead;
mod pools;
mod python;
mod queue;
mod report;
mod sandbox;
mod scoring;
mod selection;
mod selection_speed;
mod service;

use std::path::Path;

/// What to measure.
#[derive(Debug, clap::Subcommand)]
pub enum Bench {
    /// The judge: compute against native g++, per-test overhead against a spawn, two cores,
    /// deterministic mode, compile times.
    Sandbox(sandbox::SandboxBenchArgs),
    /// How much of a corpus of real contest C++ compiles and prints g++'s output.
    Fidelity(fidelity::FidelityBenchArgs),
    /// The hand-written candidates of the real problems on their official tests (a directory
    /// given), against their scores natively with g++.
    Agreement(agreement::AgreementBenchArgs),
    /// The service: ingest of 10,000 candidates, and judging end to end against the sandbox
    /// alone.
    Service(service::ServiceBenchArgs),
    /// Scoring: features and every scorer over a pool of 10,000 candidates.
    Scoring(scoring::ScoringBenchArgs),
    /// Selection: every strategy against random and the oracle on judged pools of the real
    /// problems, and the speed of selecting and replaying at scale.
    Selection(selection::SelectionBenchArgs),
    /// The dashboard: its JSON routes on a problem with 10,000 judged candidates.
    Dashboard(dashboard::DashboardBenchArgs),
    /// The job queue's capacity: 1 to 16 worker processes against one PostgreSQL, jobs of a
    /// fixed cost.
    Queue(queue::QueueBenchArgs),
    /// One worker process of `bench queue` (started by it).
    #[command(hide = true)]
    QueueWorker(queue::QueueWorkerArgs),
}

/// Runs the benchmark `what` and prints its figures: markdown tables, or with `json` one JSON
/// object per table on stdout (notes and progress then go to stderr).
pub fn run(what: Bench, json: bool) -> anyhow::Result<()> {
    report::set_json(json);
    match what {
        Bench::Sandbox(args) => sandbox::run(args),
        Bench::Fidelity(args) => fidelity::run(args),
        Bench::Agreement(args) => agreement::run(args),
        Bench::Service(args) => service::run(args),
        Bench::Scoring(args) => scoring::run(args),
        Bench::Selection(args) => selection::run(args),
        Bench::Dashboard(args) => dashboard::run(args),
        Bench::Queue(args) => queue::run(args),
        Bench::QueueWorker(args) => queue::worker(args),
    }
}

/// A supervisor whose judging processes are this binary's `sandbox-child` (the benchmarks run
/// inside `sieve`).
fn supervisor(cache_dir: &Path) -> anyhow::Result<sieve_sandbox::Supervisor> {
    Ok(sieve_worker::judging_process(
        &std::env::current_exe()?,
        cache_dir,
    )?)
}
