//! Judging with the time limit enforced from outside: the guest runs uninstrumented in a
//! single-threaded judging process ([`crate::child_main`]), and this supervisor reads that
//! thread's CPU clock (`/proc/<pid>/task/<tid>/schedstat`) every millisecond; past the limit it
//! kills the process, records TLE, and resumes the remaining tests in a fresh one. Epoch checks
//! cost 15-90% on every loop (measured in `sieve bench sandbox`); this costs one status write
//! per test. A wall clock, far above the CPU limit, stops runs that wait (on an interactor).
//!
//! A judging process that dies without being stopped (a signal, a host panic, its pipe closed)
//! is sieve's failure, not the candidate's: the test it was on is judged again in a fresh
//! process, and only a test that kills [`MAX_CRASHES`] processes in a row is `JudgeError`.

use crate::SandboxError;
use crate::child::{
    DECIDED_AT, Message, PHASE_CHECK, PHASE_RUN, Reply, Request, RunRequest, SLOTS_AT,
    STATUS_BYTES, STATUS_FILE_BYTES, read_decided, write_blob,
};
use crate::judge::{JudgeOptions, JudgeReport, TestInput, TestReport};
use crate::run::{RunOutcome, RunSpec, RunStatus};
use sieve_domain::{Subtask, Verdict};
use std::collections::HashSet;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::os::unix::fs::FileExt;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

const POLL: Duration = Duration::from_millis(1);
/// A checker's CPU budget (it is not the candidate's time).
const CHECKER_NS: u64 = 10_000_000_000;
/// Unexpected deaths of judging processes on one test (or, outside any test, in one call of
/// [`Supervisor::judge`]) before sieve gives up on it.
pub const MAX_CRASHES: u32 = 3;

/// Judged by fuel, a run is stopped from outside only past this many times its limit in CPU time
/// (metering costs about 1.5x, and a host may be slower than the one the rate was measured on).
const FUEL_BACKSTOP: u64 = 4;

struct Process {
    child: Child,
    input: BufWriter<ChildStdin>,
    replies: Receiver<Reply>,
    pid: u32,
    tid: u32,
    loaded: HashSet<String>,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs judging processes and enforces their CPU time limits.
pub struct Supervisor {
    command: Box<dyn Fn(&std::path::Path) -> Command + Send>,
    status: tempfile::NamedTempFile,
    process: Option<Process>,
    crashes: u64,
}

/// How watching a judging process ended.
enum Watched {
    /// It judged every test.
    Report(JudgeReport),
    /// The supervisor stopped it (a limit): resume in a fresh process.
    Stopped,
    /// It died on its own, on this test when it was running or checking one.
    Died(Option<usize>),
}

impl Supervisor {
    /// `command(status_path)` must start a process that calls [`crate::child_main`] with that
    /// status path (for `sieve`: `sieve sandbox-child --status PATH --cache-dir DIR`).
    pub fn new(
        command: impl Fn(&std::path::Path) -> Command + Send + 'static,
    ) -> Result<Supervisor, SandboxError> {
        let dir = if std::path::Path::new("/dev/shm").is_dir() {
            "/dev/shm".into()
        } else {
            std::env::temp_dir()
        };
        let status = tempfile::Builder::new()
            .prefix("sieve-status-")
            .tempfile_in(dir)
            .map_err(SandboxError::io("creating the status file"))?;
        Ok(Supervisor {
            command: Box::new(command),
            status,
            process: None,
            crashes: 0,
        })
    }

    /// How many of its judging processes died without being stopped (crashes, never a
    /// candidate's limit), since it was made.
    pub fn crashes(&self) -> u64 {
        self.crashes
    }

    /// Forgets the current judging process after it died on its own: reaps it, counts and logs
    /// the crash, and says how it ended.
    fn crashed(&mut self) -> String {
        self.crashes += 1;
        let how = match self.process.take() {
            Some(mut p) => {
                // It is dead or dying; killing it first keeps `wait` from blocking on a process
                // that only closed its pipe.
                let _ = p.child.kill();
                match p.child.wait() {
                    Ok(status) => describe(status),
                    Err(e) => format!("could not be waited for: {e}"),
                }
            }
            None => "was gone".to_string(),
        };
        tracing::warn!(crashes = self.crashes, "the judging process died: {how}");
        how
    }

