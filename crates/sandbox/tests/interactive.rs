//! Interactive problems: the candidate and the interactor in two stores on two threads, joined by
//! in-host pipes (`examples/guess`, a Kattis interactive package).

mod common;

use common::*;
use sieve_domain::{Checker, Subtask, Verdict};
use sieve_sandbox::{JudgeOptions, JudgeReport, Program, Sandbox, TestInput};
use std::path::Path;
use std::sync::Arc;

// Relative to tests/fixtures, where `program` looks.
const PACKAGE: &str = "../../examples/guess";

/// The package's tests in order (sample, group 1, group 2) and its two groups.
fn package_tests() -> (Vec<TestInput>, Vec<Subtask>) {
    let data = fixture(PACKAGE).join("data");
    let mut tests = Vec::new();
    let mut subtasks = Vec::new();
    for (dir, points) in [
        ("sample", 0.0),
        ("secret/group1", 40.0),
        ("secret/group2", 60.0),
    ] {
        let mut inputs: Vec<_> = std::fs::read_dir(data.join(dir))
            .expect("test dir")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "in"))
            .collect();
        inputs.sort();
        let first = tests.len();
        for input in &inputs {
            tests.push(TestInput {
                name: format!("{dir}/{}", input.file_stem().unwrap().to_string_lossy()),
                input: Arc::from(std::fs::read(input).expect("input")),
                answer: Some(Arc::from(
                    std::fs::read(input.with_extension("ans")).expect("answer"),
                )),
            });
        }
        if points > 0.0 {
            subtasks.push(Subtask {
                name: dir.into(),
                points,
                tests: (first..tests.len()).collect(),
                contains: vec![],
            });
        }
    }
    (tests, subtasks)
}

fn interactive(sandbox: &Sandbox, interactor: &str) -> JudgeOptions {
    let program = program(sandbox, interactor);
    let mut opts = options(Checker::Interactive {
        program: sieve_domain::BlobHash(program.hash),
    });
    opts.custom_checker = Some(program);
    opts
}

fn judge_guess(sandbox: &Sandbox, candidate: &Program, opts: &JudgeOptions) -> JudgeReport {
    let (tests, subtasks) = package_tests();
    judge_on(sandbox, candidate, &tests, &subtasks, opts)
}

const INTERACTOR: &str = "../../examples/guess/output_validators/guess/interactor.cpp";

#[test]
fn every_submission_scores_what_the_package_says() {
    let opts = interactive(&TIMED, INTERACTOR);
    let expected = std::fs::read_to_string(fixture(PACKAGE).join("submissions/expected.tsv"))
        .expect("expected.tsv");
    for line in expected.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (file, score): (&str, f64) = (cols[0], cols[1].parse().expect("score"));
        let rel = Path::new(PACKAGE).join("submissions").join(file);
        let candidate = program(&TIMED, rel.to_str().expect("utf-8"));
        let report = judge_guess(&TIMED, &candidate, &opts);
        assert_eq!(report.total, score, "{file}: {:#?}", report.tests);
    }
}

#[test]
fn verdicts_say_what_went_wrong() {
    let opts = interactive(&TIMED, INTERACTOR);
    let first_failure = |file: &str| {
        let rel = format!("{PACKAGE}/submissions/{file}");
        let report = judge_guess(&TIMED, &program(&TIMED, &rel), &opts);
        let failed = report.tests.iter().find(|t| t.verdict != Verdict::AC);
        failed.expect("a failure").clone()
    };
    let idle = first_failure("time_limit_exceeded/no_flush.cpp");
    assert_eq!(idle.verdict, Verdict::TLE);
    assert!(idle.message.starts_with("idle"), "{}", idle.message);
    // Waiting is not running: the deadlock is found at once, not after the time limit.
    assert!(idle.time_us < 500_000, "{}", idle.time_us);
    let wa = first_failure("wrong_answer/never_guesses_n.cpp");
    assert_eq!(wa.verdict, Verdict::WA);
    assert_eq!(wa.message, "more than 30 guesses");
    let re = first_failure("run_time_error/abort_on_first_miss.cpp");
    assert_eq!(re.verdict, Verdict::RE, "{}", re.message);
    let slow = first_failure("partially_accepted/linear.cpp");
    assert_eq!(
        (slow.verdict, slow.name.as_str()),
        (Verdict::WA, "secret/group2/2-high")
    );
}

#[test]
fn accepted_conversations_hash_alike_and_rejected_ones_by_what_was_said() {
    let opts = interactive(&TIMED, INTERACTOR);
    let judged = |file: &str| {
        let rel = format!("{PACKAGE}/submissions/{file}");
        judge_guess(&TIMED, &program(&TIMED, &rel), &opts)
    };
    let binary = judged("accepted/binary_search.cpp");
    let linear = judged("partially_accepted/linear.cpp");
    let wrong = judged("wrong_answer/never_guesses_n.cpp");
    // Binary and linear search ask different questions; where the interactor accepts both, their
    // outputs are equal answers, as a checker would say of equal outputs.
    for (b, l) in binary.tests.iter().zip(&linear.tests).take(4) {
        assert_eq!(
            (b.verdict, l.verdict),
            (Verdict::AC, Verdict::AC),
            "{}",
            b.name
        );
        assert_eq!(b.output_hash, l.output_hash, "{}", b.name);
    }
    // Like right outputs, accepted conversations differ from test to test.
    assert_ne!(binary.tests[1].output_hash, binary.tests[2].output_hash);
    // Rejected: the candidate's side of the conversation, so that wrong behaviours stay apart.
    let (w, l) = (&wrong.tests[2], &linear.tests[5]);
    assert_eq!((w.verdict, l.verdict), (Verdict::WA, Verdict::WA));
    assert_ne!(w.output_hash, binary.tests[2].output_hash);
    assert_ne!(w.output_hash, l.output_hash);
}

