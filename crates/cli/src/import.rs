//! `sieve import`: a problem package from disk into the database, in one transaction.

use crate::DbArgs;
use crate::database::Database;
use anyhow::{Context, bail};
use sieve_formats::{Overrides, load_folder, load_kattis};
use sieve_sandbox::Toolchain;
use sieve_store::Store;
use std::path::PathBuf;

/// Package formats `sieve import` reads.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Format {
    /// Kattis / ICPC problem package (problem.yaml, data/sample, data/secret/<groups>).
    Kattis,
    /// A folder of N.in / N.out (or N.ans) tests, all or nothing; limits from the command line.
    Folder,
}

/// Options of `sieve import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The package's format.
    #[arg(value_enum)]
    format: Format,
    /// The package's directory.
    dir: PathBuf,
    /// The problem's unique short name (default: the directory's name).
    #[arg(long)]
    slug: Option<String>,
    /// Time limit in milliseconds (overrides the package).
    #[arg(long)]
    time_limit: Option<u64>,
    /// Memory limit in MiB (overrides the package).
    #[arg(long)]
    memory_limit: Option<u64>,
    /// Where the toolchain and builds are cached (custom checkers are compiled at import).
    #[arg(long, env = "SIEVE_CACHE_DIR", default_value = ".sieve/cache")]
    cache_dir: PathBuf,
    /// Put the problem into this contest (by name), created with IOI rules if it does not exist.
    #[arg(long)]
    contest: Option<String>,
    #[command(flatten)]
    db: DbArgs,
}

async fn contest_id(store: &Store, name: &str) -> anyhow::Result<sieve_domain::ContestId> {
    if let Some(c) = store.contests().await?.into_iter().find(|c| c.name == name) {
        return Ok(c.id);
    }
    let rules = sieve_domain::Rules::Ioi;
    Ok(store
        .insert_contest(&sieve_store::contests::NewContest {
            name: name.to_string(),
            rules,
            submission_limit: rules.default_submission_limit(),
            settings: serde_json::json!({}),
        })
        .await?)
}

/// Runs `sieve import`.
pub fn run(args: ImportArgs) -> anyhow::Result<()> {
    let overrides = Overrides {
        time_ms: args.time_limit,
        memory_bytes: args.memory_limit.map(|m| m << 20),
    };
    let package = match args.format {
        Format::Kattis => load_kattis(&args.dir, &overrides)?,
        Format::Folder => load_folder(&args.dir, &overrides)?,
    };
    let slug = args.slug.clone().unwrap_or_else(|| package.name.clone());
    let toolchain = Toolchain::discover(&args.cache_dir)?;
    let prepared =
        sieve_worker::package::prepare(&toolchain, &package, slug.clone(), None, &args.cache_dir)?;
    let db = Database::open(&args.db)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let id = rt.block_on(async {
        let store = Store::connect(&db.url, 2).await.context("connecting to the database")?;
        if let Some(existing) = store.problem_by_slug(&slug).await? {
            bail!("a problem called {slug:?} exists already ({existing}); pass --slug to import another copy");
        }
        let contest = match &args.contest {
            Some(name) => Some(contest_id(&store, name).await?),
            None => None,
        };
        let mut prepared = prepared;
        prepared.problem.contest = contest;
        Ok(prepared.store(&store).await?)
    })?;
    drop(rt);
    db.close();
    for w in &package.warnings {
        eprintln!("warning: {w}");
    }
    let count = |k| package.tests.iter().filter(|t| t.kind == k).count();
    let points: Vec<String> = package
        .subtasks
        .iter()
        .map(|s| format!("{}", s.points))
        .collect();
    println!(
        "imported {slug} as {id}: {} tests ({} public, {} hidden), {} subtasks ({} points), {} ms, {} MiB",
        package.tests.len(),
        count(sieve_domain::TestKind::Public),
        count(sieve_domain::TestKind::Hidden),
        package.subtasks.len(),
        points.join("/"),
        package.limits.time_ms,
        package.limits.memory_bytes >> 20
    );
    Ok(())
}
