//! `sieve bench selection`: what each strategy is worth next to random choice and the best
//! possible pick. Quality: on the real problems and the examples (hand-written candidates plus
//! synthesised mutants, judged for real; see `bench_pools`), every strategy's mean score under
//! IOI (K = 5, 10, 50) and Codeforces (K = 1, 3, 10) rules divided by the oracle's, next to
//! random's exact expectation. Problems without generated tests hold out a share of their
//! official tests as generated ones. Speed: selecting from a synthetic pool of 10,000
//! candidates x 256 generated tests, and replaying an IOI contest of 6 such problems.

use crate::report::{Cell, Table, note};
use anyhow::Context;
use sieve_app::holdout::Holdout;
use sieve_app::scoring::{HEURISTIC, load_scorer};
use sieve_app::selection::load_pool;
use sieve_domain::Rules;
use sieve_pglocal::Database;
use sieve_pglocal::DbArgs;
use sieve_selection::{Pool, STRATEGIES, simulate};
use sieve_store::Store;
use std::path::PathBuf;

/// Options of `sieve bench selection`.
#[derive(Debug, clap::Args)]
pub struct SelectionBenchArgs {
    /// Synthesised mutants per problem (added to its hand-written candidates).
    #[arg(long, default_value_t = 100)]
    count: usize,
    /// Most changes combined in one mutant (a program that runs out of those is topped up with
    /// one more change at a time, up to 4). Draws are reproducible: a larger `--count` with the
    /// same order extends a pool, another order draws a different one (added to it).
    #[arg(long, default_value_t = 2)]
    max_order: usize,
    /// Seeds per strategy and setting.
    #[arg(long, default_value_t = 200)]
    seeds: u64,
    /// Seeds per generator line of a problem's generators/plan.tsv (more than stored adds
    /// tests).
    #[arg(long, default_value_t = 20)]
    generator_seeds: u64,
    /// Share of official tests held out as generated ones where a problem has none.
    #[arg(long, default_value_t = 0.3)]
    holdout: f64,
    /// Judging workers.
    #[arg(long, default_value_t = 2)]
    workers: usize,
    /// A directory of real problems with their official tests (`sweoi2024/brandpost`,
    /// `sweoi2024/laviner`, `cses/1158`, `cses/1633`), such as ../shared/problems; without it the
    /// repository's own small packages of the same problems are judged.
    #[arg(long)]
    problems: Option<PathBuf>,
    /// Only the speed measurements (no judging).
    #[arg(long)]
    speed_only: bool,
    /// Where the toolchain and builds are cached.
    #[arg(long, env = "SIEVE_CACHE_DIR", default_value = ".sieve/cache")]
    cache_dir: PathBuf,
    #[command(flatten)]
    db: DbArgs,
}

const SETTINGS: [(Rules, usize); 6] = [
    (Rules::Ioi, 5),
    (Rules::Ioi, 10),
    (Rules::Ioi, 50),
    (Rules::Codeforces, 1),
    (Rules::Codeforces, 3),
    (Rules::Codeforces, 10),
];

/// Runs `sieve bench selection`.
pub fn run(args: SelectionBenchArgs) -> anyhow::Result<()> {
    if !args.speed_only {
        quality(&args)?;
    }
    crate::selection_speed::run(100);
    Ok(())
}

fn quality(args: &SelectionBenchArgs) -> anyhow::Result<()> {
    let repo = std::env::current_dir()?;
    let toolchain = sieve_sandbox::Toolchain::discover(&args.cache_dir)?;
    let db = Database::open(&args.db)?;
    let (server, _) = db.url.rsplit_once('/').context("database URL")?;
    let url = format!("{server}/sieve_bench_selection");
    let rt = tokio::runtime::Runtime::new()?;
    let result = rt.block_on(async {
        sieve_pglocal::create_database_if_missing(
            &format!("{server}/postgres"),
            "sieve_bench_selection",
        )
        .await?;
        let store = Store::connect(&url, 4)
            .await
            .context("connecting to the bench database")?;
        let problems = crate::pools::build(
            &store,
            &repo,
            args.problems.as_deref(),
            &toolchain,
            &args.cache_dir,
            args.count,
            args.max_order,
            args.generator_seeds,
        )
        .await?;
        let started = std::time::Instant::now();
        let workers = sieve_service::WorkerSettings::new(args.workers, args.cache_dir.clone());
        sieve_service::drain(&store, &workers).await?;
        eprintln!("judged in {:.0} s", started.elapsed().as_secs_f64());
        let scorer = load_scorer(&store, HEURISTIC, None).await?;
        let mut pools: Vec<(String, Pool, bool)> = Vec::new();
        for (p, (id, generated)) in crate::pools::PROBLEMS.iter().zip(problems) {
            let holdout = (!generated).then_some(Holdout {
                share: args.holdout,
                seed: 1,
            });
            pools.push((
                p.slug(args.problems.as_deref()),
                load_pool(&store, id, scorer.clone(), holdout).await?,
                generated,
            ));
        }
        anyhow::Ok(pools)
    });
    drop(rt);
    db.close();
    let pools = result?;
    for (slug, pool, generated) in &pools {
        let compiled = pool.candidates.iter().filter(|c| c.compiled).count();
        let full = (0..pool.candidates.len())
            .filter(|c| pool.ioi_score(&[*c]) >= pool.max_points())
            .count();
        note!(
            "{slug}: {} candidates ({compiled} compiled, {full} full score), {}",
            pool.candidates.len(),
            if *generated {
                "generated tests"
            } else {
                "official tests held out as generated"
            }
        );
    }
    for (rules, k) in SETTINGS {
        let mut columns = vec!["problem"];
        columns.extend(STRATEGIES.iter().chain(&["random*"]));
        let mut out = Table::new(
            format!(
                "{} K={k}: mean score / oracle (random*: exact expectation / oracle)",
                rules.name()
            ),
            &columns,
        );
        let mut sums = vec![0.0; STRATEGIES.len() + 1];
        for (slug, pool, _) in &pools {
            let report = simulate(pool, &STRATEGIES, rules, k, args.seeds, 500.0);
            let oracle = match rules {
                Rules::Ioi => report.oracle.0,
                _ => report.oracle.0 * 500.0,
            };
            let mut row = vec![slug.as_str().into()];
            for (i, s) in report.strategies.iter().enumerate() {
                let r = if oracle > 0.0 { s.mean / oracle } else { 1.0 };
                sums[i] += r;
                row.push(Cell::num(r, 3));
            }
            let random = match rules {
                Rules::Ioi => report.random_expected,
                _ => report.random_expected * 500.0,
            };
            let r = if oracle > 0.0 { random / oracle } else { 1.0 };
            sums[STRATEGIES.len()] += r;
            row.push(Cell::num(r, 3));
            out.row(row);
        }
        let mut row = vec!["mean".into()];
        row.extend(sums.iter().map(|s| Cell::num(s / pools.len() as f64, 3)));
        out.row(row);
        out.print();
    }
    Ok(())
}
