//! `sieve bench fidelity`: how much of a corpus of real contest C++ compiles in sieve and prints
//! what g++ printed. The corpus lives outside the repository (docs/fidelity.md says where it came
//! from): one directory per source with `main.cpp`, `meta.json` (`repo`, `commit`, `path`, `std`,
//! `native.tests[].ms`) and `tests/<name>.in` / `tests/<name>.out`, the `.out` being the output of
//! the source built natively with g++ -O2.

use crate::report::{Cell, Table, note};
use anyhow::Context;
use serde::{Deserialize, Serialize};
use sieve_domain::{Language, Limits, TimeFactor};
use sieve_sandbox::{
    CompileOutcome, Mode, RunSpec, RunStatus, Sandbox, SandboxConfig, Toolchain, compile,
    on_guest_thread,
};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Options of `sieve bench fidelity`.
#[derive(Debug, clap::Args)]
pub struct FidelityBenchArgs {
    /// The corpus directory.
    #[arg(long)]
    corpus: PathBuf,
    /// Where to write one JSON line per source.
    #[arg(long, default_value = "fidelity-results.jsonl")]
    out: PathBuf,
    /// Only sources whose directory name contains this.
    #[arg(long)]
    only: Option<String>,
    /// Judging threads.
    #[arg(long, default_value_t = 2)]
    threads: usize,
    /// Where compiled modules are cached.
    #[arg(long, env = "SIEVE_CACHE_DIR", default_value = ".sieve/cache")]
    cache_dir: PathBuf,
}

#[derive(Deserialize)]
struct Meta {
    repo: String,
    commit: String,
    path: String,
    std: String,
    native: Native,
}

#[derive(Deserialize)]
struct Native {
    tests: Vec<NativeTest>,
}

#[derive(Deserialize)]
struct NativeTest {
    name: String,
    ms: f64,
}

/// One source's outcome.
#[derive(Serialize)]
struct Outcome {
    id: String,
    repo: String,
    commit: String,
    path: String,
    compiled: bool,
    /// Tests whose output was byte-identical to g++'s.
    same: usize,
    tests: usize,
    /// Why it differs: "" when it does not.
    cause: String,
    /// The worst sieve/native CPU-time ratio over tests of 20 ms or more natively.
    worst_ratio: Option<f64>,
    /// Within the default time factor on every test.
    in_time: bool,
}

/// Runs the benchmark.
pub fn run(args: FidelityBenchArgs) -> anyhow::Result<()> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&args.corpus)
        .with_context(|| format!("reading {}", args.corpus.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("meta.json").is_file())
        .filter(|p| {
            args.only.as_ref().is_none_or(|o| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().contains(o.as_str()))
            })
        })
        .collect();
    dirs.sort();
    let toolchain = Toolchain::discover(&args.cache_dir)?;
    let sandbox = Sandbox::new(SandboxConfig {
        mode: Mode::Timed,
        cache_dir: Some(args.cache_dir.clone()),
        max_instances: 2 * args.threads.max(1) as u32,
    })?;
    let next = AtomicUsize::new(0);
    let results = std::sync::Mutex::new(Vec::new());
    let progress = crate::report::bar(dirs.len() as u64);
    std::thread::scope(|s| {
        for _ in 0..args.threads.max(1) {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(dir) = dirs.get(i) else { break };
                    let outcome = one(&toolchain, &sandbox, dir, &args.cache_dir)
                        .unwrap_or_else(|e| failed(dir, format!("harness: {e:#}")));
                    progress.inc(1);
                    if let Ok(mut r) = results.lock() {
                        r.push(outcome);
                    }
                }
            });
        }
    });
    progress.finish_and_clear();
    let mut results = results.into_inner().unwrap_or_default();
    results.sort_by(|a, b| a.id.cmp(&b.id));
    let mut file = String::new();
    for r in &results {
        file.push_str(&serde_json::to_string(r)?);
        file.push('\n');
    }
    std::fs::write(&args.out, file)?;
    report(&results);
    Ok(())
}

