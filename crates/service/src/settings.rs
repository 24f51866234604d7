use sieve_api::EventsConfig;
use std::path::PathBuf;
use std::time::Duration;

/// Everything `sieve serve` can be told, from flags or the environment.
#[derive(Clone, Debug, clap::Args)]
pub struct Settings {
    /// Local mode: no API keys, every request acts as admin. Only on a loopback address.
    #[arg(long)]
    pub local: bool,
    /// Seconds between reads of a watched problem's progress when no change was notified (a
    /// safety net: changes are notified by the database).
    #[arg(long, default_value_t = 5.0)]
    pub events_poll_secs: f64,
    /// Progress event streams one API key (or the local user) may hold open.
    #[arg(long, default_value_t = 16)]
    pub max_streams_per_key: usize,
    /// Connections to PostgreSQL the API may hold (the workers share them).
    #[arg(long, env = "SIEVE_DB_CONNECTIONS", default_value_t = 16)]
    pub db_connections: u32,
    /// The workers run in this process.
    #[command(flatten)]
    pub workers: WorkerSettings,
}

impl Settings {
    /// The event hub's settings.
    pub fn events(&self) -> EventsConfig {
        EventsConfig {
            fallback: Duration::from_secs_f64(self.events_poll_secs.max(0.5)),
            max_streams_per_key: self.max_streams_per_key,
            ..EventsConfig::default()
        }
    }
}

/// How a fleet's workers hold runs to the time limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Judging {
    /// CPU time (the default): what one machine type needs.
    Timed,
    /// Wasm fuel at the problem's rate: the same verdict on any machine of a fleet, for about
    /// 1.2x the judging time (docs/scaling.md).
    Fuel,
}

/// How many workers to run, where they cache builds, how long they hold a job.
#[derive(Clone, Debug, clap::Args)]
pub struct WorkerSettings {
    /// Workers in this process (each with its own judging process); default: one per core.
    #[arg(long)]
    pub workers: Option<usize>,
    /// Where the toolchain, builds and compiled modules are cached.
    #[arg(long, env = "SIEVE_CACHE_DIR", default_value = ".sieve/cache")]
    pub cache_dir: PathBuf,
    /// Seconds a worker holds a job before another may take it (renewed while it works).
    #[arg(long, default_value_t = 60.0)]
    pub lease_secs: f64,
    /// Seconds between looks at an empty queue when no job was announced (a fallback: the
    /// database announces queued jobs, and idle workers wake at once).
    #[arg(long, env = "SIEVE_POLL_SECS", default_value_t = 5.0)]
    pub poll_secs: f64,
    /// How runs are held to the time limit.
    #[arg(long, env = "SIEVE_JUDGING", value_enum, default_value_t = Judging::Timed)]
    pub judging: Judging,
    /// Hours finished jobs are kept (clients follow them with `GET /v1/jobs/{id}` until then),
    /// after which workers purge them; 0 keeps them forever.
    #[arg(long, env = "SIEVE_JOB_RETENTION_HOURS", default_value_t = 168.0)]
    pub job_retention_hours: f64,
    /// The `sieve` executable whose `sandbox-child` command is the judging process (default:
    /// this process's own executable; tests running the service in process name the binary).
    #[arg(skip)]
    pub sieve_exe: Option<PathBuf>,
}

impl WorkerSettings {
    /// The workers to start: the number given, else one per core.
    pub fn count(&self) -> usize {
        self.workers.unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        })
    }

    /// The lease (at least 0.3 s).
    pub fn lease(&self) -> Duration {
        Duration::from_secs_f64(self.lease_secs.max(0.3))
    }

    /// How long an idle worker waits for an announcement before it looks anyway (at least
    /// 50 ms).
    pub fn poll(&self) -> Duration {
        Duration::from_secs_f64(self.poll_secs.max(0.05))
    }

    /// How long finished jobs are kept; `None`: forever.
    pub fn job_retention(&self) -> Option<Duration> {
        (self.job_retention_hours > 0.0)
            .then(|| Duration::from_secs_f64(self.job_retention_hours * 3600.0))
    }

    /// `n` workers caching in `cache_dir`, with the default lease, poll and retention.
    pub fn new(n: usize, cache_dir: PathBuf) -> WorkerSettings {
        WorkerSettings {
            workers: Some(n),
            cache_dir,
            lease_secs: 60.0,
            poll_secs: 5.0,
            judging: Judging::Timed,
            job_retention_hours: 168.0,
            sieve_exe: None,
        }
    }
}
