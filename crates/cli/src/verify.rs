//! `sieve verify PACKAGE`: judges every submission the package ships (Kattis `submissions/`,
//! TPS `solutions.json`, Polygon's tagged solutions) in the supervised sandbox, as `sieve judge`
//! would, and compares each with what the package expects of it, as problemtools' and
//! BAPCtools' verifiers and TPS's `tps verify` do. Exits [`MISMATCH`] when any submission gets
//! something else.

use crate::judge::{
    build, build_checker, first_failure, load_problem, supervisor, test_inputs, with_tests,
};
use anyhow::Context;
use console::style;
use serde_json::json;
use sieve_domain::{Subtask, TimeFactor, Verdict};
use sieve_formats::{Expected, Outcome, Overrides, Submission};
use sieve_sandbox::{CompileOutcome, JudgeOptions, JudgeReport, Toolchain};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

/// The exit code when a submission does not get what the package expects.
pub const MISMATCH: u8 = 10;

/// Options of `sieve verify`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Exit codes: 0 every submission got what its package expects; \
    10 at least one did not; 1 sieve could not verify (an unreadable package, a toolchain \
    failure); 2 a usage error."
)]
pub struct VerifyArgs {
    /// The package's directory (Kattis, CMS/TPS or Polygon; a TPS working copy's tests are made
    /// from its generators first).
    package: PathBuf,
    /// Only the submissions whose path contains this.
    #[arg(long)]
    only: Option<String>,
    /// Print one JSON object instead of the table.
    #[arg(long)]
    json: bool,
    /// Time limit in milliseconds (overrides the package).
    #[arg(long)]
    time_limit: Option<u64>,
    /// Where compiled modules and builds are cached.
    #[arg(long, env = "SIEVE_CACHE_DIR", default_value = ".sieve/cache")]
    cache_dir: PathBuf,
}

/// What one submission got, against what was expected.
struct Verified {
    submission: Submission,
    /// `Ok` when as expected; the difference otherwise.
    verdict: Result<(), String>,
    /// What it got, in a few words.
    got: String,
    /// Its slowest test against the limit it was judged under (0 when it did not run).
    slowest: f64,
    judged_ms: u64,
}

/// The outcome of the whole run and of each subtask (by name), from a report. A subtask's first
/// failure is that of its own tests: a test it shares with a subtask judged earlier may have
/// failed there, and its own later tests were then skipped.
fn outcomes(
    report: &JudgeReport,
    subtasks: &[Subtask],
    names: &[String],
) -> (Outcome, BTreeMap<String, Outcome>) {
    let ran = |tests: &mut dyn Iterator<Item = usize>| -> Vec<(String, Verdict)> {
        tests
            .filter_map(|i| Some((names.get(i)?.clone(), report.tests.get(i)?.verdict)))
            .filter(|(_, v)| *v != Verdict::Skipped)
            .collect()
    };
    let whole = Outcome {
        points: report.total,
        max_points: report.max_total,
        first_failure: first_failure(report.tests.iter()),
        tests: ran(&mut (0..report.tests.len())),
    };
    let each = report
        .subtasks
        .iter()
        .zip(subtasks)
        .map(|(s, tests)| {
            let own = tests.tests.iter().filter_map(|&i| report.tests.get(i));
            (
                s.name.clone(),
                Outcome {
                    points: s.points,
                    max_points: s.max_points,
                    first_failure: first_failure(own),
                    tests: ran(&mut tests.tests.iter().copied()),
                },
            )
        })
        .collect();
    (whole, each)
}

fn got(whole: &Outcome) -> String {
    match whole.first_failure {
        None => format!("AC {}/{}", whole.points, whole.max_points),
        Some(v) => format!("{} {}/{}", v.code(), whole.points, whole.max_points),
    }
}

