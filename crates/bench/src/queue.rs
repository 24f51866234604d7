//! `sieve bench queue`: the job queue's capacity. 1, 2, 4, 8 and 16 worker processes, each with
//! its own connection pool, take and finish jobs of a fixed cost against one PostgreSQL; reported per worker count: jobs per second, the latency of taking a job (median
//! and 99th percentile), and the database's CPU time per job (its processes' CPU, read from
//! `/proc`, over the jobs done). Zero-cost jobs stress the queue itself; docs/scaling.md turns
//! the figures into how many workers one PostgreSQL serves.

use crate::report::{Cell, Table, note};
use anyhow::Context;
use sieve_domain::{CandidateId, TestKind};
use sieve_pglocal::{Database, DbArgs};
use sieve_store::Store;
use sieve_store::queue::{JobKind, JudgeJob, Task};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// Options of `sieve bench queue`.
#[derive(Debug, clap::Args)]
pub struct QueueBenchArgs {
    /// Worker counts to measure, each in turn.
    #[arg(long, value_delimiter = ',', default_value = "1,2,4,8,16")]
    workers: Vec<usize>,
    /// Jobs per measurement.
    #[arg(long, default_value_t = 4000)]
    jobs: usize,
    /// Each job's cost in milliseconds (a sleep: the worker holds the job that long).
    #[arg(long, default_value_t = 0)]
    cost_ms: u64,
    #[command(flatten)]
    db: DbArgs,
}

const DB: &str = "sieve_bench_queue";

/// Options of one worker process of `sieve bench queue` (started by it, not for direct use).
#[derive(Debug, clap::Args)]
pub struct QueueWorkerArgs {
    /// The bench database.
    #[arg(long)]
    url: String,
    /// Its name as a lease owner.
    #[arg(long)]
    name: String,
    /// Each job's cost in milliseconds.
    #[arg(long, default_value_t = 0)]
    cost_ms: u64,
}

/// One worker process: connects, says `ready`, waits for `go` on stdin, takes and finishes jobs
/// until none is left, prints how long each take took (`{"takes_us": [...]}`), and keeps its
/// connections open until stdin closes (the parent reads the database's CPU time meanwhile).
pub fn worker(args: QueueWorkerArgs) -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let store = Store::connect(&args.url, 2).await?;
        store.queue_depth().await?;
        // Blocking reads of stdin are fine: this process does nothing else meanwhile.
        let mut line = String::new();
        println!("ready");
        std::io::stdin().read_line(&mut line)?;
        let cost = Duration::from_millis(args.cost_ms);
        let mut takes = Vec::new();
        loop {
            let t = Instant::now();
            let job = store
                .take_job(&args.name, &JobKind::ALL, Duration::from_secs(60))
                .await?;
            takes.push(t.elapsed().as_micros() as u64);
            let Some(job) = job else { break };
            if !cost.is_zero() {
                tokio::time::sleep(cost).await;
            }
            store.complete_job(job.id, &args.name).await?;
        }
        println!("{}", serde_json::json!({ "takes_us": takes }));
        while std::io::stdin().read_line(&mut line)? > 0 {}
        store.pool().close().await;
        anyhow::Ok(())
    })
}

/// Runs `sieve bench queue`.
pub fn run(args: QueueBenchArgs) -> anyhow::Result<()> {
    let db = Database::open(&args.db)?;
    let (server, _) = db.url.rsplit_once('/').context("database URL")?;
    let url = format!("{server}/{DB}");
    let rt = tokio::runtime::Runtime::new()?;
    let result = rt.block_on(async {
        sieve_pglocal::recreate_database(&format!("{server}/postgres"), DB).await?;
        bench(&args, &url).await
    });
    drop(rt);
    db.close();
    result
}

struct Measured {
    workers: usize,
    jobs_per_s: f64,
    take_p50_ms: f64,
    take_p99_ms: f64,
    db_cpu_ms_per_job: f64,
}

