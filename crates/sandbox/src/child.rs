//! The judging process of [`crate::Supervisor`]: a single guest thread that runs uninstrumented
//! wasm (no epoch or fuel checks in the hot loops) and publishes, before each run, which test it
//! is on and its own CPU clock, so that the supervisor can stop it at the time limit.
//!
//! Protocol. Requests on stdin: one JSON line ([`Message`]: judge a program on tests, or run one
//! with arguments and an input), then the blobs it announces, each as an 8-byte little-endian
//! length and the bytes. Replies on stdout: JSON lines ([`Reply`]).
//! Status file: 40 bytes, `[seq, test, phase, cpu_ns, seq]` as little-endian u64, rewritten in
//! place (`phase` 0 idle, 1 candidate running, 2 checker running); then, from byte
//! [`SLOTS_AT`], one 32-byte slot per process of a Communication task, `[seq, tid, cpu_ns,
//! seq]` while that process runs on thread `tid` (whose CPU clock read `cpu_ns` as it began),
//! zeros when it has ended.

use crate::SandboxError;
use crate::checker::CheckOutcome;
use crate::communicate::Watch;
use crate::engine::{Mode, Sandbox, SandboxConfig, on_guest_thread};
use crate::judge::{JudgeOptions, JudgeReport, TestInput, TestReport, judge_by, judge_test_with};
use crate::run::{RunSpec, RunStatus};
use cpu_time::ThreadTime;
use serde::{Deserialize, Serialize};
use sieve_domain::{Checker, Limits, MAX_PROCESSES, Subtask};
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::Arc;

/// A judging request.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Request {
    /// Modules that follow as blobs (hex hashes), to be loaded before judging.
    pub load: Vec<String>,
    pub program: String,
    pub checker_program: Option<String>,
    /// The checker of a testlib interactor's output, when custom.
    #[serde(default)]
    pub then_program: Option<String>,
    pub checker: Checker,
    pub limits: Limits,
    pub all_tests: bool,
    pub timeout_budget: Option<usize>,
    pub precision: u32,
    pub subtasks: Vec<Subtask>,
    #[serde(default)]
    pub keep_outputs: bool,
    /// Per test: name and whether an answer blob follows its input blob.
    pub tests: Vec<(String, bool)>,
    pub done: Vec<Option<TestReport>>,
    /// Judge by fuel: modules load into, and run in, a sandbox metering this many units per
    /// millisecond of the limit.
    #[serde(default)]
    pub fuel_per_ms: Option<u64>,
}

/// One plain run (a generator or validator): `load` modules follow as blobs, then stdin.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct RunRequest {
    pub load: Vec<String>,
    pub program: String,
    pub args: Vec<String>,
    pub limits: Limits,
}

/// A request to the judging process.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) enum Message {
    Judge(Box<Request>),
    Run(RunRequest),
}

/// What the judging process says.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) enum Reply {
    Ready {
        tid: u32,
    },
    Report {
        index: usize,
        report: TestReport,
    },
    Done {
        report: JudgeReport,
    },
    Failed {
        message: String,
    },
    /// The end of a plain run; stdout and stderr as hex.
    Ran {
        status: RunStatus,
        stdout: String,
        stderr: String,
        time_us: u64,
        peak_memory: u64,
    },
}

pub(crate) const PHASE_IDLE: u64 = 0;
pub(crate) const PHASE_RUN: u64 = 1;
pub(crate) const PHASE_CHECK: u64 = 2;
/// Where the process slots of the status file begin.
pub(crate) const SLOTS_AT: u64 = 64;
/// The status file's size: the header and a slot per possible process.
pub(crate) const STATUS_BYTES: usize = SLOTS_AT as usize + 32 * MAX_PROCESSES as usize;

/// Where the record of a conversation decided early begins: after the slots.
pub(crate) const DECIDED_AT: u64 = STATUS_BYTES as u64;
/// The most bytes of an early decision's message the record keeps.
const DECIDED_MESSAGE: usize = 400;
/// The status file's whole size: the header, the slots, and the early decision's record.
pub(crate) const STATUS_FILE_BYTES: usize = STATUS_BYTES + 48 + DECIDED_MESSAGE;

