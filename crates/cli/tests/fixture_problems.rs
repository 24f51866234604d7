//! `sieve judge` on four real contest problems, each as a small package of this repository's own
//! tests (tests/fixtures/problems/<problem>/package, made by make_packages.py from its generators,
//! in the shape of the real package), with the hand-written candidates next to it: every candidate
//! must score what `expected-package.tsv` says (scores of the same package judged natively with
//! g++ -O2 by examples/judge_native.py). The same candidates on the official tests are
//! `sieve bench agreement --problems DIR`.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Judges every candidate of `tests/fixtures/problems/<fixtures>` against its own package.
fn check_all(fixtures: &str, limits: &[&str]) {
    let dir = repo().join("tests/fixtures/problems").join(fixtures);
    check_dir(&dir, "expected-package.tsv", &dir.join("package"), limits);
}

/// Judges the candidates listed in `dir/<table>` (paths relative to `dir`); a row whose note
/// starts with BORDERLINE is skipped (its score depends on the machine).
fn check_dir(dir: &Path, table: &str, problem: &Path, limits: &[&str]) {
    let table = std::fs::read_to_string(dir.join(table)).expect("the expected scores");
    let mut mismatches = Vec::new();
    let mut checked = 0;
    for line in table.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (file, expected) = (cols[0], cols[1].parse::<f64>().expect("score"));
        if cols
            .get(2)
            .is_some_and(|note| note.starts_with("BORDERLINE"))
        {
            continue;
        }
        let out = Command::new(env!("CARGO_BIN_EXE_sieve"))
            .args(["judge", "--json", "--problem"])
            .arg(problem)
            .arg("--source")
            .arg(dir.join(file))
            .args(limits)
            .arg("--cache-dir")
            .arg(repo().join("target/sieve-test/cache"))
            .output()
            .expect("run sieve judge");
        assert!(
            matches!(out.status.code(), Some(0 | 10..=18)),
            "{file}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        let got = v["report"]["total"].as_f64().unwrap_or(-1.0);
        if (got - expected).abs() > 1e-9 {
            mismatches.push(format!(
                "{file}: expected {expected}, got {got} ({})",
                v["compile"]
            ));
        }
        checked += 1;
    }
    assert!(
        checked >= 6,
        "only {checked} candidates in {}",
        dir.display()
    );
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn cses_dice_combinations() {
    check_all(
        "cses-1633",
        &["--time-limit", "1000", "--memory-limit", "512"],
    );
}

#[test]
fn cses_book_shop() {
    check_all(
        "cses-1158",
        &["--time-limit", "1000", "--memory-limit", "512"],
    );
}

#[test]
fn swedish_olympiad_brandpost_subtasks() {
    check_all("brandpost", &[]);
}

#[test]
fn swedish_olympiad_laviner_subtasks() {
    check_all("laviner", &[]);
}

#[test]
fn bundled_examples_score_as_their_authors_say() {
    for example in ["divsum", "pairsum"] {
        let problem = repo().join("examples").join(example);
        let submissions = problem.join("submissions");
        check_dir(&submissions, "expected.tsv", &problem, &[]);
    }
}
