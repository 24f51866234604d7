//! Strategies and replays on pools built by hand, where the right answer is known.

use sieve_domain::Rules;
use sieve_selection::{Candidate, Pool, STRATEGIES, SubtaskSpec, replay, simulate, strategy};

/// Two subtasks (30 and 70 points, the second containing the first). Candidates written for
/// subtask 1: a few right ones sharing outputs, a larger cluster of wrong ones that pass the
/// samples, crashes; and subtask-0 solutions.
fn pool() -> Pool {
    let mut candidates = Vec::new();
    let c =
        |target: usize, score: f64, public: bool, sig: [u64; 2], full: u64, hidden: [f64; 2]| {
            Candidate {
                compiled: true,
                public_passed: public,
                public_rate: if public { 1.0 } else { 0.5 },
                target: Some(target),
                score,
                gen_tokens: Some(1000),
                signature: sig.to_vec(),
                full_signature: full,
                // Of 10 generated tests with predicted outputs: all passed by the right ones,
                // half by those right on subtask 0 only, none by the rest.
                predicted_pass: full,
                predicted_count: if hidden[1] >= 1.0 {
                    10
                } else if hidden[0] >= 1.0 {
                    5
                } else {
                    0
                },
                hidden: hidden.to_vec(),
                ..Default::default()
            }
        };
    for _ in 0..3 {
        candidates.push(c(1, 0.6, true, [1, 10], 100, [1.0, 1.0])); // right
    }
    for _ in 0..6 {
        candidates.push(c(1, 0.6, true, [1, 11], 101, [1.0, 0.0])); // wrong on subtask 1
    }
    for _ in 0..20 {
        candidates.push(c(1, 0.2, false, [2, 12], 102, [0.0, 0.0])); // fail the samples
    }
    for _ in 0..5 {
        candidates.push(c(0, 0.7, true, [1, 13], 103, [1.0, 0.0])); // subtask 0 only
    }
    candidates.push(Candidate {
        compiled: false,
        ..Default::default()
    });
    Pool {
        subtasks: vec![
            SubtaskSpec {
                points: 30.0,
                contains: vec![],
            },
            SubtaskSpec {
                points: 70.0,
                contains: vec![0],
            },
        ],
        candidates,
        precision: 2,
    }
}

#[test]
fn every_strategy_replays_within_the_limit_and_never_repeats() {
    let p = pool();
    for name in STRATEGIES {
        for seed in 1..5 {
            let mut s = strategy(name).unwrap();
            let run = replay(&p, s.as_mut(), Rules::Ioi, 4, seed, 0.0);
            assert!(run.submissions <= 4, "{name}");
            let mut seen: Vec<usize> = run.picks.iter().map(|x| x.candidate).collect();
            seen.sort();
            seen.dedup();
            assert_eq!(seen.len(), run.picks.len(), "{name} repeated a submission");
            assert!(
                run.picks.iter().all(|x| p.candidates[x.candidate].compiled),
                "{name}"
            );
        }
    }
}

#[test]
fn sieve_beats_random_and_stops_when_everything_is_solved() {
    let p = pool();
    let report = simulate(&p, &STRATEGIES, Rules::Ioi, 3, 50, 0.0);
    let mean = |n: &str| {
        report
            .strategies
            .iter()
            .find(|s| s.strategy == n)
            .unwrap()
            .mean
    };
    assert_eq!(report.oracle, (100.0, true));
    assert!(
        mean("sieve") > report.random_expected + 20.0,
        "sieve {} random {}",
        mean("sieve"),
        report.random_expected
    );
    assert!(mean("sieve") >= mean("filter"));
    let random = mean("random");
    assert!(
        (random - report.random_expected).abs() < 12.0,
        "sampled {random} against exact {}",
        report.random_expected
    );
    let run = &report
        .strategies
        .iter()
        .find(|s| s.strategy == "sieve")
        .unwrap()
        .runs[0];
    if run.score == 100.0 {
        assert!(run.submissions <= 3);
    }
    // Per subtask: the means add up to the total, and the pool as a whole gets every point.
    for s in &report.strategies {
        let parts: f64 = s.subtask_means.iter().sum();
        assert!(
            (parts - s.mean).abs() < 1e-9,
            "{}: {parts} vs {}",
            s.strategy,
            s.mean
        );
        assert!(s.subtask_means[0] <= 30.0 + 1e-9 && s.subtask_means[1] <= 70.0 + 1e-9);
    }
    assert_eq!(report.subtask_whole_pool, vec![30.0, 70.0]);
}