/// An interactor's decision published while the candidate still runs (`[seq, test, verdict,
/// score bits, message length]`, the message, `seq`): the supervisor stops the candidate and
/// takes it as the test's outcome. Zeros when there is none.
pub(crate) fn decided_record(seq: u64, test: u64, outcome: &CheckOutcome) -> Vec<u8> {
    let message = outcome.message.as_bytes();
    let mut len = message.len().min(DECIDED_MESSAGE);
    while !outcome.message.is_char_boundary(len) {
        len -= 1;
    }
    let mut buf = Vec::with_capacity(48 + DECIDED_MESSAGE);
    for v in [
        seq,
        test,
        outcome.verdict.index() as u64,
        outcome.score.to_bits(),
        len as u64,
    ] {
        buf.extend_from_slice(&v.to_le_bytes());
    }
    buf.extend_from_slice(&message[..len]);
    buf.resize(40 + DECIDED_MESSAGE, 0);
    buf.extend_from_slice(&seq.to_le_bytes());
    buf
}

/// Reads the record [`decided_record`] wrote: `(test, verdict, score, message)`; `None` when
/// there is none, or it is being written.
pub(crate) fn read_decided(buf: &[u8]) -> Option<(usize, sieve_domain::Verdict, f64, String)> {
    let word = |at: usize| -> Option<u64> {
        Some(u64::from_le_bytes(buf.get(at..at + 8)?.try_into().ok()?))
    };
    let seq = word(0)?;
    if seq == 0 || word(40 + DECIDED_MESSAGE)? != seq {
        return None;
    }
    let verdict = sieve_domain::Verdict::from_index(word(16)? as i16)?;
    let len = (word(32)? as usize).min(DECIDED_MESSAGE);
    let message = String::from_utf8_lossy(buf.get(40..40 + len)?).into_owned();
    Some((
        word(8)? as usize,
        verdict,
        f64::from_bits(word(24)?),
        message,
    ))
}

/// Publishes each process of a Communication task in its slot of the status file, and an
/// interactor's early decision.
struct Slots<'a> {
    status: &'a std::fs::File,
    seq: std::sync::atomic::AtomicU64,
    /// The test being judged.
    test: std::sync::atomic::AtomicU64,
}

impl Slots<'_> {
    fn write(&self, process: usize, tid: u64, cpu: u64) {
        let seq = self.seq.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        let mut buf = [0u8; 32];
        for (i, v) in [seq, tid, cpu, seq].iter().enumerate() {
            buf[i * 8..i * 8 + 8].copy_from_slice(&v.to_le_bytes());
        }
        let _ = self
            .status
            .write_all_at(&buf, SLOTS_AT + 32 * process as u64);
    }
}

impl Watch for Slots<'_> {
    fn started(&self, process: usize) {
        let cpu = ThreadTime::now().as_duration().as_nanos() as u64;
        self.write(process, u64::from(thread_id()), cpu);
    }

    fn ended(&self, process: usize) {
        self.write(process, 0, 0);
    }

    fn decided(&self, outcome: &CheckOutcome) {
        let seq = self.seq.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        let test = self.test.load(std::sync::atomic::Ordering::Relaxed);
        let _ = self
            .status
            .write_all_at(&decided_record(seq, test, outcome), DECIDED_AT);
    }
}

pub(crate) fn read_blob(r: &mut impl Read) -> std::io::Result<Vec<u8>> {
    let mut len = [0u8; 8];
    r.read_exact(&mut len)?;
    let mut data = vec![0u8; u64::from_le_bytes(len) as usize];
    r.read_exact(&mut data)?;
    Ok(data)
}

pub(crate) fn write_blob(w: &mut impl Write, data: &[u8]) -> std::io::Result<()> {
    w.write_all(&(data.len() as u64).to_le_bytes())?;
    w.write_all(data)
}

fn reply(out: &mut impl Write, r: &Reply) -> std::io::Result<()> {
    send(out, r)?;
    out.flush()
}

