//! `/metrics` as Prometheus scrapes it: every series has its help text and is there, at zero,
//! from the first scrape (its own process: the recorder is process-wide); HTTP requests count and
//! time by route and status class; builds count by language and outcome and time their compiles;
//! the database pool and the queue show every state.

mod common;

use common::{create_key, serve_logged, wait_for_event};
use serde_json::{Value, json};
use sieve_testkit::testing::TestDb;
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

/// A series' labels, in any order.
type Labels = BTreeSet<(String, String)>;

/// Each sample of the text format: the series' name, its labels, its value.
fn samples(text: &str) -> Vec<(String, Labels, f64)> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|line| {
            let (series, value) = line.rsplit_once(' ')?;
            let (name, labels) = match series.split_once('{') {
                Some((name, rest)) => (name, rest.trim_end_matches('}')),
                None => (series, ""),
            };
            let labels = labels
                .split("\",")
                .filter(|l| !l.is_empty())
                .filter_map(|l| {
                    let (k, v) = l.split_once('=')?;
                    Some((k.to_string(), v.trim_matches('"').to_string()))
                })
                .collect();
            Some((name.to_string(), labels, value.parse().ok()?))
        })
        .collect()
}

/// The value of the series `name` with exactly `labels`; fails when it is not there.
fn value(text: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    let want: Labels = labels
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    samples(text)
        .into_iter()
        .find(|(n, l, _)| n == name && *l == want)
        .map(|s| s.2)
        .unwrap_or_else(|| panic!("no series {name}{labels:?} in\n{text}"))
}

const SUM: &str =
    "#include <stdio.h>\nint main(void){int a,b;scanf(\"%d %d\",&a,&b);printf(\"%d\\n\",a+b);}\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_series_is_described_and_present_from_the_start() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let admin = create_key(&db, "admin");
    let server = serve_logged(&db, &["--workers", "1"], None);
    let http = reqwest::Client::new();
    let url = |p: &str| format!("{}{p}", server.url);
    let scrape = || async { http.get(url("/metrics")).send().await?.text().await };

    let first = scrape().await?;
    for family in [
        "sieve_http_requests_total",
        "sieve_http_request_seconds",
        "sieve_tests_judged_total",
        "sieve_judge_seconds",
        "sieve_jobs_total",
        "sieve_judge_crashes_total",
        "sieve_builds_total",
        "sieve_compile_seconds",
        "sieve_queue_jobs",
        "sieve_db_pool_connections",
        "sieve_db_pool_max_connections",
    ] {
        assert!(
            first.contains(&format!("# HELP {family} ")),
            "{family} has no help text:\n{first}"
        );
    }
    let candidates_route = [
        ("method", "POST"),
        ("route", "/v1/problems/{id}/candidates"),
        ("status", "2xx"),
    ];
    assert_eq!(
        value(&first, "sieve_http_requests_total", &candidates_route),
        0.0
    );
    assert_eq!(
        value(&first, "sieve_tests_judged_total", &[("verdict", "AC")]),
        0.0
    );
    assert_eq!(
        value(&first, "sieve_tests_judged_total", &[("verdict", "OK")]),
        0.0
    );
    assert_eq!(
        value(&first, "sieve_jobs_total", &[("outcome", "done")]),
        0.0
    );
    assert_eq!(value(&first, "sieve_judge_crashes_total", &[]), 0.0);
    let c11 = |outcome| [("language", "c11"), ("outcome", outcome)];
    for outcome in ["compiled", "failed", "stored"] {
        assert_eq!(value(&first, "sieve_builds_total", &c11(outcome)), 0.0);
    }
    assert_eq!(
        value(
            &first,
            "sieve_compile_seconds_count",
            &[("language", "c11")]
        ),
        0.0
    );
    assert_eq!(value(&first, "sieve_judge_seconds_count", &[]), 0.0);
    for state in ["queued", "running", "done", "failed"] {
        assert_eq!(
            value(
                &first,
                "sieve_queue_jobs",
                &[("kind", "judge"), ("state", state)]
            ),
            0.0
        );
    }
    assert!(value(&first, "sieve_db_pool_max_connections", &[]) >= 1.0);
    assert!(value(&first, "sieve_db_pool_connections", &[("state", "idle")]) >= 0.0);

    // Work: a problem, the same source twice (compiled once, then the stored build) and one that
    // does not compile; a request for a problem that does not exist.
    let p: Value = http
        .post(url("/v1/problems"))
        .bearer_auth(&admin)
        .json(&json!({"slug": "sum", "time_limit_ms": 1000,
            "tests": [{"name": "t1", "kind": "public", "input": "1 2\n", "answer": "3\n"}]}))
        .send()
        .await?
        .json()
        .await?;
    let pid = p["id"].as_str().expect("id").to_string();
    for source in [SUM, "int main( {", SUM] {
        let posted = http
            .post(url(&format!("/v1/problems/{pid}/candidates")))
            .bearer_auth(&admin)
            .json(&json!({"candidates": [{"source": source, "language": "c11"}]}))
            .send()
            .await?;
        assert_eq!(posted.status(), 201);
        let events = http
            .get(url(&format!("/v1/problems/{pid}/events")))
            .bearer_auth(&admin)
            .send()
            .await?;
        wait_for_event(events, Instant::now() + Duration::from_secs(120), |e| {
            e["done"] == true && e["queued"] == 0 && e["running"] == 0
        })
        .await?;
    }
    let missing = http
        .get(url("/v1/problems/00000000-0000-0000-0000-000000000000"))
        .bearer_auth(&admin)
        .send()
        .await?;
    assert_eq!(missing.status(), 404);

    let after = scrape().await?;
    assert_eq!(
        value(&after, "sieve_http_requests_total", &candidates_route),
        3.0
    );
    let problem_route = [("method", "GET"), ("route", "/v1/problems/{id}")];
    let not_found = [problem_route[0], problem_route[1], ("status", "4xx")];
    assert_eq!(value(&after, "sieve_http_requests_total", &not_found), 1.0);
    assert_eq!(
        value(&after, "sieve_http_request_seconds_count", &problem_route),
        1.0
    );
    assert_eq!(value(&after, "sieve_builds_total", &c11("compiled")), 1.0);
    assert_eq!(value(&after, "sieve_builds_total", &c11("failed")), 1.0);
    assert_eq!(value(&after, "sieve_builds_total", &c11("stored")), 1.0);
    assert_eq!(
        value(
            &after,
            "sieve_compile_seconds_count",
            &[("language", "c11")]
        ),
        2.0
    );
    assert!(value(&after, "sieve_compile_seconds_sum", &[("language", "c11")]) > 0.0);
    // The second copy's results are its build's, judged once.
    assert_eq!(
        value(&after, "sieve_tests_judged_total", &[("verdict", "AC")]),
        1.0
    );
    assert_eq!(
        value(&after, "sieve_jobs_total", &[("outcome", "done")]),
        3.0
    );
    assert_eq!(
        value(
            &after,
            "sieve_queue_jobs",
            &[("kind", "judge"), ("state", "done")]
        ),
        3.0
    );
    drop(server);
    db.drop_db().await?;
    Ok(())
}
