//! Calibrating the deterministic mode: how much fuel a millisecond is worth, on this machine,
//! for this problem, measured on a reference solution.

use crate::judge::{build, test_inputs};
use anyhow::{Context, bail};
use sieve_domain::Language;
use sieve_formats::Package;
use sieve_sandbox::{CompileOutcome, Mode, Sandbox, SandboxConfig, Toolchain, on_guest_thread};
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
/// tests divided by its CPU time without checks (the supervised mode's speed).
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
    let config = |mode| SandboxConfig {
        mode,
        cache_dir: Some(cache.to_path_buf()),
        max_instances: 4,
    };
    let bare = Sandbox::new(config(Mode::Unmetered))?;
    let fuel = Sandbox::new(config(Mode::Deterministic {
        fuel_per_ms: 1 << 30,
    }))?;
    let (p_bare, p_fuel) = (bare.load(&c.wasm)?, fuel.load(&c.wasm)?);
    let limits = sieve_domain::Limits {
        time_ms: 60_000,
        ..package.limits
    };
    let (mut us, mut units) = (0u64, 0u64);
    let tests = test_inputs(package);
    // Fast references are run again until there is enough time to measure.
    for _round in 0..200 {
        for t in &tests {
            let spec = sieve_sandbox::RunSpec {
                stdin: t.input.clone(),
                args: vec!["main".into()],
                files: vec![],
                limits,
            };
            let (a, b) =
                on_guest_thread(|| (bare.run(&p_bare, spec.clone()), fuel.run(&p_fuel, spec)));
            us += a.time_us;
            units += b.fuel;
        }
        if us >= 50_000 {
            break;
        }
    }
    if us < 1_000 {
        bail!("the reference solution ran for {us} us in all: too little to calibrate on");
    }
    Ok(units.saturating_mul(1000) / us)
}
