//! A judging job whose worker dies on its last attempt ends: the periodic sweep of a running
//! `sieve worker` marks it failed once its lease has run out, the problem's progress stream
//! reaches done, and the candidate says that sieve failed to judge it.

mod common;

use common::{import_example, serve_logged, wait_for_event};
use serde_json::{Value, json};
use sieve_store::Store;
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_abandoned_on_its_last_attempt_fails_and_progress_finishes() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let store = Store::from_pool(db.pool.clone());
    let problem = import_example(&db, "pairsum").await?;
    let server = serve_logged(&db, &["--local", "--workers", "0"], None);
    let http = reqwest::Client::new();
    let source = std::fs::read_to_string(
        common::repo().join("examples/pairsum/submissions/accepted/sort_two_pointers.cpp"),
    )?;
    let posted: Value = http
        .post(format!(
            "{}/v1/problems/{problem}/candidates?judge=public",
            server.url
        ))
        .json(&json!({"candidates": [{"source": source, "language": "cpp"}]}))
        .send()
        .await?
        .json()
        .await?;
    let candidate = posted["candidates"][0]["id"]
        .as_str()
        .expect("posted")
        .to_string();

    // Three workers take the job in turn and die holding it (no heartbeat, no completion); the
    // last one's lease runs out only after the real worker below has started.
    let kinds = sieve_store::queue::JobKind::ALL;
    for attempt in 1..=3 {
        let lease = if attempt < 3 {
            Duration::from_millis(100)
        } else {
            Duration::from_secs(3)
        };
        let job = loop {
            if let Some(job) = store.take_job("doomed", &kinds, lease).await? {
                break job;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        assert_eq!(job.attempt, attempt);
    }
    let _worker = Worker(
        Command::new(env!("CARGO_BIN_EXE_sieve"))
            .args([
                "worker",
                "--workers",
                "1",
                "--lease-secs",
                "1",
                "--cache-dir",
            ])
            .arg(common::cache_dir())
            .env("DATABASE_URL", &db.url)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?,
    );

    let events = http
        .get(format!("{}/v1/problems/{problem}/events", server.url))
        .send()
        .await?;
    let done = wait_for_event(events, Instant::now() + Duration::from_secs(30), |p| {
        p["done"] == true
    })
    .await?;
    assert_eq!(done["failed"], 1, "{done}");
    assert_eq!(done["running"], 0, "{done}");
    let jobs: Vec<(String, i32)> = sqlx::query_as("SELECT state::text, attempts FROM jobs")
        .fetch_all(&db.pool)
        .await?;
    assert_eq!(jobs, vec![("failed".to_string(), 3)]);

    let read: Value = http
        .get(format!("{}/v1/candidates/{candidate}", server.url))
        .send()
        .await?
        .json()
        .await?;
    let failures = read["judging_failures"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(failures.len(), 1, "{read}");
    let line = failures[0].as_str().unwrap_or_default();
    assert!(
        line.contains("sieve failed") && line.contains("public") && line.contains("lease"),
        "{line}"
    );
    drop(server);
    db.drop_db().await?;
    Ok(())
}
