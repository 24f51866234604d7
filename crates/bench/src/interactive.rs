//! `sieve bench sandbox`, interactive part: one conversation (binary search up to 10^9, 30 round
//! trips through the in-host pipes) judged in the supervised judging process, against what
//! process-based judges do: spawn the interactor and the program, joined by OS pipes; and a CMS
//! Communication test (the `tps-guess` fixture, 999 questions of a linear search) against the
//! same manager and stub compiled with g++ and joined by FIFOs, as CMS runs them.

use crate::report::{Cell, Table, note};
use anyhow::{Context, bail};
use sieve_domain::{Checker, Language, Limits, Verdict};
use sieve_sandbox::{CompileOutcome, JudgeOptions, TestInput, Toolchain, compile};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Instant;

/// The interactive fixture (a Kattis package), relative to the repository.
const PACKAGE: &str = "examples/guess";
const INPUT: &[u8] = b"1000000000 123456789\n";
const ANSWER: &[u8] = b"123456789\n";

/// `source` compiled to wasm with `extra` (a task's grader).
fn wasm(
    toolchain: &Toolchain,
    source: &Path,
    extra: &[(String, Vec<u8>)],
    cache: &Path,
) -> anyhow::Result<Vec<u8>> {
    let bytes = std::fs::read(source).with_context(|| source.display().to_string())?;
    match compile(toolchain, &bytes, Language::Cpp17, extra, cache)? {
        CompileOutcome::Ok(c) => Ok(c.wasm),
        CompileOutcome::Error { message } => bail!("{}: {message}", source.display()),
    }
}

/// Measures and prints the interactive table; `conversations` judged by sieve.
pub fn interactive(
    toolchain: &Toolchain,
    cache: &Path,
    work: &Path,
    conversations: usize,
) -> anyhow::Result<()> {
    let dir = Path::new(PACKAGE);
    if !dir.is_dir() {
        note!("\n(interactive part skipped: run from the repository, {PACKAGE} is not here)");
        return Ok(());
    }
    let interactor = dir.join("output_validators/guess/interactor.cpp");
    let candidate = dir.join("submissions/accepted/binary_search.cpp");
    let (interactor_wasm, candidate_wasm) = (
        wasm(toolchain, &interactor, &[], cache)?,
        wasm(toolchain, &candidate, &[], cache)?,
    );
    let tests: Vec<TestInput> = (0..conversations.max(10))
        .map(|i| TestInput {
            name: i.to_string(),
            input: Arc::from(INPUT),
            answer: Some(Arc::from(ANSWER)),
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
            Checker::Interactive {
                program: sieve_domain::BlobHash::of(&interactor_wasm),
            },
        )
    };
    let mut supervisor = crate::supervisor(cache)?;
    let (program, checker) = (&candidate_wasm[..], &[&interactor_wasm[..]][..]);
    supervisor.judge(program, checker, &tests[..10], &[], &opts)?; // start, load the modules
    let started = Instant::now();
    let report = supervisor.judge(program, checker, &tests, &[], &opts)?;
    let sieve_us = started.elapsed().as_secs_f64() * 1e6 / tests.len() as f64;
    if let Some(t) = report.tests.iter().find(|t| t.verdict != Verdict::AC) {
        bail!(
            "a conversation was not accepted: {:?} {}",
            t.verdict,
            t.message
        );
    }

    let (interactor_bin, candidate_bin) = (
        gxx(&[&interactor], None, work, "interactor")?,
        gxx(&[&candidate], None, work, "binary_search")?,
    );
    let (input, answer, feedback) = (work.join("in"), work.join("ans"), work.join("feedback"));
    std::fs::write(&input, INPUT)?;
    std::fs::write(&answer, ANSWER)?;
    std::fs::create_dir_all(&feedback)?;
    let spawns = (conversations / 5).max(50);
    let started = Instant::now();
    for _ in 0..spawns {
        let mut program = Command::new(&candidate_bin)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?;
        let to_program = program.stdin.take().context("stdin")?;
        let from_program = program.stdout.take().context("stdout")?;
        let judged = Command::new(&interactor_bin)
            .arg(&input)
            .arg(&answer)
            .arg(&feedback)
            .stdin(Stdio::from(from_program))
            .stdout(Stdio::from(to_program))
            .status()?;
        program.wait()?;
        if judged.code() != Some(42) {
            bail!("the native interactor did not accept: {judged}");
        }
    }
    let native_us = started.elapsed().as_secs_f64() * 1e6 / spawns as f64;
    let mut out = Table::new(
        format!(
            "Interactive: one conversation of 30 round trips ({} judged by sieve)",
            tests.len()
        ),
        &["", "per conversation (us)"],
    );
    out.row(vec![
        "sieve: candidate + interactor in wasm, in-host pipes, supervised".into(),
        Cell::num(sieve_us, 0),
    ]);
    out.row(vec![
        format!("native: spawn interactor + program joined by OS pipes ({spawns} times)").into(),
        Cell::num(native_us, 0),
    ]);
    out.print();
    note!(
        "\nsieve is {:.1}x cheaper than spawning the pair",
        native_us / sieve_us
    );
    Ok(())
}

/// The Communication fixture, relative to the repository.
const COMMUNICATION: &str = "tests/fixtures/packages/tps-guess";
const GUESS_INPUT: &[u8] = b"1000 999\n";

