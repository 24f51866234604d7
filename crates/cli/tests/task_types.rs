//! IOI task types through `sieve judge` (the supervised judging process, and `--in-process`):
//! function-call tasks whose grader comes in C and C++ with a shared header, and CMS
//! Communication tasks with a manager and one process (std_io) or two (fifo_io, the role as
//! the last argument), on the fixture packages `tps-max`, `tps-guess` and `tps-relay`; an
//! output-only task (`cms-outputs`) judging the outputs a directory holds; and a TPS working
//! copy (`tps-gen`) whose tests are made from its generators before judging.

mod common;

use common::{copy_dir, repo};
use serde_json::Value;
use std::process::Command;

const PACKAGES: &str = "tests/fixtures/packages";

/// `sieve judge --json` of `solution` (under the package's `solutions/`) on `package`.
fn judge(package: &str, solution: &str, extra: &[&str]) -> Value {
    judge_in(&repo().join(PACKAGES).join(package), solution, extra)
}

/// [`judge`] on the package in `dir`.
fn judge_in(dir: &std::path::Path, solution: &str, extra: &[&str]) -> Value {
    let (dir, package) = (dir, dir.display());
    let out = Command::new(env!("CARGO_BIN_EXE_sieve"))
        .args(["judge", "--json", "--all-tests", "--problem"])
        .arg(dir)
        .arg("--source")
        .arg(dir.join(solutions_dir(dir)).join(solution))
        .arg("--cache-dir")
        .arg(repo().join("target/sieve-test/cache"))
        .args(extra)
        .output()
        .expect("run sieve judge");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{package}/{solution}: {e}: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// Where the package keeps its solutions: `solutions/` in exports, `solution/` in TPS working
/// copies.
fn solutions_dir(dir: &std::path::Path) -> &'static str {
    if dir.join("solutions").is_dir() {
        "solutions"
    } else {
        "solution"
    }
}

/// The verdicts of the report's tests, and its total.
fn verdicts(v: &Value) -> (Vec<String>, f64) {
    let tests = v["report"]["tests"]
        .as_array()
        .unwrap_or_else(|| panic!("{v}"));
    let verdicts = tests
        .iter()
        .map(|t| t["verdict"].as_str().unwrap_or("").to_string())
        .collect();
    (verdicts, v["report"]["total"].as_f64().unwrap_or(-1.0))
}

