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
    /// The private cluster could not be started.
    #[error(transparent)]
    Cluster(#[from] crate::ClusterError),
}
