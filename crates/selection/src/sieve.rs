//! sieve's own strategy: each submission goes where the expected gain in points is largest,
//! given everything known, and beliefs are updated from every feedback.
//!
//! For an unsubmitted candidate `c` and an unsolved subtask `s` (best fraction so far `b_s`), the
//! chance that `c` solves `s` starts from its score, weighed by whether it was written for `s` (or
//! for a subtask containing `s`), by how large its output cluster on `s`'s generated inputs is, and
//! by the public tests. Feedback then moves it: a submitted candidate with the same outputs on
//! `s`'s inputs tells what `c` will get (`agree`); one that solved `s` with other outputs says `c`
//! is wrong there. The pick maximises `sum_s points_s * (1 - b_s) * p(c, s)`.
//!
//! Outputs do not tell everything: a member far slower than its cluster-mates, and a program
//! whose output never varies with its input, are given a smaller chance (`suspects`).

use crate::clusters::{Clusters, Eligible, NONE};
use crate::pool::Pool;
use crate::strategy::{Feedback, History, Pick, Rng, Strategy};

/// The expected-gain strategy.
pub struct Sieve {
    /// How much a cluster-mate's result is trusted (0..1).
    pub agree: f64,
    /// Weight of a candidate written for another subtask.
    pub off_target: f64,
    /// Factor for failing the public tests.
    pub public_fail: f64,
    /// For a member far slower than its cluster-mates: the share of the time limit beyond
    /// [`crate::suspects::AMPLE`] at which its chance of fitting the hidden tests is halved.
    pub headroom: f64,
    // Computed on the first pick: the pool does not change within a contest.
    prior: Option<(Clusters, Vec<Vec<f64>>)>,
}

impl Sieve {
    /// The strategy with these weights.
    pub fn new(agree: f64, off_target: f64, public_fail: f64, headroom: f64) -> Sieve {
        Sieve {
            agree,
            off_target,
            public_fail,
            headroom,
            prior: None,
        }
    }
}

impl Default for Sieve {
    fn default() -> Sieve {
        Sieve::new(0.8, 0.3, 0.2, 0.2)
    }
}

/// Weight of the prior on how often a right cluster's members fail, in observations.
const PRIOR_WEIGHT: f64 = 10.0;

/// A map p -> (m00 p + m01) / (m10 p + m11) on probabilities.
type Map = [[f64; 2]; 2];

const IDENTITY: Map = [[1.0, 0.0], [0.0, 1.0]];

/// `second` after `first`, rescaled so that long histories neither overflow nor vanish.
fn compose(second: Map, first: Map) -> Map {
    let mut m = [[0.0; 2]; 2];
    for (i, row) in m.iter_mut().enumerate() {
        for (j, v) in row.iter_mut().enumerate() {
            *v = second[i][0] * first[0][j] + second[i][1] * first[1][j];
        }
    }
    let scale = m.iter().flatten().fold(0.0f64, |a, v| a.max(v.abs()));
    if scale > 0.0 {
        m.iter_mut().flatten().for_each(|v| *v /= scale);
    }
    m
}

