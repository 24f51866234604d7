//! One run of one program on one input, under limits, with its outcome classified.

use crate::engine::{Host, Limiter, Mode, Program, Sandbox};
use crate::python;
use crate::wasi::{Ending, Exit, Io, OutputLimit, PipeEnd, PipeStop};
use cpu_time::ThreadTime;
use serde::{Deserialize, Serialize};
use sieve_domain::Limits;
use std::sync::Arc;
use std::time::Duration;
use wasmtime::{Store, Trap, UpdateDeadline};

/// What to run a program on.
#[derive(Clone, Debug, Default)]
pub struct RunSpec {
    /// Standard input.
    pub stdin: Arc<[u8]>,
    /// `argv`, including `argv[0]`.
    pub args: Vec<String>,
    /// Read-only files visible to the program under `/`.
    pub files: Vec<(String, Arc<[u8]>)>,
    /// Time, memory and output limits.
    pub limits: Limits,
}

/// How a run ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", content = "detail", rename_all = "snake_case")]
pub enum RunStatus {
    /// The program exited (returned from `main` or called `exit`) with this code.
    Exited(i32),
    /// It used more CPU time (or fuel) than allowed.
    TimeLimit,
    /// It asked for more memory than allowed.
    MemoryLimit,
    /// Its output reached the cap.
    OutputLimit,
    /// It trapped: the trap's description (stack overflow, out-of-bounds access, ...).
    Trap(String),
}

/// Everything a run produced and measured.
#[derive(Clone, Debug)]
pub struct RunOutcome {
    /// How it ended.
    pub status: RunStatus,
    /// Standard output (at most the output cap).
    pub stdout: Vec<u8>,
    /// Standard error (at most 64 KiB).
    pub stderr: Vec<u8>,
    /// Files the program created (checkers' feedback files).
    pub written: Vec<(String, Vec<u8>)>,
    /// CPU time of the run, in microseconds.
    pub time_us: u64,
    /// Fuel consumed (deterministic mode; 0 otherwise).
    pub fuel: u64,
    /// Peak linear memory in bytes (the shadow stack included).
    pub peak_memory: u64,
}

impl Sandbox {
    /// Runs `program` on `spec`. Must be called on a thread with a stack of at least
    /// [`crate::GUEST_THREAD_STACK`] bytes.
    pub fn run(&self, program: &Program, spec: RunSpec) -> RunOutcome {
        self.run_piped(program, spec, None)
    }

    /// [`Sandbox::run`] with stdin and stdout connected to `pipe` (an interactive run), which
    /// is ended when the run is.
    pub(crate) fn run_piped(
        &self,
        program: &Program,
        spec: RunSpec,
        pipe: Option<PipeEnd>,
    ) -> RunOutcome {
        let limits = spec.limits;
        let mut io = Io::new(spec.stdin, limits.output_bytes as usize);
        match &program.python {
            Some(script) => {
                // `python -c DRIVER ARGS...`: the driver runs /main.py (see python::DRIVER).
                io.args = [python::ARGV0, "-c", python::DRIVER]
                    .into_iter()
                    .map(String::from)
                    .chain(spec.args.into_iter().skip(1))
                    .collect();
                io.files = spec.files;
                io.files
                    .push((python::SCRIPT_GUEST.into(), script.source.clone()));
                io.files
                    .push((python::STDLIB_GUEST.into(), script.stdlib.clone()));
            }
            None => {
                io.args = spec.args;
                io.files = spec.files;
            }
        }
        io.deterministic = matches!(self.mode, Mode::Deterministic { .. });
        let _ending = pipe.clone().map(Ending);
        io.pipe = pipe;
        // The shadow stack our toolchain reserves is not charged until it is used, as an
        // untouched native stack is not resident: see `footprint`. A Python script is charged
        // about what native CPython would hold: see `python::Interpreter::reserve`.
        let reserve = match &program.python {
            Some(script) => script.reserve,
            None => STACK_RESERVE,
        };
        let host = Host {
            io,
            limiter: Limiter {
                limit: limits.memory_bytes.saturating_add(reserve),
                ..Limiter::default()
            },
            cpu_limit: Duration::from_millis(limits.time_ms),
            ..Host::default()
        };
        // The engine the program was compiled for (Python's has its own).
        let mut store = Store::new(program.pre.module().engine(), host);
        store.limiter(|h| &mut h.limiter);
        let mut fuel_granted = 0;
        match self.mode {
            Mode::Timed => {
                store.set_epoch_deadline(1);
                store.epoch_deadline_callback(|mut ctx| {
                    let host = ctx.data_mut();
                    if host.cpu_start.is_some_and(|t| t.elapsed() > host.cpu_limit) {
                        host.timed_out = true;
                        return Ok(UpdateDeadline::Interrupt);
                    }
                    Ok(UpdateDeadline::Continue(1))
                });
            }
            Mode::Deterministic { fuel_per_ms } => {
                fuel_granted = limits.time_ms.saturating_mul(fuel_per_ms);
                let _ = store.set_fuel(fuel_granted);
            }
            // Nothing interrupts the guest; a run that ends past the limit is still TLE.
            Mode::Unmetered => {}
        }
        let mut memory = None;
        let result = program.pre.instantiate(&mut store).and_then(|instance| {
            memory = instance.get_memory(&mut store, "memory");
            if program.python.is_some() {
                // The interpreter is a reactor whose `run` is `main` on the WASI arguments.
                let run = instance.get_typed_func::<(), i32>(&mut store, "run")?;
                store.data_mut().cpu_start = Some(ThreadTime::now());
                match run.call(&mut store, ())? {
                    0 => Ok(()),
                    code => Err(wasmtime::Error::new(Exit(code))),
                }
            } else {
                let start = instance.get_typed_func::<(), ()>(&mut store, "_start")?;
                store.data_mut().cpu_start = Some(ThreadTime::now());
                start.call(&mut store, ())
            }
        });
        let time = store
            .data()
            .cpu_start
            .map(|t| t.elapsed())
            .unwrap_or_default();
        let fuel = match self.mode {
            Mode::Deterministic { .. } => fuel_granted - store.get_fuel().unwrap_or(0),
            Mode::Timed | Mode::Unmetered => 0,
        };
        let peak = store.data().limiter.peak;
        let footprint = match &program.python {
            Some(_) => peak.saturating_sub(reserve),
            None => footprint(peak, limits.memory_bytes, memory.map(|m| m.data(&store))),
        };
        let host = store.into_data();
        let mut status = classify(result, &host, time);
        // Memory only grows: a run past the memory limit at its end was past it before any
        // time limit struck, as a judge watching both would have seen.
        if footprint > limits.memory_bytes {
            status = RunStatus::MemoryLimit;
        }
        RunOutcome {
            status,
            stdout: host.io.stdout,
            stderr: host.io.stderr,
            written: host.io.written,
            time_us: time.as_micros() as u64,
            fuel,
            peak_memory: footprint,
        }
    }
}

