//! `sieve judge` end to end: graders compiled with the candidate, compile errors, JSON output.

use std::path::PathBuf;
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn judge(problem: &str, source: &str, extra: &[&str]) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_sieve"))
        .args(["judge", "--json", "--problem"])
        .arg(repo().join(problem))
        .arg("--source")
        .arg(repo().join(source))
        .arg("--cache-dir")
        .arg(repo().join("target/sieve-test/cache"))
        .args(extra)
        .output()
        .expect("run sieve judge");
    assert!(
        matches!(out.status.code(), Some(0 | 10..=18)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

const GRADER: &str = "tests/fixtures/packages/grader-sum";

#[test]
fn function_task_compiles_the_candidate_with_the_grader() {
    let ok = judge(
        GRADER,
        &format!("{GRADER}/submissions/accepted/sum.cpp"),
        &[],
    );
    assert_eq!(ok["report"]["total"], 100.0, "{ok}");
    assert_eq!(ok["limits"]["time_ms"], 1000);
    assert_eq!(ok["limits"]["memory_bytes"], 256 << 20);
    let wrong = judge(
        GRADER,
        &format!("{GRADER}/submissions/wrong_answer/sum_int.cpp"),
        &[],
    );
    assert_eq!(wrong["report"]["total"], 0.0);
    let tests = wrong["report"]["tests"].as_array().expect("tests");
    assert_eq!(tests[0]["verdict"], "AC", "the sample passes");
    assert_eq!(tests[1]["verdict"], "WA", "the 64-bit test fails");
}

#[test]
fn all_tests_flag_runs_past_the_first_failure() {
    let src = format!("{GRADER}/submissions/wrong_answer/sum_int.cpp");
    let stop = judge(GRADER, &src, &[]);
    let all = judge(GRADER, &src, &["--all-tests"]);
    let verdicts = |v: &serde_json::Value| -> Vec<String> {
        v["report"]["tests"]
            .as_array()
            .expect("tests")
            .iter()
            .map(|t| t["verdict"].as_str().unwrap_or("").to_string())
            .collect()
    };
    assert!(verdicts(&stop).contains(&"SK".to_string()), "{stop}");
    assert!(!verdicts(&all).contains(&"SK".to_string()), "{all}");
}

#[test]
fn compile_error_is_reported_with_its_message() {
    let v = judge(GRADER, "tests/fixtures/verdicts/ce_syntax.cpp", &[]);
    assert_eq!(v["compile"]["status"], "CE");
    assert!(v["report"].is_null());
    assert!(
        v["compile"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("error"),
        "{v}"
    );
}

fn verdicts(v: &serde_json::Value) -> Vec<String> {
    v["report"]["tests"]
        .as_array()
        .map(|t| {
            t.iter()
                .map(|t| t["verdict"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_else(|| vec![v["compile"]["status"].as_str().unwrap_or("").to_string()])
}

#[test]
fn supervised_and_in_process_judging_agree_on_every_verdict() {
    let aplusb = "tests/fixtures/packages/aplusb";
    // The memory hogs zero-fill 64 MiB blocks: a second of CPU time lets both modes reach the
    // memory limit before the time limit, even on a loaded machine.
    let limits = ["--time-limit", "1000", "--memory-limit", "256"];
    for fixture in [
        "ac.cpp",
        "wa.cpp",
        "tle_loop.cpp",
        "mle_alloc.cpp",
        "mle_vector.cpp",
        "ole_flood.cpp",
        "re_abort.cpp",
        "re_div_zero.cpp",
        "re_exit3.cpp",
        "re_stack_overflow.cpp",
        "dfs_deep.cpp",
    ] {
        let src = format!("tests/fixtures/verdicts/{fixture}");
        let supervised = judge(aplusb, &src, &limits);
        let mut in_process_args = limits.to_vec();
        in_process_args.push("--in-process");
        let in_process = judge(aplusb, &src, &in_process_args);
        assert_eq!(verdicts(&supervised), verdicts(&in_process), "{fixture}");
    }
}

#[test]
fn supervisor_stops_an_endless_loop_at_the_limit() {
    let v = judge(
        "tests/fixtures/packages/aplusb",
        "tests/fixtures/verdicts/tle_loop.cpp",
        &["--time-limit", "300", "--all-tests"],
    );
    let tests = v["report"]["tests"].as_array().expect("tests");
    assert_eq!(tests.len(), 2);
    // The stated 300 ms times the default time factor.
    assert_eq!(v["compile"]["time"]["judged_ms"], 450, "{}", v["compile"]);
    for t in tests {
        assert_eq!(t["verdict"], "TLE", "{t}");
        let us = t["time_us"].as_u64().unwrap_or(0);
        assert!((450_000..900_000).contains(&us), "stopped at {us} us");
    }
    assert_eq!(
        v["borderline"].as_array().map(Vec::len),
        Some(2),
        "a TLE is borderline"
    );
}

#[test]
fn time_factor_is_given_or_measured_and_recorded() {
    let (problem, src) = (
        "examples/pairsum",
        "examples/pairsum/submissions/accepted/sort_two_pointers.cpp",
    );
    let given = judge(problem, src, &["--time-factor", "2"]);
    let time = &given["compile"]["time"];
    assert_eq!(time["stated_ms"], 1000, "{time}");
    assert_eq!(
        (time["factor"].as_f64(), time["judged_ms"].as_u64()),
        (Some(2.0), Some(2000))
    );
    assert_eq!(given["report"]["total"], 100.0);
    assert_eq!(
        given["borderline"],
        serde_json::json!([]),
        "fast runs are not borderline"
    );
    // Measured: the references run natively and in sieve; the factor is their worst ratio,
    // rounded up to 0.05, from 1 to 4.
    let measured = judge(problem, src, &["--calibrate-time"]);
    let time = &measured["compile"]["time"];
    let factor = time["factor"].as_f64().expect("factor");
    assert!((1.0..=4.0).contains(&factor), "{time}");
    assert!(
        (factor * 20.0 - (factor * 20.0).round()).abs() < 1e-6,
        "{time}"
    );
    assert!(
        time["factor_from"]
            .as_str()
            .unwrap_or("")
            .starts_with("measured: 2 reference(s)"),
        "{time}"
    );
    assert_eq!(
        time["judged_ms"].as_u64(),
        Some((1000.0 * factor).ceil() as u64)
    );
    let out = Command::new(env!("CARGO_BIN_EXE_sieve"))
        .args(["judge", "--time-factor", "9", "--problem"])
        .arg(repo().join(problem))
        .arg("--source")
        .arg(repo().join(src))
        .arg("--cache-dir")
        .arg(repo().join("target/sieve-test/cache"))
        .output()
        .expect("run sieve judge");
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("time factor 9 is not a number from 1 to 4")
    );
}

#[test]
fn deterministic_mode_calibrates_then_repeats_exactly() {
    let problem = "examples/divsum";
    let src = "examples/divsum/submissions/time_limit_exceeded/linear.cpp";
    let first = judge(problem, src, &["--deterministic", "--all-tests"]);
    let fuel_per_ms = first["compile"]["fuel_per_ms"]
        .as_u64()
        .expect("calibrated");
    assert!(
        fuel_per_ms > 10_000,
        "implausible calibration {fuel_per_ms}"
    );
    // With the calibration fixed, verdicts and fuel repeat exactly.
    let f = fuel_per_ms.to_string();
    let a = judge(problem, src, &["--fuel-per-ms", &f, "--all-tests"]);
    let b = judge(problem, src, &["--fuel-per-ms", &f, "--all-tests"]);
    let key = |v: &serde_json::Value| -> Vec<(String, u64)> {
        v["report"]["tests"]
            .as_array()
            .expect("tests")
            .iter()
            .map(|t| {
                (
                    t["verdict"].as_str().unwrap_or("").to_string(),
                    t["fuel"].as_u64().unwrap_or(0),
                )
            })
            .collect()
    };
    assert_eq!(key(&a), key(&b));
    assert!(
        key(&a).iter().any(|(v, _)| v == "TLE"),
        "the linear solution exceeds the budget on group 3"
    );
    assert_eq!(a["report"]["total"], 50.0);
}

#[test]
fn cms_and_polygon_packages_judge_their_reference_solutions_to_full_points() {
    // CMS (Italian task.yaml, function task with a grader) and Polygon (groups with
    // dependencies, per-test points, the std::wcmp checker; or a testlib checker and a
    // grader), each with its own solution.
    for (package, source, subtasks) in [
        ("cms-sum", "sol/soluzione.cpp", 3),
        ("polygon-sum", "solutions/sum.cpp", 5),
        // A custom testlib checker, a grader, and a 64 MiB limit (the stack reserve is free).
        ("polygon-custom", "solutions/pair.cpp", 1),
    ] {
        let dir = format!("tests/fixtures/packages/{package}");
        let v = judge(&dir, &format!("{dir}/{source}"), &[]);
        assert_eq!(v["report"]["total"], 100.0, "{package}: {v}");
        let n = v["report"]["subtasks"].as_array().map(Vec::len);
        assert_eq!(n, Some(subtasks), "{package}: {v}");
    }
    // The same sum through 16-bit shorts: right on small numbers only.
    let dir = "tests/fixtures/packages/polygon-sum";
    let tmp = tempfile::tempdir().expect("tempdir");
    let narrow = tmp.path().join("narrow.cpp");
    let src = std::fs::read_to_string(repo().join(dir).join("solutions/sum.cpp")).expect("source");
    std::fs::write(
        &narrow,
        src.replace("long long", "short").replace("%lld", "%hd"),
    )
    .expect("write");
    let v = judge(dir, narrow.to_str().unwrap_or_default(), &[]);
    assert_eq!(
        v["report"]["total"], 35.0,
        "small 30 and bonus/6 5, nothing else: {v}"
    );
}

#[test]
fn an_interactive_package_is_judged_supervised_and_in_process_alike() {
    // Kattis `validation: custom interactive`: the candidate talks with the package's
    // interactor, and the supervised judging process limits the candidate's CPU time alone.
    let dir = "examples/guess";
    let expected = std::fs::read_to_string(repo().join(dir).join("submissions/expected.tsv"))
        .expect("expected.tsv");
    for line in expected.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let src = format!("{dir}/submissions/{}", cols[0]);
        let supervised = judge(dir, &src, &[]);
        let score: f64 = cols[1].parse().expect("score");
        assert_eq!(
            supervised["report"]["total"], score,
            "{}: {supervised}",
            cols[0]
        );
        let in_process = judge(dir, &src, &["--in-process"]);
        assert_eq!(verdicts(&supervised), verdicts(&in_process), "{}", cols[0]);
    }
    let idle = judge(
        dir,
        &format!("{dir}/submissions/time_limit_exceeded/no_flush.cpp"),
        &[],
    );
    let first = &idle["report"]["tests"][0];
    assert_eq!(first["verdict"], "TLE", "{idle}");
    assert!(
        first["message"].as_str().unwrap_or("").starts_with("idle"),
        "{idle}"
    );
}

#[test]
fn deterministic_calibration_judges_the_reference_with_its_interactor() {
    let sub = |p: &str| repo().join("examples/guess/submissions").join(p);
    let run = |reference: &str| {
        Command::new(env!("CARGO_BIN_EXE_sieve"))
            .args(["judge", "--json", "--deterministic", "--problem"])
            .arg(repo().join("examples/guess"))
            .arg("--source")
            .arg(sub("partially_accepted/linear.cpp"))
            .arg("--reference")
            .arg(sub(reference))
            .arg("--cache-dir")
            .arg(repo().join("target/sieve-test/cache"))
            .output()
            .expect("run sieve judge")
    };
    let ok = run("accepted/binary_search.cpp");
    assert!(
        matches!(ok.status.code(), Some(0 | 10..=18)),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&ok.stdout).expect("json");
    assert!(
        v["compile"]["fuel_per_ms"].as_u64().unwrap_or(0) > 10_000,
        "{v}"
    );
    assert_eq!(
        v["report"]["total"], 40.0,
        "linear search passes group 1 only"
    );
    // Run without its interactor, a reference that never guesses right looked as good as any.
    let wrong = run("wrong_answer/never_guesses_n.cpp");
    let stderr = String::from_utf8_lossy(&wrong.stderr);
    assert!(!wrong.status.success(), "calibrated on a wrong reference");
    assert!(stderr.contains("is not accepted on"), "{stderr}");
}

/// The supervised judging process, as `sieve judge` uses it: a candidate the interactor rejected
/// is WA with the interactor's message, and is stopped then, even when it goes on computing
/// without reading (the supervisor no longer waits for the time limit and calls it TLE).
#[test]
fn a_rejected_candidate_that_spins_on_is_wa_not_tle() {
    let v = judge(
        "examples/guess",
        "tests/fixtures/verdicts/interactive/wrong_then_spins.cpp",
        &["--all-tests"],
    );
    let tests = v["report"]["tests"].as_array().cloned().unwrap_or_default();
    assert!(tests.len() > 3, "{v}");
    for t in &tests {
        assert_eq!(t["verdict"], "WA", "{t}");
        assert_eq!(t["message"], "guess out of range", "{t}");
    }
}
