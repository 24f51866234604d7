use serde::{Deserialize, Serialize};
use std::fs::{self, File};
use std::os::unix::fs::{PermissionsExt, chown};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Why the private cluster could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    /// No PostgreSQL server binaries were found.
    #[error(
        "PostgreSQL server binaries (initdb, pg_ctl) not found on PATH or under /usr/lib/postgresql/*/bin: \
         install them (Debian: apt-get install postgresql) or set DATABASE_URL"
    )]
    BinariesMissing,
    /// Running as root, but there is no unprivileged `postgres` user to run the server as.
    #[error(
        "running as root and no 'postgres' system user exists to run the server: install Debian's postgresql package or set DATABASE_URL"
    )]
    NoServerUser,
    /// A PostgreSQL tool failed.
    #[error("{tool} failed: {detail}")]
    Tool {
        /// The tool (initdb, pg_ctl).
        tool: &'static str,
        /// Its output or the log's tail.
        detail: String,
    },
    /// A file-system operation on the data directory failed.
    #[error("{path}: {source}")]
    Io {
        /// The path involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> ClusterError + '_ {
    move |source| ClusterError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Connection settings of an initialised cluster, kept beside its data directory.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Settings {
    port: u16,
    password: String,
}

/// A running private PostgreSQL cluster.
#[derive(Debug)]
pub struct LocalCluster {
    data_dir: PathBuf,
    bin_dir: PathBuf,
    settings: Settings,
    run_as: Option<(u32, u32)>,
    started_here: bool,
}

impl LocalCluster {
    /// Initialises the cluster in `data_dir` if needed and starts it if it is not running.
    ///
    /// Safe to call from several processes at once: a lock file beside the data directory
    /// serialises them. `fast` turns off fsync (for throw-away test clusters only).
    pub fn ensure(data_dir: &Path, fast: bool) -> Result<LocalCluster, ClusterError> {
        let bin_dir = find_bin_dir().ok_or(ClusterError::BinariesMissing)?;
        let parent = data_dir.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(parent).map_err(io_err(parent))?;
        let data_dir = fs::canonicalize(parent)
            .map_err(io_err(parent))?
            .join(data_dir.file_name().unwrap_or("pg".as_ref()));
        let lock_path = data_dir.with_extension("lock");
        let lock = File::create(&lock_path).map_err(io_err(&lock_path))?;
        lock.lock().map_err(io_err(&lock_path))?;
        let run_as = if effective_uid_is_root() {
            Some(postgres_user().ok_or(ClusterError::NoServerUser)?)
        } else {
            None
        };
        // The settings (with the password) stay beside the path asked for, readable by the
        // caller alone; the server's files may live elsewhere (see `relocate`).
        let settings_path = data_dir.with_extension("json");
        let data_dir = match run_as {
            Some((uid, gid)) if !reachable(&data_dir, uid, gid) => relocate(&data_dir, uid, gid)?,
            _ => data_dir,
        };
        let settings = if data_dir.join("PG_VERSION").exists() && settings_path.exists() {
            let text = fs::read_to_string(&settings_path).map_err(io_err(&settings_path))?;
            serde_json::from_str(&text).map_err(|e| ClusterError::Tool {
                tool: "settings",
                detail: format!("{}: {e}", settings_path.display()),
            })?
        } else {
            init(&bin_dir, &data_dir, &settings_path, run_as, fast)?
        };
        let mut cluster = LocalCluster {
            data_dir,
            bin_dir,
            settings,
            run_as,
            started_here: false,
        };
        if !cluster.is_running() {
            cluster.pg_ctl(&["start", "-w", "-t", "60", "-l", "server.log"])?;
            cluster.started_here = true;
        }
        drop(lock);
        Ok(cluster)
    }

    /// A connection URL for `database` on this cluster.
    pub fn url(&self, database: &str) -> String {
        format!(
            "postgres://sieve:{}@127.0.0.1:{}/{database}",
            self.settings.password, self.settings.port
        )
    }

    /// True when this call to [`LocalCluster::ensure`] started the server (rather than finding it up).
    pub fn started_here(&self) -> bool {
        self.started_here
    }

    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Whether the server is running.
    pub fn is_running(&self) -> bool {
        self.pg_ctl(&["status"]).is_ok()
    }

    /// Stops the server (fast shutdown: open sessions are ended, nothing is lost).
    pub fn stop(&self) -> Result<(), ClusterError> {
        if self.is_running() {
            self.pg_ctl(&["stop", "-m", "fast", "-w", "-t", "60"])?;
        }
        Ok(())
    }

    fn pg_ctl(&self, args: &[&str]) -> Result<Output, ClusterError> {
        let mut cmd = Command::new(self.bin_dir.join("pg_ctl"));
        cmd.arg("-D").arg(&self.data_dir).args(args);
        run(&mut cmd, "pg_ctl", &self.data_dir, self.run_as).map_err(|e| match e {
            ClusterError::Tool { tool, detail } => {
                let log = fs::read_to_string(self.data_dir.join("server.log")).unwrap_or_default();
                let tail: Vec<&str> = log.lines().rev().take(5).collect();
                let tail: Vec<&str> = tail.into_iter().rev().collect();
                ClusterError::Tool {
                    tool,
                    detail: format!("{detail}\n{}", tail.join("\n")),
                }
            }
            other => other,
        })
    }
}

fn init(
    bin_dir: &Path,
    data_dir: &Path,
    settings_path: &Path,
    run_as: Option<(u32, u32)>,
    fast: bool,
) -> Result<Settings, ClusterError> {
    if data_dir.exists() {
        fs::remove_dir_all(data_dir).map_err(io_err(data_dir))?;
    }
    fs::create_dir_all(data_dir).map_err(io_err(data_dir))?;
    fs::set_permissions(data_dir, fs::Permissions::from_mode(0o700)).map_err(io_err(data_dir))?;
    let settings = Settings {
        port: free_port().map_err(io_err(data_dir))?,
        password: uuid::Uuid::new_v4().simple().to_string(),
    };
    let pwfile = data_dir.with_extension("pw");
    fs::write(&pwfile, &settings.password).map_err(io_err(&pwfile))?;
    if let Some((uid, gid)) = run_as {
        chown(data_dir, Some(uid), Some(gid)).map_err(io_err(data_dir))?;
        chown(&pwfile, Some(uid), Some(gid)).map_err(io_err(&pwfile))?;
    }
    let mut cmd = Command::new(bin_dir.join("initdb"));
    cmd.arg("-D")
        .arg(data_dir)
        .args([
            "-U",
            "sieve",
            "--auth=scram-sha-256",
            "-E",
            "UTF8",
            "--no-locale",
        ])
        .arg(format!("--pwfile={}", pwfile.display()));
    if fast {
        cmd.arg("--no-sync");
    }
    let result = run(&mut cmd, "initdb", data_dir, run_as);
    let _ = fs::remove_file(&pwfile);
    result?;
    let mut conf = format!(
        "\n# sieve's private cluster\nlisten_addresses = '127.0.0.1'\nport = {}\n\
         unix_socket_directories = ''\nmax_connections = 200\nshared_buffers = 128MB\n",
        settings.port
    );
    if fast {
        conf.push_str("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n");
    }
    let conf_path = data_dir.join("postgresql.conf");
    let mut text = fs::read_to_string(&conf_path).map_err(io_err(&conf_path))?;
    text.push_str(&conf);
    fs::write(&conf_path, text).map_err(io_err(&conf_path))?;
    let json = serde_json::to_string(&settings).unwrap_or_default();
    fs::write(settings_path, json).map_err(io_err(settings_path))?;
    fs::set_permissions(settings_path, fs::Permissions::from_mode(0o600))
        .map_err(io_err(settings_path))?;
    Ok(settings)
}

fn run(
    cmd: &mut Command,
    tool: &'static str,
    dir: &Path,
    run_as: Option<(u32, u32)>,
) -> Result<Output, ClusterError> {
    cmd.current_dir(dir);
    if let Some((uid, gid)) = run_as {
        cmd.uid(uid).gid(gid).env("HOME", dir);
    }
    let out = cmd.output().map_err(io_err(dir))?;
    if out.status.success() {
        Ok(out)
    } else {
        let mut detail = String::from_utf8_lossy(&out.stderr).trim().to_string();
        if detail.is_empty() {
            detail = String::from_utf8_lossy(&out.stdout).trim().to_string();
        }
        Err(ClusterError::Tool { tool, detail })
    }
}

/// The directory holding `initdb` and `pg_ctl`: PATH first, then the newest /usr/lib/postgresql/*/bin.
pub fn find_bin_dir() -> Option<PathBuf> {
    let from_path = std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p).find(|d| d.join("initdb").is_file() && d.join("pg_ctl").is_file())
    });
    if from_path.is_some() {
        return from_path;
    }
    let mut versions: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let v = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").is_file().then_some((v, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, b)| b)
}

