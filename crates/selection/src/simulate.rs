//! Replaying a contest: a strategy submits one candidate at a time, the hidden results answer
//! with the contest's feedback, and the run is scored under the contest's rules; repeated over
//! seeds and summarised with a confidence interval, next to random's exact expectation and the
//! oracle.

use crate::baselines::{AlphaCode, OpenR1, Random};
use crate::o1ioi::O1Ioi;
use crate::pool::{Candidate, Pool, SubtaskSpec};
use crate::random::expected_random;
use crate::sieve::Sieve;
use crate::strategy::{Feedback, History, Pick, Rng, Strategy};
use serde::Serialize;
use sieve_domain::Rules;

/// Every strategy's name.
pub const STRATEGIES: [&str; 7] = [
    "random",
    "filter",
    "alphacode",
    "codet",
    "openr1",
    "o1ioi",
    "sieve",
];

/// A strategy by name, with its default parameters.
pub fn strategy(name: &str) -> Option<Box<dyn Strategy>> {
    Some(match name {
        "random" => Box::new(Random::new()),
        "filter" => Box::new(Random::filtered()),
        "alphacode" => Box::new(AlphaCode::default()),
        "codet" => Box::new(crate::codet::CodeT::default()),
        "openr1" => Box::new(OpenR1::default()),
        "o1ioi" => Box::new(O1Ioi::new(0.1)),
        "sieve" => Box::new(Sieve::default()),
        _ => return None,
    })
}

/// One replay.
#[derive(Clone, Debug, Serialize)]
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
    let mut rng = Rng(seed);
    // The strategies see the candidates in an order shuffled per seed: ties (equal scores, equal
    // clusters) must not be broken by posting order, which may carry the answer.
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
    let mut history = History::default();
    let mut picks = Vec::new();
    while history.submitted.len() < k {
        let Some(pick) = strategy.next(&judged, &history, &mut rng) else {
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
        history.submitted.push((pick.candidate, feedback.clone()));
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
    let submitted: Vec<usize> = history.submitted.iter().map(|(c, _)| order[*c]).collect();
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

/// A strategy's replays of one problem, summarised.
#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    /// The strategy.
    pub strategy: String,
    /// Mean score over the seeds.
    pub mean: f64,
    /// Half-width of the 95% confidence interval of the mean (normal approximation).
    pub ci95: f64,
    /// Mean submissions used.
    pub submissions: f64,
    /// Share of seeds that solved the problem in full.
    pub solved: f64,
    /// Mean rejected attempts before the first accepted one.
    pub rejected_before: f64,
    /// The runs.
    pub runs: Vec<Run>,
}

/// What a problem's replays report.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// Per strategy.
    pub strategies: Vec<Summary>,
    /// Random's exact expected score (IOI; under pass/fail rules, the chance of a solve).
    pub random_expected: f64,
    /// The best any `k` submissions could score, and whether that figure is exact.
    pub oracle: (f64, bool),
    /// The score of submitting the whole pool.
    pub whole_pool: f64,
    /// The most the problem gives.
    pub max_points: f64,
}

/// Replays `pool` under `rules` with each of `names` over `seeds` seeds.
pub fn simulate(
    pool: &Pool,
    names: &[&str],
    rules: Rules,
    k: usize,
    seeds: u64,
    value: f64,
) -> Report {
    let compiled: Vec<usize> = (0..pool.candidates.len())
        .filter(|c| pool.candidates[*c].compiled)
        .collect();
    let strategies = names
        .iter()
        .filter_map(|name| {
            let runs: Vec<Run> = (0..seeds)
                .filter_map(|seed| {
                    let mut s = strategy(name)?;
                    Some(replay(pool, s.as_mut(), rules, k, seed + 1, value))
                })
                .collect();
            if runs.is_empty() {
                return None;
            }
            let n = runs.len() as f64;
            let mean = runs.iter().map(|r| r.score).sum::<f64>() / n;
            let var =
                runs.iter().map(|r| (r.score - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
            Some(Summary {
                strategy: name.to_string(),
                mean,
                ci95: 1.96 * (var / n).sqrt(),
                submissions: runs.iter().map(|r| r.submissions as f64).sum::<f64>() / n,
                solved: runs.iter().filter(|r| r.solved).count() as f64 / n,
                rejected_before: runs.iter().map(|r| r.rejected_before as f64).sum::<f64>() / n,
                runs,
            })
        })
        .collect();
    let all: Vec<usize> = (0..pool.candidates.len()).collect();
    let (random_expected, oracle, whole_pool, max_points) = match rules {
        Rules::Ioi => (
            expected_random(pool, &compiled, k),
            pool.oracle(k),
            pool.ioi_score(&all),
            pool.max_points(),
        ),
        _ => {
            let pf = pool.pass_fail();
            let any = compiled.iter().any(|c| pool.accepted(*c)) as u8 as f64;
            (expected_random(&pf, &compiled, k), (any, true), any, 1.0)
        }
    };
    Report {
        strategies,
        random_expected,
        oracle,
        whole_pool,
        max_points,
    }
}

/// The first `k` picks of `name` made ahead of any feedback (a selection to submit in order).
pub fn select(pool: &Pool, name: &str, k: usize, seed: u64) -> Option<Vec<Pick>> {
    let mut s = strategy(name)?;
    let mut rng = Rng(seed);
    let mut history = History::default();
    let mut picks = Vec::new();
    while picks.len() < k {
        let Some(pick) = s.next(pool, &history, &mut rng) else {
            break;
        };
        if history.has(pick.candidate) {
            break;
        }
        history.submitted.push((pick.candidate, Feedback::Unknown));
        picks.push(pick);
    }
    Some(picks)
}
