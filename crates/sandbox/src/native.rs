//! Native runs of trusted programs (a package's reference solutions, the benchmarks'
//! baselines), timed by their CPU use, to set wasm time limits against native ones. Never used
//! for untrusted code: that runs only as wasm.

use nix::sys::resource::{UsageWho, getrusage};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// CPU time (user and system) of this process's reaped children so far.
fn children_cpu() -> Duration {
    getrusage(UsageWho::RUSAGE_CHILDREN)
        .map(|u| {
            let t = u.user_time();
            let s = u.system_time();
            Duration::from_micros(
                (t.tv_sec() * 1_000_000 + t.tv_usec() + s.tv_sec() * 1_000_000 + s.tv_usec())
                    as u64,
            )
        })
        .unwrap_or_default()
}

/// Runs the native binary `bin` on `input`; returns (CPU seconds, stdout). Not thread-safe
/// in its timing: children reaped meanwhile by other threads count too.
pub fn run_native(bin: &Path, input: &[u8]) -> std::io::Result<(f64, Vec<u8>)> {
    run_native_with(bin, &[], input)
}

/// [`run_native`] with arguments (an interpreter and its script).
pub fn run_native_with(bin: &Path, args: &[&str], input: &[u8]) -> std::io::Result<(f64, Vec<u8>)> {
    let before = children_cpu();
    let mut child = Command::new(bin)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let mut stdin = child
        .stdin
        .take()
        .ok_or_else(|| std::io::Error::other("no stdin"))?;
    let data = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&data));
    let out = child.wait_with_output()?;
    let _ = writer.join();
    Ok(((children_cpu() - before).as_secs_f64(), out.stdout))
}
