//! `sieve judge` on the real contest problems in ../shared/problems (imported through the
//! project's readers, never copied), with the hand-written candidates in tests/fixtures/problems:
//! every candidate must score what its expected.tsv says (scores verified natively with g++).

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn shared() -> PathBuf {
    repo().join("../shared/problems")
}

/// Judges every candidate listed in `fixtures/expected.tsv` and compares totals.
fn check_all(fixtures: &str, problem: &Path, limits: &[&str]) {
    let dir = repo().join("tests/fixtures/problems").join(fixtures);
    check_dir(&dir, problem, limits);
}

/// Judges the candidates listed in `dir/expected.tsv` (paths relative to `dir`).
fn check_dir(dir: &Path, problem: &Path, limits: &[&str]) {
    let table = std::fs::read_to_string(dir.join("expected.tsv")).expect("expected.tsv");
    let mut mismatches = Vec::new();
    let mut checked = 0;
    for line in table.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (file, expected) = (cols[0], cols[1].parse::<f64>().expect("score"));
        if file.starts_with("borderline") {
            continue; // deliberately close to the time limit: its score depends on the machine
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
            out.status.success(),
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
    let p = shared().join("cses/1633");
    check_all(
        "cses-1633",
        &p,
        &["--time-limit", "1000", "--memory-limit", "512"],
    );
}

#[test]
fn cses_book_shop() {
    let p = shared().join("cses/1158");
    check_all(
        "cses-1158",
        &p,
        &["--time-limit", "1000", "--memory-limit", "512"],
    );
}

#[test]
fn swedish_olympiad_brandpost_subtasks() {
    let p = shared().join("sweoi2024/brandpost");
    check_all("brandpost", &p, &["--time-limit", "1000"]);
}

#[test]
fn swedish_olympiad_laviner_subtasks() {
    let p = shared().join("sweoi2024/laviner");
    check_all("laviner", &p, &["--time-limit", "2000"]);
}

#[test]
fn bundled_examples_score_as_their_authors_say() {
    for example in ["divsum", "pairsum"] {
        let problem = repo().join("examples").join(example);
        let submissions = problem.join("submissions");
        check_dir(&submissions, &problem, &[]);
    }
}
