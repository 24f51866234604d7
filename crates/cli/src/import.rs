//! `sieve import`: problem packages from disk into the database, each problem in one
//! transaction. A JSONL file may hold many problems and their solutions.

use crate::DbArgs;
use anyhow::bail;
use sieve_formats::{Overrides, Package, PackageFormat, load_jsonl};
use sieve_sandbox::Toolchain;
use sieve_store::Store;
use std::path::{Path, PathBuf};

/// Package formats `sieve import` reads.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Format {
    /// Kattis / ICPC problem package (problem.yaml, data/sample, data/secret/<groups>).
    Kattis,
    /// A folder of N.in / N.out (or N.ans) tests, all or nothing; limits from the command line.
    Folder,
    /// A CMS task: Italian task.yaml (input/, output/, gen/GEN, sol/ graders) or a TPS export
    /// (problem.json, subtasks/, tests/, graders/).
    Cms,
    /// A Codeforces Polygon package (problem.xml, tests/, files/ with the testlib checker).
    Polygon,
    /// One problem per line with CodeContests' fields (public_tests, private_tests,
    /// generated_tests, solutions, incorrect_solutions); solutions become candidates.
    Jsonl,
}

/// Options of `sieve import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The package's format.
    #[arg(value_enum)]
    format: Format,
    /// The package's directory (a file for jsonl).
    dir: PathBuf,
    /// The problem's unique short name (default: the directory's name or the line's slug).
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
    /// Skip problems whose short name exists already instead of stopping.
    #[arg(long)]
    skip_existing: bool,
    /// One JSON object per problem (`slug`, `id` or `skipped`, test counts per kind, subtask
    /// points, limits, warnings, `candidates` for jsonl), one per line; warnings not on stderr.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    judge: crate::candidates::JudgeArgs,
    #[command(flatten)]
    db: DbArgs,
}