/// Whether the user `uid`:`gid` can traverse every directory above `path`.
fn reachable(path: &Path, uid: u32, gid: u32) -> bool {
    use std::os::unix::fs::MetadataExt;
    path.ancestors().skip(1).all(|dir| {
        let Ok(m) = fs::metadata(dir) else {
            return false;
        };
        let bit = if m.uid() == uid {
            0o100
        } else if m.gid() == gid {
            0o010
        } else {
            0o001
        };
        m.mode() & bit != 0
    })
}

/// Where the server's files go when `postgres` cannot reach `data_dir` (root's home is mode
/// 0700): `/var/lib/sieve/pg-<hash of data_dir>`, owned by `postgres`, with `data_dir` a link
/// to it. Returns the real directory, which is what the server is given.
fn relocate(data_dir: &Path, uid: u32, gid: u32) -> Result<PathBuf, ClusterError> {
    let hash = blake3::hash(data_dir.as_os_str().as_encoded_bytes()).to_hex();
    let home = Path::new(RELOCATED_ROOT);
    fs::create_dir_all(home).map_err(io_err(home))?;
    // Others may pass through to their cluster, but not list the clusters.
    fs::set_permissions(home, fs::Permissions::from_mode(0o711)).map_err(io_err(home))?;
    let real = home.join(format!("pg-{}", &hash[..16]));
    if !real.exists() {
        fs::create_dir(&real).map_err(io_err(&real))?;
        chown(&real, Some(uid), Some(gid)).map_err(io_err(&real))?;
    }
    if fs::read_link(data_dir).ok().as_deref() != Some(real.as_path()) {
        if data_dir.is_dir() && !data_dir.is_symlink() {
            fs::remove_dir_all(data_dir).map_err(io_err(data_dir))?;
        } else {
            let _ = fs::remove_file(data_dir);
        }
        std::os::unix::fs::symlink(&real, data_dir).map_err(io_err(data_dir))?;
    }
    Ok(real)
}

