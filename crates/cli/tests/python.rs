//! Python candidates end to end: `sieve judge` through the supervised judging process (a batch
//! problem, an interactive one, and a Kattis package whose output validator is in Python), and
//! the service's workers judging posted Python candidates against real PostgreSQL.

mod common;

use common::{cache_dir, judged_through_the_service, repo};
use serde_json::Value;
use std::process::Command;

/// `sieve judge --json` of `source` (a path in the repository) on `problem`.
fn judge(problem: &str, source: &str) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_sieve"))
        .args(["judge", "--json", "--problem"])
        .arg(repo().join(problem))
        .arg("--source")
        .arg(repo().join(source))
        .arg("--cache-dir")
        .arg(cache_dir())
        .output()
        .expect("run sieve judge");
    assert!(
        matches!(out.status.code(), Some(0 | 10..=18)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

#[test]
fn sieve_judge_scores_python_on_batch_and_interactive_problems() {
    let sorted = judge("examples/pairsum", "tests/fixtures/python/pairsum_sort.py");
    assert_eq!(sorted["report"]["total"], 100.0, "{sorted}");
    // Python's allowance, not the problem's factor measured on C and C++.
    let time = &sorted["compile"]["time"];
    assert_eq!(time["factor"], 2.5, "{time}");
    assert_eq!(time["judged_ms"], 2500, "{time}");
    let quadratic = judge(
        "examples/pairsum",
        "tests/fixtures/python/pairsum_quadratic.py",
    );
    assert_eq!(quadratic["report"]["total"], 20.0, "{quadratic}");
    let tests = quadratic["report"]["tests"].as_array().expect("tests");
    assert!(
        tests.iter().any(|t| t["verdict"] == "TLE"),
        "the larger groups time out: {quadratic}"
    );
    let guess = judge("examples/guess", "tests/fixtures/python/guess_binary.py");
    assert_eq!(guess["report"]["total"], 100.0, "{guess}");
    let unflushed = judge("examples/guess", "tests/fixtures/python/guess_no_flush.py");
    assert_eq!(unflushed["report"]["total"], 0.0, "{unflushed}");
    assert_eq!(unflushed["report"]["tests"][0]["verdict"], "TLE");
}

#[test]
fn a_kattis_output_validator_in_python_judges_candidates() {
    let package = "tests/fixtures/packages/kattis-pyvalidator";
    for accepted in ["half.py", "one.cpp"] {
        let report = judge(
            package,
            &format!("{package}/submissions/accepted/{accepted}"),
        );
        let verdicts: Vec<&Value> = report["report"]["tests"]
            .as_array()
            .expect("tests")
            .iter()
            .map(|t| &t["verdict"])
            .collect();
        assert_eq!(verdicts, ["AC"; 4], "{accepted}: {report}");
    }
    let wrong = judge(
        package,
        &format!("{package}/submissions/wrong_answer/zero.py"),
    );
    let sample = &wrong["report"]["tests"][0];
    assert_eq!(sample["verdict"], "WA", "{wrong}");
    assert!(
        sample["message"]
            .as_str()
            .is_some_and(|m| m.contains("0 + 5 is not 5")),
        "the validator's feedback is the message: {sample}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_service_judges_posted_python_candidates() -> anyhow::Result<()> {
    let files = [
        ("tests/fixtures/python/pairsum_sort.py", 100.0),
        ("tests/fixtures/python/pairsum_quadratic.py", 20.0),
        ("tests/fixtures/python/re.py", 0.0),
    ];
    let judged = judged_through_the_service(
        "kattis",
        "examples/pairsum",
        "pairsum",
        "case_insensitive",
        &files,
    )
    .await?;
    for c in &judged {
        assert_eq!(c["language"], "python3", "{c}");
    }
    Ok(())
}
