//! Python candidates on the real interpreter (CPython for WASI, installed by scripts/setup.sh):
//! every verdict, what a script may not reach, and the contest idioms judges accept.

mod common;

use common::*;
use sieve_domain::{Checker, Language, Verdict};
use sieve_sandbox::{CompileOutcome, Program, Sandbox, compile};

fn python(sandbox: &Sandbox, rel: &str) -> Program {
    program(sandbox, &format!("python/{rel}"))
}

fn judged(rel: &str) -> (Verdict, String) {
    let program = python(&TIMED, rel);
    let report = judge_sum(&TIMED, &program, &options(Checker::Tokens));
    let t = &report.tests[0];
    (t.verdict, t.message.clone())
}

#[test]
fn a_python_candidate_gets_every_verdict() {
    assert_eq!(judged("ac.py"), (Verdict::AC, String::new()));
    assert_eq!(judged("wa.py").0, Verdict::WA);
    assert_eq!(judged("tle.py").0, Verdict::TLE);
    assert_eq!(judged("mle.py").0, Verdict::MLE);
    let (verdict, message) = judged("re.py");
    assert_eq!(verdict, Verdict::RE);
    assert!(
        message.contains("exit code 1") && message.contains("ZeroDivisionError"),
        "the traceback's end is the message: {message}"
    );
    // A syntax error (here Python 2) fails at run time, as the script is compiled when it runs.
    let (verdict, message) = judged("py2.py");
    assert_eq!(verdict, Verdict::RE);
    assert!(message.contains("SyntaxError"), "{message}");
}

#[test]
fn a_script_reaches_no_host_file_network_or_process() {
    for (rel, error) in [
        ("read_host_file.py", "FileNotFoundError"),
        ("network.py", "OSError"),
        ("subprocess.py", "OSError"),
    ] {
        let (verdict, message) = judged(rel);
        assert_eq!(verdict, Verdict::RE, "{rel}: {message}");
        assert!(message.contains(error), "{rel}: {message}");
    }
}

#[test]
fn contest_idioms_work_as_on_judges() {
    for rel in ["thread_recursion.py", "exit_early.py", "big_int.py"] {
        assert_eq!(judged(rel), (Verdict::AC, String::new()), "{rel}");
    }
}

#[test]
fn python_runs_are_deterministic_in_fuel_and_fresh_each_test() {
    let program = python(&FUEL, "ac.py");
    let tests: Vec<_> = (0..3)
        .map(|i| test(&format!("t{i}"), "2 3\n", Some("5\n")))
        .collect();
    let report = judge_on(&FUEL, &program, &tests, &[], &options(Checker::Tokens));
    let fuel: Vec<u64> = report.tests.iter().map(|t| t.fuel).collect();
    assert!(fuel[0] > 0, "{fuel:?}");
    assert!(
        fuel.iter().all(|f| *f == fuel[0]),
        "each test starts from the same snapshot: {fuel:?}"
    );
}

#[test]
fn python_cannot_link_a_tasks_c_grader() {
    let graders = vec![("grader.cpp".to_string(), b"int main(){}".to_vec())];
    let built = compile(
        &TOOLCHAIN,
        b"print(1)\n",
        Language::Python3,
        &graders,
        &cache_dir(),
    )
    .expect("no toolchain failure");
    match built {
        CompileOutcome::Error { message } => assert!(message.contains("grader.cpp"), "{message}"),
        CompileOutcome::Ok(_) => panic!("a Python candidate cannot be linked with a C++ grader"),
    }
}

#[test]
fn deep_recursion_through_c_fails_here_and_is_flagged() {
    // A known difference from native CPython (docs/python.md): the interpreter's C stack.
    let (verdict, message) = judged("lru_deep.py");
    assert_eq!(verdict, Verdict::RE);
    assert!(message.contains("RecursionError"), "{message}");
    let CompileOutcome::Ok(built) = build(&fixture("python/lru_deep.py")) else {
        panic!("a Python script always builds");
    };
    assert!(
        built.fidelity.iter().any(|w| w.contains("lru_cache")),
        "{:?}",
        built.fidelity
    );
}
