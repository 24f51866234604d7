//! The speed half of `sieve bench selection`: a synthetic IOI problem of 10,000 candidates with
//! 6 nested subtasks and 256 generated tests (a third of them right on each subtask, the rest in
//! a few dozen wrong output clusters), its signatures computed from the raw output hashes, every
//! strategy's selection of 50 timed; then a contest of 6 such problems replayed with every
//! strategy over many seeds, the problems spread over the cores. Goals (issue 7): a selection
//! under 100 ms, the contest replay under 10 s on 2 cores.

use crate::report::{Cell, Table, note};
use sieve_domain::Rules;
use sieve_selection::{Candidate, Pool, STRATEGIES, SubtaskSpec, select, simulate};
use std::time::Instant;

const CANDIDATES: usize = 10_000;
const SUBTASKS: usize = 6;
const TESTS: usize = 256;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e3779b97f4a7c15);
        let mut x = self.0;
        x = (x ^ (x >> 30)).wrapping_mul(0xbf58476d1ce4e5b9);
        x = (x ^ (x >> 27)).wrapping_mul(0x94d049bb133111eb);
        x ^ (x >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A pool built from raw outputs: each candidate's output hash on every generated test.
fn pool(seed: u64) -> Pool {
    let mut rng = Rng(seed);
    let per = TESTS / SUBTASKS;
    let subtasks: Vec<SubtaskSpec> = (0..SUBTASKS)
        .map(|s| SubtaskSpec {
            points: [5.0, 10.0, 15.0, 20.0, 20.0, 30.0][s],
            contains: (0..s).collect(),
        })
        .collect();
    let candidates = (0..CANDIDATES)
        .map(|_| {
            // Skill decides how many subtasks (from the easiest) a candidate solves.
            let skill = rng.unit();
            let solved = (0..SUBTASKS)
                .filter(|s| skill > 0.6 + 0.075 * *s as f64)
                .count();
            let wrong_cluster = rng.next() % 40;
            let outputs: Vec<u64> = (0..TESTS)
                .map(|t| {
                    if t / per < solved {
                        t as u64
                    } else {
                        (t as u64) << 8 | wrong_cluster
                    }
                })
                .collect();
            let signature = (0..SUBTASKS)
                .map(|s| {
                    let mut h = blake3::Hasher::new();
                    for o in &outputs[s * per..(s + 1) * per] {
                        h.update(&o.to_le_bytes());
                    }
                    u64::from_le_bytes(h.finalize().as_bytes()[..8].try_into().unwrap_or([1; 8]))
                        | 1
                })
                .collect();
            let mut all = blake3::Hasher::new();
            for o in &outputs {
                all.update(&o.to_le_bytes());
            }
            let full =
                u64::from_le_bytes(all.finalize().as_bytes()[..8].try_into().unwrap_or([1; 8]));
            Candidate {
                compiled: rng.unit() > 0.05,
                public_passed: solved > 0 || rng.unit() < 0.3,
                public_rate: 1.0,
                target: Some((rng.next() % SUBTASKS as u64) as usize),
                score: (0.5 * skill + 0.5 * rng.unit()).clamp(0.0, 1.0),
                gen_tokens: Some((rng.next() % 20_000) as i32),
                signature,
                full_signature: full,
                predicted_pass: 0,
                predicted_count: 0,
                time_ratio: 0.5 * rng.unit(),
                clean_runs: 256,
                distinct_outputs: 2 + (rng.next() % 200) as usize,
                hidden: (0..SUBTASKS)
                    .map(|s| if s < solved { 1.0 } else { 0.0 })
                    .collect(),
            }
        })
        .collect();
    Pool {
        subtasks,
        candidates,
        precision: 2,
    }
}

/// Runs the speed measurements with `seeds` seeds for the replay.
pub fn run(seeds: u64) {
    let started = Instant::now();
    let one = pool(1);
    note!(
        "\nspeed: a pool of {CANDIDATES} candidates x {TESTS} generated tests built from raw outputs in {:.0} ms",
        started.elapsed().as_secs_f64() * 1e3
    );
    let mut out = Table::new(
        format!("Selecting 50 of {CANDIDATES} candidates (goal < 100 ms)"),
        &["strategy", "ms", "picks"],
    );
    for name in STRATEGIES {
        let t = Instant::now();
        let picks = select(&one, name, 50, 1).map(|p| p.len()).unwrap_or(0);
        out.row(vec![
            name.into(),
            Cell::num(t.elapsed().as_secs_f64() * 1e3, 1),
            picks.into(),
        ]);
    }
    out.print();
    let pools: Vec<Pool> = (1..=6).map(pool).collect();
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let t = Instant::now();
    let totals: Vec<Vec<(String, f64)>> = std::thread::scope(|s| {
        let chunks: Vec<Vec<&Pool>> = (0..threads)
            .map(|i| pools.iter().skip(i).step_by(threads).collect())
            .collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                s.spawn(move || {
                    chunk
                        .into_iter()
                        .flat_map(|p| {
                            simulate(p, &STRATEGIES, Rules::Ioi, 50, seeds, 500.0)
                                .strategies
                                .into_iter()
                                .map(|x| (x.strategy, x.mean))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    note!(
        "  replay of 6 problems x {CANDIDATES} candidates x {seeds} seeds x {} strategies (IOI, K=50) on {threads} threads: {:.1} s (goal < 10 s)",
        STRATEGIES.len(),
        t.elapsed().as_secs_f64()
    );
    let mut out = Table::new(
        format!("Replay of 6 synthetic problems, {seeds} seeds (IOI, K = 50)"),
        &["strategy", "points of 600"],
    );
    for name in STRATEGIES {
        let total: f64 = totals
            .iter()
            .flatten()
            .filter(|(s, _)| s == name)
            .map(|(_, m)| m)
            .sum();
        out.row(vec![name.into(), Cell::num(total, 1)]);
    }
    out.print();
}
