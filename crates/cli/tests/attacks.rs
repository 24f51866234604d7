//! What an attack-and-fault run against `sieve serve` found, each as a test that failed before
//! its fix: hidden tests told by per-test figures, bodies read before the role check, slow
//! clients holding the database's connections, the local mode reachable by other sites, axum's
//! own rejections in plain text, idempotency keys reused silently, unbounded K.

mod common;

use common::{create_key, serve_logged, serve_with, sieve_ok};
use serde_json::{Value, json};
use sieve_testkit::testing::TestDb;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Adds its inputs; on a large first number it first touches ~90 MB, so its memory tells the
/// input of the test it ran on.
const TELLS_BY_MEMORY: &str = "#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n\
int main(void){long long a,b;if(scanf(\"%lld %lld\",&a,&b)!=2)return 1;\
if(a>1000){char*p=malloc(a*30000);memset(p,1,a*30000);if(!p[a])return 2;}\
printf(\"%lld\\n\",a+b);return 0;}\n";

fn problem(contest: &str) -> Value {
    json!({
        "slug": "sum", "name": "A plus B", "contest_id": contest, "time_limit_ms": 2000,
        "memory_limit_mb": 256,
        "subtasks": [{"name": "small", "points": 40}, {"name": "all", "points": 60, "contains": [0]}],
        "tests": [
            {"name": "sample1", "kind": "public", "input": "1 2\n", "answer": "3\n", "subtasks": [0, 1]},
            {"name": "h1", "kind": "hidden", "input": "4 5\n", "answer": "9\n", "subtasks": [0, 1]},
            {"name": "h2", "kind": "hidden", "input": "3000 1\n", "answer": "3001\n", "subtasks": [1]}
        ]
    })
}

struct Api {
    http: reqwest::Client,
    base: String,
}

impl Api {
    async fn get(&self, path: &str, key: &str) -> anyhow::Result<reqwest::Response> {
        Ok(self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(key)
            .send()
            .await?)
    }

    async fn post(&self, path: &str, key: &str, body: &Value) -> anyhow::Result<reqwest::Response> {
        Ok(self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(key)
            .json(body)
            .send()
            .await?)
    }
}

