//! CMS Communication tasks: the task's manager and one or more processes of the candidate (each
//! linked with the task's stub) run at once, each on its own thread in its own store, joined by
//! in-host pipes in place of CMS's FIFOs. As CMS runs them:
//! - the manager reads the test's input on stdin (and as the file `input.txt`) and is called
//!   `manager u0_to_m m_to_u0 [u1_to_m m_to_u1 …]`: for each process, the channel it reads from
//!   that process, then the one it writes to it; it prints the score in [0, 1] on stdout and a
//!   message on stderr — or, when the task has a checker (TPS's `has_checker`), it prints the
//!   processes' results, which the checker judges against the test's answer;
//! - process `i` talks on its stdin and stdout (`std_io`), or opens the channels named by its
//!   arguments `m_to_ui ui_to_m` (`fifo_io`); with more than one process, its index follows;
//! - every process has the test's time and memory limits on its own CPU time, and the sum of
//!   their times must also stay within the time limit (CMS judges the sum);
//! - a process that fails (time, memory, a crash, a non-zero exit) scores 0 with that failure,
//!   unless the manager had already ended with a rejection; otherwise the manager's score and
//!   message stand. A manager that fails or prints no score is a judge error.
//!
//! A process reading or writing after the manager has ended is stopped (CMS's processes get the
//! end of the FIFO or SIGPIPE); a manager reading from a process that has ended reads the end of
//! input. When the manager and every process wait to read at once, all stop at once: a deadlock
//! is a time-out of the candidate's.

use crate::checker::{CHECKER_LIMITS, CheckOutcome};
use crate::interact::check_judges_output;
use crate::judge::{TestInput, failure};
use crate::protocol::cms_outcome;
use crate::wasi::{Hub, JUDGE, PipeEnd};
use crate::{GUEST_THREAD_STACK, Program, RunOutcome, RunSpec, RunStatus, Sandbox};
use sieve_domain::{Checker, Limits, MAX_PROCESSES, UserIo, Verdict};
use std::sync::Arc;

/// What a supervisor is told about the candidate's processes in a conversation: each calls
/// `started` on its own thread as its run begins, and `ended` as it ends, so that a supervisor
/// watching thread CPU clocks can hold each one to the time limit.
pub trait Watch: Sync {
    /// Process `process` is about to run on the calling thread.
    fn started(&self, process: usize);
    /// Process `process`'s run is over.
    fn ended(&self, process: usize);
    /// An interactor ended with `outcome`, a rejection or its own failure, while the candidate
    /// may still run: the conversation's verdict is decided, whatever the candidate does next
    /// (Kattis judges WA a submission that loops after its validator rejected it).
    fn decided(&self, _outcome: &CheckOutcome) {}
}

/// No supervisor: each run's own store enforces its limits.
pub struct Unwatched;

impl Watch for Unwatched {
    fn started(&self, _: usize) {}
    fn ended(&self, _: usize) {}
}

/// A Communication task's manager, ready to judge.
pub(crate) struct Manager<'a> {
    pub program: &'a Program,
    pub processes: u32,
    pub user_io: UserIo,
    /// The checker of what the manager prints, with its module when it is custom.
    pub then: Option<(&'a Checker, Option<&'a Program>)>,
}