/// Bytes at the bottom of linear memory that sieve's toolchain reserves for the shadow stack
/// (linked with `--stack-first`, so the stack grows down from this address towards 0).
const STACK_RESERVE: u64 = crate::toolchain::SHADOW_STACK_BYTES;

/// The memory a run is charged for: its linear memory beyond the stack reserve, plus the part
/// of the stack it touched. The stack is measured (the lowest non-zero page of the reserve) only
/// when it could matter, i.e. when the memory grew past the limit.
fn footprint(peak: u64, limit: u64, memory: Option<&[u8]>) -> u64 {
    let heap = peak.saturating_sub(STACK_RESERVE);
    if peak <= limit {
        return heap;
    }
    let Some(memory) = memory else {
        return peak;
    };
    let stack = &memory[..memory.len().min(STACK_RESERVE as usize)];
    let untouched = stack
        .chunks(4096)
        .take_while(|page| page.iter().all(|b| *b == 0))
        .map(|page| page.len() as u64)
        .sum::<u64>();
    heap + (stack.len() as u64 - untouched)
}

fn classify(result: wasmtime::Result<()>, host: &Host, time: Duration) -> RunStatus {
    let err = result.err();
    if let Some(e) = &err
        && e.downcast_ref::<OutputLimit>().is_some()
    {
        return RunStatus::OutputLimit;
    }
    let out_of_fuel = err
        .as_ref()
        .and_then(|e| e.downcast_ref::<Trap>())
        .is_some_and(|t| matches!(t, Trap::OutOfFuel | Trap::Interrupt));
    if host.timed_out
        || out_of_fuel
        || (host.cpu_limit > Duration::ZERO && time > host.cpu_limit && !host.io.deterministic)
    {
        return RunStatus::TimeLimit;
    }
    if host.limiter.denied {
        return RunStatus::MemoryLimit;
    }
    match err.as_ref().and_then(|e| e.downcast_ref::<PipeStop>()) {
        // Waiting for input that can never come: idleness, judged as a time-out.
        Some(PipeStop::Deadlock) => return RunStatus::TimeLimit,
        // Stopped because the interactor had ended, as a judge kills the program then: its
        // verdict is the interactor's.
        Some(PipeStop::PeerEnded) => return RunStatus::Exited(0),
        None => {}
    }
    match err {
        None => RunStatus::Exited(0),
        Some(e) => {
            if let Some(Exit(code)) = e.downcast_ref::<Exit>() {
                RunStatus::Exited(*code)
            } else if let Some(trap) = e.downcast_ref::<Trap>() {
                RunStatus::Trap(trap_name(trap).to_string())
            } else {
                RunStatus::Trap(format!("{e:#}"))
            }
        }
    }
}

fn trap_name(trap: &Trap) -> &'static str {
    match trap {
        Trap::StackOverflow => "stack overflow",
        Trap::MemoryOutOfBounds => "out-of-bounds memory access",
        Trap::HeapMisaligned => "misaligned memory access",
        Trap::TableOutOfBounds => "out-of-bounds table access",
        Trap::IndirectCallToNull => "indirect call to null",
        Trap::BadSignature => "indirect call signature mismatch",
        Trap::IntegerOverflow => "integer overflow",
        Trap::IntegerDivisionByZero => "integer division by zero",
        Trap::BadConversionToInteger => "invalid conversion to integer",
        Trap::UnreachableCodeReached => "abort (unreachable code reached)",
        _ => "trap",
    }
}
