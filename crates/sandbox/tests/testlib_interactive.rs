//! testlib interactors (Codeforces, Polygon): `interactor input output answer` beside the
//! candidate, and after an acceptance the problem's checker judging what the interactor wrote
//! to `output` (the `polygon-interactive` fixture package).

mod common;

use common::*;
use sieve_domain::{Checker, Language, Verdict};
use sieve_sandbox::{CompileOutcome, JudgeOptions, Program, Sandbox, TestInput, compile};
use std::sync::Arc;

const PACKAGE: &str = "packages/polygon-interactive";

/// Compiles a program of the package that includes its `files/testlib.h`.
fn with_testlib(sandbox: &Sandbox, rel: &str) -> Program {
    let dir = fixture(PACKAGE);
    let source = std::fs::read(dir.join(rel)).expect("source");
    let header = std::fs::read(dir.join("files/testlib.h")).expect("testlib.h");
    let extra = [("testlib.h".to_string(), header)];
    match compile(&TOOLCHAIN, &source, Language::Cpp17, &extra, &cache_dir()).expect("toolchain") {
        CompileOutcome::Ok(c) => sandbox.load(&c.wasm).expect("loads"),
        CompileOutcome::Error { message } => panic!("{rel}: {message}"),
    }
}

fn tests() -> Vec<TestInput> {
    let dir = fixture(PACKAGE).join("tests");
    (1..=4)
        .map(|i| TestInput {
            name: format!("{i:02}"),
            input: Arc::from(std::fs::read(dir.join(format!("{i:02}"))).expect("input")),
            answer: Some(Arc::from(
                std::fs::read(dir.join(format!("{i:02}.a"))).expect("answer"),
            )),
        })
        .collect()
}

/// Options with the package's interactor and `then` as the checker of its output (`checker`:
/// the module of a custom one).
fn options_with(then: Option<Checker>, checker: Option<Program>) -> JudgeOptions {
    let interactor = with_testlib(&TIMED, "files/interactor.cpp");
    let mut opts = options(Checker::TestlibInteractive {
        program: sieve_domain::BlobHash(interactor.hash),
        then: then.map(Box::new),
    });
    opts.all_tests = true;
    opts.custom_checker = Some(interactor);
    opts.then_checker = checker;
    opts
}

fn package_options() -> JudgeOptions {
    let checker = with_testlib(&TIMED, "files/check.cpp");
    let then = Checker::Testlib {
        program: sieve_domain::BlobHash(checker.hash),
    };
    options_with(Some(then), Some(checker))
}

/// Verdicts and messages of `solution` on the four tests.
fn judged(solution: &str, opts: &JudgeOptions) -> Vec<(Verdict, String)> {
    let candidate = program(&TIMED, &format!("{PACKAGE}/solutions/{solution}"));
    let report = judge_on(&TIMED, &candidate, &tests(), &[], opts);
    report
        .tests
        .into_iter()
        .map(|t| (t.verdict, t.message))
        .collect()
}

fn verdicts(judged: &[(Verdict, String)]) -> Vec<Verdict> {
    judged.iter().map(|(v, _)| *v).collect()
}

#[test]
fn the_interactor_then_the_checker_of_its_output_decide() {
    use Verdict::*;
    let opts = package_options();
    let binary = judged("binary.cpp", &opts);
    assert_eq!(verdicts(&binary), [AC, AC, AC, AC], "{binary:?}");
    assert_eq!(binary[3].1, "20 questions", "the checker's message");
    let linear = judged("linear.cpp", &opts);
    assert_eq!(verdicts(&linear), [AC, WA, WA, WA], "{linear:?}");
    assert_eq!(linear[1].1, "9 questions, 4 allowed", "the checker rejects");
    assert_eq!(
        linear[2].1, "more than 100 questions",
        "the interactor rejects"
    );
    let off = judged("off_by_one.cpp", &opts);
    assert_eq!(verdicts(&off), [WA, WA, WA, WA], "{off:?}");
    assert!(off[0].1.starts_with("guessed 4"), "{off:?}");
}

#[test]
fn without_a_checker_the_interactor_decides_alone_and_a_builtin_reads_its_output() {
    use Verdict::*;
    let alone = judged("linear.cpp", &options_with(None, None));
    assert_eq!(verdicts(&alone), [AC, AC, WA, WA], "{alone:?}");
    // Tokens: the questions asked (3 on the sample) against the answer's budget (4).
    let tokens = judged("binary.cpp", &options_with(Some(Checker::Tokens), None));
    assert_eq!(tokens[0].0, WA, "{tokens:?}");
    assert!(
        tokens[0].1.contains("expected \"4\", got \"3\""),
        "{tokens:?}"
    );
}

#[test]
fn an_unloaded_checker_or_a_failing_interactor_is_the_judges_fault() {
    let mut opts = package_options();
    opts.then_checker = None;
    let unloaded = judged("binary.cpp", &opts);
    assert!(
        unloaded
            .iter()
            .all(|(v, m)| *v == Verdict::JudgeError && m.contains("not loaded")),
        "{unloaded:?}"
    );
    // A test the interactor cannot read: testlib's FAIL (exit 3).
    let candidate = program(&TIMED, &format!("{PACKAGE}/solutions/binary.cpp"));
    let bad = [test("bad", "ten\n", Some("4\n"))];
    let report = judge_on(&TIMED, &candidate, &bad, &[], &package_options());
    assert_eq!(report.tests[0].verdict, Verdict::JudgeError, "{report:?}");
    assert!(
        report.tests[0].message.contains("interactor reported FAIL"),
        "{report:?}"
    );
}
