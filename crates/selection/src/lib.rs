//! Selection under contest limits: strategies that choose at most K submissions from a judged,
//! scored pool (random, filter, AlphaCode's clusters, CodeT's dual agreement, open-r1's
//! round-robin, o1-ioi's
//! subtask-aware clusters, and sieve's expected-gain strategy), each sequential and fed the
//! contest's feedback; random's exact expected score; the oracle; replays of contests against
//! the hidden results, summarised over seeds with confidence intervals; and live sessions that
//! take a real contest's feedback one submission at a time.
//!
//! Pure functions over data: depends on `domain` only, never on the store or the sandbox.

mod baselines;
mod clusters;
mod codet;
mod elo;
mod o1ioi;
mod oracle;
mod pool;
mod random;
mod replay;
mod session;
mod sieve;
mod simulate;
mod strategy;
mod suspects;
mod tune;

pub use baselines::{AlphaCode, OpenR1, Random};
pub use codet::CodeT;
pub use elo::{Standing, performance, rank};
pub use o1ioi::O1Ioi;
pub use pool::{Candidate, Pool, SubtaskSpec};
pub use random::expected_random;
pub use replay::{Run, Shuffled, replay, replay_prepared};
pub use session::{SessionError, finished, next_pick, pool_for};
pub use sieve::Sieve;
pub use simulate::{Report, STRATEGIES, Summary, select, simulate, strategy};
pub use strategy::{Feedback, History, Pick, Rng, Strategy};
pub use tune::{Params, evaluate, tunable, tune};
