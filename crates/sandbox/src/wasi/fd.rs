//! Descriptors: the standard streams, the root preopen, and in-memory files.

use super::{
    Fd, Host, Io, OutputLimit, R, STDERR_CAP, WRITTEN_FILE_CAP, code, errno, iovecs, memory, put,
    slice,
};
use std::sync::Arc;
use wasmtime::Caller;

/// Guest memory, the run's files, and the (pointer, length) pairs of an iovec array.
type IoVecs<'a> = (&'a mut [u8], &'a mut Io, Vec<(u32, u32)>);

fn with_iovecs<'a>(caller: &'a mut Caller<'_, Host>, iovs: i32, n: i32) -> Result<IoVecs<'a>, i32> {
    let (mem, io) = memory(caller).ok_or(errno::FAULT)?;
    let vecs = iovecs(mem, iovs as u32, n as u32)?;
    Ok((mem, io, vecs))
}

pub(super) fn fd_write(
    mut caller: Caller<'_, Host>,
    fd: i32,
    iovs: i32,
    n: i32,
    out: i32,
) -> R<i32> {
    let (mem, io, vecs) = match with_iovecs(&mut caller, iovs, n) {
        Ok(r) => r,
        Err(e) => return Ok(e),
    };
    let target = io.fds.get(fd as usize).cloned().flatten();
    let channel = match (&target, &io.pipe) {
        (Some(Fd::Stdout), Some(pipe)) => pipe.stdout,
        (
            Some(Fd::Pipe {
                channel,
                write: true,
            }),
            Some(_),
        ) => Some(*channel),
        _ => None,
    };
    if let (Some(channel), Some(pipe)) = (channel, &io.pipe) {
        // One write, one message: a reader never sees half of a writev (as a pipe guarantees
        // for small writes), so conversations, and their fuel, are the same on every run.
        let mut message = Vec::new();
        for &(ptr, len) in &vecs {
            let Some(bytes) = slice(mem, ptr, len) else {
                return Ok(errno::FAULT);
            };
            message.extend_from_slice(bytes);
        }
        let written = message.len() as u32;
        pipe.write(channel, message).map_err(wasmtime::Error::new)?;
        // The judge's side of the conversation is not kept; a candidate's is its output.
        if pipe.is_judge() || !matches!(target, Some(Fd::Stdout)) {
            return Ok(code(put(mem, out as u32, &written.to_le_bytes())));
        }
    }
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

pub(super) fn fd_read(
    mut caller: Caller<'_, Host>,
    fd: i32,
    iovs: i32,
    n: i32,
    out: i32,
) -> R<i32> {
    let (mem, io, vecs) = match with_iovecs(&mut caller, iovs, n) {
        Ok(r) => r,
        Err(e) => return Ok(e),
    };
    let wanted: usize = vecs.iter().map(|(_, len)| *len as usize).sum();
    let channel = match (&io.pipe, io.fds.get(fd as usize)) {
        (Some(pipe), Some(Some(Fd::Stdin))) => pipe.stdin,
        (
            Some(_),
            Some(Some(Fd::Pipe {
                channel,
                write: false,
            })),
        ) => Some(*channel),
        _ => None,
    };
    if let (Some(channel), Some(pipe)) = (channel, &io.pipe) {
        if wanted == 0 {
            return Ok(code(put(mem, out as u32, &0u32.to_le_bytes())));
        }
        let bytes = pipe.read(channel, wanted).map_err(wasmtime::Error::new)?;
        return Ok(code(scatter(mem, &vecs, &bytes, out)));
    }
    let (source, pos): (Arc<[u8]>, usize) = match io.fds.get(fd as usize).cloned().flatten() {
        Some(Fd::Stdin) => (io.stdin.clone(), io.stdin_pos),
        Some(Fd::Read(i, pos)) => (io.files[i].1.clone(), pos),
        _ => return Ok(errno::BADF),
    };
    // A position past the end (a seek may put it there) reads nothing.
    let start = pos.min(source.len());
    let end = start + wanted.min(source.len() - start);
    if let Err(e) = scatter(mem, &vecs, &source[start..end], out) {
        return Ok(e);
    }
    match &mut io.fds[fd as usize] {
        Some(Fd::Read(_, p)) => *p = end,
        _ => io.stdin_pos = end,
    }
    Ok(errno::SUCCESS)
}

/// Copies `bytes` into the iovecs in order and stores the count at `out`.
fn scatter(mem: &mut [u8], vecs: &[(u32, u32)], bytes: &[u8], out: i32) -> Result<(), i32> {
    let mut rest = bytes;
    for &(ptr, len) in vecs {
        let take = (len as usize).min(rest.len());
        put(mem, ptr, &rest[..take])?;
        rest = &rest[take..];
    }
    put(mem, out as u32, &(bytes.len() as u32).to_le_bytes())
}

pub(super) fn fd_seek(
    mut caller: Caller<'_, Host>,
    fd: i32,
    off: i64,
    whence: i32,
    out: i32,
) -> R<i32> {
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

/// `fd_tell`: the position of a file opened for reading; pipes and streams are not seekable.
pub(super) fn fd_tell(mut caller: Caller<'_, Host>, fd: i32, out: i32) -> R<i32> {
    let Some((mem, io)) = memory(&mut caller) else {
        return Ok(errno::FAULT);
    };
    Ok(match io.fds.get(fd as usize) {
        Some(Some(Fd::Read(_, pos))) => code(put(mem, out as u32, &(*pos as u64).to_le_bytes())),
        Some(Some(_)) => errno::SPIPE,
        _ => errno::BADF,
    })
}

/// `filestat`: dev, ino, filetype, nlink, size, atim, mtim, ctim (64 bytes).
pub(super) fn filestat(filetype: u8, size: u64) -> [u8; 64] {
    let mut b = [0u8; 64];
    b[16] = filetype;
    b[24..32].copy_from_slice(&1u64.to_le_bytes());
    b[32..40].copy_from_slice(&size.to_le_bytes());
    b
}

pub(super) fn fd_kind(io: &Io, fd: i32) -> Option<(u8, u64)> {
    Some(match io.fds.get(fd as usize)?.as_ref()? {
        Fd::Stdin | Fd::Stdout | Fd::Stderr => (0, 0),
        // A FIFO is a character device to the guest, as a terminal or pipe is.
        Fd::Pipe { .. } => (2, 0),
        Fd::Root => (3, 0),
        Fd::Read(i, _) => (4, io.files[*i].1.len() as u64),
        Fd::Write(i) => (4, io.written[*i].1.len() as u64),
    })
}

pub(super) fn fd_fdstat_get(mut caller: Caller<'_, Host>, fd: i32, out: i32) -> R<i32> {
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

pub(super) fn fd_filestat_get(mut caller: Caller<'_, Host>, fd: i32, out: i32) -> R<i32> {
    let Some((mem, io)) = memory(&mut caller) else {
        return Ok(errno::FAULT);
    };
    let Some((filetype, size)) = fd_kind(io, fd) else {
        return Ok(errno::BADF);
    };
    Ok(code(put(mem, out as u32, &filestat(filetype, size))))
}

pub(super) fn fd_prestat_get(mut caller: Caller<'_, Host>, fd: i32, out: i32) -> R<i32> {
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

pub(super) fn fd_prestat_dir_name(
    mut caller: Caller<'_, Host>,
    fd: i32,
    ptr: i32,
    len: i32,
) -> R<i32> {
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

pub(super) fn fd_close(mut caller: Caller<'_, Host>, fd: i32) -> R<i32> {
    let io = &mut caller.data_mut().io;
    match io.fds.get_mut(fd as usize) {
        Some(slot @ Some(Fd::Read(..) | Fd::Write(_))) => *slot = None,
        Some(slot @ Some(Fd::Pipe { .. })) => {
            if let (Some(Fd::Pipe { channel, write }), Some(pipe)) = (slot.take(), &io.pipe)
                && write
            {
                pipe.close(channel);
            }
        }
        // Closing a stdout that is a channel ends it for the reader, who sees the end of input
        // (an interactor that closes its stdout to say "no more numbers").
        Some(slot @ Some(Fd::Stdout)) => {
            if let Some(pipe) = &io.pipe
                && let Some(channel) = pipe.stdout
            {
                *slot = None;
                pipe.close(channel);
            }
        }
        Some(Some(_)) => {}
        _ => return Ok(errno::BADF),
    }
    Ok(errno::SUCCESS)
}