    fn process(&mut self) -> Result<&mut Process, SandboxError> {
        if self.process.is_none() {
            let _ = self
                .status
                .as_file()
                .write_all_at(&[0u8; STATUS_FILE_BYTES], 0);
            let mut child = (self.command)(self.status.path())
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()
                .map_err(SandboxError::io("starting a judging process"))?;
            let stdout = child.stdout.take().expect("piped");
            let input = BufWriter::new(child.stdin.take().expect("piped"));
            let (tx, rx) = channel();
            std::thread::spawn(move || {
                for line in BufReader::new(stdout).lines() {
                    let Ok(line) = line else { break };
                    let Ok(reply) = serde_json::from_str::<Reply>(&line) else {
                        break;
                    };
                    if tx.send(reply).is_err() {
                        break;
                    }
                }
            });
            let tid = match rx.recv_timeout(Duration::from_secs(30)) {
                Ok(Reply::Ready { tid }) => tid,
                other => {
                    return Err(SandboxError::Engine(format!(
                        "judging process did not start: {other:?}"
                    )));
                }
            };
            let pid = child.id();
            self.process = Some(Process {
                child,
                input,
                replies: rx,
                pid,
                tid,
                loaded: HashSet::new(),
            });
        }
        Ok(self.process.as_mut().expect("just set"))
    }

    /// `(test, phase, cpu_ns at the phase's start)` as last published by the judging process.
    fn status(&self) -> Option<(usize, u64, u64)> {
        let mut buf = [0u8; 40];
        self.status.as_file().read_exact_at(&mut buf, 0).ok()?;
        let v: Vec<u64> = buf
            .chunks(8)
            .map(|c| u64::from_le_bytes(c.try_into().unwrap_or([0; 8])))
            .collect();
        (v[0] == v[4] && v[0] != 0).then_some((v[1] as usize, v[2], v[3]))
    }

    /// The interactor's decision on `test`, published while the candidate still runs.
    fn decided(&self, test: usize) -> Option<Decided> {
        let mut buf = [0u8; STATUS_FILE_BYTES - STATUS_BYTES];
        self.status
            .as_file()
            .read_exact_at(&mut buf, DECIDED_AT)
            .ok()?;
        let (t, verdict, score, message) = read_decided(&buf)?;
        (t == test).then_some(Decided {
            verdict,
            score,
            message,
        })
    }

    /// The CPU time used by the most used of the processes of a Communication task that run
    /// now, in nanoseconds since each began.
    fn slots_used(&self, pid: u32) -> u64 {
        let mut buf = [0u8; STATUS_BYTES - SLOTS_AT as usize];
        if self
            .status
            .as_file()
            .read_exact_at(&mut buf, SLOTS_AT)
            .is_err()
        {
            return 0;
        }
        buf.chunks(32)
            .filter_map(|slot| {
                let v: Vec<u64> = slot
                    .chunks(8)
                    .map(|c| u64::from_le_bytes(c.try_into().unwrap_or([0; 8])))
                    .collect();
                (v[0] == v[3] && v[1] != 0).then(|| cpu_ns(pid, v[1] as u32).saturating_sub(v[2]))
            })
            .max()
            .unwrap_or(0)
    }

