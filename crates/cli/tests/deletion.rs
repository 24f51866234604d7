//! Deleting through the API: candidates, problems and contests (admin), what a picked candidate
//! needs, and problem+json answers naming the field at fault.

mod common;

use common::{create_key, serve_logged, wait_for_event};
use serde_json::{Value, json};
use sieve_testkit::testing::TestDb;
use std::time::{Duration, Instant};

const SUM: &str = "#include <stdio.h>\nint main(void){long long a,b;scanf(\"%lld %lld\",&a,&b);printf(\"%lld\\n\",a+b);}\n";
const DIFF: &str = "#include <stdio.h>\nint main(void){long long a,b;scanf(\"%lld %lld\",&a,&b);printf(\"%lld\\n\",a-b);}\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn candidates_problems_and_contests_are_deleted_with_what_is_theirs() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let (admin, viewer) = (create_key(&db, "admin"), create_key(&db, "viewer"));
    let server = serve_logged(&db, &["--workers", "1"], None);
    let http = reqwest::Client::new();
    let url = |p: &str| format!("{}{p}", server.url);
    let contest: Value = http
        .post(url("/v1/contests"))
        .bearer_auth(&admin)
        .json(&json!({"name": "c", "rules": "ioi"}))
        .send()
        .await?
        .json()
        .await?;
    let cid = contest["id"].as_str().expect("contest id").to_string();
    let p: Value = http
        .post(url("/v1/problems"))
        .bearer_auth(&admin)
        .json(
            &json!({"slug": "sum", "time_limit_ms": 1000, "contest_id": cid,
            "tests": [{"name": "s", "kind": "public", "input": "1 2\n", "answer": "3\n"},
                      {"name": "h", "kind": "hidden", "input": "4 5\n", "answer": "9\n"}]}),
        )
        .send()
        .await?
        .json()
        .await?;
    let pid = p["id"].as_str().expect("problem id").to_string();
    let posted: Value = http
        .post(url(&format!("/v1/problems/{pid}/candidates")))
        .bearer_auth(&admin)
        .json(&json!({"candidates": [{"source": SUM, "language": "c"},
                                     {"source": DIFF, "language": "c"}]}))
        .send()
        .await?
        .json()
        .await?;
    let id = |i: usize| posted["candidates"][i]["id"].as_str().unwrap().to_string();
    let (sum, diff) = (id(0), id(1));
    let events = http
        .get(url(&format!("/v1/problems/{pid}/events")))
        .bearer_auth(&admin)
        .send()
        .await?;
    wait_for_event(events, Instant::now() + Duration::from_secs(120), |e| {
        e["done"] == true && e["judged_public"] == 2
    })
    .await?;
    let selection = http
        .post(url(&format!("/v1/problems/{pid}/selections")))
        .bearer_auth(&admin)
        .json(&json!({"strategy": "sieve", "k": 1}))
        .send()
        .await?;
    assert!(
        selection.status().is_success(),
        "{}",
        selection.text().await?
    );

    let delete = |path: String, key: &str| http.delete(url(&path)).bearer_auth(key).send();
    let problem_json = |r: &reqwest::Response| {
        r.headers()
            .get("content-type")
            .is_some_and(|v| v.as_bytes() == b"application/problem+json")
    };

    // Viewers cannot; unknown ids and parameters are named.
    let r = delete(format!("/v1/candidates/{diff}"), &viewer).await?;
    assert_eq!(r.status(), 403);
    assert!(problem_json(&r));
    let r = delete(format!("/v1/candidates/{}", uuid::Uuid::nil()), &admin).await?;
    assert_eq!(r.status(), 404);
    assert!(problem_json(&r));
    let r = delete(format!("/v1/candidates/{diff}?forse=true"), &admin).await?;
    assert_eq!(r.status(), 400);
    assert!(problem_json(&r));

    // The wrong one was never picked: it goes, its own build and source with it.
    let r = delete(format!("/v1/candidates/{diff}"), &admin).await?;
    assert_eq!(r.status(), 200);
    let gone: Value = r.json().await?;
    assert_eq!(gone["candidates"], 1);
    assert_eq!(gone["results"], 1, "its public result: {gone}");
    assert_eq!(gone["builds"], 1, "{gone}");
    assert!(
        gone["blobs"].as_u64() >= Some(2),
        "source and module: {gone}"
    );
    let r = http
        .get(url(&format!("/v1/candidates/{diff}")))
        .bearer_auth(&admin)
        .send()
        .await?;
    assert_eq!(r.status(), 404);

    // The picked one needs force.
    let r = delete(format!("/v1/candidates/{sum}"), &admin).await?;
    assert_eq!(r.status(), 409);
    assert!(problem_json(&r));
    let body: Value = r.json().await?;
    assert!(
        body["detail"].as_str().unwrap_or("").contains("force=true"),
        "{body}"
    );
    let r = delete(format!("/v1/candidates/{sum}?force=true"), &admin).await?;
    assert_eq!(r.status(), 200);

    // A problem goes with its tests; its contest keeps nothing of it.
    let r = delete(format!("/v1/problems/{pid}"), &admin).await?;
    assert_eq!(r.status(), 200);
    let gone: Value = r.json().await?;
    assert_eq!(gone["problems"], 1);
    assert!(
        gone["blobs"].as_u64() >= Some(4),
        "two inputs and answers: {gone}"
    );
    let r = http
        .get(url(&format!("/v1/problems/{pid}")))
        .bearer_auth(&admin)
        .send()
        .await?;
    assert_eq!(r.status(), 404);
    let r = delete(format!("/v1/problems/{pid}"), &admin).await?;
    assert_eq!(r.status(), 404);

    let r = delete(format!("/v1/contests/{cid}?with_problems=true"), &admin).await?;
    assert_eq!(r.status(), 200);
    let r = delete(format!("/v1/contests/{cid}"), &admin).await?;
    assert_eq!(r.status(), 404);
    let blobs: i64 = sqlx::query_scalar("SELECT count(*) FROM blobs")
        .fetch_one(&db.pool)
        .await?;
    assert_eq!(blobs, 0, "nothing is left to name a blob");

    // What no deletion left behind, `sieve db gc` collects.
    sqlx::query("INSERT INTO blobs (hash, size, data) VALUES ($1, 5, 'stray')")
        .bind(&blake3::hash(b"stray").as_bytes()[..])
        .execute(&db.pool)
        .await?;
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sieve"))
        .args(["db", "gc", "--json"])
        .env("DATABASE_URL", &db.url)
        .output()?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let swept: Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(
        (swept["blobs"].as_u64(), swept["blob_bytes"].as_u64()),
        (Some(1), Some(5))
    );
    Ok(())
}
