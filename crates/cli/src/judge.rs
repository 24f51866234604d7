//! `sieve judge`: one source against a problem directory, with no database.

use anyhow::Context;
use serde_json::json;
use sieve_domain::{Checker, Language, TimeFactor, Verdict};
use sieve_formats::{Overrides, Package, load_folder, load_kattis};
use sieve_sandbox::{
    CompileOutcome, JudgeOptions, JudgeReport, Mode, Sandbox, SandboxConfig, SandboxError,
    Supervisor, TestInput, TestReport, Toolchain, compile, judge, on_guest_thread,
};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The exit code of `sieve judge` for a judged outcome: 0 when every test is accepted with full
/// points, else by the first failing test's verdict (a partial score on accepted tests is 18).
pub fn exit_code(report: Option<&JudgeReport>) -> u8 {
    let Some(report) = report else {
        return 16; // CE
    };
    match first_failure(report.tests.iter()) {
        None if report.total >= report.max_total - 1e-9 => 0,
        None => 18,
        Some(Verdict::WA) => 10,
        Some(Verdict::PE) => 11,
        Some(Verdict::TLE) => 12,
        Some(Verdict::MLE) => 13,
        Some(Verdict::OLE) => 14,
        Some(Verdict::RE) => 15,
        Some(Verdict::CE) => 16,
        Some(_) => 17,
    }
}

/// The verdict of the first of `tests` that failed (accepted, ran without an answer, and skipped
/// tests did not), as Kattis and `sieve judge`'s exit code name a run's outcome.
pub fn first_failure<'a>(tests: impl Iterator<Item = &'a TestReport>) -> Option<Verdict> {
    tests
        .map(|t| t.verdict)
        .find(|v| !matches!(v, Verdict::AC | Verdict::Ran | Verdict::Skipped))
}

/// Options of `sieve judge`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Exit codes: 0 accepted (every test, full points); by the first failing \
    test's verdict: 10 WA, 11 PE, 12 TLE, 13 MLE, 14 OLE, 15 RE, 16 CE, 17 judge error; 18 a \
    partial score with every test accepted; 1 sieve could not judge (an unreadable problem, a \
    toolchain failure); 2 a usage error."
)]
pub struct JudgeArgs {
    /// Problem directory: a Kattis package, or a folder of N.in / N.out tests.
    #[arg(long)]
    problem: PathBuf,
    /// The candidate's source file (or .wasm / .wat module), or a directory of output files
    /// (an output-only submission).
    #[arg(long)]
    source: PathBuf,
    /// Language (c, c11, c17, cpp, cpp17, cpp20, python3, wasm, wat, outputs); default from the
    /// file's extension.
    #[arg(long)]
    lang: Option<Language>,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
    /// Run every test, even after a subtask has failed.
    #[arg(long)]
    all_tests: bool,
    /// Time limit in milliseconds (overrides the package).
    #[arg(long)]
    time_limit: Option<u64>,
    /// Memory limit in MiB (overrides the package).
    #[arg(long)]
    memory_limit: Option<u64>,
    /// Deterministic mode: fuel is the budget, at this many units per millisecond.
    #[arg(long)]
    fuel_per_ms: Option<u64>,
    /// Deterministic mode with the fuel per millisecond calibrated on this machine from a
    /// reference solution (--reference, else the package's first submissions/accepted/ file).
    #[arg(long)]
    deterministic: bool,
    /// The reference solution for --deterministic.
    #[arg(long)]
    reference: Option<PathBuf>,
    /// Run guests in this process with epoch checks instead of a supervised judging process
    /// (slower code, no child process).
    #[arg(long)]
    in_process: bool,
    /// Judge against the stated time limit times this factor (1 to 4): how much slower than
    /// native code a run may be. Default: 1.5, or the measured factor with --calibrate-time.
    #[arg(long, conflicts_with = "calibrate_time")]
    time_factor: Option<f64>,
    /// Measure the time factor first: run the package's submissions/accepted/ references
    /// natively (g++ -O2) and in sieve on every test; the factor is their worst ratio.
    #[arg(long)]
    calibrate_time: bool,
    /// Where compiled modules and builds are cached.
    #[arg(long, env = "SIEVE_CACHE_DIR", default_value = ".sieve/cache")]
    cache_dir: PathBuf,
}