    /// Judges `program` (wasm bytes) like [`crate::judge`], in a supervised judging process.
    /// `checkers` are the modules of the custom programs `opts.checker` names, in the order of
    /// [`sieve_domain::Checker::programs`]: the checker or interactor, then the checker of a
    /// testlib interactor's output.
    pub fn judge(
        &mut self,
        program: &[u8],
        checkers: &[&[u8]],
        tests: &[TestInput],
        subtasks: &[Subtask],
        opts: &JudgeOptions,
    ) -> Result<JudgeReport, SandboxError> {
        let mut done: Vec<Option<TestReport>> = vec![None; tests.len()];
        // Modules judged by fuel load into another engine: their own names in the process.
        let hash = |b: &[u8]| match opts.fuel_per_ms {
            None => blake3::hash(b).to_hex().to_string(),
            Some(rate) => format!("{}+fuel{rate}", blake3::hash(b).to_hex()),
        };
        let program_hash = hash(program);
        let checker_hashes: Vec<String> = checkers.iter().map(|c| hash(c)).collect();
        // Crashes per test, and outside any test (sending a request, loading modules).
        let mut crashes = vec![0u32; tests.len()];
        let mut stray = 0u32;
        // Each round judges a test (a stop), or counts a crash: this bounds them.
        let rounds = (tests.len() + 1) * (MAX_CRASHES as usize + 1);
        for _round in 0..rounds {
            let process = self.process()?;
            let mut blobs: Vec<&[u8]> = Vec::new();
            let mut load = Vec::new();
            let modules = std::iter::once((&program_hash, program))
                .chain(checker_hashes.iter().zip(checkers.iter().copied()));
            for (h, b) in modules {
                if !process.loaded.contains(h) && !load.contains(h) {
                    load.push(h.clone());
                    blobs.push(b);
                }
            }
            let request = Request {
                load: load.clone(),
                program: program_hash.clone(),
                checker_program: checker_hashes.first().cloned(),
                then_program: checker_hashes.get(1).cloned(),
                checker: opts.checker.clone(),
                limits: opts.limits,
                all_tests: opts.all_tests,
                timeout_budget: opts.timeout_budget,
                precision: opts.precision,
                keep_outputs: opts.keep_outputs,
                subtasks: subtasks.to_vec(),
                tests: tests
                    .iter()
                    .map(|t| (t.name.clone(), t.answer.is_some()))
                    .collect(),
                done: done.clone(),
                fuel_per_ms: opts.fuel_per_ms,
            };
            let sent = (|| -> std::io::Result<()> {
                serde_json::to_writer(&mut process.input, &Message::Judge(Box::new(request)))?;
                process.input.write_all(b"\n")?;
                for b in &blobs {
                    write_blob(&mut process.input, b)?;
                }
                for t in tests {
                    write_blob(&mut process.input, &t.input)?;
                    if let Some(a) = &t.answer {
                        write_blob(&mut process.input, a)?;
                    }
                }
                process.input.flush()
            })();
            let at = if sent.is_err() {
                None
            } else {
                process.loaded.extend(load);
                match self.watch(tests, opts, &mut done)? {
                    Watched::Report(report) => return Ok(report),
                    Watched::Stopped => {
                        self.process = None; // killed at a limit: resume in a fresh process
                        continue;
                    }
                    Watched::Died(at) => at,
                }
            };
            let how = self.crashed();
            match at {
                Some(test) => {
                    crashes[test] += 1;
                    if crashes[test] >= MAX_CRASHES {
                        tracing::error!(test = %tests[test].name, "judging processes kept dying on a test: judge error");
                        done[test] = Some(judge_crashed(&tests[test].name, crashes[test], &how));
                    }
                }
                None => {
                    stray += 1;
                    if stray >= MAX_CRASHES {
                        return Err(SandboxError::Crashed(format!(
                            "{stray} judging processes died outside any test; the last {how}"
                        )));
                    }
                }
            }
        }
        Err(SandboxError::Crashed(
            "judging processes kept failing".into(),
        ))
    }

