//! Interactive problems through the service: `sieve import` compiles the interactor (a Kattis
//! one from `validation: custom interactive`, or a Polygon testlib one with the checker of its
//! output), and the workers judge posted candidates by talking to it; CMS Communication tasks
//! through their managers; and output-only submissions.

mod common;

use common::{cache_dir, repo, serve_with, wait_for_event};
use serde_json::{Value, json};
use sieve_store::Store;
use sieve_testkit::testing::TestDb;
use std::time::{Duration, Instant};

/// Imports `package` (`format`, stored as `slug`), posts `files` (paths under the package) and
/// checks that each scores its points on the hidden tests. Returns the judged candidates.
async fn judged_through_the_service(
    format: &str,
    package: &str,
    slug: &str,
    kind: &str,
    files: &[(&str, f64)],
) -> anyhow::Result<Vec<Value>> {
    let db = TestDb::new().await?;
    let import = std::process::Command::new(env!("CARGO_BIN_EXE_sieve"))
        .args(["import", format])
        .arg(repo().join(package))
        .arg("--cache-dir")
        .arg(cache_dir())
        .env("DATABASE_URL", &db.url)
        .output()?;
    let log = String::from_utf8_lossy(&import.stderr);
    assert!(import.status.success(), "{log}");
    assert!(!log.contains("batch"), "{log}");
    let pid = Store::from_pool(db.pool.clone())
        .problem_by_slug(slug)
        .await?
        .expect("imported");
    let server = serve_with(&db, &["--local"]);
    let http = reqwest::Client::new();
    let base = &server.url;
    let problem: Value = http
        .get(format!("{base}/v1/problems/{pid}"))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(problem["checker"]["kind"], kind, "{problem}");
    let mut body = Vec::new();
    for (file, _) in files {
        let path = repo().join(package).join(file);
        body.push(if path.is_dir() {
            // An output-only submission: CMS's output_NNN.txt files, by test name.
            let mut outputs = serde_json::Map::new();
            for entry in std::fs::read_dir(&path)? {
                let path = entry?.path();
                let stem = path
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .unwrap_or_default();
                let name = stem.trim_start_matches("output_").to_string();
                outputs.insert(name, Value::String(std::fs::read_to_string(&path)?));
            }
            json!({"source": Value::Object(outputs).to_string(), "language": "outputs"})
        } else {
            json!({"source": std::fs::read_to_string(&path)?, "language": "cpp17"})
        });
    }
    let posted: Value = http
        .post(format!(
            "{base}/v1/problems/{pid}/candidates?judge=public,hidden"
        ))
        .json(&json!({ "candidates": body }))
        .send()
        .await?
        .json()
        .await?;
    let events = http
        .get(format!("{base}/v1/problems/{pid}/events"))
        .send()
        .await?;
    wait_for_event(events, Instant::now() + Duration::from_secs(120), |p| {
        p["done"] == true && p["judged_hidden"] == files.len()
    })
    .await?;
    let mut judged = Vec::new();
    for (i, (file, points)) in files.iter().enumerate() {
        let id = posted["candidates"][i]["id"]
            .as_str()
            .expect("candidate id");
        let c: Value = http
            .get(format!("{base}/v1/candidates/{id}"))
            .send()
            .await?
            .json()
            .await?;
        assert_eq!(c["points"]["hidden"], *points, "{file}: {c}");
        judged.push(c);
    }
    Ok(judged)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posted_candidates_are_judged_by_the_interactor() -> anyhow::Result<()> {
    let files = [
        ("submissions/accepted/binary_search.cpp", 100.0),
        ("submissions/partially_accepted/linear.cpp", 40.0),
        ("submissions/time_limit_exceeded/no_flush.cpp", 0.0),
    ];
    let judged =
        judged_through_the_service("kattis", "examples/guess", "guess", "interactive", &files)
            .await?;
    assert_eq!(
        judged[2]["results"]["public"][0]["verdict"], "TLE",
        "{}",
        judged[2]
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_polygon_interactor_and_the_checker_of_its_output_judge_together() -> anyhow::Result<()> {
    let files = [
        ("solutions/binary.cpp", 100.0),
        ("solutions/linear.cpp", 0.0),
        ("solutions/off_by_one.cpp", 0.0),
    ];
    let judged = judged_through_the_service(
        "polygon",
        "tests/fixtures/packages/polygon-interactive",
        "poly-guess",
        "testlib_interactive",
        &files,
    )
    .await?;
    // The sample: linear search is accepted by the interactor and then by the checker (3
    // questions of 4 allowed); off by one is rejected by the interactor.
    assert_eq!(
        judged[1]["results"]["public"][0]["verdict"], "AC",
        "{}",
        judged[1]
    );
    assert_eq!(
        judged[2]["results"]["public"][0]["verdict"], "WA",
        "{}",
        judged[2]
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cms_communication_task_is_judged_by_its_manager_through_the_workers()
-> anyhow::Result<()> {
    // Two processes of each candidate, linked with the stub, relayed by the manager.
    let files = [
        ("solutions/binary.cpp", 100.0),
        ("solutions/short.cpp", 0.0),
        ("solutions/crash_decoder.cpp", 0.0),
    ];
    let judged = judged_through_the_service(
        "cms",
        "tests/fixtures/packages/tps-relay",
        "relay",
        "communication",
        &files,
    )
    .await?;
    let sample = &judged[2]["results"]["public"][0];
    assert_eq!(sample["verdict"], "RE", "{}", judged[2]);
    // One process and the manager's partial score: 0.5 of the full subtask.
    let guess = judged_through_the_service(
        "cms",
        "tests/fixtures/packages/tps-guess",
        "guess",
        "communication",
        &[("solutions/linear.cpp", 50.0)],
    )
    .await?;
    assert_eq!(
        guess[0]["results"]["public"][0]["verdict"], "AC",
        "{}",
        guess[0]
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn output_only_submissions_are_judged_through_the_workers() -> anyhow::Result<()> {
    let files = [("solutions/full", 100.0), ("solutions/partial", 40.0)];
    let judged = judged_through_the_service(
        "cms",
        "tests/fixtures/packages/cms-outputs",
        "cmsoutputs",
        "tokens",
        &files,
    )
    .await?;
    assert_eq!(judged[1]["language"], "outputs", "{}", judged[1]);
    Ok(())
}
