//! What the workers count for `/metrics`: tests judged per verdict, judging latency, jobs by
//! outcome, and judging processes that crashed. Recorded through the `metrics` facade; whichever
//! process installs an exporter (the API's) serves them.

use sieve_domain::TestOutcome;
use std::time::Duration;

/// Counts one judged batch of tests (one candidate, one kind of test) that took `took`.
pub(crate) fn judged(results: &[TestOutcome], took: Duration) {
    for r in results {
        metrics::counter!("sieve_tests_judged_total", "verdict" => r.verdict.code()).increment(1);
    }
    metrics::histogram!("sieve_judge_seconds").record(took.as_secs_f64());
}

/// Counts one finished job by how it ended.
pub(crate) fn job(outcome: &'static str) {
    metrics::counter!("sieve_jobs_total", "outcome" => outcome).increment(1);
}

/// Counts judging processes that died on their own (sieve's failures; their tests ran again).
pub(crate) fn crashes(n: u64) {
    metrics::counter!("sieve_judge_crashes_total").increment(n);
}
