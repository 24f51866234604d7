//! The Polygon reader on the hand-written `polygon-sum` (groups, points, dependencies, standard
//! checker) and `polygon-custom` (custom testlib checker, grader, a generated test not on disk)
//! packages, and on broken copies of them.

mod common;

use common::copy_dir;
use sieve_domain::{Checker, Language, Limits, TestKind};
use sieve_formats::{CheckerSource, Overrides, Package, load_polygon};
use std::fs;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    common::package(name)
}

/// A copy of fixture `name` with problem.xml passed through `edit`.
fn edited(name: &str, edit: impl Fn(String) -> String) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&fixture(name), tmp.path());
    let xml = tmp.path().join("problem.xml");
    fs::write(&xml, edit(fs::read_to_string(&xml).unwrap())).unwrap();
    tmp
}

fn load(dir: &Path) -> Package {
    load_polygon(dir, &Overrides::default()).unwrap()
}

fn has(warnings: &[String], needle: &str) -> bool {
    warnings.iter().any(|w| w.contains(needle))
}

type Shape = (String, f64, Vec<usize>, Vec<usize>);

fn shape(p: &Package) -> Vec<Shape> {
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

fn st(name: &str, points: f64, tests: &[usize], contains: &[usize]) -> Shape {
    (name.into(), points, tests.to_vec(), contains.to_vec())
}

fn file_names(files: &[sieve_formats::SourceFile]) -> Vec<&str> {
    files.iter().map(|f| f.name.as_str()).collect()
}

#[test]
fn reads_groups_points_and_dependencies() {
    let p = load(&fixture("polygon-sum"));
    assert_eq!(p.name, "poly-sum");
    assert_eq!(
        p.limits,
        Limits {
            time_ms: 2000,
            memory_bytes: 256 << 20,
            ..Limits::default()
        }
    );
    let names: Vec<&str> = p.tests.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["01", "02", "03", "04", "05", "06", "07"]);
    assert_eq!(p.tests[0].kind, TestKind::Public);
    assert!(p.tests[1..].iter().all(|t| t.kind == TestKind::Hidden));
    assert_eq!(p.tests[1].input, b"5 7\n");
    assert_eq!(p.tests[1].answer.as_deref(), Some(&b"12\n"[..]));
    assert_eq!(
        shape(&p),
        [
            st("samples", 0.0, &[0], &[]),
            st("small", 30.0, &[0, 1, 2], &[0]),
            st("large", 50.0, &[0, 1, 2, 3, 4], &[0, 1]),
            st("bonus/6", 5.0, &[5], &[]),
            st("bonus/7", 15.0, &[6], &[]),
        ]
    );
    assert_eq!(p.checker, Checker::Tokens);
    assert!(p.grader.is_empty());
    assert_eq!(p.warnings, Vec::<String>::new());
}

#[test]
fn custom_checker_grader_and_generated_test_missing() {
    let p = load(&fixture("polygon-custom"));
    assert_eq!(p.name, "poly-pair");
    assert_eq!((p.limits.time_ms, p.limits.memory_bytes), (1000, 64 << 20));
    let kinds: Vec<TestKind> = p.tests.iter().map(|t| t.kind).collect();
    assert_eq!(
        kinds,
        [TestKind::Public, TestKind::Hidden, TestKind::Hidden]
    );
    assert_eq!(shape(&p), [st("tests", 100.0, &[1, 2], &[])]);
    let Some((protocol, CheckerSource { language, files })) = p.checker.custom_program() else {
        panic!("expected a custom checker, got {:?}", p.checker);
    };
    assert_eq!(protocol, sieve_domain::CheckerProtocol::Testlib);
    assert_eq!(*language, Language::Cpp17);
    assert_eq!(file_names(files), ["check.cpp", "testlib.h"]);
    assert!(String::from_utf8_lossy(&files[1].source).contains("registerTestlibCmd"));
    assert_eq!(file_names(&p.grader), ["grader.cpp", "pair.h"]);
    let w = &p.warnings;
    assert!(
        has(w, "no file in the package") && has(w, "4 (gen 1000000000)"),
        "{w:?}"
    );
    assert!(
        has(w, "graders for other languages not used: files/grader.java"),
        "{w:?}"
    );
    assert!(has(w, "no test points and no groups"), "{w:?}");
    assert_eq!(w.len(), 3, "{w:?}");
}

