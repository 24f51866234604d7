//! Tuning strategies' parameters by random search on replayed contests, as o1-ioi tuned its
//! weights on earlier IOIs: parameters are chosen on some problems and reported on others.

use crate::o1ioi::O1Ioi;
use crate::pool::Pool;
use crate::replay::replay;
use crate::sieve::Sieve;
use crate::strategy::{Rng, Strategy};
use serde::Serialize;
use sieve_domain::Rules;

/// The tunable parameters.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Params {
    /// o1-ioi: penalty per submission taken from a cluster.
    pub o1ioi_penalty: f64,
    /// sieve: trust in a cluster-mate's result.
    pub sieve_agree: f64,
    /// sieve: weight of a candidate written for another subtask.
    pub sieve_off_target: f64,
    /// sieve: factor for failing the public tests.
    pub sieve_public_fail: f64,
    /// sieve: for a member far slower than its cluster-mates, the share of the time limit (beyond
    /// a tenth) that halves its chance.
    pub sieve_headroom: f64,
}

impl Default for Params {
    fn default() -> Params {
        let s = Sieve::default();
        Params {
            o1ioi_penalty: 0.1,
            sieve_agree: s.agree,
            sieve_off_target: s.off_target,
            sieve_public_fail: s.public_fail,
            sieve_headroom: s.headroom,
        }
    }
}

/// The tunable strategy `name` with `p`.
pub fn tunable(name: &str, p: &Params) -> Option<Box<dyn Strategy>> {
    Some(match name {
        "o1ioi" => Box::new(O1Ioi::new(p.o1ioi_penalty)),
        "sieve" => Box::new(Sieve::new(
            p.sieve_agree,
            p.sieve_off_target,
            p.sieve_public_fail,
            p.sieve_headroom,
        )),
        _ => return None,
    })
}

/// Mean total score of `name` with `p` over `pools`, `seeds` replays each.
pub fn evaluate(
    pools: &[(&Pool, f64)],
    name: &str,
    p: &Params,
    rules: Rules,
    k: usize,
    seeds: u64,
) -> f64 {
    let mut total = 0.0;
    for (pool, value) in pools {
        for seed in 1..=seeds {
            if let Some(mut s) = tunable(name, p) {
                total += replay(pool, s.as_mut(), rules, k, seed, *value).score;
            }
        }
    }
    total / seeds.max(1) as f64
}

/// Random search: `trials` parameter sets drawn uniformly from the ranges (plus the defaults),
/// each scored on `pools`; returns the best and its score.
pub fn tune(
    pools: &[(&Pool, f64)],
    name: &str,
    rules: Rules,
    k: usize,
    seeds: u64,
    trials: usize,
    seed: u64,
) -> (Params, f64) {
    let mut rng = Rng(seed);
    let mut unit = || (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
    let mut best = (
        Params::default(),
        evaluate(pools, name, &Params::default(), rules, k, seeds),
    );
    for _ in 0..trials {
        let p = Params {
            o1ioi_penalty: unit() * 0.5,
            sieve_agree: 0.5 + unit() * 0.5,
            sieve_off_target: unit(),
            sieve_public_fail: unit() * 0.5,
            sieve_headroom: 0.05 + unit() * 0.95,
        };
        let score = evaluate(pools, name, &p, rules, k, seeds);
        if score > best.1 {
            best = (p, score);
        }
    }
    best
}
