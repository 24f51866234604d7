//! The vocabulary of sieve: identifiers, problems with limits, subtasks and tests, candidates,
//! verdicts, checkers, contest rules and the IOI scoring arithmetic.
//!
//! This crate performs no I/O and depends on nothing of the project's: every other crate builds on
//! it, so it must never depend on the sandbox, the store, tokio or wasmtime.

mod contest;
mod hashes;
mod ids;
mod language;
mod name;
mod outcome;
mod problem;
mod program;
mod score;
mod time_factor;
mod verdict;

pub use contest::{Rules, UnknownRules};
pub use hashes::{BadBlobHash, BadBuildKey, BadOutputHash, BlobHash, BuildKey, OutputHash};
pub use ids::{CandidateId, ContestId, JobId, ProblemId, TestId};
pub use language::{Language, UnknownLanguage};
pub use name::{
    MAX_NAME_CHARS, MAX_TEST_NAME_BYTES, NameError, NameKind, SLUG_RULE, check_name, is_slug,
};
pub use outcome::{FAILURE_MESSAGE_BYTES, FirstFailure, TestOutcome};
pub use problem::{Checker, CheckerProtocol, Limits, MAX_PROCESSES, Subtask, TestKind, UserIo};
pub use program::GenProgram;
pub use score::{ScoreError, SubtaskResult, round_points, score_subtasks};
pub use time_factor::{InvalidTimeFactor, TimeFactor};
pub use verdict::Verdict;
