//! The REST API over HTTP with API keys: contests, problems from JSON and from uploaded
//! packages, hidden test data kept from everyone but admins (in responses and in logs),
//! inputs-only generated tests, progress over server-sent events, candidate lists, metrics and
//! the OpenAPI document.

mod common;

use common::{copy_dir, create_key, repo, serve_logged, wait_for_event};
use serde_json::{Value, json};
use sieve_testkit::testing::TestDb;
use std::time::{Duration, Instant};

const SECRET: &str = "7431958 2604417";
const SUM: &str = "#include <stdio.h>\nint main(void){long long a,b;if(scanf(\"%lld %lld\",&a,&b)!=2)return 1;printf(\"%lld\\n\",a+b);return 0;}\n";
// Right on the public tests, but it traps on negative input (the generated test has one).
const TRAPS: &str = "#include <stdio.h>\nint main(void){long long a,b;scanf(\"%lld %lld\",&a,&b);if(a<0)__builtin_trap();printf(\"%lld\\n\",a+b);return 0;}\n";

fn problem_body(contest: &str) -> Value {
    json!({
        "slug": "sum", "name": "A plus B", "contest_id": contest, "time_limit_ms": 1000,
        "subtasks": [{"name": "small", "points": 40}, {"name": "all", "points": 60, "contains": [0]}],
        "tests": [
            {"name": "sample1", "kind": "public", "input": "1 2\n", "answer": "3\n", "subtasks": [0, 1]},
            {"name": "gen1", "kind": "generated", "input": "-5 3\n"},
            {"name": "h1", "kind": "hidden", "input": "4 5\n", "answer": "9\n", "subtasks": [0, 1]},
            {"name": "h2", "kind": "hidden", "input": format!("{SECRET}\n"), "answer": "10036375\n", "subtasks": [1]}
        ]
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rest_api_end_to_end() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let (admin, viewer, submitter) = (
        create_key(&db, "admin"),
        create_key(&db, "viewer"),
        create_key(&db, "submitter"),
    );
    let log = tempfile::NamedTempFile::new()?;
    let server = serve_logged(&db, &["--workers", "1"], Some(log.path()));
    let http = reqwest::Client::new();
    let url = |p: &str| format!("{}{p}", server.url);
    // Every body a non-admin saw, to check that no hidden test's content was among them.
    let mut seen = String::new();

    let contest = http
        .post(url("/v1/contests"))
        .bearer_auth(&admin)
        .json(&json!({"name": "demo", "rules": "ioi"}))
        .send()
        .await?;
    assert_eq!(contest.status(), 201);
    let contest: Value = contest.json().await?;
    assert_eq!(contest["submission_limit"], 50, "IOI's default K");
    let cid = contest["id"].as_str().expect("id").to_string();
    let again = http
        .post(url("/v1/contests"))
        .bearer_auth(&admin)
        .json(&json!({"name": "demo", "rules": "ioi"}))
        .send()
        .await?;
    assert_eq!(again.status(), 409);
    assert_eq!(again.json::<Value>().await?["field"], "/name");
    let bad = http
        .post(url("/v1/contests"))
        .bearer_auth(&admin)
        .json(&json!({"name": "x", "rules": "acm"}))
        .send()
        .await?;
    assert_eq!(bad.json::<Value>().await?["field"], "/rules");

    let mut no_answer = problem_body(&cid);
    no_answer["tests"][2]["answer"] = Value::Null;
    let bad = http
        .post(url("/v1/problems"))
        .bearer_auth(&admin)
        .json(&no_answer)
        .send()
        .await?;
    assert_eq!(bad.status(), 422);
    assert_eq!(bad.json::<Value>().await?["field"], "/tests/2/answer");
    let mut too_slow = problem_body(&cid);
    too_slow["time_factor"] = json!(9);
    let bad = http
        .post(url("/v1/problems"))
        .bearer_auth(&admin)
        .json(&too_slow)
        .send()
        .await?;
    assert_eq!(bad.status(), 422);
    assert_eq!(bad.json::<Value>().await?["field"], "/time_factor");
    let as_viewer = http
        .post(url("/v1/problems"))
        .bearer_auth(&viewer)
        .json(&problem_body(&cid))
        .send()
        .await?;
    assert_eq!(as_viewer.status(), 403);
    let created = http
        .post(url("/v1/problems"))
        .bearer_auth(&admin)
        .json(&problem_body(&cid))
        .send()
        .await?;
    assert_eq!(created.status(), 201);
    let problem: Value = created.json().await?;
    let pid = problem["id"].as_str().expect("id").to_string();
    assert_eq!(problem["subtasks"][1]["contains"], json!([0]));
    assert_eq!(problem["tests"][1]["has_answer"], false);
    // The stated limit is for native code; runs get it times the default factor.
    assert_eq!(
        (
            problem["time_factor"].as_f64(),
            problem["time_factor_from"].as_str()
        ),
        (Some(1.5), Some("default"))
    );

    let listed: Value = http
        .get(url(&format!("/v1/problems?contest_id={cid}")))
        .bearer_auth(&viewer)
        .send()
        .await?
        .json()
        .await?;
    seen.push_str(&listed.to_string());
    assert_eq!(listed["problems"][0]["id"], pid.as_str());
    let c: Value = http
        .get(url(&format!("/v1/contests/{cid}")))
        .bearer_auth(&viewer)
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(c["problems"], json!([pid]));

    let test = |idx: usize, key: &str| {
        http.get(url(&format!("/v1/problems/{pid}/tests/{idx}")))
            .bearer_auth(key.to_string())
            .send()
    };
    let public = test(0, &viewer).await?;
    assert_eq!(public.status(), 200);
    assert_eq!(public.json::<Value>().await?["answer"], "3\n");
    let hidden = test(3, &viewer).await?;
    assert_eq!(hidden.status(), 403, "viewers cannot read hidden tests");
    seen.push_str(&hidden.text().await?);
    let hidden = test(3, &submitter).await?;
    assert_eq!(hidden.status(), 403, "nor can submitters");
    let hidden: Value = test(3, &admin).await?.json().await?;
    assert_eq!(hidden["input"], format!("{SECRET}\n"), "admins can");

    // Judge two candidates and a compile error on every kind; wait for it over SSE.
    let posted = http
        .post(url(&format!(
            "/v1/problems/{pid}/candidates?judge=public,generated,hidden"
        )))
        .bearer_auth(&submitter)
        .json(&json!({"candidates": [
            {"source": SUM, "language": "c", "model": "m1"},
            {"source": TRAPS, "language": "c", "model": "m2"},
            {"source": "int main( {", "language": "c", "model": "m2"}]}))
        .send()
        .await?;
    assert_eq!(posted.status(), 201);
    let posted: Value = posted.json().await?;
    let ids: Vec<String> = (0..3)
        .map(|i| {
            posted["candidates"][i]["id"]
                .as_str()
                .unwrap_or("")
                .to_string()
        })
        .collect();
    let events = http
        .get(url(&format!("/v1/problems/{pid}/events")))
        .bearer_auth(&viewer)
        .send()
        .await?;
    assert_eq!(events.headers()["content-type"], "text/event-stream");
    let last = wait_for_event(events, Instant::now() + Duration::from_secs(120), |p| {
        p["done"] == true && p["built"] == 3
    })
    .await?;
    assert_eq!(last["compiled"], 2, "{last}");
    assert_eq!(last["passed_public"], 2, "{last}");
    assert_eq!(last["judged_generated"], 2, "{last}");
    assert_eq!(last["judged_hidden"], 2, "{last}");
    // Every results row records the factor that judged it.
    let factors: Vec<f32> = sqlx::query_scalar("SELECT DISTINCT time_factor FROM results")
        .fetch_all(&db.pool)
        .await?;
    assert_eq!(factors, vec![1.5]);

    let view = |id: String| {
        let http = http.clone();
        let u = url(&format!("/v1/candidates/{id}"));
        let key = viewer.clone();
        async move {
            http.get(u)
                .bearer_auth(key)
                .send()
                .await?
                .json::<Value>()
                .await
        }
    };
    let good = view(ids[0].clone()).await?;
    seen.push_str(&good.to_string());
    assert_eq!(
        good["results"]["generated"][0]["verdict"], "OK",
        "ran, no answer to check: {good}"
    );
    // Per-test figures of hidden tests are the admin's; others see each subtask's outcome.
    assert!(good["results"].get("hidden").is_none(), "{good}");
    assert_eq!(good["subtasks"]["hidden"][1]["subtask"], "all");
    assert_eq!(good["subtasks"]["hidden"][1]["verdict"], "AC");
    assert_eq!(good["points"]["hidden"], 100.0);
    let trap = view(ids[1].clone()).await?;
    seen.push_str(&trap.to_string());
    assert_eq!(trap["results"]["generated"][0]["verdict"], "RE", "{trap}");

    let list = |q: &str| {
        let (http, u, key) = (
            http.clone(),
            url(&format!("/v1/problems/{pid}/candidates?{q}")),
            viewer.clone(),
        );
        async move { http.get(u).bearer_auth(key).send().await }
    };
    let page: Value = list("model=m2").await?.json().await?;
    assert_eq!(page["candidates"].as_array().map(Vec::len), Some(2));
    let page: Value = list("build=failed").await?.json().await?;
    assert_eq!(page["candidates"][0]["id"], ids[2].as_str());
    let page: Value = list("limit=1").await?.json().await?;
    assert_eq!(page["next"], ids[0].as_str());
    let page: Value = list(&format!("limit=1&after={}", ids[0]))
        .await?
        .json()
        .await?;
    assert_eq!(page["candidates"][0]["id"], ids[1].as_str());
    let bad = list("build=maybe").await?;
    assert_eq!(bad.status(), 422);
    assert_eq!(bad.json::<Value>().await?["field"], "build");

    // A test naming a subtask the problem lacks: refused with the field at fault, nothing stored
    // (the good test next to it included: the next index below is still 4).
    let refused = http
        .post(url(&format!("/v1/problems/{pid}/tests")))
        .bearer_auth(&admin)
        .json(&json!({"tests": [
            {"name": "fine", "kind": "generated", "input": "1 1\n"},
            {"name": "lost", "kind": "generated", "input": "1 2\n", "subtasks": [9]}]}))
        .send()
        .await?;
    assert_eq!(refused.status(), 422);
    let refused: Value = refused.json().await?;
    assert_eq!(refused["field"], "/tests/1/subtasks", "{refused}");
    // A new generated test: the compiled candidates that passed the samples are judged again.
    let added = http
        .post(url(&format!("/v1/problems/{pid}/tests")))
        .bearer_auth(&admin)
        .json(&json!({"tests": [{"name": "gen2", "kind": "generated", "input": "8 -9\n"}]}))
        .send()
        .await?;
    assert_eq!(added.status(), 201);
    let added: Value = added.json().await?;
    assert_eq!(added["indices"], json!([4]));
    assert_eq!(added["rejudged"], 2);
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let v = view(ids[0].clone()).await?;
        if v["results"]["generated"]
            .as_array()
            .is_some_and(|g| g.len() == 2)
        {
            break;
        }
        assert!(Instant::now() < deadline, "not judged again: {v}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // Selections and a simulated contest on the judged pool.
    let select = |body: Value, key: &str| {
        http.post(url(&format!("/v1/problems/{pid}/selections")))
            .bearer_auth(key.to_string())
            .json(&body)
            .send()
    };
    assert_eq!(
        select(json!({"strategy": "sieve"}), &viewer)
            .await?
            .status(),
        403
    );
    let bad = select(json!({"strategy": "best"}), &submitter).await?;
    assert_eq!(bad.json::<Value>().await?["field"], "/strategy");
    let chosen = select(json!({"strategy": "sieve", "k": 2}), &submitter).await?;
    assert_eq!(chosen.status(), 201);
    let chosen: Value = chosen.json().await?;
    let picks = chosen["picks"].as_array().expect("picks");
    assert!(!picks.is_empty() && picks.len() <= 2, "{chosen}");
    assert_ne!(
        picks[0]["candidate_id"],
        ids[2].as_str(),
        "never the compile error"
    );
    assert!(picks[0]["reason"].as_str().is_some_and(|r| !r.is_empty()));
    let again: Value = http
        .get(url(&format!(
            "/v1/selections/{}",
            chosen["id"].as_str().unwrap_or("")
        )))
        .bearer_auth(&viewer)
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(again["picks"], chosen["picks"]);
    let sim = http
        .post(url(&format!("/v1/contests/{cid}/simulations")))
        .bearer_auth(&submitter)
        .json(&json!({"seeds": 5}))
        .send()
        .await?;
    assert_eq!(sim.status(), 201);
    let sim: Value = sim.json().await?;
    let problem_report = &sim["report"]["problems"][0];
    assert_eq!(problem_report["oracle"], 100.0, "{sim}");
    assert_eq!(
        problem_report["strategies"].as_array().map(Vec::len),
        Some(7)
    );
    let stored: Value = http
        .get(url(&format!(
            "/v1/simulations/{}",
            sim["id"].as_str().unwrap_or("")
        )))
        .bearer_auth(&viewer)
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(stored["runs"], 35, "7 strategies x 5 seeds");

    let metrics = http.get(url("/metrics")).send().await?.text().await?;
    assert!(
        metrics.contains("sieve_queue_jobs{kind=\"judge\",state=\"done\"}"),
        "{metrics}"
    );
    assert!(
        metrics.contains("sieve_tests_judged_total{verdict=\"AC\"}"),
        "{metrics}"
    );
    assert!(metrics.contains("sieve_judge_seconds_bucket"), "{metrics}");
    let doc: Value = http
        .get(url("/v1/openapi.json"))
        .send()
        .await?
        .json()
        .await?;
    // Compressed for a client that asks, plain for one that does not.
    let gzipped = http
        .get(url("/v1/openapi.json"))
        .header("accept-encoding", "gzip")
        .send()
        .await?;
    assert_eq!(
        gzipped
            .headers()
            .get("content-encoding")
            .and_then(|v| v.to_str().ok()),
        Some("gzip")
    );
    let plain = serde_json::to_vec(&doc)?.len();
    let packed = gzipped.bytes().await?.len();
    assert!(packed * 3 < plain, "{packed} bytes gzipped of {plain}");
    for path in [
        "/v1/problems/{id}/candidates",
        "/v1/problems/package",
        "/v1/problems/{id}/events",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} is documented");
    }
    assert!(doc["components"]["schemas"]["NewCandidate"].is_object());
    // Every schema the document refers to is in it (a generic type once left a dangling one).
    let mut refs = Vec::new();
    collect_refs(&doc, &mut refs);
    for r in &refs {
        let name = r.trim_start_matches("#/components/schemas/");
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "the OpenAPI document refers to {r}, which it does not define"
        );
    }
    assert!(refs.len() > 20, "{} references", refs.len());

    drop(server);
    assert!(!seen.contains(SECRET), "a non-admin saw a hidden test");
    let log = std::fs::read_to_string(log.path())?;
    assert!(
        log.contains("/v1/problems"),
        "the log is written at debug level"
    );
    assert!(
        !log.contains(SECRET),
        "a hidden test's content reached the log"
    );
    db.drop_db().await?;
    Ok(())
}

/// Packages are read by the API and prepared by workers: with no worker running, an upload is
/// only a queued job (nothing compiled, nothing stored); a batch worker then compiles the
/// checkers and stores the problems, and the jobs say what became of each upload.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn packages_upload_as_archives() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let server = serve_logged(&db, &["--workers", "0", "--local"], None);
    let http = reqwest::Client::new();
    let tar = |dir: &std::path::Path, name: &str| {
        let out = std::process::Command::new("tar")
            .args(["-czf", "-", "-C"])
            .arg(dir)
            .arg(name)
            .output()
            .expect("tar");
        assert!(out.status.success());
        out.stdout
    };
    let archive = tar(&repo().join("examples"), "pairsum");
    let upload = |q: &str, body: Vec<u8>| {
        http.post(format!("{}/v1/problems/package?{q}", server.url))
            .header("content-type", "application/octet-stream")
            .body(body)
            .send()
    };
    let job_url = |r: &reqwest::Response| {
        let at = r.headers()["location"]
            .to_str()
            .expect("location")
            .to_string();
        format!("{}{at}", server.url)
    };
    let up = upload("format=kattis", archive.clone()).await?;
    assert_eq!(up.status(), 202);
    let pairsum = job_url(&up);
    let queued: Value = up.json().await?;
    assert_eq!(
        (&queued["kind"], &queued["state"]),
        (&json!("prepare_package"), &json!("queued")),
        "{queued}"
    );
    // Refused at once, before any worker: what the API can tell by reading.
    let junk = upload("format=kattis&slug=junk", b"not an archive".to_vec()).await?;
    assert_eq!(junk.status(), 422);
    assert_eq!(junk.json::<Value>().await?["field"], "body");
    let format = upload("format=moodle", vec![]).await?;
    assert_eq!(format.json::<Value>().await?["field"], "format");
    let slug = upload("format=kattis&slug=no%20spaces", archive.clone()).await?;
    assert_eq!(slug.json::<Value>().await?["field"], "slug");
    let renamed = upload("format=kattis&slug=pairsum-2", archive.clone()).await?;
    assert_eq!(renamed.status(), 202);
    let renamed = job_url(&renamed);
    // A checker that does not compile is the worker's finding.
    let broken = tempfile::tempdir()?;
    copy_dir(
        &repo().join("tests/fixtures/packages/cms-sum"),
        &broken.path().join("broken-sum"),
    )?;
    let checker = find(broken.path(), "checker.cpp").expect("the fixture has a checker");
    std::fs::write(&checker, "int main( {\n")?;
    let up = upload("format=cms", tar(broken.path(), "broken-sum")).await?;
    assert_eq!(up.status(), 202);
    let broken_job = job_url(&up);
    // A TPS working copy whose generated input its own validator rejects: the worker's finding
    // too, naming the test.
    copy_dir(
        &repo().join("tests/fixtures/packages/tps-gen"),
        &broken.path().join("broken-gen"),
    )?;
    std::fs::write(
        broken.path().join("broken-gen/gen/data"),
        "@subtask samples\nmanual sample-1.in\n@subtask small\ngen 20 5\n",
    )?;
    let up = upload(
        "format=cms&slug=broken-gen",
        tar(broken.path(), "broken-gen"),
    )
    .await?;
    assert_eq!(up.status(), 202);
    let broken_gen_job = job_url(&up);
    let mut others = Vec::new();
    // tps-gen has no tests/: the worker makes them from its generators.
    for (format, dir, subtasks) in [
        ("cms", "cms-sum", 3),
        ("polygon", "polygon-sum", 5),
        ("cms", "tps-gen", 3),
    ] {
        let up = upload(
            &format!("format={format}"),
            tar(&repo().join("tests/fixtures/packages"), dir),
        )
        .await?;
        assert_eq!(up.status(), 202, "{format}");
        others.push((format, job_url(&up), subtasks));
    }
    // Nothing was compiled or stored by the API process: the jobs wait for a worker.
    let still: Value = http.get(&pairsum).send().await?.json().await?;
    assert_eq!(still["state"], "queued", "{still}");
    let problems: Value = http
        .get(format!("{}/v1/problems", server.url))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(problems["problems"], json!([]), "{problems}");

    common::sieve_ok(&db, &["worker", "--workers", "1", "--until-idle"]);
    let done: Value = http
        .get(format!("{pairsum}?wait_ms=5000"))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(done["state"], "done", "{done}");
    assert_eq!(done["problem"]["slug"], "pairsum");
    let tests_on_disk = walk(&repo().join("examples/pairsum/data"))
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "in"))
        .count();
    let tests = done["problem"]["tests"]
        .as_array()
        .map(Vec::len)
        .unwrap_or(0);
    assert!(
        tests > 0 && tests <= tests_on_disk,
        "{tests} of {tests_on_disk}"
    );
    let points: f64 = done["problem"]["subtasks"]
        .as_array()
        .expect("subtasks")
        .iter()
        .map(|s| s["points"].as_f64().unwrap_or(0.0))
        .sum();
    assert_eq!(points, 100.0);
    let renamed: Value = http.get(&renamed).send().await?.json().await?;
    assert_eq!(renamed["problem"]["slug"], "pairsum-2", "{renamed}");
    let broken: Value = http.get(&broken_job).send().await?.json().await?;
    assert_eq!(broken["state"], "failed", "{broken}");
    assert_eq!(broken["rejected"]["status"], 422, "{broken}");
    assert_eq!(broken["rejected"]["field"], "body", "{broken}");
    assert!(
        broken["rejected"]["detail"]
            .as_str()
            .is_some_and(|d| d.contains("does not compile")),
        "{broken}"
    );
    assert_eq!(
        broken["attempts"], 1,
        "a rejection is not retried: {broken}"
    );
    let broken_gen: Value = http.get(&broken_gen_job).send().await?.json().await?;
    assert_eq!(broken_gen["state"], "failed", "{broken_gen}");
    assert_eq!(broken_gen["rejected"]["field"], "body", "{broken_gen}");
    assert!(
        broken_gen["rejected"]["detail"]
            .as_str()
            .is_some_and(|d| d.contains("test 1-01 (gen 20 5): validator validator.cpp")),
        "{broken_gen}"
    );
    for (format, url, subtasks) in others {
        let job: Value = http.get(&url).send().await?.json().await?;
        let n = job["problem"]["subtasks"].as_array().map(Vec::len);
        assert_eq!(n, Some(subtasks), "{format}: {job}");
    }
    let made: Value = http
        .get(format!("{}/v1/problems", server.url))
        .send()
        .await?
        .json()
        .await?;
    let maxgen = made["problems"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["slug"] == "maxgen")
        .unwrap_or_else(|| panic!("{made}"));
    let maxgen: Value = http
        .get(format!(
            "{}/v1/problems/{}",
            server.url,
            maxgen["id"].as_str().unwrap_or("")
        ))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(
        maxgen["tests"].as_array().map(Vec::len),
        Some(8),
        "{maxgen}"
    );
    // The slug is now taken: refused at once.
    let twice = upload("format=kattis", archive).await?;
    assert_eq!(twice.status(), 409, "the slug is taken");
    let missing = http
        .get(format!(
            "{}/v1/jobs/00000000-0000-0000-0000-000000000000",
            server.url
        ))
        .send()
        .await?;
    assert_eq!(missing.status(), 404);
    drop(server);
    db.drop_db().await?;
    Ok(())
}

fn collect_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                match (k.as_str(), v) {
                    ("$ref", Value::String(r)) => out.push(r.clone()),
                    _ => collect_refs(v, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

fn find(dir: &std::path::Path, name: &str) -> Option<std::path::PathBuf> {
    walk(dir)
        .into_iter()
        .find(|p| p.file_name().is_some_and(|n| n == name))
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
