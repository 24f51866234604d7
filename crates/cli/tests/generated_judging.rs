//! Judging on generated tests, over HTTP: the service stops running a looping candidate's
//! generated tests after a few time-outs (the rest are skipped, so a pool's many generated tests stay
//! affordable) while a candidate that finishes runs all of them; and tests added later are
//! judged with the build the candidate already has, even after a toolchain change, so that all
//! its results come from one binary.

mod common;

use common::{serve_with, wait_for_event};
use serde_json::{Value, json};
use sieve_testkit::testing::TestDb;
use std::time::{Duration, Instant};

const SUM: &str = "#include <stdio.h>\nint main(void){long long a,b;if(scanf(\"%lld %lld\",&a,&b)!=2)return 1;printf(\"%lld\\n\",a+b);return 0;}\n";
// Right on the sample; loops forever when a is negative, as every generated test's a is.
const LOOPS: &str = "#include <stdio.h>\nint main(void){long long a,b;if(scanf(\"%lld %lld\",&a,&b)!=2)return 1;volatile long long s=0;while(a<0)s++;printf(\"%lld\\n\",a+b);return 0;}\n";

/// A problem with a sample, a hidden test and `generated` generated tests (negative a), its
/// `candidates` posted and judged on every kind; returns the problem's and candidates' ids.
async fn judged(
    http: &reqwest::Client,
    base: &str,
    generated: usize,
    candidates: &[&str],
) -> anyhow::Result<(String, Vec<String>)> {
    let url = |p: &str| format!("{base}{p}");
    let contest: Value = http
        .post(url("/v1/contests"))
        .json(&json!({"name": "gen", "rules": "ioi"}))
        .send()
        .await?
        .json()
        .await?;
    let mut tests = vec![
        json!({"name": "sample", "kind": "public", "input": "1 2\n", "answer": "3\n", "subtasks": [0]}),
        json!({"name": "h1", "kind": "hidden", "input": "4 5\n", "answer": "9\n", "subtasks": [0]}),
    ];
    for i in 1..=generated {
        tests.push(
            json!({"name": format!("gen{i}"), "kind": "generated", "input": format!("-{i} 1\n")}),
        );
    }
    let problem: Value = http
        .post(url("/v1/problems"))
        .json(&json!({
            "slug": "sum", "name": "A plus B", "contest_id": contest["id"], "time_limit_ms": 200,
            "subtasks": [{"name": "all", "points": 100}], "tests": tests
        }))
        .send()
        .await?
        .json()
        .await?;
    let pid = problem["id"].as_str().expect("problem id").to_string();
    let body: Vec<Value> = candidates
        .iter()
        .map(|s| json!({"source": s, "language": "c"}))
        .collect();
    let posted: Value = http
        .post(url(&format!(
            "/v1/problems/{pid}/candidates?judge=public,generated,hidden"
        )))
        .json(&json!({ "candidates": body }))
        .send()
        .await?
        .json()
        .await?;
    let events = http
        .get(url(&format!("/v1/problems/{pid}/events")))
        .send()
        .await?;
    let n = candidates.len();
    wait_for_event(events, Instant::now() + Duration::from_secs(120), |p| {
        p["done"] == true && p["judged_generated"] == n && p["judged_hidden"] == n
    })
    .await?;
    let ids = (0..n)
        .map(|i| {
            posted["candidates"][i]["id"]
                .as_str()
                .unwrap_or("")
                .to_string()
        })
        .collect();
    Ok((pid, ids))
}

async fn view(http: &reqwest::Client, base: &str, id: &str) -> anyhow::Result<Value> {
    Ok(http
        .get(format!("{base}/v1/candidates/{id}"))
        .send()
        .await?
        .json()
        .await?)
}

fn verdicts(c: &Value, kind: &str) -> Vec<String> {
    c["results"][kind]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|r| r["verdict"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_looping_candidate_stops_after_three_time_outs() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let server = serve_with(&db, &["--local"]);
    let http = reqwest::Client::new();
    let (_, ids) = judged(&http, &server.url, 6, &[SUM, LOOPS]).await?;
    let sum = view(&http, &server.url, &ids[0]).await?;
    assert_eq!(verdicts(&sum, "generated"), vec!["OK"; 6], "all run: {sum}");
    let loops = view(&http, &server.url, &ids[1]).await?;
    assert_eq!(
        verdicts(&loops, "generated"),
        ["TLE", "TLE", "TLE", "SK", "SK", "SK"],
        "three time-outs, then the rest are skipped"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tests_added_later_are_judged_with_the_candidates_build() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let server = serve_with(&db, &["--local"]);
    let http = reqwest::Client::new();
    let (pid, ids) = judged(&http, &server.url, 1, &[SUM]).await?;

    // As if the candidate had been built by an older toolchain: its build, and every result,
    // under another key (the current toolchain's key for the source is gone).
    let old: Vec<u8> = (0..32u8).collect();
    let mut tx = db.pool.begin().await?;
    let current: Vec<u8> = sqlx::query_scalar("SELECT build_key FROM candidates")
        .fetch_one(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO builds (key, source_hash, language, toolchain, ok, module_hash, message)
         SELECT $1, source_hash, language, 'older', ok, module_hash, message FROM builds WHERE key = $2",
    )
    .bind(&old)
    .bind(&current)
    .execute(&mut *tx)
    .await?;
    for table in ["results", "candidates"] {
        sqlx::query(&format!(
            "UPDATE {table} SET build_key = $1 WHERE build_key = $2"
        ))
        .bind(&old)
        .bind(&current)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("DELETE FROM builds WHERE key = $1")
        .bind(&current)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;

    let added = http
        .post(format!("{}/v1/problems/{pid}/tests", server.url))
        .json(&json!({"tests": [{"name": "gen2", "kind": "generated", "input": "-7 9\n"}]}))
        .send()
        .await?;
    assert_eq!(added.status(), 201);
    let deadline = Instant::now() + Duration::from_secs(60);
    let c = loop {
        let c = view(&http, &server.url, &ids[0]).await?;
        if verdicts(&c, "generated").len() == 2 {
            break c;
        }
        assert!(Instant::now() < deadline, "not judged again: {c}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(verdicts(&c, "public"), ["AC"], "{c}");
    assert_eq!(verdicts(&c, "hidden"), ["AC"], "{c}");
    let key: Vec<u8> = sqlx::query_scalar("SELECT build_key FROM candidates")
        .fetch_one(&db.pool)
        .await?;
    assert_eq!(key, old, "the candidate keeps its build");
    Ok(())
}