fn apply(m: Map, p: f64) -> f64 {
    let d = m[1][0] * p + m[1][1];
    if d > 0.0 {
        (m[0][0] * p + m[0][1]) / d
    } else {
        p
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

impl Sieve {
    /// Before any feedback: `prior[s][c]`, the chance that `c` solves `s` from its score, its
    /// target, the public tests, the size of its cluster on `s` and its resources against its
    /// cluster-mates'.
    fn prior(&self, pool: &Pool, clusters: &Clusters) -> Vec<Vec<f64>> {
        let constancy = crate::suspects::constancy(pool);
        (0..pool.subtasks.len())
            .map(|s| {
                let largest = clusters.size[s].iter().copied().max().unwrap_or(1).max(1) as f64;
                let fits = crate::suspects::fits(pool, clusters, s, self.headroom);
                pool.candidates
                    .iter()
                    .enumerate()
                    .map(|(c, x)| {
                        // Never certain: a failure must be able to move it.
                        let mut p = x.score.clamp(0.0, 0.99);
                        if !covers(pool, x.target, s) {
                            p *= self.off_target;
                        }
                        if !x.public_passed {
                            p *= self.public_fail;
                        }
                        let k = clusters.id[s][c];
                        if k != NONE {
                            p *= (clusters.size[s][k as usize] as f64 / largest).sqrt();
                        }
                        p * fits[c] * constancy[c]
                    })
                    .collect()
            })
            .collect()
    }
}

impl Strategy for Sieve {
    fn name(&self) -> &'static str {
        "sieve"
    }

    fn next(&mut self, pool: &Pool, history: &History, _: &mut Rng) -> Option<Pick> {
        if self.prior.is_none() {
            let clusters = Clusters::new(pool);
            let prior = self.prior(pool, &clusters);
            self.prior = Some((clusters, prior));
        }
        let (clusters, prior) = self.prior.as_ref()?;
        let n = pool.subtasks.len();
        let best = history.best(n);
        let m = pool.candidates.len();
        let (mut total, mut top) = (vec![0.0f64; m], vec![(0.0f64, 0usize); m]);
        let mut seen = vec![false; m];
        let keep = 1.0 - self.agree;
        for s in (0..n).filter(|s| best[*s] < 1.0) {
            // Feedback on `s`, per cluster: Bayes' rule for each cluster-mate's answer, folded
            // in order as one map p -> (m00 p + m01) / (m10 p + m11), and how many of the
            // cluster's members solved `s`. A cluster-mate that solved `s` makes a member very
            // likely right (a wrong one solves with chance `keep`); one that failed makes it
            // likely wrong, but a right-output member still fails with chance `keep` (too slow,
            // too much memory), so a cluster believed in strongly survives one failure.
            // Candidates without outputs on `s` (they failed the public tests or ran on no
            // generated test) share one last slot: their failures, too, must teach something,
            // or a long run of them is submitted one after another.
            let k = clusters.size[s].len();
            let (mut maps, mut solvers) = (vec![IDENTITY; k + 1], vec![0u32; k + 1]);
            let mut failures = vec![0u32; k + 1];
            let mut solvers_all = 0u32;
            for (d, f) in history.submitted() {
                let kd = clusters.group(s, *d);
                let got = match f {
                    Feedback::Subtasks(fr) => fr.get(s).copied().unwrap_or(0.0),
                    // Pass/fail rules (one subtask): a verdict says as much of the cluster.
                    Feedback::Verdict(ok) => f64::from(u8::from(*ok)),
                    // Picked ahead of the answer: a cluster-mate adds little either way (if the
                    // first is right the subtask is solved, if wrong so is this one).
                    Feedback::Unknown => {
                        maps[kd] = compose([[keep, 0.0], [0.0, 1.0]], maps[kd]);
                        continue;
                    }
                };
                let update = if got >= 1.0 {
                    solvers[kd] += 1;
                    solvers_all += 1;
                    [[1.0, 0.0], [1.0 - keep, keep]]
                } else if got <= 0.0 {
                    // How often a right cluster's members fail is not known: with a Beta prior
                    // of mean `keep` (weight PRIOR_WEIGHT), the i-th failure in a row counts
                    // (keep * w + i) / (w + i), so a right cluster with many weak members is
                    // given up more slowly than a fixed rate would.
                    let i = f64::from(failures[kd]);
                    failures[kd] += 1;
                    let q = (keep * PRIOR_WEIGHT + i) / (PRIOR_WEIGHT + i);
                    [[q, 0.0], [q - 1.0, 1.0]]
                } else {
                    // Part of the points: the members likely earn as much.
                    [[keep, self.agree * got], [0.0, 1.0]]
                };
                maps[kd] = compose(update, maps[kd]);
            }
            let rule = Eligible::new(pool, clusters, history, s, &best);
            let weight = pool.subtasks[s].points * (1.0 - best[s]);
            for c in 0..m {
                if !rule.ok(pool, clusters, history, c) {
                    continue;
                }
                let mut p = prior[s][c];
                let kc = clusters.group(s, c);
                if kc < k {
                    // Another cluster solved `s`: this one is likely wrong there.
                    p *= keep.powi((solvers_all - solvers[kc]) as i32);
                }
                p = apply(maps[kc], p);
                let gain = weight * p;
                total[c] += gain;
                if !seen[c] || gain > top[c].0 {
                    top[c] = (gain, s);
                }
                seen[c] = true;
            }
        }
        let c = (0..m)
            .filter(|c| seen[*c])
            .max_by(|a, b| total[*a].total_cmp(&total[*b]).then(b.cmp(a)))?;
        let (gain, s) = (total[c], top[c].1);
        Some(Pick {
            candidate: c,
            subtask: Some(s),
            reason: format!("expected gain {gain:.2} points, most from subtask {s}"),
        })
    }
}
