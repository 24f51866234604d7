//! Live sessions: a strategy driven by a real contest's feedback, one submission at a time. The
//! session's state is its history alone (what was submitted and what the contest said), so a
//! service can answer each step from stored rows: the strategy is rebuilt and walked through the
//! history, as it would have been had it run without stopping, then asked for the next pick.

use crate::pool::Pool;
use crate::simulate::strategy;
use crate::strategy::{Feedback, History, Pick, Rng};
use sieve_domain::Rules;

/// Why a session cannot go on.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
    /// No strategy of that name.
    #[error("unknown strategy {0:?}")]
    UnknownStrategy(String),
}

/// The pool as the strategy sees it under `rules`: IOI as it is, pass/fail otherwise.
pub fn pool_for(pool: &Pool, rules: Rules) -> Pool {
    match rules {
        Rules::Ioi => pool.clone(),
        _ => pool.pass_fail(),
    }
}

/// Whether a session with `history` under `rules` and `k` submissions is over: K used, every
/// subtask in full (IOI), or an accepted submission (pass/fail rules).
pub fn finished(pool: &Pool, rules: Rules, k: usize, history: &History) -> bool {
    history.submitted().len() >= k
        || match rules {
            Rules::Ioi => history.best(pool.subtasks.len()).iter().all(|b| *b >= 1.0),
            _ => history.accepted(),
        }
}

/// The next pick of strategy `name` after `submitted` (pool indices with the contest's
/// feedback), or `None` when the session is over or the strategy has nothing new to offer.
/// `pool` is the one the strategy sees ([`pool_for`]).
pub fn next_pick(
    pool: &Pool,
    name: &str,
    rules: Rules,
    k: usize,
    submitted: &[(usize, Feedback)],
    seed: u64,
) -> Result<Option<Pick>, SessionError> {
    let mut s = strategy(name).ok_or_else(|| SessionError::UnknownStrategy(name.into()))?;
    let mut rng = Rng(seed);
    let mut history = History::default();
    for (c, feedback) in submitted {
        // Advance the strategy's own state as a run without pauses would have; what it would
        // have picked does not matter: the contest saw `c`.
        let _ = s.next(pool, &history, &mut rng);
        history.push(*c, feedback.clone());
    }
    if finished(pool, rules, k, &history) {
        return Ok(None);
    }
    Ok(s.next(pool, &history, &mut rng)
        .filter(|p| !history.has(p.candidate) && p.candidate < pool.candidates.len()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pool::{Candidate, SubtaskSpec};

    fn pool() -> Pool {
        let c = |sig: u64, score: f64, hidden: [f64; 2]| Candidate {
            compiled: true,
            public_passed: true,
            public_rate: 1.0,
            score,
            signature: vec![sig, sig],
            full_signature: sig,
            hidden: hidden.to_vec(),
            ..Default::default()
        };
        Pool {
            subtasks: vec![
                SubtaskSpec {
                    points: 40.0,
                    contains: vec![],
                },
                SubtaskSpec {
                    points: 60.0,
                    contains: vec![0],
                },
            ],
            candidates: vec![
                c(1, 0.9, [1.0, 0.0]),
                c(1, 0.8, [1.0, 0.0]),
                c(2, 0.5, [1.0, 1.0]),
                c(3, 0.7, [0.0, 0.0]),
                c(2, 0.4, [1.0, 1.0]),
            ],
            precision: 2,
        }
    }

    #[test]
    fn a_session_fed_the_judges_answers_picks_what_an_uninterrupted_run_picks() {
        let p = pool();
        for name in crate::STRATEGIES {
            // The uninterrupted run, fed the hidden results as the contest would.
            let (mut rng, mut s, mut history) =
                (Rng(7), strategy(name).unwrap(), History::default());
            let mut picks = Vec::new();
            while !finished(&p, Rules::Ioi, 4, &history) {
                let Some(pick) = s.next(&p, &history, &mut rng) else {
                    break;
                };
                if history.has(pick.candidate) {
                    break;
                }
                let fr = p.candidates[pick.candidate].hidden.clone();
                history.push(pick.candidate, Feedback::Subtasks(fr));
                picks.push(pick);
            }
            assert!(!picks.is_empty(), "{name}");
            let mut submitted = Vec::new();
            for pick in &picks {
                let next = next_pick(&p, name, Rules::Ioi, 4, &submitted, 7).unwrap();
                assert_eq!(next.map(|n| n.candidate), Some(pick.candidate), "{name}");
                let fr = p.candidates[pick.candidate].hidden.clone();
                submitted.push((pick.candidate, Feedback::Subtasks(fr)));
            }
            // After the replay's last pick the session is over too (solved, or K used).
            assert_eq!(
                next_pick(&p, name, Rules::Ioi, 4, &submitted, 7).unwrap(),
                None,
                "{name}"
            );
        }
        assert_eq!(
            next_pick(&p, "nope", Rules::Ioi, 4, &[], 7),
            Err(SessionError::UnknownStrategy("nope".into()))
        );
    }

    #[test]
    fn pass_fail_sessions_stop_at_the_first_accepted() {
        let p = pool_for(&pool(), Rules::Codeforces);
        let rejected = vec![(0, Feedback::Verdict(false))];
        let next = next_pick(&p, "sieve", Rules::Codeforces, 10, &rejected, 1).unwrap();
        assert!(next.is_some_and(|n| n.candidate != 0));
        let accepted = vec![(2, Feedback::Verdict(true))];
        assert_eq!(
            next_pick(&p, "sieve", Rules::Codeforces, 10, &accepted, 1).unwrap(),
            None
        );
    }
}
