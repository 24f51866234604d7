//! o1-ioi's selection as published: per subtask, hardest first, round-robin; candidates grouped
//! by their outputs on the subtask's generated inputs; cluster score = mean member score minus a
//! penalty per submission already taken from the cluster; a fully solved subtask is left alone;
//! for a subtask that contains a solved one, candidates that disagree with the accepted solution
//! on the solved subtask's inputs are dropped.

use crate::clusters::{Clusters, Eligible};
use crate::pool::Pool;
use crate::strategy::{History, Pick, Rng, Strategy};
use std::collections::HashMap;

/// The o1-ioi strategy.
pub struct O1Ioi {
    /// Subtracted from a cluster's score per submission taken from it.
    pub penalty: f64,
    taken: HashMap<(usize, u32), usize>,
    turn: usize,
    clusters: Option<Clusters>,
}

impl O1Ioi {
    /// With the cluster penalty `penalty`.
    pub fn new(penalty: f64) -> O1Ioi {
        O1Ioi {
            penalty,
            taken: HashMap::new(),
            turn: 0,
            clusters: None,
        }
    }
}

impl Strategy for O1Ioi {
    fn name(&self) -> &'static str {
        "o1ioi"
    }

    fn next(&mut self, pool: &Pool, history: &History, _: &mut Rng) -> Option<Pick> {
        let clusters = self.clusters.get_or_insert_with(|| Clusters::new(pool));
        let n = pool.subtasks.len();
        let best = history.best(n);
        // Failing the samples is a penalty on the candidate's score, as published.
        let score = |c: usize| {
            let x = &pool.candidates[c];
            x.score - if x.public_passed { 0.0 } else { 0.5 }
        };
        // Hardest first: the last subtask is taken as the hardest, as in IOI statements.
        let order: Vec<usize> = (0..n).rev().filter(|s| best[*s] < 1.0).collect();
        for _ in 0..order.len() {
            let s = order[self.turn % order.len()];
            self.turn += 1;
            let rule = Eligible::new(pool, clusters, history, s, &best);
            // Per cluster (the last slot: candidates without a signature), the sum of scores,
            // the members and the best member.
            let k = clusters.size[s].len();
            let (mut sum, mut count) = (vec![0.0f64; k + 1], vec![0usize; k + 1]);
            let mut top: Vec<Option<usize>> = vec![None; k + 1];
            for c in 0..pool.candidates.len() {
                if !rule.ok(pool, clusters, history, c) {
                    continue;
                }
                let slot = clusters.group(s, c);
                sum[slot] += score(c);
                count[slot] += 1;
                if top[slot].is_none_or(|t| score(c) > score(t)) {
                    top[slot] = Some(c);
                }
            }
            let value = |slot: usize| {
                let taken = self.taken.get(&(s, slot as u32)).copied().unwrap_or(0) as f64;
                sum[slot] / count[slot] as f64 - self.penalty * taken
            };
            let Some(slot) = (0..=k)
                .filter(|slot| count[*slot] > 0)
                .max_by(|a, b| value(*a).total_cmp(&value(*b)).then(b.cmp(a)))
            else {
                continue;
            };
            let c = top[slot]?;
            let v = value(slot);
            *self.taken.entry((s, slot as u32)).or_default() += 1;
            return Some(Pick {
                candidate: c,
                subtask: Some(s),
                reason: format!(
                    "subtask {s}: best cluster ({} members, score {v:.3} after penalties)",
                    count[slot]
                ),
            });
        }
        None
    }
}
