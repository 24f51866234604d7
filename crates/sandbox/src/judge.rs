//! Judging one program against a problem's tests: run, check, score per subtask (IOI: the
//! minimum over the subtask's tests times its points), with testing of a subtask stopped at its
//! first failure unless every result is asked for. Shared tests run once. An interactive
//! problem's test is a conversation with its interactor instead of a run and a check.

use crate::checker::{CheckOutcome, check_builtin, check_custom};
use crate::communicate::{Manager, Unwatched, Watch, communicate};
use crate::interact::{Interactor, conversation_hash, converse};
use crate::{Program, RunOutcome, RunSpec, RunStatus, Sandbox, output_hash};
use serde::Serialize;
use sieve_domain::{CheckerProtocol, OutputHash, Subtask, Verdict, round_points, score_subtasks};

pub use crate::options::{JudgeOptions, TestInput};

/// The result of one test.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct TestReport {
    /// The test's name.
    pub name: String,
    /// The verdict.
    pub verdict: Verdict,
    /// Score in [0, 1].
    pub score: f64,
    /// CPU time in microseconds.
    pub time_us: u64,
    /// Fuel used (deterministic mode).
    pub fuel: u64,
    /// Peak memory in bytes.
    pub peak_memory: u64,
    /// Hash of the normalised output (32 hex digits in JSON); none for a test that did not run.
    pub output_hash: Option<OutputHash>,
    /// The checker's or the runtime's message.
    pub message: String,
    /// The end of what the candidate wrote to its stderr, at most [`STDERR_EXCERPT`] bytes.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub stderr: String,
    /// What the run printed (a Communication task's manager's output), when
    /// [`JudgeOptions::keep_outputs`] asks for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<Vec<u8>>,
}

/// How much of a candidate's stderr a report keeps: its end, where a crash's last words are.
pub const STDERR_EXCERPT: usize = 1024;

/// The last [`STDERR_EXCERPT`] bytes of `stderr`, cut at a character boundary.
fn excerpt(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let mut start = text.len().saturating_sub(STDERR_EXCERPT);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    text[start..].to_string()
}

/// The result of one subtask.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct SubtaskReport {
    /// The subtask's name.
    pub name: String,
    /// Points earned.
    pub points: f64,
    /// Points available.
    pub max_points: f64,
    /// Index (into the report's tests) of the first test that scored zero, if any.
    pub first_failure: Option<usize>,
}

/// The result of judging one program on a problem.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct JudgeReport {
    /// Per test, in the problem's order.
    pub tests: Vec<TestReport>,
    /// Per subtask.
    pub subtasks: Vec<SubtaskReport>,
    /// Sum of the subtasks' points.
    pub total: f64,
    /// Sum of the subtasks' maxima.
    pub max_total: f64,
}

/// The report of a test that was not run.
fn not_run(name: &str, verdict: Verdict, message: &str) -> TestReport {
    TestReport {
        name: name.to_string(),
        verdict,
        score: 0.0,
        time_us: 0,
        fuel: 0,
        peak_memory: 0,
        output_hash: None,
        message: message.to_string(),
        stderr: String::new(),
        output: None,
    }
}

fn skipped(name: &str) -> TestReport {
    not_run(name, Verdict::Skipped, "")
}

/// Runs and checks one test.
pub fn judge_test(
    sandbox: &Sandbox,
    program: &Program,
    test: &TestInput,
    opts: &JudgeOptions,
) -> TestReport {
    judge_test_with(sandbox, program, test, opts, &mut || {}, &Unwatched)
}