/// Runs `processes` copies of `program` with `manager` on `test`: the candidate's side (the
/// processes' outputs joined, their times summed, their peak memory the largest), the verdict
/// and what the manager printed. The manager runs on the calling thread.
pub(crate) fn communicate(
    sandbox: &Sandbox,
    program: &Program,
    manager: &Manager,
    test: &TestInput,
    limits: Limits,
    watch: &dyn Watch,
) -> (RunOutcome, CheckOutcome, Vec<u8>) {
    let n = manager.processes as usize;
    if n == 0 || manager.processes > MAX_PROCESSES {
        let run = no_run();
        let message = format!("a Communication task runs 1 to {MAX_PROCESSES} processes, not {n}");
        return (
            run,
            CheckOutcome::new(Verdict::JudgeError, 0.0, message),
            vec![],
        );
    }
    let hub = Hub::new(n + 1);
    let mut manager_end = hub.end(JUDGE);
    let mut manager_args = vec!["manager".to_string()];
    let mut users: Vec<(PipeEnd, Vec<String>)> = Vec::with_capacity(n);
    for i in 0..n {
        let party = i + 1;
        let (from_user, to_user) = (hub.channel(party, JUDGE), hub.channel(JUDGE, party));
        let (from_name, to_name) = (format!("u{i}_to_m"), format!("m_to_u{i}"));
        manager_end
            .named
            .push((from_name.clone(), from_user, false));
        manager_end.named.push((to_name.clone(), to_user, true));
        manager_args.extend([from_name.clone(), to_name.clone()]);
        let mut end = hub.end(party);
        let mut args = vec!["main".to_string()];
        match manager.user_io {
            UserIo::StdIo => {
                end.stdin = Some(to_user);
                end.stdout = Some(from_user);
            }
            UserIo::FifoIo => {
                end.named.push((to_name.clone(), to_user, false));
                end.named.push((from_name.clone(), from_user, true));
                args.extend([to_name, from_name]);
            }
        }
        if n > 1 {
            args.push(i.to_string());
        }
        users.push((end, args));
    }
    let nothing: Arc<[u8]> = Arc::from(&b""[..]);
    let manager_spec = RunSpec {
        stdin: test.input.clone(),
        args: manager_args,
        files: vec![("input.txt".into(), test.input.clone())],
        limits: CHECKER_LIMITS,
    };
    let (managed, runs) = std::thread::scope(|s| {
        let handles: Vec<_> = users
            .into_iter()
            .enumerate()
            .map(|(i, (end, args))| {
                let spec = RunSpec {
                    stdin: nothing.clone(),
                    args,
                    files: vec![],
                    limits,
                };
                let spawned = std::thread::Builder::new()
                    .name(format!("sieve-process-{i}"))
                    .stack_size(GUEST_THREAD_STACK)
                    .spawn_scoped(s, {
                        let end = end.clone();
                        move || {
                            watch.started(i);
                            let run = sandbox.run_piped(program, spec, Some(end));
                            watch.ended(i);
                            run
                        }
                    });
                if spawned.is_err() {
                    // Nobody will ever write from this process: close its side.
                    end.end();
                }
                spawned.ok()
            })
            .collect();
        let managed = sandbox.run_piped(manager.program, manager_spec, Some(manager_end));
        let runs: Vec<Option<RunOutcome>> = handles
            .into_iter()
            .map(|h| h.and_then(|h| h.join().ok()))
            .collect();
        (managed, runs)
    });
    let Some(runs) = runs.into_iter().collect::<Option<Vec<RunOutcome>>>() else {
        let message = "a process of the candidate could not be run";
        return (
            no_run(),
            CheckOutcome::new(Verdict::JudgeError, 0.0, message),
            vec![],
        );
    };
    let judged = match (&manager.then, &managed.status) {
        (Some(then), RunStatus::Exited(0)) => match &test.answer {
            Some(answer) => check_judges_output(sandbox, *then, test, &managed.stdout, answer),
            // A generated test without an answer: the behaviour alone.
            None => CheckOutcome::new(Verdict::Ran, 0.0, ""),
        },
        _ => manager_score(&managed),
    };
    let probe = hub.end(JUDGE);
    let outcome = decide(&runs, judged, &probe, limits);
    (joined(runs), outcome, managed.stdout)
}

/// A run that never happened.
fn no_run() -> RunOutcome {
    RunOutcome {
        status: RunStatus::Exited(0),
        stdout: vec![],
        stderr: vec![],
        written: vec![],
        time_us: 0,
        fuel: 0,
        peak_memory: 0,
    }
}

/// The candidate's processes seen as one run: the first failure's status, the outputs in
/// process order, the times and fuel summed, the largest peak memory.
fn joined(runs: Vec<RunOutcome>) -> RunOutcome {
    let status = runs
        .iter()
        .map(|r| r.status.clone())
        .find(|s| *s != RunStatus::Exited(0))
        .unwrap_or(RunStatus::Exited(0));
    let mut all = no_run();
    all.status = status;
    for r in runs {
        all.stdout.extend(r.stdout);
        all.stderr.extend(r.stderr);
        all.time_us += r.time_us;
        all.fuel += r.fuel;
        all.peak_memory = all.peak_memory.max(r.peak_memory);
    }
    all
}

/// The manager's own report: exit 0 with the score on stdout and the message on stderr's first
/// line; anything else is a judge error.
fn manager_score(manager: &RunOutcome) -> CheckOutcome {
    match &manager.status {
        RunStatus::Exited(code) => {
            let stderr = String::from_utf8_lossy(&manager.stderr);
            let first = stderr.lines().next().unwrap_or("").trim().to_string();
            cms_outcome("manager", *code, &manager.stdout, first)
        }
        other => CheckOutcome::new(
            Verdict::JudgeError,
            0.0,
            format!(
                "manager failed: {other:?} {}",
                String::from_utf8_lossy(&manager.stderr).trim()
            ),
        ),
    }
}

