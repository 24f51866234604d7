//! The service end to end on a random port against a fresh database: import a problem, post
//! candidates over HTTP, let the in-process worker judge them, read the verdicts back.

use serde_json::{Value, json};
use sieve_store::Store;
use sieve_store::testing::TestDb;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

fn serve(db: &TestDb) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sieve"))
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--workers",
            "1",
            "--cache-dir",
        ])
        .arg(repo().join("target/sieve-test/cache"))
        .env("DATABASE_URL", &db.url)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start sieve serve");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let url = loop {
        let line = lines.next().expect("sieve serve exited").expect("line");
        if let Some(u) = line.strip_prefix("sieve is serving on ") {
            break u.trim_end_matches('/').to_string();
        }
    };
    Server { child, url }
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
    let missing = post(json!({"candidates": []}), uuid_nil()).await?;
    assert_eq!(missing.status(), 404);

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
