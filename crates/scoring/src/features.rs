//! Candidate features, versioned: what a scorer knows about a candidate. Computed over a whole
//! pool at once, since some (output agreement on generated tests, duplicate sources) compare a
//! candidate with the others.

use serde::{Deserialize, Serialize};
use sieve_domain::{OutputHash, TestOutcome, Verdict};
use std::collections::HashMap;

/// Bumped whenever a feature is added, removed or changes meaning; models record it.
pub const FEATURE_VERSION: u32 = 1;

/// The features' names, in vector order.
pub const FEATURE_NAMES: [&str; 21] = [
    "compiled",                // 1 when the candidate compiled
    "compile_warnings",        // ln(1 + compiler warnings)
    "public_run",              // 1 when it ran on public tests
    "public_pass_rate",        // accepted share of the public tests (0 when none ran)
    "public_all_passed",       // 1 when every public test was accepted
    "public_target_pass_rate", // accepted share of the public tests of its target subtask(s)
    "generated_run",           // 1 when it ran on generated tests
    "generated_crash_rate",    // RE share on generated tests
    "generated_timeout_rate",  // TLE share on generated tests
    "generated_memout_rate",   // MLE or OLE share on generated tests
    "cluster_share",           // its output-signature cluster's share of the judged pool
    "cluster_rel_size",        // its cluster's size over the largest cluster's
    "cluster_rank", // its cluster's rank by size (0 the largest) over the clusters' count
    "codet_agreement", // accepted share of generated tests that carry predicted outputs
    "time_ratio",   // slowest run over the time limit
    "memory_ratio", // peak memory over the memory limit
    "source_len_log", // ln(1 + source bytes)
    "duplicates_log", // ln(number of candidates with the same source)
    "logprob_per_token", // log-probability over generation tokens (0 when unknown)
    "gen_tokens_log", // ln(1 + generation tokens)
    "has_target_subtask", // 1 when written for one subtask
];

/// What is known of one candidate.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CandidateData {
    /// Compiled (false also when not built yet).
    pub compiled: bool,
    /// Warnings in the compiler's message.
    pub compile_warnings: u32,
    /// Results on the public tests.
    pub public: Vec<TestOutcome>,
    /// Results on the generated tests.
    pub generated: Vec<TestOutcome>,
    /// Hash of its source (duplicates are counted by it).
    pub source_hash: String,
    /// Source length in bytes.
    pub source_len: usize,
    /// The model's log-probability of the sample.
    pub logprob: Option<f64>,
    /// Generation tokens.
    pub gen_tokens: Option<i32>,
    /// The subtask it was written for.
    pub target_subtask: Option<i16>,
}

/// What the features need to know of the problem.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProblemContext {
    /// Time limit in microseconds.
    pub time_limit_us: u64,
    /// Memory limit in KiB.
    pub memory_limit_kib: u64,
    /// Per subtask, the test indices that belong to it.
    pub subtask_tests: Vec<Vec<i32>>,
    /// Per subtask, the subtasks it contains.
    pub contains: Vec<Vec<usize>>,
    /// Generated tests that carry a (model-predicted) answer.
    pub generated_with_answer: Vec<i32>,
}

/// A candidate's feature vector, in [`FEATURE_NAMES`] order.
pub type Features = [f64; FEATURE_NAMES.len()];

fn rate(results: &[TestOutcome], pick: impl Fn(&TestOutcome) -> bool) -> f64 {
    rate_over(results.len(), results.iter().filter(|r| pick(r)).count())
}

/// The share of the tests that ran for which `pick` holds: the judge stops a looping candidate
/// after a few time-outs and skips the rest, so its failure rates are those of the tests it ran.
fn rate_of_run(results: &[TestOutcome], pick: impl Fn(&TestOutcome) -> bool) -> f64 {
    let ran = results.iter().filter(|r| r.verdict != Verdict::Skipped);
    rate_over(ran.clone().count(), ran.filter(|r| pick(r)).count())
}

fn rate_over(n: usize, hits: usize) -> f64 {
    if n == 0 { 0.0 } else { hits as f64 / n as f64 }
}

/// The output signature on the generated tests: outputs, with crash, time-out and memory-out as
/// symbols of their own (the hash of a failed run is not an answer).
pub fn signature(generated: &[TestOutcome]) -> Vec<OutputHash> {
    generated
        .iter()
        .map(|r| match r.verdict {
            Verdict::TLE => OutputHash([1; 16]),
            Verdict::MLE | Verdict::OLE => OutputHash([2; 16]),
            Verdict::RE => OutputHash([3; 16]),
            Verdict::JudgeError | Verdict::Skipped | Verdict::CE => OutputHash([4; 16]),
            _ => r.output_hash,
        })
        .collect()
}

