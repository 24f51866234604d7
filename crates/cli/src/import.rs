//! `sieve import`: a problem package from disk into the database, in one transaction.

use crate::DbArgs;
use crate::database::Database;
use crate::judge::build_checker;
use anyhow::{Context, bail};
use sieve_formats::{Overrides, Package, load_folder, load_kattis};
use sieve_sandbox::Toolchain;
use sieve_store::Store;
use sieve_store::problems::{NewProblem, NewTest};
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
    #[command(flatten)]
    db: DbArgs,
}

fn to_new_problem(package: &Package, slug: String, checker: sieve_domain::Checker) -> NewProblem {
    NewProblem {
        name: package.name.clone(),
        slug,
        limits: package.limits,
        checker,
        precision: 2,
        subtasks: package.subtasks.clone(),
        tests: package
            .tests
            .iter()
            .map(|t| NewTest {
                name: t.name.clone(),
                kind: t.kind,
                input: t.input.clone(),
                answer: t.answer.clone(),
            })
            .collect(),
        grader: package
            .grader
            .iter()
            .map(|f| (f.name.clone(), f.source.clone()))
            .collect(),
        warnings: package.warnings.clone(),
    }
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
    let (checker, checker_wasm) = build_checker(&toolchain, &package, &args.cache_dir)?;
    let problem = to_new_problem(&package, slug.clone(), checker);
    let db = Database::open(&args.db)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let id = rt.block_on(async {
        let store = Store::connect(&db.url, 2).await.context("connecting to the database")?;
        if let Some(existing) = store.problem_by_slug(&slug).await? {
            bail!("a problem called {slug:?} exists already ({existing}); pass --slug to import another copy");
        }
        if let Some(wasm) = &checker_wasm {
            store.put_blob(wasm).await?;
        }
        Ok(store.insert_problem(&problem).await?)
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
