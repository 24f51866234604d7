//! A minimal WASI preview 1 host, written for judging rather than taken from `wasmtime-wasi`:
//! stdin from memory, stdout and stderr captured under caps, read-only in-memory files (for
//! checkers), in-memory writable files (Kattis feedback), clocks, a seeded random source, and
//! nothing else. No host file, socket or environment variable is reachable by construction, no
//! async runtime is involved (wasmtime-wasi's synchronous API drives tokio underneath), and a full
//! stdout stops the guest at once so that the run is reported as Output Limit Exceeded.

use crate::engine::Host;
use std::sync::Arc;
use wasmtime::{Caller, Extern, Linker, Module, Val, ValType};

const MODULE: &str = "wasi_snapshot_preview1";

/// WASI errno values used here.
mod errno {
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
}

const STDERR_CAP: usize = 64 << 10;
const WRITTEN_FILE_CAP: usize = 1 << 20;

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

type R<T> = wasmtime::Result<T>;

fn memory<'a>(caller: &'a mut Caller<'_, Host>) -> Option<(&'a mut [u8], &'a mut Io)> {
    let mem = match caller.get_export("memory") {
        Some(Extern::Memory(m)) => m,
        _ => return None,
    };
    let (data, host) = mem.data_and_store_mut(caller);
    Some((data, &mut host.io))
}

fn slice(mem: &[u8], ptr: u32, len: u32) -> Option<&[u8]> {
    mem.get(ptr as usize..(ptr as usize).checked_add(len as usize)?)
}

fn slice_mut(mem: &mut [u8], ptr: u32, len: u32) -> Option<&mut [u8]> {
    mem.get_mut(ptr as usize..(ptr as usize).checked_add(len as usize)?)
}

fn put(mem: &mut [u8], ptr: u32, bytes: &[u8]) -> Result<(), i32> {
    slice_mut(mem, ptr, bytes.len() as u32)
        .ok_or(errno::FAULT)?
        .copy_from_slice(bytes);
    Ok(())
}

