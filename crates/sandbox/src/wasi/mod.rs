//! A minimal WASI preview 1 host, written for judging rather than taken from `wasmtime-wasi`:
//! stdin from memory, stdout and stderr captured under caps, read-only in-memory files (for
//! checkers), in-memory writable files (Kattis feedback), clocks, a seeded random source, and
//! nothing else. No host file, socket or environment variable is reachable by construction, no
//! async runtime is involved (wasmtime-wasi's synchronous API drives tokio underneath), and a full
//! stdout stops the guest at once so that the run is reported as Output Limit Exceeded. In an
//! interactive run, stdin and stdout are pipes to the other program instead.

mod env;
mod fd;
mod path;
mod pipe;

use crate::engine::Host;
use env::*;
use fd::*;
use path::*;
pub(crate) use pipe::{Ending, Hub, JUDGE, PipeEnd, PipeStop, pipes};
use std::sync::Arc;
use wasmtime::{Caller, Extern, Linker, Module, Val, ValType};

const MODULE: &str = "wasi_snapshot_preview1";

/// WASI errno values used here.
pub(super) mod errno {
    pub const SUCCESS: i32 = 0;
    pub const BADF: i32 = 8;
    pub const FAULT: i32 = 21;
    pub const INVAL: i32 = 28;
    pub const NOENT: i32 = 44;
    pub const NOSYS: i32 = 52;
    pub const NOTDIR: i32 = 54;
    pub const SPIPE: i32 = 70;
}

/// The guest called `proc_exit`.
#[derive(Debug, thiserror::Error)]
#[error("exit code {0}")]
pub(crate) struct Exit(pub i32);

/// The guest's stdout reached its cap.
#[derive(Debug, thiserror::Error)]
#[error("output limit reached")]
pub(crate) struct OutputLimit;

/// An open descriptor.
#[derive(Clone, Debug)]
pub(crate) enum Fd {
    Stdin,
    Stdout,
    Stderr,
    /// The one preopened directory, `/`.
    Root,
    /// A read-only file: index into `Host::files`, position.
    Read(usize, usize),
    /// A writable file: index into `Host::written`.
    Write(usize),
    /// A channel of the run's pipes opened by name (a CMS manager's FIFOs).
    Pipe {
        /// The channel.
        channel: usize,
        /// Whether the run writes to it (else reads from it).
        write: bool,
    },
}

/// The files and streams of one run.
#[derive(Debug, Default)]
pub(crate) struct Io {
    pub stdin: Arc<[u8]>,
    pub stdin_pos: usize,
    pub stdout: Vec<u8>,
    pub stdout_cap: usize,
    pub stdout_full: bool,
    pub stderr: Vec<u8>,
    pub args: Vec<String>,
    pub files: Vec<(String, Arc<[u8]>)>,
    pub written: Vec<(String, Vec<u8>)>,
    pub fds: Vec<Option<Fd>>,
    pub rng: u64,
    pub fake_clock_ns: u64,
    pub deterministic: bool,
    /// A conversation's pipes: stdin and stdout may be channels, and channels may be opened
    /// by name.
    pub pipe: Option<PipeEnd>,
}

pub(super) const STDERR_CAP: usize = 64 << 10;
pub(super) const WRITTEN_FILE_CAP: usize = 1 << 20;

impl Io {
    pub fn new(stdin: Arc<[u8]>, stdout_cap: usize) -> Io {
        Io {
            stdin,
            stdout_cap,
            fds: vec![
                Some(Fd::Stdin),
                Some(Fd::Stdout),
                Some(Fd::Stderr),
                Some(Fd::Root),
            ],
            rng: 0x9E37_79B9_7F4A_7C15,
            ..Io::default()
        }
    }
}

impl Io {
    /// Whether `name` (a cleaned path) is a directory of the run: the root, one holding a file,
    /// or one the program was told of by an argument ending in `/` (a Kattis validator's
    /// feedback directory, which validators check with `stat` before writing into it).
    pub(super) fn is_dir(&self, name: &str) -> bool {
        let prefix = format!("{name}/");
        name.is_empty()
            || self
                .args
                .iter()
                .skip(1)
                .any(|a| a.trim_start_matches("./") == prefix)
            || self.files.iter().any(|(n, _)| n.starts_with(&prefix))
            || self.written.iter().any(|(n, _)| n.starts_with(&prefix))
    }
}

pub(super) type R<T> = wasmtime::Result<T>;

pub(super) fn memory<'a>(caller: &'a mut Caller<'_, Host>) -> Option<(&'a mut [u8], &'a mut Io)> {
    let mem = match caller.get_export("memory") {
        Some(Extern::Memory(m)) => m,
        _ => return None,
    };
    let (data, host) = mem.data_and_store_mut(caller);
    Some((data, &mut host.io))
}

pub(super) fn slice(mem: &[u8], ptr: u32, len: u32) -> Option<&[u8]> {
    mem.get(ptr as usize..(ptr as usize).checked_add(len as usize)?)
}

pub(super) fn slice_mut(mem: &mut [u8], ptr: u32, len: u32) -> Option<&mut [u8]> {
    mem.get_mut(ptr as usize..(ptr as usize).checked_add(len as usize)?)
}