/// Reads a problem directory in whichever format it is in.
pub fn load_problem(dir: &Path, overrides: &Overrides) -> anyhow::Result<Package> {
    let package = if dir.join("problem.yaml").exists() || dir.join("data").is_dir() {
        load_kattis(dir, overrides)?
    } else if dir.join("problem.xml").exists() {
        sieve_formats::load_polygon(dir, overrides)?
    } else if dir.join("task.yaml").exists() || dir.join("problem.json").exists() {
        sieve_formats::load_cms(dir, overrides)?
    } else {
        load_folder(dir, overrides)?
    };
    Ok(package)
}

/// Compiles `source` for `package` (with its grader); `Err` only for judge failures.
pub fn build(
    toolchain: &Toolchain,
    package: &Package,
    source: &[u8],
    lang: Language,
    cache_dir: &Path,
) -> anyhow::Result<CompileOutcome> {
    let extra: Vec<(String, Vec<u8>)> = package
        .grader
        .iter()
        .map(|f| (f.name.clone(), f.source.clone()))
        .collect();
    Ok(compile(toolchain, source, lang, &extra, cache_dir)?)
}

/// The checker as the judge needs it: built-in, or compiled (its programs' modules).
pub fn build_checker(
    toolchain: &Toolchain,
    package: &Package,
    cache_dir: &Path,
) -> anyhow::Result<(Checker, Vec<Vec<u8>>)> {
    Ok(sieve_worker::package::build_checker(
        toolchain, package, cache_dir,
    )?)
}

/// The package's tests as the judge takes them.
pub fn test_inputs(package: &Package) -> Vec<TestInput> {
    package
        .tests
        .iter()
        .map(|t| TestInput {
            name: t.name.clone(),
            input: Arc::from(t.input.as_slice()),
            answer: t.answer.as_ref().map(|a| Arc::from(a.as_slice())),
        })
        .collect()
}