fn get_u32(mem: &[u8], ptr: u32) -> Result<u32, i32> {
    let b = slice(mem, ptr, 4).ok_or(errno::FAULT)?;
    Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// The (pointer, length) pairs of an iovec array.
fn iovecs(mem: &[u8], iovs: u32, count: u32) -> Result<Vec<(u32, u32)>, i32> {
    (0..count)
        .map(|i| {
            let at = iovs.checked_add(i.checked_mul(8).ok_or(errno::FAULT)?);
            let at = at.ok_or(errno::FAULT)?;
            Ok((get_u32(mem, at)?, get_u32(mem, at + 4)?))
        })
        .collect()
}

fn code(r: Result<(), i32>) -> i32 {
    r.err().unwrap_or(errno::SUCCESS)
}

fn fd_write(mut caller: Caller<'_, Host>, fd: i32, iovs: i32, n: i32, out: i32) -> R<i32> {
    let Some((mem, io)) = memory(&mut caller) else {
        return Ok(errno::FAULT);
    };
    let vecs = match iovecs(mem, iovs as u32, n as u32) {
        Ok(v) => v,
        Err(e) => return Ok(e),
    };
    let target = io.fds.get(fd as usize).cloned().flatten();
    let mut total = 0u32;
    for (ptr, len) in vecs {
        let Some(bytes) = slice(mem, ptr, len) else {
            return Ok(errno::FAULT);
        };
        match target {
            Some(Fd::Stdout) => {
                let room = io.stdout_cap.saturating_sub(io.stdout.len());
                if bytes.len() >= room {
                    io.stdout.extend_from_slice(&bytes[..room]);
                    io.stdout_full = true;
                    return Err(wasmtime::Error::new(OutputLimit));
                }
                io.stdout.extend_from_slice(bytes);
            }
            Some(Fd::Stderr) => {
                let room = STDERR_CAP.saturating_sub(io.stderr.len());
                io.stderr.extend_from_slice(&bytes[..bytes.len().min(room)]);
            }
            Some(Fd::Write(i)) => {
                let file = &mut io.written[i].1;
                let room = WRITTEN_FILE_CAP.saturating_sub(file.len());
                file.extend_from_slice(&bytes[..bytes.len().min(room)]);
            }
            _ => return Ok(errno::BADF),
        }
        total += len;
    }
    Ok(code(put(mem, out as u32, &total.to_le_bytes())))
}

fn fd_read(mut caller: Caller<'_, Host>, fd: i32, iovs: i32, n: i32, out: i32) -> R<i32> {
    let Some((mem, io)) = memory(&mut caller) else {
        return Ok(errno::FAULT);
    };
    let vecs = match iovecs(mem, iovs as u32, n as u32) {
        Ok(v) => v,
        Err(e) => return Ok(e),
    };
    let (source, pos): (Arc<[u8]>, usize) = match io.fds.get(fd as usize).cloned().flatten() {
        Some(Fd::Stdin) => (io.stdin.clone(), io.stdin_pos),
        Some(Fd::Read(i, pos)) => (io.files[i].1.clone(), pos),
        _ => return Ok(errno::BADF),
    };
    let mut at = pos;
    for (ptr, len) in vecs {
        let take = (len as usize).min(source.len().saturating_sub(at));
        if put(mem, ptr, &source[at..at + take]).is_err() {
            return Ok(errno::FAULT);
        }
        at += take;
        if take < len as usize {
            break;
        }
    }
    match &mut io.fds[fd as usize] {
        Some(Fd::Read(_, p)) => *p = at,
        _ => io.stdin_pos = at,
    }
    Ok(code(put(
        mem,
        out as u32,
        &((at - pos) as u32).to_le_bytes(),
    )))
}

fn fd_seek(mut caller: Caller<'_, Host>, fd: i32, off: i64, whence: i32, out: i32) -> R<i32> {
    let Some((mem, io)) = memory(&mut caller) else {
        return Ok(errno::FAULT);
    };
    let Some(Some(Fd::Read(i, pos))) = io.fds.get(fd as usize).cloned() else {
        return Ok(match io.fds.get(fd as usize) {
            Some(Some(_)) => errno::SPIPE,
            _ => errno::BADF,
        });
    };
    let base = match whence {
        0 => 0i64,
        1 => pos as i64,
        2 => io.files[i].1.len() as i64,
        _ => return Ok(errno::INVAL),
    };
    let Some(new) = base.checked_add(off).filter(|p| *p >= 0) else {
        return Ok(errno::INVAL);
    };
    io.fds[fd as usize] = Some(Fd::Read(i, new as usize));
    Ok(code(put(mem, out as u32, &(new as u64).to_le_bytes())))
}

/// `filestat`: dev, ino, filetype, nlink, size, atim, mtim, ctim (64 bytes).
fn filestat(filetype: u8, size: u64) -> [u8; 64] {
    let mut b = [0u8; 64];
    b[16] = filetype;
    b[24..32].copy_from_slice(&1u64.to_le_bytes());
    b[32..40].copy_from_slice(&size.to_le_bytes());
    b
}

fn fd_kind(io: &Io, fd: i32) -> Option<(u8, u64)> {
    Some(match io.fds.get(fd as usize)?.as_ref()? {
        Fd::Stdin | Fd::Stdout | Fd::Stderr => (0, 0),
        Fd::Root => (3, 0),
        Fd::Read(i, _) => (4, io.files[*i].1.len() as u64),
        Fd::Write(i) => (4, io.written[*i].1.len() as u64),
    })
}

fn fd_fdstat_get(mut caller: Caller<'_, Host>, fd: i32, out: i32) -> R<i32> {
    let Some((mem, io)) = memory(&mut caller) else {
        return Ok(errno::FAULT);
    };
    let Some((filetype, _)) = fd_kind(io, fd) else {
        return Ok(errno::BADF);
    };
    let mut b = [0u8; 24];
    b[0] = filetype;
    b[8..16].copy_from_slice(&u64::MAX.to_le_bytes());
    b[16..24].copy_from_slice(&u64::MAX.to_le_bytes());
    Ok(code(put(mem, out as u32, &b)))
}

fn fd_filestat_get(mut caller: Caller<'_, Host>, fd: i32, out: i32) -> R<i32> {
    let Some((mem, io)) = memory(&mut caller) else {
        return Ok(errno::FAULT);
    };
    let Some((filetype, size)) = fd_kind(io, fd) else {
        return Ok(errno::BADF);
    };
    Ok(code(put(mem, out as u32, &filestat(filetype, size))))
}

fn fd_prestat_get(mut caller: Caller<'_, Host>, fd: i32, out: i32) -> R<i32> {
    let Some((mem, io)) = memory(&mut caller) else {
        return Ok(errno::FAULT);
    };
    if !matches!(io.fds.get(fd as usize), Some(Some(Fd::Root))) {
        return Ok(errno::BADF);
    }
    let mut b = [0u8; 8];
    b[4..8].copy_from_slice(&1u32.to_le_bytes());
    Ok(code(put(mem, out as u32, &b)))
}

fn fd_prestat_dir_name(mut caller: Caller<'_, Host>, fd: i32, ptr: i32, len: i32) -> R<i32> {
    let Some((mem, io)) = memory(&mut caller) else {
        return Ok(errno::FAULT);
    };
    if !matches!(io.fds.get(fd as usize), Some(Some(Fd::Root))) {
        return Ok(errno::BADF);
    }
    if len < 1 {
        return Ok(errno::INVAL);
    }
    Ok(code(put(mem, ptr as u32, b"/")))
}

fn fd_close(mut caller: Caller<'_, Host>, fd: i32) -> R<i32> {
    let io = &mut caller.data_mut().io;
    match io.fds.get_mut(fd as usize) {
        Some(slot @ Some(Fd::Read(..) | Fd::Write(_))) => *slot = None,
        Some(Some(_)) => {}
        _ => return Ok(errno::BADF),
    }
    Ok(errno::SUCCESS)
}

/// A path under the root preopen, without leading `/` or `./`; `..` is refused.
fn clean_path(raw: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(raw).ok()?;
    let parts: Vec<&str> = text
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    if parts.contains(&"..") {
        return None;
    }
    Some(parts.join("/"))
}

#[allow(clippy::too_many_arguments)]
fn path_open(
    mut caller: Caller<'_, Host>,
    dirfd: i32,
    _dirflags: i32,
    path: i32,
    path_len: i32,
    oflags: i32,
    _rights: i64,
    _inheriting: i64,
    _fdflags: i32,
    out: i32,
) -> R<i32> {
    let Some((mem, io)) = memory(&mut caller) else {
        return Ok(errno::FAULT);
    };
    if !matches!(io.fds.get(dirfd as usize), Some(Some(Fd::Root))) {
        return Ok(errno::BADF);
    }
    let Some(name) = slice(mem, path as u32, path_len as u32).and_then(clean_path) else {
        return Ok(errno::NOENT);
    };
    let (create, directory, truncate) = (oflags & 1 != 0, oflags & 2 != 0, oflags & 8 != 0);
    let fd = if let Some(i) = io.files.iter().position(|(n, _)| *n == name) {
        if directory {
            return Ok(errno::NOTDIR);
        }
        Fd::Read(i, 0)
    } else if let Some(i) = io.written.iter().position(|(n, _)| *n == name) {
        if truncate {
            io.written[i].1.clear();
        }
        Fd::Write(i)
    } else if create && !directory && !name.is_empty() {
        io.written.push((name, Vec::new()));
        Fd::Write(io.written.len() - 1)
    } else {
        return Ok(errno::NOENT);
    };
    let number = match io.fds.iter().position(Option::is_none) {
        Some(free) => {
            io.fds[free] = Some(fd);
            free
        }
        None => {
            io.fds.push(Some(fd));
            io.fds.len() - 1
        }
    };
    Ok(code(put(mem, out as u32, &(number as u32).to_le_bytes())))
}

fn path_filestat_get(
    mut caller: Caller<'_, Host>,
    dirfd: i32,
    _flags: i32,
    path: i32,
    path_len: i32,
    out: i32,
) -> R<i32> {
    let Some((mem, io)) = memory(&mut caller) else {
        return Ok(errno::FAULT);
    };
    if !matches!(io.fds.get(dirfd as usize), Some(Some(Fd::Root))) {
        return Ok(errno::BADF);
    }
    let Some(name) = slice(mem, path as u32, path_len as u32).and_then(clean_path) else {
        return Ok(errno::NOENT);
    };
    let stat = if let Some((_, data)) = io.files.iter().find(|(n, _)| *n == name) {
        filestat(4, data.len() as u64)
    } else if let Some((_, data)) = io.written.iter().find(|(n, _)| *n == name) {
        filestat(4, data.len() as u64)
    } else if name.is_empty() {
        filestat(3, 0)
    } else {
        return Ok(errno::NOENT);
    };
    Ok(code(put(mem, out as u32, &stat)))
}

/// Writes a NUL-separated string table (argv or environ) and its pointer array.
fn strings_get(mut caller: Caller<'_, Host>, ptrs: i32, buf: i32, env: bool) -> R<i32> {
    let Some((mem, io)) = memory(&mut caller) else {
        return Ok(errno::FAULT);
    };
    let items: &[String] = if env { &[] } else { &io.args };
    let mut at = buf as u32;
    for (i, item) in items.iter().enumerate() {
        let mut bytes = item.as_bytes().to_vec();
        bytes.push(0);
        let r = put(mem, ptrs as u32 + 4 * i as u32, &at.to_le_bytes())
            .and_then(|_| put(mem, at, &bytes));
        if let Err(e) = r {
            return Ok(e);
        }
        at += bytes.len() as u32;
    }
    Ok(errno::SUCCESS)
}

fn strings_sizes(mut caller: Caller<'_, Host>, count: i32, size: i32, env: bool) -> R<i32> {
    let Some((mem, io)) = memory(&mut caller) else {
        return Ok(errno::FAULT);
    };
    let items: &[String] = if env { &[] } else { &io.args };
    let total: usize = items.iter().map(|a| a.len() + 1).sum();
    Ok(code(
        put(mem, count as u32, &(items.len() as u32).to_le_bytes())
            .and_then(|_| put(mem, size as u32, &(total as u32).to_le_bytes())),
    ))
}

fn clock_time_get(mut caller: Caller<'_, Host>, id: i32, _precision: i64, out: i32) -> R<i32> {
    let cpu_ns = caller.data().cpu_ns();
    let Some((mem, io)) = memory(&mut caller) else {
        return Ok(errno::FAULT);
    };
    let ns: u64 = if io.deterministic {
        // A clock that advances by one microsecond per reading keeps reruns identical.
        io.fake_clock_ns += 1_000;
        1_700_000_000_000_000_000 + io.fake_clock_ns
    } else {
        match id {
            0 => std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(0),
            1..=3 => cpu_ns,
            _ => return Ok(errno::INVAL),
        }
    };
    Ok(code(put(mem, out as u32, &ns.to_le_bytes())))
}

fn clock_res_get(mut caller: Caller<'_, Host>, _id: i32, out: i32) -> R<i32> {
    let Some((mem, _)) = memory(&mut caller) else {
        return Ok(errno::FAULT);
    };
    Ok(code(put(mem, out as u32, &1_000u64.to_le_bytes())))
}

fn random_get(mut caller: Caller<'_, Host>, buf: i32, len: i32) -> R<i32> {
    let Some((mem, io)) = memory(&mut caller) else {
        return Ok(errno::FAULT);
    };
    let Some(dest) = slice_mut(mem, buf as u32, len as u32) else {
        return Ok(errno::FAULT);
    };
    for b in dest {
        // xorshift64*: seeded per run, so that "random" programs are reproducible.
        io.rng ^= io.rng >> 12;
        io.rng ^= io.rng << 25;
        io.rng ^= io.rng >> 27;
        *b = (io.rng.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8;
    }
    Ok(errno::SUCCESS)
}

/// Adds every function above to `linker`.
pub(crate) fn add_to_linker(linker: &mut Linker<Host>) -> wasmtime::Result<()> {
    linker.func_wrap(MODULE, "fd_write", fd_write)?;
    linker.func_wrap(MODULE, "fd_read", fd_read)?;
    linker.func_wrap(MODULE, "fd_seek", fd_seek)?;
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
    for import in module.imports() {
        if import.module() != MODULE || IMPLEMENTED.contains(&import.name()) {
            continue;
        }
        let Some(ty) = import.ty().func().cloned() else {
            continue;
        };
        let returns_errno =
            ty.results().len() == 1 && matches!(ty.results().next(), Some(ValType::I32));
        let func = move |_: Caller<'_, Host>, _: &[Val], results: &mut [Val]| -> R<()> {
            if returns_errno {
                results[0] = Val::I32(errno::NOSYS);
            }
            Ok(())
        };
        linker.func_new(MODULE, import.name(), ty, func)?;
    }
    Ok(())
}