/// Writes a reply without flushing: per-test reports are only needed at the end (or after a
/// kill, when unflushed ones are simply judged again), so they go out in batches.
fn send(out: &mut impl Write, r: &Reply) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, r)?;
    out.write_all(b"\n")
}

/// The id of the calling thread, from `/proc/thread-self`.
fn thread_id() -> u32 {
    std::fs::read_link("/proc/thread-self")
        .ok()
        .and_then(|p| p.file_name()?.to_str()?.parse().ok())
        .unwrap_or(0)
}

/// Exits this process when its parent (the supervisor) is gone: nothing else would stop an
/// uninstrumented guest that loops.
fn exit_with_parent() {
    let parent = std::os::unix::process::parent_id();
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(std::time::Duration::from_millis(100));
            if std::os::unix::process::parent_id() != parent {
                std::process::exit(70);
            }
        }
    });
}

/// Serves judging requests on stdin until it closes. `status` is the file the supervisor reads.
pub fn child_main(cache_dir: &Path, status: &Path) -> Result<(), SandboxError> {
    exit_with_parent();
    let sandbox = Sandbox::new(SandboxConfig {
        mode: Mode::Unmetered,
        cache_dir: Some(cache_dir.to_path_buf()),
        max_instances: 4,
    })?;
    let sandboxes = Sandboxes {
        unmetered: Arc::new(sandbox),
        fuel: std::sync::Mutex::new(std::collections::HashMap::new()),
        cache_dir: cache_dir.to_path_buf(),
    };
    let status = std::fs::OpenOptions::new()
        .write(true)
        .open(status)
        .map_err(SandboxError::io("opening the status file"))?;
    on_guest_thread(|| serve(&sandboxes, &status)).map_err(SandboxError::io("judging process"))
}

/// The judging process's sandboxes: the unmetered one (the supervisor holds runs to their CPU
/// time), and one metering fuel per rate asked for (judging by fuel), made on first use.
struct Sandboxes {
    unmetered: Arc<Sandbox>,
    fuel: std::sync::Mutex<std::collections::HashMap<u64, Arc<Sandbox>>>,
    cache_dir: std::path::PathBuf,
}

impl Sandboxes {
    /// The sandbox for `fuel_per_ms` (`None`: the unmetered one).
    fn get(&self, fuel_per_ms: Option<u64>) -> std::io::Result<Arc<Sandbox>> {
        let Some(rate) = fuel_per_ms else {
            return Ok(self.unmetered.clone());
        };
        let mut fuel = self
            .fuel
            .lock()
            .map_err(|_| std::io::Error::other("a poisoned lock"))?;
        if let Some(s) = fuel.get(&rate) {
            return Ok(s.clone());
        }
        let s = Arc::new(
            Sandbox::new(SandboxConfig {
                mode: Mode::Deterministic { fuel_per_ms: rate },
                cache_dir: Some(self.cache_dir.clone()),
                max_instances: 4,
            })
            .map_err(|e| std::io::Error::other(e.to_string()))?,
        );
        fuel.insert(rate, s.clone());
        Ok(s)
    }
}

/// Reads the blobs of the modules `hashes` and loads them (a module that does not load is
/// reported, and the request using it then finds it missing).
fn load(
    sandbox: &Sandbox,
    programs: &mut std::collections::HashMap<String, crate::Program>,
    hashes: &[String],
    input: &mut impl Read,
    out: &mut impl Write,
) -> std::io::Result<()> {
    for hash in hashes {
        let wasm = read_blob(input)?;
        match sandbox.load(&wasm) {
            Ok(p) => {
                programs.insert(hash.clone(), p);
            }
            Err(e) => reply(
                out,
                &Reply::Failed {
                    message: e.to_string(),
                },
            )?,
        }
    }
    Ok(())
}