/// Compiles `files` with g++ -O2 (`include`: a directory of headers) into `work/name`.
fn gxx(
    files: &[&Path],
    include: Option<&Path>,
    work: &Path,
    name: &str,
) -> anyhow::Result<std::path::PathBuf> {
    let bin = work.join(name);
    let mut cmd = Command::new("g++");
    cmd.args(["-O2", "-std=gnu++17", "-o"])
        .arg(&bin)
        .args(files);
    if let Some(dir) = include {
        cmd.arg("-I").arg(dir);
    }
    if !cmd.status()?.success() {
        bail!("g++ failed on {files:?}");
    }
    Ok(bin)
}

/// Measures and prints the Communication table.
pub fn communication(toolchain: &Toolchain, cache: &Path, work: &Path) -> anyhow::Result<()> {
    let dir = Path::new(COMMUNICATION);
    if !dir.is_dir() {
        note!("\n(Communication part skipped: run from the repository)");
        return Ok(());
    }
    let read = |f: &str| std::fs::read(dir.join(f)).with_context(|| f.to_string());
    let manager = wasm(toolchain, &dir.join("graders/manager.cpp"), &[], cache)?;
    let grader = vec![
        ("guess.h".to_string(), read("graders/guess.h")?),
        ("stub.cpp".to_string(), read("graders/stub.cpp")?),
    ];
    let candidate = wasm(toolchain, &dir.join("solutions/linear.cpp"), &grader, cache)?;
    let tests: Vec<TestInput> = (0..20)
        .map(|i| TestInput {
            name: i.to_string(),
            input: Arc::from(GUESS_INPUT),
            answer: None,
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
            Checker::Communication {
                program: sieve_domain::BlobHash::of(&manager),
                processes: 1,
                user_io: sieve_domain::UserIo::StdIo,
                then: None,
            },
        )
    };
    let mut supervisor = crate::supervisor(cache)?;
    let (program, managers) = (&candidate[..], &[&manager[..]][..]);
    supervisor.judge(program, managers, &tests[..2], &[], &opts)?; // start, load the modules
    let started = Instant::now();
    let report = supervisor.judge(program, managers, &tests, &[], &opts)?;
    let sieve_wall = started.elapsed().as_secs_f64() * 1e6 / tests.len() as f64;
    if let Some(t) = report.tests.iter().find(|t| t.score != 0.5) {
        bail!(
            "the manager did not give 0.5: {:?} {}",
            t.verdict,
            t.message
        );
    }
    let sieve_cpu = report.tests.iter().map(|t| t.time_us).sum::<u64>() as f64 / tests.len() as f64;

    let graders = dir.join("graders");
    let manager_bin = gxx(&[&graders.join("manager.cpp")], None, work, "manager")?;
    let (stub, linear) = (graders.join("stub.cpp"), dir.join("solutions/linear.cpp"));
    let user_bin = gxx(&[&stub, &linear], Some(&graders), work, "user")?;
    let fifos = tempfile::tempdir_in(work)?;
    let (u2m, m2u) = (fifos.path().join("u0_to_m"), fifos.path().join("m_to_u0"));
    for f in [&u2m, &m2u] {
        let ok = Command::new("mkfifo").arg(f).status()?.success();
        if !ok {
            bail!("mkfifo failed");
        }
    }
    let input = work.join("guess.in");
    std::fs::write(&input, GUESS_INPUT)?;
    let runs = 20;
    let mut native_cpu = 0.0;
    let started = Instant::now();
    for _ in 0..runs {
        let mut manager = Command::new(&manager_bin)
            .arg(&u2m)
            .arg(&m2u)
            .stdin(std::fs::File::open(&input)?)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        // As CMS: the process's stdin and stdout are the FIFOs (opened by the shell, so that
        // neither open blocks this process).
        let user = Command::new("sh")
            .arg("-c")
            .arg(format!(
                "exec {} < {} > {}",
                user_bin.display(),
                m2u.display(),
                u2m.display()
            ))
            .spawn()?;
        let before = children_cpu_us();
        let out = user.wait_with_output()?;
        native_cpu += children_cpu_us() - before;
        let mut score = String::new();
        std::io::Read::read_to_string(manager.stdout.as_mut().context("stdout")?, &mut score)?;
        manager.wait()?;
        if !out.status.success() || score.trim() != "0.5" {
            bail!("the native pair did not give 0.5: {score:?}");
        }
    }
    let native_wall = started.elapsed().as_secs_f64() * 1e6 / runs as f64;
    let native_cpu = native_cpu / runs as f64;
    let mut out = Table::new(
        "Communication: one test of 999 questions through a manager (tps-guess)",
        &[
            "",
            "the candidate's CPU time (us)",
            "wall time per test (us)",
        ],
    );
    out.row(vec![
        "sieve: manager + process in wasm, in-host channels, supervised".into(),
        Cell::num(sieve_cpu, 0),
        Cell::num(sieve_wall, 0),
    ]);
    out.row(vec![
        "native: manager + process (g++ -O2) over FIFOs, as CMS runs them".into(),
        Cell::num(native_cpu, 0),
        Cell::num(native_wall, 0),
    ]);
    out.print();
    note!(
        "\nthe candidate's time in sieve is {:.2}x its native time (a round trip costs it {:.1} us against {:.1} us)",
        sieve_cpu / native_cpu,
        sieve_cpu / 999.0,
        native_cpu / 999.0
    );
    Ok(())
}

/// CPU time (user + system) of this process's waited-for children, in microseconds.
fn children_cpu_us() -> f64 {
    use nix::sys::resource::{UsageWho, getrusage};
    getrusage(UsageWho::RUSAGE_CHILDREN).map_or(0.0, |u| {
        let us = |t: nix::sys::time::TimeVal| t.tv_sec() as f64 * 1e6 + t.tv_usec() as f64;
        us(u.user_time()) + us(u.system_time())
    })
}
