//! Contests replayed against the hidden tests, stored with every run.

use crate::AppError;
use crate::holdout::Holdout;
use crate::selection::{LoadedPool, load_pool_with_ids};
use sieve_scoring::Scorer;
use sieve_selection::{Standing, performance};
use sieve_store::Store;
use std::sync::Arc;

/// A contest replayed: per problem, its slug and report.
pub struct ContestReplay {
    /// The stored simulation's id.
    pub id: uuid::Uuid,
    /// The rules.
    pub rules: sieve_domain::Rules,
    /// Submissions per problem.
    pub k: usize,
    /// Per problem.
    pub problems: Vec<(String, sieve_selection::Report)>,
    /// Per problem, the official tests held out as generated ones.
    pub held_out: Vec<Vec<i32>>,
    /// Codeforces with human standings: each strategy's performance rating, and the oracle's.
    pub elo: Vec<(String, f64)>,
}

/// A stored simulation's report: what `POST /v1/contests/{id}/simulations` answers and
/// `sieve simulate --json` prints.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SimulationReport {
    /// The contest's rules.
    pub rules: sieve_domain::Rules,
    /// Submissions allowed per problem.
    pub k: usize,
    /// Per problem of the contest, in its order.
    pub problems: Vec<ProblemReport>,
    /// Codeforces with human standings: each strategy's performance rating, and the oracle's.
    pub elo: Vec<EloRow>,
}

/// One problem's replays.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProblemReport {
    /// The problem.
    pub problem_id: uuid::Uuid,
    /// Its slug.
    pub slug: String,
    /// The official tests held out as generated ones (their indices), when the replay held any.
    pub held_out_tests: Vec<i32>,
    /// IOI: per subtask, its points and what submitting the whole pool earns on it.
    pub subtasks: Vec<SubtaskReport>,
    /// Per strategy.
    pub strategies: Vec<StrategyReport>,
    /// Random choice's exact expected score.
    pub random_expected: f64,
    /// The best any `k` submissions could score.
    pub oracle: f64,
    /// Whether `oracle` is exact (a search over the pool) or a bound.
    pub oracle_exact: bool,
    /// The score of submitting the whole pool.
    pub whole_pool: f64,
    /// The most the problem gives.
    pub max_points: f64,
}

/// A subtask of a replayed problem.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubtaskReport {
    /// Its name.
    pub name: String,
    /// Its points.
    pub points: f64,
    /// What submitting the whole pool earns on it.
    pub whole_pool: f64,
}

/// One strategy on one problem, over the seeds.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StrategyReport {
    /// The strategy.
    pub strategy: String,
    /// Mean score.
    pub mean: f64,
    /// Half-width of the mean's 95% interval (Student's t over the seeds).
    pub ci95: f64,
    /// Mean submissions used.
    pub submissions: f64,
    /// Share of seeds that solved the problem in full.
    pub solved: f64,
    /// Mean rejected attempts before the first accepted one.
    pub rejected_before: f64,
    /// IOI: per subtask, the mean points earned.
    pub subtask_means: Vec<f64>,
}

/// A performance rating against a Codeforces contest's human standings.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EloRow {
    /// A strategy, or `oracle`.
    pub strategy: String,
    /// Its rating.
    pub rating: f64,
}

