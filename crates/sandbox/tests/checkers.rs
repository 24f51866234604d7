//! Custom checkers in the sandbox (testlib and Kattis protocols), and IOI subtask scoring.

mod common;

use common::*;
use sieve_domain::{Checker, Subtask, Verdict};
use sieve_sandbox::JudgeOptions;

fn with_checker(rel: &str, kattis: bool) -> JudgeOptions {
    let checker = program(&TIMED, rel);
    let program = sieve_domain::BlobHash(checker.hash);
    let mut opts = options(if kattis {
        Checker::Kattis { program }
    } else {
        Checker::Testlib { program }
    });
    opts.custom_checker = Some(checker);
    opts
}

fn verdict(candidate: &str, opts: &JudgeOptions) -> (Verdict, f64, String) {
    let p = program(&TIMED, candidate);
    let r = judge_sum(&TIMED, &p, opts);
    (
        r.tests[0].verdict,
        r.tests[0].score,
        r.tests[0].message.clone(),
    )
}

#[test]
fn testlib_checker_accepts_and_rejects() {
    let opts = with_checker("verdicts/checkers/testlib_like_ok.cpp", false);
    assert_eq!(verdict("verdicts/ac.cpp", &opts).0, Verdict::AC);
    assert_eq!(verdict("verdicts/ws.cpp", &opts).0, Verdict::AC);
    assert_eq!(verdict("verdicts/wa.cpp", &opts).0, Verdict::WA);
}

#[test]
fn testlib_presentation_error_and_partial_points() {
    let pe = with_checker("verdicts/checkers/checker_pe.c", false);
    let (v, _, message) = verdict("verdicts/pe.cpp", &pe);
    assert_eq!(v, Verdict::PE, "{message}");
    assert!(message.contains("extra output"), "{message}");
    let partial = with_checker("verdicts/checkers/checker_partial.cpp", false);
    let (v, score, _) = verdict("verdicts/ac.cpp", &partial);
    assert_eq!((v, score), (Verdict::AC, 0.5));
}

#[test]
fn crashing_or_looping_checker_is_a_judge_error_not_wa() {
    for rel in [
        "verdicts/checkers/checker_crash.cpp",
        "verdicts/checkers/checker_loop.cpp",
    ] {
        let opts = with_checker(rel, false);
        let (v, score, message) = verdict("verdicts/ac.cpp", &opts);
        assert_eq!(v, Verdict::JudgeError, "{rel}: {message}");
        assert_eq!(score, 0.0);
        assert!(message.starts_with("checker failed"), "{rel}: {message}");
    }
}

#[test]
fn kattis_output_validator_protocol() {
    let opts = with_checker("verdicts/checkers/kattis_validator.cpp", true);
    let (v, _, _) = verdict("verdicts/ac.cpp", &opts);
    assert_eq!(v, Verdict::AC);
    let (v, _, message) = verdict("verdicts/wa.cpp", &opts);
    assert_eq!(v, Verdict::WA);
    assert!(
        !message.is_empty(),
        "the judge message is read from the feedback dir"
    );
}

/// problemtools' and BAPCtools' validate.h `stat` the feedback directory before anything else.
#[test]
fn a_kattis_validator_finds_its_feedback_directory() {
    let opts = with_checker("verdicts/checkers/kattis_validator_stat.c", true);
    let (v, _, message) = verdict("verdicts/ac.cpp", &opts);
    assert_eq!(v, Verdict::AC, "{message}");
    assert_eq!(verdict("verdicts/wa.cpp", &opts).0, Verdict::WA);
}

fn subtask(name: &str, points: f64, tests: &[usize]) -> Subtask {
    Subtask {
        name: name.into(),
        points,
        tests: tests.to_vec(),
        contains: vec![],
    }
}

#[test]
fn subtasks_score_the_minimum_and_stop_at_the_first_failure() {
    // The "a-b" program is right exactly when b = 0.
    let p = program(&TIMED, "verdicts/wa.cpp");
    let tests = [
        test("sample", "7 0\n", Some("7\n")),
        test("s1-1", "5 0\n", Some("5\n")),
        test("s1-2", "9 0\n", Some("9\n")),
        test("s2-1", "2 3\n", Some("5\n")),
        test("s2-2", "4 4\n", Some("8\n")),
        test("shared", "1 0\n", Some("1\n")),
    ];
    let subtasks = [
        subtask("small", 30.0, &[1, 2, 5]),
        subtask("full", 70.0, &[5, 3, 4]),
    ];
    let opts = options(Checker::Tokens);
    let r = judge_on(&TIMED, &p, &tests, &subtasks, &opts);
    assert_eq!(r.total, 30.0);
    assert_eq!(r.max_total, 100.0);
    assert_eq!(r.subtasks[1].first_failure, Some(3));
    assert_eq!(r.tests[0].verdict, Verdict::AC, "samples run too");
    assert_eq!(
        r.tests[4].verdict,
        Verdict::Skipped,
        "stopped after the first failure"
    );
    let mut all = opts.clone();
    all.all_tests = true;
    let r = judge_on(&TIMED, &p, &tests, &subtasks, &all);
    assert_eq!(
        r.tests[4].verdict,
        Verdict::WA,
        "--all-tests runs everything"
    );
    assert_eq!(r.total, 30.0);
}

#[test]
fn cms_checker_gets_the_answer_before_the_output_and_reports_on_stdout() {
    let checker = program(&TIMED, "verdicts/checkers/checker_cms.cpp");
    let mut opts = options(Checker::Cms {
        program: sieve_domain::BlobHash(checker.hash),
    });
    opts.custom_checker = Some(checker);
    let (v, score, message) = verdict("verdicts/ac.cpp", &opts);
    assert_eq!((v, score), (Verdict::AC, 1.0), "{message}");
    assert_eq!(message, "output is correct");
    // wa.cpp prints -1 where 5 is right: 5 - 6, half marks only in CMS's argument order.
    let (v, score, message) = verdict("verdicts/wa.cpp", &opts);
    assert_eq!((v, score), (Verdict::AC, 0.5), "{message}");
    assert_eq!(message, "output is partially correct");
}
