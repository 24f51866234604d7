//! Candidates whose outputs alone do not tell how suspect they are.
//!
//! **Constant output.** A program that prints the same thing for every generated input, while
//! other programs' outputs vary with the input, has given up on the problem (prints 0, -1, a
//! sample's answer, returns early). Many such programs form a large cluster that cluster-size
//! strategies trust most: on CSES 1158 with 500 mutants, 74 programs print one answer for all
//! ten generated inputs and outnumber the 50 right ones. Such a candidate's chance is multiplied
//! by [`CONSTANT`].
//!
//! **Time.** Equal outputs do not make equal submissions: a member of a right cluster that is
//! far slower than its cluster-mates on the visible tests is likely an asymptotically worse
//! algorithm that agrees with them on small inputs and runs out of time on the larger hidden
//! ones (laviner's quadratic and adjacency-matrix solutions do exactly that).
//!
//! A member is suspect when it uses more than [`AMPLE`] of the time limit and more than
//! [`SPREAD`] times its cluster's median. Being faster is never a merit in itself: wrong programs
//! are often the fastest (they stop early or crash), a correct algorithm may legitimately be a
//! few times slower than another, and timings of a few milliseconds are noise. Memory is left
//! out: a large peak is usually a table sized for the largest input (CSES 1158's 2-D table uses
//! 73% of the limit on every test and is right), which the hidden tests will not grow.

use crate::clusters::Clusters;
use crate::pool::{Candidate, Pool};

/// Factor on the chance of a candidate with one output for every generated input.
pub const CONSTANT: f64 = 0.05;

/// Fewest clean runs on generated tests for one output throughout to count as constant.
const CONSTANT_RUNS: usize = 3;

fn constant(c: &Candidate) -> bool {
    c.clean_runs >= CONSTANT_RUNS && c.distinct_outputs == 1
}

/// Per candidate: [`CONSTANT`] if its output never varies while another candidate's does, else 1.
pub fn constancy(pool: &Pool) -> Vec<f64> {
    let varied = pool.candidates.iter().any(|c| c.distinct_outputs >= 2);
    pool.candidates
        .iter()
        .map(|c| if varied && constant(c) { CONSTANT } else { 1.0 })
        .collect()
}

/// A share of the time limit used on the visible tests that leaves ample room.
pub const AMPLE: f64 = 0.1;

/// How many times its cluster's median a member must use to be suspect.
pub const SPREAD: f64 = 10.0;

/// Below this share of the time limit, medians are noise: they count as this much.
const FLOOR: f64 = 0.005;

fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return FLOOR;
    }
    v.sort_by(f64::total_cmp);
    v[v.len() / 2].max(FLOOR)
}

/// Per candidate, the chance it stays within the time limit on subtask `s`'s hidden tests as far
/// as its visible run times tell: 1 unless suspect, else `1 / (1 + ((r - AMPLE) / scale)^2)` for
/// its time ratio `r`.
pub fn fits(pool: &Pool, clusters: &Clusters, s: usize, scale: f64) -> Vec<f64> {
    let scale = scale.max(1e-6);
    // Candidates without a cluster on `s` are measured against each other.
    let mut times = vec![Vec::new(); clusters.size[s].len() + 1];
    for (c, x) in pool.candidates.iter().enumerate() {
        times[clusters.group(s, c)].push(x.time_ratio);
    }
    let medians: Vec<f64> = times.into_iter().map(median).collect();
    pool.candidates
        .iter()
        .enumerate()
        .map(|(c, x)| {
            let r = x.time_ratio;
            if r > AMPLE && r > SPREAD * medians[clusters.group(s, c)] {
                let x = (r - AMPLE) / scale;
                1.0 / (1.0 + x * x)
            } else {
                1.0
            }
        })
        .collect()
}
