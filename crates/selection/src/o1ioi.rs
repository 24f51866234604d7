//! o1-ioi's selection as published: per subtask, hardest first, round-robin; candidates grouped
//! by their outputs on the subtask's generated inputs; cluster score = mean member score minus a
//! penalty per submission already taken from the cluster; a fully solved subtask is left alone;
//! for a subtask that contains a solved one, candidates that disagree with the accepted solution
//! on the solved subtask's inputs are dropped.

use crate::pool::Pool;
use crate::strategy::{History, Pick, Rng, Strategy};
use std::collections::HashMap;

/// The o1-ioi strategy.
pub struct O1Ioi {
    /// Subtracted from a cluster's score per submission taken from it.
    pub penalty: f64,
    taken: HashMap<(usize, u64), usize>,
    turn: usize,
}

impl O1Ioi {
    /// With the cluster penalty `penalty`.
    pub fn new(penalty: f64) -> O1Ioi {
        O1Ioi {
            penalty,
            taken: HashMap::new(),
            turn: 0,
        }
    }
}

/// The candidates of `pool` that may be aimed at subtask `s`: compiled, not yet submitted,
/// written for `s` (all of them when none is), agreeing on every solved subtask `s` contains with
/// the submission that solved it.
pub(crate) fn eligible(pool: &Pool, history: &History, s: usize, best: &[f64]) -> Vec<usize> {
    let open: Vec<usize> = (0..pool.candidates.len())
        .filter(|c| pool.candidates[*c].compiled && !history.has(*c))
        .collect();
    let aimed: Vec<usize> = open
        .iter()
        .copied()
        .filter(|c| pool.candidates[*c].target == Some(s))
        .collect();
    let mut v = if aimed.is_empty() { open } else { aimed };
    for &t in &pool.subtasks[s].contains {
        if best.get(t).copied().unwrap_or(0.0) < 1.0 {
            continue;
        }
        let solver = history.submitted.iter().find_map(|(c, f)| match f {
            crate::strategy::Feedback::Subtasks(fr) if fr.get(t).copied().unwrap_or(0.0) >= 1.0 => {
                Some(*c)
            }
            _ => None,
        });
        if let Some(a) = solver {
            let want = pool.candidates[a].signature.get(t).copied().unwrap_or(0);
            if want != 0 {
                v.retain(|c| pool.candidates[*c].signature.get(t).copied().unwrap_or(0) == want);
            }
        }
    }
    v
}

impl Strategy for O1Ioi {
    fn name(&self) -> &'static str {
        "o1ioi"
    }

    fn next(&mut self, pool: &Pool, history: &History, _: &mut Rng) -> Option<Pick> {
        let n = pool.subtasks.len();
        let best = history.best(n);
        // Hardest first: the last subtask is taken as the hardest, as in IOI statements.
        let order: Vec<usize> = (0..n).rev().filter(|s| best[*s] < 1.0).collect();
        for _ in 0..order.len() {
            let s = order[self.turn % order.len()];
            self.turn += 1;
            let mut clusters: HashMap<u64, Vec<usize>> = HashMap::new();
            for c in eligible(pool, history, s, &best) {
                let x = &pool.candidates[c];
                // Failing the samples is a penalty on the candidate's score, as published.
                clusters
                    .entry(x.signature.get(s).copied().unwrap_or(0))
                    .or_default()
                    .push(c);
            }
            let score = |c: usize| {
                let x = &pool.candidates[c];
                x.score - if x.public_passed { 0.0 } else { 0.5 }
            };
            let top = clusters
                .iter()
                .map(|(sig, members)| {
                    let mean =
                        members.iter().map(|c| score(*c)).sum::<f64>() / members.len() as f64;
                    let taken = self.taken.get(&(s, *sig)).copied().unwrap_or(0) as f64;
                    (mean - self.penalty * taken, *sig, members)
                })
                .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
            if let Some((value, sig, members)) = top {
                let c = *members
                    .iter()
                    .max_by(|a, b| score(**a).total_cmp(&score(**b)).then(b.cmp(a)))?;
                *self.taken.entry((s, sig)).or_default() += 1;
                return Some(Pick {
                    candidate: c,
                    subtask: Some(s),
                    reason: format!(
                        "subtask {s}: best cluster ({} members, score {value:.3} after penalties)",
                        members.len()
                    ),
                });
            }
        }
        None
    }
}
