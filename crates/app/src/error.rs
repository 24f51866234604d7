use sieve_store::StoreError;

/// Why a use case failed: by cause, for the API to turn into statuses and fields.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A scorer failed.
    #[error(transparent)]
    Scoring(#[from] sieve_scoring::ScoringError),
    /// Work on a helper thread failed (a panic): sieve's failure.
    #[error("{0}")]
    Thread(String),
    /// What a request names (a problem, a contest, a session) does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The scorer the caller named cannot be used (unknown, not stored, badly configured).
    #[error("{0}")]
    Scorer(String),
    /// The strategy the caller named cannot be used.
    #[error("{0}")]
    Strategy(String),
    /// The caller named a subtask the problem does not have.
    #[error("subtask {subtask} out of range: the problem has {subtasks}")]
    SubtaskOutOfRange {
        /// The subtask named.
        subtask: usize,
        /// How many the problem has.
        subtasks: usize,
    },
}
