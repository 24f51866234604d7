//! Candidate features over a pool: clusters, agreement, failure rates, time and duplicates.

use sieve_domain::{OutputHash, TestOutcome, Verdict};
use sieve_scoring::{CandidateData, FEATURE_NAMES, ProblemContext, compute};

fn run(test: i32, verdict: Verdict, out: u8) -> TestOutcome {
    TestOutcome {
        test,
        verdict,
        score: if verdict == Verdict::AC { 1.0 } else { 0.0 },
        time_us: 1000,
        fuel: 0,
        memory_kib: 1024,
        output_hash: OutputHash([out; 16]),
    }
}

#[test]
fn clusters_agreement_and_failures_shape_the_features() {
    let ok = |out: u8| CandidateData {
        compiled: true,
        public: vec![run(0, Verdict::AC, 9)],
        generated: vec![run(1, Verdict::Ran, out), run(2, Verdict::Ran, out)],
        source_hash: format!("s{out}"),
        ..Default::default()
    };
    let mut crash = ok(7);
    crash.generated[1] = run(2, Verdict::RE, 0);
    let pool = vec![ok(5), ok(5), ok(5), ok(6), crash, CandidateData::default()];
    let ctx = ProblemContext {
        time_limit_us: 2000,
        memory_limit_kib: 4096,
        ..Default::default()
    };
    let f = compute(&pool, &ctx);
    let idx = |n: &str| FEATURE_NAMES.iter().position(|x| *x == n).unwrap();
    assert_eq!(f[0][idx("cluster_share")], 3.0 / 5.0);
    assert_eq!(f[0][idx("cluster_rank")], 0.0);
    assert_eq!(f[3][idx("cluster_rel_size")], 1.0 / 3.0);
    assert_eq!(f[4][idx("generated_crash_rate")], 0.5);
    assert_eq!(f[0][idx("time_ratio")], 0.5);
    assert_eq!(f[5][idx("compiled")], 0.0);
    assert_eq!(f[5][idx("cluster_rank")], 1.0, "not judged: last");
    assert!((f[0][idx("duplicates_log")] - 3f64.ln()).abs() < 1e-12);
    assert_eq!(f[3][idx("duplicates_log")], 0.0);
}

#[test]
fn failure_rates_count_the_tests_that_ran() {
    // Judging stopped after three time-outs: the skipped tests say nothing.
    let mut generated = vec![run(1, Verdict::Ran, 5)];
    generated.extend((2..5).map(|t| run(t, Verdict::TLE, 0)));
    generated.extend((5..9).map(|t| run(t, Verdict::Skipped, 0)));
    let pool = vec![CandidateData {
        compiled: true,
        generated,
        ..Default::default()
    }];
    let f = compute(&pool, &ProblemContext::default());
    let idx = |n: &str| FEATURE_NAMES.iter().position(|x| *x == n).unwrap();
    assert_eq!(f[0][idx("generated_timeout_rate")], 0.75);
}
