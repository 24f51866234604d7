//! The service end to end on a random port against a fresh database: import a problem, post
//! candidates over HTTP, let the in-process worker judge them, read the verdicts back.

mod common;

use common::{Served, create_key, repo, serve_logged, serve_with};
use serde_json::{Value, json};
use sieve_store::Store;
use sieve_testkit::testing::TestDb;
use std::process::Command;
use std::time::{Duration, Instant};

fn serve(db: &TestDb) -> Served {
    serve_with(db, &["--local"])
}

fn source(rel: &str) -> String {
    std::fs::read_to_string(repo().join("examples/divsum/submissions").join(rel)).expect("source")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn post_candidates_and_read_their_verdicts() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let import = Command::new(env!("CARGO_BIN_EXE_sieve"))
        .args(["import", "kattis"])
        .arg(repo().join("examples/divsum"))
        .arg("--cache-dir")
        .arg(repo().join("target/sieve-test/cache"))
        .env("DATABASE_URL", &db.url)
        .output()?;
    assert!(
        import.status.success(),
        "{}",
        String::from_utf8_lossy(&import.stderr)
    );
    let problem = Store::from_pool(db.pool.clone())
        .problem_by_slug("divsum")
        .await?
        .expect("imported");
    let server = serve(&db);
    let http = reqwest::Client::new();
    let post = |body: Value, problem: String| {
        let http = http.clone();
        let url = format!("{}/v1/problems/{problem}/candidates", server.url);
        async move { http.post(url).json(&body).send().await }
    };
    let body = json!({
        "judge": ["public", "hidden"],
        "candidates": [
            {"source": source("accepted/sqrt_blocks.cpp"), "language": "cpp", "idempotency_key": "a", "model": "m1", "logprob": -3.5},
            {"source": source("wrong_answer/hyperbola_ceil_sqrt.cpp"), "language": "cpp", "idempotency_key": "b"},
            {"source": "int main( {", "language": "cpp", "idempotency_key": "c"}
        ]
    });
    let first: Value = post(body.clone(), problem.to_string())
        .await?
        .json()
        .await?;
    let again = post(body, problem.to_string()).await?;
    assert_eq!(again.status(), 201);
    let again: Value = again.json().await?;
    let ids = |v: &Value| -> Vec<String> {
        v["candidates"]
            .as_array()
            .expect("ids")
            .iter()
            .map(|c| c["id"].as_str().unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(
        ids(&first),
        ids(&again),
        "re-posting the same keys returns the same candidates"
    );
    assert!(
        again["candidates"]
            .as_array()
            .expect("c")
            .iter()
            .all(|c| c["created"] == false)
    );

    let bad = post(
        json!({"candidates": [{"source": "x", "language": "rust"}]}),
        problem.to_string(),
    )
    .await?;
    assert_eq!(bad.status(), 422);
    assert_eq!(bad.headers()["content-type"], "application/problem+json");
    let bad: Value = bad.json().await?;
    assert_eq!(bad["field"], "/candidates/0/language");
    let bad = post(
        json!({"candidates": [{"source": "[\"5\"]", "language": "outputs"}]}),
        problem.to_string(),
    )
    .await?;
    assert_eq!(bad.status(), 422);
    let bad: Value = bad.json().await?;
    assert_eq!(bad["field"], "/candidates/0/source", "{bad}");
    let missing = post(json!({"candidates": []}), uuid_nil()).await?;
    assert_eq!(missing.status(), 404);

    // NDJSON: streamed, one transaction for the whole request.
    let count = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM candidates")
            .fetch_one(&db.pool)
            .await
    };
    let before = count().await?;
    let ndjson = |lines: Vec<Value>| {
        lines
            .iter()
            .map(|l| l.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let url = format!("{}/v1/problems/{problem}/candidates", server.url);
    let ok = http
        .post(&url)
        .header("content-type", "application/x-ndjson")
        .body(ndjson(vec![
            json!({"source": "int main(){}", "language": "c", "idempotency_key": "n1"}),
            // A retry of what was posted under key a (another program under it would be 409).
            json!({"source": source("accepted/sqrt_blocks.cpp"), "language": "cpp", "idempotency_key": "a"}),
        ]))
        .send()
        .await?;
    assert_eq!(ok.status(), 201);
    let ok: Value = ok.json().await?;
    assert_eq!(ok["candidates"][0]["created"], true);
    assert_eq!(
        ok["candidates"][1]["created"], false,
        "key a was posted before"
    );
    assert_eq!(count().await?, before + 1);
    let bad = http
        .post(&url)
        .header("content-type", "application/x-ndjson")
        .body(ndjson(vec![
            json!({"source": "int main(){}", "language": "c", "idempotency_key": "n2"}),
            json!({"source": "x", "language": "cobol"}),
        ]))
        .send()
        .await?;
    assert_eq!(bad.status(), 422);
    let bad: Value = bad.json().await?;
    assert_eq!(bad["field"], "/1/language");
    assert_eq!(
        count().await?,
        before + 1,
        "nothing of a rejected request is stored"
    );

    let deadline = Instant::now() + Duration::from_secs(120);
    let ids = ids(&first);
    let mut views = Vec::new();
    for id in &ids {
        loop {
            let v: Value = http
                .get(format!("{}/v1/candidates/{id}", server.url))
                .send()
                .await?
                .json()
                .await?;
            let done = v["build"]["ok"] == false || v["results"]["hidden"].is_array();
            if done {
                views.push(v);
                break;
            }
            assert!(Instant::now() < deadline, "not judged in time: {v}");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    let verdicts = |v: &Value, kind: &str| -> Vec<String> {
        v["results"][kind]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|t| t["verdict"].as_str().unwrap_or("").to_string())
                    .collect()
            })
            .unwrap_or_default()
    };
    assert!(
        verdicts(&views[0], "public").iter().all(|v| v == "AC"),
        "{}",
        views[0]
    );
    assert!(!verdicts(&views[0], "hidden").is_empty());
    assert!(
        verdicts(&views[0], "hidden").iter().all(|v| v == "AC"),
        "{}",
        views[0]
    );
    assert!(
        verdicts(&views[1], "hidden").iter().any(|v| v == "WA"),
        "{}",
        views[1]
    );
    assert_eq!(views[2]["build"]["ok"], false);
    assert!(
        views[2]["build"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("error")
    );
    drop(server);
    db.drop_db().await?;
    Ok(())
}

fn uuid_nil() -> String {
    "00000000-0000-0000-0000-000000000000".to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_mid_job_loses_its_lease_and_another_finishes_the_job() -> anyhow::Result<()>
{
    let db = TestDb::new().await?;
    let import = Command::new(env!("CARGO_BIN_EXE_sieve"))
        .args(["import", "kattis"])
        .arg(repo().join("examples/divsum"))
        .arg("--cache-dir")
        .arg(repo().join("target/sieve-test/cache"))
        .env("DATABASE_URL", &db.url)
        .output()?;
    assert!(import.status.success());
    let problem = Store::from_pool(db.pool.clone())
        .problem_by_slug("divsum")
        .await?
        .expect("imported");
    // A slow candidate: several tests run into the 1 s limit, so the job lasts a while.
    let slow = source("time_limit_exceeded/count_divisors_quadratic.cpp");
    // The binary, in a process of its own: the test kills it.
    let mut first = serve_logged(
        &db,
        &["--workers", "1", "--local", "--lease-secs", "2"],
        None,
    );
    let http = reqwest::Client::new();
    let posted: Value = http
        .post(format!("{}/v1/problems/{problem}/candidates", first.url))
        .json(&json!({"judge": ["hidden"], "candidates": [{"source": slow, "language": "cpp"}]}))
        .send()
        .await?
        .json()
        .await?;
    let id = posted["candidates"][0]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let state = || async {
        sqlx::query_as::<_, (String, i32)>("SELECT state::text, attempts FROM jobs LIMIT 1")
            .fetch_one(&db.pool)
            .await
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while state().await?.0 != "running" {
        assert!(Instant::now() < deadline, "the job was never taken");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    // Kill the worker's process outright: no graceful shutdown, no release of the job.
    let judging = children_of(first.child.id());
    assert!(!judging.is_empty(), "the worker runs a judging process");
    Command::new("kill")
        .args(["-KILL", &first.child.id().to_string()])
        .status()?;
    let _ = first.child.wait();
    // Its judging process must not outlive it (nothing else would stop a looping guest).
    tokio::time::sleep(Duration::from_millis(600)).await;
    for pid in judging {
        // Gone, or a zombie waiting for whoever adopted it to reap it.
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let alive = stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.split_whitespace().next() != Some("Z"));
        assert!(!alive, "judging process {pid} outlived its supervisor");
    }
    assert_eq!(
        state().await?.0,
        "running",
        "the dead worker's job still looks taken"
    );
    let second = serve_with(&db, &["--local", "--lease-secs", "2"]);
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let (s, attempts) = state().await?;
        if s == "done" {
            assert_eq!(attempts, 2, "taken again once the lease ran out");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the job was not finished by the second worker ({s})"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let v: Value = http
        .get(format!("{}/v1/candidates/{id}", second.url))
        .send()
        .await?
        .json()
        .await?;
    assert!(
        v["results"]["hidden"]
            .as_array()
            .is_some_and(|r| !r.is_empty()),
        "{v}"
    );
    drop(second);
    drop(first);
    db.drop_db().await?;
    Ok(())
}

/// The ids of the processes whose parent is `pid`.
fn children_of(pid: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return vec![];
    };
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|p| {
            std::fs::read_to_string(format!("/proc/{p}/stat"))
                .ok()
                .and_then(|s| s.rsplit_once(')').map(|(_, rest)| rest.to_string()))
                .and_then(|rest| rest.split_whitespace().nth(1)?.parse::<u32>().ok())
                == Some(pid)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_keys_and_roles() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let import = Command::new(env!("CARGO_BIN_EXE_sieve"))
        .args(["import", "kattis"])
        .arg(repo().join("examples/pairsum"))
        .arg("--cache-dir")
        .arg(repo().join("target/sieve-test/cache"))
        .env("DATABASE_URL", &db.url)
        .output()?;
    assert!(import.status.success());
    let problem = Store::from_pool(db.pool.clone())
        .problem_by_slug("pairsum")
        .await?
        .expect("imported");
    let (viewer, submitter) = (create_key(&db, "viewer"), create_key(&db, "submitter"));
    assert_ne!(viewer, submitter);
    let stored: Vec<Vec<u8>> = sqlx::query_scalar("SELECT key_hash FROM api_keys")
        .fetch_all(&db.pool)
        .await?;
    assert!(
        stored.iter().all(|h| h != viewer.as_bytes()),
        "only hashes are stored"
    );
    let server = serve_with(&db, &[]);
    let http = reqwest::Client::new();
    let url = format!("{}/v1/problems/{problem}/candidates", server.url);
    let body = json!({"candidates": [{"source": "int main(){}", "language": "c"}]});
    let anonymous = http.post(&url).json(&body).send().await?;
    assert_eq!(anonymous.status(), 401);
    assert_eq!(
        anonymous.headers()["content-type"],
        "application/problem+json"
    );
    let wrong = http
        .post(&url)
        .bearer_auth("sieve_not_a_key")
        .json(&body)
        .send()
        .await?;
    assert_eq!(wrong.status(), 401);
    let as_viewer = http
        .post(&url)
        .bearer_auth(&viewer)
        .json(&body)
        .send()
        .await?;
    assert_eq!(as_viewer.status(), 403, "viewers cannot post candidates");
    let posted = http
        .post(&url)
        .bearer_auth(&submitter)
        .json(&body)
        .send()
        .await?;
    assert_eq!(posted.status(), 201);
    let posted: Value = posted.json().await?;
    let id = posted["candidates"][0]["id"].as_str().expect("id");
    let read = http
        .get(format!("{}/v1/candidates/{id}", server.url))
        .bearer_auth(&viewer)
        .send()
        .await?;
    assert_eq!(read.status(), 200, "viewers read");
    let health = http.get(format!("{}/healthz", server.url)).send().await?;
    assert_eq!(health.status(), 200, "probes need no key");
    drop(server);
    db.drop_db().await?;
    Ok(())
}
