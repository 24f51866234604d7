//! The published strategies: random, filter, AlphaCode's clusters, open-r1's round-robin, and
//! o1-ioi's subtask-aware cluster selection.

use crate::pool::Pool;
use crate::strategy::{History, Pick, Rng, Strategy};
use std::collections::HashMap;

fn compiled(pool: &Pool) -> Vec<usize> {
    (0..pool.candidates.len())
        .filter(|c| pool.candidates[*c].compiled)
        .collect()
}

fn passing(pool: &Pool) -> Vec<usize> {
    let all = compiled(pool);
    let kept: Vec<usize> = all
        .iter()
        .copied()
        .filter(|c| pool.candidates[*c].public_passed)
        .collect();
    // AlphaCode: on about 10% of problems nothing survives the examples; then use them all.
    if kept.is_empty() { all } else { kept }
}

/// Uniformly random distinct compiled candidates.
#[derive(Default)]
pub struct Random {
    order: Option<Vec<usize>>,
    only_passing: bool,
}

impl Random {
    /// Random over every compiled candidate.
    pub fn new() -> Random {
        Random::default()
    }

    /// Random over those that pass the public tests (the `filter` strategy).
    pub fn filtered() -> Random {
        Random {
            order: None,
            only_passing: true,
        }
    }
}

impl Strategy for Random {
    fn name(&self) -> &'static str {
        if self.only_passing {
            "filter"
        } else {
            "random"
        }
    }

    fn next(&mut self, pool: &Pool, history: &History, rng: &mut Rng) -> Option<Pick> {
        let only = self.only_passing;
        let order = self.order.get_or_insert_with(|| {
            let mut o = if only { passing(pool) } else { compiled(pool) };
            rng.shuffle(&mut o);
            o
        });
        let c = order.iter().copied().find(|c| !history.has(*c))?;
        Some(Pick {
            candidate: c,
            subtask: None,
            reason: if only {
                "random among those passing the public tests"
            } else {
                "random"
            }
            .into(),
        })
    }
}

/// AlphaCode: filter, cluster on the generated tests' outputs, one per cluster from the largest,
/// cycling; within a cluster the best-scored member first.
#[derive(Default)]
pub struct AlphaCode {
    queue: Option<Vec<Vec<usize>>>,
    turn: usize,
}

impl Strategy for AlphaCode {
    fn name(&self) -> &'static str {
        "alphacode"
    }

    fn next(&mut self, pool: &Pool, history: &History, _: &mut Rng) -> Option<Pick> {
        let clusters = self.queue.get_or_insert_with(|| {
            let mut by: HashMap<u64, Vec<usize>> = HashMap::new();
            for c in passing(pool) {
                by.entry(pool.candidates[c].full_signature)
                    .or_default()
                    .push(c);
            }
            let mut v: Vec<Vec<usize>> = by.into_values().collect();
            for members in &mut v {
                members.sort_by(|a, b| {
                    pool.candidates[*b]
                        .score
                        .total_cmp(&pool.candidates[*a].score)
                        .then(a.cmp(b))
                });
            }
            v.sort_by(|a, b| b.len().cmp(&a.len()).then(a[0].cmp(&b[0])));
            v
        });
        let n = clusters.len();
        for _ in 0..n {
            let i = self.turn % n;
            self.turn += 1;
            if let Some(c) = clusters[i].iter().copied().find(|c| !history.has(*c)) {
                return Some(Pick {
                    candidate: c,
                    subtask: None,
                    reason: format!(
                        "cluster {} of {n} by size ({} members)",
                        i + 1,
                        clusters[i].len()
                    ),
                });
            }
        }
        None
    }
}

/// open-r1's simulator: compile failures dropped, candidates bucketed by target subtask and
/// ordered by public score then generation length, round-robin from the hardest subtask (the
/// last), then the rest in that order.
#[derive(Default)]
pub struct OpenR1 {
    turn: usize,
    // Per subtask its bucket in order, then every compiled candidate in order.
    order: Option<(Vec<Vec<usize>>, Vec<usize>)>,
}

impl Strategy for OpenR1 {
    fn name(&self) -> &'static str {
        "openr1"
    }

    fn next(&mut self, pool: &Pool, history: &History, _: &mut Rng) -> Option<Pick> {
        let n = pool.subtasks.len();
        let (buckets, all) = self.order.get_or_insert_with(|| {
            let key = |c: &usize| {
                let x = &pool.candidates[*c];
                (
                    -(x.public_rate * 1e6) as i64,
                    x.gen_tokens.unwrap_or(i32::MAX),
                )
            };
            let mut all = compiled(pool);
            all.sort_by_key(key);
            let buckets = (0..n)
                .map(|s| {
                    all.iter()
                        .copied()
                        .filter(|c| pool.candidates[*c].target == Some(s))
                        .collect()
                })
                .collect();
            (buckets, all)
        });
        for _ in 0..n.max(1) {
            let s = n.saturating_sub(1 + self.turn % n.max(1));
            self.turn += 1;
            let first = buckets
                .get(s)
                .and_then(|b| b.iter().find(|c| !history.has(**c)));
            if let Some(c) = first {
                return Some(Pick {
                    candidate: *c,
                    subtask: Some(s),
                    reason: format!("round-robin, subtask {s}"),
                });
            }
        }
        all.iter().find(|c| !history.has(**c)).map(|c| Pick {
            candidate: *c,
            subtask: None,
            reason: "filling the remaining slots".into(),
        })
    }
}
