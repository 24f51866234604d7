//! Fresh databases for tests, on a real PostgreSQL server: never a mock.

use crate::TestkitError as StoreError;
use sieve_pglocal::LocalCluster;
use sieve_store::MIGRATOR;
use sqlx::postgres::{PgConnection, PgPool, PgPoolOptions};
use sqlx::{Connection, Executor};
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

/// A fresh, migrated database that belongs to one test.
#[derive(Debug)]
pub struct TestDb {
    /// The database's name.
    pub name: String,
    /// A URL that connects to it.
    pub url: String,
    /// A pool connected to it.
    pub pool: PgPool,
}

/// The server URL tests create their databases on, with the given database name.
pub fn server_url(database: &str) -> Result<String, StoreError> {
    static BASE: OnceLock<Result<String, String>> = OnceLock::new();
    let base = BASE.get_or_init(|| match std::env::var("DATABASE_URL") {
        Ok(url) => Ok(url),
        Err(_) => LocalCluster::ensure(&test_cluster_dir(), true)
            .map(|c| c.url("postgres"))
            .map_err(|e| e.to_string()),
    });
    let base = base.as_ref().map_err(|e| StoreError::Cluster(e.clone()))?;
    let (server, _) = base.rsplit_once('/').unwrap_or((base, ""));
    Ok(format!("{server}/{database}"))
}

/// Where the shared test cluster lives: `$SIEVE_TEST_DATA_DIR/pg`, else `<target>/sieve-test/pg`
/// (so that `sieve db stop --data-dir target/sieve-test` stops it).
pub fn test_cluster_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("SIEVE_TEST_DATA_DIR") {
        return PathBuf::from(dir).join("pg");
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    target.join("sieve-test").join("pg")
}

fn unique_name(prefix: &str) -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    format!(
        "{prefix}_{secs}_{}",
        &uuid::Uuid::new_v4().simple().to_string()[..12]
    )
}

fn template_name() -> String {
    let mut h = blake3::Hasher::new();
    for m in MIGRATOR.iter() {
        h.update(&m.version.to_le_bytes());
        h.update(&m.checksum);
    }
    format!("sieve_tpl_{}", &h.finalize().to_hex()[..16])
}

async fn admin() -> Result<PgConnection, StoreError> {
    Ok(PgConnection::connect(&server_url("postgres")?).await?)
}

/// Creates the migrated template once per schema version (serialised by an advisory lock).
async fn ensure_template(conn: &mut PgConnection) -> Result<String, StoreError> {
    let name = template_name();
    conn.execute("SELECT pg_advisory_lock(7214321)").await?;
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(&name)
            .fetch_one(&mut *conn)
            .await?;
    let result = if exists {
        Ok(())
    } else {
        build_template(conn, &name).await
    };
    conn.execute("SELECT pg_advisory_unlock(7214321)").await?;
    result.map(|_| name)
}

async fn build_template(conn: &mut PgConnection, name: &str) -> Result<(), StoreError> {
    let building = format!("{name}_building");
    conn.execute(format!(r#"DROP DATABASE IF EXISTS "{building}""#).as_str())
        .await?;
    conn.execute(format!(r#"CREATE DATABASE "{building}""#).as_str())
        .await?;
    let started = std::time::Instant::now();
    let mut migrating = PgConnection::connect(&server_url(&building)?).await?;
    MIGRATOR.run(&mut migrating).await?;
    migrating.close().await?;
    tracing::debug!(took = ?started.elapsed(), "test template migrated");
    // The closed connection's backend may still be exiting: renaming fails until it has.
    let rename = format!(r#"ALTER DATABASE "{building}" RENAME TO "{name}""#);
    let mut tries = 0;
    loop {
        match conn.execute(rename.as_str()).await {
            Ok(_) => return Ok(()),
            Err(e) if tries < 50 => {
                tracing::debug!(error = %e, "template still in use; retrying");
                tries += 1;
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            Err(e) => return Err(e.into()),
        }
    }
}

impl TestDb {
    /// A new database with the current schema.
    pub async fn new() -> Result<TestDb, StoreError> {
        let mut conn = admin().await?;
        let template = ensure_template(&mut conn).await?;
        Self::create(&mut conn, Some(&template)).await
    }

    /// A new, completely empty database (no migrations applied).
    pub async fn empty() -> Result<TestDb, StoreError> {
        let mut conn = admin().await?;
        Self::create(&mut conn, None).await
    }

    async fn create(conn: &mut PgConnection, template: Option<&str>) -> Result<TestDb, StoreError> {
        let name = unique_name("test");
        let sql = match template {
            Some(t) => format!(r#"CREATE DATABASE "{name}" TEMPLATE "{t}""#),
            None => format!(r#"CREATE DATABASE "{name}""#),
        };
        conn.execute(sql.as_str()).await?;
        let url = server_url(&name)?;
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .connect(&url)
            .await?;
        Ok(TestDb { name, url, pool })
    }

    /// Closes the pool and drops the database.
    pub async fn drop_db(self) -> Result<(), StoreError> {
        self.pool.close().await;
        let mut conn = admin().await?;
        conn.execute(format!(r#"DROP DATABASE IF EXISTS "{}" WITH (FORCE)"#, self.name).as_str())
            .await?;
        Ok(())
    }
}