fn serve(sandboxes: &Sandboxes, status: &std::fs::File) -> std::io::Result<()> {
    let sandbox = &*sandboxes.unmetered;
    let mut input = BufReader::new(std::io::stdin().lock());
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    reply(&mut out, &Reply::Ready { tid: thread_id() })?;
    let mut seq = 0u64;
    let mut publish = |test: usize, phase: u64| {
        seq += 1;
        let cpu = ThreadTime::now().as_duration().as_nanos() as u64;
        let mut buf = [0u8; 40];
        for (i, v) in [seq, test as u64, phase, cpu, seq].iter().enumerate() {
            buf[i * 8..i * 8 + 8].copy_from_slice(&v.to_le_bytes());
        }
        if phase == PHASE_RUN {
            // A new run: no decision yet.
            let _ = status.write_all_at(&[0u8; 8], DECIDED_AT);
        }
        let _ = status.write_all_at(&buf, 0);
    };
    let mut programs = std::collections::HashMap::new();
    loop {
        let mut line = String::new();
        if input.read_line(&mut line)? == 0 {
            return Ok(());
        }
        publish(0, PHASE_IDLE);
        let req = match serde_json::from_str(&line)? {
            Message::Judge(req) => req,
            Message::Run(run) => {
                load(sandbox, &mut programs, &run.load, &mut input, &mut out)?;
                let stdin: Arc<[u8]> = Arc::from(read_blob(&mut input)?);
                let Some(program) = programs.get(&run.program).cloned() else {
                    reply(
                        &mut out,
                        &Reply::Failed {
                            message: "program not loaded".into(),
                        },
                    )?;
                    continue;
                };
                publish(0, PHASE_RUN);
                let ran = sandbox.run(
                    &program,
                    RunSpec {
                        stdin,
                        args: run.args,
                        files: vec![],
                        limits: run.limits,
                    },
                );
                publish(0, PHASE_IDLE);
                reply(
                    &mut out,
                    &Reply::Ran {
                        status: ran.status,
                        stdout: hex::encode(&ran.stdout),
                        stderr: hex::encode(&ran.stderr),
                        time_us: ran.time_us,
                        peak_memory: ran.peak_memory,
                    },
                )?;
                continue;
            }
        };
        let judging = sandboxes.get(req.fuel_per_ms)?;
        let sandbox = &*judging;
        load(sandbox, &mut programs, &req.load, &mut input, &mut out)?;
        let mut tests = Vec::with_capacity(req.tests.len());
        for (name, has_answer) in &req.tests {
            let input_blob: Arc<[u8]> = Arc::from(read_blob(&mut input)?);
            let answer = if *has_answer {
                Some(Arc::from(read_blob(&mut input)?))
            } else {
                None
            };
            tests.push(TestInput {
                name: name.clone(),
                input: input_blob,
                answer,
            });
        }
        let (Some(program), checker_program) = (
            programs.get(&req.program).cloned(),
            req.checker_program
                .as_ref()
                .and_then(|h| programs.get(h).cloned()),
        ) else {
            reply(
                &mut out,
                &Reply::Failed {
                    message: "program not loaded".into(),
                },
            )?;
            continue;
        };
        let opts = JudgeOptions {
            limits: req.limits,
            checker: req.checker,
            custom_checker: checker_program,
            then_checker: req
                .then_program
                .as_ref()
                .and_then(|h| programs.get(h).cloned()),
            all_tests: req.all_tests,
            timeout_budget: req.timeout_budget,
            precision: req.precision,
            keep_outputs: req.keep_outputs,
            fuel_per_ms: req.fuel_per_ms,
        };
        let mut write_error = None;
        let slots = Slots {
            status,
            seq: std::sync::atomic::AtomicU64::new(0),
            test: std::sync::atomic::AtomicU64::new(0),
        };
        let report = judge_by(&tests, &req.subtasks, &opts, req.done, &mut |i| {
            slots
                .test
                .store(i as u64, std::sync::atomic::Ordering::Relaxed);
            publish(i, PHASE_RUN);
            let report = judge_test_with(
                sandbox,
                &program,
                &tests[i],
                &opts,
                &mut || publish(i, PHASE_CHECK),
                &slots,
            );
            if let Err(e) = send(
                &mut out,
                &Reply::Report {
                    index: i,
                    report: report.clone(),
                },
            ) {
                write_error = Some(e);
            }
            report
        });
        publish(0, PHASE_IDLE);
        if let Some(e) = write_error {
            return Err(e);
        }
        reply(&mut out, &Reply::Done { report })?;
    }
}
