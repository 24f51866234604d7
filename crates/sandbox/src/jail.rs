//! The compiler's jail. A source can make clang read files (`.incbin`, `.include`, `#embed`,
//! includes by any spelling), so the compiler of untrusted sources runs confined, whoever runs
//! sieve:
//! - Landlock (Linux ≥ 5.13; no privileges needed) lets it read and execute only the roots its
//!   policy names (the toolchain, the sysroot, the system's shared libraries), write only its
//!   scratch directory, open no TCP connection and (where the kernel scopes them) signal or reach
//!   no process or abstract socket outside the jail;
//! - `no_new_privs`, and for root an empty capability bounding set, so that nothing it executes
//!   gains privileges;
//! - its own process group, killed as a whole at the wall-clock limit, so no child (the linker)
//!   outlives it; resource limits on address space, CPU seconds, file size and core dumps.
//!
//! A kernel without Landlock is refused (a compile there is a [`SandboxError::Toolchain`]) unless
//! `SIEVE_UNCONFINED_COMPILER=1` says the operator accepts an unconfined compiler.

use crate::SandboxError;
use landlock::{
    ABI, Access, AccessFs, AccessNet, CompatLevel, Compatible, Ruleset, RulesetAttr,
    RulesetCreatedAttr, Scope, path_beneath_rules,
};
use std::io::Read;
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

/// Resource limits of one jailed run.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    /// Wall-clock time, after which the whole process group is killed.
    pub wall: Duration,
    /// CPU seconds (`RLIMIT_CPU`).
    pub cpu_seconds: u64,
    /// Address space in bytes (`RLIMIT_AS`).
    pub address_space: u64,
    /// Largest file it may write (`RLIMIT_FSIZE`).
    pub file_size: u64,
    /// Bytes of standard error kept.
    pub message_cap: usize,
}

/// What a jailed process may touch.
#[derive(Clone, Debug, Default)]
pub(crate) struct Policy {
    /// Directories (or files) it may read and execute.
    pub read: Vec<PathBuf>,
    /// Directories it may read and write (its scratch directory).
    pub write: Vec<PathBuf>,
}

impl Policy {
    /// What every dynamically linked program needs: the loader, shared libraries and their cache,
    /// and `/dev/null`.
    pub fn system() -> Policy {
        Policy {
            read: [
                "/lib",
                "/lib64",
                "/usr/lib/x86_64-linux-gnu",
                "/usr/lib/aarch64-linux-gnu",
                "/etc/ld.so.cache",
                "/dev/null",
                "/dev/urandom",
            ]
            .into_iter()
            .map(PathBuf::from)
            .collect(),
            write: vec!["/dev/null".into()],
        }
    }
}

/// How a jailed run ended.
#[derive(Debug)]
pub(crate) struct Ended {
    /// The exit status, or `None` when the wall-clock limit killed it.
    pub status: Option<ExitStatus>,
    /// Its standard error, capped.
    pub stderr: Vec<u8>,
    /// Wall time taken.
    pub elapsed: Duration,
}

/// Runs `cmd` in the jail: confined by `policy`, limited by `limits`, in its own process group,
/// standard input and output closed, standard error captured. Runs at most
/// [`concurrency`] jobs at once per process; others wait their turn.
pub(crate) fn run(
    cmd: &mut Command,
    policy: &Policy,
    limits: Limits,
) -> Result<Ended, SandboxError> {
    let _slot = SLOTS.acquire();
    let ruleset = ruleset(policy)?;
    let raw_ruleset = ruleset.as_ref().map(|fd| fd.as_raw_fd());
    let drop_capabilities = nix::unistd::geteuid().is_root();
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .process_group(0);
    confine(cmd, raw_ruleset, drop_capabilities, limits);
    let started = Instant::now();
    let mut child = cmd
        .spawn()
        .map_err(SandboxError::io("starting the compiler"))?;
    drop(ruleset);
    let group = nix::unistd::Pid::from_raw(child.id() as i32);
    let kill_group = || {
        let _ = nix::sys::signal::killpg(group, nix::sys::signal::Signal::SIGKILL);
    };
    let mut stderr = child.stderr.take().expect("piped stderr");
    let cap = limits.message_cap;
    let (sender, received) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut kept = Vec::new();
        let mut buf = [0u8; 8192];
        while let Ok(n) = stderr.read(&mut buf) {
            if n == 0 {
                break;
            }
            let room = cap.saturating_sub(kept.len());
            kept.extend_from_slice(&buf[..n.min(room)]);
        }
        let _ = sender.send(kept);
    });
    // The end of its standard error is the usual sign that it ended: no polling delay then.
    let left = |started: Instant| limits.wall.saturating_sub(started.elapsed());
    let mut stderr = received.recv_timeout(left(started)).ok();
    let status = loop {
        if let Some(status) = child
            .try_wait()
            .map_err(SandboxError::io("waiting for the compiler"))?
        {
            break Some(status);
        }
        if left(started).is_zero() {
            break None;
        }
        std::thread::sleep(Duration::from_millis(1));
    };
    // Whatever it started dies with it, also after a normal exit: a straggler would hold the
    // pipe (and the reader) open.
    kill_group();
    let _ = child.wait();
    if stderr.is_none() {
        // Killed now, the group no longer holds the pipe.
        stderr = received.recv_timeout(Duration::from_secs(5)).ok();
    }
    let stderr = stderr.unwrap_or_default();
    Ok(Ended {
        status,
        stderr,
        elapsed: started.elapsed(),
    })
}

