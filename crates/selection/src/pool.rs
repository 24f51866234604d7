//! What selection works on: a problem's candidates with what is known before submitting
//! (compiled, public tests, output signatures on each subtask's generated tests, a scorer's score,
//! metadata) and, for replays only, their hidden results (the judge's answer to a submission).

use serde::Serialize;

/// A subtask as selection sees it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SubtaskSpec {
    /// Points.
    pub points: f64,
    /// Subtasks it contains (solving this one solves those).
    pub contains: Vec<usize>,
}

/// One candidate.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Candidate {
    /// Compiled.
    pub compiled: bool,
    /// Accepted on every public test that matters to it (its target subtask's, or all).
    pub public_passed: bool,
    /// Share of public tests accepted.
    pub public_rate: f64,
    /// The subtask it was written for.
    pub target: Option<usize>,
    /// A scorer's score in [0, 1].
    pub score: f64,
    /// Generation tokens (open-r1 orders by them).
    pub gen_tokens: Option<i32>,
    /// Per subtask, its output signature on that subtask's generated tests (0: none ran).
    pub signature: Vec<u64>,
    /// Its signature on every generated test (AlphaCode clusters on it).
    pub full_signature: u64,
    /// Which generated tests with a model-predicted output it passes, as a hash of that set
    /// (CodeT's consensus sets).
    pub predicted_pass: u64,
    /// How many generated tests with a predicted output it passes.
    pub predicted_count: usize,
    /// Its slowest run on the public and generated tests over the time limit.
    pub time_ratio: f64,
    /// Its runs on generated tests that ended normally (no crash, time-out or memory-out).
    pub clean_runs: usize,
    /// How many different outputs those runs gave.
    pub distinct_outputs: usize,
    /// Per subtask, the fraction of points a submission of it earns (min over the subtask's hidden
    /// tests); known only to the replaying judge, never to strategies.
    pub hidden: Vec<f64>,
}

/// A problem's pool.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Pool {
    /// Subtasks in order.
    pub subtasks: Vec<SubtaskSpec>,
    /// Candidates.
    pub candidates: Vec<Candidate>,
    /// Decimal places of points.
    pub precision: u32,
}

impl Pool {
    /// The most points the problem gives.
    pub fn max_points(&self) -> f64 {
        self.subtasks.iter().map(|s| s.points).sum()
    }

    /// IOI: the problem's score for a set of submissions, the sum over subtasks of the best
    /// fraction any of them earned times the subtask's points.
    pub fn ioi_score(&self, submitted: &[usize]) -> f64 {
        let total: f64 = self
            .subtasks
            .iter()
            .enumerate()
            .map(|(s, st)| {
                submitted
                    .iter()
                    .map(|c| self.candidates[*c].hidden.get(s).copied().unwrap_or(0.0))
                    .fold(0.0, f64::max)
                    * st.points
            })
            .sum();
        sieve_domain::round_points(total, self.precision)
    }

    /// Whether candidate `c` passes every hidden test (Codeforces / ICPC acceptance).
    pub fn accepted(&self, c: usize) -> bool {
        let h = &self.candidates[c].hidden;
        !h.is_empty() && h.iter().all(|f| *f >= 1.0)
    }

    /// The best score any `k` submissions could get, and whether it is proved optimal (an exact
    /// search over the distinct, undominated hidden results; inexact only past its budget).
    pub fn oracle(&self, k: usize) -> (f64, bool) {
        crate::oracle::oracle(self, k)
    }
}
