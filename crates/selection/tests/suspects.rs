//! What outputs do not tell: equal outputs with unequal resources (a right cluster whose slow
//! members time out on the larger hidden inputs, as laviner's quadratic and adjacency-matrix
//! solutions do on the real pool), and programs whose output never varies with the input.

use sieve_domain::Rules;
use sieve_selection::{Candidate, Pool, SubtaskSpec, replay, strategy};

/// One subtask; eight members with the right outputs, of which `slow` use 30-40% of the time
/// limit on the generated tests and time out on the hidden ones; a smaller wrong cluster.
fn pool(slow: usize) -> Pool {
    let c = |sig: u64, time_ratio: f64, right: bool| Candidate {
        compiled: true,
        public_passed: true,
        public_rate: 1.0,
        score: 0.95,
        signature: vec![sig],
        full_signature: sig,
        time_ratio,
        hidden: vec![if right { 1.0 } else { 0.0 }],
        ..Default::default()
    };
    let mut candidates = Vec::new();
    for i in 0..8 {
        if i < slow {
            candidates.push(c(1, 0.35 + 0.02 * i as f64, false));
        } else {
            candidates.push(c(1, 0.005 + 0.001 * i as f64, true));
        }
    }
    for _ in 0..3 {
        candidates.push(c(2, 0.004, false));
    }
    Pool {
        subtasks: vec![SubtaskSpec {
            points: 100.0,
            contains: vec![],
        }],
        candidates,
        precision: 2,
    }
}

fn solved_share(name: &str, pool: &Pool, rules: Rules, k: usize) -> f64 {
    let seeds = 40;
    let solved = (1..=seeds)
        .filter(|seed| {
            let mut s = strategy(name).unwrap();
            let run = replay(pool, s.as_mut(), rules, k, *seed, 500.0);
            match rules {
                Rules::Ioi => run.score >= 100.0,
                _ => run.solved,
            }
        })
        .count();
    solved as f64 / seeds as f64
}

#[test]
fn sieve_submits_the_members_with_headroom_first() {
    let pool = pool(3);
    for rules in [Rules::Codeforces, Rules::Ioi] {
        assert_eq!(solved_share("sieve", &pool, rules, 1), 1.0, "{rules:?}");
    }
    // The strategies that take any member of the right cluster lose some seeds: the test can
    // tell the difference.
    let alphacode = solved_share("alphacode", &pool, Rules::Codeforces, 1);
    assert!(alphacode < 1.0, "alphacode solved every seed: {alphacode}");
}

#[test]
fn headroom_orders_members_and_leaves_the_clusters_ranking_to_the_outputs() {
    // Every member of the right cluster is slow (a correct but heavy algorithm, all at
    // 30-44% of the limit): sieve still submits that cluster, not the fast wrong one.
    let mut pool = pool(8);
    for c in pool.candidates.iter_mut().take(8) {
        c.hidden = vec![1.0];
    }
    assert_eq!(solved_share("sieve", &pool, Rules::Codeforces, 1), 1.0);
}

#[test]
fn a_program_whose_output_never_varies_is_suspect_however_many_agree() {
    // Twelve programs print one answer for all eight generated inputs (they gave up); five
    // right ones give eight different outputs. Cluster size alone favours the twelve.
    let c = |sig: u64, distinct: usize, right: bool| Candidate {
        compiled: true,
        public_passed: true,
        public_rate: 1.0,
        score: 0.9,
        signature: vec![sig],
        full_signature: sig,
        clean_runs: 8,
        distinct_outputs: distinct,
        hidden: vec![if right { 1.0 } else { 0.0 }],
        ..Default::default()
    };
    let mut candidates: Vec<Candidate> = (0..12).map(|_| c(1, 1, false)).collect();
    candidates.extend((0..5).map(|_| c(2, 8, true)));
    let pool = Pool {
        subtasks: vec![SubtaskSpec {
            points: 100.0,
            contains: vec![],
        }],
        candidates,
        precision: 2,
    };
    assert_eq!(solved_share("sieve", &pool, Rules::Codeforces, 1), 1.0);
    assert_eq!(solved_share("alphacode", &pool, Rules::Codeforces, 1), 0.0);
    // When no program's output varies (every answer is the same), nobody is suspect for it.
    let mut flat = pool.clone();
    for c in &mut flat.candidates {
        c.distinct_outputs = 1;
    }
    let mut s = strategy("sieve").unwrap();
    let run = replay(&flat, s.as_mut(), Rules::Codeforces, 1, 1, 500.0);
    assert!(!run.solved, "the larger cluster goes first: {run:?}");
}
