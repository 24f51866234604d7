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
    /// An uploaded archive is not a package of its format (or unpacks too large).
    #[error(transparent)]
    Package(sieve_formats::FormatError),
    /// The archive has no top folder to name the problem by, and no slug was given.
    #[error("the archive has no top folder to name the problem by: pass slug")]
    NoSlug,
    /// The problem's slug (given, or the archive's folder name) cannot name a problem.
    #[error("{0:?}: {rule}", rule = sieve_domain::SLUG_RULE)]
    BadSlug(String),
    /// The request's input cannot be used, for a reason a job could also report.
    #[error(transparent)]
    Rejected(sieve_store::queue::Rejection),
    /// The caller named a subtask the problem does not have.
    #[error("subtask {subtask} out of range: the problem has {subtasks}")]
    SubtaskOutOfRange {
        /// The subtask named.
        subtask: usize,
        /// How many the problem has.
        subtasks: usize,
    },
}
