//! `sieve bench sandbox`, second half: the cost of one test against a process spawn, and how
//! judging scales over two cores (threads in one process; supervised judging processes).

use crate::report::{Cell, Table, note};
use crate::sandbox::SandboxBenchArgs;
use anyhow::bail;
use sieve_domain::{Checker, Language, Limits, Verdict};
use sieve_sandbox::native::run_native;
use sieve_sandbox::{
    CompileOutcome, JudgeOptions, RunSpec, Sandbox, TestInput, Toolchain, compile, on_guest_thread,
};
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

pub fn overhead(
    args: &SandboxBenchArgs,
    toolchain: &Toolchain,
    timed: &Sandbox,
    cache: &Path,
    work: &Path,
) -> anyhow::Result<()> {
    let src_path = args.programs.join("aplusb.c");
    let source = std::fs::read(&src_path)?;
    let CompileOutcome::Ok(c) = compile(toolchain, &source, Language::C17, &[], cache)? else {
        bail!("aplusb.c does not compile");
    };
    let program = timed.load(&c.wasm)?;
    let input: Arc<[u8]> = Arc::from(&b"40 2\n"[..]);
    let limits = Limits {
        time_ms: 1000,
        memory_bytes: 256 << 20,
        output_bytes: 1 << 20,
    };
    let run_many = |n: usize| {
        for _ in 0..n {
            let out = timed.run(
                &program,
                RunSpec {
                    stdin: input.clone(),
                    args: vec!["main".into()],
                    files: vec![],
                    limits,
                },
            );
            assert_eq!(out.stdout, b"42\n");
        }
    };
    on_guest_thread(|| run_many(100)); // warm the pool
    let started = Instant::now();
    on_guest_thread(|| run_many(args.tests));
    let one_thread = started.elapsed();
    let per_test_us = one_thread.as_secs_f64() * 1e6 / args.tests as f64;

    let mut supervisor = crate::supervisor(cache)?;
    let tests: Vec<TestInput> = (0..args.tests)
        .map(|i| TestInput {
            name: i.to_string(),
            input: input.clone(),
            answer: Some(Arc::from(&b"42\n"[..])),
        })
        .collect();
    let opts = JudgeOptions {
        all_tests: true,
        ..JudgeOptions::new(limits, Checker::Tokens)
    };
    supervisor.judge(&c.wasm, &[], &tests[..10], &[], &opts)?; // start the process, load the module
    let started = Instant::now();
    let report = supervisor.judge(&c.wasm, &[], &tests, &[], &opts)?;
    let supervised_us = started.elapsed().as_secs_f64() * 1e6 / args.tests as f64;
    if report.tests.iter().any(|t| t.verdict != Verdict::AC) {
        bail!("supervised a+b runs were not all accepted");
    }
    let bin = work.join("aplusb");
    Command::new("gcc")
        .args(["-O2", "-o"])
        .arg(&bin)
        .arg(&src_path)
        .status()?;
    let spawns = (args.tests / 5).max(100);
    let started = Instant::now();
    for _ in 0..spawns {
        let (_, out) = run_native(&bin, b"40 2\n")?;
        assert_eq!(out, b"42\n");
    }
    let spawn_us = started.elapsed().as_secs_f64() * 1e6 / spawns as f64;
    let mut out = Table::new(
        format!(
            "Per-test overhead (trivial a+b program, {} tests)",
            args.tests
        ),
        &["", "per test (us)"],
    );
    out.row(vec![
        "sieve: instantiate + run + tear down (pooled, in-process)".into(),
        Cell::num(per_test_us, 1),
    ]);
    out.row(vec![
        "sieve: the same, judged and checked in the supervised judging process".into(),
        Cell::num(supervised_us, 1),
    ]);
    out.row(vec![
        format!("native: spawn the g++ binary per test ({spawns} spawns)").into(),
        Cell::num(spawn_us, 1),
    ]);
    out.print();
    note!(
        "\nsieve is {:.1}x (in-process) and {:.1}x (supervised) cheaper than a spawn (goal: <= 15 us per test, >= 35x)",
        spawn_us / per_test_us,
        spawn_us / supervised_us
    );

    let started = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| on_guest_thread(|| run_many(args.tests / 2)));
        }
    });
    let two_threads = started.elapsed();
    let mut out = Table::new(
        "Two cores",
        &["judging threads in one process", "tests per second"],
    );
    for (threads, took) in [(1usize, one_thread), (2, two_threads)] {
        out.row(vec![
            threads.into(),
            Cell::num(args.tests as f64 / took.as_secs_f64(), 0),
        ]);
    }
    out.print();
    two_processes(args, toolchain, cache)?;
    crate::interactive::interactive(toolchain, cache, work, args.tests / 10)?;
    crate::interactive::communication(toolchain, cache, work)
}

/// A compute-heavy program judged by one supervised judging process, then by two at once.
fn two_processes(
    args: &SandboxBenchArgs,
    toolchain: &Toolchain,
    cache: &Path,
) -> anyhow::Result<()> {
    let source = std::fs::read(args.programs.join("sort.cpp"))?;
    let CompileOutcome::Ok(c) = compile(toolchain, &source, Language::Cpp17, &[], cache)? else {
        bail!("sort.cpp does not compile");
    };
    let input: Arc<[u8]> = Arc::from(&b"3000000\n"[..]);
    let tests: Vec<TestInput> = (0..8)
        .map(|i| TestInput {
            name: i.to_string(),
            input: input.clone(),
            answer: None,
        })
        .collect();
    let opts = JudgeOptions {
        all_tests: true,
        ..JudgeOptions::new(
            Limits {
                time_ms: 60_000,
                memory_bytes: 1 << 30,
                output_bytes: 1 << 20,
            },
            Checker::Tokens,
        )
    };
    let judge_all = |rounds: usize| -> anyhow::Result<()> {
        let mut supervisor = crate::supervisor(cache)?;
        supervisor.judge(&c.wasm, &[], &tests[..1], &[], &opts)?; // start and load
        for _ in 0..rounds {
            supervisor.judge(&c.wasm, &[], &tests, &[], &opts)?;
        }
        Ok(())
    };
    let started = Instant::now();
    judge_all(2)?;
    let one = started.elapsed();
    let started = Instant::now();
    std::thread::scope(|s| {
        let a = s.spawn(|| judge_all(1));
        let b = s.spawn(|| judge_all(1));
        let a = a
            .join()
            .map_err(|_| anyhow::anyhow!("a judging thread panicked"))?;
        let b = b
            .join()
            .map_err(|_| anyhow::anyhow!("a judging thread panicked"))?;
        a.and(b)
    })?;
    let two = started.elapsed();
    let mut out = Table::new(
        "Supervised judging processes",
        &[
            "supervised judging processes (std::sort of 3e6 ints, 16 runs)",
            "runs per second",
        ],
    );
    for (processes, took) in [(1usize, one), (2, two)] {
        out.row(vec![
            processes.into(),
            Cell::num(16.0 / took.as_secs_f64(), 1),
        ]);
    }
    out.print();
    Ok(())
}