/// Where clusters go that `postgres` could not reach where they were asked for.
const RELOCATED_ROOT: &str = "/var/lib/sieve";

fn free_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

fn effective_uid_is_root() -> bool {
    // Uid: real effective saved fs
    fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("Uid:"))?;
            line.split_whitespace().nth(2).map(|euid| euid == "0")
        })
        .unwrap_or(false)
}

fn postgres_user() -> Option<(u32, u32)> {
    let passwd = fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|l| {
        let f: Vec<&str> = l.split(':').collect();
        (f.len() > 3 && f[0] == "postgres")
            .then(|| Some((f[2].parse().ok()?, f[3].parse().ok()?)))?
    })
}

/// Creates `name` on the server at `admin_url` unless it exists.
pub async fn create_database_if_missing(admin_url: &str, name: &str) -> Result<(), sqlx::Error> {
    use sqlx::{Connection, Executor};
    let mut conn = sqlx::PgConnection::connect(admin_url).await?;
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(name)
            .fetch_one(&mut conn)
            .await?;
    if !exists {
        conn.execute(format!(r#"CREATE DATABASE "{}""#, name.replace('"', "")).as_str())
            .await?;
    }
    conn.close().await
}

/// Drops the database `name` (closing its connections) and creates it empty.
pub async fn recreate_database(admin_url: &str, name: &str) -> Result<(), sqlx::Error> {
    use sqlx::{Connection, Executor};
    let name = name.replace('"', "");
    let mut conn = sqlx::PgConnection::connect(admin_url).await?;
    conn.execute(format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#).as_str())
        .await?;
    conn.execute(format!(r#"CREATE DATABASE "{name}""#).as_str())
        .await?;
    conn.close().await
}
