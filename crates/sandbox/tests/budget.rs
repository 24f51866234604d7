//! The time-out budget: past a few time-outs, a candidate's remaining tests are skipped, not
//! run (a looping program would cost the time limit on each), and a resumed judging counts the
//! time-outs it already has.

use sieve_domain::{Checker, Limits, OutputHash, Verdict};
use sieve_sandbox::{JudgeOptions, TestInput, TestReport, judge_by};
use std::sync::Arc;

fn report(i: usize, verdict: Verdict) -> TestReport {
    TestReport {
        name: format!("t{i}"),
        verdict,
        score: 0.0,
        time_us: if verdict == Verdict::TLE {
            1_000_000
        } else {
            10
        },
        fuel: 0,
        peak_memory: 0,
        output_hash: Some(OutputHash((i as u128).to_le_bytes())),
        message: String::new(),
        stderr: String::new(),
        output: None,
    }
}

fn tests(n: usize) -> Vec<TestInput> {
    (0..n)
        .map(|i| TestInput {
            name: format!("t{i}"),
            input: Arc::from(&b"1\n"[..]),
            answer: None,
        })
        .collect()
}

fn options(budget: Option<usize>) -> JudgeOptions {
    JudgeOptions {
        all_tests: true,
        timeout_budget: budget,
        ..JudgeOptions::new(Limits::default(), Checker::Tokens)
    }
}

/// Test `i`'s verdict: the odd tests time out.
fn verdict(i: usize) -> Verdict {
    if i % 2 == 1 {
        Verdict::TLE
    } else {
        Verdict::Ran
    }
}

/// Judges 10 tests; returns the tests run and the verdicts.
fn judge(budget: Option<usize>, done: Vec<Option<TestReport>>) -> (Vec<usize>, Vec<Verdict>) {
    let mut ran = Vec::new();
    let out = judge_by(&tests(10), &[], &options(budget), done, &mut |i| {
        ran.push(i);
        report(i, verdict(i))
    });
    (ran, out.tests.iter().map(|t| t.verdict).collect())
}

#[test]
fn tests_after_the_budgets_last_time_out_are_skipped() {
    let (ran, verdicts) = judge(Some(3), vec![]);
    assert_eq!(ran, vec![0, 1, 2, 3, 4, 5], "stops at the third time-out");
    assert_eq!(&verdicts[..6], &[Verdict::Ran, Verdict::TLE].repeat(3)[..]);
    assert!(verdicts[6..].iter().all(|v| *v == Verdict::Skipped));
}

#[test]
fn without_a_budget_every_test_runs() {
    let (ran, verdicts) = judge(None, vec![]);
    assert_eq!(ran, (0..10).collect::<Vec<_>>());
    assert_eq!(verdicts.iter().filter(|v| **v == Verdict::TLE).count(), 5);
}

#[test]
fn a_resumed_judging_counts_the_time_outs_it_has() {
    // Tests 0-3 were judged before the judging process was restarted: two time-outs.
    let done: Vec<Option<TestReport>> = (0..4).map(|i| Some(report(i, verdict(i)))).collect();
    let (ran, verdicts) = judge(Some(3), done);
    assert_eq!(ran, vec![4, 5], "one time-out left in the budget");
    assert_eq!(verdicts[5], Verdict::TLE);
    assert!(verdicts[6..].iter().all(|v| *v == Verdict::Skipped));
}
