use crate::OutputHash;
use crate::Verdict;
use serde::{Deserialize, Serialize};

/// One test's outcome as it is stored and scored: what judging a build on a test gave.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TestOutcome {
    /// Index of the test in its problem.
    pub test: i32,
    /// Verdict.
    pub verdict: Verdict,
    /// Score in [0, 1].
    pub score: f32,
    /// CPU time in microseconds.
    pub time_us: i32,
    /// Fuel (deterministic mode).
    pub fuel: i64,
    /// Peak memory in KiB.
    pub memory_kib: i32,
    /// The normalised output's hash (zero for a test that did not run).
    pub output_hash: OutputHash,
}

/// Why a result's first failing test failed: what a user debugging it needs, kept with the
/// result (messages capped at [`FAILURE_MESSAGE_BYTES`], stderr at 1 KiB).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FirstFailure {
    /// Index of the test in its problem.
    pub test: i32,
    /// Its verdict.
    pub verdict: crate::Verdict,
    /// The checker's or the runtime's message.
    pub message: String,
    /// The end of what the candidate wrote to its stderr.
    pub stderr: String,
}

/// The most bytes of a failure's message kept.
pub const FAILURE_MESSAGE_BYTES: usize = 2048;

impl TestOutcome {
    /// Accepted with the full score ([`Verdict::passes`]).
    pub fn passes(&self) -> bool {
        self.verdict.passes(f64::from(self.score))
    }
}
