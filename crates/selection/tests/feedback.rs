//! How sieve learns from verdicts on candidates that no output cluster vouches for.

use sieve_domain::Rules;
use sieve_selection::{Candidate, Pool, SubtaskSpec, replay, strategy};

#[test]
fn failures_of_unclustered_candidates_teach_about_the_others() {
    // Five candidates that failed the public tests and so ran on no generated test (no
    // signature), each scored well, and one right candidate with outputs, scored low. The
    // first failure among the five must lower the other four.
    let c = |sig: u64, score: f64, public: bool, right: bool| Candidate {
        compiled: true,
        public_passed: public,
        public_rate: if public { 1.0 } else { 0.5 },
        score,
        signature: vec![sig],
        full_signature: sig,
        clean_runs: if sig == 0 { 0 } else { 8 },
        distinct_outputs: if sig == 0 { 0 } else { 8 },
        hidden: vec![if right { 1.0 } else { 0.0 }],
        ..Default::default()
    };
    let mut candidates: Vec<Candidate> = (0..5).map(|_| c(0, 0.9, false, false)).collect();
    candidates.push(c(7, 0.15, true, true));
    let pool = Pool {
        subtasks: vec![SubtaskSpec {
            points: 100.0,
            contains: vec![],
        }],
        candidates,
        precision: 2,
    };
    for seed in 1..=10 {
        let mut s = strategy("sieve").unwrap();
        let run = replay(&pool, s.as_mut(), Rules::Codeforces, 3, seed, 500.0);
        assert!(run.solved, "{run:?}");
        assert_eq!(run.rejected_before, 1, "{run:?}");
    }
}
