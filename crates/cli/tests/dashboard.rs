//! The dashboard: its JSON read models on a judged contest whose numbers are known from the
//! programs posted, then the pages in headless Chromium against the same server (a viewer's key
//! in the cookie): the funnel shows the API's numbers, charts render, a candidate page opens,
//! and the console stays free of errors. Screenshots are kept under `target/sieve-test/`.

mod common;

use common::{create_key, repo, serve_logged, wait_for_event};
use serde_json::{Value, json};
use sieve_testkit::testing::TestDb;
use std::time::{Duration, Instant};

#[path = "dashboard/browser.rs"]
mod browser;

const SUM: &str = "#include <stdio.h>\nint main(void){long long a,b;if(scanf(\"%lld %lld\",&a,&b)!=2)return 1;printf(\"%lld\\n\",a+b);return 0;}\n";
// Another source with the same outputs everywhere: the same cluster as SUM.
const SUM2: &str = "#include <stdio.h>\n/* same answer, other text */\nint main(void){long long a,b;scanf(\"%lld %lld\",&a,&b);printf(\"%lld\\n\",b+a);return 0;}\n";
// Right below 1000 only: it agrees with SUM on gen1 and scores the first subtask.
const SMALL: &str = "#include <stdio.h>\nint main(void){long long a,b;scanf(\"%lld %lld\",&a,&b);printf(\"%lld\\n\",a+b<1000?a+b:0);return 0;}\n";
// Traps on negative input (gen1), right otherwise.
const TRAPS: &str = "#include <stdio.h>\nint main(void){long long a,b;scanf(\"%lld %lld\",&a,&b);if(a<0)__builtin_trap();printf(\"%lld\\n\",a+b);return 0;}\n";
const DIFF: &str = "#include <stdio.h>\nint main(void){long long a,b;scanf(\"%lld %lld\",&a,&b);printf(\"%lld\\n\",a-b);return 0;}\n";
const BROKEN: &str = "int main( {";

fn problem(contest: &str) -> Value {
    json!({
        "slug": "sum", "name": "A plus B", "contest_id": contest, "time_limit_ms": 1000,
        "subtasks": [{"name": "small", "points": 40}, {"name": "all", "points": 60, "contains": [0]}],
        "tests": [
            {"name": "sample1", "kind": "public", "input": "1 2\n", "answer": "3\n", "subtasks": [0, 1]},
            {"name": "gen1", "kind": "generated", "input": "-5 3\n", "subtasks": [0, 1]},
            {"name": "gen2", "kind": "generated", "input": "600 700\n", "subtasks": [1]},
            {"name": "h1", "kind": "hidden", "input": "4 5\n", "answer": "9\n", "subtasks": [0, 1]},
            {"name": "h2", "kind": "hidden", "input": "7431958 2604417\n", "answer": "10036375\n", "subtasks": [1]}
        ]
    })
}

struct Api {
    http: reqwest::Client,
    base: String,
    key: String,
}

