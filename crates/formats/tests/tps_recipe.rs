//! TPS working copies without `tests/` (the fixture `tps-gen`): the reader returns the recipe
//! `tps gen` would follow, its steps name, feed and validate each test as TPS does, and the made
//! tests become the package's tests and subtasks. Running the programs is the worker's part
//! (tested through `sieve judge` and the service).

mod common;

use common::copy_dir;
use sieve_domain::TestKind;
use sieve_formats::{
    FormatError, MadeTest, Overrides, Package, StepInput, TestList, ValidatorRun, finish_recipe,
    load_cms,
};
use std::fs;
use std::path::{Path, PathBuf};

fn fixture() -> PathBuf {
    common::package("tps-gen")
}

/// What the fixture's `gen/data.py` prints.
const LIST: &str = "
@subtask samples
manual sample-1.in

@testset tiny
gen 1 7
gen 1 8

@subtask small
@include tiny
gen 10 1
gen 10 2

@subtask full
@include small
gen 1000 3
gen 2000 4 up
copy ascending.in
";

fn load(dir: &Path) -> Result<Package, FormatError> {
    load_cms(dir, &Overrides::default())
}

fn run(program: &str, args: &[&str]) -> ValidatorRun {
    ValidatorRun {
        program: program.into(),
        args: args.iter().map(|a| a.to_string()).collect(),
    }
}

#[test]
fn a_working_copy_without_tests_gives_the_recipe_to_make_them() {
    let p = load(&fixture()).unwrap();
    assert!(p.tests.is_empty() && p.subtasks.is_empty());
    let recipe = p.recipe.as_deref().expect("a recipe");
    assert!(matches!(&recipe.list, TestList::Script(s) if s.starts_with(b"# The test list")));
    assert_eq!(recipe.generators.keys().collect::<Vec<_>>(), ["gen"]);
    assert_eq!(
        recipe.generators["gen"].files[0].name, "gen.cpp",
        "the generator's source"
    );
    assert_eq!(
        recipe.validators.keys().collect::<Vec<_>>(),
        ["sorted-check.py", "validator.cpp"]
    );
    let model = recipe.model.as_ref().expect("a model solution");
    assert_eq!(model.files[0].name, "model.cpp");
    assert_eq!(
        p.grader.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(),
        ["grader.cpp", "maxgen.h"]
    );
    assert!(
        p.warnings
            .iter()
            .any(|w| w.contains("made at import by running gen/data.py")),
        "{:?}",
        p.warnings
    );
    // A written gen/data wins over the script that would print it.
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&fixture(), tmp.path());
    fs::write(tmp.path().join("gen/data"), LIST).unwrap();
    let p = load(tmp.path()).unwrap();
    assert_eq!(p.recipe.unwrap().list, TestList::Data(LIST.into()));
}

#[test]
fn steps_name_feed_and_validate_each_test_as_tps_gen_does() {
    let p = load(&fixture()).unwrap();
    let recipe = p.recipe.unwrap();
    let steps = recipe.steps(LIST).unwrap();
    let names: Vec<&str> = steps.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "0-01", "tiny-01", "tiny-02", "1-01", "1-02", "2-01", "2-02", "2-03"
        ]
    );
    assert_eq!(steps[0].input, StepInput::File(b"3\n1 5 2\n".to_vec()));
    assert_eq!(steps[7].input, StepInput::File(b"4\n1 2 3 4\n".to_vec()));
    assert_eq!(
        steps[6].input,
        StepInput::Generator {
            command: "gen".into(),
            args: vec!["2000".into(), "4".into(), "up".into()],
        }
    );
    // Global validators once; subtask-sensitive ones once per subtask holding the test; each
    // subtask's own.
    assert_eq!(
        steps[0].validators,
        [
            run("validator.cpp", &[]),
            run("validator.cpp", &["--group", "samples"])
        ]
    );
    assert_eq!(
        steps[1].validators,
        [
            run("validator.cpp", &[]),
            run("validator.cpp", &["--group", "small"]),
            run("validator.cpp", &["--group", "full"]),
            run("sorted-check.py", &[]),
        ]
    );
    assert_eq!(
        steps[5].validators,
        [
            run("validator.cpp", &[]),
            run("validator.cpp", &["--group", "full"]),
            run("sorted-check.py", &[]),
        ]
    );
    assert_eq!(recipe.wrap(b"1\n5\n"), b"maxgen-7f3a\n1\n5\n");
    // As dos2unix leaves them (IOI 2022's insects ships a sample with CRLF line ends).
    assert_eq!(recipe.wrap(b"1\r\n5\r\n"), b"maxgen-7f3a\n1\n5\n");
    assert_eq!(recipe.wrap(b"1\r5"), b"maxgen-7f3a\n1\r5");
    assert_eq!(recipe.wrap(b"1\r\n\0"), b"maxgen-7f3a\n1\r\n\0", "binary");
}