async fn bench(args: &QueueBenchArgs, url: &str) -> anyhow::Result<()> {
    let admin = Store::connect(url, 2).await.context("the bench database")?;
    let mut out = Table::new(
        format!(
            "Queue capacity: {} jobs of {} ms per measurement, one PostgreSQL",
            args.jobs, args.cost_ms
        ),
        &[
            "workers",
            "jobs per second",
            "take p50 ms",
            "take p99 ms",
            "database CPU ms per job",
        ],
    );
    let progress = crate::report::bar(args.workers.len() as u64);
    for &n in &args.workers {
        progress.set_message(format!("{n} workers"));
        let m = measure(args, url, &admin, n.max(1)).await?;
        out.row(vec![
            m.workers.into(),
            Cell::num(m.jobs_per_s, 0),
            Cell::num(m.take_p50_ms, 2),
            Cell::num(m.take_p99_ms, 2),
            Cell::num(m.db_cpu_ms_per_job, 3),
        ]);
        progress.inc(1);
    }
    progress.finish_and_clear();
    out.print();
    note!(
        "(clients and PostgreSQL share this machine's {} cores; the database CPU counts every postgres process)",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    Ok(())
}

async fn measure(
    args: &QueueBenchArgs,
    url: &str,
    admin: &Store,
    workers: usize,
) -> anyhow::Result<Measured> {
    sqlx::query("TRUNCATE jobs").execute(admin.pool()).await?;
    let mut batch = Vec::with_capacity(args.jobs);
    for i in 0..args.jobs {
        batch.push(Task::Judge(JudgeJob {
            candidate: CandidateId(uuid::Uuid::from_u128(i as u128)),
            kinds: vec![TestKind::Public],
            keep_going: false,
        }));
    }
    for task in &batch {
        admin.enqueue(None, task, 0, None).await?;
    }
    // Each worker a process of its own with its own pool, connected before the clock starts.
    let exe = std::env::current_exe().context("finding the sieve binary")?;
    let mut children = Vec::with_capacity(workers);
    for i in 0..workers {
        let mut child = tokio::process::Command::new(&exe)
            .args(["bench", "queue-worker", "--url", url])
            .args(["--name", &format!("bench-{i}")])
            .args(["--cost-ms", &args.cost_ms.to_string()])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .context("starting a queue worker")?;
        let stdin = child.stdin.take().context("stdin")?;
        let mut lines = BufReader::new(child.stdout.take().context("stdout")?).lines();
        anyhow::ensure!(
            lines.next_line().await?.as_deref() == Some("ready"),
            "a queue worker did not start"
        );
        children.push((child, stdin, lines));
    }
    let cpu_before = postgres_cpu_ms();
    let started = Instant::now();
    for (_, stdin, _) in &mut children {
        stdin.write_all(b"go\n").await?;
        stdin.flush().await?;
    }
    let mut takes: Vec<u64> = Vec::new();
    for (_, _, lines) in &mut children {
        let line = lines
            .next_line()
            .await?
            .context("a queue worker ended early")?;
        let report: serde_json::Value = serde_json::from_str(&line)?;
        takes.extend(
            report["takes_us"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|t| t.as_u64()),
        );
    }
    let wall = started.elapsed();
    // Read before the workers exit: a backend that ended is no longer in /proc.
    let cpu = cpu_since(&cpu_before);
    for (mut child, stdin, _) in children {
        drop(stdin);
        child.wait().await?;
    }
    let takes: Vec<Duration> = takes.into_iter().map(Duration::from_micros).collect();
    let mut takes = takes;
    takes.sort();
    let pct = |p: f64| takes[((takes.len() - 1) as f64 * p) as usize].as_secs_f64() * 1e3;
    Ok(Measured {
        workers,
        jobs_per_s: args.jobs as f64 / wall.as_secs_f64(),
        take_p50_ms: pct(0.5),
        take_p99_ms: pct(0.99),
        db_cpu_ms_per_job: cpu / args.jobs as f64,
    })
}

/// CPU time (user + system) of each `postgres` process on this machine, in milliseconds.
fn postgres_cpu_ms() -> std::collections::HashMap<u32, f64> {
    let tick = 100.0; // USER_HZ on Linux
    let mut out = std::collections::HashMap::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // pid (comm) state ppid ... utime stime: the 12th and 13th fields after the comm.
        let Some((head, rest)) = stat.rsplit_once(") ") else {
            continue;
        };
        if !head.ends_with("(postgres") {
            continue;
        }
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let (Some(u), Some(s)) = (fields.get(11), fields.get(12)) else {
            continue;
        };
        let ticks = u.parse::<u64>().unwrap_or(0) + s.parse::<u64>().unwrap_or(0);
        out.insert(pid, ticks as f64 * 1000.0 / tick);
    }
    out
}

/// The CPU the `postgres` processes used since `before`, process by process (one that ended
/// meanwhile is not subtracted; one that started counts whole).
fn cpu_since(before: &std::collections::HashMap<u32, f64>) -> f64 {
    postgres_cpu_ms()
        .iter()
        .map(|(pid, now)| now - before.get(pid).copied().unwrap_or(0.0).min(*now))
        .sum()
}