pub(crate) async fn contest_id(
    store: &Store,
    name: &str,
) -> anyhow::Result<sieve_domain::ContestId> {
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

/// Compiles the package's checker and stores the problem; None when it exists and is skipped.
async fn store_package(
    store: &Store,
    args: &ImportArgs,
    toolchain: &Toolchain,
    package: &Package,
    slug: &str,
) -> anyhow::Result<Option<sieve_domain::ProblemId>> {
    if let Some(existing) = store.problem_by_slug(slug).await? {
        if args.skip_existing {
            if args.json {
                println!(
                    "{}",
                    serde_json::json!({"slug": slug, "skipped": true, "existing": existing})
                );
            } else {
                eprintln!("skipped {slug}: it exists already ({existing})");
            }
            return Ok(None);
        }
        bail!(
            "a problem called {slug:?} exists already ({existing}); pass --slug to import another copy"
        );
    }
    let contest = match &args.contest {
        Some(name) => Some(contest_id(store, name).await?),
        None => None,
    };
    let prepared = sieve_worker::package::prepare(
        toolchain,
        package,
        slug.to_string(),
        contest,
        &args.cache_dir,
    )?;
    let id = prepared.store(store).await?;
    if !args.json {
        for w in &package.warnings {
            eprintln!("warning: {slug}: {w}");
        }
        println!("imported {slug} as {id}: {}", summary(package));
    }
    Ok(Some(id))
}

/// What `--json` prints of one imported problem.
fn imported_json(
    slug: &str,
    id: sieve_domain::ProblemId,
    package: &Package,
    candidates: Option<usize>,
) -> serde_json::Value {
    let count = |k| package.tests.iter().filter(|t| t.kind == k).count();
    let mut v = serde_json::json!({
        "slug": slug, "id": id,
        "tests": {"public": count(sieve_domain::TestKind::Public),
            "generated": count(sieve_domain::TestKind::Generated),
            "hidden": count(sieve_domain::TestKind::Hidden)},
        "subtasks": package.subtasks.iter()
            .map(|s| serde_json::json!({"name": s.name, "points": s.points}))
            .collect::<Vec<_>>(),
        "time_limit_ms": package.limits.time_ms,
        "memory_limit_mib": package.limits.memory_bytes >> 20,
        "warnings": package.warnings,
    });
    if let Some(n) = candidates {
        v["candidates"] = n.into();
    }
    v
}

fn summary(package: &Package) -> String {
    let count = |k| package.tests.iter().filter(|t| t.kind == k).count();
    let points: Vec<String> = package
        .subtasks
        .iter()
        .map(|s| format!("{}", s.points))
        .collect();
    format!(
        "{} tests ({} public, {} generated, {} hidden), {} subtasks ({} points), {} ms, {} MiB",
        package.tests.len(),
        count(sieve_domain::TestKind::Public),
        count(sieve_domain::TestKind::Generated),
        count(sieve_domain::TestKind::Hidden),
        package.subtasks.len(),
        points.join("/"),
        package.limits.time_ms,
        package.limits.memory_bytes >> 20
    )
}

/// Runs `sieve import`.
pub fn run(args: ImportArgs) -> anyhow::Result<()> {
    let overrides = Overrides {
        time_ms: args.time_limit,
        memory_bytes: args.memory_limit.map(|m| m << 20),
    };
    let toolchain = Toolchain::discover(&args.cache_dir)?;
    let package = match args.format {
        Format::Jsonl => None,
        format => Some(crate::judge::with_tests(
            load_dir(format, &args.dir, &overrides)?,
            &toolchain,
            &args.cache_dir,
        )?),
    };
    let args = &args;
    crate::database::with_store(&args.db, |store| async move {
        match package {
            None => import_jsonl(&store, args, &toolchain, &overrides).await,
            Some(package) => {
                let slug = args.slug.clone().unwrap_or_else(|| package.name.clone());
                let id = store_package(&store, args, &toolchain, &package, &slug).await?;
                if let Some(id) = id.filter(|_| args.json) {
                    println!("{}", imported_json(&slug, id, &package, None));
                }
                Ok(())
            }
        }
    })
}

fn load_dir(format: Format, dir: &Path, overrides: &Overrides) -> anyhow::Result<Package> {
    let format = match format {
        Format::Kattis => PackageFormat::Kattis,
        Format::Folder => PackageFormat::Folder,
        Format::Cms => PackageFormat::Cms,
        Format::Polygon => PackageFormat::Polygon,
        Format::Jsonl => unreachable!("a JSONL file is read line by line"),
    };
    Ok(format.load(dir, overrides)?)
}

async fn import_jsonl(
    store: &Store,
    args: &ImportArgs,
    toolchain: &Toolchain,
    overrides: &Overrides,
) -> anyhow::Result<()> {
    let plan = args.judge.plan()?;
    let (mut problems, mut candidates) = (0usize, 0usize);
    // A data set is read line by line: a spinner with the count so far, on a terminal only.
    let bar = crate::progress::bar(None, args.json);
    for (i, line) in load_jsonl(&args.dir, overrides)?.enumerate() {
        let line = line?;
        if i > 0 && args.slug.is_some() {
            bail!(
                "--slug names one problem, but {} holds several",
                args.dir.display()
            );
        }
        let slug = args.slug.clone().unwrap_or(line.slug.clone());
        let Some(id) = store_package(store, args, toolchain, &line.package, &slug).await? else {
            continue;
        };
        problems += 1;
        let news: Vec<_> = line
            .candidates
            .iter()
            .map(crate::candidates::from_jsonl)
            .collect();
        let mut batch = store.begin_batch().await?;
        let stored = sieve_app::ingest::store_candidates(&mut batch, &plan, id, &news)
            .await?
            .len();
        batch.commit().await?;
        candidates += stored;
        if args.json {
            println!("{}", imported_json(&slug, id, &line.package, Some(stored)));
        }
        bar.set_message(format!("{problems} problems, {candidates} candidates"));
        bar.inc(1);
    }
    bar.finish_and_clear();
    if !args.json {
        println!("imported {problems} problems with {candidates} candidates");
    }
    Ok(())
}
