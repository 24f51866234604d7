//! Honest experiments without the model's own generated tests: a share of a problem's official
//! tests is taken as "generated" — their inputs used for clustering and crash detection, their
//! answers withheld (a clean run counts as `OK`, as on a generated test without an answer) — and
//! the candidates are graded on the rest. The split is chosen per test from a seed, so it is
//! reproducible and recorded with the simulation; every subtask keeps at least one graded test.

use serde::{Deserialize, Serialize};
use sieve_domain::Verdict;
use sieve_store::scores::Pool as StoredPool;
use std::collections::HashSet;

/// Which share of the official tests to take as generated, and the seed of the choice.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Holdout {
    /// Share of the official tests used as generated tests, in (0, 1).
    pub share: f64,
    /// Seed of the per-test choice.
    pub seed: u64,
}

fn chosen(seed: u64, problem_salt: &[u8], test: i32, share: f64) -> bool {
    let mut h = blake3::Hasher::new();
    h.update(&seed.to_le_bytes());
    h.update(problem_salt);
    h.update(&test.to_le_bytes());
    let x = u64::from_le_bytes(h.finalize().as_bytes()[..8].try_into().unwrap_or([0; 8]));
    (x as f64 / u64::MAX as f64) < share
}

/// Moves the held-out official tests' results of every candidate from `hidden` to `generated`
/// (answers withheld) and returns the held-out test indices, sorted. `salt` tells problems apart.
pub fn apply(pool: &mut StoredPool, holdout: Holdout, salt: &[u8]) -> Vec<i32> {
    let official: HashSet<i32> = pool
        .entries
        .iter()
        .flat_map(|e| e.hidden.iter().map(|r| r.test))
        .collect();
    let mut held: HashSet<i32> = official
        .iter()
        .copied()
        .filter(|t| chosen(holdout.seed, salt, *t, holdout.share))
        .collect();
    // Every subtask keeps a graded test: give back its lowest held one when all were taken.
    for tests in &pool.context.subtask_tests {
        let graded = tests
            .iter()
            .any(|t| official.contains(t) && !held.contains(t));
        if !graded && let Some(t) = tests.iter().filter(|t| held.contains(t)).min() {
            held.remove(t);
        }
    }
    // A test some candidate skipped (after an earlier failure) would tell who failed: it is
    // left out for everyone, neither graded nor used.
    let leaky: HashSet<i32> = pool
        .entries
        .iter()
        .flat_map(|e| e.hidden.iter())
        .filter(|r| held.contains(&r.test) && r.verdict == Verdict::Skipped)
        .map(|r| r.test)
        .collect();
    let skipped = leaky.len();
    for e in &mut pool.entries {
        let (out, kept): (Vec<_>, Vec<_>) =
            e.hidden.drain(..).partition(|r| held.contains(&r.test));
        e.hidden = kept;
        let out = out.into_iter().filter(|r| !leaky.contains(&r.test));
        e.data.generated.extend(out.map(|mut r| {
            if matches!(r.verdict, Verdict::AC | Verdict::WA | Verdict::PE) {
                r.verdict = Verdict::Ran;
                r.score = 0.0;
            }
            r
        }));
    }
    if skipped > 0 {
        tracing::warn!(
            skipped,
            "held-out tests some candidate skipped were left out: judge hidden tests with \
             keep_going for experiments that hold tests out"
        );
    }
    let mut held: Vec<i32> = held.into_iter().collect();
    held.sort();
    held
}

#[cfg(test)]
mod tests {
    use super::*;
    use sieve_domain::{OutputHash, TestOutcome};
    use sieve_scoring::{CandidateData, ProblemContext};
    use sieve_store::scores::PoolEntry;

    fn outcome(test: i32, verdict: Verdict) -> TestOutcome {
        TestOutcome {
            test,
            verdict,
            score: (verdict == Verdict::AC) as u8 as f32,
            time_us: 10,
            fuel: 0,
            memory_kib: 10,
            output_hash: OutputHash([test as u8; 16]),
        }
    }

    /// Two subtasks: tests 0..40 and 40..42 (a small one), two candidates.
    fn stored(second: Verdict) -> StoredPool {
        let entry = |v: Verdict| PoolEntry {
            id: sieve_domain::CandidateId(uuid::Uuid::nil()),
            data: CandidateData::default(),
            source: String::new(),
            hidden: (0..42)
                .map(|t| outcome(t, if t == 5 { v } else { Verdict::AC }))
                .collect(),
        };
        StoredPool {
            context: ProblemContext {
                subtask_tests: vec![(0..40).collect(), vec![40, 41]],
                ..ProblemContext::default()
            },
            entries: vec![entry(Verdict::WA), entry(second)],
        }
    }

    #[test]
    fn a_share_moves_to_generated_without_answers_and_every_subtask_stays_graded() {
        let mut pool = stored(Verdict::AC);
        let held = apply(
            &mut pool,
            Holdout {
                share: 0.5,
                seed: 3,
            },
            b"p",
        );
        assert!(
            (10..=32).contains(&held.len()),
            "about half of 42: {}",
            held.len()
        );
        assert!(
            [40, 41].iter().any(|t| !held.contains(t)),
            "the small subtask keeps a graded test"
        );
        for e in &pool.entries {
            assert_eq!(e.hidden.len() + e.data.generated.len(), 42);
            assert!(e.hidden.iter().all(|r| !held.contains(&r.test)));
            assert!(
                e.data
                    .generated
                    .iter()
                    .all(|r| r.verdict == Verdict::Ran && r.score == 0.0)
            );
        }
        // The same seed chooses the same tests; another seed others.
        assert_eq!(
            held,
            apply(
                &mut stored(Verdict::AC),
                Holdout {
                    share: 0.5,
                    seed: 3
                },
                b"p"
            )
        );
        assert_ne!(
            held,
            apply(
                &mut stored(Verdict::AC),
                Holdout {
                    share: 0.5,
                    seed: 4
                },
                b"p"
            )
        );
    }

    #[test]
    fn a_held_test_someone_skipped_is_used_by_no_one() {
        let mut pool = stored(Verdict::Skipped);
        let held = apply(
            &mut pool,
            Holdout {
                share: 0.99,
                seed: 1,
            },
            b"p",
        );
        assert!(held.contains(&5));
        for e in &pool.entries {
            assert!(
                e.data.generated.iter().all(|r| r.test != 5),
                "test 5 would leak a failure"
            );
            assert!(e.hidden.iter().all(|r| r.test != 5), "nor is it graded");
        }
    }
}