/// Replays every problem of `contest` with `strategies` over `seeds` seeds and stores the
/// simulation with its runs.
pub async fn simulate_contest(
    store: &Store,
    contest: sieve_domain::ContestId,
    strategies: &[&str],
    k: Option<usize>,
    seeds: u64,
    scorer: Arc<dyn Scorer>,
    holdout: Option<Holdout>,
) -> Result<ContestReplay, AppError> {
    let c = store
        .contest(contest)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no contest {contest}")))?;
    let k = k.unwrap_or(c.submission_limit as usize);
    // Codeforces: the problem's value from the contest's settings (default 500).
    let value = |i: usize| c.settings["values"][i].as_f64().unwrap_or(500.0);
    let scorer_label = format!("{}@{}", scorer.name(), scorer.version());
    let (mut problems, mut runs, mut held_out) = (Vec::new(), Vec::new(), Vec::new());
    let mut names: Vec<Vec<(String, f64)>> = Vec::new();
    for (i, pid) in c.problems.iter().enumerate() {
        let (slug, subtask_names) = store
            .problem_summary(*pid)
            .await?
            .map(|p| {
                (
                    p.slug,
                    p.subtasks.into_iter().map(|s| (s.name, s.points)).collect(),
                )
            })
            .unwrap_or_default();
        let LoadedPool { pool, held, .. } =
            load_pool_with_ids(store, *pid, scorer.clone(), holdout).await?;
        held_out.push(held);
        let report = sieve_selection::simulate(&pool, strategies, c.rules, k, seeds, value(i));
        for s in &report.strategies {
            for (seed, r) in s.runs.iter().enumerate() {
                runs.push(sieve_store::selections::RunRow {
                    strategy: s.strategy.clone(),
                    problem_id: *pid,
                    seed: seed as i32 + 1,
                    score: r.score,
                    submissions: r.submissions as i32,
                    detail: serde_json::json!({"solved": r.solved, "rejected_before": r.rejected_before,
                        "picks": r.picks.iter().map(|p| p.candidate).collect::<Vec<_>>()}),
                });
            }
        }
        problems.push((slug, report));
        names.push(subtask_names);
    }
    let elo = elo(&c.settings, c.rules, strategies, &problems, &value);
    let id = uuid::Uuid::now_v7();
    let params = serde_json::json!({"strategies": strategies, "k": k, "seeds": seeds,
        "scorer": scorer_label, "holdout": holdout});
    let report = SimulationReport {
        rules: c.rules,
        k,
        problems: problems
            .iter()
            .zip(&c.problems)
            .zip(&held_out)
            .zip(&names)
            .map(|((((slug, r), pid), held), names)| ProblemReport {
                problem_id: pid.0,
                slug: slug.clone(),
                held_out_tests: held.clone(),
                subtasks: r
                    .subtask_whole_pool
                    .iter()
                    .zip(names)
                    .map(|(w, (name, points))| SubtaskReport {
                        name: name.clone(),
                        points: *points,
                        whole_pool: *w,
                    })
                    .collect(),
                strategies: r
                    .strategies
                    .iter()
                    .map(|s| StrategyReport {
                        strategy: s.strategy.clone(),
                        mean: s.mean,
                        ci95: s.ci95,
                        submissions: s.submissions,
                        solved: s.solved,
                        rejected_before: s.rejected_before,
                        subtask_means: s.subtask_means.clone(),
                    })
                    .collect(),
                random_expected: r.random_expected,
                oracle: r.oracle.0,
                oracle_exact: r.oracle.1,
                whole_pool: r.whole_pool,
                max_points: r.max_points,
            })
            .collect(),
        elo: elo
            .iter()
            .map(|(s, r)| EloRow {
                strategy: s.clone(),
                rating: *r,
            })
            .collect(),
    };
    // Strings, numbers and enums only: nothing in it can fail to serialise.
    let report = serde_json::to_value(&report).expect("a report serialises");
    store
        .insert_simulation(id, contest, &params, &report, &runs)
        .await?;
    Ok(ContestReplay {
        id,
        rules: c.rules,
        k,
        problems,
        held_out,
        elo,
    })
}

/// Codeforces: each strategy's (and the oracle's) performance rating from its mean total,
/// against the human standings in the contest's settings (`standings: [{rating, points}]`).
fn elo(
    settings: &serde_json::Value,
    rules: sieve_domain::Rules,
    strategies: &[&str],
    problems: &[(String, sieve_selection::Report)],
    value: &dyn Fn(usize) -> f64,
) -> Vec<(String, f64)> {
    let standings: Vec<Standing> =
        serde_json::from_value(settings["standings"].clone()).unwrap_or_default();
    if rules != sieve_domain::Rules::Codeforces || standings.is_empty() {
        return vec![];
    }
    let mut out: Vec<(String, f64)> = strategies
        .iter()
        .filter_map(|name| {
            let total: f64 = problems
                .iter()
                .filter_map(|(_, r)| r.strategies.iter().find(|s| s.strategy == *name))
                .map(|s| s.mean)
                .sum();
            Some((name.to_string(), performance(&standings, total)?))
        })
        .collect();
    let oracle: f64 = problems
        .iter()
        .enumerate()
        .map(|(i, (_, r))| r.oracle.0 * value(i))
        .sum();
    if let Some(r) = performance(&standings, oracle) {
        out.push(("oracle".into(), r));
    }
    out
}