/// The Landlock ruleset for `policy`, or `None` when the operator allowed an unconfined compiler
/// on a kernel without Landlock.
fn ruleset(policy: &Policy) -> Result<Option<OwnedFd>, SandboxError> {
    let abi = ABI::V6;
    let refuse = |why: String| {
        SandboxError::Toolchain(format!(
            "the compiler cannot be confined: {why} (Landlock needs Linux 5.13 or later with \
             Landlock enabled; SIEVE_UNCONFINED_COMPILER=1 compiles unconfined)"
        ))
    };
    let created = Ruleset::default()
        // File-system confinement is required; network and scopes are taken where the kernel
        // has them.
        .set_compatibility(CompatLevel::HardRequirement)
        .handle_access(AccessFs::from_all(ABI::V1))
        .and_then(|r| {
            r.set_compatibility(CompatLevel::BestEffort)
                .handle_access(AccessFs::from_all(abi))
        })
        .and_then(|r| r.handle_access(AccessNet::from_all(abi)))
        .and_then(|r| r.scope(Scope::from_all(abi)))
        .and_then(|r| r.create())
        .and_then(|r| r.add_rules(path_beneath_rules(&policy.read, AccessFs::from_read(abi))))
        .and_then(|r| r.add_rules(path_beneath_rules(&policy.write, AccessFs::from_all(abi))));
    let fd: Option<OwnedFd> = match created {
        Ok(r) => r.into(),
        Err(e) => {
            if unconfined_allowed() {
                return Ok(None);
            }
            return Err(refuse(e.to_string()));
        }
    };
    match fd {
        Some(fd) => Ok(Some(fd)),
        None if unconfined_allowed() => Ok(None),
        None => Err(refuse("this kernel has no Landlock".into())),
    }
}

fn unconfined_allowed() -> bool {
    std::env::var_os("SIEVE_UNCONFINED_COMPILER").is_some_and(|v| v == "1")
}

