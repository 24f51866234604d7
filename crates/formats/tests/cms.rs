//! The CMS reader on the hand-written `cms-sum` task (Italian format), on broken copies of it,
//! and on a small TPS export written here.

mod common;

use common::{copy_dir, package};
use sieve_domain::{Limits, TestKind};
use sieve_formats::{CheckerSource, Overrides, load_cms};
use std::fs;
use std::path::PathBuf;

fn fixture() -> PathBuf {
    package("cms-sum")
}

/// A copy of the fixture with `task.yaml` passed through `edit`.
fn edited(edit: impl Fn(String) -> String) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&fixture(), tmp.path());
    let yaml = tmp.path().join("task.yaml");
    fs::write(&yaml, edit(fs::read_to_string(&yaml).unwrap())).unwrap();
    tmp
}

fn has(warnings: &[String], needle: &str) -> bool {
    warnings.iter().any(|w| w.contains(needle))
}

fn shape(p: &sieve_formats::Package) -> Vec<(String, f64, Vec<usize>, Vec<usize>)> {
    p.subtasks
        .iter()
        .map(|s| {
            (
                s.name.clone(),
                s.points,
                s.tests.clone(),
                s.contains.clone(),
            )
        })
        .collect()
}

fn st(
    name: &str,
    points: f64,
    tests: &[usize],
    contains: &[usize],
) -> (String, f64, Vec<usize>, Vec<usize>) {
    (name.into(), points, tests.to_vec(), contains.to_vec())
}

#[test]
fn reads_the_italian_fixture() {
    let p = load_cms(&fixture(), &Overrides::default()).unwrap();
    assert_eq!(p.name, "cmssum");
    assert_eq!(
        p.limits,
        Limits {
            time_ms: 1500,
            memory_bytes: 128 << 20,
            ..Limits::default()
        }
    );
    let names: Vec<&str> = p.tests.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["000", "001", "002", "003", "004", "005"]);
    assert_eq!(p.tests[0].kind, TestKind::Public);
    assert!(p.tests[1..].iter().all(|t| t.kind == TestKind::Hidden));
    assert_eq!(p.tests[2].input, b"-4 4\n");
    assert_eq!(p.tests[2].answer.as_deref(), Some(&b"0\n"[..]));
    assert_eq!(
        shape(&p),
        [
            st("subtask1", 0.0, &[0], &[]),
            st("subtask2", 40.0, &[1, 2], &[]),
            st("subtask3", 60.0, &[0, 1, 2, 3, 4, 5], &[0, 1]),
        ]
    );
    // The CMS comparator is kept, to be called in CMS's order.
    let Some((protocol, CheckerSource { files, .. })) = p.checker.custom_program() else {
        panic!("a custom checker: {:?}", p.checker);
    };
    assert_eq!(protocol, sieve_domain::CheckerProtocol::Cms);
    assert_eq!(files[0].name, "checker.cpp");
    let graders: Vec<&str> = p.grader.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(graders, ["cmssum.h", "grader.cpp"]);
    assert!(has(
        &p.warnings,
        "contest settings not used when judging: title, token_mode"
    ));
    assert_eq!(p.warnings.len(), 1, "{:?}", p.warnings);
}

#[test]
fn overrides_win_over_task_yaml() {
    let o = Overrides {
        time_ms: Some(700),
        memory_bytes: Some(1 << 30),
    };
    let p = load_cms(&fixture(), &o).unwrap();
    assert_eq!((p.limits.time_ms, p.limits.memory_bytes), (700, 1 << 30));
}

#[test]
fn counts_take_consecutive_tests() {
    let tmp = edited(|y| {
        y.replace("[0, \"000\"]", "[0, 1]")
            .replace("[40, \"00[1-2]\"]", "[40, 2]")
            .replace("[60, \"00[0-5]\"]", "[60, 3]")
    });
    let p = load_cms(tmp.path(), &Overrides::default()).unwrap();
    assert_eq!(
        shape(&p),
        [
            st("subtask1", 0.0, &[0], &[]),
            st("subtask2", 40.0, &[1, 2], &[]),
            st("subtask3", 60.0, &[3, 4, 5], &[]),
        ]
    );
}

