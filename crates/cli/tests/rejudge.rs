//! Rejudging through the API: results dropped and judged again by the workers, for chosen kinds
//! and candidates, or rebuilt; bad requests name their field.

mod common;

use common::{create_key, serve_logged, wait_for_event};
use serde_json::{Value, json};
use sieve_testkit::testing::TestDb;
use std::time::{Duration, Instant};

const SUM: &str = "#include <stdio.h>\nint main(void){long long a,b;scanf(\"%lld %lld\",&a,&b);printf(\"%lld\\n\",a+b);}\n";
// Wrong (a - b), and says what it does on its stderr.
const DIFF: &str = "#include <stdio.h>\nint main(void){long long a,b;scanf(\"%lld %lld\",&a,&b);fprintf(stderr,\"diff of %lld and %lld\\n\",a,b);printf(\"%lld\\n\",a-b);}\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn candidates_are_judged_again_on_request() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let (admin, viewer) = (create_key(&db, "admin"), create_key(&db, "viewer"));
    let server = serve_logged(&db, &["--workers", "1"], None);
    let http = reqwest::Client::new();
    let url = |p: &str| format!("{}{p}", server.url);
    let p: Value = http
        .post(url("/v1/problems"))
        .bearer_auth(&admin)
        .json(&json!({"slug": "sum", "time_limit_ms": 1000,
            "tests": [{"name": "s", "kind": "public", "input": "1 2\n", "answer": "3\n"},
                      {"name": "h", "kind": "hidden", "input": "4 5\n", "answer": "9\n"}]}))
        .send()
        .await?
        .json()
        .await?;
    let pid = p["id"].as_str().expect("id").to_string();
    let posted: Value = http
        .post(url(&format!(
            "/v1/problems/{pid}/candidates?judge=public,hidden&keep_going=true"
        )))
        .bearer_auth(&admin)
        .json(&json!({"candidates": [{"source": SUM, "language": "c"},
                                     {"source": DIFF, "language": "c"}]}))
        .send()
        .await?
        .json()
        .await?;
    let ids: Vec<String> = (0..2)
        .map(|i| {
            posted["candidates"][i]["id"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    let done = |hidden: u64| {
        let (http, url) = (http.clone(), url(&format!("/v1/problems/{pid}/events")));
        let admin = admin.clone();
        async move {
            let events = http.get(url).bearer_auth(&admin).send().await?;
            wait_for_event(events, Instant::now() + Duration::from_secs(120), |e| {
                e["done"] == true && e["judged_public"] == 2 && e["judged_hidden"] == hidden
            })
            .await
        }
    };
    done(2).await?;
    let jobs = || async {
        let m = http.get(url("/metrics")).send().await?.text().await?;
        let n = m
            .lines()
            .find_map(|l| l.strip_prefix("sieve_queue_jobs{kind=\"judge\",state=\"done\"} "))
            .and_then(|v| v.trim().parse::<u64>().ok())
            .unwrap_or(0);
        anyhow::Ok(n)
    };
    let before = jobs().await?;
    // Until `n` more judging jobs are done (the queue is the truth; a progress snapshot taken
    // before the rejudge could say done).
    let judged = |n: u64| {
        let jobs = &jobs;
        async move {
            let deadline = Instant::now() + Duration::from_secs(120);
            while jobs().await? - before < n {
                anyhow::ensure!(Instant::now() < deadline, "the jobs were not judged");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            anyhow::Ok(())
        }
    };
    let rejudge = |body: Value| {
        http.post(url(&format!("/v1/problems/{pid}/rejudge")))
            .bearer_auth(&admin)
            .json(&body)
            .send()
    };
    // The hidden tests of one candidate: its hidden results go, and come back.
    let r = rejudge(json!({"kinds": ["hidden"], "candidates": [ids[1]]})).await?;
    assert_eq!(r.status(), 202);
    assert_eq!(r.json::<Value>().await?["queued"], 1);
    judged(1).await?;
    done(2).await?;
    let c: Value = http
        .get(url(&format!("/v1/candidates/{}", ids[1])))
        .bearer_auth(&admin)
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(c["results"]["hidden"][0]["verdict"], "WA", "{c}");
    // Why it failed is kept per kind: the checker's message and the end of its stderr.
    let public = &c["failures"]["public"];
    assert_eq!(public["verdict"], "WA", "{c}");
    assert_eq!(public["name"], "s");
    assert!(
        public["message"]
            .as_str()
            .is_some_and(|m| m.contains("expected")),
        "{public}"
    );
    assert_eq!(public["stderr"], "diff of 1 and 2\n");
    assert_eq!(c["failures"]["hidden"]["stderr"], "diff of 4 and 5\n");
    let seen: Value = http
        .get(url(&format!("/v1/candidates/{}", ids[1])))
        .bearer_auth(&viewer)
        .send()
        .await?
        .json()
        .await?;
    assert!(seen["failures"]["public"].is_object(), "{seen}");
    assert!(
        seen["failures"].get("hidden").is_none(),
        "a hidden test's message may quote its answer: {seen}"
    );
    // Everything, rebuilt: both candidates built and judged again on both kinds.
    let r = rejudge(json!({"rebuild": true})).await?;
    assert_eq!(r.json::<Value>().await?["queued"], 2);
    judged(3).await?;
    done(2).await?;
    let c: Value = http
        .get(url(&format!("/v1/candidates/{}", ids[0])))
        .bearer_auth(&admin)
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(c["build"]["ok"], true, "{c}");
    assert_eq!(c["points"]["hidden"], 100.0, "{c}");
    // Bad requests name the field at fault; nothing is dropped.
    let bad = rejudge(json!({"kinds": ["public", "secret"]})).await?;
    assert_eq!(bad.status(), 422);
    assert_eq!(bad.json::<Value>().await?["field"], "/kinds/1");
    let other = rejudge(json!({"candidates": ["00000000-0000-0000-0000-000000000000"]})).await?;
    assert_eq!(other.status(), 422);
    assert_eq!(other.json::<Value>().await?["field"], "/candidates/0");
    assert_eq!(
        jobs().await? - before,
        3,
        "nothing queued by a refused request"
    );
    drop(server);
    db.drop_db().await?;
    Ok(())
}
