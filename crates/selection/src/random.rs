//! Random selection's exact expected score: for each subtask, the expected best of `k` distinct
//! candidates drawn uniformly, summed (expectation is linear over subtasks).

use crate::pool::Pool;

/// ln C(n, k), from `lf[i]` = ln(i!).
fn ln_choose(lf: &[f64], n: usize, k: usize) -> f64 {
    if k > n {
        return f64::NEG_INFINITY;
    }
    lf[n] - lf[k] - lf[n - k]
}

/// The exact expected IOI score of `k` distinct submissions drawn uniformly from `among`.
pub fn expected_random(pool: &Pool, among: &[usize], k: usize) -> f64 {
    let n = among.len();
    if n == 0 || k == 0 {
        return 0.0;
    }
    let k = k.min(n);
    let lf: Vec<f64> = std::iter::once(0.0)
        .chain((1..=n).scan(0.0, |acc, i| {
            *acc += (i as f64).ln();
            Some(*acc)
        }))
        .collect();
    let total = ln_choose(&lf, n, k);
    pool.subtasks
        .iter()
        .enumerate()
        .map(|(s, st)| {
            let mut v: Vec<f64> = among
                .iter()
                .map(|c| pool.candidates[*c].hidden.get(s).copied().unwrap_or(0.0))
                .collect();
            v.sort_by(f64::total_cmp);
            // The i-th smallest (1-based) is the best of the draw when the draw holds it and
            // k - 1 of the i - 1 below it: C(i-1, k-1) / C(n, k).
            let e: f64 = (k..=n)
                .map(|i| v[i - 1] * (ln_choose(&lf, i - 1, k - 1) - total).exp())
                .sum();
            e * st.points
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pool::{Candidate, SubtaskSpec};

    #[test]
    fn exact_expectation_matches_enumeration() {
        let pool = Pool {
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
            candidates: [[1.0, 0.0], [1.0, 1.0], [0.0, 0.0], [0.5, 0.0], [1.0, 0.0]]
                .iter()
                .map(|h| Candidate {
                    hidden: h.to_vec(),
                    ..Default::default()
                })
                .collect(),
            precision: 6,
        };
        let all: Vec<usize> = (0..5).collect();
        for k in 1..=5 {
            // Every k-subset of 5, enumerated by bit masks.
            let (mut sum, mut count) = (0.0, 0);
            for mask in 0u32..32 {
                if mask.count_ones() as usize == k {
                    let set: Vec<usize> = (0..5).filter(|i| mask & (1 << i) != 0).collect();
                    sum += pool.ioi_score(&set);
                    count += 1;
                }
            }
            let want = sum / count as f64;
            let got = expected_random(&pool, &all, k);
            assert!((got - want).abs() < 1e-9, "k={k}: {got} != {want}");
        }
        assert_eq!(expected_random(&pool, &all, 5), 100.0);
        assert_eq!(pool.oracle(2), (100.0, true));
    }
}
