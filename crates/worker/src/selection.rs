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
                hidden,
            }
        })
        .collect();
    Ok(Pool {
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
    })
}
