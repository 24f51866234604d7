//! A stored problem's pool as `selection` sees it: scores from a scorer, output signatures per
//! subtask on the generated tests, and per subtask the fraction of points each candidate earns
//! on the official tests (for replays).

use crate::AppError;
use crate::holdout::Holdout;
use sieve_domain::{OutputHash, ProblemId, TestKind, TestOutcome, Verdict};
use sieve_scoring::{Scorer, ScoringInput, compute, signature};
use sieve_selection::{Candidate, Pool, SubtaskSpec};
use sieve_store::Store;
use std::sync::Arc;

/// A signature as one number (0: no signature).
pub(crate) fn signature_hash(sig: &[OutputHash]) -> u64 {
    if sig.is_empty() {
        return 0;
    }
    let mut h = blake3::Hasher::new();
    for s in sig {
        h.update(&s.0);
    }
    // 0 means "no signature": keep real ones away from it.
    u64::from_le_bytes(h.finalize().as_bytes()[..8].try_into().unwrap_or([1; 8])) | 1
}

/// Loads `problem`'s pool for selection, scoring it with `scorer` (not stored); with a
/// `holdout`, a share of the official tests serves as generated tests (see [`crate::holdout`]).
pub async fn load_pool(
    store: &Store,
    problem: ProblemId,
    scorer: Arc<dyn Scorer>,
    holdout: Option<Holdout>,
) -> Result<Pool, AppError> {
    Ok(load_pool_with_ids(store, problem, scorer, holdout)
        .await?
        .pool)
}

/// A loaded pool with the id of each candidate (in pool order) and the official tests held out
/// as generated ones.
#[derive(Debug)]
pub struct LoadedPool {
    /// The pool.
    pub pool: Pool,
    /// Candidate ids, in pool order.
    pub ids: Vec<sieve_domain::CandidateId>,
    /// Official tests used as generated tests (empty without a holdout).
    pub held: Vec<i32>,
}

/// [`load_pool`], with the ids and the held-out tests.
pub async fn load_pool_with_ids(
    store: &Store,
    problem: ProblemId,
    scorer: Arc<dyn Scorer>,
    holdout: Option<Holdout>,
) -> Result<LoadedPool, AppError> {
    let summary = store
        .problem_summary(problem)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no problem {problem}")))?;
    let mut pool = store
        .scoring_pool(problem)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no problem {problem}")))?;
    let held = match holdout {
        Some(h) => crate::holdout::apply(&mut pool, h, problem.0.as_bytes()),
        None => vec![],
    };
    let kind_of = |idx: i32| match held.contains(&idx) {
        true => Some(TestKind::Generated),
        false => summary.tests.iter().find(|t| t.idx == idx).map(|t| t.kind),
    };
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
        Ok::<_, AppError>((features, scores))
    })
    .await
    .map_err(|e| AppError::Thread(format!("scoring thread: {e}")))??;
    let feature = |name: &str| {
        sieve_scoring::FEATURE_NAMES
            .iter()
            .position(|n| *n == name)
            .unwrap_or(0)
    };
    let target_rate = feature("public_target_pass_rate");
    let time_ratio = feature("time_ratio");
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
            let clean: Vec<&TestOutcome> = e
                .data
                .generated
                .iter()
                .filter(|r| {
                    matches!(
                        r.verdict,
                        Verdict::AC | Verdict::WA | Verdict::PE | Verdict::Ran
                    )
                })
                .collect();
            let distinct: std::collections::HashSet<OutputHash> =
                clean.iter().map(|r| r.output_hash).collect();
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
                    .map(|s| signature_hash(&signature(&on(&generated_in[s]))))
                    .collect(),
                full_signature: signature_hash(&signature(&e.data.generated)),
                predicted_pass: signature_hash(
                    &predicted
                        .iter()
                        .map(|t| OutputHash((*t as u128).to_le_bytes()))
                        .collect::<Vec<_>>(),
                ),
                predicted_count: predicted.len(),
                time_ratio: f[time_ratio],
                clean_runs: clean.len(),
                distinct_outputs: distinct.len(),
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
    Ok(LoadedPool { pool, ids, held })
}

/// Picks at most `k` submissions for `problem` with strategy `name` ahead of any feedback, using
/// `scorer`'s scores, and stores the selection.
pub async fn select_and_store(
    store: &Store,
    problem: ProblemId,
    name: &str,
    k: usize,
    scorer: Arc<dyn Scorer>,
) -> Result<sieve_store::selections::SelectionRow, AppError> {
    let label = format!("{}@{}", scorer.name(), scorer.version());
    let LoadedPool { pool, ids, .. } = load_pool_with_ids(store, problem, scorer, None).await?;
    let picks = sieve_selection::select(&pool, name, k, 1)
        .ok_or_else(|| AppError::Strategy(format!("unknown strategy {name:?}")))?;
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