/// Runs `sieve judge`.
pub fn run(args: JudgeArgs) -> anyhow::Result<std::process::ExitCode> {
    let overrides = Overrides {
        time_ms: args.time_limit,
        memory_bytes: args.memory_limit.map(|m| m << 20),
    };
    let package = load_problem(&args.problem, &overrides)
        .with_context(|| format!("reading problem {}", args.problem.display()))?;
    let (lang, source) = if args.source.is_dir() {
        (Language::Outputs, outputs_of(&args.source)?)
    } else {
        let lang = match args.lang {
            Some(l) => l,
            None => Language::from_extension(&args.source.display().to_string())
                .context("cannot tell the language from the file name: pass --lang")?,
        };
        let source = std::fs::read(&args.source)
            .with_context(|| format!("reading {}", args.source.display()))?;
        (lang, source)
    };
    let toolchain = Toolchain::discover(&args.cache_dir)?;
    let package = with_tests(package, &toolchain, &args.cache_dir)?;
    let fuel_per_ms = match (args.fuel_per_ms, args.deterministic) {
        (Some(f), _) => Some(f),
        (None, true) => {
            let reference = match &args.reference {
                Some(r) => r.clone(),
                None => crate::calibrate::first_accepted(&args.problem).context(
                    "--deterministic needs --reference (the package has no submissions/accepted/)",
                )?,
            };
            Some(crate::calibrate::calibrate(
                &toolchain,
                &package,
                &reference,
                &args.cache_dir,
            )?)
        }
        (None, false) => None,
    };
    let mode = match fuel_per_ms {
        Some(fuel_per_ms) => Mode::Deterministic { fuel_per_ms },
        None => Mode::Timed,
    };
    let compiled = build(&toolchain, &package, &source, lang, &args.cache_dir)?;
    let CompileOutcome::Ok(c) = &compiled else {
        let CompileOutcome::Error { message } = compiled else {
            unreachable!()
        };
        return print(
            &args,
            &package,
            json!({"status": "CE", "message": message}),
            None,
        );
    };
    let (checker, checker_wasm) = build_checker(&toolchain, &package, &args.cache_dir)?;
    let (factor, factor_from) = match (args.time_factor, args.calibrate_time) {
        (Some(f), _) => (TimeFactor::new(f)?, "given (--time-factor)".to_string()),
        // A problem's calibration runs its C and C++ references: Python has its own allowance.
        (None, _) if lang.is_python() => (
            TimeFactor::PYTHON,
            "Python's allowance (CPython for WASI against native CPython)".to_string(),
        ),
        (None, true) => {
            let c = crate::time_calibration::calibrate(
                &toolchain,
                &package,
                &args.problem,
                &checker,
                &args.cache_dir,
            )?;
            (c.factor, c.from)
        }
        (None, false) => (TimeFactor::DEFAULT, "default".to_string()),
    };
    let judged_ms = factor.judged_ms(package.limits.time_ms);
    let mut opts = JudgeOptions {
        all_tests: args.all_tests,
        ..JudgeOptions::new(
            sieve_domain::Limits {
                time_ms: judged_ms,
                ..package.limits
            },
            checker,
        )
    };
    let tests = test_inputs(&package);
    let info = json!({"status": "ok", "warnings": c.warnings, "message": c.message, "compile_ms": c.compile_ms, "fidelity": c.fidelity, "fuel_per_ms": fuel_per_ms,
        "time": {"stated_ms": package.limits.time_ms, "factor": factor.value(), "factor_from": factor_from, "judged_ms": judged_ms}});
    let result = if mode == Mode::Timed && !args.in_process {
        let mut supervisor = supervisor(&args.cache_dir)?;
        let checkers: Vec<&[u8]> = checker_wasm.iter().map(Vec::as_slice).collect();
        supervisor.judge(&c.wasm, &checkers, &tests, &package.subtasks, &opts)
    } else {
        let sandbox = Sandbox::new(SandboxConfig {
            mode,
            cache_dir: Some(args.cache_dir.clone()),
            max_instances: 4,
        })?;
        let program = sandbox.load(&c.wasm);
        opts.load_checkers(&sandbox, &checker_wasm)?;
        program.map(|p| on_guest_thread(|| judge(&sandbox, &p, &tests, &package.subtasks, &opts)))
    };
    match result {
        Ok(report) => print(&args, &package, info, Some(report)),
        Err(SandboxError::InvalidModule(m)) => {
            print(&args, &package, json!({"status": "CE", "message": m}), None)
        }
        Err(e) => Err(e.into()),
    }
}

/// `package` with its tests, made in the sandbox when it ships generators instead (a TPS
/// working copy without `tests/`).
pub fn with_tests(
    package: Package,
    toolchain: &Toolchain,
    cache_dir: &Path,
) -> anyhow::Result<Package> {
    if package.recipe.is_none() {
        return Ok(package);
    }
    eprintln!(
        "{}: making the tests from the package's generators in the sandbox",
        package.name
    );
    let mut supervisor = supervisor(cache_dir)?;
    Ok(sieve_worker::recipe::make_tests(
        toolchain,
        cache_dir,
        &mut supervisor,
        package,
    )?)
}

/// A supervisor whose judging processes are this binary's `sandbox-child`.
pub fn supervisor(cache_dir: &Path) -> anyhow::Result<Supervisor> {
    Ok(sieve_worker::judging_process(
        &std::env::current_exe()?,
        cache_dir,
    )?)
}

