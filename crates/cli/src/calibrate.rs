//! Calibrating the deterministic mode: how much fuel a millisecond is worth, on this machine,
//! for this problem, measured on a reference solution.

use crate::judge::{build, build_checker, test_inputs};
use anyhow::{Context, bail};
use sieve_domain::{Language, Verdict};
use sieve_formats::Package;
use sieve_sandbox::{
    CompileOutcome, JudgeOptions, Mode, Sandbox, SandboxConfig, TestReport, Toolchain, judge,
    on_guest_thread,
};
use std::path::{Path, PathBuf};

/// The first C/C++ file under `problem/submissions/accepted`.
pub fn first_accepted(problem: &Path) -> Option<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(problem.join("submissions/accepted"))
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            Language::from_extension(&p.display().to_string()).is_some_and(|l| l.is_compiled())
        })
        .collect();
    files.sort();
    files.into_iter().next()
}

/// Fuel per millisecond on this machine for this problem: the reference solution's fuel over all
/// tests divided by its CPU time without checks (the supervised mode's speed). The reference is
/// judged, not merely run: an interactive problem's reference talks to its interactor, and a
/// reference that is not accepted on every test is refused, since a run cut short by a crash or
/// a wrong answer measures something else.
pub fn calibrate(
    toolchain: &Toolchain,
    package: &Package,
    reference: &Path,
    cache: &Path,
) -> anyhow::Result<u64> {
    let lang =
        Language::from_extension(&reference.display().to_string()).context("reference language")?;
    let source =
        std::fs::read(reference).with_context(|| format!("reading {}", reference.display()))?;
    let CompileOutcome::Ok(c) = build(toolchain, package, &source, lang, cache)? else {
        bail!(
            "the reference solution {} does not compile",
            reference.display()
        );
    };
    let (checker, checker_wasm) = build_checker(toolchain, package, cache)?;
    let config = |mode| SandboxConfig {
        mode,
        cache_dir: Some(cache.to_path_buf()),
        max_instances: 4,
    };
    let bare = Sandbox::new(config(Mode::Unmetered))?;
    let fuel = Sandbox::new(config(Mode::Deterministic {
        fuel_per_ms: 1 << 30,
    }))?;
    let opts = |sandbox: &Sandbox| -> anyhow::Result<JudgeOptions> {
        let limits = sieve_domain::Limits {
            time_ms: 60_000,
            ..package.limits
        };
        let mut opts = JudgeOptions {
            all_tests: true,
            ..JudgeOptions::new(limits, checker.clone())
        };
        opts.load_checkers(sandbox, &checker_wasm)?;
        Ok(opts)
    };
    let (o_bare, o_fuel) = (opts(&bare)?, opts(&fuel)?);
    let (p_bare, p_fuel) = (bare.load(&c.wasm)?, fuel.load(&c.wasm)?);
    let tests = test_inputs(package);
    let (mut us, mut units) = (0u64, 0u64);
    // Fast references are judged again until there is enough time to measure.
    for _round in 0..200 {
        let (a, b) = on_guest_thread(|| {
            (
                judge(&bare, &p_bare, &tests, &[], &o_bare),
                judge(&fuel, &p_fuel, &tests, &[], &o_fuel),
            )
        });
        if let Some(t) = a.tests.iter().chain(&b.tests).find(|t| !accepted(t)) {
            bail!(
                "the reference solution {} is not accepted on {}: {:?} {}; it cannot calibrate",
                reference.display(),
                t.name,
                t.verdict,
                t.message
            );
        }
        us += a.tests.iter().map(|t| t.time_us).sum::<u64>();
        units += b.tests.iter().map(|t| t.fuel).sum::<u64>();
        if us >= 50_000 {
            break;
        }
    }
    if us < 1_000 {
        bail!("the reference solution ran for {us} us in all: too little to calibrate on");
    }
    Ok(units.saturating_mul(1000) / us)
}

/// Accepted, or (a test without an answer and a built-in checker) ran cleanly.
fn accepted(t: &TestReport) -> bool {
    matches!(t.verdict, Verdict::AC | Verdict::Ran)
}
