//! Arguments, (no) environment, clocks and the seeded random source.

use super::{Host, R, code, errno, memory, put, slice_mut};
use wasmtime::Caller;

/// Writes a NUL-separated string table (argv or environ) and its pointer array.
pub(super) fn strings_get(mut caller: Caller<'_, Host>, ptrs: i32, buf: i32, env: bool) -> R<i32> {
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

pub(super) fn strings_sizes(
    mut caller: Caller<'_, Host>,
    count: i32,
    size: i32,
    env: bool,
) -> R<i32> {
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

pub(super) fn clock_time_get(
    mut caller: Caller<'_, Host>,
    id: i32,
    _precision: i64,
    out: i32,
) -> R<i32> {
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

pub(super) fn clock_res_get(mut caller: Caller<'_, Host>, _id: i32, out: i32) -> R<i32> {
    let Some((mem, _)) = memory(&mut caller) else {
        return Ok(errno::FAULT);
    };
    Ok(code(put(mem, out as u32, &1_000u64.to_le_bytes())))
}

pub(super) fn random_get(mut caller: Caller<'_, Host>, buf: i32, len: i32) -> R<i32> {
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
