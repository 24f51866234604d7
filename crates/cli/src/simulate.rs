//! `sieve simulate`: replay a contest (or some problems) against the hidden tests with each
//! strategy over several seeds, next to random's exact expectation and the oracle.

use crate::DbArgs;
use anyhow::{Context, bail};
use sieve_app::holdout::Holdout;
use sieve_app::replay::simulate_contest;
use sieve_app::scoring::{HEURISTIC, load_scorer};
use sieve_app::selection::load_pool;
use sieve_domain::Rules;
use sieve_pglocal::Database;
use sieve_selection::{Report, STRATEGIES, simulate};
use sieve_store::Store;

/// Options of `sieve simulate`.
#[derive(Debug, clap::Args)]
pub struct SimulateArgs {
    /// The contest whose problems to replay (its rules and K apply).
    #[arg(long)]
    contest: Option<String>,
    /// Problems to replay, by slug (with --rules and --k).
    #[arg(long)]
    problem: Vec<String>,
    /// Rules when no contest is given.
    #[arg(long, default_value = "ioi", value_parser = ["ioi", "codeforces", "icpc"])]
    rules: String,
    /// Submissions per problem (default: the contest's, or the rules' default).
    #[arg(long)]
    k: Option<usize>,
    /// Seeds per strategy.
    #[arg(long, default_value_t = 20)]
    seeds: u64,
    /// Strategies, comma-separated (default: all).
    #[arg(long, value_delimiter = ',', value_parser = clap::builder::PossibleValuesParser::new(STRATEGIES))]
    strategies: Vec<String>,
    /// The scorer whose scores the strategies use.
    #[arg(long, default_value = HEURISTIC)]
    scorer: String,
    /// Print the reports as JSON.
    #[arg(long)]
    json: bool,
    /// Tune the o1ioi and sieve strategies' parameters by random search on half of the problems
    /// and report them on the other half (instead of the replay table).
    #[arg(long)]
    tune: bool,
    /// Random-search trials for --tune.
    #[arg(long, default_value_t = 30)]
    trials: usize,
    /// Use this share of the official tests as generated tests (inputs only; the candidates'
    /// answers withheld) and grade on the rest: experiments without model-made tests. Judge the
    /// hidden tests with --keep-going, so no test is skipped.
    #[arg(long)]
    holdout: Option<f64>,
    /// Seed of the holdout's choice of tests.
    #[arg(long, default_value_t = 1)]
    holdout_seed: u64,
    #[command(flatten)]
    db: DbArgs,
}