/// Between fork and exec, in the child: resource limits, `no_new_privs`, the capability
/// bounding set emptied (root), and the Landlock ruleset applied. Only raw system calls run
/// there: the parent may have other threads, so nothing may allocate or take a lock.
#[allow(unsafe_code)]
fn confine(cmd: &mut Command, ruleset: Option<i32>, drop_capabilities: bool, limits: Limits) {
    let rlimits = [
        (libc::RLIMIT_AS, limits.address_space),
        (libc::RLIMIT_CPU, limits.cpu_seconds),
        (libc::RLIMIT_FSIZE, limits.file_size),
        (libc::RLIMIT_CORE, 0),
    ];
    // SAFETY: the closure only makes async-signal-safe system calls on values it owns.
    unsafe {
        cmd.pre_exec(move || {
            for (resource, value) in rlimits {
                let limit = libc::rlimit {
                    rlim_cur: value,
                    rlim_max: value,
                };
                if libc::setrlimit(resource, &limit) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
            }
            if libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            if drop_capabilities {
                for cap in 0..=libc::c_ulong::from(63u8) {
                    // EINVAL past the kernel's last capability ends nothing: ignore it.
                    libc::prctl(libc::PR_CAPBSET_DROP, cap, 0, 0, 0);
                }
            }
            if let Some(fd) = ruleset
                && libc::syscall(libc::SYS_landlock_restrict_self, fd, 0) != 0
            {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

/// How many jailed runs one process allows at once: one per core.
pub(crate) fn concurrency() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// A counting semaphore over [`concurrency`] slots.
struct Slots {
    used: Mutex<usize>,
    freed: Condvar,
}

static SLOTS: Slots = Slots {
    used: Mutex::new(0),
    freed: Condvar::new(),
};

struct Slot;

impl Slots {
    fn acquire(&'static self) -> Slot {
        let limit = concurrency();
        let mut used = self.used.lock().unwrap_or_else(|p| p.into_inner());
        while *used >= limit {
            used = self.freed.wait(used).unwrap_or_else(|p| p.into_inner());
        }
        *used += 1;
        Slot
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut used = SLOTS.used.lock().unwrap_or_else(|p| p.into_inner());
        *used -= 1;
        SLOTS.freed.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn limits(wall_ms: u64) -> Limits {
        Limits {
            wall: Duration::from_millis(wall_ms),
            cpu_seconds: 10,
            address_space: 1 << 30,
            file_size: 1 << 20,
            message_cap: 4096,
        }
    }

    fn shell_policy(scratch: &Path) -> Policy {
        let mut p = Policy::system();
        p.read.push("/usr/bin".into());
        p.read.push("/bin".into());
        p.write.push(scratch.to_path_buf());
        p
    }

    fn alive(marker: &str) -> bool {
        std::fs::read_dir("/proc").unwrap().flatten().any(|e| {
            std::fs::read(e.path().join("cmdline"))
                .is_ok_and(|c| String::from_utf8_lossy(&c).contains(marker))
        })
    }

    #[test]
    fn the_wall_limit_kills_everything_the_process_started() {
        let scratch = tempfile::tempdir().unwrap();
        // A unique argument so the test can look for survivors by their command line.
        let marker = format!("{}", 30_000 + std::process::id() % 10_000);
        let mut cmd = Command::new("/bin/sh");
        cmd.arg("-c")
            .arg(format!("sleep {marker} & sleep {marker}; wait"))
            .current_dir(scratch.path());
        let started = Instant::now();
        let ended = run(&mut cmd, &shell_policy(scratch.path()), limits(300)).unwrap();
        assert!(ended.status.is_none(), "the wall limit stopped it");
        // Killing only the shell left the background sleep holding the pipe: the run then
        // lasted as long as the sleep.
        assert!(started.elapsed() < Duration::from_secs(20));
        std::thread::sleep(Duration::from_millis(100));
        assert!(
            !alive(&format!("sleep {marker}")),
            "a child outlived the limit"
        );
    }

    #[test]
    fn no_more_jobs_run_at_once_than_there_are_cores() {
        let slots = concurrency();
        let scratch = tempfile::tempdir().unwrap();
        let policy = shell_policy(scratch.path());
        let started = Instant::now();
        // Twice as many half-second jobs as slots, all at once: bounded, they need two rounds.
        std::thread::scope(|s| {
            for _ in 0..2 * slots {
                s.spawn(|| {
                    let mut cmd = Command::new("/bin/sh");
                    cmd.arg("-c").arg("sleep 0.5").current_dir(scratch.path());
                    let ended = run(&mut cmd, &policy, limits(10_000)).unwrap();
                    assert!(ended.status.is_some_and(|s| s.success()));
                });
            }
        });
        assert!(
            started.elapsed() >= Duration::from_millis(1000),
            "{} jobs of 0.5 s on {slots} slots took {:?}",
            2 * slots,
            started.elapsed()
        );
    }

    #[test]
    fn files_outside_the_policy_cannot_be_read_or_written() {
        let secret_dir = tempfile::tempdir().unwrap();
        let secret = secret_dir.path().join("secret");
        std::fs::write(&secret, "TOPSECRET").unwrap();
        let scratch = tempfile::tempdir().unwrap();
        let mut cmd = Command::new("/bin/sh");
        cmd.arg("-c")
            .arg(format!(
                "cat {s} >&2; echo x > {d}/written; echo ok > {w}/ok",
                s = secret.display(),
                d = secret_dir.path().display(),
                w = scratch.path().display()
            ))
            .current_dir(scratch.path());
        let ended = run(&mut cmd, &shell_policy(scratch.path()), limits(10_000)).unwrap();
        let stderr = String::from_utf8_lossy(&ended.stderr);
        assert!(
            !stderr.contains("TOPSECRET"),
            "read a file outside: {stderr}"
        );
        assert!(stderr.contains("Permission denied"), "{stderr}");
        assert!(!secret_dir.path().join("written").exists());
        assert!(
            scratch.path().join("ok").exists(),
            "the scratch directory is writable"
        );
    }
}
