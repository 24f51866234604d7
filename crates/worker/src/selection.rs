//! A stored problem's pool as `selection` sees it: scores from a scorer, output signatures per
//! subtask on the generated tests, and per subtask the fraction of points each candidate earns
//! on the official tests (for replays).

use crate::WorkerError;
use sieve_domain::{ProblemId, TestKind, Verdict};
use sieve_scoring::{Scorer, ScoringInput, TestOutcome, compute, signature};
use sieve_selection::{Candidate, Pool, SubtaskSpec};
use sieve_store::Store;
use std::sync::Arc;

fn hash(sig: &[[u8; 16]]) -> u64 {
    if sig.is_empty() {
        return 0;
    }
    let mut h = blake3::Hasher::new();
    for s in sig {
        h.update(s);
    }
    // 0 means "no signature": keep real ones away from it.
    u64::from_le_bytes(h.finalize().as_bytes()[..8].try_into().unwrap_or([1; 8])) | 1
}

/// Loads `problem`'s pool for selection, scoring it with `scorer` (not stored).
pub async fn load_pool(
    store: &Store,
    problem: ProblemId,
    scorer: Arc<dyn Scorer>,
) -> Result<Pool, WorkerError> {
    Ok(load_pool_with_ids(store, problem, scorer).await?.0)
}

/// [`load_pool`], with the id of each candidate (in pool order).
pub async fn load_pool_with_ids(
    store: &Store,
    problem: ProblemId,
    scorer: Arc<dyn Scorer>,
) -> Result<(Pool, Vec<sieve_domain::CandidateId>), WorkerError> {
    let summary = store
        .problem_summary(problem)
        .await?
        .ok_or_else(|| WorkerError::Invalid(format!("no problem {problem}")))?;
    let pool = store
        .scoring_pool(problem)
        .await?
        .ok_or_else(|| WorkerError::Invalid(format!("no problem {problem}")))?;
    let kind_of = |idx: i32| summary.tests.iter().find(|t| t.idx == idx).map(|t| t.kind);
    let n = summary.subtasks.len();
    let generated_in: Vec<Vec<i32>> = (0..n)
        .map(|s| {
            let own: Vec<i32> = pool.context.subtask_tests[s]
                .iter()
                .copied()
                .filter(|t| kind_of(*t) == Some(TestKind::Generated))
                .collect();
            own
        })
        .collect();
    let data: Vec<_> = pool.entries.iter().map(|e| e.data.clone()).collect();
    let entries = pool.entries.clone();
    let context = pool.context.clone();
    let (features, scores) = tokio::task::spawn_blocking(move || {
        let features = compute(&data, &context);
        let inputs: Vec<ScoringInput<'_>> = features
            .iter()
            .zip(&entries)
            .map(|(f, e)| ScoringInput {
                features: f,
                source: &e.source,
            })
            .collect();
        let scores = scorer.score(&inputs)?;
        Ok::<_, WorkerError>((features, scores))
    })
    .await
    .map_err(|e| WorkerError::Invalid(format!("scoring thread: {e}")))??;
    let target_rate = sieve_scoring::FEATURE_NAMES
        .iter()
        .position(|n| *n == "public_target_pass_rate")
        .unwrap_or(0);
    let candidates = pool
        .entries
        .iter()
        .zip(features.iter().zip(scores))
        .map(|(e, (f, score))| {
            let on = |tests: &[i32]| -> Vec<TestOutcome> {
                let all = tests.is_empty();
                e.data
                    .generated
                    .iter()
                    .filter(|r| all || tests.contains(&r.test))
                    .cloned()
                    .collect()
            };
            let official: Vec<&TestOutcome> = e.data.public.iter().chain(&e.hidden).collect();
            // CodeT: the generated tests with a predicted output that it passes.
            let predicted: Vec<i32> = e
                .data
                .generated
                .iter()
                .filter(|r| {
                    pool.context.generated_with_answer.contains(&r.test) && r.verdict == Verdict::AC
                })
                .map(|r| r.test)
                .collect();
            let hidden = if e.hidden.is_empty() {
                vec![]
            } else {
                (0..n)
                    .map(|s| {
                        let tests = &pool.context.subtask_tests[s];
                        let mut fr = official
                            .iter()
                            .filter(|r| tests.contains(&r.test))
                            .map(|r| {
                                if r.verdict == Verdict::Skipped {
                                    0.0
                                } else {
                                    r.score as f64
                                }
                            });
                        match fr.next() {
                            Some(first) => fr.fold(first, f64::min),
                            None => 0.0,
                        }
                    })
                    .collect()
            };
            Candidate {
                compiled: e.data.compiled,
                public_passed: e.data.public.is_empty() || f[target_rate] >= 1.0,
                public_rate: if e.data.public.is_empty() {
                    1.0
                } else {
                    e.data
                        .public
                        .iter()
                        .filter(|r| r.verdict == Verdict::AC)
                        .count() as f64
                        / e.data.public.len() as f64
                },
                target: e.data.target_subtask.map(|t| t as usize).filter(|t| *t < n),
                score,
                gen_tokens: e.data.gen_tokens,
                signature: (0..n)
                    .map(|s| hash(&signature(&on(&generated_in[s]))))
                    .collect(),
                full_signature: hash(&signature(&e.data.generated)),
                predicted_pass: hash(
                    &predicted
                        .iter()
                        .map(|t| (*t as u128).to_le_bytes())
                        .collect::<Vec<_>>(),
                ),
                predicted_count: predicted.len(),
                hidden,
            }
        })
        .collect();
    let ids = pool.entries.iter().map(|e| e.id).collect();
    let pool = Pool {
        subtasks: summary
            .subtasks
            .iter()
            .map(|s| SubtaskSpec {
                points: s.points,
                contains: s.contains.iter().map(|c| *c as usize).collect(),
            })
            .collect(),
        candidates,
        precision: summary.precision.max(0) as u32,
    };
    Ok((pool, ids))
}