/// The features of every candidate of a pool.
pub fn compute(pool: &[CandidateData], ctx: &ProblemContext) -> Vec<Features> {
    let mut clusters: HashMap<Vec<OutputHash>, usize> = HashMap::new();
    for c in pool.iter().filter(|c| !c.generated.is_empty()) {
        *clusters.entry(signature(&c.generated)).or_default() += 1;
    }
    let judged: usize = clusters.values().sum();
    let largest = clusters.values().copied().max().unwrap_or(0);
    let mut sizes: Vec<usize> = clusters.values().copied().collect();
    sizes.sort_unstable_by(|a, b| b.cmp(a));
    let mut duplicates: HashMap<&str, usize> = HashMap::new();
    for c in pool {
        *duplicates.entry(c.source_hash.as_str()).or_default() += 1;
    }
    pool.iter()
        .map(|c| {
            let target: Vec<i32> = match c.target_subtask.map(|t| t as usize) {
                Some(t) if t < ctx.subtask_tests.len() => {
                    let mut tests = ctx.subtask_tests[t].clone();
                    for s in ctx.contains.get(t).into_iter().flatten() {
                        tests.extend(ctx.subtask_tests.get(*s).into_iter().flatten());
                    }
                    tests
                }
                _ => c.public.iter().map(|r| r.test).collect(),
            };
            let public_target: Vec<TestOutcome> = c
                .public
                .iter()
                .filter(|r| target.contains(&r.test))
                .cloned()
                .collect();
            let cluster = (!c.generated.is_empty())
                .then(|| clusters.get(&signature(&c.generated)).copied())
                .flatten()
                .unwrap_or(0);
            let rank = sizes
                .iter()
                .position(|s| *s == cluster)
                .unwrap_or(sizes.len());
            let predicted: Vec<TestOutcome> = c
                .generated
                .iter()
                .filter(|r| ctx.generated_with_answer.contains(&r.test))
                .cloned()
                .collect();
            let runs = c.public.iter().chain(&c.generated);
            let slowest = runs
                .clone()
                .map(|r| r.time_us.max(0) as f64)
                .fold(0.0, f64::max);
            let peak = runs.map(|r| r.memory_kib.max(0) as f64).fold(0.0, f64::max);
            let ln1p = |x: f64| x.max(0.0).ln_1p();
            [
                c.compiled as u8 as f64,
                ln1p(c.compile_warnings as f64),
                (!c.public.is_empty()) as u8 as f64,
                rate(&c.public, TestOutcome::passes),
                (!c.public.is_empty() && c.public.iter().all(TestOutcome::passes)) as u8 as f64,
                rate(&public_target, TestOutcome::passes),
                (!c.generated.is_empty()) as u8 as f64,
                rate_of_run(&c.generated, |r| r.verdict == Verdict::RE),
                rate_of_run(&c.generated, |r| r.verdict == Verdict::TLE),
                rate_of_run(&c.generated, |r| {
                    matches!(r.verdict, Verdict::MLE | Verdict::OLE)
                }),
                if judged > 0 {
                    cluster as f64 / judged as f64
                } else {
                    0.0
                },
                if largest > 0 {
                    cluster as f64 / largest as f64
                } else {
                    0.0
                },
                if sizes.is_empty() || cluster == 0 {
                    1.0
                } else {
                    rank as f64 / sizes.len() as f64
                },
                rate(&predicted, TestOutcome::passes),
                slowest / ctx.time_limit_us.max(1) as f64,
                peak / ctx.memory_limit_kib.max(1) as f64,
                ln1p(c.source_len as f64),
                (duplicates.get(c.source_hash.as_str()).copied().unwrap_or(1) as f64).ln(),
                match (c.logprob, c.gen_tokens) {
                    (Some(lp), Some(n)) if n > 0 => lp / n as f64,
                    (Some(lp), _) => lp,
                    _ => 0.0,
                },
                ln1p(c.gen_tokens.unwrap_or(0) as f64),
                c.target_subtask.is_some() as u8 as f64,
            ]
        })
        .collect()
}

/// Whether a candidate solved what it was written for, from its hidden results: every hidden
/// test of its target subtask (and of the subtasks that one contains) accepted, or every hidden
/// test when it has no target. `None` when it was not judged on hidden tests.
pub fn solved(c: &CandidateData, hidden: &[TestOutcome], ctx: &ProblemContext) -> Option<bool> {
    if hidden.is_empty() {
        return None;
    }
    let relevant: Option<Vec<i32>> = c.target_subtask.and_then(|t| {
        let t = t as usize;
        let mut tests = ctx.subtask_tests.get(t)?.clone();
        for s in ctx.contains.get(t).into_iter().flatten() {
            tests.extend(ctx.subtask_tests.get(*s).into_iter().flatten());
        }
        Some(tests)
    });
    Some(
        hidden
            .iter()
            .filter(|r| relevant.as_ref().is_none_or(|t| t.contains(&r.test)))
            .all(TestOutcome::passes),
    )
}

/// A feature vector as a name → value map (for scorers over HTTP and for people).
pub fn named(f: &Features) -> serde_json::Map<String, serde_json::Value> {
    FEATURE_NAMES
        .iter()
        .zip(f.iter())
        .map(|(n, v)| (n.to_string(), serde_json::json!(v)))
        .collect()
}