pub(super) fn put(mem: &mut [u8], ptr: u32, bytes: &[u8]) -> Result<(), i32> {
    slice_mut(mem, ptr, bytes.len() as u32)
        .ok_or(errno::FAULT)?
        .copy_from_slice(bytes);
    Ok(())
}

pub(super) fn get_u32(mem: &[u8], ptr: u32) -> Result<u32, i32> {
    let b = slice(mem, ptr, 4).ok_or(errno::FAULT)?;
    Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// The (pointer, length) pairs of an iovec array.
pub(super) fn iovecs(mem: &[u8], iovs: u32, count: u32) -> Result<Vec<(u32, u32)>, i32> {
    (0..count)
        .map(|i| {
            let at = iovs.checked_add(i.checked_mul(8).ok_or(errno::FAULT)?);
            let at = at.ok_or(errno::FAULT)?;
            Ok((get_u32(mem, at)?, get_u32(mem, at + 4)?))
        })
        .collect()
}

pub(super) fn code(r: Result<(), i32>) -> i32 {
    r.err().unwrap_or(errno::SUCCESS)
}

/// Adds every function above to `linker`.
pub(crate) fn add_to_linker(linker: &mut Linker<Host>) -> wasmtime::Result<()> {
    linker.func_wrap(MODULE, "fd_write", fd_write)?;
    linker.func_wrap(MODULE, "fd_read", fd_read)?;
    linker.func_wrap(MODULE, "fd_seek", fd_seek)?;
    linker.func_wrap(MODULE, "fd_tell", fd::fd_tell)?;
    linker.func_wrap(MODULE, "fd_close", fd_close)?;
    linker.func_wrap(MODULE, "fd_fdstat_get", fd_fdstat_get)?;
    linker.func_wrap(MODULE, "fd_filestat_get", fd_filestat_get)?;
    linker.func_wrap(MODULE, "fd_prestat_get", fd_prestat_get)?;
    linker.func_wrap(MODULE, "fd_prestat_dir_name", fd_prestat_dir_name)?;
    linker.func_wrap(MODULE, "fd_fdstat_set_flags", |_: i32, _: i32| {
        errno::SUCCESS
    })?;
    linker.func_wrap(MODULE, "path_open", path_open)?;
    linker.func_wrap(MODULE, "path_filestat_get", path_filestat_get)?;
    linker.func_wrap(MODULE, "args_get", |c: Caller<'_, Host>, p: i32, b: i32| {
        strings_get(c, p, b, false)
    })?;
    linker.func_wrap(
        MODULE,
        "args_sizes_get",
        |c: Caller<'_, Host>, n: i32, s: i32| strings_sizes(c, n, s, false),
    )?;
    linker.func_wrap(
        MODULE,
        "environ_get",
        |c: Caller<'_, Host>, p: i32, b: i32| strings_get(c, p, b, true),
    )?;
    linker.func_wrap(
        MODULE,
        "environ_sizes_get",
        |c: Caller<'_, Host>, n: i32, s: i32| strings_sizes(c, n, s, true),
    )?;
    linker.func_wrap(MODULE, "clock_time_get", clock_time_get)?;
    linker.func_wrap(MODULE, "clock_res_get", clock_res_get)?;
    linker.func_wrap(MODULE, "random_get", random_get)?;
    linker.func_wrap(MODULE, "sched_yield", || errno::SUCCESS)?;
    linker.func_wrap(MODULE, "proc_exit", |code: i32| -> R<()> {
        Err(wasmtime::Error::new(Exit(code)))
    })?;
    Ok(())
}

/// The WASI functions [`add_to_linker`] implements.
const IMPLEMENTED: &[&str] = &[
    "fd_write",
    "fd_read",
    "fd_seek",
    "fd_tell",
    "fd_close",
    "fd_fdstat_get",
    "fd_filestat_get",
    "fd_prestat_get",
    "fd_prestat_dir_name",
    "fd_fdstat_set_flags",
    "path_open",
    "path_filestat_get",
    "args_get",
    "args_sizes_get",
    "environ_get",
    "environ_sizes_get",
    "clock_time_get",
    "clock_res_get",
    "random_get",
    "sched_yield",
    "proc_exit",
];

/// Defines every WASI import of `module` that the host does not implement as a function that
/// returns ENOSYS, so that programs linking (but not calling) them still run.
pub(crate) fn stub_missing(linker: &mut Linker<Host>, module: &Module) -> wasmtime::Result<()> {
    stub_imports(linker, module, MODULE, errno::NOSYS)
}

/// Defines every function `module` imports from `from` that the host does not implement as one
/// that does nothing and answers `code` (when it returns an `i32`).
pub(crate) fn stub_imports(
    linker: &mut Linker<Host>,
    module: &Module,
    from: &str,
    code: i32,
) -> wasmtime::Result<()> {
    for import in module.imports() {
        if import.module() != from || (from == MODULE && IMPLEMENTED.contains(&import.name())) {
            continue;
        }
        let Some(ty) = import.ty().func().cloned() else {
            continue;
        };
        let returns_code =
            ty.results().len() == 1 && matches!(ty.results().next(), Some(ValType::I32));
        let func = move |_: Caller<'_, Host>, _: &[Val], results: &mut [Val]| -> R<()> {
            if returns_code {
                results[0] = Val::I32(code);
            }
            Ok(())
        };
        linker.func_new(from, import.name(), ty, func)?;
    }
    Ok(())
}
