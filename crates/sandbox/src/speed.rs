//! A host's speed, measured the same way on every machine: how many units of wasm fuel (about one
//! per instruction) a fixed kernel burns per millisecond of CPU time. It is in the unit of a
//! problem's `fuel_per_ms`, so a result can say how fast the machine that judged it was, and a
//! fleet can see which hosts are slower than the one a problem was calibrated on.

use crate::{Mode, RunSpec, RunStatus, Sandbox, SandboxConfig, SandboxError, on_guest_thread};
use sieve_domain::Limits;
use std::sync::Arc;

/// The kernel: integer multiply-adds, shifts and a data-dependent branch over a small array in
/// linear memory, for a fixed number of rounds (about 30 ms on a 2020s core). Written as text so
/// that it is the same module everywhere.
const KERNEL: &str = r#"(module
  (memory (export "memory") 1)
  (func (export "_start") (local $i i32) (local $x i64) (local $a i32)
    (local.set $x (i64.const 88172645463325252))
    (block $done
      (loop $round
        (br_if $done (i32.ge_u (local.get $i) (i32.const 4000000)))
        (local.set $x (i64.xor (local.get $x) (i64.shl (local.get $x) (i64.const 13))))
        (local.set $x (i64.xor (local.get $x) (i64.shr_u (local.get $x) (i64.const 7))))
        (local.set $x (i64.xor (local.get $x) (i64.shl (local.get $x) (i64.const 17))))
        (local.set $a (i32.and (i32.wrap_i64 (local.get $x)) (i32.const 4092)))
        (if (i64.lt_u (local.get $x) (i64.const 9223372036854775807))
          (then (i32.store (local.get $a) (i32.add (i32.load (local.get $a)) (local.get $i))))
          (else (i32.store (local.get $a) (i32.sub (i32.load (local.get $a)) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $round)))))"#;

/// How the kernel is run: no input, limits far above what it needs.
fn kernel_run() -> RunSpec {
    RunSpec {
        stdin: Arc::from(&b""[..]),
        args: vec!["speed".into()],
        files: vec![],
        limits: Limits {
            time_ms: 60_000,
            memory_bytes: 1 << 26,
            output_bytes: 1 << 10,
        },
    }
}

/// Measures this machine's speed: fuel per CPU millisecond on the kernel, the fuel counted once in
/// the deterministic mode and the time taken as the best of `runs` unmetered runs (the least
/// disturbed by other load).
pub fn host_speed(runs: usize) -> Result<f64, SandboxError> {
    let config = |mode| SandboxConfig {
        mode,
        cache_dir: None,
        max_instances: 1,
    };
    let bare = Sandbox::new(config(Mode::Unmetered))?;
    let metered = Sandbox::new(config(Mode::Deterministic {
        fuel_per_ms: 1 << 30,
    }))?;
    let (p_bare, p_metered) = (
        bare.load(KERNEL.as_bytes())?,
        metered.load(KERNEL.as_bytes())?,
    );
    let fuel = on_guest_thread(|| metered.run(&p_metered, kernel_run()));
    let mut best_us = u64::MAX;
    for _ in 0..runs.max(1) {
        let out = on_guest_thread(|| bare.run(&p_bare, kernel_run()));
        if out.status != RunStatus::Exited(0) {
            return Err(SandboxError::Engine(format!(
                "the speed kernel ended with {:?}",
                out.status
            )));
        }
        best_us = best_us.min(out.time_us.max(1));
    }
    Ok(fuel.fuel as f64 * 1000.0 / best_us as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kernel_burns_the_same_fuel_everywhere_and_the_speed_is_finite() {
        let metered = Sandbox::new(SandboxConfig {
            mode: Mode::Deterministic {
                fuel_per_ms: 1 << 30,
            },
            cache_dir: None,
            max_instances: 1,
        })
        .unwrap();
        let p = metered.load(KERNEL.as_bytes()).unwrap();
        let a = on_guest_thread(|| metered.run(&p, kernel_run()));
        let b = on_guest_thread(|| metered.run(&p, kernel_run()));
        assert_eq!(a.status, RunStatus::Exited(0));
        assert_eq!(
            a.fuel, b.fuel,
            "the kernel's fuel is the machine's yardstick"
        );
        assert!(a.fuel > 4_000_000 * 10, "{} fuel for 4e6 rounds", a.fuel);
        let speed = host_speed(1).unwrap();
        assert!(speed.is_finite() && speed > 0.0, "{speed}");
    }
}