    /// Runs `program` (wasm bytes) once on `spec` in a supervised judging process: a generator
    /// or a validator. Its CPU time is held to `spec.limits.time_ms` from outside as in
    /// [`Supervisor::judge`] (a run past it ends as [`RunStatus::TimeLimit`]); a judging process
    /// that dies on its own is replaced and the run made again, up to [`MAX_CRASHES`] times.
    /// `spec.files` are not passed: plain runs see no files.
    pub fn run(&mut self, program: &[u8], spec: &RunSpec) -> Result<RunOutcome, SandboxError> {
        let hash = blake3::hash(program).to_hex().to_string();
        let limit_ns = spec.limits.time_ms * 1_000_000;
        for _ in 0..MAX_CRASHES {
            let process = self.process()?;
            let load: Vec<String> = if process.loaded.contains(&hash) {
                vec![]
            } else {
                vec![hash.clone()]
            };
            let request = Message::Run(RunRequest {
                load: load.clone(),
                program: hash.clone(),
                args: spec.args.clone(),
                limits: spec.limits,
            });
            let sent = (|| -> std::io::Result<()> {
                serde_json::to_writer(&mut process.input, &request)?;
                process.input.write_all(b"\n")?;
                if !load.is_empty() {
                    write_blob(&mut process.input, program)?;
                }
                write_blob(&mut process.input, &spec.stdin)?;
                process.input.flush()
            })();
            if sent.is_ok() {
                process.loaded.extend(load);
                let (pid, tid) = (process.pid, process.tid);
                let mut seen: Option<((usize, u64, u64), Instant)> = None;
                loop {
                    let reply = match &self.process {
                        Some(p) => p.replies.recv_timeout(POLL),
                        None => Err(RecvTimeoutError::Disconnected),
                    };
                    match reply {
                        Ok(Reply::Ran {
                            status,
                            stdout,
                            stderr,
                            time_us,
                            peak_memory,
                        }) => {
                            let bytes = |h: String| {
                                hex::decode(h).map_err(|e| {
                                    SandboxError::Engine(format!("a run's output: {e}"))
                                })
                            };
                            return Ok(RunOutcome {
                                status,
                                stdout: bytes(stdout)?,
                                stderr: bytes(stderr)?,
                                written: vec![],
                                time_us,
                                fuel: 0,
                                peak_memory,
                            });
                        }
                        Ok(Reply::Failed { message }) => {
                            return Err(SandboxError::InvalidModule(message));
                        }
                        Ok(_) => {}
                        Err(RecvTimeoutError::Timeout) => {
                            let Some(key @ (_, PHASE_RUN, start)) = self.status() else {
                                continue;
                            };
                            let used = cpu_ns(pid, tid).saturating_sub(start);
                            let since = match seen {
                                Some((k, at)) if k == key => at,
                                _ => seen.insert((key, Instant::now())).1,
                            };
                            if used > limit_ns || since.elapsed() > wall_limit(limit_ns) {
                                self.process = None; // killed at its limit
                                return Ok(RunOutcome {
                                    status: RunStatus::TimeLimit,
                                    stdout: vec![],
                                    stderr: vec![],
                                    written: vec![],
                                    time_us: used / 1000,
                                    fuel: 0,
                                    peak_memory: 0,
                                });
                            }
                        }
                        Err(RecvTimeoutError::Disconnected) => break,
                    }
                }
            }
            self.crashed();
        }
        Err(SandboxError::Crashed(format!(
            "{MAX_CRASHES} judging processes died during one run"
        )))
    }

