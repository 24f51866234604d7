//! Every verdict from a real program compiled by the real toolchain and run in wasmtime.

mod common;

use common::*;
use sieve_domain::{Checker, Verdict};
use sieve_sandbox::CompileOutcome;

fn verdict_of(rel: &str, checker: Checker) -> (Verdict, String) {
    let program = program(&TIMED, rel);
    let report = judge_sum(&TIMED, &program, &options(checker));
    let t = &report.tests[0];
    (t.verdict, t.message.clone())
}

#[test]
fn accepted_programs() {
    for rel in [
        "verdicts/ac.cpp",
        "verdicts/ac_printf.c",
        "verdicts/read_past_eof.cpp",
        "verdicts/ws.cpp",
    ] {
        assert_eq!(verdict_of(rel, Checker::Tokens).0, Verdict::AC, "{rel}");
    }
}

#[test]
fn cout_and_printf_stay_in_program_order() {
    let program = program(&TIMED, "verdicts/ac_mixed_cout_printf.cpp");
    let tests = [test("t", "100000 23456\n", Some("123456\n"))];
    let report = judge_on(&TIMED, &program, &tests, &[], &options(Checker::Exact));
    assert_eq!(
        report.tests[0].verdict,
        Verdict::AC,
        "{:?}",
        report.tests[0]
    );
}

#[test]
fn wrong_answers_and_whitespace() {
    assert_eq!(
        verdict_of("verdicts/wa.cpp", Checker::Tokens).0,
        Verdict::WA
    );
    assert_eq!(
        verdict_of("verdicts/pe.cpp", Checker::Tokens).0,
        Verdict::WA
    );
    assert_eq!(verdict_of("verdicts/ws.cpp", Checker::Exact).0, Verdict::WA);
}

#[test]
fn infinite_loop_is_tle() {
    let program = program(&TIMED, "verdicts/tle_loop.cpp");
    let report = judge_sum(&TIMED, &program, &options(Checker::Tokens));
    let t = &report.tests[0];
    assert_eq!(t.verdict, Verdict::TLE);
    assert!(
        t.time_us >= 1_000_000,
        "stopped only after the limit: {} us",
        t.time_us
    );
    assert!(
        t.time_us < 1_500_000,
        "stopped promptly after the limit: {} us",
        t.time_us
    );
}

/// An empty `while (true) {}` is an endless loop as g++ compiles it, not a trap.
#[test]
fn an_empty_endless_loop_is_tle_as_with_gplusplus() {
    let program = program(&TIMED, "verdicts/tle_empty_loop.cpp");
    let report = judge_sum(&TIMED, &program, &options(Checker::Tokens));
    let t = &report.tests[0];
    assert_eq!(t.verdict, Verdict::TLE, "{}", t.message);
}

#[test]
fn allocation_past_the_limit_is_mle_not_re() {
    assert_eq!(
        verdict_of("verdicts/mle_alloc.cpp", Checker::Tokens).0,
        Verdict::MLE
    );
    assert_eq!(
        verdict_of("verdicts/mle_vector.cpp", Checker::Tokens).0,
        Verdict::MLE
    );
}

#[test]
fn output_flood_is_ole_even_when_exit_is_zero() {
    assert_eq!(
        verdict_of("verdicts/ole_flood.cpp", Checker::Tokens).0,
        Verdict::OLE
    );
}

#[test]
fn runtime_errors_name_their_cause() {
    for (rel, needle) in [
        ("verdicts/re_abort.cpp", "abort"),
        ("verdicts/re_oob_write.cpp", "out-of-bounds"),
        ("verdicts/re_div_zero.cpp", "division by zero"),
        ("verdicts/re_exit3.cpp", "exit code 3"),
        ("verdicts/re_throw.cpp", "exception"),
        ("verdicts/re_stack_overflow.cpp", ""),
    ] {
        let (verdict, message) = verdict_of(rel, Checker::Tokens);
        assert_eq!(verdict, Verdict::RE, "{rel}: {message}");
        assert!(
            message.contains(needle),
            "{rel}: message {message:?} lacks {needle:?}"
        );
    }
}

#[test]
fn recursion_a_million_deep_passes() {
    assert_eq!(
        verdict_of("verdicts/dfs_deep.cpp", Checker::Tokens).0,
        Verdict::AC
    );
}

#[test]
fn long_is_32_bit_on_wasm32() {
    // A fidelity limit users must know about: x86-64 judges would accept this program.
    let program = program(&TIMED, "verdicts/long_as_64bit.cpp");
    let tests = [test("big", "3000000000 3000000000\n", Some("6000000000\n"))];
    let report = judge_on(&TIMED, &program, &tests, &[], &options(Checker::Tokens));
    assert_eq!(report.tests[0].verdict, Verdict::WA);
}

