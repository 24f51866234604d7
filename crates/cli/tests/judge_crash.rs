//! A judging process killed from outside (SIGKILL, as an operator, the OOM killer or a host bug
//! would) while a correct candidate runs is sieve's failure: the test is judged again in a
//! fresh process and the candidate keeps its verdict. Only a test on which every retry dies is a
//! judge error, saying that the judge crashed. Driven through `sieve sandbox-child`, the judging
//! process the workers use.

mod common;

use sieve_domain::{Checker, Language, Limits, Verdict};
use sieve_sandbox::{
    CompileOutcome, JudgeOptions, JudgeReport, MAX_CRASHES, Supervisor, TestInput, Toolchain,
    compile,
};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Sums two numbers after spinning `k` million rounds: slow enough for a kill to land mid-run.
const SLOW_SUM: &str = r#"
#include <stdio.h>
int main(void) {
    long long a, b, k;
    if (scanf("%lld %lld %lld", &a, &b, &k) != 3) return 1;
    volatile unsigned long long x = 0;
    for (long long i = 0; i < k * 1000000; i++) x += i;
    printf("%lld\n", a + b);
    return 0;
}
"#;

fn slow_sum() -> Vec<u8> {
    let cache = common::cache_dir();
    let toolchain = Toolchain::discover(&cache).expect("toolchain");
    match compile(&toolchain, SLOW_SUM.as_bytes(), Language::C17, &[], &cache).expect("compiles") {
        CompileOutcome::Ok(c) => c.wasm,
        CompileOutcome::Error { message } => panic!("{message}"),
    }
}

fn tests() -> Vec<TestInput> {
    (0..3)
        .map(|i| TestInput {
            name: format!("t{i}"),
            input: Arc::from(format!("{i} 40 300\n").as_bytes()),
            answer: Some(Arc::from(format!("{}\n", i + 40).as_bytes())),
        })
        .collect()
}

/// A supervisor of `sieve sandbox-child` processes, and the status file they publish to.
fn supervisor() -> (Supervisor, Arc<Mutex<Option<PathBuf>>>) {
    let status = Arc::new(Mutex::new(None));
    let seen = status.clone();
    let cache = std::path::absolute(common::cache_dir()).expect("cache dir");
    let supervisor = Supervisor::new(move |path: &Path| {
        *seen.lock().expect("lock") = Some(path.to_path_buf());
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_sieve"));
        cmd.arg("sandbox-child")
            .arg("--status")
            .arg(path)
            .arg("--cache-dir")
            .arg(&cache);
        cmd
    })
    .expect("supervisor");
    (supervisor, status)
}

/// The pid of this process's judging child publishing to `status`, if it runs.
fn child_pid(status: &Path) -> Option<u32> {
    let me = std::process::id().to_string();
    let status = status.to_string_lossy();
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        // The parent pid is the second field after the command name in parentheses.
        let ppid = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1));
        let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        if ppid == Some(me.as_str()) && String::from_utf8_lossy(&cmdline).contains(&*status) {
            return Some(pid);
        }
    }
    None
}

/// `(seq, test, phase)` as the judging process last published them (phase 1: the candidate
/// runs).
fn published(status: &Path) -> Option<(u64, u64, u64)> {
    let bytes = std::fs::read(status).ok()?;
    let word = |i: usize| -> Option<u64> {
        Some(u64::from_le_bytes(
            bytes.get(i * 8..i * 8 + 8)?.try_into().ok()?,
        ))
    };
    let (seq, test, phase, seq2) = (word(0)?, word(1)?, word(2)?, word(4)?);
    (seq != 0 && seq == seq2).then_some((seq, test, phase))
}

/// Judges the slow sum on three tests while a thread SIGKILLs the judging process whenever the
/// candidate runs test `t1`, at most `kills` times. Returns the report, the supervisor's crash
/// count and how many processes were killed.
fn judge_killing(kills: usize) -> (JudgeReport, u64, usize) {
    let wasm = slow_sum();
    let (mut supervisor, status) = supervisor();
    let stop = Arc::new(AtomicBool::new(false));
    let killer = {
        let (stop, status) = (stop.clone(), status.clone());
        std::thread::spawn(move || {
            let mut killed = HashSet::new();
            while !stop.load(Ordering::Relaxed) && killed.len() < kills {
                std::thread::sleep(Duration::from_millis(2));
                let Some(path) = status.lock().expect("lock").clone() else {
                    continue;
                };
                let Some(seen @ (_, 1, 1)) = published(&path) else {
                    continue;
                };
                // The status must still be the same run's after the pid is found: the status
                // read may be a killed process's, and the pid its replacement's, which zeroed the
                // status before it started and must not be killed while it starts.
                let pid = child_pid(&path).filter(|p| !killed.contains(p));
                if let Some(pid) = pid.filter(|_| published(&path) == Some(seen)) {
                    let ok = Command::new("kill")
                        .args(["-KILL", &pid.to_string()])
                        .status()
                        .is_ok_and(|s| s.success());
                    if ok {
                        killed.insert(pid);
                    }
                }
            }
            killed.len()
        })
    };
    let opts = JudgeOptions::new(
        Limits {
            time_ms: 20_000,
            memory_bytes: 256 << 20,
            output_bytes: 1 << 20,
        },
        Checker::Tokens,
    );
    let report = supervisor
        .judge(&wasm, &[], &tests(), &[], &opts)
        .expect("judged");
    stop.store(true, Ordering::Relaxed);
    let killed = killer.join().expect("killer");
    (report, supervisor.crashes(), killed)
}

