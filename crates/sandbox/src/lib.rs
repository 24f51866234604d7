//! The judge's sandbox: C and C++ compiled to wasm32-wasi with clang under resource limits,
//! Python 3 scripts run by CPython for WASI (a pre-initialised interpreter), a wasmtime engine
//! narrowed to sieve's policy (pooling allocator, compiled-module cache, CPU-time or fuel
//! limits, memory and output caps), a minimal WASI host with no files, network or environment,
//! the checkers, interactors joined to the candidate by in-host pipes, CMS Communication
//! managers joined the same way to one or more processes of the candidate, output-only
//! submissions (an output per test, checked as a program's would be), and the judging of one
//! program against a problem's tests.
//!
//! It knows wasmtime but not tokio or sqlx: callers run it on their own threads (guests need a
//! large native stack: see [`GUEST_THREAD_STACK`]) and store what it returns.

mod checker;
mod child;
mod communicate;
mod compile;
mod engine;
mod error;
mod gnu;
mod interact;
mod jail;
mod judge;
pub mod native;
mod normalise;
mod options;
mod outputs;
mod protocol;
mod python;
mod run;
mod source_scan;
mod speed;
mod supervised;
mod toolchain;
mod wasi;

pub use checker::{CheckOutcome, check_builtin};
pub use child::child_main;
pub use communicate::{Unwatched, Watch};
pub use compile::{CompileOutcome, Compiled, compile};
pub use engine::{GUEST_THREAD_STACK, Mode, Program, Sandbox, SandboxConfig, on_guest_thread};
pub use error::SandboxError;
pub use judge::{JudgeOptions, JudgeReport, SubtaskReport, TestInput, TestReport, judge, judge_by};
pub use normalise::output_hash;
pub use python::{PythonRuntime, bundle as python_bundle};
pub use run::{RunOutcome, RunSpec, RunStatus};
pub use source_scan::fidelity_warnings;
pub use speed::host_speed;
pub use supervised::{MAX_CRASHES, Supervisor};
pub use toolchain::Toolchain;
