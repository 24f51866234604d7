/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database refused or failed a query.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// Applying the migrations failed.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The database's schema is older than this binary's.
    #[error("{applied} of {expected} migrations applied")]
    MigrationsPending {
        /// Migrations applied in the database.
        applied: i64,
        /// Migrations this binary carries.
        expected: i64,
    },
    /// Stored data does not decode (a bug or a hand-edited row).
    #[error("corrupt stored data: {0}")]
    Corrupt(String),
    /// The `test`-th of the tests to add names a subtask the problem does not have.
    #[error("test {test} names subtask {subtask}, which the problem does not have")]
    NoSuchSubtask {
        /// Its position among the tests added.
        test: usize,
        /// The subtask it names.
        subtask: i16,
    },
    /// The `index`-th candidate of a batch reuses an idempotency key of another program.
    #[error("idempotency key {key:?} was used for another program")]
    IdempotencyConflict {
        /// Its position in the batch.
        index: usize,
        /// The key.
        key: String,
    },
}

impl StoreError {
    /// The name of the database constraint a write violated, if that is what failed
    /// (the API maps these to 409 and 422).
    pub fn constraint(&self) -> Option<&str> {
        match self {
            StoreError::Database(sqlx::Error::Database(e)) => e.constraint(),
            _ => None,
        }
    }
}