#[test]
fn reading_on_after_the_interactor_ended_is_not_held_against_the_candidate() {
    let opts = interactive(&TIMED, INTERACTOR);
    let c = program(&TIMED, "verdicts/interactive/reads_past_the_end.cpp");
    assert_eq!(judge_guess(&TIMED, &c, &opts).total, 100.0);
}

/// A rejection the interactor gave before the candidate timed out decides: WA, not TLE.
#[test]
fn a_rejection_before_a_time_out_is_wa() {
    let opts = interactive(&TIMED, INTERACTOR);
    let c = program(&TIMED, "verdicts/interactive/wrong_then_spins.cpp");
    let r = judge_on(&TIMED, &c, &[test("t", "10 7\n", Some("7\n"))], &[], &opts);
    assert_eq!(r.tests[0].verdict, Verdict::WA, "{:?}", r.tests[0]);
}

/// An interactor that closes its stdout ends the candidate's input, as a pipe does natively.
#[test]
fn an_interactor_closing_its_stdout_ends_the_candidates_input() {
    let opts = interactive(&TIMED, "verdicts/interactive/closes_its_stdout.c");
    let c = program(&TIMED, "verdicts/interactive/sums_to_eof.c");
    let r = judge_on(
        &TIMED,
        &c,
        &[test("t", "3 4 5\n", Some("12\n"))],
        &[],
        &opts,
    );
    assert_eq!(r.tests[0].verdict, Verdict::AC, "{}", r.tests[0].message);
}

#[test]
fn the_candidate_is_charged_its_own_time_only() {
    let mut opts = interactive(&TIMED, "verdicts/interactive/slow_interactor.cpp");
    opts.limits.time_ms = 500;
    let tests = [test("t", "1000 777\n", Some("777\n"))];
    let search = program(
        &TIMED,
        &format!("{PACKAGE}/submissions/accepted/binary_search.cpp"),
    );
    let r = judge_on(&TIMED, &search, &tests, &[], &opts);
    // The interactor computes for over a second before it speaks; the candidate waits for it.
    assert_eq!(r.tests[0].verdict, Verdict::AC, "{}", r.tests[0].message);
    assert!(r.tests[0].time_us < 100_000, "{}", r.tests[0].time_us);
    let spin = program(&TIMED, "verdicts/interactive/spins.cpp");
    let r = judge_on(&TIMED, &spin, &tests, &[], &opts);
    assert_eq!(r.tests[0].verdict, Verdict::TLE, "{}", r.tests[0].message);
}

#[test]
fn a_crashing_interactor_is_a_judge_error() {
    let opts = interactive(&TIMED, "verdicts/interactive/crashing_interactor.cpp");
    let c = program(
        &TIMED,
        &format!("{PACKAGE}/submissions/accepted/binary_search.cpp"),
    );
    let r = judge_on(&TIMED, &c, &[test("t", "10 7\n", Some("7\n"))], &[], &opts);
    assert_eq!(r.tests[0].verdict, Verdict::JudgeError);
    assert!(
        r.tests[0].message.starts_with("interactor failed"),
        "{}",
        r.tests[0].message
    );
}

#[test]
fn fuel_makes_conversations_repeatable() {
    let opts = interactive(&FUEL, INTERACTOR);
    let c = program(
        &FUEL,
        &format!("{PACKAGE}/submissions/accepted/binary_search.cpp"),
    );
    let fuel = |r: &JudgeReport| r.tests.iter().map(|t| t.fuel).collect::<Vec<_>>();
    let a = judge_guess(&FUEL, &c, &opts);
    assert_eq!(a.total, 100.0);
    assert!(fuel(&a).iter().all(|f| *f > 0));
    // A message split between two reads costs the reader more instructions: the same fuel on
    // every run means every message arrived whole.
    for _ in 0..10 {
        assert_eq!(fuel(&a), fuel(&judge_guess(&FUEL, &c, &opts)));
    }
}

#[test]
fn an_interactive_problem_without_its_interactor_is_never_run_as_batch() {
    let mut opts = interactive(&TIMED, INTERACTOR);
    opts.custom_checker = None;
    let c = program(
        &TIMED,
        &format!("{PACKAGE}/submissions/accepted/binary_search.cpp"),
    );
    let r = judge_on(&TIMED, &c, &[test("t", "10 7\n", None)], &[], &opts);
    assert_eq!(r.tests[0].verdict, Verdict::JudgeError);
    assert_eq!(r.tests[0].message, "interactor not loaded");
}