/// [`judge_test`], calling `before_check` when the candidate's run is over and the checker's
/// begins (a supervisor must not count the checker's time as the candidate's). In a
/// Communication task the manager runs on the calling thread, counted as the checker from the
/// start (`before_check` is called first), and the candidate's processes on threads of their
/// own, each announced to `watch`.
pub fn judge_test_with(
    sandbox: &Sandbox,
    program: &Program,
    test: &TestInput,
    opts: &JudgeOptions,
    before_check: &mut dyn FnMut(),
    watch: &dyn Watch,
) -> TestReport {
    if opts.checker.is_conversation() && opts.custom_checker.is_none() {
        // Run alone, the candidate would read the secret input as its own.
        return not_run(&test.name, Verdict::JudgeError, "interactor not loaded");
    }
    if opts.checker.is_conversation() && program.outputs.is_some() {
        // The submission's failure, not the judge's.
        return not_run(
            &test.name,
            Verdict::WA,
            "an output-only submission cannot talk to an interactor or a manager",
        );
    }
    let (run, outcome, hash, printed) = match (&opts.checker, &opts.custom_checker) {
        (
            checker @ sieve_domain::Checker::Communication {
                processes, user_io, ..
            },
            Some(manager),
        ) => {
            let manager = Manager {
                program: manager,
                processes: *processes,
                user_io: *user_io,
                then: checker.then().map(|c| (c, opts.then_checker.as_ref())),
            };
            before_check();
            let (run, outcome, printed) =
                communicate(sandbox, program, &manager, test, opts.limits, watch);
            let hash = conversation_hash(&outcome, &run, test);
            (run, outcome, hash, printed)
        }
        (checker, Some(interactor)) if checker.is_interactive() => {
            let interactor = Interactor {
                program: interactor,
                protocol: checker
                    .custom_program()
                    .map_or(CheckerProtocol::Interactive, |(p, _)| p),
                then: checker.then().map(|c| (c, opts.then_checker.as_ref())),
            };
            let (run, outcome) = converse(
                sandbox,
                program,
                &interactor,
                test,
                opts.limits,
                before_check,
                watch,
            );
            let hash = conversation_hash(&outcome, &run, test);
            (run, outcome, hash, vec![])
        }
        _ => {
            let run = match &program.outputs {
                Some(outputs) => submitted(outputs, &test.name),
                None => sandbox.run(
                    program,
                    RunSpec {
                        stdin: test.input.clone(),
                        args: vec!["main".into()],
                        files: vec![],
                        limits: opts.limits,
                    },
                ),
            };
            let missing = program
                .outputs
                .as_ref()
                .is_some_and(|o| !o.contains_key(&test.name));
            let outcome = if missing {
                CheckOutcome::new(Verdict::WA, 0.0, "no output submitted for this test")
            } else {
                failure(&run).unwrap_or_else(|| match &test.answer {
                    // No expected answer: the run is judged for its behaviour only.
                    None => CheckOutcome::new(Verdict::Ran, 0.0, ""),
                    Some(answer) => {
                        before_check();
                        let custom = opts.checker.custom_program().map(|(protocol, _)| protocol);
                        match (custom, &opts.custom_checker) {
                            (Some(protocol), Some(p)) => {
                                check_custom(sandbox, p, protocol, &test.input, &run.stdout, answer)
                            }
                            _ => check_builtin(&opts.checker, &run.stdout, answer),
                        }
                    }
                })
            };
            let hash = output_hash(&opts.checker, &run.stdout);
            let printed = if opts.keep_outputs {
                run.stdout.clone()
            } else {
                vec![]
            };
            (run, outcome, hash, printed)
        }
    };
    TestReport {
        name: test.name.clone(),
        verdict: outcome.verdict,
        score: outcome.score,
        time_us: run.time_us,
        fuel: run.fuel,
        peak_memory: run.peak_memory,
        output_hash: Some(hash),
        message: outcome.message,
        stderr: excerpt(&run.stderr),
        output: opts.keep_outputs.then_some(printed),
    }
}

/// What an output-only submission "ran" to on test `name`: its output for the test (nothing when
/// it has none), in no time.
fn submitted(outputs: &crate::outputs::Outputs, name: &str) -> RunOutcome {
    RunOutcome {
        status: RunStatus::Exited(0),
        stdout: outputs.get(name).map(|o| o.to_vec()).unwrap_or_default(),
        stderr: vec![],
        written: vec![],
        time_us: 0,
        fuel: 0,
        peak_memory: 0,
    }
}

