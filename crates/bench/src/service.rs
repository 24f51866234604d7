//! `sieve bench service`: the service end to end against the sandbox alone. Ingest: 10,000
//! candidates in one NDJSON request (seconds, the server's peak memory). Judging: N candidates
//! x T tests from the API to results in PostgreSQL, against the same judging done directly
//! through the sandbox with as many judging processes, in the same run.

use crate::report::{Cell, Table, note};
use anyhow::{Context, bail};
use serde_json::{Value, json};
use sieve_domain::{Checker, Language, Limits};
use sieve_pglocal::Database;
use sieve_pglocal::DbArgs;
use sieve_sandbox::{CompileOutcome, JudgeOptions, TestInput, Toolchain, compile};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Options of `sieve bench service`.
#[derive(Debug, clap::Args)]
pub struct ServiceBenchArgs {
    #[command(flatten)]
    db: DbArgs,
    /// Candidates in the ingest request.
    #[arg(long, default_value_t = 10_000)]
    ingest: usize,
    /// Candidates judged end to end.
    #[arg(long, default_value_t = 2_000)]
    candidates: usize,
    /// Tests per candidate.
    #[arg(long, default_value_t = 50)]
    tests: usize,
    /// Loop iterations per test (about 1 ns each natively): the tests' weight.
    #[arg(long, default_value_t = 1_000_000)]
    work: u64,
    /// Judging workers, in the service and in the direct baseline alike.
    #[arg(long, default_value_t = 2)]
    workers: usize,
    /// Where the toolchain and builds are cached.
    #[arg(long, env = "SIEVE_CACHE_DIR", default_value = ".sieve/cache")]
    cache_dir: PathBuf,
}

/// The candidate: FNV-1a over 0..n, printed in decimal; only `read` and `write`, so that its
/// text form stays small.
const PROGRAM: &str = r#"#include <unistd.h>
static char buf[64];
int main(void) {
    int n = read(0, buf, sizeof buf - 1), i = 0;
    if (n <= 0) return 1;
    unsigned long long x = 0, h = 1469598103934665603ULL;
    while (i < n && buf[i] >= '0' && buf[i] <= '9') x = x * 10 + (unsigned)(buf[i++] - '0');
    for (unsigned long long k = 0; k < x; k++) { h ^= k; h *= 1099511628211ULL; }
    char out[24]; int len = 0;
    do { out[len++] = (char)('0' + h % 10); h /= 10; } while (h);
    char line[25];
    for (int j = 0; j < len; j++) line[j] = out[len - 1 - j];
    line[len] = '\n';
    return write(1, line, (unsigned)len + 1) == len + 1 ? 0 : 1;
}
"#;

fn expected(x: u64) -> String {
    let mut h: u64 = 1469598103934665603;
    for k in 0..x {
        h ^= k;
        h = h.wrapping_mul(1099511628211);
    }
    format!("{h}\n")
}

struct Server(Child, String);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        let _ = self.0.wait();
    }
}

impl Server {
    fn peak_rss_mib(&self) -> f64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.0.id()))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmHWM:"))
                    .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
            })
            .map(|kib| kib / 1024.0)
            .unwrap_or(f64::NAN)
    }
}

fn start_server(url: &str, args: &ServiceBenchArgs) -> anyhow::Result<Server> {
    let mut child = Command::new(std::env::current_exe()?)
        .args(["serve", "--local", "--addr", "127.0.0.1:0", "--workers"])
        .arg(args.workers.to_string())
        .arg("--cache-dir")
        .arg(&args.cache_dir)
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()?;
    let stdout = child.stdout.take().context("server stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let base = loop {
        let line = lines.next().context("the server exited")??;
        if let Some(u) = line.strip_prefix("sieve is serving on ") {
            break u.trim_end_matches('/').to_string();
        }
    };
    Ok(Server(child, base))
}