fn print(
    args: &JudgeArgs,
    package: &Package,
    compile: serde_json::Value,
    report: Option<JudgeReport>,
) -> anyhow::Result<std::process::ExitCode> {
    let code = std::process::ExitCode::from(exit_code(report.as_ref()));
    let judged_ms = compile["time"]["judged_ms"]
        .as_u64()
        .unwrap_or(package.limits.time_ms);
    let borderline = |t: &sieve_sandbox::TestReport| {
        t.verdict != Verdict::Skipped && TimeFactor::borderline(t.time_us, judged_ms)
    };
    if args.json {
        let marked: Vec<String> = report
            .iter()
            .flat_map(|r| &r.tests)
            .filter(|t| borderline(t))
            .map(|t| t.name.clone())
            .collect();
        let out = json!({
            "problem": package.name,
            "limits": package.limits,
            "warnings": package.warnings,
            "compile": compile,
            "report": report,
            "borderline": marked,
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(code);
    }
    for w in &package.warnings {
        eprintln!("warning: {w}");
    }
    for w in compile["fidelity"].as_array().into_iter().flatten() {
        eprintln!("fidelity: {}", w.as_str().unwrap_or(""));
    }
    let Some(report) = report else {
        println!(
            "CE  compilation failed\n{}",
            compile["message"].as_str().unwrap_or("")
        );
        return Ok(code);
    };
    let time = &compile["time"];
    println!(
        "time limit {} ms = {} ms stated x {:.2} ({})",
        judged_ms,
        package.limits.time_ms,
        time["factor"].as_f64().unwrap_or(1.0),
        time["factor_from"].as_str().unwrap_or("")
    );
    for t in &report.tests {
        if t.verdict == Verdict::Skipped {
            continue;
        }
        let code = format!("{:<4}", t.verdict.code());
        let code = if t.verdict == Verdict::AC && t.score >= 1.0 {
            console::style(code).green()
        } else if t.verdict == Verdict::AC {
            console::style(code).yellow()
        } else {
            console::style(code).red()
        };
        println!(
            "{code} {:>8.3} s {:>7.1} MiB  {}{}{}",
            t.time_us as f64 / 1e6,
            t.peak_memory as f64 / (1 << 20) as f64,
            t.name,
            if borderline(t) {
                "  [borderline: within 20% of the time limit]"
            } else {
                ""
            },
            if t.message.is_empty() {
                String::new()
            } else {
                format!("  ({})", t.message.lines().next().unwrap_or(""))
            }
        );
    }
    let skipped = report
        .tests
        .iter()
        .filter(|t| t.verdict == Verdict::Skipped)
        .count();
    if skipped > 0 {
        println!(
            "({skipped} tests skipped after a failure in their subtasks; --all-tests runs them)"
        );
    }
    for s in &report.subtasks {
        println!(
            "subtask {:<12} {:>7.2} / {:<7.2}",
            s.name, s.points, s.max_points
        );
    }
    println!("total {:.2} / {:.2}", report.total, report.max_total);
    Ok(code)
}

/// An output-only submission read from a directory: each file (in subdirectories too) is the
/// output of the test named by its path without the extension and without CMS's `output_`
/// prefix (`output_003.txt` is test `003`, `secret/1.out` is `secret/1`).
fn outputs_of(dir: &std::path::Path) -> anyhow::Result<Vec<u8>> {
    let mut outputs = serde_json::Map::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).with_context(|| format!("reading {}", d.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let stem = path.file_stem().unwrap_or_default().to_string_lossy();
            let stem = stem.strip_prefix("output_").unwrap_or(&stem);
            let parent = path.parent().unwrap_or(dir).strip_prefix(dir)?;
            let name = parent.join(stem).to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("{} is not UTF-8 text", path.display()))?;
            outputs.insert(name, serde_json::Value::String(text));
        }
    }
    if outputs.is_empty() {
        anyhow::bail!("{}: no output files", dir.display());
    }
    Ok(serde_json::to_vec(&outputs)?)
}
