//! Live selection sessions over HTTP: sieve proposes a submission, the client reports what the
//! contest said, and the next proposal takes it into account, until the problem is solved or K
//! is used; feedback for the wrong submission or of the wrong shape is refused.

mod common;

use common::{create_key, serve_logged, wait_for_event};
use serde_json::{Value, json};
use sieve_testkit::testing::TestDb;
use std::collections::HashMap;
use std::time::{Duration, Instant};

const SUM: &str = "#include <stdio.h>\nint main(void){long long a,b;scanf(\"%lld %lld\",&a,&b);printf(\"%lld\\n\",a+b);return 0;}\n";
// Right below 1000 only: the first subtask's points, not the second's.
const SMALL: &str = "#include <stdio.h>\nint main(void){long long a,b;scanf(\"%lld %lld\",&a,&b);printf(\"%lld\\n\",a+b<1000?a+b:0);return 0;}\n";
const SMALL2: &str = "#include <stdio.h>\nint main(void){int a,b;scanf(\"%d %d\",&a,&b);printf(\"%d\\n\",a+b<1000?a+b:0);return 0;}\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_take_the_contests_feedback_one_submission_at_a_time() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let key = create_key(&db, "admin");
    let server = serve_logged(&db, &["--workers", "1"], None);
    let http = reqwest::Client::new();
    let url = |p: &str| format!("{}{p}", server.url);
    let post = |path: String, body: Value| {
        let (http, key, u) = (http.clone(), key.clone(), url(&path));
        async move { http.post(u).bearer_auth(key).json(&body).send().await }
    };
    let p: Value = post(
        "/v1/problems".into(),
        json!({
            "slug": "sum", "name": "A plus B", "time_limit_ms": 1000,
            "subtasks": [{"name": "small", "points": 40}, {"name": "all", "points": 60, "contains": [0]}],
            "tests": [
                {"name": "s1", "kind": "public", "input": "1 2\n", "answer": "3\n", "subtasks": [0, 1]},
                {"name": "g1", "kind": "generated", "input": "3 4\n", "subtasks": [0, 1]},
                {"name": "g2", "kind": "generated", "input": "600 700\n", "subtasks": [1]}
            ]
        }),
    )
    .await?
    .json()
    .await?;
    let pid = p["id"].as_str().unwrap_or_default().to_string();
    let sources: Vec<Value> = [SMALL, SMALL2, SUM]
        .iter()
        .map(|s| json!({"source": s, "language": "c"}))
        .collect();
    let posted: Value = post(
        format!("/v1/problems/{pid}/candidates"),
        json!({ "candidates": sources }),
    )
    .await?
    .json()
    .await?;
    // What the real contest would say of each: the fraction of each subtask earned.
    let truth: HashMap<String, [f64; 2]> = [[1.0, 0.0], [1.0, 0.0], [1.0, 1.0]]
        .iter()
        .enumerate()
        .map(|(i, t)| {
            (
                posted["candidates"][i]["id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                *t,
            )
        })
        .collect();
    let events = http
        .get(url(&format!("/v1/problems/{pid}/events")))
        .bearer_auth(&key)
        .send()
        .await?;
    wait_for_event(events, Instant::now() + Duration::from_secs(120), |e| {
        e["done"] == true && e["judged_generated"] == 3
    })
    .await?;

    // IOI: every proposal is new, feedback of the wrong kind is refused, and the session ends
    // once both subtasks are solved (which strategy picks what is tested in `selection`).
    let start = post(
        format!("/v1/problems/{pid}/sessions"),
        json!({"strategy": "sieve", "k": 3}),
    )
    .await?;
    assert_eq!(start.status(), 201);
    let mut s: Value = start.json().await?;
    let sid = s["id"].as_str().unwrap_or_default().to_string();
    assert_eq!(s["rules"], "ioi");
    let mut seen = Vec::new();
    while let Some(next) = s["next"].as_object().cloned() {
        let c = next["candidate_id"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert!(!seen.contains(&c), "proposed twice: {c}");
        assert_eq!(next["rank"], seen.len() + 1);
        seen.push(c.clone());
        if seen.len() == 1 {
            // Feedback for another candidate than the awaited one, or of the wrong shape.
            let other = truth.keys().find(|k| **k != c).cloned().unwrap_or_default();
            let r = post(
                format!("/v1/sessions/{sid}/feedback"),
                json!({"candidate_id": other, "subtasks": [1.0, 1.0]}),
            )
            .await?;
            assert_eq!(r.status(), 409);
            let r = post(
                format!("/v1/sessions/{sid}/feedback"),
                json!({"candidate_id": c, "subtasks": [1.0]}),
            )
            .await?;
            assert_eq!(r.status(), 422);
            assert_eq!(r.json::<Value>().await?["field"], "/subtasks");
        }
        let r = post(
            format!("/v1/sessions/{sid}/feedback"),
            json!({"candidate_id": c, "subtasks": truth[&c]}),
        )
        .await?;
        assert_eq!(r.status(), 200);
        s = r.json().await?;
    }
    assert_eq!(s["done"], true);
    let last = seen.last().cloned().unwrap_or_default();
    assert_eq!(
        truth[&last],
        [1.0, 1.0],
        "it stops once everything is solved: {s}"
    );
    assert!(seen.len() <= 3, "within K: {seen:?}");
    let again = post(
        format!("/v1/sessions/{sid}/feedback"),
        json!({"candidate_id": last, "subtasks": [1.0, 1.0]}),
    )
    .await?;
    assert_eq!(again.status(), 409, "the session is over");
    let stored: Value = http
        .get(url(&format!("/v1/sessions/{sid}")))
        .bearer_auth(&key)
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(
        stored, s,
        "the stored session is what the last step answered"
    );

    // Codeforces: accepted or not, nothing more; a rejection moves on to another candidate.
    let mut s: Value = post(
        format!("/v1/problems/{pid}/sessions"),
        json!({"strategy": "alphacode", "k": 3, "rules": "codeforces"}),
    )
    .await?
    .json()
    .await?;
    let sid = s["id"].as_str().unwrap_or_default().to_string();
    let mut rejected = 0;
    while let Some(next) = s["next"].as_object().cloned() {
        let c = next["candidate_id"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let ok = truth[&c] == [1.0, 1.0];
        let r = post(
            format!("/v1/sessions/{sid}/feedback"),
            json!({"candidate_id": c, "accepted": ok}),
        )
        .await?;
        assert_eq!(r.status(), 200);
        s = r.json().await?;
        if !ok {
            rejected += 1;
        }
    }
    assert!(
        rejected <= 1,
        "one rejection tells the SMALL cluster apart: {s}"
    );
    let bad = post(
        format!("/v1/problems/{pid}/sessions"),
        json!({"strategy": "sieve", "rules": "acm"}),
    )
    .await?;
    assert_eq!(bad.status(), 422);
    assert_eq!(bad.json::<Value>().await?["field"], "/rules");
    let bad = post(
        format!("/v1/problems/{pid}/sessions"),
        json!({"strategy": "sieve", "scorer": "nope"}),
    )
    .await?;
    assert_eq!(bad.status(), 422);
    assert_eq!(bad.json::<Value>().await?["field"], "/scorer");
    Ok(())
}