/// Runs `sieve bench service`.
pub fn run(args: ServiceBenchArgs) -> anyhow::Result<()> {
    let toolchain = Toolchain::discover(&args.cache_dir)?;
    let wasm = match compile(
        &toolchain,
        PROGRAM.as_bytes(),
        Language::C17,
        &[],
        &args.cache_dir,
    )? {
        CompileOutcome::Ok(c) => c.wasm,
        CompileOutcome::Error { message } => bail!("the bench program does not compile: {message}"),
    };
    let wat = wasmprinter::print_bytes(&wasm)?;
    // Distinct sources (so each is its own build) of one module (so that machine code is
    // compiled once on both sides: the bench measures the service, not Cranelift).
    let sources: Vec<String> = (0..args.candidates)
        .map(|i| format!(";; candidate {i}\n{wat}"))
        .collect();
    let tests: Vec<(String, String)> = (0..args.tests as u64)
        .map(|i| {
            let x = args.work + i;
            (format!("{x}\n"), expected(x))
        })
        .collect();
    note!(
        "bench service: {} candidates ({} KiB of wat each) x {} tests of {} iterations, {} workers",
        args.candidates,
        wat.len() / 1024,
        args.tests,
        args.work,
        args.workers
    );

    let direct = direct(&args, &sources, &tests)?;
    note!(
        "direct sandbox: {:.1} s wall, {:.1} s of guest CPU time",
        direct.0.as_secs_f64(),
        direct.1 as f64 / 1e6
    );

    let db = Database::open(&args.db)?;
    let (server_url, _) = db.url.rsplit_once('/').context("database URL")?;
    let bench_url = format!("{server_url}/sieve_bench");
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(sieve_pglocal::recreate_database(
        &format!("{server_url}/postgres"),
        "sieve_bench",
    ))?;
    let server = start_server(&bench_url, &args)?;
    let result = rt.block_on(service(&args, &server, &sources, &tests));
    drop(server);
    drop(rt);
    db.close();
    let (ingest, rss_before, rss_after, e2e) = result?;
    let mut out = Table::new(
        format!(
            "Service: {} candidates x {} tests, {} workers",
            args.candidates, args.tests, args.workers
        ),
        &["measure", "value", "unit"],
    );
    let rows = [
        (
            "ingest: candidates in one NDJSON request",
            args.ingest as f64,
            0,
            "candidates",
        ),
        ("ingest: time", ingest.as_secs_f64(), 2, "s"),
        (
            "ingest: rate",
            args.ingest as f64 / ingest.as_secs_f64(),
            0,
            "candidates/s",
        ),
        ("server peak RSS", rss_after, 0, "MiB"),
        ("server RSS before", rss_before, 0, "MiB"),
        ("direct sandbox: wall", direct.0.as_secs_f64(), 1, "s"),
        (
            "end to end: POST to the last result",
            e2e.as_secs_f64(),
            1,
            "s",
        ),
        (
            "service / direct (goal <= 1.3)",
            e2e.as_secs_f64() / direct.0.as_secs_f64(),
            2,
            "ratio",
        ),
    ];
    for (what, value, decimals, unit) in rows {
        out.row(vec![what.into(), Cell::num(value, decimals), unit.into()]);
    }
    out.print();
    Ok(())
}

/// Judges every source on every test through the sandbox alone: `workers` threads, each with
/// its own judging process, as the service's workers have. Returns the wall time and the sum of
/// the guests' CPU time (us).
fn direct(
    args: &ServiceBenchArgs,
    sources: &[String],
    tests: &[(String, String)],
) -> anyhow::Result<(Duration, u64)> {
    let inputs: Vec<TestInput> = tests
        .iter()
        .enumerate()
        .map(|(i, (input, answer))| TestInput {
            name: format!("t{i}"),
            input: Arc::from(input.as_bytes()),
            answer: Some(Arc::from(answer.as_bytes())),
        })
        .collect();
    let opts = JudgeOptions {
        all_tests: true,
        ..JudgeOptions::new(
            Limits {
                time_ms: 10_000,
                memory_bytes: 256 << 20,
                output_bytes: 1 << 20,
            },
            Checker::Tokens,
        )
    };
    let toolchain = Toolchain::discover(&args.cache_dir)?;
    let next = AtomicUsize::new(0);
    let cpu = std::sync::atomic::AtomicU64::new(0);
    let started = Instant::now();
    std::thread::scope(|s| -> anyhow::Result<()> {
        let mut handles = Vec::new();
        for _ in 0..args.workers {
            let mut supervisor = crate::supervisor(&args.cache_dir)?;
            let (next, cpu, inputs, opts, toolchain) = (&next, &cpu, &inputs, &opts, &toolchain);
            handles.push(s.spawn(move || -> anyhow::Result<()> {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(src) = sources.get(i) else {
                        return Ok(());
                    };
                    let wasm = match compile(
                        toolchain,
                        src.as_bytes(),
                        Language::Wat,
                        &[],
                        &args.cache_dir,
                    )? {
                        CompileOutcome::Ok(c) => c.wasm,
                        CompileOutcome::Error { message } => bail!("{message}"),
                    };
                    let report = supervisor.judge(&wasm, &[], inputs, &[], opts)?;
                    if report
                        .tests
                        .iter()
                        .any(|t| t.verdict != sieve_domain::Verdict::AC)
                    {
                        bail!("the bench program failed a test directly");
                    }
                    cpu.fetch_add(
                        report.tests.iter().map(|t| t.time_us).sum(),
                        Ordering::Relaxed,
                    );
                }
            }));
        }
        for h in handles {
            h.join()
                .map_err(|_| anyhow::anyhow!("a judging thread panicked"))??;
        }
        Ok(())
    })?;
    Ok((started.elapsed(), cpu.load(Ordering::Relaxed)))
}

