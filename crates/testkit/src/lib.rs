//! What tests and benchmarks need and the service never uses: fresh, migrated databases on a
//! real PostgreSQL server, never a mock (`testing`: with `DATABASE_URL` set, databases are
//! created on that server; otherwise on a private cluster under the workspace's
//! `target/sieve-test/pg`, started on first use and shared by every test process, and each
//! [`testing::TestDb::new`] clones a template that already has the migrations applied, so a fresh
//! database costs one `CREATE DATABASE`), and synthetic judged candidates written in SQL for
//! the benchmarks (`synthetic`: a problem with 10,000 candidates and hundreds of tests in
//! seconds).
//!
//! It is the one crate besides `store` that writes SQL, and only for those two ends: database
//! administration for tests and bulk fixture rows. Only tests and `sieve bench` depend on it.

pub mod synthetic;
pub mod testing;

/// Why a test database could not be made.
#[derive(Debug, thiserror::Error)]
pub enum TestkitError {
    /// The database refused or failed a statement.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// The migrations failed on the template.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The shared test cluster could not be started.
    #[error("test cluster failed: {0}")]
    Cluster(String),
}