fn message(v: &Value, test: usize) -> String {
    v["report"]["tests"][test]["message"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

#[test]
fn a_function_task_links_each_candidate_with_the_grader_of_its_language() {
    let cpp = judge("tps-max", "max.cpp", &[]);
    assert_eq!(verdicts(&cpp), (vec!["AC".into(), "AC".into()], 100.0));
    let c = judge("tps-max", "max.c", &[]);
    assert_eq!(verdicts(&c), (vec!["AC".into(), "AC".into()], 100.0), "{c}");
    let zero = judge("tps-max", "zero.c", &[]);
    assert_eq!(verdicts(&zero), (vec!["AC".into(), "WA".into()], 0.0));
}

#[test]
fn a_communication_task_is_scored_by_its_manager() {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<String>>();
    let binary = judge("tps-guess", "binary.cpp", &[]);
    assert_eq!(verdicts(&binary), (s(&["AC"; 5]), 100.0), "{binary}");
    assert_eq!(message(&binary, 1), "output is correct");
    // Within n questions but not within 20: the manager's partial score.
    let linear = judge("tps-guess", "linear.cpp", &[]);
    assert_eq!(verdicts(&linear).1, 50.0, "{linear}");
    assert_eq!(linear["report"]["tests"][4]["score"], 0.5);
    assert_eq!(message(&linear, 4), "output is partially correct");
    let wrong = judge("tps-guess", "wrong.cpp", &[]);
    assert_eq!(verdicts(&wrong), (s(&["WA", "AC", "WA", "WA", "WA"]), 0.0));
    let crash = judge("tps-guess", "crash.cpp", &[]);
    assert_eq!(verdicts(&crash).0[0], "RE", "{crash}");
    assert_eq!(
        verdicts(&crash).0[1],
        "AC",
        "x = 1 is found by the first question"
    );
}

#[test]
fn a_process_past_its_limit_or_waiting_with_the_manager_is_a_time_out() {
    for extra in [&[][..], &["--in-process"][..]] {
        let spin = judge("tps-guess", "spin.cpp", extra);
        let (v, total) = verdicts(&spin);
        assert!(v.iter().all(|v| v == "TLE"), "{extra:?}: {spin}");
        assert_eq!(total, 0.0);
        // Both sides wait to read: stopped at once as idle, not after a wall clock.
        let silent = judge("tps-guess", "silent.cpp", extra);
        assert!(
            verdicts(&silent).0.iter().all(|v| v == "TLE"),
            "{extra:?}: {silent}"
        );
        assert!(message(&silent, 0).starts_with("idle"), "{silent}");
    }
}

#[test]
fn two_processes_talk_through_the_manager_one_after_the_other() {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<String>>();
    let binary = judge("tps-relay", "binary.cpp", &[]);
    assert_eq!(verdicts(&binary), (s(&["AC"; 4]), 100.0), "{binary}");
    let short = judge("tps-relay", "short.cpp", &[]);
    assert_eq!(verdicts(&short).0, s(&["AC", "AC", "WA", "WA"]), "{short}");
    let chatty = judge("tps-relay", "chatty.cpp", &[]);
    assert_eq!(
        verdicts(&chatty).0,
        s(&["AC", "AC", "WA", "WA"]),
        "{chatty}"
    );
    assert_eq!(message(&chatty, 2), "more than 40 bits");
    // The second process fails: its failure, named by its index.
    let crash = judge("tps-relay", "crash_decoder.cpp", &[]);
    assert!(verdicts(&crash).0.iter().all(|v| v == "RE"), "{crash}");
    assert!(message(&crash, 0).starts_with("process 1:"), "{crash}");
    for extra in [&[][..], &["--in-process"][..]] {
        let spin = judge("tps-relay", "spin_decoder.cpp", extra);
        assert!(
            verdicts(&spin).0.iter().all(|v| v == "TLE"),
            "{extra:?}: {spin}"
        );
    }
}

/// A CMS checker that takes the score the manager printed (the output it judges) as its own.
const SCORE_CHECKER: &str = r#"
#include <cstdio>
int main(int argc, char** argv) {
  FILE* out = fopen(argv[3], "r");
  double score = 0;
  if (!out || fscanf(out, "%lf", &score) != 1) { printf("0\n"); fprintf(stderr, "no score\n"); return 0; }
  printf("%g\n", score);
  fprintf(stderr, "checked %g\n", score);
  return 0;
}
"#;

#[test]
fn with_a_checker_the_checker_judges_what_the_manager_printed() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let copy = |from: &std::path::Path, to: &std::path::Path| {
        std::fs::create_dir_all(to).expect("mkdir");
        for e in std::fs::read_dir(from).expect("read_dir") {
            let e = e.expect("entry");
            if e.path().is_file() {
                std::fs::copy(e.path(), to.join(e.file_name())).expect("copy");
            }
        }
    };
    let from = repo().join(PACKAGES).join("tps-guess");
    for sub in ["", "graders", "tests", "subtasks", "solutions"] {
        copy(&from.join(sub), &tmp.path().join(sub));
    }
    std::fs::create_dir_all(tmp.path().join("checker")).expect("mkdir");
    std::fs::write(tmp.path().join("checker/checker.cpp"), SCORE_CHECKER).expect("write");
    let binary = judge_in(tmp.path(), "binary.cpp", &[]);
    assert_eq!(verdicts(&binary).1, 100.0, "{binary}");
    assert_eq!(message(&binary, 1), "checked 1", "the checker's message");
    let linear = judge_in(tmp.path(), "linear.cpp", &[]);
    assert_eq!(verdicts(&linear).1, 50.0, "{linear}");
    assert_eq!(message(&linear, 4), "checked 0.5");
}

#[test]
fn an_output_only_task_judges_the_outputs_submitted() {
    let full = judge("cms-outputs", "full", &[]);
    assert_eq!(
        verdicts(&full),
        (vec!["AC".to_string(); 3], 100.0),
        "{full}"
    );
    let partial = judge("cms-outputs", "partial", &[]);
    assert_eq!(
        verdicts(&partial),
        (
            vec!["AC".to_string(), "WA".to_string(), "WA".to_string()],
            40.0
        ),
        "{partial}"
    );
    assert!(
        message(&partial, 2).contains("no output submitted"),
        "{partial}"
    );
}

#[test]
fn a_tps_working_copy_is_judged_on_the_tests_its_generators_make() {
    let names: Vec<&str> = vec![
        "0-01", "tiny-01", "tiny-02", "1-01", "1-02", "2-01", "2-02", "2-03",
    ];
    let model = judge("tps-gen", "model.cpp", &[]);
    let tests: Vec<&str> = model["report"]["tests"]
        .as_array()
        .unwrap_or_else(|| panic!("{model}"))
        .iter()
        .map(|t| t["name"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(tests, names);
    assert_eq!(verdicts(&model), (vec!["AC".to_string(); 8], 100.0));
    // The answers are the model's: a slow but right solution passes the small inputs and runs
    // out of time on the large generated ones; a wrong one fails where the generators say.
    let quadratic = judge("tps-gen", "quadratic.cpp", &[]);
    let (v, total) = verdicts(&quadratic);
    assert_eq!(total, 40.0, "{v:?}");
    assert_eq!(&v[..5], ["AC"; 5], "{v:?}");
    assert_eq!(&v[5..7], ["TLE", "TLE"], "{v:?}");
    let first = judge("tps-gen", "first.cpp", &[]);
    let (v, total) = verdicts(&first);
    assert_eq!(total, 0.0);
    assert_eq!(
        &v[..3],
        ["WA", "AC", "AC"],
        "one-number inputs have their first as the biggest"
    );
}

#[test]
fn a_generated_input_its_validator_rejects_stops_the_package() {
    let tmp = tempfile::tempdir().expect("tempdir");
    copy_dir(&repo().join(PACKAGES).join("tps-gen"), tmp.path()).expect("copy");
    std::fs::write(
        tmp.path().join("gen/data"),
        "@subtask samples\nmanual sample-1.in\n@subtask small\ngen 10 1\ngen 20 5\n",
    )
    .expect("write gen/data");
    let out = Command::new(env!("CARGO_BIN_EXE_sieve"))
        .args(["judge", "--problem"])
        .arg(tmp.path())
        .arg("--source")
        .arg(tmp.path().join("solution/model.cpp"))
        .arg("--cache-dir")
        .arg(repo().join("target/sieve-test/cache"))
        .output()
        .expect("run sieve judge");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(
        err.contains(
            "test 1-02 (gen 20 5): validator validator.cpp --group small rejects the input"
        ) && err.contains("N > 10 in subtask small"),
        "{err}"
    );
}

/// A CMS checker that accepts the manager's output when its first number is the answer's.
const SAME_CHECKER: &str = r#"
#include <cstdio>
int main(int argc, char** argv) {
  FILE* ans = fopen(argv[2], "r");
  FILE* out = fopen(argv[3], "r");
  double a = -1, o = -2;
  if (!ans || fscanf(ans, "%lf", &a) != 1) { fprintf(stderr, "no answer\n"); return 1; }
  if (!out || fscanf(out, "%lf", &o) != 1 || o != a) { printf("0\n"); fprintf(stderr, "differs\n"); return 0; }
  printf("1\n");
  fprintf(stderr, "same\n");
  return 0;
}
"#;

/// Prints "n x" for `gen N X`.
const GUESS_GENERATOR: &str = r#"
#include <cstdio>
int main(int argc, char** argv) { printf("%s %s\n", argv[1], argv[2]); }
"#;

#[test]
fn a_communication_task_with_a_checker_gets_answers_from_its_manager_and_model() {
    // tps-guess as a working copy: no tests/, a generator, and a checker of what the manager
    // prints (its score with the model solution, binary search, is 1 on every test).
    let tmp = tempfile::tempdir().expect("tempdir");
    copy_dir(&repo().join(PACKAGES).join("tps-guess"), tmp.path()).expect("copy");
    for sub in ["tests", "subtasks"] {
        std::fs::remove_dir_all(tmp.path().join(sub)).expect("rm");
    }
    for (file, text) in [
        ("checker/checker.cpp", SAME_CHECKER),
        ("gen/gen.cpp", GUESS_GENERATOR),
        (
            "gen/data",
            "@subtask small\ngen 5 3\n@subtask large\ngen 1000 777\n",
        ),
        (
            "subtasks.json",
            r#"{"subtasks": {"small": {"index": 0, "score": 30}, "large": {"index": 1, "score": 70}}}"#,
        ),
    ] {
        let path = tmp.path().join(file);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    let binary = judge_in(tmp.path(), "binary.cpp", &[]);
    assert_eq!(
        verdicts(&binary),
        (vec!["AC".into(), "AC".into()], 100.0),
        "{binary}"
    );
    assert_eq!(message(&binary, 1), "same");
    // A linear search asks 5 questions of the small test (scored 1 by the manager, as the
    // model is) but 777 of the large one (0.5, not the model's 1).
    let linear = judge_in(tmp.path(), "linear.cpp", &[]);
    assert_eq!(
        verdicts(&linear),
        (vec!["AC".into(), "WA".into()], 30.0),
        "{linear}"
    );
}