/// A contest and the problem above, made by `admin`; the problem's id.
async fn setup(api: &Api, admin: &str) -> anyhow::Result<String> {
    let c: Value = api
        .post("/v1/contests", admin, &json!({"name": "c", "rules": "ioi"}))
        .await?
        .json()
        .await?;
    let cid = c["id"].as_str().expect("contest id");
    let p = api.post("/v1/problems", admin, &problem(cid)).await?;
    assert_eq!(p.status(), 201);
    let p: Value = p.json().await?;
    Ok(p["id"].as_str().expect("problem id").to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hidden_tests_figures_are_for_admins_only() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let (admin, submitter, viewer) = (
        create_key(&db, "admin"),
        create_key(&db, "submitter"),
        create_key(&db, "viewer"),
    );
    let server = serve_with(&db, &[]);
    let api = Api {
        http: reqwest::Client::new(),
        base: server.url.clone(),
    };
    let pid = setup(&api, &admin).await?;
    let posted: Value = api
        .post(
            &format!("/v1/problems/{pid}/candidates?judge=public,generated,hidden"),
            &submitter,
            &json!({"candidates": [{"source": TELLS_BY_MEMORY, "language": "c"}]}),
        )
        .await?
        .json()
        .await?;
    let id = posted["candidates"][0]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let deadline = Instant::now() + Duration::from_secs(180);
    let full = loop {
        let c: Value = api
            .get(&format!("/v1/candidates/{id}"), &admin)
            .await?
            .json()
            .await?;
        if c["results"]["hidden"]
            .as_array()
            .is_some_and(|h| h.len() == 2)
        {
            break c;
        }
        assert!(
            Instant::now() < deadline,
            "not judged on the hidden tests: {c}"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    };
    let peak = full["results"]["hidden"][1]["memory_kib"]
        .as_i64()
        .unwrap_or(0);
    assert!(
        peak > 80_000,
        "the admin sees the hidden test's memory: {full}"
    );
    assert_eq!(full["points"]["hidden"], 100.0, "{full}");

    for key in [&submitter, &viewer] {
        let c: Value = api
            .get(&format!("/v1/candidates/{id}"), key)
            .await?
            .json()
            .await?;
        assert!(
            c["results"].get("hidden").is_none(),
            "per-test hidden figures: {c}"
        );
        assert!(
            c["results"]["public"].is_array(),
            "public tests stay visible: {c}"
        );
        assert_eq!(c["subtasks"]["hidden"][0]["verdict"], "AC", "{c}");
        assert_eq!(c["subtasks"]["hidden"][1]["points"], 60.0, "{c}");
        assert_eq!(c["points"]["hidden"], 100.0, "{c}");

        let list: Value = api
            .get(&format!("/v1/problems/{pid}/candidates"), key)
            .await?
            .json()
            .await?;
        assert!(
            list["candidates"][0]["results"].get("hidden").is_none(),
            "{list}"
        );

        let r: Value = api
            .get(&format!("/v1/problems/{pid}/resources"), key)
            .await?
            .json()
            .await?;
        let high: u64 = r["memory_kib"]
            .as_array()
            .expect("buckets")
            .iter()
            .filter(|b| b["lo"].as_f64().unwrap_or(0.0) >= 64.0 * 1024.0)
            .map(|b| b["count"].as_u64().unwrap_or(0))
            .sum();
        assert_eq!(high, 0, "the memory peak of a hidden test shows: {r}");

        let test = api.get(&format!("/v1/problems/{pid}/tests/2"), key).await?;
        assert_eq!(test.status(), 403);
    }
    let list: Value = api
        .get(&format!("/v1/problems/{pid}/candidates"), &admin)
        .await?
        .json()
        .await?;
    assert_eq!(
        list["candidates"][0]["results"]["hidden"]["tests"], 2,
        "{list}"
    );
    let r: Value = api
        .get(&format!("/v1/problems/{pid}/resources"), &admin)
        .await?
        .json()
        .await?;
    assert!(r["memory_kib"].to_string().contains("\"count\":1"), "{r}");
    db.drop_db().await?;
    Ok(())
}

/// Sends `head` (request line and headers) and `body` on a raw connection, leaves it open, and
/// returns the connection.
async fn raw(addr: &str, head: &str, body: &[u8]) -> anyhow::Result<tokio::net::TcpStream> {
    let mut s = tokio::net::TcpStream::connect(addr).await?;
    s.write_all(head.as_bytes()).await?;
    s.write_all(body).await?;
    s.flush().await?;
    Ok(s)
}

async fn status_line(s: &mut tokio::net::TcpStream, within: Duration) -> anyhow::Result<String> {
    let mut buf = vec![0u8; 4096];
    let n = tokio::time::timeout(within, s.read(&mut buf)).await??;
    Ok(String::from_utf8_lossy(&buf[..n])
        .lines()
        .next()
        .unwrap_or("")
        .to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_role_is_checked_before_the_body_is_read_and_slow_bodies_hold_no_connection()
-> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let (admin, submitter, viewer) = (
        create_key(&db, "admin"),
        create_key(&db, "submitter"),
        create_key(&db, "viewer"),
    );
    let server = serve_logged(&db, &["--workers", "0"], None);
    let api = Api {
        http: reqwest::Client::new(),
        base: server.url.clone(),
    };
    let pid = setup(&api, &admin).await?;
    let addr = server.url.trim_start_matches("http://").to_string();

    // A viewer announces a 300 MB package and sends 10 bytes: refused at once, unread.
    let mut s = raw(
        &addr,
        &format!(
            "POST /v1/problems/package?format=kattis HTTP/1.1\r\nHost: {addr}\r\n\
             Authorization: Bearer {viewer}\r\nContent-Type: application/octet-stream\r\n\
             Content-Length: 300000000\r\n\r\n"
        ),
        b"0123456789",
    )
    .await?;
    let line = status_line(&mut s, Duration::from_secs(10)).await?;
    assert!(line.contains(" 403 "), "{line}");

    // 24 submitters start NDJSON posts and stall after one line. Before, each held one of the
    // pool's connections in an open transaction, and other requests failed.
    let line = format!(
        "{}\n",
        json!({"source": "int main(void){return 0;}", "language": "c"})
    );
    let mut stalled = Vec::new();
    for _ in 0..24 {
        stalled.push(
            raw(
                &addr,
                &format!(
                    "POST /v1/problems/{pid}/candidates HTTP/1.1\r\nHost: {addr}\r\n\
                     Authorization: Bearer {submitter}\r\nContent-Type: application/x-ndjson\r\n\
                     Transfer-Encoding: chunked\r\n\r\n"
                ),
                format!("{:x}\r\n{line}\r\n", line.len()).as_bytes(),
            )
            .await?,
        );
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let started = Instant::now();
    let other = tokio::time::timeout(
        Duration::from_secs(8),
        api.get(&format!("/v1/problems/{pid}/candidates"), &viewer),
    )
    .await??;
    assert_eq!(other.status(), 200, "{:?}", started.elapsed());
    let ready = api.get("/readyz", &viewer).await?;
    assert_eq!(ready.status(), 200);
    drop(stalled);
    db.drop_db().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_rejection_is_problem_json() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let admin = create_key(&db, "admin");
    let server = serve_logged(&db, &["--workers", "0"], None);
    let http = reqwest::Client::new();
    let url = |p: &str| format!("{}{p}", server.url);
    let cases: Vec<(&str, reqwest::RequestBuilder, u16, Option<&str>)> = vec![
        (
            "bad JSON",
            http.post(url("/v1/contests"))
                .bearer_auth(&admin)
                .header("content-type", "application/json")
                .body("{\"name\": "),
            400,
            None,
        ),
        (
            "a missing field",
            http.post(url("/v1/contests"))
                .bearer_auth(&admin)
                .json(&json!({"rules": "ioi"})),
            422,
            Some("/name"),
        ),
        (
            "a field of the wrong type",
            http.post(url("/v1/contests"))
                .bearer_auth(&admin)
                .json(&json!({"name": 7, "rules": "ioi"})),
            422,
            Some("/name"),
        ),
        (
            "a wrong content type",
            http.post(url("/v1/contests"))
                .bearer_auth(&admin)
                .header("content-type", "text/plain")
                .body("{}"),
            415,
            None,
        ),
        (
            "a bad UUID",
            http.get(url("/v1/problems/not-a-uuid")).bearer_auth(&admin),
            400,
            None,
        ),
        (
            "an unknown route",
            http.get(url("/v1/nothing-here")).bearer_auth(&admin),
            404,
            None,
        ),
        (
            "a wrong method",
            http.delete(url("/v1/contests")).bearer_auth(&admin),
            405,
            None,
        ),
        ("no key", http.get(url("/v1/contests")), 401, None),
    ];
    for (what, request, status, field) in cases {
        let resp = request.send().await?;
        assert_eq!(resp.status().as_u16(), status, "{what}");
        let headers = resp.headers().clone();
        assert_eq!(
            headers["content-type"], "application/problem+json",
            "{what}"
        );
        if status == 401 {
            assert!(headers.contains_key("www-authenticate"), "{what}");
        }
        if status == 405 {
            assert!(headers.contains_key("allow"), "{what}");
        }
        let body: Value = resp.json().await?;
        assert_eq!(body["status"], status, "{what}: {body}");
        assert!(
            body["detail"].as_str().is_some_and(|d| !d.is_empty()),
            "{what}: {body}"
        );
        if let Some(field) = field {
            assert_eq!(body["field"], field, "{what}: {body}");
        }
    }
    db.drop_db().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idempotency_keys_and_k_are_checked() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let (admin, submitter) = (create_key(&db, "admin"), create_key(&db, "submitter"));
    let server = serve_logged(&db, &["--workers", "0"], None);
    let api = Api {
        http: reqwest::Client::new(),
        base: server.url.clone(),
    };
    let pid = setup(&api, &admin).await?;
    let post = |source: &str| {
        json!({"candidates": [
            {"source": "int main(void){return 0;}", "language": "c", "idempotency_key": "k0"},
            {"source": source, "language": "c", "idempotency_key": "k1"}]})
    };
    let path = format!("/v1/problems/{pid}/candidates?judge=");
    let first = api
        .post(&path, &submitter, &post("int main(void){return 1;}"))
        .await?;
    assert_eq!(first.status(), 201);
    let again: Value = api
        .post(&path, &submitter, &post("int main(void){return 1;}"))
        .await?
        .json()
        .await?;
    assert_eq!(
        again["candidates"][1]["created"], false,
        "a retry is the same"
    );
    let other = api
        .post(&path, &submitter, &post("int main(void){return 2;}"))
        .await?;
    assert_eq!(other.status(), 409);
    let other: Value = other.json().await?;
    assert_eq!(other["field"], "/candidates/1/idempotency_key", "{other}");
    let list: Value = api
        .get(&format!("/v1/problems/{pid}/candidates"), &admin)
        .await?
        .json()
        .await?;
    assert_eq!(
        list["candidates"].as_array().map(Vec::len),
        Some(2),
        "nothing more stored"
    );

    let contest: Value = api
        .get(&format!("/v1/problems/{pid}"), &admin)
        .await?
        .json()
        .await?;
    let cid = contest["contest_id"].as_str().expect("contest").to_string();
    for k in [json!(0), json!(2_147_483_648u64)] {
        let sel = api
            .post(
                &format!("/v1/problems/{pid}/selections"),
                &submitter,
                &json!({"strategy": "random", "k": k}),
            )
            .await?;
        assert_eq!(sel.status(), 422, "selection k = {k}");
        let sim = api
            .post(
                &format!("/v1/contests/{cid}/simulations"),
                &submitter,
                &json!({"k": k}),
            )
            .await?;
        assert_eq!(sim.status(), 422, "simulation k = {k}");
        assert_eq!(sim.json::<Value>().await?["field"], "/k");
    }
    db.drop_db().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_local_mode_serves_loopback_hosts_and_refuses_cross_site_posts() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let server = serve_logged(&db, &["--workers", "0", "--local"], None);
    let http = reqwest::Client::new();
    let url = |p: &str| format!("{}{p}", server.url);
    // DNS rebinding: the browser sends the attacker's host name.
    let rebound = http
        .get(url("/v1/contests"))
        .header("host", "attacker.example:8080")
        .send()
        .await?;
    assert_eq!(rebound.status(), 403);
    let local = http
        .get(url("/v1/contests"))
        .header("host", "localhost")
        .send()
        .await?;
    assert_eq!(local.status(), 200);
    // A cross-site form or no-cors fetch can send text/plain (or no type) without a preflight.
    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        let mut req = http
            .post(url("/v1/contests"))
            .body(json!({"name": "csrf", "rules": "ioi"}).to_string());
        if let Some(t) = content_type {
            req = req.header("content-type", t);
        }
        let resp = req.send().await?;
        assert_eq!(resp.status(), 415, "{content_type:?}");
    }
    let listed: Value = http.get(url("/v1/contests")).send().await?.json().await?;
    assert_eq!(
        listed["contests"].as_array().map(Vec::len),
        Some(0),
        "{listed}"
    );
    let made = http
        .post(url("/v1/contests"))
        .json(&json!({"name": "ok", "rules": "ioi"}))
        .send()
        .await?;
    assert_eq!(made.status(), 201);
    db.drop_db().await?;
    Ok(())
}

/// Keys are listed without the keys themselves and revoked by id, through the API (admin) and
/// the CLI; a revoked key authenticates nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_are_listed_and_revoked() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let (admin, viewer) = (create_key(&db, "admin"), create_key(&db, "viewer"));
    let server = serve_logged(&db, &["--workers", "0"], None);
    let http = reqwest::Client::new();
    let url = |p: &str| format!("{}{p}", server.url);
    let listed = http.get(url("/v1/keys")).bearer_auth(&admin).send().await?;
    assert_eq!(listed.status(), 200);
    let text = listed.text().await?;
    assert!(!text.contains(&admin) && !text.contains(&viewer), "{text}");
    let keys: Value = serde_json::from_str(&text)?;
    let viewer_id = keys["keys"]
        .as_array()
        .and_then(|k| k.iter().find(|k| k["role"] == "viewer"))
        .map(|k| k["id"].as_str().unwrap_or_default().to_string())
        .expect("the viewer's key is listed");
    assert_eq!(keys["keys"].as_array().map(Vec::len), Some(2));
    // A viewer may not see them, nor revoke.
    let denied = http
        .get(url("/v1/keys"))
        .bearer_auth(&viewer)
        .send()
        .await?;
    assert_eq!(denied.status(), 403);
    assert_eq!(
        http.get(url("/v1/contests"))
            .bearer_auth(&viewer)
            .send()
            .await?
            .status(),
        200
    );
    let revoke = |id: String| {
        http.delete(url(&format!("/v1/keys/{id}")))
            .bearer_auth(&admin)
            .send()
    };
    assert_eq!(revoke(viewer_id.clone()).await?.status(), 204);
    assert_eq!(revoke(viewer_id.clone()).await?.status(), 204, "idempotent");
    let unknown = revoke("00000000-0000-0000-0000-000000000000".into()).await?;
    assert_eq!(unknown.status(), 404);
    let after = http
        .get(url("/v1/contests"))
        .bearer_auth(&viewer)
        .send()
        .await?;
    assert_eq!(after.status(), 401, "a revoked key authenticates nothing");
    // The CLI lists the same, revoked, and revokes by id.
    let out = sieve_ok(&db, &["keys", "list", "--json"]);
    let rows: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()?;
    let row = rows
        .iter()
        .find(|r| r["id"] == viewer_id.as_str())
        .expect("listed");
    assert!(row["revoked_at"].is_string(), "{row}");
    let admin_id = rows
        .iter()
        .find(|r| r["role"] == "admin")
        .and_then(|r| r["id"].as_str())
        .expect("admin listed")
        .to_string();
    sieve_ok(&db, &["keys", "revoke", &admin_id]);
    let gone = http.get(url("/v1/keys")).bearer_auth(&admin).send().await?;
    assert_eq!(gone.status(), 401);
    drop(server);
    db.drop_db().await?;
    Ok(())
}
