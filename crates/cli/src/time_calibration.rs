//! `sieve judge --calibrate-time`: a problem's time factor, measured by running the package's
//! accepted reference solutions both ways, natively (g++ -O2, as contest judges build them) and in
//! sieve, on every test. The factor is their worst wasm/native CPU-time ratio over the runs long
//! enough to measure, rounded up (`TimeFactor::from_ratios`).
//!
//! The references run natively on this machine, as package tools (BAPCtools, problemtools) run
//! them: this is for a package author's own package, never for code a service received.

use crate::judge::{build, supervisor, test_inputs};
use anyhow::{Context, bail};
use sieve_domain::{Checker, Language, TimeFactor, Verdict};
use sieve_formats::Package;
use sieve_sandbox::native::run_native;
use sieve_sandbox::{CompileOutcome, JudgeOptions, Toolchain};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Native runs shorter than this are mostly process start-up: they are not compared.
const MIN_NATIVE_SECONDS: f64 = 0.02;
/// At most this many references are run.
const MAX_REFERENCES: usize = 5;

/// A measured factor and how it was measured.
pub struct Calibration {
    /// The factor.
    pub factor: TimeFactor,
    /// One line on how: references, runs, the worst ratio and where.
    pub from: String,
}

/// The C/C++ files under `problem/submissions/accepted`, sorted, at most five.
fn references(problem: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(problem.join("submissions/accepted"))
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            Language::from_extension(&p.display().to_string()).is_some_and(|l| l.is_compiled())
        })
        .collect();
    files.sort();
    files.truncate(MAX_REFERENCES);
    files
}

/// Measures `package`'s time factor from its reference solutions under `problem`.
pub fn calibrate(
    toolchain: &Toolchain,
    package: &Package,
    problem: &Path,
    checker: &Checker,
    cache: &Path,
) -> anyhow::Result<Calibration> {
    if checker.is_conversation() {
        bail!(
            "--calibrate-time cannot run the references of an interactive or Communication problem natively"
        );
    }
    let refs = references(problem);
    if refs.is_empty() {
        bail!(
            "--calibrate-time needs reference solutions in {}",
            problem.join("submissions/accepted").display()
        );
    }
    let work = tempfile::tempdir()?;
    let tests = test_inputs(package);
    let mut supervisor = supervisor(cache)?;
    let opts = JudgeOptions {
        all_tests: true,
        ..JudgeOptions::new(
            sieve_domain::Limits {
                time_ms: package.limits.time_ms.saturating_mul(10).max(10_000),
                ..package.limits
            },
            Checker::Tokens,
        )
    };
    let (mut ratios, mut worst): (Vec<f64>, Option<(f64, String)>) = (vec![], None);
    for (i, reference) in refs.iter().enumerate() {
        let name = reference.file_name().unwrap_or_default().to_string_lossy();
        let lang = Language::from_extension(&reference.display().to_string())
            .context("reference language")?;
        let source = std::fs::read(reference)?;
        let CompileOutcome::Ok(c) = build(toolchain, package, &source, lang, cache)? else {
            bail!("the reference {name} does not compile in sieve");
        };
        let native = build_native(package, reference, lang, &work.path().join(format!("r{i}")))?;
        let report = supervisor.judge(&c.wasm, &[], &tests, &[], &opts)?;
        for (test, run) in tests.iter().zip(&report.tests) {
            if !matches!(run.verdict, Verdict::AC | Verdict::WA | Verdict::Ran) {
                bail!(
                    "the reference {name} gave {:?} on {} in sieve: it cannot calibrate",
                    run.verdict,
                    test.name
                );
            }
            let native_s = native_seconds(&native, &test.input)?;
            if native_s < MIN_NATIVE_SECONDS {
                continue;
            }
            let ratio = run.time_us as f64 / 1e6 / native_s;
            ratios.push(ratio);
            if worst.as_ref().is_none_or(|(w, _)| ratio > *w) {
                worst = Some((ratio, format!("{name} on {}", test.name)));
            }
        }
    }
    let runs = ratios.len();
    let Some(factor) = TimeFactor::from_ratios(ratios) else {
        bail!(
            "no reference ran {MIN_NATIVE_SECONDS} s or more natively on any test: too fast to \
             calibrate (give --time-factor)"
        );
    };
    let (ratio, at) = worst.unwrap_or_default();
    Ok(Calibration {
        factor,
        from: format!(
            "measured: {} reference(s), {runs} runs of {MIN_NATIVE_SECONDS} s or more natively, \
             worst wasm/native ratio {ratio:.2} ({at})",
            refs.len()
        ),
    })
}

/// The native CPU time of one run: the kernel counts CPU time in ticks of a few milliseconds,
/// so a short run is repeated until 0.2 s have been counted (at most 20 times) and averaged.
fn native_seconds(binary: &Path, input: &[u8]) -> anyhow::Result<f64> {
    let (mut total, mut runs) = (0.0, 0);
    while runs < 20 && (runs == 0 || total < 0.2) {
        total += run_native(binary, input)?.0;
        runs += 1;
    }
    Ok(total / runs as f64)
}

/// Builds `reference` with the host's g++/gcc -O2, with the package's grader sources.
fn build_native(
    package: &Package,
    reference: &Path,
    lang: Language,
    dir: &Path,
) -> anyhow::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let (compiler, std) = match lang {
        Language::C11 => ("gcc", "-std=gnu11"),
        Language::C17 => ("gcc", "-std=gnu17"),
        Language::Cpp20 => ("g++", "-std=gnu++20"),
        _ => ("g++", "-std=gnu++17"),
    };
    let mut cmd = Command::new(compiler);
    cmd.args(["-O2", std, "-o"])
        .arg(dir.join("native"))
        .arg(reference)
        .arg("-I")
        .arg(dir);
    for file in &package.grader {
        let path = dir.join(Path::new(&file.name).file_name().unwrap_or_default());
        std::fs::write(&path, &file.source)?;
        if Language::from_extension(&file.name)
            .is_some_and(|l| l.is_compiled() && l.is_c() == lang.is_c())
        {
            cmd.arg(&path);
        }
    }
    let out = cmd
        .arg("-lm")
        .output()
        .with_context(|| format!("running {compiler}"))?;
    if !out.status.success() {
        bail!(
            "{compiler} rejects the reference {}: {}",
            reference.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(dir.join("native"))
}