#[test]
fn a_judging_process_killed_mid_run_is_retried_and_the_candidate_keeps_its_verdict() {
    let (report, crashes, killed) = judge_killing(1);
    assert_eq!(killed, 1, "the killer found the judging process on t1");
    let verdicts: Vec<Verdict> = report.tests.iter().map(|t| t.verdict).collect();
    assert_eq!(
        verdicts,
        vec![Verdict::AC; 3],
        "a killed judge is not the candidate's failure: {:#?}",
        report.tests
    );
    assert_eq!(crashes, 1, "the crash is counted");
}

#[test]
fn a_test_that_keeps_killing_the_judge_is_a_judge_error_that_says_so() {
    let (report, crashes, killed) = judge_killing(MAX_CRASHES as usize);
    assert_eq!(killed, MAX_CRASHES as usize);
    assert_eq!(crashes, u64::from(MAX_CRASHES));
    let t1 = &report.tests[1];
    assert_eq!(t1.verdict, Verdict::JudgeError, "{t1:?}");
    assert!(
        t1.message.contains("the judge crashed") && t1.message.contains("signal 9"),
        "{}",
        t1.message
    );
    assert_eq!(report.tests[0].verdict, Verdict::AC);
    assert_eq!(report.tests[2].verdict, Verdict::AC, "judging went on");
}

/// Generators and validators run through the same supervised judging process as candidates:
/// arguments and stdin reach the program, its output comes back, and a run past its CPU limit
/// is stopped from outside (the judging process runs uninstrumented) and replaced for the next.
#[test]
fn plain_runs_get_their_arguments_and_stop_at_the_time_limit() {
    let cache = common::cache_dir();
    let toolchain = Toolchain::discover(&cache).expect("toolchain");
    let build =
        |source: &str| match compile(&toolchain, source.as_bytes(), Language::C17, &[], &cache)
            .expect("compiles")
        {
            CompileOutcome::Ok(c) => c.wasm,
            CompileOutcome::Error { message } => panic!("{message}"),
        };
    let echo = build(
        "#include <stdio.h>\nint main(int c, char **v) { int x; printf(\"%s\", v[c - 1]);\n\
         while (scanf(\"%d\", &x) == 1) printf(\" %d\", 2 * x); printf(\"\\n\"); return c; }\n",
    );
    let spin = build("int main(void) { volatile unsigned long x = 0; for (;;) x++; }\n");
    let (mut supervisor, _) = supervisor();
    let limits = Limits {
        time_ms: 400,
        ..Limits::default()
    };
    let run = |supervisor: &mut Supervisor, wasm: &[u8], args: &[&str], stdin: &str| {
        supervisor
            .run(
                wasm,
                &sieve_sandbox::RunSpec {
                    stdin: Arc::from(stdin.as_bytes()),
                    args: args.iter().map(|a| a.to_string()).collect(),
                    limits,
                    ..Default::default()
                },
            )
            .expect("runs")
    };
    let out = run(&mut supervisor, &echo, &["gen", "5", "seed-7"], "1 2 3");
    assert_eq!(out.status, sieve_sandbox::RunStatus::Exited(3));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "seed-7 2 4 6\n");
    let started = std::time::Instant::now();
    let out = run(&mut supervisor, &spin, &["spin"], "");
    assert_eq!(out.status, sieve_sandbox::RunStatus::TimeLimit);
    assert!(out.time_us >= 400_000, "{} us", out.time_us);
    assert!(started.elapsed() < Duration::from_secs(20));
    let out = run(&mut supervisor, &echo, &["gen", "again"], "21");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "again 42\n");
    assert_eq!(
        supervisor.crashes(),
        0,
        "a stop at the limit is not a crash"
    );
}