/// The verdict of a run that did not end with exit code 0 (TLE, MLE, OLE, or RE with the trap
/// or exit code and the end of stderr); `None` for a clean exit.
pub(crate) fn failure(run: &RunOutcome) -> Option<CheckOutcome> {
    let stderr_tail = || {
        let s = String::from_utf8_lossy(&run.stderr);
        let s = s.trim();
        s[s.len().saturating_sub(300)..].to_string()
    };
    Some(match &run.status {
        RunStatus::TimeLimit => CheckOutcome::new(Verdict::TLE, 0.0, ""),
        RunStatus::MemoryLimit => CheckOutcome::new(Verdict::MLE, 0.0, ""),
        RunStatus::OutputLimit => CheckOutcome::new(Verdict::OLE, 0.0, ""),
        RunStatus::Trap(t) => {
            CheckOutcome::new(Verdict::RE, 0.0, format!("{t} {}", stderr_tail()).trim())
        }
        RunStatus::Exited(c) if *c != 0 => CheckOutcome::new(
            Verdict::RE,
            0.0,
            format!("exit code {c} {}", stderr_tail()).trim(),
        ),
        RunStatus::Exited(_) => return None,
    })
}

/// Judges `program` on `tests` grouped by `subtasks`. Tests in no subtask (samples) are run
/// first and score nothing.
pub fn judge(
    sandbox: &Sandbox,
    program: &Program,
    tests: &[TestInput],
    subtasks: &[Subtask],
    opts: &JudgeOptions,
) -> JudgeReport {
    let none = vec![None; tests.len()];
    judge_by(tests, subtasks, opts, none, &mut |i| {
        judge_test(sandbox, program, &tests[i], opts)
    })
}

/// The judging order and bookkeeping, with `run_test(i)` doing the work for test `i`. Tests with
/// a report in `done` are not run again (a supervisor resumes after killing a judging process).
pub fn judge_by(
    tests: &[TestInput],
    subtasks: &[Subtask],
    opts: &JudgeOptions,
    done: Vec<Option<TestReport>>,
    run_test: &mut dyn FnMut(usize) -> TestReport,
) -> JudgeReport {
    let mut reports = done;
    reports.resize(tests.len(), None);
    let in_subtask: Vec<bool> = (0..tests.len())
        .map(|i| subtasks.iter().any(|s| s.tests.contains(&i)))
        .collect();
    let mut order: Vec<usize> = (0..tests.len()).filter(|i| !in_subtask[*i]).collect();
    for s in subtasks {
        order.extend(s.tests.iter().copied());
    }
    let mut failed_subtask = vec![false; subtasks.len()];
    let mut timeouts = reports
        .iter()
        .flatten()
        .filter(|r| r.verdict == Verdict::TLE)
        .count();
    for i in order {
        if i >= tests.len() {
            continue;
        }
        let owners: Vec<usize> = (0..subtasks.len())
            .filter(|s| subtasks[*s].tests.contains(&i))
            .collect();
        if reports[i].is_none() {
            // Skip only when every subtask that holds this test has already failed.
            if !opts.all_tests && !owners.is_empty() && owners.iter().all(|s| failed_subtask[*s]) {
                continue;
            }
            if opts.timeout_budget.is_some_and(|b| timeouts >= b) {
                continue;
            }
            let report = run_test(i);
            timeouts += usize::from(report.verdict == Verdict::TLE);
            reports[i] = Some(report);
        }
        if reports[i].as_ref().is_some_and(|r| r.score <= 0.0) {
            for s in &owners {
                failed_subtask[*s] = true;
            }
        }
    }
    let scores: Vec<Option<f64>> = reports
        .iter()
        .map(|r| r.as_ref().map(|r| r.score))
        .collect();
    let tests_out: Vec<TestReport> = reports
        .into_iter()
        .enumerate()
        .map(|(i, r)| r.unwrap_or_else(|| skipped(&tests[i].name)))
        .collect();
    let results = score_subtasks(subtasks, &scores, opts.precision).unwrap_or_default();
    let subtasks_out: Vec<SubtaskReport> = subtasks
        .iter()
        .zip(results)
        .map(|(s, r)| SubtaskReport {
            name: s.name.clone(),
            points: r.points,
            max_points: r.max_points,
            first_failure: s
                .tests
                .iter()
                .copied()
                .find(|t| tests_out.get(*t).is_some_and(|r| r.score <= 0.0)),
        })
        .collect();
    JudgeReport {
        total: round_points(subtasks_out.iter().map(|s| s.points).sum(), opts.precision),
        max_total: subtasks_out.iter().map(|s| s.max_points).sum(),
        tests: tests_out,
        subtasks: subtasks_out,
    }
}
