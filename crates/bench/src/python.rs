//! Python in the sandbox against native CPython in the same run: what a trivial script costs
//! per test when the judging process judges it, and the CPU time of compute-heavy scripts.

use crate::report::{Cell, Table, note};
use crate::sandbox::{SandboxBenchArgs, Workload, compute_limits, median};
use anyhow::{Context, bail};
use sieve_domain::{Checker, Language, Limits, Verdict};
use sieve_sandbox::native::run_native_with;
use sieve_sandbox::{CompileOutcome, JudgeOptions, TestInput, Toolchain, compile};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

const SCRIPTS: &[Workload] = &[
    Workload {
        file: "loops.py",
        what: "prime sieve to 3e6 in Python loops",
        input: || b"3000000\n".to_vec(),
    },
    Workload {
        file: "calls.py",
        what: "recursive fib(29)",
        input: || b"29\n".to_vec(),
    },
    Workload {
        file: "dicts.py",
        what: "1e6 dict updates with str keys",
        input: || b"1000000\n".to_vec(),
    },
    Workload {
        file: "sort_io.py",
        what: "read, sort, print 1e6 numbers",
        input: crate::sandbox::numbers_input,
    },
    Workload {
        file: "bigint.py",
        what: "30000! and its digit sum",
        input: || b"30000\n".to_vec(),
    },
];

/// Native CPython: Debian's when installed (a launcher shim would add its own start-up), else
/// `python3` on the PATH.
fn native_python() -> PathBuf {
    let debian = PathBuf::from("/usr/bin/python3");
    if debian.exists() {
        debian
    } else {
        PathBuf::from("python3")
    }
}

/// Prints the Python tables: per-test cost and compute, each against native CPython.
pub fn python(args: &SandboxBenchArgs, toolchain: &Toolchain, cache: &Path) -> anyhow::Result<()> {
    let dir = args.programs.join("python");
    let native = native_python();
    let version = Command::new(&native).arg("--version").output()?;
    let version = String::from_utf8_lossy(&version.stdout).trim().to_string();
    let bundle = |file: &str| -> anyhow::Result<(Vec<u8>, PathBuf)> {
        let path = dir.join(file);
        let source = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        match compile(toolchain, &source, Language::Python3, &[], cache)? {
            CompileOutcome::Ok(c) => Ok((c.wasm, path)),
            CompileOutcome::Error { message } => bail!("{file}: {message}"),
        }
    };
    let mut supervisor = crate::supervisor(cache)?;

    // Per test: a+b judged by the judging process, after a first judging that starts it and
    // loads the interpreter (compiled once per machine, then read from the cache).
    let (aplusb, aplusb_path) = bundle("aplusb.py")?;
    let input: Arc<[u8]> = Arc::from(&b"40 2\n"[..]);
    let n = (args.tests / 10).max(100);
    let tests: Vec<TestInput> = (0..n)
        .map(|i| TestInput {
            name: i.to_string(),
            input: input.clone(),
            answer: Some(Arc::from(&b"42\n"[..])),
        })
        .collect();
    let opts = JudgeOptions {
        all_tests: true,
        ..JudgeOptions::new(
            Limits {
                time_ms: 1000,
                memory_bytes: 256 << 20,
                output_bytes: 1 << 20,
            },
            Checker::Tokens,
        )
    };
    let started = Instant::now();
    supervisor.judge(&aplusb, &[], &tests[..1], &[], &opts)?;
    let first = started.elapsed();
    let started = Instant::now();
    let report = supervisor.judge(&aplusb, &[], &tests, &[], &opts)?;
    let per_test_ms = started.elapsed().as_secs_f64() * 1e3 / n as f64;
    if report.tests.iter().any(|t| t.verdict != Verdict::AC) {
        bail!("Python a+b was not accepted on every test");
    }
    let cpu_ms = report.tests.iter().map(|t| t.time_us).sum::<u64>() as f64 / 1e3 / n as f64;
    let spawns = 100;
    let script = aplusb_path.to_string_lossy().into_owned();
    let started = Instant::now();
    for _ in 0..spawns {
        let (_, out) = run_native_with(&native, &[&script], b"40 2\n")?;
        if out != b"42\n" {
            bail!("native a+b printed {:?}", String::from_utf8_lossy(&out));
        }
    }
    let spawn_ms = started.elapsed().as_secs_f64() * 1e3 / spawns as f64;
    let mut out = Table::new(
        format!("Python: per test (a+b script, {n} tests; native is {version})"),
        &["", "per test (ms)"],
    );
    out.row(vec![
        "sieve: first judging (judging process started, interpreter loaded)".into(),
        Cell::num(first.as_secs_f64() * 1e3, 0),
    ]);
    out.row(vec![
        "**sieve**: each test after (instantiate the snapshot, run, check), wall".into(),
        Cell::num(per_test_ms, 2),
    ]);
    out.row(vec![
        "sieve: of which the script's CPU time".into(),
        Cell::num(cpu_ms, 2),
    ]);
    out.row(vec![
        format!("native: spawn `{}` per test", native.display()).into(),
        Cell::num(spawn_ms, 2),
    ]);
    out.print();
    note!("\nper test: {per_test_ms:.2} ms (goal: <= 5 ms)");

    // Compute: CPU time of each script, sieve's judging process against native CPython.
    let mut out = Table::new(
        format!(
            "Python: compute, CPU time against native {version} (median of {} runs)",
            args.reps
        ),
        &["script", "native s", "sieve s (supervised)", "ratio"],
    );
    let mut ratios = Vec::new();
    for s in SCRIPTS {
        let (wasm, path) = bundle(s.file)?;
        let input = (s.input)();
        let script = path.to_string_lossy().into_owned();
        let (mut nat, mut sv) = (vec![], vec![]);
        for _ in 0..args.reps {
            let (secs, expected) = run_native_with(&native, &[&script], &input)?;
            nat.push(secs);
            let test = TestInput {
                name: s.file.into(),
                input: Arc::from(input.as_slice()),
                answer: Some(Arc::from(expected.as_slice())),
            };
            let opts = JudgeOptions {
                all_tests: true,
                ..JudgeOptions::new(compute_limits(), Checker::Exact)
            };
            let report = supervisor.judge(&wasm, &[], &[test], &[], &opts)?;
            let t = &report.tests[0];
            if t.verdict != Verdict::AC {
                bail!("{}: sieve gave {:?} {}", s.file, t.verdict, t.message);
            }
            sv.push(t.time_us as f64 / 1e6);
        }
        let (nat, sv) = (median(nat), median(sv));
        ratios.push(sv / nat);
        out.row(vec![
            format!("{} ({})", s.file, s.what).into(),
            Cell::num(nat, 3),
            Cell::num(sv, 3),
            Cell::ratio(sv / nat),
        ]);
    }
    out.print();
    note!(
        "\nsieve's Python against native: median {:.2}x, max {:.2}x (goal: <= 1.5x)",
        median(ratios.clone()),
        ratios.iter().cloned().fold(0.0, f64::max)
    );
    Ok(())
}
