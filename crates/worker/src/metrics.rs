//! What the workers count for `/metrics`: tests judged per verdict, judging latency, jobs by
//! outcome, builds and compile time per language, and judging processes that crashed. Recorded
//! through the `metrics` facade; whichever process installs an exporter (the API's) serves them,
//! after [`describe`] has given each series its help text and its zero.

use sieve_domain::{Language, TestOutcome, Verdict};
use std::time::Duration;

/// How a finished job ended, as `sieve_jobs_total` labels it.
const JOB_OUTCOMES: [&str; 6] = [
    "done",
    "retried",
    "failed",
    "lease_lost",
    "abandoned",
    "released",
];

/// How a candidate's build was had, as `sieve_builds_total` labels it: compiled now (and
/// whether it compiled), or a build already stored for the same source, language, toolchain
/// and grader.
pub(crate) const BUILD_OUTCOMES: [&str; 3] = ["compiled", "failed", "stored"];

/// Gives every worker series its help text and registers it at zero, each label value included,
/// so that a scrape before the first job sees them all (a rate over a series that appears
/// mid-way misses its first increments). Call once, after installing the recorder.
pub fn describe() {
    use metrics::{describe_counter, describe_histogram};
    describe_counter!(
        "sieve_tests_judged_total",
        "Tests judged by this process's workers, by verdict."
    );
    describe_histogram!(
        "sieve_judge_seconds",
        metrics::Unit::Seconds,
        "Wall time to judge one candidate on one kind of test."
    );
    describe_counter!(
        "sieve_jobs_total",
        "Queue jobs this process's workers finished, by how they ended."
    );
    metrics::describe_gauge!(
        "sieve_workers_busy",
        "This process's workers holding a job now (the rest wait for one)."
    );
    metrics::gauge!("sieve_workers_busy").set(0.0);
    metrics::describe_gauge!("sieve_workers", "Workers running in this process.");
    metrics::gauge!("sieve_workers").set(0.0);
    describe_counter!(
        "sieve_judge_crashes_total",
        "Judging processes that died on their own (sieve's failures; their tests ran again)."
    );
    describe_counter!(
        "sieve_builds_total",
        "Candidate builds, by language and outcome (compiled, failed to compile, stored build reused)."
    );
    describe_histogram!(
        "sieve_compile_seconds",
        metrics::Unit::Seconds,
        "Wall time to build one candidate (compile C and C++, load the rest), by language."
    );
    for v in Verdict::ALL {
        metrics::counter!("sieve_tests_judged_total", "verdict" => v.code()).increment(0);
    }
    for outcome in JOB_OUTCOMES {
        metrics::counter!("sieve_jobs_total", "outcome" => outcome).increment(0);
    }
    metrics::counter!("sieve_judge_crashes_total").increment(0);
    let _ = metrics::histogram!("sieve_judge_seconds");
    for language in Language::ALL {
        for outcome in BUILD_OUTCOMES {
            metrics::counter!("sieve_builds_total", "language" => language.name(), "outcome" => outcome)
                .increment(0);
        }
        let _ = metrics::histogram!("sieve_compile_seconds", "language" => language.name());
    }
}

/// Records that this process runs `n` workers.
pub fn workers_started(n: usize) {
    metrics::gauge!("sieve_workers").set(n as f64);
}

/// A worker holding a job, counted in `sieve_workers_busy` while it lives.
pub(crate) struct Busy;

impl Busy {
    /// Counts one more busy worker until dropped.
    pub(crate) fn start() -> Busy {
        metrics::gauge!("sieve_workers_busy").increment(1.0);
        Busy
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        metrics::gauge!("sieve_workers_busy").decrement(1.0);
    }
}

/// Counts one judged batch of tests (one candidate, one kind of test) that took `took`.
pub(crate) fn judged(results: &[TestOutcome], took: Duration) {
    for r in results {
        metrics::counter!("sieve_tests_judged_total", "verdict" => r.verdict.code()).increment(1);
    }
    metrics::histogram!("sieve_judge_seconds").record(took.as_secs_f64());
}

/// Counts one finished job by how it ended (one of `JOB_OUTCOMES`).
pub(crate) fn job(outcome: &'static str) {
    debug_assert!(JOB_OUTCOMES.contains(&outcome), "{outcome}");
    metrics::counter!("sieve_jobs_total", "outcome" => outcome).increment(1);
}

/// Counts a candidate's build by how it was had (one of `BUILD_OUTCOMES`), and the compile's
/// time when it was compiled now.
pub(crate) fn build(language: Language, outcome: &'static str, compile: Option<Duration>) {
    debug_assert!(BUILD_OUTCOMES.contains(&outcome), "{outcome}");
    metrics::counter!("sieve_builds_total", "language" => language.name(), "outcome" => outcome)
        .increment(1);
    if let Some(took) = compile {
        metrics::histogram!("sieve_compile_seconds", "language" => language.name())
            .record(took.as_secs_f64());
    }
}

/// Counts judging processes that died on their own (sieve's failures; their tests ran again).
pub(crate) fn crashes(n: u64) {
    metrics::counter!("sieve_judge_crashes_total").increment(n);
}