/// Runs `sieve verify`.
pub fn run(args: VerifyArgs) -> anyhow::Result<ExitCode> {
    let overrides = Overrides {
        time_ms: args.time_limit,
        memory_bytes: None,
    };
    let package = load_problem(&args.package, &overrides)
        .with_context(|| format!("reading package {}", args.package.display()))?;
    let toolchain = Toolchain::discover(&args.cache_dir)?;
    let mut package = with_tests(package, &toolchain, &args.cache_dir)?;
    let submissions: Vec<Submission> = std::mem::take(&mut package.submissions)
        .into_iter()
        .filter(|s| {
            args.only
                .as_ref()
                .is_none_or(|o| s.path.contains(o.as_str()))
        })
        .collect();
    if submissions.is_empty() {
        anyhow::bail!(
            "{} ships no submission with an expected verdict (Kattis submissions/<verdict>/, \
             TPS solutions.json, Polygon solutions with tags)",
            args.package.display()
        );
    }
    let (checker, checker_wasm) = build_checker(&toolchain, &package, &args.cache_dir)?;
    let checkers: Vec<&[u8]> = checker_wasm.iter().map(Vec::as_slice).collect();
    let tests = test_inputs(&package);
    let names: Vec<String> = package.tests.iter().map(|t| t.name.clone()).collect();
    let mut supervisor = supervisor(&args.cache_dir)?;
    let bar = crate::progress::bar(Some(submissions.len() as u64), args.json);
    let mut verified = Vec::with_capacity(submissions.len());
    for submission in submissions {
        bar.set_message(submission.path.clone());
        let factor = TimeFactor::DEFAULT.for_language(submission.language);
        let judged_ms = factor.judged_ms(package.limits.time_ms);
        let compiled = build(
            &toolchain,
            &package,
            &submission.source,
            submission.language,
            &args.cache_dir,
        )?;
        let report = match compiled {
            CompileOutcome::Ok(c) => {
                let mut opts = JudgeOptions::new(
                    sieve_domain::Limits {
                        time_ms: judged_ms,
                        ..package.limits
                    },
                    checker.clone(),
                );
                // The Kattis format's requirements are on every test's verdict (one a
                // submission must get somewhere, ones it must get nowhere): none is skipped.
                opts.all_tests = matches!(submission.expected, Expected::Kattis(_));
                Some(supervisor.judge(&c.wasm, &checkers, &tests, &package.subtasks, &opts)?)
            }
            CompileOutcome::Error { .. } => None,
        };
        let (whole, each) = match &report {
            Some(r) => outcomes(r, &package.subtasks, &names),
            None => {
                let max: f64 = package.subtasks.iter().map(|s| s.points).sum();
                let ce = |max_points| Outcome {
                    points: 0.0,
                    max_points,
                    first_failure: Some(Verdict::CE),
                    tests: vec![],
                };
                let each = package
                    .subtasks
                    .iter()
                    .map(|s| (s.name.clone(), ce(s.points)))
                    .collect();
                (ce(max), each)
            }
        };
        let slowest = report
            .iter()
            .flat_map(|r| &r.tests)
            .filter(|t| t.verdict != Verdict::Skipped)
            .map(|t| t.time_us as f64 / 1000.0 / judged_ms as f64)
            .fold(0.0, f64::max);
        verified.push(Verified {
            verdict: submission.expected.check(&whole, &each),
            got: got(&whole),
            submission,
            slowest,
            judged_ms,
        });
        bar.inc(1);
    }
    bar.finish_and_clear();
    let mismatches = verified.iter().filter(|v| v.verdict.is_err()).count();
    if args.json {
        let rows: Vec<_> = verified
            .iter()
            .map(|v| {
                json!({
                    "path": v.submission.path,
                    "language": v.submission.language.name(),
                    "expected": v.submission.expected.label(),
                    "got": v.got,
                    "ok": v.verdict.is_ok(),
                    "difference": v.verdict.as_ref().err(),
                    "slowest_share_of_limit": v.slowest,
                    "judged_ms": v.judged_ms,
                })
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({
                "package": package.name,
                "submissions": rows,
                "mismatches": mismatches,
            }))?
        );
    } else {
        for w in &package.warnings {
            eprintln!("warning: {w}");
        }
        let width = verified
            .iter()
            .map(|v| v.submission.path.len())
            .max()
            .unwrap_or(0);
        for v in &verified {
            let mark = match &v.verdict {
                Ok(()) => style("ok      ").green(),
                Err(_) => style("MISMATCH").red().bold(),
            };
            // How close an accepted run came to the limit: past 80% it is borderline.
            let time = format!("{:>4.0}% of {} ms", v.slowest * 100.0, v.judged_ms);
            let time = if v.slowest >= 0.8 {
                style(time).yellow()
            } else {
                style(time).dim()
            };
            println!(
                "{mark}  {:<width$}  expected {:<10} got {:<16} {time}",
                v.submission.path,
                v.submission.expected.label(),
                v.got,
            );
            if let Err(d) = &v.verdict {
                println!("          {d}");
            }
        }
        println!(
            "{} of {} submissions as expected",
            verified.len() - mismatches,
            verified.len()
        );
    }
    Ok(if mismatches == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(MISMATCH)
    })
}
