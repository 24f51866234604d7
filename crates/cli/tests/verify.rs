//! `sieve verify` on the bundled examples and fixture packages (every submission as its package
//! expects: exit 0), on a copy with a wrong expectation (exit 10, the difference named), and
//! `sieve judge`'s exit code per outcome.

mod common;

use common::{copy_dir, repo};
use serde_json::Value;
use std::process::{Command, Output};

fn sieve(args: &[&str], path: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sieve"))
        .args(args)
        .arg(path)
        .arg("--cache-dir")
        .arg(repo().join("target/sieve-test/cache"))
        .output()
        .expect("run sieve")
}

fn verify(path: &std::path::Path) -> (Option<i32>, Value) {
    let out = sieve(&["verify", "--json"], path);
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{}: {e}: {}",
            path.display(),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code(), v)
}

/// The one submission of a verify report that was not as expected.
fn the_mismatch(v: &Value) -> &Value {
    let wrong: Vec<&Value> = v["submissions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|s| s["ok"] == false)
        .collect();
    assert_eq!(wrong.len(), 1, "{v:#}");
    wrong[0]
}

#[test]
fn every_shipped_submission_gets_what_its_package_expects() {
    for (package, count) in [
        ("examples/divsum", 8),
        ("examples/pairsum", 8),
        ("examples/guess", 7),
        ("tests/fixtures/packages/tps-gen", 3),
        ("tests/fixtures/packages/tps-guess", 6),
        ("tests/fixtures/packages/kattis-pyvalidator", 3),
        ("tests/fixtures/packages/grader-sum", 2),
        ("tests/fixtures/packages/kattis-2025", 5),
    ] {
        let (code, v) = verify(&repo().join(package));
        assert_eq!(code, Some(0), "{package}: {v:#}");
        assert_eq!(
            v["submissions"].as_array().map(Vec::len),
            Some(count),
            "{package}: {v:#}"
        );
        assert_eq!(v["mismatches"], 0);
    }
}

#[test]
fn a_wrong_expectation_fails_verification_and_says_why() {
    let tmp = tempfile::tempdir().expect("tempdir");
    copy_dir(&repo().join("examples/pairsum"), tmp.path()).expect("copy");
    let subs = tmp.path().join("submissions");
    std::fs::rename(
        subs.join("wrong_answer/int_x.cpp"),
        subs.join("accepted/int_x.cpp"),
    )
    .expect("move");
    let (code, v) = verify(tmp.path());
    assert_eq!(code, Some(10), "{v:#}");
    assert_eq!(v["mismatches"], 1, "{v:#}");
    let wrong = the_mismatch(&v);
    assert_eq!(wrong["path"], "submissions/accepted/int_x.cpp");
    assert!(
        wrong["difference"]
            .as_str()
            .is_some_and(|d| d.starts_with("expected accepted, got WA")),
        "{wrong}"
    );
    // The table says it too, and exits the same way.
    let out = sieve(&["verify"], tmp.path());
    let table = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(10));
    assert!(
        table.contains("MISMATCH  submissions/accepted/int_x.cpp"),
        "{table}"
    );
    assert!(table.contains("7 of 8 submissions as expected"), "{table}");
    // A package that ships nothing to verify is an error, not a pass.
    let bare = sieve(&["verify"], &repo().join("tests/fixtures/packages/tps-max"));
    assert_eq!(bare.status.code(), Some(1));
    let err = String::from_utf8_lossy(&bare.stderr);
    assert!(
        err.starts_with("error: ") && err.contains("ships no submission"),
        "{err}"
    );
    assert!(
        !err.contains("backtrace"),
        "a user's error, not a crash: {err}"
    );
}

/// The Kattis format's 2025-09 `submissions.yaml`: a score range, per-group verdicts and a
/// group's score, each checked; one wrong requirement fails the run and is named.
#[test]
fn submissions_yaml_requirements_are_checked() {
    let tmp = tempfile::tempdir().expect("tempdir");
    copy_dir(
        &repo().join("tests/fixtures/packages/kattis-2025"),
        tmp.path(),
    )
    .expect("copy");
    let yaml = tmp.path().join("submissions/submissions.yaml");
    let text = std::fs::read_to_string(&yaml).expect("yaml");
    // int_sum.c scores 20 of group2's 30 points (it overflows on one of three tests).
    std::fs::write(&yaml, text.replace("    score: 20", "    score: 30")).expect("write");
    let (code, v) = verify(tmp.path());
    assert_eq!(code, Some(10), "{v:#}");
    assert_eq!(v["mismatches"], 1, "{v:#}");
    let wrong = the_mismatch(&v);
    assert_eq!(wrong["path"], "submissions/partial/int_sum.c");
    assert_eq!(
        wrong["difference"], "secret/group2: score 20, expected 30",
        "{wrong}"
    );
    // A verdict a group does not permit is named with its test.
    std::fs::write(
        &yaml,
        text.replace(
            "secret/group3:\n    required: [WA]",
            "secret/group3:\n    permitted: [AC]",
        ),
    )
    .expect("write");
    let (code, v) = verify(tmp.path());
    assert_eq!(code, Some(10), "{v:#}");
    let wrong = the_mismatch(&v);
    assert_eq!(
        wrong["difference"], "secret/group3/big/x: WA is not permitted (AC)",
        "{wrong}"
    );
}

#[test]
fn judge_exits_by_outcome() {
    let judge = |source: &std::path::Path| {
        Command::new(env!("CARGO_BIN_EXE_sieve"))
            .args(["judge", "--problem"])
            .arg(repo().join("examples/pairsum"))
            .arg("--source")
            .arg(source)
            .arg("--cache-dir")
            .arg(repo().join("target/sieve-test/cache"))
            .output()
            .expect("run sieve judge")
            .status
            .code()
    };
    let sub = |p: &str| repo().join("examples/pairsum/submissions").join(p);
    assert_eq!(judge(&sub("accepted/sort_two_pointers.cpp")), Some(0));
    assert_eq!(judge(&sub("wrong_answer/strict_less.cpp")), Some(10));
    assert_eq!(judge(&sub("time_limit_exceeded/quadratic.cpp")), Some(12));
    assert_eq!(judge(&sub("run_time_error/fixed_array_at.cpp")), Some(15));
    let tmp = tempfile::tempdir().expect("tempdir");
    let broken = tmp.path().join("broken.cpp");
    std::fs::write(&broken, "int main( {").expect("write");
    assert_eq!(judge(&broken), Some(16));
    assert_eq!(
        judge(&tmp.path().join("missing.cpp")),
        Some(1),
        "not judged at all"
    );
}

#[test]
fn verdicts_are_coloured_on_request_and_never_with_no_color() {
    let judge = |env: &[(&str, &str)]| {
        let out = Command::new(env!("CARGO_BIN_EXE_sieve"))
            .args(["judge", "--problem"])
            .arg(repo().join("examples/pairsum"))
            .arg("--source")
            .arg(repo().join("examples/pairsum/submissions/wrong_answer/int_x.cpp"))
            .arg("--cache-dir")
            .arg(repo().join("target/sieve-test/cache"))
            .env_remove("NO_COLOR")
            .envs(env.iter().copied())
            .output()
            .expect("run sieve judge");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let escape = "\u{1b}[";
    assert!(!judge(&[]).contains(escape), "a pipe gets no colours");
    let forced = judge(&[("CLICOLOR_FORCE", "1")]);
    assert!(forced.contains("\u{1b}[31mWA"), "{forced}");
    assert!(forced.contains("\u{1b}[32mAC"), "{forced}");
    assert!(!judge(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]).contains(escape));
}