/// The verdict of a Communication test (see the module documentation), given what the manager
/// (or the checker of its output) `judged`. `pipes` is any end of the test's pipes, for the
/// deadlock and the order in which runs ended.
fn decide(
    runs: &[RunOutcome],
    judged: CheckOutcome,
    pipes: &PipeEnd,
    limits: Limits,
) -> CheckOutcome {
    if pipes.deadlocked() {
        return CheckOutcome::new(
            Verdict::TLE,
            0.0,
            "idle: the manager and the program all waited for input (is the output flushed?)",
        );
    }
    let full = judged.verdict.passes(judged.score);
    for (i, run) in runs.iter().enumerate() {
        if let Some(failed) = failure(run) {
            // The manager rejected (or failed) before this process failed: what came after
            // does not count.
            if !full && pipes.ended_before(JUDGE, i + 1) {
                continue;
            }
            let message = if runs.len() > 1 {
                format!("process {i}: {}", failed.message)
                    .trim()
                    .to_string()
            } else {
                failed.message
            };
            return CheckOutcome::new(failed.verdict, 0.0, message);
        }
    }
    let total_us: u64 = runs.iter().map(|r| r.time_us).sum();
    if judged.verdict != Verdict::JudgeError && total_us > limits.time_ms * 1000 {
        return CheckOutcome::new(
            Verdict::TLE,
            0.0,
            format!(
                "the processes' times add up to {} ms, over the limit",
                total_us / 1000
            ),
        );
    }
    judged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(status: RunStatus, time_us: u64) -> RunOutcome {
        RunOutcome {
            status,
            time_us,
            ..no_run()
        }
    }

    fn manager(score: &str) -> RunOutcome {
        RunOutcome {
            stdout: score.as_bytes().to_vec(),
            stderr: b"translate:partial\nmore".to_vec(),
            ..no_run()
        }
    }

    const LIMITS: Limits = Limits {
        time_ms: 1000,
        memory_bytes: 1 << 20,
        output_bytes: 1 << 20,
    };

    /// The verdict when the parties in `order` ended in that order (0 the manager).
    fn verdict(order: &[usize], runs: &[RunOutcome], managed: &RunOutcome) -> CheckOutcome {
        let hub = Hub::new(runs.len() + 1);
        for p in order {
            hub.end(*p).end();
        }
        decide(runs, manager_score(managed), &hub.end(JUDGE), LIMITS)
    }

    #[test]
    fn the_manager_scores_unless_a_process_failed_first() {
        let ok = run(RunStatus::Exited(0), 100);
        let half = verdict(&[1, 2, 0], &[ok.clone(), ok.clone()], &manager("0.5\n"));
        assert_eq!((half.verdict, half.score), (Verdict::AC, 0.5));
        assert_eq!(half.message, "output is partially correct");
        // Process 1 crashed before the manager ended: its crash.
        let crashed = run(RunStatus::Trap("abort".into()), 100);
        let v = verdict(&[2, 0, 1], &[ok.clone(), crashed.clone()], &manager("0\n"));
        assert_eq!(v.verdict, Verdict::RE);
        assert!(v.message.starts_with("process 1:"), "{}", v.message);
        // The manager rejected first; the crash came after and does not count.
        let v = verdict(&[0, 1, 2], &[ok.clone(), crashed.clone()], &manager("0\n"));
        assert_eq!(v.verdict, Verdict::WA);
        // Accepted, then a process crashed: a crash, as in a batch task.
        let v = verdict(&[0, 1, 2], &[ok.clone(), crashed], &manager("1\n"));
        assert_eq!(v.verdict, Verdict::RE);
    }

    #[test]
    fn the_processes_times_are_judged_as_a_sum() {
        let slow = run(RunStatus::Exited(0), 600_000);
        let v = verdict(&[1, 2, 0], &[slow.clone(), slow], &manager("1\n"));
        assert_eq!(v.verdict, Verdict::TLE);
        assert!(v.message.contains("1200 ms"), "{}", v.message);
    }

    #[test]
    fn a_manager_without_a_score_is_the_judges_failure() {
        let ok = run(RunStatus::Exited(0), 100);
        let v = verdict(&[1, 0], std::slice::from_ref(&ok), &manager("yes\n"));
        assert_eq!(v.verdict, Verdict::JudgeError);
        assert!(v.message.contains("manager"), "{}", v.message);
        let looped = RunOutcome {
            status: RunStatus::TimeLimit,
            ..no_run()
        };
        let v = verdict(&[1, 0], &[ok], &looped);
        assert_eq!(v.verdict, Verdict::JudgeError);
    }
}