#[test]
fn compile_errors_and_refused_includes() {
    assert!(matches!(
        build(&fixture("verdicts/ce_syntax.cpp")),
        CompileOutcome::Error { .. }
    ));
    for rel in [
        "verdicts/ce_include_passwd.cpp",
        "verdicts/ce_include_dotdot.cpp",
    ] {
        let CompileOutcome::Error { message } = build(&fixture(rel)) else {
            panic!("{rel} compiled");
        };
        assert!(message.contains("refused"), "{rel}: {message}");
        assert!(
            !message.contains("root:"),
            "{rel} leaked host file content: {message}"
        );
    }
}

#[test]
fn template_bomb_is_stopped_by_the_compile_limits() {
    let started = std::time::Instant::now();
    let outcome = build(&fixture("verdicts/ce_template_bomb.cpp"));
    assert!(matches!(outcome, CompileOutcome::Error { .. }));
    assert!(
        started.elapsed().as_secs() < 25,
        "compile limits must stop it: {:?}",
        started.elapsed()
    );
}

#[test]
fn same_candidate_twice_gives_same_verdicts_and_fuel() {
    let program = program(&FUEL, "verdicts/ac.cpp");
    let tests = [
        test("a", "2 3\n", Some("5\n")),
        test("b", "40 2\n", Some("42\n")),
    ];
    let opts = options(Checker::Tokens);
    let first = judge_on(&FUEL, &program, &tests, &[], &opts);
    let second = judge_on(&FUEL, &program, &tests, &[], &opts);
    for (a, b) in first.tests.iter().zip(&second.tests) {
        assert_eq!(a.verdict, Verdict::AC);
        assert_eq!(a.verdict, b.verdict);
        assert!(a.fuel > 0, "fuel is measured");
        assert_eq!(a.fuel, b.fuel, "fuel is deterministic");
        assert_eq!(a.output_hash, b.output_hash);
    }
    let timed = program_timed_twice();
    assert_eq!(timed.0, timed.1);
}

fn program_timed_twice() -> (Vec<Verdict>, Vec<Verdict>) {
    let program = program(&TIMED, "verdicts/wa.cpp");
    let opts = options(Checker::Tokens);
    let run = || {
        judge_sum(&TIMED, &program, &opts)
            .tests
            .iter()
            .map(|t| t.verdict)
            .collect()
    };
    (run(), run())
}

#[test]
fn deterministic_mode_turns_loops_into_tle() {
    let program = program(&FUEL, "verdicts/tle_loop.cpp");
    let mut opts = options(Checker::Tokens);
    opts.limits.time_ms = 200;
    let report = judge_sum(&FUEL, &program, &opts);
    assert_eq!(report.tests[0].verdict, Verdict::TLE);
    assert_eq!(
        report.tests[0].fuel,
        200 * 500_000,
        "the whole budget was spent"
    );
}

#[test]
fn fast_streams_match_gplusplus_byte_for_byte() {
    // sync_with_stdio(false) installs sieve's buffered streams and integer facets; every
    // extraction and insertion must still behave as libstdc++'s do.
    let src = fixture("verdicts/iostream_semantics.cpp");
    let input = std::fs::read(fixture("verdicts/iostream_semantics.in")).expect("input");
    let dir = tempfile::tempdir().expect("tempdir");
    let native = dir.path().join("native");
    let status = std::process::Command::new("g++")
        .args(["-O2", "-std=gnu++17", "-o"])
        .arg(&native)
        .arg(&src)
        .status()
        .expect("g++ runs");
    assert!(status.success());
    let mut child = std::process::Command::new(&native)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("native runs");
    std::io::Write::write_all(&mut child.stdin.take().expect("stdin"), &input).expect("write");
    let expected = child.wait_with_output().expect("native output").stdout;
    let program = program(&TIMED, "verdicts/iostream_semantics.cpp");
    let out = sieve_sandbox::on_guest_thread(|| {
        TIMED.run(
            &program,
            sieve_sandbox::RunSpec {
                stdin: std::sync::Arc::from(input.as_slice()),
                args: vec!["main".into()],
                files: vec![],
                limits: limits(),
            },
        )
    });
    assert_eq!(out.status, sieve_sandbox::RunStatus::Exited(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&expected)
    );
}

#[test]
fn the_untouched_stack_reserve_is_not_charged_but_a_used_stack_is() {
    let program = program(&TIMED, "verdicts/heap_and_stack.cpp");
    let mut opts = options(Checker::Tokens);
    opts.limits.memory_bytes = 64 << 20;
    opts.all_tests = true;
    let tests = [
        test("heap40", "40 10\n", Some("10\n")),
        test("heap40-stack40", "40 40000\n", Some("40000\n")),
        test("heap80", "80 10\n", Some("10\n")),
    ];
    let report = judge_on(&TIMED, &program, &tests, &[], &opts);
    let verdicts: Vec<Verdict> = report.tests.iter().map(|t| t.verdict).collect();
    assert_eq!(
        verdicts,
        [Verdict::AC, Verdict::MLE, Verdict::MLE],
        "{:?}",
        report.tests
    );
    let first = report.tests[0].peak_memory;
    assert!(
        (40 << 20..50 << 20).contains(&first),
        "charged for the heap, not the reserve: {first}"
    );
}