#[test]
fn mixing_counts_and_regexes_is_refused_as_cms_does() {
    let tmp = edited(|y| y.replace("[0, \"000\"]", "[0, 1]"));
    let err = load_cms(tmp.path(), &Overrides::default()).unwrap_err();
    assert!(err.to_string().contains("same type"), "{err}");
    let tmp = edited(|y| y.replace("\"00[1-2]\"", "\"01[1-2]\""));
    let err = load_cms(tmp.path(), &Overrides::default()).unwrap_err();
    assert!(err.to_string().contains("no testcase matches"), "{err}");
}

#[test]
fn a_broken_copy_reports_what_it_could_not_use() {
    let tmp = edited(|y| {
        y.replace("GroupMin", "GroupMul")
            .replace("infile: \"\"", "infile: input.txt")
            + "spam: 1\n"
    });
    fs::remove_file(tmp.path().join("output/output3.txt")).unwrap();
    fs::remove_file(tmp.path().join("input/input5.txt")).unwrap();
    fs::write(tmp.path().join("sol/grader.java"), "class grader {}").unwrap();
    let p = load_cms(tmp.path(), &Overrides::default()).unwrap();
    let w = &p.warnings;
    assert!(has(w, "unknown key \"spam\""), "{w:?}");
    assert!(has(w, "GroupMul"), "{w:?}");
    assert!(
        has(w, "infile: \"input.txt\" (file I/O) is not supported"),
        "{w:?}"
    );
    assert!(
        has(w, "output3.txt is missing: run for behaviour only"),
        "{w:?}"
    );
    assert!(
        has(w, "test 005") && has(w, "input5.txt is missing: test skipped"),
        "{w:?}"
    );
    assert!(
        has(w, "graders for other languages not used: grader.java"),
        "{w:?}"
    );
    assert_eq!(p.tests.len(), 5);
    assert_eq!(p.tests[3].answer, None);
    assert_eq!(p.subtasks[2].tests, [0, 1, 2, 3, 4]);
}

#[test]
fn sum_and_gen_file_when_task_yaml_has_no_score_type() {
    let strip = |y: String| {
        y.lines()
            .take_while(|l| !l.starts_with("score_type"))
            .map(|l| format!("{l}\n"))
            .collect::<String>()
    };
    let tmp = edited(strip);
    let p = load_cms(tmp.path(), &Overrides::default()).unwrap();
    assert_eq!(p.subtasks.len(), 6);
    assert!(
        p.subtasks
            .iter()
            .all(|s| s.tests.len() == 1 && (s.points - 100.0 / 6.0).abs() < 1e-9)
    );
    assert_eq!(p.subtasks[4].name, "004");

    fs::create_dir(tmp.path().join("gen")).unwrap();
    fs::write(
        tmp.path().join("gen/GEN"),
        "# ST: 30\n1 2\n5 7\n# ST: 70\n#COPY: extra/a.txt\n10 20\n30 40\n50 60\n",
    )
    .unwrap();
    let p = load_cms(tmp.path(), &Overrides::default()).unwrap();
    assert_eq!(
        shape(&p),
        [
            st("subtask1", 30.0, &[0, 1], &[]),
            st("subtask2", 70.0, &[2, 3, 4, 5], &[])
        ]
    );
    fs::write(tmp.path().join("gen/GEN"), "# ST: 100\n1 2\n").unwrap();
    let err = load_cms(tmp.path(), &Overrides::default()).unwrap_err();
    assert!(err.to_string().contains("n_input is 6"), "{err}");
}

#[test]
fn neither_task_yaml_nor_problem_json_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let err = load_cms(tmp.path(), &Overrides::default()).unwrap_err();
    assert!(err.to_string().contains("not a CMS task"), "{err}");
}