    /// Collects replies until the report, or until the process was stopped or died.
    fn watch(
        &self,
        tests: &[TestInput],
        opts: &JudgeOptions,
        done: &mut [Option<TestReport>],
    ) -> Result<Watched, SandboxError> {
        let process = self.process.as_ref().expect("started");
        // Judged by fuel, the process ends a run at its budget; the CPU clock is only a backstop
        // against a host far slower than the one the rate was measured on.
        let limit_ns = match opts.fuel_per_ms {
            None => opts.limits.time_ms * 1_000_000,
            Some(_) => opts.limits.time_ms * 1_000_000 * FUEL_BACKSTOP + 1_000_000_000,
        };
        let communication = opts.checker.is_communication();
        // When the current phase was first seen: an interactive run can wait without using CPU
        // (for an interactor that loops), so a wall clock backs the CPU clock up.
        let mut seen: Option<((usize, u64, u64), Instant)> = None;
        loop {
            match process.replies.recv_timeout(POLL) {
                Ok(Reply::Report { index, report }) => done[index] = Some(report),
                Ok(Reply::Done { report }) => return Ok(Watched::Report(report)),
                Ok(Reply::Failed { message }) => return Err(SandboxError::InvalidModule(message)),
                Ok(Reply::Ready { .. } | Reply::Ran { .. }) => {}
                Err(RecvTimeoutError::Timeout) => {
                    let Some((test, phase, start)) = self.status() else {
                        continue;
                    };
                    if test >= tests.len()
                        || done[test].is_some()
                        || !(phase == PHASE_RUN || phase == PHASE_CHECK)
                    {
                        continue;
                    }
                    let used = cpu_ns(process.pid, process.tid).saturating_sub(start);
                    let budget = if phase == PHASE_RUN {
                        limit_ns
                    } else {
                        CHECKER_NS
                    };
                    let since = match seen {
                        Some((key, at)) if key == (test, phase, start) => at,
                        _ => seen.insert(((test, phase, start), Instant::now())).1,
                    };
                    let walled = since.elapsed() > wall_limit(budget);
                    // A process of a Communication task past the time limit is the candidate's
                    // time-out, whatever the manager's thread is doing.
                    let process_used = match communication {
                        true => self.slots_used(process.pid),
                        false => 0,
                    };
                    let report = if let Some(decided) = (phase == PHASE_RUN && !communication)
                        .then(|| self.decided(test))
                        .flatten()
                    {
                        // The interactor rejected while the candidate runs on: the verdict is
                        // the interactor's, and the candidate is stopped now, as Kattis does.
                        TestReport {
                            time_us: used / 1000,
                            ..decided.with_name(&tests[test].name)
                        }
                    } else if process_used > limit_ns {
                        stopped(&tests[test].name, PHASE_RUN, process_used, false)
                    } else if used > budget || walled {
                        stopped(&tests[test].name, phase, used, walled)
                    } else {
                        continue;
                    };
                    // Reports already sent stay valid; the caller drops (kills) the process.
                    while let Ok(Reply::Report { index, report }) = process.replies.try_recv() {
                        done[index] = Some(report);
                    }
                    if done[test].is_none() {
                        done[test] = Some(report);
                    }
                    return Ok(Watched::Stopped);
                }
                Err(RecvTimeoutError::Disconnected) => {
                    // Reports it sent before dying stay valid.
                    while let Ok(Reply::Report { index, report }) = process.replies.try_recv() {
                        done[index] = Some(report);
                    }
                    let at = self.status().and_then(|(test, phase, _)| {
                        (test < tests.len()
                            && done[test].is_none()
                            && (phase == PHASE_RUN || phase == PHASE_CHECK))
                            .then_some(test)
                    });
                    return Ok(Watched::Died(at));
                }
            }
        }
    }
}

/// The wall-clock time a phase with a CPU budget of `budget_ns` may take: far above what load
/// on the machine explains, so that only waiting trips it.
fn wall_limit(budget_ns: u64) -> Duration {
    Duration::from_nanos(budget_ns.saturating_mul(3)) + Duration::from_secs(10)
}

/// An interactor's decision taken while the candidate still ran.
struct Decided {
    verdict: Verdict,
    score: f64,
    message: String,
}

impl Decided {
    fn with_name(self, name: &str) -> TestReport {
        TestReport {
            name: name.to_string(),
            verdict: self.verdict,
            score: self.score,
            time_us: 0,
            fuel: 0,
            peak_memory: 0,
            output_hash: None,
            message: self.message,
            stderr: String::new(),
            output: None,
        }
    }
}

/// The report of a test whose run was stopped from outside (past its CPU budget, or `walled`:
/// past its wall-clock limit).
fn stopped(name: &str, phase: u64, used_ns: u64, walled: bool) -> TestReport {
    let (verdict, message) = match phase {
        PHASE_RUN if walled => (
            Verdict::TLE,
            "wall-clock limit: the run waited too long (for its interactor?)".to_string(),
        ),
        PHASE_RUN => (Verdict::TLE, String::new()),
        _ => (
            Verdict::JudgeError,
            "checker failed: time limit".to_string(),
        ),
    };
    TestReport {
        name: name.to_string(),
        verdict,
        score: 0.0,
        time_us: used_ns / 1000,
        fuel: 0,
        peak_memory: 0,
        output_hash: None,
        message,
        stderr: String::new(),
        output: None,
    }
}

/// The report of a test on which `crashes` judging processes in a row died (the last one
/// `how`): sieve could not judge it, which says nothing of the candidate.
fn judge_crashed(name: &str, crashes: u32, how: &str) -> TestReport {
    TestReport {
        name: name.to_string(),
        verdict: Verdict::JudgeError,
        score: 0.0,
        time_us: 0,
        fuel: 0,
        peak_memory: 0,
        output_hash: None,
        output: None,
        stderr: String::new(),
        message: format!(
            "the judge crashed: {crashes} judging processes died on this test (sieve's failure, not the candidate's); the last {how}"
        ),
    }
}

/// How a judging process ended, for messages: "was killed by signal 9", "exited with 101".
fn describe(status: std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exited with {code}"),
        (None, Some(signal)) => format!("was killed by signal {signal}"),
        _ => format!("ended: {status}"),
    }
}

/// CPU time of a thread in nanoseconds (first field of its schedstat).
fn cpu_ns(pid: u32, tid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/task/{tid}/schedstat"))
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}
