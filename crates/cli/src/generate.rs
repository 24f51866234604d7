//! `sieve tests generate`: generated tests from generator and validator programs (see
//! `sieve_worker::generate`), stored in one transaction; candidates already judged on generated
//! tests are queued again for the new ones.

use crate::DbArgs;
use anyhow::{Context, bail};
use sieve_app::generation::subtasks_holding;
use sieve_domain::Limits;
use sieve_formats::program_from_spec;
use sieve_sandbox::Toolchain;
use sieve_worker::generate::{GenerateSpec, generate};
use std::path::{Path, PathBuf};

/// Options of `sieve tests generate`.
#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// The problem's short name.
    problem: String,
    /// A generator (repeatable): `SOURCE [ARGS...]` in one argument; runs as
    /// `gen ARGS... SEED` and prints one input.
    #[arg(long = "generator", required = true)]
    generators: Vec<String>,
    /// An input validator (repeatable): `SOURCE [FLAGS...]`; reads an input on stdin, exit 0
    /// (or 42) accepts.
    #[arg(long = "validator", required = true)]
    validators: Vec<String>,
    /// Seeds per generator.
    #[arg(long, default_value_t = 20)]
    count: u64,
    /// The first seed.
    #[arg(long, default_value_t = 1)]
    first_seed: u64,
    /// Share of validators that must accept an input.
    #[arg(long, default_value_t = 0.75)]
    threshold: f64,
    /// The subtask the inputs are for (name or 0-based index); they also join every subtask
    /// containing it. Without it they belong to no subtask.
    #[arg(long)]
    subtask: Option<String>,
    /// Time limit of each generator and validator run, in milliseconds.
    #[arg(long, default_value_t = 10_000)]
    time_limit: u64,
    /// Write the full report (every run's fate) as JSON here.
    #[arg(long)]
    report: Option<PathBuf>,
    /// Print the counts and the new tests' indices as JSON (the full report with --report).
    #[arg(long)]
    json: bool,
    /// Where the toolchain and builds are cached.
    #[arg(long, env = "SIEVE_CACHE_DIR", default_value = ".sieve/cache")]
    cache_dir: PathBuf,
}

/// Runs `sieve tests generate`.
pub fn run(args: GenerateArgs, db: &DbArgs) -> anyhow::Result<()> {
    let spec = GenerateSpec {
        generators: args
            .generators
            .iter()
            .map(|p| program_from_spec(Path::new(""), p))
            .collect::<Result<_, _>>()?,
        validators: args
            .validators
            .iter()
            .map(|p| program_from_spec(Path::new(""), p))
            .collect::<Result<_, _>>()?,
        seeds: (args.first_seed..args.first_seed + args.count).collect(),
        threshold: args.threshold,
        limits: Limits {
            time_ms: args.time_limit,
            ..Limits::default()
        },
    };
    let toolchain = Toolchain::discover(&args.cache_dir)?;
    crate::database::with_store(db, |store| async move {
        let Some(id) = store.problem_by_slug(&args.problem).await? else {
            bail!("no problem called {:?}", args.problem);
        };
        let problem = store
            .load_problem(id)
            .await?
            .context("the problem vanished")?;
        let subtasks = match &args.subtask {
            None => vec![],
            Some(s) => {
                let subs = &problem.problem.subtasks;
                let target = subs
                    .iter()
                    .position(|t| &t.name == s)
                    .or_else(|| s.parse::<usize>().ok().filter(|i| *i < subs.len()))
                    .with_context(|| format!("{} has no subtask {s:?}", args.problem))?;
                subtasks_holding(&problem, target)
            }
        };
        let mut supervisor = crate::judge::supervisor(&args.cache_dir)?;
        let bar = crate::progress::bar(None, args.json);
        bar.set_message(format!(
            "{} generators x {} seeds, {} validators",
            spec.generators.len(),
            args.count,
            spec.validators.len()
        ));
        let made = generate(
            &toolchain,
            &args.cache_dir,
            &mut supervisor,
            &spec,
            &problem,
            &subtasks,
        );
        bar.finish_and_clear();
        let (tests, report) = made?;
        let (indices, rejudged) = if tests.is_empty() {
            (vec![], 0)
        } else {
            store.add_tests(id, &tests).await?
        };
        if let Some(path) = &args.report {
            std::fs::write(path, serde_json::to_vec_pretty(&report)?)?;
        }
        if args.json {
            println!(
                "{}",
                serde_json::json!({"problem": args.problem, "kept": report.kept,
                    "rejected": report.rejected, "duplicates": report.duplicates,
                    "failed": report.failed, "indices": indices, "rejudged": rejudged})
            );
        } else {
            println!(
                "{}: kept {} inputs as generated tests, rejected {}, {} duplicates, {} generator runs failed; {} candidates queued again",
                args.problem,
                report.kept,
                report.rejected,
                report.duplicates,
                report.failed,
                rejudged
            );
        }
        Ok(())
    })
}
