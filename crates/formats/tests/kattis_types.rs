//! Kattis problem types: `type: interactive` (2023-07) read as the legacy
//! `validation: custom interactive`, and the types sieve cannot run (multi-pass, submit-answer)
//! refused rather than judged as pass-fail.

use sieve_domain::Checker;
use sieve_formats::{FormatError, Overrides, load_kattis};
use std::fs;
use std::path::Path;

/// A copy of the `grader-sum` fixture whose problem.yaml's `type: pass-fail` is `extra`.
fn with_yaml(extra: &str) -> tempfile::TempDir {
    let from =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/packages/grader-sum");
    let tmp = tempfile::tempdir().unwrap();
    let copy = std::process::Command::new("cp")
        .arg("-r")
        .arg(from.join("."))
        .arg(tmp.path())
        .status()
        .unwrap();
    assert!(copy.success());
    let yaml = tmp.path().join("problem.yaml");
    let text = fs::read_to_string(&yaml)
        .unwrap()
        .replace("type: pass-fail\n", "")
        + extra;
    fs::write(yaml, text).unwrap();
    tmp
}

#[test]
fn problem_types_sieve_cannot_run_are_refused() {
    for extra in [
        "type: multi-pass\n",
        "type: [interactive, multi-pass]\n",
        "type: submit-answer\n",
        "validation: custom interactive multi-pass\n",
    ] {
        let tmp = with_yaml(extra);
        let err = load_kattis(tmp.path(), &Overrides::default()).unwrap_err();
        assert!(
            matches!(&err, FormatError::Unsupported { message, .. } if message.contains("cannot be judged")),
            "{extra}: {err}"
        );
    }
}

#[test]
fn type_interactive_is_an_interactive_problem() {
    let tmp = with_yaml("type: interactive\n");
    fs::create_dir_all(tmp.path().join("output_validator")).unwrap();
    fs::write(
        tmp.path().join("output_validator/interactor.cpp"),
        "int main() { return 42; }",
    )
    .unwrap();
    let p = load_kattis(tmp.path(), &Overrides::default()).unwrap();
    assert!(
        matches!(p.checker, Checker::Interactive { .. }),
        "{:?}",
        p.checker
    );
}
