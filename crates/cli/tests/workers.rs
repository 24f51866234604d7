//! Two `sieve worker` processes racing for the jobs of a real contest problem (laviner, as a small
//! package of this repository's own tests in the real one's shape): every job runs once, every
//! result is written once, identical sources are built and judged once, both workers take part,
//! and each candidate's points on the hidden tests equal what its expected-package.tsv says
//! (checked natively with g++).

mod common;

use common::{repo, serve_logged, wait_for_event};
use serde_json::{Value, json};
use sieve_testkit::testing::TestDb;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Worker(Child);

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        let _ = self.0.wait();
    }
}

fn worker(db: &TestDb) -> Worker {
    Worker(
        Command::new(env!("CARGO_BIN_EXE_sieve"))
            .args(["worker", "--workers", "1", "--cache-dir"])
            .arg(common::cache_dir())
            .env("DATABASE_URL", &db.url)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start sieve worker"),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_judge_a_real_problem_once() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let package = repo().join("tests/fixtures/problems/laviner/package");
    let import = Command::new(env!("CARGO_BIN_EXE_sieve"))
        .args(["import", "kattis"])
        .arg(&package)
        .arg("--cache-dir")
        .arg(common::cache_dir())
        .env("DATABASE_URL", &db.url)
        .output()?;
    assert!(
        import.status.success(),
        "{}",
        String::from_utf8_lossy(&import.stderr)
    );
    let server = serve_logged(&db, &["--local", "--workers", "0"], None);
    let http = reqwest::Client::new();
    let problems: Value = http
        .get(format!("{}/v1/problems", server.url))
        .send()
        .await?
        .json()
        .await?;
    let pid = problems["problems"][0]["id"]
        .as_str()
        .expect("imported")
        .to_string();

    // The hand-written candidates that finish quickly (no time-outs), each posted twice.
    let fixtures = repo().join("tests/fixtures/problems/laviner");
    let table = std::fs::read_to_string(fixtures.join("expected-package.tsv"))?;
    let mut expected = Vec::new();
    let mut candidates = Vec::new();
    for line in table.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols[0].starts_with("tle") || cols[0].starts_with("borderline") {
            continue;
        }
        let source = std::fs::read_to_string(fixtures.join(cols[0]))?;
        let language = if cols[0].ends_with(".c") { "c" } else { "cpp" };
        for copy in 0..2 {
            candidates.push(json!({"source": source, "language": language, "tags": {"file": cols[0], "copy": copy}}));
            expected.push((cols[0].to_string(), cols[1].parse::<f64>()?));
        }
    }
    let distinct = expected.len() / 2;
    let (_a, _b) = (worker(&db), worker(&db));
    let posted: Value = http
        .post(format!(
            "{}/v1/problems/{pid}/candidates?judge=public,hidden",
            server.url
        ))
        .json(&json!({"candidates": candidates}))
        .send()
        .await?
        .json()
        .await?;
    let events = http
        .get(format!("{}/v1/problems/{pid}/events", server.url))
        .send()
        .await?;
    let n = expected.len() as i64;
    let done = wait_for_event(events, Instant::now() + Duration::from_secs(300), |p| {
        p["done"] == true && p["built"].as_i64() == Some(n)
    })
    .await?;
    assert_eq!(done["failed"], 0, "{done}");

    let mut mismatches = Vec::new();
    for (i, (file, want)) in expected.iter().enumerate() {
        let id = posted["candidates"][i]["id"].as_str().expect("id");
        let v: Value = http
            .get(format!("{}/v1/candidates/{id}", server.url))
            .send()
            .await?
            .json()
            .await?;
        let got = v["points"]["hidden"].as_f64().unwrap_or(-1.0);
        if (got - want).abs() > 1e-9 {
            mismatches.push(format!("{file}: expected {want}, got {got}"));
        }
    }
    assert!(mismatches.is_empty(), "{mismatches:#?}");

    let jobs: Vec<(String, i32, Option<String>)> =
        sqlx::query_as("SELECT state::text, attempts, lease_owner FROM jobs")
            .fetch_all(&db.pool)
            .await?;
    assert_eq!(
        jobs.len(),
        2 * expected.len(),
        "one public and one hidden job per candidate"
    );
    assert!(
        jobs.iter().all(|(s, a, _)| s == "done" && *a == 1),
        "every job ran once: {jobs:?}"
    );
    let mut owners: Vec<&str> = jobs.iter().filter_map(|j| j.2.as_deref()).collect();
    owners.sort();
    owners.dedup();
    assert_eq!(owners.len(), 2, "both workers took jobs: {owners:?}");
    let builds: i64 = sqlx::query_scalar("SELECT count(*) FROM builds")
        .fetch_one(&db.pool)
        .await?;
    assert_eq!(
        builds as usize, distinct,
        "identical sources are built once"
    );
    let results: Vec<(i64, i64)> =
        sqlx::query_as("SELECT count(*), count(DISTINCT (build_key, kind)) FROM results")
            .fetch_all(&db.pool)
            .await?;
    assert_eq!(results[0].0, results[0].1);
    assert_eq!(
        results[0].0 as usize,
        2 * distinct,
        "one row per build and kind"
    );
    drop(server);
    db.drop_db().await?;
    Ok(())
}
