//! CodeT's dual agreement, for generated tests that carry model-predicted outputs: programs that
//! pass the same set of those tests form a consensus set, ranked by sqrt(programs) x tests
//! passed; one submission per set, best set first, the best-scored member of each.

use crate::pool::Pool;
use crate::strategy::{History, Pick, Rng, Strategy};
use std::collections::HashMap;

/// The CodeT strategy.
#[derive(Default)]
pub struct CodeT {
    sets: Option<Vec<(f64, Vec<usize>)>>,
    turn: usize,
}

impl Strategy for CodeT {
    fn name(&self) -> &'static str {
        "codet"
    }

    fn next(&mut self, pool: &Pool, history: &History, _: &mut Rng) -> Option<Pick> {
        let sets = self.sets.get_or_insert_with(|| {
            let mut by: HashMap<u64, Vec<usize>> = HashMap::new();
            for c in (0..pool.candidates.len()).filter(|c| pool.candidates[*c].compiled) {
                by.entry(pool.candidates[c].predicted_pass)
                    .or_default()
                    .push(c);
            }
            let mut v: Vec<(f64, Vec<usize>)> = by
                .into_values()
                .map(|mut members| {
                    members.sort_by(|a, b| {
                        let (x, y) = (&pool.candidates[*a], &pool.candidates[*b]);
                        y.score.total_cmp(&x.score).then(a.cmp(b))
                    });
                    let passed = pool.candidates[members[0]].predicted_count as f64;
                    ((members.len() as f64).sqrt() * passed, members)
                })
                .collect();
            v.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1[0].cmp(&b.1[0])));
            v
        });
        let n = sets.len();
        for _ in 0..n {
            let i = self.turn % n;
            self.turn += 1;
            if let Some(c) = sets[i].1.iter().copied().find(|c| !history.has(*c)) {
                return Some(Pick {
                    candidate: c,
                    subtask: None,
                    reason: format!(
                        "consensus set {} of {n} (agreement {:.2}, {} programs)",
                        i + 1,
                        sets[i].0,
                        sets[i].1.len()
                    ),
                });
            }
        }
        None
    }
}
