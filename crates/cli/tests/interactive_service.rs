//! An interactive problem through the service: `sieve import kattis` of a package with
//! `validation: custom interactive` compiles its interactor, and the workers judge posted
//! candidates by talking to it (the points of `examples/guess`'s submissions).

mod common;

use common::{cache_dir, repo, serve_with, wait_for_event};
use serde_json::{Value, json};
use sieve_store::Store;
use sieve_store::testing::TestDb;
use std::time::{Duration, Instant};

const PACKAGE: &str = "examples/guess";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posted_candidates_are_judged_by_the_interactor() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let import = std::process::Command::new(env!("CARGO_BIN_EXE_sieve"))
        .args(["import", "kattis"])
        .arg(repo().join(PACKAGE))
        .arg("--cache-dir")
        .arg(cache_dir())
        .env("DATABASE_URL", &db.url)
        .output()?;
    let log = String::from_utf8_lossy(&import.stderr);
    assert!(import.status.success(), "{log}");
    assert!(!log.contains("judged as batch"), "{log}");
    let pid = Store::from_pool(db.pool.clone())
        .problem_by_slug("guess")
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
    assert_eq!(problem["checker"]["kind"], "interactive", "{problem}");

    let files = [
        ("accepted/binary_search.cpp", 100.0),
        ("partially_accepted/linear.cpp", 40.0),
        ("time_limit_exceeded/no_flush.cpp", 0.0),
    ];
    let mut body = Vec::new();
    for (file, _) in files {
        let path = repo().join(PACKAGE).join("submissions").join(file);
        body.push(json!({"source": std::fs::read_to_string(path)?, "language": "cpp17"}));
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
        if file.contains("no_flush") {
            assert_eq!(c["results"]["public"][0]["verdict"], "TLE", "{c}");
        }
    }
    Ok(())
}
