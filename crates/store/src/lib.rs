//! Persistence for sieve: the PostgreSQL schema (the top-level `migrations/`), the queries, the
//! queue's contract (`queue::Task`: each job kind with its typed payload, `queue::JobOutput`
//! what a finished job produced). Starting PostgreSQL is `pglocal`'s; fresh test databases and
//! synthetic benchmark rows are `testkit`'s.
//!
//! This is the only crate that contains SQL. It depends on `domain` (and on `scoring`'s data
//! types, which it loads pools into) and never on the sandbox, the API or the worker: they call
//! it, not the other way round.

pub mod candidate_list;
pub mod candidates;
pub mod contests;
pub mod dashboard;
pub mod dashboard_lists;
pub mod delete;
mod error;
pub mod export_results;
pub mod keys;
pub mod notify;
pub mod problem_info;
pub mod problems;
pub mod queue;
pub mod rejudge;
pub mod scores;
pub mod selections;
pub mod sessions;
pub mod wakeups;

pub use error::StoreError;

use sieve_domain::BlobHash;
use sqlx::postgres::{PgPool, PgPoolOptions};
use std::time::Duration;

/// The migrations in `migrations/`, embedded at compile time.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations");

/// A handle on sieve's database: a connection pool with the schema applied.
#[derive(Clone, Debug)]
pub struct Store {
    pool: PgPool,
}

/// A connection pool's state (for `/metrics`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolStats {
    /// Connections open.
    pub open: u32,
    /// Of which idle.
    pub idle: u32,
    /// The most the pool opens.
    pub max: u32,
}

impl Store {
    /// Connects to `url` and applies any pending migrations.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Store, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await?;
        MIGRATOR.run(&pool).await?;
        Ok(Store { pool })
    }

    /// Wraps an existing pool whose database is already migrated.
    pub fn from_pool(pool: PgPool) -> Store {
        Store { pool }
    }

    /// The underlying pool.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// The connection pool's state now: connections open, of which idle, and the most it opens.
    pub fn pool_stats(&self) -> PoolStats {
        PoolStats {
            open: self.pool.size(),
            idle: self.pool.num_idle() as u32,
            max: self.pool.options().get_max_connections(),
        }
    }

    /// Readiness: the database answers and every embedded migration has been applied.
    pub async fn ready(&self) -> Result<(), StoreError> {
        let applied: i64 =
            sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM _sqlx_migrations WHERE success"#)
                .fetch_one(&self.pool)
                .await?;
        let expected = MIGRATOR.iter().count() as i64;
        if applied < expected {
            return Err(StoreError::MigrationsPending { applied, expected });
        }
        Ok(())
    }

    /// Stores `data` under its BLAKE3 hash (once) and returns the hash.
    pub async fn put_blob(&self, data: &[u8]) -> Result<BlobHash, StoreError> {
        put_blob_on(&self.pool, data).await.map(BlobHash)
    }

    /// The blob stored under `hash`, if any.
    pub async fn get_blob(&self, hash: &BlobHash) -> Result<Option<Vec<u8>>, StoreError> {
        let row = sqlx::query_scalar!("SELECT data FROM blobs WHERE hash = $1", &hash.0[..])
            .fetch_optional(&self.pool)
            .await?;
        Ok(row)
    }
}

/// Stores `data` under its BLAKE3 hash (once), on any connection or transaction.
pub(crate) async fn put_blob_on<'e>(
    executor: impl sqlx::PgExecutor<'e>,
    data: &[u8],
) -> Result<[u8; 32], StoreError> {
    let hash = *blake3::hash(data).as_bytes();
    sqlx::query!(
        "INSERT INTO blobs (hash, size, data) VALUES ($1, $2, $3) ON CONFLICT (hash) DO NOTHING",
        &hash[..],
        data.len() as i64,
        data
    )
    .execute(executor)
    .await?;
    Ok(hash)
}