fn failed(dir: &Path, cause: String) -> Outcome {
    Outcome {
        id: dir.file_name().unwrap_or_default().to_string_lossy().into(),
        repo: String::new(),
        commit: String::new(),
        path: String::new(),
        compiled: false,
        same: 0,
        tests: 0,
        cause,
        worst_ratio: None,
        in_time: false,
    }
}

fn one(
    toolchain: &Toolchain,
    sandbox: &Sandbox,
    dir: &Path,
    cache: &Path,
) -> anyhow::Result<Outcome> {
    let meta: Meta = serde_json::from_slice(&std::fs::read(dir.join("meta.json"))?)?;
    let source = std::fs::read(dir.join("main.cpp"))?;
    let language = if meta.std.contains("20") {
        Language::Cpp20
    } else {
        Language::Cpp17
    };
    let mut outcome = Outcome {
        id: dir.file_name().unwrap_or_default().to_string_lossy().into(),
        repo: meta.repo,
        commit: meta.commit,
        path: meta.path,
        compiled: false,
        same: 0,
        tests: meta.native.tests.len(),
        cause: String::new(),
        worst_ratio: None,
        in_time: true,
    };
    let wasm = match compile(toolchain, &source, language, &[], cache)? {
        CompileOutcome::Ok(c) => c.wasm,
        CompileOutcome::Error { message } => {
            outcome.cause = format!("CE: {}", first_error(&message));
            return Ok(outcome);
        }
    };
    outcome.compiled = true;
    let program = sandbox.load(&wasm)?;
    for test in &meta.native.tests {
        let input = std::fs::read(dir.join("tests").join(format!("{}.in", test.name)))?;
        let expected = std::fs::read(dir.join("tests").join(format!("{}.out", test.name)))?;
        let limits = Limits {
            time_ms: (test.ms * 10.0) as u64 + 10_000,
            memory_bytes: 2 << 30,
            output_bytes: 256 << 20,
        };
        let run = on_guest_thread(|| {
            sandbox.run(
                &program,
                RunSpec {
                    stdin: Arc::from(input.as_slice()),
                    args: vec!["main".into()],
                    files: vec![],
                    limits,
                },
            )
        });
        if test.ms >= 20.0 {
            let ratio = run.time_us as f64 / 1000.0 / test.ms;
            outcome.worst_ratio = Some(outcome.worst_ratio.map_or(ratio, |w: f64| w.max(ratio)));
        }
        let stated = test.ms.max(1.0);
        if run.time_us as f64 / 1000.0 > TimeFactor::DEFAULT.value() * stated && test.ms >= 20.0 {
            outcome.in_time = false;
        }
        let cause = match &run.status {
            RunStatus::Exited(0) if run.stdout == expected => None,
            RunStatus::Exited(0) if tokens(&run.stdout) == tokens(&expected) => {
                Some("output differs in whitespace only".to_string())
            }
            RunStatus::Exited(0) => {
                Some(format!("WA: {}", first_difference(&run.stdout, &expected)))
            }
            RunStatus::Exited(code) => Some(format!(
                "RE: exit {code}: {}",
                String::from_utf8_lossy(&run.stderr)
                    .lines()
                    .next()
                    .unwrap_or("")
            )),
            RunStatus::TimeLimit => Some(format!("TLE after {} ms", run.time_us / 1000)),
            RunStatus::MemoryLimit => Some("MLE at 2 GiB".into()),
            RunStatus::OutputLimit => Some("OLE".into()),
            RunStatus::Trap(t) => Some(format!(
                "RE: {t}: {}",
                String::from_utf8_lossy(&run.stderr)
                    .lines()
                    .next()
                    .unwrap_or("")
            )),
        };
        match cause {
            None => outcome.same += 1,
            Some(c) if outcome.cause.is_empty() => {
                outcome.cause = format!("test {}: {c}", test.name)
            }
            Some(_) => {}
        }
    }
    Ok(outcome)
}