#[test]
fn standard_checkers_map_to_builtins() {
    let cases = [
        (
            "std::rcmp6.cpp",
            Checker::Float {
                abs: 1e-6,
                rel: 1e-6,
            },
        ),
        (
            "std::rcmp9.cpp",
            Checker::Float {
                abs: 1e-9,
                rel: 1e-9,
            },
        ),
        ("std::yesno.cpp", Checker::CaseInsensitive),
        ("std::ncmp.cpp", Checker::Tokens),
        ("std::fcmp.cpp", Checker::Exact),
    ];
    for (name, want) in cases {
        let tmp = edited("polygon-sum", |x| x.replace("std::wcmp.cpp", name));
        assert_eq!(load(tmp.path()).checker, want, "{name}");
    }
    let tmp = edited("polygon-sum", |x| {
        x.replace("std::wcmp.cpp", "std::lcmp.cpp")
    });
    let p = load(tmp.path());
    assert_eq!(p.checker, Checker::Tokens);
    assert!(
        has(&p.warnings, "std::lcmp compares line by line"),
        "{:?}",
        p.warnings
    );
}

#[test]
fn other_standard_checkers_are_compiled_and_need_testlib() {
    let tmp = edited("polygon-sum", |x| {
        x.replace("std::wcmp.cpp", "std::uncmp.cpp").replace(
            "cpp.g++17\"/>\n            <binary path=\"check.exe\"",
            "cpp.g++20\"/>\n            <binary path=\"check.exe\"",
        )
    });
    fs::write(
        tmp.path().join("files/check.cpp"),
        "#include \"testlib.h\"\n",
    )
    .unwrap();
    let p = load(tmp.path());
    let Some((_, CheckerSource { language, files })) = p.checker.custom_program() else {
        panic!("expected a custom checker, got {:?}", p.checker);
    };
    assert_eq!(*language, Language::Cpp20);
    assert_eq!(file_names(files), ["check.cpp"]);
    assert!(has(&p.warnings, "no files/testlib.h"), "{:?}", p.warnings);
}

#[test]
fn a_broken_copy_reports_what_it_could_not_use() {
    let tmp = edited("polygon-sum", |x| {
        x.replace("input-file=\"\"", "input-file=\"sum.in\"").replace(
            "</checker>",
            "</checker>\n<interactor><source path=\"files/interactor.cpp\" type=\"cpp.g++17\"/></interactor>",
        )
    });
    fs::remove_file(tmp.path().join("tests/05")).unwrap();
    fs::remove_file(tmp.path().join("tests/06")).unwrap();
    fs::remove_file(tmp.path().join("tests/07.a")).unwrap();
    let p = load(tmp.path());
    let w = &p.warnings;
    assert!(
        has(
            w,
            "the <interactor>'s source is missing: judged as a batch problem"
        ),
        "{w:?}"
    );
    assert!(
        has(w, "input-file=\"sum.in\" (file I/O) is not supported"),
        "{w:?}"
    );
    assert!(has(w, "skipped: 5 (gen 1000000000 3)"), "{w:?}");
    assert!(has(w, "test inputs missing: skipped: 6"), "{w:?}");
    assert!(
        has(w, "without an answer file, run for behaviour only: 7"),
        "{w:?}"
    );
    assert_eq!(p.tests.len(), 5);
    assert_eq!(p.tests[4].answer, None);
    assert_eq!(
        shape(&p),
        [
            st("samples", 0.0, &[0], &[]),
            st("small", 30.0, &[0, 1, 2], &[0]),
            st("large", 50.0, &[0, 1, 2, 3], &[0, 1]),
            st("bonus/7", 15.0, &[4], &[]),
        ]
    );
}

#[test]
fn points_without_groups_count_per_test() {
    let tmp = edited("polygon-custom", |x| {
        x.replace(
            "<test method=\"manual\"/>",
            "<test method=\"manual\" points=\"40\"/>",
        )
        .replace(
            "<test cmd=\"gen 1000\" method=\"generated\"/>",
            "<test cmd=\"gen 1000\" method=\"generated\" points=\"60\"/>",
        )
    });
    let p = load(tmp.path());
    assert_eq!(
        shape(&p),
        [st("test2", 40.0, &[1], &[]), st("test3", 60.0, &[2], &[])]
    );
    assert!(!has(&p.warnings, "no test points and no groups"));
}

#[test]
fn unknown_dependencies_and_paths_outside_are_reported() {
    let tmp = edited("polygon-sum", |x| {
        x.replace(
            "<dependency group=\"small\"/>",
            "<dependency group=\"tiny\"/>",
        )
    });
    let p = load(tmp.path());
    assert!(
        has(&p.warnings, "group large: unknown dependency \"tiny\""),
        "{:?}",
        p.warnings
    );
    assert_eq!(p.subtasks[2].tests, [3, 4]);

    let tmp = edited("polygon-sum", |x| x.replace("tests/%02d.a", "../%02d.a"));
    let err = load_polygon(tmp.path(), &Overrides::default()).unwrap_err();
    assert!(
        err.to_string().contains("leads outside the package"),
        "{err}"
    );

    let tmp = edited("polygon-sum", |x| x.replace("</problem>", ""));
    assert!(load_polygon(tmp.path(), &Overrides::default()).is_err());
}
