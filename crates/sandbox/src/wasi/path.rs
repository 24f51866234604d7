//! Opening and inspecting files by path under the root preopen (in memory only).

use super::fd::filestat;
use super::{Fd, Host, R, code, errno, memory, put, slice};
use wasmtime::Caller;

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

/// Guest memory, the run's files, and the cleaned path named relative to the root preopen.
fn resolve<'a>(
    caller: &'a mut Caller<'_, Host>,
    dirfd: i32,
    path: i32,
    path_len: i32,
) -> Result<(&'a mut [u8], &'a mut super::Io, String), i32> {
    let (mem, io) = memory(caller).ok_or(errno::FAULT)?;
    if !matches!(io.fds.get(dirfd as usize), Some(Some(Fd::Root))) {
        return Err(errno::BADF);
    }
    let name = slice(mem, path as u32, path_len as u32)
        .and_then(clean_path)
        .ok_or(errno::NOENT)?;
    Ok((mem, io, name))
}

#[allow(clippy::too_many_arguments)]
pub(super) fn path_open(
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
    let (mem, io, name) = match resolve(&mut caller, dirfd, path, path_len) {
        Ok(r) => r,
        Err(e) => return Ok(e),
    };
    let (create, directory, truncate) = (oflags & 1 != 0, oflags & 2 != 0, oflags & 8 != 0);
    let named = io
        .pipe
        .as_ref()
        .and_then(|p| p.named.iter().find(|(n, _, _)| *n == name));
    let fd = if let Some((_, channel, write)) = named {
        Fd::Pipe {
            channel: *channel,
            write: *write,
        }
    } else if let Some(i) = io.files.iter().position(|(n, _)| *n == name) {
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

pub(super) fn path_filestat_get(
    mut caller: Caller<'_, Host>,
    dirfd: i32,
    _flags: i32,
    path: i32,
    path_len: i32,
    out: i32,
) -> R<i32> {
    let (mem, io, name) = match resolve(&mut caller, dirfd, path, path_len) {
        Ok(r) => r,
        Err(e) => return Ok(e),
    };
    let fifo = io
        .pipe
        .as_ref()
        .is_some_and(|p| p.named.iter().any(|(n, _, _)| *n == name));
    let stat = if fifo {
        filestat(2, 0)
    } else if let Some((_, data)) = io.files.iter().find(|(n, _)| *n == name) {
        filestat(4, data.len() as u64)
    } else if let Some((_, data)) = io.written.iter().find(|(n, _)| *n == name) {
        filestat(4, data.len() as u64)
    } else if io.is_dir(&name) {
        filestat(3, 0)
    } else {
        return Ok(errno::NOENT);
    };
    Ok(code(put(mem, out as u32, &stat)))
}