async fn service(
    args: &ServiceBenchArgs,
    server: &Server,
    sources: &[String],
    tests: &[(String, String)],
) -> anyhow::Result<(Duration, f64, f64, Duration)> {
    let http = reqwest::Client::new();
    let base = &server.1;
    let problem = |slug: &str| {
        json!({"slug": slug, "time_limit_ms": 10_000, "memory_limit_mb": 256,
               "tests": tests.iter().enumerate().map(|(i, (input, answer))| json!({
                   "name": format!("t{i}"), "kind": "public", "input": input, "answer": answer
               })).collect::<Vec<_>>()})
    };
    let create = |slug: &'static str| {
        let (http, body) = (http.clone(), problem(slug));
        async move {
            let r = http
                .post(format!("{base}/v1/problems"))
                .json(&body)
                .send()
                .await?;
            anyhow::ensure!(r.status() == 201, "creating a problem: {}", r.text().await?);
            let v: Value = r.json().await?;
            Ok::<_, anyhow::Error>(v["id"].as_str().unwrap_or_default().to_string())
        }
    };
    let (ingest_problem, judge_problem) = (create("ingest").await?, create("bench").await?);

    // Ingest: stored only (`judge=` empty), realistic C++-sized distinct sources.
    let body: String = (0..args.ingest)
        .map(|i| {
            json!({"source": format!("// candidate {i}\n{PROGRAM}{PROGRAM}"), "language": "c",
                   "model": "bench", "logprob": -(i as f64)})
            .to_string()
                + "\n"
        })
        .collect();
    let rss_before = server.peak_rss_mib();
    let started = Instant::now();
    let r = http
        .post(format!(
            "{base}/v1/problems/{ingest_problem}/candidates?judge="
        ))
        .header("content-type", "application/x-ndjson")
        .body(body)
        .send()
        .await?;
    anyhow::ensure!(r.status() == 201, "ingest: {}", r.text().await?);
    let ingest = started.elapsed();
    let rss_after = server.peak_rss_mib();

    let body: String = sources
        .iter()
        .map(|s| json!({"source": s, "language": "wat"}).to_string() + "\n")
        .collect();
    let started = Instant::now();
    let r = http
        .post(format!(
            "{base}/v1/problems/{judge_problem}/candidates?judge=public"
        ))
        .header("content-type", "application/x-ndjson")
        .body(body)
        .send()
        .await?;
    anyhow::ensure!(r.status() == 201, "posting: {}", r.text().await?);
    let mut events = http
        .get(format!("{base}/v1/problems/{judge_problem}/events"))
        .send()
        .await?;
    let n = sources.len() as i64;
    let mut buf = String::new();
    let last = loop {
        let Some(chunk) = events.chunk().await? else {
            bail!("the event stream ended");
        };
        buf.push_str(&String::from_utf8_lossy(&chunk));
        let done = buf
            .split("\n\n")
            .filter_map(|e| e.split_once("data:"))
            .any(|(_, d)| {
                serde_json::from_str::<Value>(d.trim())
                    .is_ok_and(|p| p["done"] == true && p["judged_public"].as_i64() == Some(n))
            });
        if done {
            break started.elapsed();
        }
        if let Some(end) = buf.rfind("\n\n") {
            buf.drain(..end + 2);
        }
    };
    let progress: Value = http
        .get(format!(
            "{base}/v1/problems/{judge_problem}/candidates?public=passed&limit=1000"
        ))
        .send()
        .await?
        .json()
        .await?;
    anyhow::ensure!(
        progress["candidates"]
            .as_array()
            .is_some_and(|c| !c.is_empty()),
        "no candidate passed: {progress}"
    );
    Ok((ingest, rss_before, rss_after, last))
}
