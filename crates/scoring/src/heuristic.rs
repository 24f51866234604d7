//! The baseline: a hand-set formula over the features.
//!
//! `score = 0` when the candidate did not compile; otherwise
//! `(0.05 + 0.95 * p^2) * (1 - crash) * (1 - timeout) * (1 - memout) * (0.25 + 0.75 * r)`
//! with `p` the accepted share of the public tests of its target subtask (all of them without a
//! target; 1 when there are none), `crash`, `timeout`, `memout` the shares of generated tests that
//! crashed, ran out of time and ran out of memory, and `r` its output cluster's size relative to
//! the largest cluster (1 when it ran on no generated test). Failing samples weighs most, then
//! misbehaving on generated inputs, then disagreeing with the majority.

use crate::features::{FEATURE_NAMES, Features};
use crate::scorer::{Scorer, ScoringError, ScoringInput};

/// The hand-set baseline scorer.
#[derive(Clone, Copy, Debug, Default)]
pub struct Heuristic;

fn at(f: &Features, name: &str) -> f64 {
    FEATURE_NAMES
        .iter()
        .position(|n| *n == name)
        .map(|i| f[i])
        .unwrap_or(0.0)
}

impl Heuristic {
    /// The formula for one candidate.
    pub fn score_one(f: &Features) -> f64 {
        if at(f, "compiled") < 0.5 {
            return 0.0;
        }
        let p = if at(f, "public_run") > 0.5 {
            at(f, "public_target_pass_rate")
        } else {
            1.0
        };
        let r = if at(f, "generated_run") > 0.5 {
            at(f, "cluster_rel_size")
        } else {
            1.0
        };
        let s = (0.05 + 0.95 * p * p)
            * (1.0 - at(f, "generated_crash_rate"))
            * (1.0 - at(f, "generated_timeout_rate"))
            * (1.0 - at(f, "generated_memout_rate"))
            * (0.25 + 0.75 * r);
        s.clamp(0.0, 1.0)
    }
}

impl Scorer for Heuristic {
    fn name(&self) -> &str {
        "heuristic"
    }

    fn version(&self) -> i32 {
        1
    }

    fn score(&self, batch: &[ScoringInput<'_>]) -> Result<Vec<f64>, ScoringError> {
        Ok(batch.iter().map(|c| Self::score_one(c.features)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(pairs: &[(&str, f64)]) -> Features {
        let mut f = [0.0; FEATURE_NAMES.len()];
        for (n, v) in pairs {
            f[FEATURE_NAMES.iter().position(|x| x == n).unwrap()] = *v;
        }
        f
    }

    #[test]
    fn the_formula_orders_what_it_should() {
        let good = with(&[
            ("compiled", 1.0),
            ("public_run", 1.0),
            ("public_pass_rate", 1.0),
            ("public_all_passed", 1.0),
            ("public_target_pass_rate", 1.0),
            ("generated_run", 1.0),
            ("cluster_rel_size", 1.0),
        ]);
        let minority = with(&[
            ("compiled", 1.0),
            ("public_run", 1.0),
            ("public_pass_rate", 1.0),
            ("public_all_passed", 1.0),
            ("public_target_pass_rate", 1.0),
            ("generated_run", 1.0),
            ("cluster_rel_size", 0.2),
        ]);
        let failing = with(&[
            ("compiled", 1.0),
            ("public_run", 1.0),
            ("public_pass_rate", 0.5),
            ("public_target_pass_rate", 0.5),
            ("generated_run", 1.0),
            ("cluster_rel_size", 1.0),
        ]);
        let crashing = with(&[
            ("compiled", 1.0),
            ("public_run", 1.0),
            ("public_pass_rate", 1.0),
            ("public_all_passed", 1.0),
            ("public_target_pass_rate", 1.0),
            ("generated_run", 1.0),
            ("cluster_rel_size", 1.0),
            ("generated_crash_rate", 1.0),
        ]);
        let s = |f: &Features| Heuristic::score_one(f);
        assert!((s(&good) - 1.0).abs() < 1e-12);
        assert!(s(&good) > s(&minority) && s(&minority) > s(&failing));
        assert_eq!(s(&crashing), 0.0);
        assert_eq!(s(&with(&[])), 0.0, "not compiled");
    }
}
