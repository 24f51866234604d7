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
    let report = serde_json::json!({
        "rules": c.rules, "k": k,
        "problems": problems.iter().zip(&c.problems).zip(&held_out).zip(&names).map(|((((slug, r), pid), held), names)| serde_json::json!({
            "problem_id": pid, "slug": slug, "held_out_tests": held,
            "subtasks": r.subtask_whole_pool.iter().zip(names).map(|(w, (name, points))| serde_json::json!({
                "name": name, "points": points, "whole_pool": w})).collect::<Vec<_>>(),
            "strategies": r.strategies.iter().map(|s| serde_json::json!({
                "strategy": s.strategy, "mean": s.mean, "ci95": s.ci95, "submissions": s.submissions,
                "solved": s.solved, "rejected_before": s.rejected_before,
                "subtask_means": s.subtask_means})).collect::<Vec<_>>(),
            "random_expected": r.random_expected, "oracle": r.oracle.0, "oracle_exact": r.oracle.1,
            "whole_pool": r.whole_pool, "max_points": r.max_points,
        })).collect::<Vec<_>>(),
        "elo": elo.iter().map(|(s, r)| serde_json::json!({"strategy": s, "rating": r})).collect::<Vec<_>>(),
    });
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