fn tokens(b: &[u8]) -> Vec<&[u8]> {
    b.split(|c| c.is_ascii_whitespace())
        .filter(|t| !t.is_empty())
        .collect()
}

/// The first differing token pair, shortened.
fn first_difference(got: &[u8], expected: &[u8]) -> String {
    let (g, e) = (tokens(got), tokens(expected));
    let i = g.iter().zip(&e).take_while(|(a, b)| a == b).count();
    let show = |t: Option<&&[u8]>| {
        t.map(|t| String::from_utf8_lossy(&t[..t.len().min(40)]).into_owned())
            .unwrap_or_else(|| "(end)".into())
    };
    format!(
        "token {}: sieve {:?}, g++ {:?}",
        i + 1,
        show(g.get(i)),
        show(e.get(i))
    )
}

/// The first line with "error" in clang's diagnostics, without the file position.
fn first_error(message: &str) -> String {
    let line = message
        .lines()
        .find(|l| l.contains("error"))
        .unwrap_or_else(|| message.lines().next().unwrap_or(""));
    let line = line.split_once("error: ").map(|(_, m)| m).unwrap_or(line);
    line.chars().take(160).collect()
}

fn report(results: &[Outcome]) {
    let n = results.len();
    let compiled = results.iter().filter(|r| r.compiled).count();
    let same = results
        .iter()
        .filter(|r| r.compiled && r.same == r.tests)
        .count();
    let tests: usize = results.iter().map(|r| r.tests).sum();
    let same_tests: usize = results.iter().map(|r| r.same).sum();
    let pct = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
    let repos: std::collections::BTreeSet<&str> = results.iter().map(|r| r.repo.as_str()).collect();
    let mut out = Table::new(
        format!("Fidelity on {n} sources from {} repositories", repos.len()),
        &["", "count", "of", "share %"],
    );
    for (what, a, b) in [
        ("compile", compiled, n),
        ("g++'s output on every test", same, n),
        ("(source, test) pairs with g++'s output", same_tests, tests),
    ] {
        out.row(vec![
            what.into(),
            a.into(),
            b.into(),
            Cell::num(pct(a, b), 1),
        ]);
    }
    out.print();
    let mut ratios: Vec<f64> = results.iter().filter_map(|r| r.worst_ratio).collect();
    ratios.sort_by(f64::total_cmp);
    if !ratios.is_empty() {
        let q = |p: f64| ratios[((ratios.len() - 1) as f64 * p) as usize];
        note!(
            "\nWorst ratio per source of sieve's CPU time to the native time the corpus recorded (tests of 20 ms or more natively, {} sources; the corpus's times are wall-clock, taken on a loaded machine: indicative only, `sieve bench sandbox` measures speed): median {:.2}x, 90th percentile {:.2}x, max {:.2}x; {} sources above the default time factor {}.",
            ratios.len(),
            q(0.5),
            q(0.9),
            q(1.0),
            results.iter().filter(|r| !r.in_time).count(),
            TimeFactor::DEFAULT.value()
        );
    }
    let mut by_cause: BTreeMap<String, Vec<&Outcome>> = BTreeMap::new();
    for r in results.iter().filter(|r| !r.cause.is_empty()) {
        let kind = r
            .cause
            .split_once(": ")
            .map(|(a, b)| if a.starts_with("test ") { b } else { &r.cause })
            .unwrap_or(&r.cause);
        let kind: String = kind.split(':').next().unwrap_or(kind).into();
        by_cause.entry(kind).or_default().push(r);
    }
    let mut failures = Table::new(
        "Every failure",
        &["source (repository @ commit: path)", "cause"],
    );
    for group in by_cause.values() {
        for r in group {
            failures.row(vec![
                format!(
                    "{} @ {}: `{}`",
                    r.repo,
                    &r.commit[..r.commit.len().min(12)],
                    r.path
                )
                .into(),
                r.cause.as_str().into(),
            ]);
        }
    }
    failures.print();
}