impl Api {
    async fn get(&self, path: &str) -> anyhow::Result<Value> {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.key)
            .send()
            .await?;
        anyhow::ensure!(r.status() == 200, "GET {path}: {}", r.status());
        Ok(r.json().await?)
    }

    async fn post(&self, path: &str, body: Value) -> anyhow::Result<Value> {
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.key)
            .json(&body)
            .send()
            .await?;
        anyhow::ensure!(r.status().is_success(), "POST {path}: {}", r.status());
        Ok(r.json().await?)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_over_a_judged_contest() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let (admin, viewer) = (create_key(&db, "admin"), create_key(&db, "viewer"));
    let server = serve_logged(&db, &["--workers", "1"], None);
    let api = Api {
        http: reqwest::Client::new(),
        base: server.url.clone(),
        key: admin,
    };
    let contest = api
        .post("/v1/contests", json!({"name": "dash", "rules": "ioi"}))
        .await?;
    let cid = contest["id"].as_str().unwrap_or_default().to_string();
    let p = api.post("/v1/problems", problem(&cid)).await?;
    let pid = p["id"].as_str().unwrap_or_default().to_string();
    let sources = [SUM, SUM2, SMALL, TRAPS, DIFF, BROKEN];
    let posted = api
        .post(
            &format!("/v1/problems/{pid}/candidates?judge=public,generated,hidden"),
            json!({"candidates": sources.iter().map(|s| json!({"source": s, "language": "c"})).collect::<Vec<_>>()}),
        )
        .await?;
    let ids: Vec<String> = (0..sources.len())
        .map(|i| {
            posted["candidates"][i]["id"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    let events = api
        .http
        .get(format!("{}/v1/contests/{cid}/events", api.base))
        .bearer_auth(&viewer)
        .send()
        .await?;
    assert_eq!(events.status(), 200, "the contest's stream, for a viewer");
    let done = wait_for_event(events, Instant::now() + Duration::from_secs(240), |e| {
        e["done"] == true && e["candidates"] == 6
    })
    .await?;
    assert_eq!(done["problem_id"], pid.as_str());
    assert_eq!(done["compiled"], 5);

    // The funnel, stage by stage, from what the programs do.
    let funnel = api.get(&format!("/v1/problems/{pid}/funnel")).await?;
    assert_eq!(funnel["posted"], 6);
    assert_eq!(funnel["compiled"], 5, "all but the broken one");
    assert_eq!(funnel["passed_public"], 4, "all but DIFF");
    // On (gen1, gen2): SUM = SUM2 = (-2, 1300), SMALL (-2, 0), TRAPS (crash, 1300).
    assert_eq!(funnel["clusters"], 3);
    assert_eq!(funnel["selected"], 0, "nothing selected yet");

    let verdicts = api.get(&format!("/v1/problems/{pid}/verdicts")).await?;
    let kind = |k: &str| {
        verdicts["kinds"]
            .as_array()
            .and_then(|a| a.iter().find(|x| x["kind"] == k).cloned())
            .unwrap_or_default()
    };
    assert_eq!(kind("public")["outcomes"], json!({"AC": 4, "WA": 1}));
    assert_eq!(kind("public")["tests"], 1);
    assert_eq!(kind("generated")["tests"], 2);
    assert_eq!(kind("generated")["outcomes"]["RE"], 1, "TRAPS on gen1");
    // Hidden: SMALL fails h2, DIFF fails h1; the rest pass.
    assert_eq!(kind("hidden")["outcomes"], json!({"AC": 3, "WA": 2}));

    let res = api.get(&format!("/v1/problems/{pid}/resources")).await?;
    assert_eq!(res["candidates"], 5);
    assert_eq!(res["time_limit_ms"], 1000.0);
    for h in ["time_ms", "memory_kib"] {
        let counts: Vec<u64> = res[h]
            .as_array()
            .map(|b| b.iter().filter_map(|x| x["count"].as_u64()).collect())
            .unwrap_or_default();
        assert_eq!(
            counts.iter().sum::<u64>(),
            5,
            "{h}: each judged candidate once"
        );
        assert_eq!(counts.last(), Some(&0), "{h}: nothing over the limit");
    }

    let all = api.get(&format!("/v1/problems/{pid}/clusters")).await?;
    let sizes: Vec<u64> = all["clusters"]
        .as_array()
        .map(|c| c.iter().filter_map(|x| x["size"].as_u64()).collect())
        .unwrap_or_default();
    // DIFF failed the public test, so the workers never ran it on the generated ones.
    assert_eq!(sizes, vec![2, 1, 1], "{all}");
    assert_eq!(all["clustered"], 4);
    assert_eq!(all["tests"], 2);
    let top = &all["clusters"][0];
    let mut members: Vec<&str> = top["members"]
        .as_array()
        .map(|m| m.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    members.sort();
    let mut expected = vec![ids[0].as_str(), ids[1].as_str()];
    expected.sort();
    assert_eq!(members, expected);
    assert_eq!(top["hidden_points"], 100.0);
    // On the first subtask's generated test (gen1) alone, SMALL joins SUM and SUM2.
    let first = api
        .get(&format!("/v1/problems/{pid}/clusters?subtask=0"))
        .await?;
    assert_eq!(first["clusters"][0]["size"], 3);
    assert_eq!(
        first["clusters"][0]["hidden_points"], 80.0,
        "(100 + 100 + 40) / 3"
    );
    let bad = api
        .http
        .get(format!("{}/v1/problems/{pid}/clusters?subtask=7", api.base))
        .bearer_auth(&api.key)
        .send()
        .await?;
    assert_eq!(bad.status(), 422);

    // A selection: the funnel's last stages follow it.
    let sel = api
        .post(
            &format!("/v1/problems/{pid}/selections"),
            json!({"strategy": "alphacode", "k": 2}),
        )
        .await?;
    let listed = api.get(&format!("/v1/problems/{pid}/selections")).await?;
    assert_eq!(listed["selections"][0]["id"], sel["id"]);
    let picks = listed["selections"][0]["picks"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(picks.len(), 2);
    let mut accepted = 0;
    for pick in &picks {
        let c = api
            .get(&format!(
                "/v1/candidates/{}",
                pick["candidate_id"].as_str().unwrap_or_default()
            ))
            .await?;
        let all_ac = c["results"]["hidden"]
            .as_array()
            .is_some_and(|r| r.iter().all(|t| t["verdict"] == "AC"));
        assert_eq!(pick["hidden_accepted"], all_ac);
        assert_eq!(pick["hidden_points"], c["points"]["hidden"]);
        accepted += all_ac as u64;
    }
    let funnel = api.get(&format!("/v1/problems/{pid}/funnel")).await?;
    assert_eq!(funnel["selected"], 2);
    assert_eq!(funnel["accepted_hidden"], accepted);
    assert_eq!(funnel["selection_id"], sel["id"]);

    // Simulations at two K: listed newest first, with per-subtask means that add up.
    for k in [1, 2] {
        api.post(
            &format!("/v1/contests/{cid}/simulations"),
            json!({"strategies": ["random", "alphacode", "sieve"], "k": k, "seeds": 5}),
        )
        .await?;
    }
    let sims = api.get(&format!("/v1/contests/{cid}/simulations")).await?;
    let list = sims["simulations"].as_array().cloned().unwrap_or_default();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["report"]["k"], 2, "newest first");
    let prob = &list[0]["report"]["problems"][0];
    assert_eq!(prob["subtasks"][0]["name"], "small");
    for s in prob["strategies"].as_array().cloned().unwrap_or_default() {
        let parts: f64 = s["subtask_means"]
            .as_array()
            .map(|m| m.iter().filter_map(Value::as_f64).sum())
            .unwrap_or(-1.0);
        let mean = s["mean"].as_f64().unwrap_or_default();
        assert!(
            (parts - mean).abs() < 1e-6,
            "{s}: subtasks add up to the mean"
        );
    }
    let sim_id = list[0]["id"].as_str().unwrap_or_default().to_string();

    // The pages: one shell with a strict policy, modules from this origin, nothing else.
    let page = api
        .http
        .get(format!("{}/problems/{pid}", api.base))
        .send()
        .await?;
    assert_eq!(page.status(), 200);
    let csp = page.headers()["content-security-policy"]
        .to_str()?
        .to_string();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(page.text().await?.contains("/assets/app.js"));
    let js = api
        .http
        .get(format!("{}/assets/app.js", api.base))
        .send()
        .await?;
    assert_eq!(
        js.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    let missing = api
        .http
        .get(format!("{}/assets/nope.js", api.base))
        .send()
        .await?;
    assert_eq!(missing.status(), 404);
    // The cookie is honoured for reads only: another site's form cannot post with it.
    let cookie = format!("sieve_key={viewer}");
    let read = api
        .http
        .get(format!("{}/v1/problems/{pid}/funnel", api.base))
        .header("cookie", &cookie)
        .send()
        .await?;
    assert_eq!(read.status(), 200);
    let write = api
        .http
        .post(format!("{}/v1/problems/{pid}/selections", api.base))
        .header("cookie", &cookie)
        .json(&json!({"strategy": "random", "k": 1}))
        .send()
        .await?;
    assert_eq!(write.status(), 401);

    // The whole problem's results in one request, one line per candidate, as each candidate's
    // own GET gives them; a viewer gets the hidden tests' subtask outcomes, not their results.
    let export = |key: String| {
        let http = api.http.clone();
        let url = format!("{}/v1/problems/{pid}/results", api.base);
        async move {
            let resp = http.get(url).bearer_auth(key).send().await?;
            anyhow::ensure!(resp.status() == 200, "export: {}", resp.status());
            anyhow::ensure!(
                resp.headers()["content-type"] == "application/x-ndjson",
                "content type"
            );
            let text = resp.text().await?;
            text.lines()
                .map(|l| Ok(serde_json::from_str::<Value>(l)?))
                .collect::<anyhow::Result<Vec<Value>>>()
        }
    };
    let lines = export(api.key.clone()).await?;
    assert_eq!(lines.len(), 6, "one line per candidate");
    for (line, id) in lines.iter().zip(&ids) {
        assert_eq!(line["id"], id.as_str(), "in posting order");
        let one = api.get(&format!("/v1/candidates/{id}")).await?;
        for field in ["results", "subtasks", "points"] {
            assert_eq!(line[field], one[field], "{field} of {id}");
        }
    }
    assert_eq!(lines[5]["build"], "failed");
    let seen = export(viewer.clone()).await?;
    assert!(seen[0]["results"].get("hidden").is_none(), "{}", seen[0]);
    assert!(seen[0]["subtasks"]["hidden"].is_array(), "{}", seen[0]);
    assert_eq!(seen[0]["points"], lines[0]["points"]);

    // A problem whose public test (a sample) is in no subtask, whose generated test has no
    // answer, and which its importer warned about, the same warning twice.
    let samples = api
        .post(
            "/v1/problems",
            json!({
                "slug": "samples", "name": "Samples apart", "time_limit_ms": 1000,
                "subtasks": [{"name": "all", "points": 100}],
                "tests": [
                    {"name": "sample", "kind": "public", "input": "1 2\n", "answer": "3\n", "subtasks": []},
                    {"name": "g", "kind": "generated", "input": "5 6\n", "subtasks": [0]},
                    {"name": "h", "kind": "hidden", "input": "4 5\n", "answer": "9\n", "subtasks": [0]}
                ]
            }),
        )
        .await?;
    let samples = samples["id"].as_str().unwrap_or_default().to_string();
    sqlx::query("UPDATE problems SET import_warnings = $1 WHERE id = $2::uuid")
        .bind(vec![
            "time_multipliers ignored".to_string(),
            "test g: no answer".to_string(),
            "test g: no answer".to_string(),
        ])
        .bind(&samples)
        .execute(&db.pool)
        .await?;
    let posted = api
        .post(
            &format!("/v1/problems/{samples}/candidates?judge=public,generated,hidden"),
            json!({"candidates": [{"source": SUM, "language": "c"}]}),
        )
        .await?;
    let sum_id = posted["candidates"][0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let events = api
        .http
        .get(format!("{}/v1/problems/{samples}/events", api.base))
        .bearer_auth(&api.key)
        .send()
        .await?;
    wait_for_event(events, Instant::now() + Duration::from_secs(120), |e| {
        e["done"] == true && e["judged_hidden"] == 1
    })
    .await?;
    let raw = api
        .http
        .get(format!("{}/v1/candidates/{sum_id}", api.base))
        .bearer_auth(&api.key)
        .send()
        .await?
        .text()
        .await?;
    let c: Value = serde_json::from_str(&raw)?;
    // No subtask holds the sample: nothing, which is 0 (not Rust's -0 of an empty sum).
    assert_eq!(c["points"]["public"], 0.0, "{raw}");
    assert!(!raw.contains("-0.0"), "{raw}");
    assert_eq!(c["points"]["hidden"], 100.0, "{raw}");
    // A test without an answer gives no points, not 0 points.
    assert!(c["points"].get("generated").is_none(), "{raw}");
    assert_eq!(c["subtasks"]["generated"][0]["verdict"], "OK", "{raw}");
    assert!(c["subtasks"]["generated"][0]["points"].is_null(), "{raw}");
    let listed = api
        .get(&format!("/v1/problems/{samples}/candidates"))
        .await?;
    assert_eq!(
        listed["candidates"][0]["results"]["generated"],
        json!({"tests": 1, "accepted": 0, "ran": 1, "score": 0})
    );

    let pages = browser::Pages {
        base: server.url.clone(),
        key: viewer,
        problem: pid.clone(),
        contest: cid,
        simulation: sim_id,
        funnel,
        candidates: ids,
        samples: (samples, sum_id),
        shots: repo().join("target/sieve-test/artifacts"),
    };
    tokio::task::spawn_blocking(move || pages.check()).await??;

    // A new candidate in the largest cluster: the cluster view follows, not a cached pool.
    let sum3 = SUM.replace("a+b", "(a)+(b)");
    api.post(
        &format!("/v1/problems/{pid}/candidates"),
        json!({"candidates": [{"source": sum3, "language": "c"}]}),
    )
    .await?;
    let events = api
        .http
        .get(format!("{}/v1/problems/{pid}/events", api.base))
        .bearer_auth(&api.key)
        .send()
        .await?;
    wait_for_event(events, Instant::now() + Duration::from_secs(120), |e| {
        e["done"] == true && e["judged_generated"] == 5
    })
    .await?;
    let all = api.get(&format!("/v1/problems/{pid}/clusters")).await?;
    assert_eq!(all["clusters"][0]["size"], 3, "{all}");
    Ok(())
}