#[test]
fn o1ioi_drops_candidates_that_disagree_with_a_solved_contained_subtask() {
    // For subtask 1, a well-scored cluster A that is wrong everywhere (outputs 2 on subtask 0's
    // inputs) and a modest cluster B that is right; a subtask-0 solution with outputs 1 there.
    let c = |target: usize, score: f64, sig: [u64; 2], hidden: [f64; 2]| Candidate {
        compiled: true,
        public_passed: true,
        public_rate: 1.0,
        target: Some(target),
        score,
        signature: sig.to_vec(),
        full_signature: sig[0] * 100 + sig[1],
        hidden: hidden.to_vec(),
        ..Default::default()
    };
    let mut candidates = vec![c(1, 0.9, [2, 20], [0.0, 0.0]); 5];
    candidates.push(c(1, 0.5, [1, 21], [1.0, 1.0]));
    candidates.push(c(0, 0.9, [1, 0], [1.0, 0.0]));
    let p = Pool {
        subtasks: vec![
            SubtaskSpec {
                points: 30.0,
                contains: vec![],
            },
            SubtaskSpec {
                points: 70.0,
                contains: vec![0],
            },
        ],
        candidates,
        precision: 2,
    };
    let mut s = strategy("o1ioi").unwrap();
    let run = replay(&p, s.as_mut(), Rules::Ioi, 50, 1, 0.0);
    let picked: Vec<usize> = run.picks.iter().map(|x| x.candidate).collect();
    // Subtask 1 from cluster A (fails), subtask 0 solved, then A is dropped for disagreeing on
    // subtask 0's inputs although its score after the penalty (0.8) beats B's (0.5).
    assert_eq!(picked.len(), 3, "{:?}", run.picks);
    assert!(
        picked[0] < 5 && picked[1] == 6 && picked[2] == 5,
        "{:?}",
        run.picks
    );
    assert_eq!(run.score, 100.0);
}

#[test]
fn codeforces_penalties_and_pass_fail_feedback() {
    // Candidates tagged with their index (replays show strategies a shuffled pool).
    let mut p = pool();
    for (i, c) in p.candidates.iter_mut().enumerate() {
        c.gen_tokens = Some(i as i32);
    }
    // Submitting in a fixed order (by tag): two wrong, then a right one.
    struct Fixed(Vec<usize>);
    impl sieve_selection::Strategy for Fixed {
        fn name(&self) -> &'static str {
            "fixed"
        }
        fn next(
            &mut self,
            seen: &Pool,
            h: &sieve_selection::History,
            _: &mut sieve_selection::Rng,
        ) -> Option<sieve_selection::Pick> {
            let want = *self.0.get(h.submitted().len())? as i32;
            let candidate = seen
                .candidates
                .iter()
                .position(|c| c.gen_tokens == Some(want))?;
            Some(sieve_selection::Pick {
                candidate,
                subtask: None,
                reason: String::new(),
            })
        }
    }
    let run = replay(
        &p,
        &mut Fixed(vec![3, 9, 0, 1]),
        Rules::Codeforces,
        10,
        1,
        1000.0,
    );
    assert!(run.solved);
    assert_eq!(run.rejected_before, 2);
    assert_eq!(run.submissions, 3, "stops at the first accepted");
    assert_eq!(run.score, 900.0);
    let many = replay(
        &p,
        &mut Fixed((3..33).chain([0]).collect()),
        Rules::Codeforces,
        40,
        1,
        1000.0,
    );
    assert_eq!(many.score, 300.0, "floored at 30% of the value");
    let icpc = replay(&p, &mut Fixed(vec![3, 0]), Rules::Icpc, 10, 1, 0.0);
    assert_eq!((icpc.score, icpc.rejected_before), (1.0, 1));
}

#[test]
fn codet_submits_the_most_agreed_consensus_set_first() {
    let p = pool();
    for seed in 1..10 {
        let mut codet = strategy("codet").unwrap();
        let run = replay(&p, codet.as_mut(), Rules::Ioi, 1, seed, 0.0);
        assert_eq!(
            run.score, 100.0,
            "sqrt(3) x 10 beats sqrt(6) x 5: {:?}",
            run.picks
        );
        // AlphaCode, without predicted outputs, takes the largest cluster that passes the samples.
        let mut alphacode = strategy("alphacode").unwrap();
        assert_eq!(
            replay(&p, alphacode.as_mut(), Rules::Ioi, 1, seed, 0.0).score,
            30.0
        );
    }
}

#[test]
fn tuning_is_repeatable_and_keeps_the_defaults_unless_beaten() {
    let p = pool();
    let pools = [(&p, 0.0)];
    for name in ["o1ioi", "sieve"] {
        let default = sieve_selection::evaluate(
            &pools,
            name,
            &sieve_selection::Params::default(),
            Rules::Ioi,
            1,
            5,
        );
        let (best, score) = sieve_selection::tune(&pools, name, Rules::Ioi, 1, 5, 10, 3);
        assert!(score >= default, "{name}: {score} < {default}");
        assert_eq!(
            sieve_selection::evaluate(&pools, name, &best, Rules::Ioi, 1, 5),
            score,
            "repeatable"
        );
    }
}

#[test]
fn under_pass_fail_rules_rejections_speak_for_their_cluster() {
    // Six candidates with the same wrong outputs, one right one on its own, all scored alike:
    // the cluster's size makes it the first choice.
    let c = |sig: u64, score: f64, right: bool| Candidate {
        compiled: true,
        public_passed: true,
        public_rate: 1.0,
        score,
        signature: vec![sig],
        full_signature: sig,
        hidden: vec![if right { 1.0 } else { 0.0 }],
        ..Default::default()
    };
    let mut candidates: Vec<Candidate> = (0..6).map(|_| c(1, 0.9, false)).collect();
    candidates.push(c(2, 0.9, true));
    let pool = Pool {
        subtasks: vec![SubtaskSpec {
            points: 1.0,
            contains: vec![],
        }],
        candidates,
        precision: 2,
    };
    let mut s = strategy("sieve").unwrap();
    let run = replay(&pool, s.as_mut(), Rules::Codeforces, 3, 1, 500.0);
    // A cluster believed in survives one failure (a right-output member may still be too
    // slow), not two: the third submission is the other cluster's.
    assert!(run.solved, "{run:?}");
    assert_eq!(run.rejected_before, 2, "{run:?}");
}