/// Picks at most `k` submissions for `problem` with strategy `name` ahead of any feedback, using
/// `scorer`'s scores, and stores the selection.
pub async fn select_and_store(
    store: &Store,
    problem: ProblemId,
    name: &str,
    k: usize,
    scorer: Arc<dyn Scorer>,
) -> Result<sieve_store::selections::SelectionRow, WorkerError> {
    let label = format!("{}@{}", scorer.name(), scorer.version());
    let (pool, ids) = load_pool_with_ids(store, problem, scorer).await?;
    let picks = sieve_selection::select(&pool, name, k, 1)
        .ok_or_else(|| WorkerError::Invalid(format!("unknown strategy {name:?}")))?;
    let row = sieve_store::selections::SelectionRow {
        id: uuid::Uuid::now_v7(),
        problem_id: problem,
        strategy: name.to_string(),
        k: k as i32,
        scorer: Some(label),
        picks: picks
            .iter()
            .enumerate()
            .map(|(i, p)| sieve_store::selections::PickRow {
                rank: i as i32 + 1,
                candidate_id: ids[p.candidate],
                subtask: p.subtask.map(|s| s as i16),
                score: Some(pool.candidates[p.candidate].score as f32),
                reason: p.reason.clone(),
            })
            .collect(),
    };
    store.insert_selection(&row).await?;
    Ok(row)
}

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
) -> Result<ContestReplay, WorkerError> {
    let c = store
        .contest(contest)
        .await?
        .ok_or_else(|| WorkerError::Invalid(format!("no contest {contest}")))?;
    let k = k.unwrap_or(c.submission_limit as usize);
    // Codeforces: the problem's value from the contest's settings (default 500).
    let value = |i: usize| c.settings["values"][i].as_f64().unwrap_or(500.0);
    let scorer_label = format!("{}@{}", scorer.name(), scorer.version());
    let (mut problems, mut runs) = (Vec::new(), Vec::new());
    for (i, pid) in c.problems.iter().enumerate() {
        let slug = store
            .problem_summary(*pid)
            .await?
            .map(|p| p.slug)
            .unwrap_or_default();
        let pool = load_pool(store, *pid, scorer.clone()).await?;
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
    }
    let id = uuid::Uuid::now_v7();
    let params = serde_json::json!({"strategies": strategies, "k": k, "seeds": seeds, "scorer": scorer_label});
    let report = serde_json::json!({
        "rules": c.rules, "k": k,
        "problems": problems.iter().zip(&c.problems).map(|((slug, r), pid)| serde_json::json!({
            "problem_id": pid, "slug": slug,
            "strategies": r.strategies.iter().map(|s| serde_json::json!({
                "strategy": s.strategy, "mean": s.mean, "ci95": s.ci95, "submissions": s.submissions,
                "solved": s.solved, "rejected_before": s.rejected_before})).collect::<Vec<_>>(),
            "random_expected": r.random_expected, "oracle": r.oracle.0, "oracle_exact": r.oracle.1,
            "whole_pool": r.whole_pool, "max_points": r.max_points,
        })).collect::<Vec<_>>(),
    });
    store
        .insert_simulation(id, contest, &params, &report, &runs)
        .await?;
    Ok(ContestReplay {
        id,
        rules: c.rules,
        k,
        problems,
    })
}
