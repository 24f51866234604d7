//! Strategies: each picks the next submission given the pool and the contest's feedback so far.

use crate::pool::Pool;
use serde::Serialize;

/// What a contest tells after each submission.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Feedback {
    /// IOI: the fraction of each subtask's points this submission earned.
    Subtasks(Vec<f64>),
    /// Codeforces / ICPC: accepted or rejected, nothing more.
    Verdict(bool),
    /// Not known (a selection made ahead of the contest's answers).
    Unknown,
}

/// The contest so far, as a strategy sees it.
#[derive(Clone, Debug, Default)]
pub struct History {
    submitted: Vec<(usize, Feedback)>,
    // Indexed by candidate: answers `has` in constant time on pools of 10,000.
    taken: Vec<bool>,
}

impl History {
    /// Records that `c` was submitted and what the contest said.
    pub fn push(&mut self, c: usize, feedback: Feedback) {
        if self.taken.len() <= c {
            self.taken.resize(c + 1, false);
        }
        self.taken[c] = true;
        self.submitted.push((c, feedback));
    }

    /// Submitted candidates, in order, with their feedback.
    pub fn submitted(&self) -> &[(usize, Feedback)] {
        &self.submitted
    }

    /// Whether `c` was submitted already.
    pub fn has(&self, c: usize) -> bool {
        self.taken.get(c).copied().unwrap_or(false)
    }

    /// Per subtask, the best fraction earned so far (IOI feedback only).
    pub fn best(&self, subtasks: usize) -> Vec<f64> {
        let mut best = vec![0.0; subtasks];
        for (_, f) in &self.submitted {
            if let Feedback::Subtasks(fr) = f {
                for (b, x) in best.iter_mut().zip(fr) {
                    *b = f64::max(*b, *x);
                }
            }
        }
        best
    }

    /// Whether some submission was accepted (Codeforces / ICPC feedback).
    pub fn accepted(&self) -> bool {
        self.submitted
            .iter()
            .any(|(_, f)| matches!(f, Feedback::Verdict(true)))
    }
}

/// One pick, with the reason a person can read.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Pick {
    /// The candidate (index into the pool).
    pub candidate: usize,
    /// The subtask it was aimed at, if any.
    pub subtask: Option<usize>,
    /// Why.
    pub reason: String,
}

/// A selection strategy. `seed` varies the random choices between replays.
pub trait Strategy {
    /// Its name.
    fn name(&self) -> &'static str;
    /// The next submission, or `None` to stop.
    fn next(&mut self, pool: &Pool, history: &History, seed: &mut Rng) -> Option<Pick>;
}

/// A small deterministic random stream (SplitMix64), so that replays repeat exactly.
#[derive(Clone, Debug)]
pub struct Rng(pub u64);

impl Rng {
    /// The next number.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E3779B97F4A7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58476D1CE4E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D049BB133111EB);
        z ^ (z >> 31)
    }

    /// A uniform index below `n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// `items` in a uniformly random order.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}
