//! sieve's own strategy: each submission goes where the expected gain in points is largest,
//! given everything known, and beliefs are updated from every feedback.
//!
//! For an unsubmitted candidate `c` and an unsolved subtask `s` (best fraction so far `b_s`), the
//! chance that `c` solves `s` starts from its score, weighed by whether it was written for `s` (or
//! for a subtask containing `s`), by how large its output cluster on `s`'s generated inputs is, and
//! by the public tests. Feedback then moves it: a submitted candidate with the same outputs on
//! `s`'s inputs tells what `c` will get (`agree`); one that solved `s` with other outputs says `c`
//! is wrong there. The pick maximises `sum_s points_s * (1 - b_s) * p(c, s)`.

use crate::o1ioi::eligible;
use crate::pool::Pool;
use crate::strategy::{Feedback, History, Pick, Rng, Strategy};
use std::collections::HashMap;

/// The expected-gain strategy.
pub struct Sieve {
    /// How much a cluster-mate's result is trusted (0..1).
    pub agree: f64,
    /// Weight of a candidate written for another subtask.
    pub off_target: f64,
    /// Factor for failing the public tests.
    pub public_fail: f64,
}

impl Default for Sieve {
    fn default() -> Sieve {
        Sieve {
            agree: 0.9,
            off_target: 0.3,
            public_fail: 0.2,
        }
    }
}

fn covers(pool: &Pool, target: Option<usize>, s: usize) -> bool {
    match target {
        None => true,
        Some(t) => {
            t == s
                || pool
                    .subtasks
                    .get(t)
                    .is_some_and(|st| st.contains.contains(&s))
        }
    }
}

impl Strategy for Sieve {
    fn name(&self) -> &'static str {
        "sieve"
    }

    fn next(&mut self, pool: &Pool, history: &History, _: &mut Rng) -> Option<Pick> {
        let n = pool.subtasks.len();
        let best = history.best(n);
        // Cluster sizes per subtask among the compiled candidates.
        let mut size: Vec<HashMap<u64, usize>> = vec![HashMap::new(); n];
        for c in pool.candidates.iter().filter(|c| c.compiled) {
            for (s, sig) in c.signature.iter().enumerate().take(n) {
                *size[s].entry(*sig).or_default() += 1;
            }
        }
        let largest: Vec<usize> = size
            .iter()
            .map(|m| m.values().copied().max().unwrap_or(1))
            .collect();
        let mut options: HashMap<usize, (f64, usize, f64)> = HashMap::new();
        for s in (0..n).filter(|s| best[*s] < 1.0) {
            for c in eligible(pool, history, s, &best) {
                let x = &pool.candidates[c];
                let sig = x.signature.get(s).copied().unwrap_or(0);
                let mut p = x.score.clamp(0.0, 1.0);
                if !covers(pool, x.target, s) {
                    p *= self.off_target;
                }
                if !x.public_passed {
                    p *= self.public_fail;
                }
                if sig != 0 {
                    let rel = *size[s].get(&sig).unwrap_or(&1) as f64 / largest[s] as f64;
                    p *= 0.5 + 0.5 * rel;
                }
                for (d, f) in &history.submitted {
                    let dsig = pool.candidates[*d].signature.get(s).copied().unwrap_or(0);
                    let fr = match f {
                        Feedback::Subtasks(fr) => fr,
                        // Picked ahead of the answer: a cluster-mate adds little either way (if
                        // the first is right the subtask is solved, if wrong so is this one).
                        Feedback::Unknown => {
                            if sig != 0 && dsig == sig {
                                p *= 1.0 - self.agree;
                            }
                            continue;
                        }
                        Feedback::Verdict(_) => continue,
                    };
                    let got = fr.get(s).copied().unwrap_or(0.0);
                    if sig != 0 && dsig == sig {
                        p = self.agree * got + (1.0 - self.agree) * p;
                    } else if sig != 0 && dsig != 0 && got >= 1.0 {
                        p *= 1.0 - self.agree;
                    }
                }
                let gain = pool.subtasks[s].points * (1.0 - best[s]) * p;
                let e = options.entry(c).or_insert((0.0, s, 0.0));
                e.0 += gain;
                if gain > e.2 {
                    e.1 = s;
                    e.2 = gain;
                }
            }
        }
        let (c, (gain, s, _)) = options
            .into_iter()
            .max_by(|a, b| a.1.0.total_cmp(&b.1.0).then(b.0.cmp(&a.0)))?;
        Some(Pick {
            candidate: c,
            subtask: Some(s),
            reason: format!("expected gain {gain:.2} points, most from subtask {s}"),
        })
    }
}
