//! A private PostgreSQL cluster run from the system's binaries (`initdb`, `pg_ctl`).
//!
//! The cluster lives in a data directory that sieve owns, listens on 127.0.0.1 only, on a port
//! chosen at `initdb` time, with a random password kept next to the data directory (mode 0600).
//! PostgreSQL refuses to run as root, so when sieve runs as root the server runs as the system's
//! `postgres` user, which then owns the data directory. When `postgres` cannot reach the data
//! directory (a clone under root's mode-0700 home), the server's files live under
//! `/var/lib/sieve` and the data directory is a link to them.
//!
//! Also [`Database`], the database a command works against: `DATABASE_URL` when given, else
//! that private cluster under `--data-dir`, stopped again by the process that started it; and
//! [`DbArgs`], the two flags that choose it.
//!
//! It knows PostgreSQL's tools and an admin connection, nothing of sieve's schema (that is
//! `store`'s); it depends on no other sieve crate.

mod cluster;

pub use cluster::{
    ClusterError, LocalCluster, create_database_if_missing, find_bin_dir, recreate_database,
};

use std::path::{Path, PathBuf};

/// Where the database is: `DATABASE_URL`, or a private cluster sieve starts itself.
#[derive(Clone, Debug, clap::Args)]
pub struct DbArgs {
    /// PostgreSQL URL; without it sieve runs its own cluster in --data-dir.
    #[arg(long, global = true, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// Where sieve keeps its private PostgreSQL cluster (made on first use here, or in a directory
    /// that exists; a path that does not exist is refused as a likely typo). Caches: --cache-dir.
    #[arg(long, global = true, env = "SIEVE_DATA_DIR", default_value = DEFAULT_DATA_DIR)]
    pub data_dir: PathBuf,
}

/// The data directory when none is named: `.sieve` under the working directory.
pub const DEFAULT_DATA_DIR: &str = ".sieve";

/// Why the database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum DatabaseError {
    /// The private cluster could not be used.
    #[error(transparent)]
    Cluster(#[from] ClusterError),
    /// Its `sieve` database could not be created.
    #[error("creating database {name}: {source}")]
    Create {
        /// The database.
        name: String,
        /// Why.
        source: sqlx::Error,
    },
    /// A runtime for the admin connection could not be built.
    #[error("a runtime: {0}")]
    Runtime(std::io::Error),
    /// A data directory named explicitly that does not exist: most likely a typo, which would
    /// otherwise start an empty cluster and show none of the user's data.
    #[error(
        "{0}: no such directory, so no sieve cluster either (is the path right?); create the \
         directory, or run `sieve db start --data-dir {0}`, to start a new one there"
    )]
    NoDataDir(PathBuf),
}

/// The database a command works against; stops the private cluster on drop if it started it.
pub struct Database {
    /// A connection URL.
    pub url: String,
    cluster: Option<LocalCluster>,
}

impl Database {
    /// `DATABASE_URL` when given, else the private cluster under `data_dir/pg`.
    pub fn open(args: &DbArgs) -> Result<Database, DatabaseError> {
        if let Some(url) = &args.database_url {
            return Ok(Database {
                url: url.clone(),
                cluster: None,
            });
        }
        // A new cluster is made silently only in the default directory, or in one that exists
        // (made on purpose): a mistyped --data-dir or SIEVE_DATA_DIR is an error.
        let pg = args.data_dir.join("pg");
        if !pg.join("PG_VERSION").exists()
            && args.data_dir != Path::new(DEFAULT_DATA_DIR)
            && !args.data_dir.is_dir()
        {
            return Err(DatabaseError::NoDataDir(args.data_dir.clone()));
        }
        let cluster = LocalCluster::ensure(&pg, false)?;
        let url = ensure_database(&cluster, "sieve")?;
        if cluster.started_here() {
            tracing::info!(data_dir = %cluster.data_dir().display(), "started private PostgreSQL");
        }
        Ok(Database {
            url,
            cluster: Some(cluster),
        })
    }

    /// Stops the private cluster if this process started it.
    pub fn close(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        if let Some(cluster) = self.cluster.take().filter(|c| c.started_here()) {
            match cluster.stop() {
                Ok(()) => tracing::info!("stopped private PostgreSQL"),
                Err(e) => tracing::error!(error = %e, "could not stop private PostgreSQL"),
            }
        }
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The URL of database `name` in `cluster`, created if missing.
pub fn ensure_database(cluster: &LocalCluster, name: &str) -> Result<String, DatabaseError> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(DatabaseError::Runtime)?;
    rt.block_on(create_database_if_missing(&cluster.url("postgres"), name))
        .map_err(|source| DatabaseError::Create {
            name: name.to_string(),
            source,
        })?;
    Ok(cluster.url(name))
}