#[test]
fn reads_a_tps_export() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    for sub in ["tests", "subtasks", "checker", "graders"] {
        fs::create_dir(d.join(sub)).unwrap();
    }
    let problem = r#"{"protocol_version": 1, "code": "tpsum", "name": "TPS Sum",
        "time_limit": 0.5, "memory_limit": 268435456, "score_precision": 2,
        "task_type": "Batch", "task_type_params": "{\"task_type_parameters_Batch_compilation\": \"grader\"}",
        "colour": "blue"}"#;
    fs::write(d.join("problem.json"), problem).unwrap();
    for t in ["0-01", "1-01", "1-02", "2-01"] {
        fs::write(d.join(format!("tests/{t}.in")), format!("{t}\n")).unwrap();
        fs::write(d.join(format!("tests/{t}.out")), "x\n").unwrap();
    }
    let sub = |name: &str, score: u32, tests: &str| {
        let body = format!(r#"{{"score": {score}, "testcases": [{tests}]}}"#);
        fs::write(d.join(format!("subtasks/{name}.json")), body).unwrap();
    };
    sub("00-samples", 0, r#""0-01""#);
    sub("01-small", 30, r#""0-01", "1-01", "1-02""#);
    sub("02-full", 70, r#""0-01", "1-01", "1-02", "2-01", "2-02""#);
    fs::write(d.join("checker/checker.cpp"), "int main() {}").unwrap();
    fs::write(d.join("graders/grader.cpp"), "#include \"tpsum.h\"").unwrap();
    fs::write(d.join("graders/tpsum.h"), "int f();").unwrap();
    fs::write(d.join("graders/grader.java"), "class grader {}").unwrap();

    let p = load_cms(d, &Overrides::default()).unwrap();
    assert_eq!(p.name, "tpsum");
    assert_eq!((p.limits.time_ms, p.limits.memory_bytes), (500, 256 << 20));
    let kinds: Vec<TestKind> = p.tests.iter().map(|t| t.kind).collect();
    assert_eq!(
        kinds,
        [
            TestKind::Public,
            TestKind::Hidden,
            TestKind::Hidden,
            TestKind::Hidden
        ]
    );
    assert_eq!(
        shape(&p),
        [
            st("samples", 0.0, &[0], &[]),
            st("small", 30.0, &[0, 1, 2], &[0]),
            st("full", 70.0, &[0, 1, 2, 3], &[0, 1]),
        ]
    );
    assert!(matches!(
        p.checker.custom_program(),
        Some((sieve_domain::CheckerProtocol::Cms, _))
    ));
    let graders: Vec<&str> = p.grader.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(graders, ["grader.cpp", "tpsum.h"]);
    let w = &p.warnings;
    assert!(has(w, "unknown key \"colour\""), "{w:?}");
    assert!(has(w, "subtask full: no tests/ files for 2-02"), "{w:?}");
    assert!(has(w, "grader.java"), "{w:?}");
}

#[test]
fn names_with_nul_or_too_long_are_refused() {
    use sieve_domain::{NameError, NameKind};
    use sieve_formats::FormatError;
    let nul = edited(|y| y.replace("name: cmssum", "name: \"cms\\0sum\""));
    let err = load_cms(nul.path(), &Overrides::default()).unwrap_err();
    assert!(
        matches!(
            err,
            FormatError::BadName {
                source: NameError::Control {
                    kind: NameKind::Problem,
                    code: 0,
                    ..
                },
                ..
            }
        ),
        "{err}"
    );
    let long = edited(|y| y.replace("name: cmssum", &format!("name: {}", "n".repeat(1 << 20))));
    let err = load_cms(long.path(), &Overrides::default()).unwrap_err();
    assert!(
        matches!(
            err,
            FormatError::BadName {
                source: NameError::TooLong {
                    kind: NameKind::Problem,
                    ..
                },
                ..
            }
        ),
        "{err}"
    );
    // The fixture itself reads.
    load_cms(&fixture(), &Overrides::default()).unwrap();
}

fn names(files: &[sieve_formats::SourceFile]) -> Vec<&str> {
    files.iter().map(|f| f.name.as_str()).collect()
}

#[test]
fn a_communication_task_is_judged_by_its_manager_with_the_stub() {
    use sieve_domain::{Checker, UserIo};
    let guess = load_cms(&package("tps-guess"), &Overrides::default()).unwrap();
    let Checker::Communication {
        program,
        processes,
        user_io,
        then,
    } = &guess.checker
    else {
        panic!("{:?}", guess.checker);
    };
    assert_eq!((*processes, *user_io), (1, UserIo::StdIo));
    assert!(then.is_none(), "no checker: the manager's score stands");
    // The manager with the headers of its directory; the stub (grader_name) with the task's
    // header, never the manager.
    assert_eq!(names(&program.files), ["manager.cpp", "guess.h"]);
    assert_eq!(names(&guess.grader), ["guess.h", "stub.cpp"]);
    // CMS exports give the parameters as a JSON string.
    let relay = load_cms(&package("tps-relay"), &Overrides::default()).unwrap();
    assert!(matches!(
        relay.checker,
        Checker::Communication {
            processes: 2,
            user_io: UserIo::FifoIo,
            ..
        }
    ));
    // With a checker (TPS's has_checker), the checker judges what the manager prints.
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&package("tps-guess"), tmp.path());
    fs::create_dir_all(tmp.path().join("checker")).unwrap();
    fs::write(tmp.path().join("checker/checker.cpp"), "int main() {}").unwrap();
    let checked = load_cms(tmp.path(), &Overrides::default()).unwrap();
    let then = checked
        .checker
        .then()
        .expect("the checker of the manager's output");
    assert!(matches!(then, Checker::Cms { .. }), "{then:?}");
    assert_eq!(
        checked.checker.programs().len(),
        2,
        "the manager, then the checker"
    );
}

#[test]
fn a_function_task_keeps_its_c_and_cpp_graders_and_names_the_others() {
    let max = load_cms(&package("tps-max"), &Overrides::default()).unwrap();
    assert_eq!(names(&max.grader), ["grader.c", "grader.cpp", "max.h"]);
    assert!(
        has(
            &max.warnings,
            "graders for other languages not used: grader.java"
        ),
        "{:?}",
        max.warnings
    );
}

#[test]
fn task_types_sieve_cannot_run_are_refused_and_output_only_is_read() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&package("tps-max"), tmp.path());
    let json = tmp.path().join("problem.json");
    let edit = |from: &str, to: &str| {
        let text = fs::read_to_string(&json).unwrap().replace(from, to);
        fs::write(&json, text).unwrap();
    };
    edit("\"Batch\"", "\"TwoSteps\"");
    let err = load_cms(tmp.path(), &Overrides::default()).unwrap_err();
    assert!(
        matches!(&err, sieve_formats::FormatError::Unsupported { message, .. }
            if message.contains("task type TwoSteps")),
        "{err}"
    );
    // An output-only task is judged as Batch, its candidates being sets of outputs.
    edit("\"TwoSteps\"", "\"OutputOnly\"");
    let p = load_cms(tmp.path(), &Overrides::default()).unwrap();
    assert!(
        p.warnings.iter().any(|w| w.contains("output-only task")),
        "{:?}",
        p.warnings
    );
    // A Communication task without its manager's source cannot be judged either.
    edit("\"OutputOnly\"", "\"Communication\"");
    let err = load_cms(tmp.path(), &Overrides::default()).unwrap_err();
    assert!(err.to_string().contains("needs its manager"), "{err}");
    // Nor can one asking for more processes than sieve runs.
    copy_dir(
        &package("tps-guess").join("graders"),
        &tmp.path().join("graders"),
    );
    edit("\"grader_name\"", "\"num_processes\": 9, \"grader_name\"");
    let err = load_cms(tmp.path(), &Overrides::default()).unwrap_err();
    assert!(err.to_string().contains("9 processes"), "{err}");
    // An Italian task with a manager in check/ is a Communication task, as CMS reads it.
    let italian = edited(|y| y);
    fs::create_dir_all(italian.path().join("check")).unwrap();
    fs::write(italian.path().join("check/manager.cpp"), "int main() {}").unwrap();
    let p = load_cms(italian.path(), &Overrides::default()).unwrap();
    assert!(p.checker.is_communication(), "{:?}", p.checker);
    let output_only = edited(|y| y + "output_only: true\n");
    let p = load_cms(output_only.path(), &Overrides::default()).unwrap();
    assert!(
        p.warnings.iter().any(|w| w.contains("output-only task")),
        "{:?}",
        p.warnings
    );
    assert!(!p.checker.is_communication());
}

#[test]
fn a_tps_working_copy_without_tests_says_how_to_make_them() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&package("tps-max"), tmp.path());
    fs::remove_dir_all(tmp.path().join("tests")).unwrap();
    let err = load_cms(tmp.path(), &Overrides::default()).unwrap_err();
    assert!(
        err.to_string().contains("no gen/data or gen/data.py"),
        "{err}"
    );
}
