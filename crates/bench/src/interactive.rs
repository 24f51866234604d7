//! `sieve bench sandbox`, interactive part: one conversation (binary search up to 10^9, 30 round
//! trips through the in-host pipes) judged in the supervised judging process, against what
//! process-based judges do: spawn the interactor and the program, joined by OS pipes.

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

fn wasm(toolchain: &Toolchain, source: &Path, cache: &Path) -> anyhow::Result<Vec<u8>> {
    let bytes = std::fs::read(source).with_context(|| source.display().to_string())?;
    match compile(toolchain, &bytes, Language::Cpp17, &[], cache)? {
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
        println!("\n(interactive part skipped: run from the repository, {PACKAGE} is not here)");
        return Ok(());
    }
    let interactor = dir.join("output_validators/guess/interactor.cpp");
    let candidate = dir.join("submissions/accepted/binary_search.cpp");
    let (interactor_wasm, candidate_wasm) = (
        wasm(toolchain, &interactor, cache)?,
        wasm(toolchain, &candidate, cache)?,
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

    let native = |source: &Path, name: &str| -> anyhow::Result<std::path::PathBuf> {
        let bin = work.join(name);
        let ok = Command::new("g++")
            .args(["-O2", "-o"])
            .arg(&bin)
            .arg(source)
            .status()?
            .success();
        if !ok {
            bail!("g++ failed on {}", source.display());
        }
        Ok(bin)
    };
    let (interactor_bin, candidate_bin) = (
        native(&interactor, "interactor")?,
        native(&candidate, "binary_search")?,
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
    println!(
        "\n## Interactive: one conversation of 30 round trips ({} judged by sieve)\n",
        tests.len()
    );
    println!("| | per conversation |\n|---|---|");
    println!(
        "| sieve: candidate + interactor in wasm, in-host pipes, supervised | {sieve_us:.0} us |"
    );
    println!(
        "| native: spawn interactor + program joined by OS pipes ({spawns} times) | {native_us:.0} us |"
    );
    println!(
        "\nsieve is {:.1}x cheaper than spawning the pair",
        native_us / sieve_us
    );
    Ok(())
}