/// Runs `sieve simulate`.
pub fn run(args: SimulateArgs) -> anyhow::Result<()> {
    let names: Vec<String> = if args.strategies.is_empty() {
        STRATEGIES.iter().map(|s| s.to_string()).collect()
    } else {
        args.strategies.clone()
    };
    if let Some(bad) = names.iter().find(|n| !STRATEGIES.contains(&n.as_str())) {
        bail!("unknown strategy {bad:?}: {}", STRATEGIES.join(", "));
    }
    let holdout = match args.holdout {
        Some(share) if share > 0.0 && share < 1.0 => Some(Holdout {
            share,
            seed: args.holdout_seed,
        }),
        Some(share) => bail!("--holdout {share}: a share strictly between 0 and 1"),
        None => None,
    };
    let db = Database::open(&args.db)?;
    let rt = tokio::runtime::Runtime::new()?;
    let result = rt.block_on(async {
        let store = Store::connect(&db.url, 4)
            .await
            .context("connecting to the database")?;
        let scorer = load_scorer(&store, &args.scorer, None).await?;
        let strategies: Vec<&str> = names.iter().map(String::as_str).collect();
        let contest = match &args.contest {
            Some(name) => Some(
                store
                    .contests()
                    .await?
                    .into_iter()
                    .find(|c| &c.name == name)
                    .with_context(|| format!("no contest {name:?}"))?,
            ),
            None => None,
        };
        if args.tune {
            let (ids, rules, k) = match &contest {
                Some(c) => (
                    c.problems.clone(),
                    c.rules,
                    args.k.unwrap_or(c.submission_limit as usize),
                ),
                None => {
                    let rules: Rules = args.rules.parse()?;
                    let mut ids = Vec::new();
                    for slug in &args.problem {
                        ids.push(
                            store
                                .problem_by_slug(slug)
                                .await?
                                .with_context(|| format!("no problem {slug:?}"))?,
                        );
                    }
                    (
                        ids,
                        rules,
                        args.k.unwrap_or(rules.default_submission_limit() as usize),
                    )
                }
            };
            if ids.len() < 2 {
                bail!("--tune needs at least two problems: one to tune on, one to report on");
            }
            let mut pools = Vec::new();
            for id in ids {
                let slug = store
                    .problem_summary(id)
                    .await?
                    .map(|p| p.slug)
                    .unwrap_or_default();
                pools.push((slug, load_pool(&store, id, scorer.clone(), holdout).await?));
            }
            let bar = crate::progress::bar(None, args.json);
            bar.set_message(format!("tuning on {} problems", pools.len()));
            crate::tune::run(&pools, rules, k, args.seeds, args.trials, &bar, args.json);
            bar.finish_and_clear();
            return anyhow::Ok(());
        }
        // A contest is replayed under its own rules and stored; loose problems are only printed.
        let (reports, rules, k): (Vec<(String, Report)>, Rules, usize) = match &contest {
            Some(c) => {
                let bar = crate::progress::bar(None, args.json);
                bar.set_message(format!(
                    "replaying {} problems x {} seeds",
                    c.problems.len(),
                    args.seeds
                ));
                let replay = simulate_contest(
                    &store,
                    c.id,
                    &strategies,
                    args.k,
                    args.seeds,
                    scorer.clone(),
                    holdout,
                )
                .await?;
                bar.finish_and_clear();
                if !args.json {
                    println!("stored as simulation {}", replay.id);
                    for (strategy, rating) in &replay.elo {
                        println!("performance rating of {strategy}: {rating:.0}");
                    }
                }
                (replay.problems, replay.rules, replay.k)
            }
            None => {
                let rules: Rules = args.rules.parse()?;
                let k = args.k.unwrap_or(rules.default_submission_limit() as usize);
                let mut out = Vec::new();
                let bar = crate::progress::bar(Some(args.problem.len() as u64), args.json);
                for slug in &args.problem {
                    bar.set_message(slug.clone());
                    let id = store
                        .problem_by_slug(slug)
                        .await?
                        .with_context(|| format!("no problem {slug:?}"))?;
                    let pool = load_pool(&store, id, scorer.clone(), holdout).await?;
                    out.push((
                        slug.clone(),
                        simulate(&pool, &strategies, rules, k, args.seeds, 500.0),
                    ));
                    bar.inc(1);
                }
                bar.finish_and_clear();
                (out, rules, k)
            }
        };
        if reports.is_empty() {
            bail!("nothing to replay: name a --contest (with problems) or a --problem");
        }
        let mut totals: Vec<(String, f64, f64)> = strategies
            .iter()
            .map(|s| (s.to_string(), 0.0, 0.0))
            .collect();
        let (mut random_total, mut oracle_total, mut max_total) = (0.0, 0.0, 0.0);
        for (slug, report) in &reports {
            if !args.json {
                println!(
                    "\n{slug}: {rules} rules, K = {k}, {} seeds, scorer {}",
                    args.seeds, args.scorer
                );
                println!(
                    "  {:<10} {:>9} {:>8} {:>12}",
                    "strategy", "mean", "± 95%", "submissions"
                );
                for s in &report.strategies {
                    println!(
                        "  {:<10} {:>9.2} {:>8.2} {:>12.1}",
                        s.strategy, s.mean, s.ci95, s.submissions
                    );
                }
                println!(
                    "  {:<10} {:>9.2}   (exact expectation)",
                    "random*", report.random_expected
                );
                let exact = if report.oracle.1 {
                    "exact"
                } else {
                    "greedy lower bound"
                };
                println!("  {:<10} {:>9.2}   ({exact})", "oracle", report.oracle.0);
                println!(
                    "  {:<10} {:>9.2}   of {}",
                    "whole pool", report.whole_pool, report.max_points
                );
            }
            for (t, s) in totals.iter_mut().zip(&report.strategies) {
                t.1 += s.mean;
                t.2 += s.ci95 * s.ci95;
            }
            random_total += report.random_expected;
            oracle_total += report.oracle.0;
            max_total += report.max_points;
        }
        let problems = &reports;
        if args.json {
            let out: Vec<serde_json::Value> = reports
                .iter()
                .map(|(slug, report)| serde_json::json!({"problem": slug, "report": report}))
                .collect();
            println!("{}", serde_json::to_string_pretty(&out)?);
        } else {
            println!("\ntotal over {} problems (of {max_total}):", problems.len());
            for (name, mean, var) in &totals {
                println!("  {:<10} {:>9.2} {:>8.2}", name, mean, var.sqrt());
            }
            println!(
                "  {:<10} {:>9.2}\n  {:<10} {:>9.2}",
                "random*", random_total, "oracle", oracle_total
            );
        }
        anyhow::Ok(())
    });
    drop(rt);
    db.close();
    result
}
