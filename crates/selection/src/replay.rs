//! One replay of one problem: a strategy submits one candidate at a time, the hidden results
//! answer with the contest's feedback, and the run is scored under the contest's rules. The
//! candidates are shuffled per seed (ties must not be broken by posting order, which may carry
//! the answer); the shuffled pool is prepared once per seed and shared by every strategy.

use crate::pool::{Candidate, Pool, SubtaskSpec};
use crate::strategy::{Feedback, History, Pick, Rng, Strategy};
use serde::Serialize;
use sieve_domain::Rules;

/// One replay.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Run {
    /// Points under the rules (IOI points; Codeforces the problem's value after penalties;
    /// ICPC 1 when solved).
    pub score: f64,
    /// Submissions made.
    pub submissions: usize,
    /// Solved in full (every hidden test accepted by one submission).
    pub solved: bool,
    /// Rejected submissions before the first accepted one (Codeforces / ICPC penalties).
    pub rejected_before: usize,
    /// The picks in order.
    pub picks: Vec<Pick>,
}

impl Pool {
    /// The pool as a pass/fail problem (Codeforces, ICPC): one subtask of one point, solved by a
    /// candidate that passes every hidden test, clustered on all generated tests.
    pub fn pass_fail(&self) -> Pool {
        Pool {
            subtasks: vec![SubtaskSpec {
                points: 1.0,
                contains: vec![],
            }],
            candidates: (0..self.candidates.len())
                .map(|c| {
                    let x = &self.candidates[c];
                    Candidate {
                        hidden: vec![if self.accepted(c) { 1.0 } else { 0.0 }],
                        signature: vec![x.full_signature],
                        target: None,
                        ..x.clone()
                    }
                })
                .collect(),
            precision: 6,
        }
    }
}

/// Replays one contest problem: at most `k` submissions chosen by `strategy`.
/// `value`: a Codeforces problem's points (ignored otherwise).
pub fn replay(
    pool: &Pool,
    strategy: &mut dyn Strategy,
    rules: Rules,
    k: usize,
    seed: u64,
    value: f64,
) -> Run {
    replay_prepared(
        pool,
        &Shuffled::new(pool, rules, seed),
        strategy,
        rules,
        k,
        value,
    )
}

/// A pool as the strategies of one seed see it: shuffled, and pass/fail outside IOI.
pub struct Shuffled {
    order: Vec<usize>,
    judged: Pool,
    rng: u64,
}

impl Shuffled {
    /// The pool of seed `seed` under `rules`.
    pub fn new(pool: &Pool, rules: Rules, seed: u64) -> Shuffled {
        let mut rng = Rng(seed);
        let mut order: Vec<usize> = (0..pool.candidates.len()).collect();
        rng.shuffle(&mut order);
        let shuffled = Pool {
            candidates: order.iter().map(|c| pool.candidates[*c].clone()).collect(),
            ..pool.clone()
        };
        let judged = if rules == Rules::Ioi {
            shuffled
        } else {
            shuffled.pass_fail()
        };
        Shuffled {
            order,
            judged,
            rng: rng.0,
        }
    }
}

/// [`replay`] on a pool prepared for its seed.
pub fn replay_prepared(
    pool: &Pool,
    prepared: &Shuffled,
    strategy: &mut dyn Strategy,
    rules: Rules,
    k: usize,
    value: f64,
) -> Run {
    let (order, judged) = (&prepared.order, &prepared.judged);
    let mut rng = Rng(prepared.rng);
    let mut history = History::default();
    let mut picks = Vec::new();
    while history.submitted().len() < k {
        let Some(pick) = strategy.next(judged, &history, &mut rng) else {
            break;
        };
        if history.has(pick.candidate) || pick.candidate >= judged.candidates.len() {
            break; // a strategy that repeats itself has nothing new to offer
        }
        let fr = judged.candidates[pick.candidate].hidden.clone();
        let feedback = match rules {
            Rules::Ioi => Feedback::Subtasks(fr),
            _ => Feedback::Verdict(fr.first().copied().unwrap_or(0.0) >= 1.0),
        };
        history.push(pick.candidate, feedback.clone());
        picks.push(pick);
        let done = match rules {
            Rules::Ioi => history
                .best(judged.subtasks.len())
                .iter()
                .all(|b| *b >= 1.0),
            _ => history.accepted(),
        };
        if done {
            break;
        }
    }
    for p in &mut picks {
        p.candidate = order[p.candidate];
    }
    let submitted: Vec<usize> = history.submitted().iter().map(|(c, _)| order[*c]).collect();
    let first_ok = submitted.iter().position(|c| pool.accepted(*c));
    let rejected_before = first_ok.unwrap_or(submitted.len());
    let score = match rules {
        Rules::Ioi => pool.ioi_score(&submitted),
        // -50 per rejected attempt before the accepted one, floored at 30% of the value.
        Rules::Codeforces => first_ok.map_or(0.0, |_| {
            (value - 50.0 * rejected_before as f64).max(0.3 * value)
        }),
        Rules::Icpc => first_ok.map_or(0.0, |_| 1.0),
    };
    Run {
        score,
        submissions: submitted.len(),
        solved: first_ok.is_some(),
        rejected_before,
        picks,
    }
}
