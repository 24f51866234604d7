//! `sieve bench sandbox`: the judge's speed as ratios against baselines measured in the same run
//! (native g++ -O2 for compute, a native process spawn per test for overhead, native CPython
//! for Python).

use crate::report::{Cell, Table, note};
use anyhow::{Context, bail};
use sieve_domain::{Checker, Language, Limits, Verdict};
use sieve_sandbox::native::run_native;
use sieve_sandbox::{
    CompileOutcome, JudgeOptions, Mode, Program, RunSpec, RunStatus, Sandbox, SandboxConfig,
    TestInput, Toolchain, compile, on_guest_thread,
};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

/// Options of `sieve bench sandbox`.
#[derive(Debug, clap::Args)]
pub struct SandboxBenchArgs {
    /// Where the benchmark programs are.
    #[arg(long, default_value = "sandbox/bench")]
    pub programs: PathBuf,
    /// Runs of the trivial program for the per-test overhead.
    #[arg(long, default_value_t = 10_000)]
    pub tests: usize,
    /// Repetitions of each compute program (the median is reported).
    #[arg(long, default_value_t = 3)]
    pub reps: usize,
    /// Only the per-test overhead, two-core, interactive and Python parts.
    #[arg(long)]
    overhead_only: bool,
    /// Only the compute programs whose file name contains this.
    #[arg(long)]
    only: Option<String>,
}

/// A compute program (C++ or Python) and its input.
pub(crate) struct Workload {
    pub file: &'static str,
    pub what: &'static str,
    pub input: fn() -> Vec<u8>,
}

pub(crate) fn numbers_input() -> Vec<u8> {
    let n = 1_000_000;
    let mut s = format!("{n}\n");
    let mut x: u64 = 88172645463325252;
    for _ in 0..n {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        s.push_str(&format!("{} ", x % 1_000_000_000));
    }
    s.into_bytes()
}

const WORKLOADS: &[Workload] = &[
    Workload {
        file: "sieve.cpp",
        what: "prime sieve to 1e8",
        input: || b"100000000\n".to_vec(),
    },
    Workload {
        file: "lcs_dp.cpp",
        what: "LCS DP, 4e8 states",
        input: || b"20000\n".to_vec(),
    },
    Workload {
        file: "sort.cpp",
        what: "std::sort of 1e7 ints",
        input: || b"10000000\n".to_vec(),
    },
    Workload {
        file: "maps.cpp",
        what: "map + unordered_map, 3e5",
        input: || b"300000\n".to_vec(),
    },
    Workload {
        file: "recursion.cpp",
        what: "fib(38) + DFS",
        input: || b"38\n".to_vec(),
    },
    Workload {
        file: "iostream.cpp",
        what: "cin/cout of 1e6 numbers",
        input: numbers_input,
    },
    Workload {
        file: "stdio.cpp",
        what: "scanf/printf of 1e6 numbers",
        input: numbers_input,
    },
    Workload {
        file: "cin_plain.cpp",
        what: "cin/cout synchronised with stdio, endl, 1e6 numbers",
        input: numbers_input,
    },
    Workload {
        file: "function_dfs.cpp",
        what: "std::function DFS, 1e5 nodes ~5e4 deep, 300 times",
        input: || b"100000\n".to_vec(),
    },
    Workload {
        file: "pbds_tree.cpp",
        what: "pb_ds order-statistics tree, 3e5",
        input: || b"300000\n".to_vec(),
    },
    Workload {
        file: "pbds_hash.cpp",
        what: "pb_ds gp_hash_table + cc_hash_table, 2e6",
        input: || b"2000000\n".to_vec(),
    },
];

pub(crate) fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn sandbox(mode: Mode, cache: &Path) -> anyhow::Result<Sandbox> {
    Ok(Sandbox::new(SandboxConfig {
        mode,
        cache_dir: Some(cache.to_path_buf()),
        max_instances: 8,
    })?)
}

