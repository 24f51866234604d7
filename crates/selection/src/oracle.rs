//! The oracle: the best IOI score any `k` submissions from a pool could get. Candidates are
//! reduced to their distinct hidden-result vectors with dominated ones dropped (a vector no
//! better anywhere than another adds nothing), which leaves few on real pools; then a
//! depth-first search with an optimistic bound finds the best `k`-subset exactly. The search
//! gives up after a budget of nodes and returns its best subset so far, marked inexact.

use crate::pool::Pool;

/// Nodes the exact search may visit before settling for its best so far.
const BUDGET: u64 = 5_000_000;

/// Distinct hidden vectors of compiled and uncompiled candidates alike, none dominated.
fn frontier(pool: &Pool) -> Vec<Vec<f64>> {
    let n = pool.subtasks.len();
    let mut vectors: Vec<Vec<f64>> = pool
        .candidates
        .iter()
        .map(|c| {
            (0..n)
                .map(|s| c.hidden.get(s).copied().unwrap_or(0.0))
                .collect()
        })
        .filter(|v: &Vec<f64>| v.iter().any(|x| *x > 0.0))
        .collect();
    vectors.sort_by(|a, b| b.partial_cmp(a).unwrap_or(std::cmp::Ordering::Equal));
    vectors.dedup();
    let dominated = |a: &Vec<f64>, b: &Vec<f64>| a != b && a.iter().zip(b).all(|(x, y)| x <= y);
    let kept: Vec<Vec<f64>> = vectors
        .iter()
        .filter(|a| !vectors.iter().any(|b| dominated(a, b)))
        .cloned()
        .collect();
    kept
}

struct Search<'a> {
    vectors: &'a [Vec<f64>],
    points: &'a [f64],
    best: f64,
    nodes: u64,
}

impl Search<'_> {
    fn value(&self, cover: &[f64]) -> f64 {
        cover.iter().zip(self.points).map(|(c, p)| c * p).sum()
    }

    /// Extends `cover` with up to `left` vectors from index `from` on.
    fn go(&mut self, cover: &[f64], from: usize, left: usize) {
        self.nodes += 1;
        let now = self.value(cover);
        self.best = self.best.max(now);
        if left == 0 || from >= self.vectors.len() || self.nodes > BUDGET {
            return;
        }
        // Optimistic: every subtask at the best any remaining vector reaches.
        let mut reach = cover.to_vec();
        for v in &self.vectors[from..] {
            for (r, x) in reach.iter_mut().zip(v) {
                *r = r.max(*x);
            }
        }
        if self.value(&reach) <= self.best + 1e-9 {
            return;
        }
        for i in from..self.vectors.len() {
            let next: Vec<f64> = cover
                .iter()
                .zip(&self.vectors[i])
                .map(|(a, b)| a.max(*b))
                .collect();
            if self.value(&next) > now + 1e-12 {
                self.go(&next, i + 1, left - 1);
            }
        }
    }
}

/// The best IOI score of any `k` submissions (rounded to the pool's precision), and whether the
/// search proved it optimal.
pub fn oracle(pool: &Pool, k: usize) -> (f64, bool) {
    let vectors = frontier(pool);
    let points: Vec<f64> = pool.subtasks.iter().map(|s| s.points).collect();
    let n = points.len();
    if k >= vectors.len() || k >= n {
        // Enough submissions for every useful vector, or for one best per subtask.
        let all: Vec<usize> = (0..pool.candidates.len()).collect();
        return (pool.ioi_score(&all), true);
    }
    let mut search = Search {
        vectors: &vectors,
        points: &points,
        best: 0.0,
        nodes: 0,
    };
    search.go(&vec![0.0; n], 0, k);
    let exact = search.nodes <= BUDGET;
    (
        sieve_domain::round_points(search.best, pool.precision),
        exact,
    )
}

#[cfg(test)]
mod tests {
    use crate::pool::{Candidate, Pool, SubtaskSpec};
    use crate::strategy::Rng;

    fn brute(pool: &Pool, k: usize) -> f64 {
        let m = pool.candidates.len();
        (0u32..1 << m)
            .filter(|mask| mask.count_ones() as usize <= k)
            .map(|mask| {
                let chosen: Vec<usize> = (0..m).filter(|c| mask & (1 << c) != 0).collect();
                pool.ioi_score(&chosen)
            })
            .fold(0.0, f64::max)
    }

    #[test]
    fn exact_search_matches_brute_force_on_small_pools() {
        let mut rng = Rng(42);
        let mut greedy_was_wrong = false;
        for _ in 0..300 {
            let n = 2 + rng.below(4);
            let subtasks = (0..n)
                .map(|_| SubtaskSpec {
                    points: (1 + rng.below(40)) as f64,
                    contains: vec![],
                })
                .collect();
            let candidates = (0..2 + rng.below(9))
                .map(|_| Candidate {
                    compiled: true,
                    hidden: (0..n).map(|_| [0.0, 0.0, 0.5, 1.0][rng.below(4)]).collect(),
                    ..Candidate::default()
                })
                .collect();
            let pool = Pool {
                subtasks,
                candidates,
                precision: 2,
            };
            for k in 1..=n {
                let (got, exact) = pool.oracle(k);
                assert!(exact);
                assert_eq!(got, brute(&pool, k), "k = {k}: {pool:?}");
                greedy_was_wrong |= greedy(&pool, k) < got;
            }
        }
        assert!(
            greedy_was_wrong,
            "the pools include ones where a greedy cover falls short"
        );
    }

    fn greedy(pool: &Pool, k: usize) -> f64 {
        let mut chosen: Vec<usize> = Vec::new();
        for _ in 0..k {
            let with = |c: usize| {
                let mut s = chosen.clone();
                s.push(c);
                pool.ioi_score(&s)
            };
            if let Some(c) = (0..pool.candidates.len())
                .filter(|c| !chosen.contains(c))
                .max_by(|a, b| with(*a).total_cmp(&with(*b)))
            {
                chosen.push(c);
            }
        }
        pool.ioi_score(&chosen)
    }
}