#[test]
fn made_tests_become_the_tests_and_subtasks() {
    let p = load(&fixture()).unwrap();
    let steps = p.recipe.as_ref().unwrap().steps(LIST).unwrap();
    let made = steps
        .iter()
        .map(|s| MadeTest {
            name: s.name.clone(),
            input: format!("input of {}", s.name).into_bytes(),
            answer: Some(format!("answer of {}", s.name).into_bytes()),
        })
        .collect();
    let p = finish_recipe(p, LIST, made).unwrap();
    assert!(p.recipe.is_none());
    let kinds: Vec<TestKind> = p.tests.iter().map(|t| t.kind).collect();
    assert_eq!(kinds[0], TestKind::Public, "the samples are public");
    assert!(kinds[1..].iter().all(|k| *k == TestKind::Hidden));
    assert_eq!(p.tests[3].answer.as_deref(), Some(&b"answer of 1-01"[..]));
    let shape: Vec<(&str, f64, Vec<usize>)> = p
        .subtasks
        .iter()
        .map(|s| (s.name.as_str(), s.points, s.tests.clone()))
        .collect();
    assert_eq!(
        shape,
        [
            ("samples", 0.0, vec![0]),
            ("small", 40.0, vec![1, 2, 3, 4]),
            ("full", 60.0, vec![1, 2, 3, 4, 5, 6, 7]),
        ]
    );
}

#[test]
fn a_wrong_test_list_names_its_line() {
    let recipe = load(&fixture()).unwrap().recipe.unwrap();
    for (list, needle) in [
        ("gen 1 2", "line 1: a test before any @subtask"),
        ("@subtask a\nmystery 1", "line 2: no generator \"mystery\""),
        ("@subtask a\n\n@include b", "line 3: @include b: no such"),
        (
            "@subtask a\nmanual nowhere.in",
            "gen/manual/nowhere.in does not exist",
        ),
        ("@subtask a\nmanual a.in b.in", "manual takes one file"),
        ("@subtask a\n@pragma x", "unknown command @pragma"),
        ("@subtask a\ngen 'unbalanced", "unbalanced quotes"),
    ] {
        let err = recipe.steps(list).unwrap_err();
        assert!(err.contains(needle), "{list:?}: {err}");
    }
}

#[test]
fn output_only_tests_are_numbered_over_the_whole_list() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&fixture(), tmp.path());
    let conf = fs::read_to_string(tmp.path().join("problem.json")).unwrap();
    fs::write(
        tmp.path().join("problem.json"),
        conf.replace("\"Batch\"", "\"OutputOnly\""),
    )
    .unwrap();
    let recipe = load(tmp.path()).unwrap().recipe.unwrap();
    let names: Vec<String> = recipe
        .steps(LIST)
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(names, ["01", "02", "03", "04", "05", "06", "07", "08"]);
}

#[test]
fn the_task_type_says_whether_answers_are_needed() {
    // A Communication task with a checker: its answers are the manager's output with the model.
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&fixture(), tmp.path());
    let conf = fs::read_to_string(tmp.path().join("problem.json")).unwrap();
    fs::write(
        tmp.path().join("problem.json"),
        conf.replace("\"Batch\"", "\"Communication\""),
    )
    .unwrap();
    fs::write(tmp.path().join("grader/manager.cpp"), "int main() {}").unwrap();
    fs::create_dir(tmp.path().join("checker")).unwrap();
    fs::write(tmp.path().join("checker/checker.cpp"), "int main() {}").unwrap();
    let recipe = load(tmp.path()).unwrap().recipe.unwrap();
    assert!(recipe.model.is_some());
    // Without the checker the manager scores, and no answers are needed.
    fs::remove_dir_all(tmp.path().join("checker")).unwrap();
    let recipe = load(tmp.path()).unwrap().recipe.unwrap();
    assert!(recipe.model.is_none());
    // A Batch task without a model solution has no answers.
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&fixture(), tmp.path());
    fs::write(tmp.path().join("solutions.json"), "{}").unwrap();
    let err = load(tmp.path()).unwrap_err().to_string();
    assert!(err.contains("model_solution"), "{err}");
}