/// Limits a compute program never reaches: it is timed, not judged.
pub(crate) fn compute_limits() -> Limits {
    Limits {
        time_ms: 60_000,
        memory_bytes: 2 << 30,
        output_bytes: 256 << 20,
    }
}

fn wasm_run(sb: &Sandbox, p: &Program, input: &Arc<[u8]>) -> (f64, u64, Vec<u8>, RunStatus) {
    let limits = compute_limits();
    let out = on_guest_thread(|| {
        sb.run(
            p,
            RunSpec {
                stdin: input.clone(),
                args: vec!["main".into()],
                files: vec![],
                limits,
            },
        )
    });
    (out.time_us as f64 / 1e6, out.fuel, out.stdout, out.status)
}

/// Runs the whole benchmark and prints its tables (Markdown).
pub fn run(args: SandboxBenchArgs) -> anyhow::Result<()> {
    let work = tempfile::tempdir()?;
    let cache = work.path().join("cache");
    let toolchain = Toolchain::discover(&cache)?;
    let timed = sandbox(Mode::Timed, &cache)?;
    let fuel = sandbox(
        Mode::Deterministic {
            fuel_per_ms: 1_000_000,
        },
        &cache,
    )?;
    let bare = sandbox(Mode::Unmetered, &cache)?;
    if args.overhead_only {
        crate::overhead::overhead(&args, &toolchain, &timed, &cache, work.path())?;
        return crate::python::python(&args, &toolchain, &cache);
    }

    let mut supervisor = crate::supervisor(&cache)?;
    let mut out = Table::new(
        format!(
            "Compute: CPU time against native g++ -O2 (median of {} runs)",
            args.reps
        ),
        &[
            "program",
            "native s",
            "wasm, no checks",
            "sieve (supervised, limit enforced)",
            "sieve by fuel (supervised: a fleet's --judging fuel)",
            "in-process epoch checks",
            "deterministic (fuel)",
            "fuel equal across runs",
            "fuel units",
        ],
    );
    let mut ratios = Vec::new();
    let mut compile_rows = Vec::new();
    let chosen: Vec<_> = WORKLOADS
        .iter()
        .filter(|w| {
            args.only
                .as_ref()
                .is_none_or(|o| w.file.contains(o.as_str()))
        })
        .collect();
    let progress = crate::report::bar(chosen.len() as u64);
    for w in chosen {
        progress.inc(1);
        progress.set_message(w.file);
        let src_path = args.programs.join(w.file);
        let source =
            std::fs::read(&src_path).with_context(|| format!("reading {}", src_path.display()))?;
        let started = Instant::now();
        let wasm = match compile(&toolchain, &source, Language::Cpp17, &[], &cache)? {
            CompileOutcome::Ok(c) => c.wasm,
            CompileOutcome::Error { message } => bail!("{} does not compile: {message}", w.file),
        };
        let cold = started.elapsed();
        let started = Instant::now();
        compile(&toolchain, &source, Language::Cpp17, &[], &cache)?;
        let hit = started.elapsed();
        // A declaration before the include turns the precompiled header off (and misses the cache).
        let mut no_pch = b"int sieve_bench_no_pch;\n".to_vec();
        no_pch.extend_from_slice(&source);
        let started = Instant::now();
        compile(&toolchain, &no_pch, Language::Cpp17, &[], &cache)?;
        let without_pch = started.elapsed();
        let started = Instant::now();
        let programs = (bare.load(&wasm)?, timed.load(&wasm)?, fuel.load(&wasm)?);
        let load = started.elapsed() / 3;
        compile_rows.push((w.file, cold, without_pch, hit, load));

        let bin = work.path().join(w.file.trim_end_matches(".cpp"));
        let st = Command::new("g++")
            .args(["-O2", "-std=gnu++17", "-o"])
            .arg(&bin)
            .arg(&src_path)
            .status()?;
        if !st.success() {
            bail!("g++ failed on {}", w.file);
        }
        let input = (w.input)();
        let arc: Arc<[u8]> = Arc::from(input.as_slice());
        let (mut native, mut b, mut t, mut f, mut fuels) = (vec![], vec![], vec![], vec![], vec![]);
        let (mut sup, mut sup_fuel) = (vec![], vec![]);
        for _ in 0..args.reps {
            let (s, expected) = run_native(&bin, &input)?;
            native.push(s);
            for (sb, p, acc) in [(&bare, &programs.0, &mut b), (&timed, &programs.1, &mut t)] {
                let (s, _, out, status) = wasm_run(sb, p, &arc);
                if out != expected || status != RunStatus::Exited(0) {
                    bail!("{}: wasm output differs from native ({status:?})", w.file);
                }
                acc.push(s);
            }
            let test = TestInput {
                name: w.file.into(),
                input: arc.clone(),
                answer: Some(Arc::from(expected.as_slice())),
            };
            let opts = JudgeOptions {
                all_tests: true,
                ..JudgeOptions::new(compute_limits(), Checker::Exact)
            };
            let report = supervisor.judge(&wasm, &[], std::slice::from_ref(&test), &[], &opts)?;
            if report.tests[0].verdict != Verdict::AC {
                bail!("{}: supervised run gave {:?}", w.file, report.tests[0]);
            }
            sup.push(report.tests[0].time_us as f64 / 1e6);
            // The fleet's judging by fuel (`sieve worker --judging fuel`), in the same process.
            let by_fuel = JudgeOptions {
                fuel_per_ms: Some(1_000_000),
                ..opts
            };
            let report = supervisor.judge(&wasm, &[], &[test], &[], &by_fuel)?;
            if report.tests[0].verdict != Verdict::AC {
                bail!(
                    "{}: supervised run by fuel gave {:?}",
                    w.file,
                    report.tests[0]
                );
            }
            sup_fuel.push(report.tests[0].time_us as f64 / 1e6);
            let (s, used, _, _) = wasm_run(&fuel, &programs.2, &arc);
            f.push(s);
            fuels.push(used);
        }
        let n = median(native);
        let (b, t, f, sv) = (median(b), median(t), median(f), median(sup));
        let svf = median(sup_fuel);
        ratios.push(sv / n);
        let same_fuel = fuels.windows(2).all(|w| w[0] == w[1]);
        out.row(vec![
            format!("{} ({})", w.file, w.what).into(),
            Cell::num(n, 3),
            Cell::ratio(b / n),
            Cell::ratio(sv / n),
            Cell::ratio(svf / n),
            Cell::ratio(t / n),
            Cell::ratio(f / n),
            if same_fuel { "yes" } else { "NO" }.into(),
            Cell::num(fuels[0] as f64, 0),
        ]);
    }
    progress.finish_and_clear();
    out.print();
    let mut sorted = ratios.clone();
    sorted.sort_by(|a, b| a.total_cmp(b));
    note!(
        "\nsieve (supervised) against native: median {:.2}x, max {:.2}x (goal: median <= 1.15, max <= 1.5)\n",
        sorted[sorted.len() / 2],
        sorted[sorted.len() - 1]
    );

    let mut out = Table::new(
        "Compile",
        &[
            "program",
            "clang ms, precompiled bits/stdc++.h",
            "clang ms, without",
            "cache hit ms",
            "module load ms (Cranelift; cached on disk after)",
        ],
    );
    for (file, cold, without, hit, load) in compile_rows {
        out.row(vec![
            file.into(),
            Cell::num(cold.as_secs_f64() * 1e3, 0),
            Cell::num(without.as_secs_f64() * 1e3, 0),
            Cell::num(hit.as_secs_f64() * 1e3, 2),
            Cell::num(load.as_secs_f64() * 1e3, 1),
        ]);
    }
    out.print();

    crate::overhead::overhead(&args, &toolchain, &timed, &cache, work.path())?;
    crate::python::python(&args, &toolchain, &cache)
}
