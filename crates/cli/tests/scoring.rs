//! Scoring end to end: the examples judged on public and hidden tests through the service, the
//! heuristic's scores over HTTP, `sieve scorer train` on the stored outcomes, the trained model
//! applied through the API, a remote scorer that is down giving way to its fallback, and
//! `sieve simulate` replaying both problems with every strategy.

mod common;

use common::{import_example, repo, serve_logged, wait_for_event};
use serde_json::{Value, json};
use sieve_testkit::testing::TestDb;
use std::process::Command;
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scorers_score_and_train_on_judged_pools() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let server = serve_logged(&db, &["--local", "--workers", "2"], None);
    let http = reqwest::Client::new();
    let url = |p: &str| format!("{}{p}", server.url);
    let mut problems = Vec::new();
    for name in ["divsum", "pairsum"] {
        let pid = import_example(&db, name).await?;
        let dir = repo().join("examples").join(name).join("submissions");
        let table = std::fs::read_to_string(dir.join("expected.tsv"))?;
        let mut candidates = vec![json!({"source": "int main( {", "language": "cpp"})];
        for line in table.lines().skip(1) {
            let file = line.split('\t').next().unwrap_or_default();
            let language = if file.ends_with(".c") { "c" } else { "cpp" };
            candidates.push(
                json!({"source": std::fs::read_to_string(dir.join(file))?, "language": language}),
            );
        }
        let posted = http
            .post(url(&format!(
                "/v1/problems/{pid}/candidates?judge=public,hidden"
            )))
            .json(&json!({ "candidates": candidates }))
            .send()
            .await?;
        assert_eq!(posted.status(), 201);
        problems.push((pid, candidates.len()));
    }
    for (pid, n) in &problems {
        let events = http
            .get(url(&format!("/v1/problems/{pid}/events")))
            .send()
            .await?;
        wait_for_event(events, Instant::now() + Duration::from_secs(300), |p| {
            p["done"] == true && p["built"].as_u64() == Some(*n as u64)
        })
        .await?;
    }

    // The heuristic: whoever fails a sample scores below whoever passes them all.
    let (pid, n) = &problems[0];
    let scores: Value = http
        .post(url(&format!("/v1/problems/{pid}/scores")))
        .json(&json!({}))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(scores["scorer"], "heuristic");
    let scores = scores["scores"].as_array().expect("scores").clone();
    assert_eq!(scores.len(), *n);
    let list: Value = http
        .get(url(&format!("/v1/problems/{pid}/candidates?limit=1000")))
        .send()
        .await?
        .json()
        .await?;
    let passed = |id: &Value| {
        list["candidates"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|c| {
                &c["id"] == id
                    && c["build"] == "compiled"
                    && c["results"]["public"]["accepted"] == c["results"]["public"]["tests"]
            })
    };
    let of = |pass: bool| -> Vec<f64> {
        scores
            .iter()
            .filter(|s| passed(&s["candidate_id"]) == pass)
            .map(|s| s["score"].as_f64().unwrap_or(-1.0))
            .collect()
    };
    let (good, bad) = (of(true), of(false));
    assert!(!good.is_empty() && !bad.is_empty());
    assert!(
        good.iter().cloned().fold(f64::MAX, f64::min)
            > bad.iter().cloned().fold(f64::MIN, f64::max),
        "{good:?} {bad:?}"
    );
    let stored: Value = http
        .get(url(&format!("/v1/problems/{pid}/scores?scorer=heuristic")))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(stored["scores"].as_array().map(Vec::len), Some(*n));

    // Training on the stored outcomes: one problem trains, the other is held out.
    let out = Command::new(env!("CARGO_BIN_EXE_sieve"))
        .args(["scorer", "train", "--name", "learned"])
        .env("DATABASE_URL", &db.url)
        .output()?;
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("trained learned version 1"), "{text}");
    let listed = Command::new(env!("CARGO_BIN_EXE_sieve"))
        .args(["scorer", "list", "--json"])
        .env("DATABASE_URL", &db.url)
        .output()?;
    let rows: Vec<Value> = String::from_utf8_lossy(&listed.stdout)
        .lines()
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()?;
    assert!(
        rows.iter()
            .any(|r| r["name"] == "learned" && r["version"] == 1),
        "{rows:?}"
    );
    let scorers: Value = http.get(url("/v1/scorers")).send().await?.json().await?;
    let learned = scorers["scorers"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|s| s["name"] == "learned")
        .expect("saved");
    assert_eq!(learned["kind"], "logistic");
    assert!(
        learned["metrics"]["test_rows"].as_u64().unwrap_or(0) > 0,
        "{learned}"
    );
    let applied: Value = http
        .post(url(&format!("/v1/problems/{pid}/scores")))
        .json(&json!({"scorer": "learned"}))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(applied["version"], 1);
    assert!(
        applied["scores"]
            .as_array()
            .into_iter()
            .flatten()
            .all(|s| (0.0..=1.0).contains(&s["score"].as_f64().unwrap_or(-1.0)))
    );

    // The same from the command line, as JSON: every candidate, best first.
    let sieve_json = |args: &[&str]| -> anyhow::Result<Value> {
        let out = Command::new(env!("CARGO_BIN_EXE_sieve"))
            .args(args)
            .env("DATABASE_URL", &db.url)
            .output()?;
        anyhow::ensure!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        Ok(serde_json::from_slice(&out.stdout)?)
    };
    let scored = sieve_json(&[
        "scorer",
        "score",
        "--problem",
        "divsum",
        "--scorer",
        "learned",
        "--json",
    ])?;
    assert_eq!(
        (&scored["scorer"], &scored["version"]),
        (&json!("learned"), &json!(1))
    );
    let values: Vec<f64> = scored["scores"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| s["score"].as_f64().unwrap_or(-1.0))
        .collect();
    assert_eq!(values.len(), *n, "{scored}");
    assert!(values.windows(2).all(|w| w[0] >= w[1]), "{values:?}");
    let report = sieve_json(&["scorer", "train", "--name", "learned", "--json"])?;
    assert_eq!(report["version"], 2, "{report}");
    assert!(report["test_rows"].as_u64().unwrap_or(0) > 0, "{report}");

    // A remote scorer that is down: the fallback's scores come back.
    let registered = http
        .post(url("/v1/scorers"))
        .json(&json!({"name": "remote", "kind": "http", "url": "http://127.0.0.1:9/score", "timeout_ms": 200, "retries": 0}))
        .send()
        .await?;
    assert_eq!(registered.status(), 201);
    let remote: Value = http
        .post(url(&format!("/v1/problems/{pid}/scores")))
        .json(&json!({"scorer": "remote"}))
        .send()
        .await?
        .json()
        .await?;
    let values = |v: &Value| -> Vec<f64> {
        v.as_array()
            .into_iter()
            .flatten()
            .map(|s| s["score"].as_f64().unwrap_or(-1.0))
            .collect()
    };
    assert_eq!(
        values(&remote["scores"]),
        values(&Value::Array(scores.clone()))
    );
    // An ONNX model (the example in examples/scorers) registered and applied.
    use base64::Engine;
    let model = std::fs::read(repo().join("examples/scorers/logistic.onnx"))?;
    let onnx = http
        .post(url("/v1/scorers"))
        .json(&json!({"name": "example-onnx", "kind": "onnx",
                      "model_base64": base64::engine::general_purpose::STANDARD.encode(&model)}))
        .send()
        .await?;
    assert_eq!(onnx.status(), 201);
    let by_onnx: Value = http
        .post(url(&format!("/v1/problems/{pid}/scores")))
        .json(&json!({"scorer": "example-onnx"}))
        .send()
        .await?
        .json()
        .await?;
    let onnx_scores = values(&by_onnx["scores"]);
    assert_eq!(onnx_scores.len(), *n);
    assert!(
        onnx_scores.iter().all(|s| (0.0..=1.0).contains(s)),
        "{by_onnx}"
    );
    let junk = http
        .post(url("/v1/scorers"))
        .json(&json!({"name": "junk", "kind": "onnx", "model_base64": "bm90IGEgbW9kZWw="}))
        .send()
        .await?;
    assert_eq!(junk.status(), 422);
    assert_eq!(junk.json::<Value>().await?["field"], "/model_base64");
    let unknown = http
        .post(url(&format!("/v1/problems/{pid}/scores")))
        .json(&json!({"scorer": "nobody"}))
        .send()
        .await?;
    assert_eq!(unknown.status(), 422);
    assert_eq!(unknown.json::<Value>().await?["field"], "/scorer");

    // Replaying both problems under IOI rules with every strategy.
    let out = Command::new(env!("CARGO_BIN_EXE_sieve"))
        .args([
            "simulate",
            "--problem",
            "divsum",
            "--problem",
            "pairsum",
            "--k",
            "2",
            "--seeds",
            "10",
            "--json",
        ])
        .env("DATABASE_URL", &db.url)
        .output()?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let reports: Value = serde_json::from_slice(&out.stdout)?;
    for r in reports.as_array().expect("reports") {
        let report = &r["report"];
        let random = report["random_expected"].as_f64().unwrap_or(-1.0);
        let oracle = report["oracle"][0].as_f64().unwrap_or(-1.0);
        assert!(0.0 <= random && random <= oracle && oracle <= 100.0, "{r}");
        let strategies = report["strategies"].as_array().expect("strategies");
        assert_eq!(strategies.len(), 7);
        for s in strategies {
            let mean = s["mean"].as_f64().unwrap_or(-1.0);
            assert!(
                mean <= oracle + 1e-9 && s["submissions"].as_f64().unwrap_or(9.0) <= 2.0,
                "{s}"
            );
        }
        let sieve = strategies
            .iter()
            .find(|s| s["strategy"] == "sieve")
            .expect("sieve");
        assert!(sieve["mean"].as_f64().unwrap_or(0.0) >= random, "{r}");
    }
    let tuned = Command::new(env!("CARGO_BIN_EXE_sieve"))
        .args([
            "simulate",
            "--tune",
            "--problem",
            "divsum",
            "--problem",
            "pairsum",
        ])
        .args(["--k", "1", "--seeds", "3", "--trials", "3"])
        .env("DATABASE_URL", &db.url)
        .output()?;
    let text = String::from_utf8_lossy(&tuned.stdout).to_string();
    assert!(
        tuned.status.success(),
        "{}",
        String::from_utf8_lossy(&tuned.stderr)
    );
    assert!(
        text.contains("tuning on divsum") && text.contains("reporting on pairsum"),
        "{text}"
    );
    assert_eq!(text.matches("tuned: Params").count(), 2, "{text}");
    let tuned = Command::new(env!("CARGO_BIN_EXE_sieve"))
        .args(["simulate", "--tune", "--json", "--problem", "divsum"])
        .args([
            "--problem",
            "pairsum",
            "--k",
            "1",
            "--seeds",
            "3",
            "--trials",
            "3",
        ])
        .env("DATABASE_URL", &db.url)
        .output()?;
    let lines: Vec<Value> = String::from_utf8_lossy(&tuned.stdout)
        .lines()
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()?;
    assert_eq!(lines.len(), 2, "{lines:?}");
    for (line, name) in lines.iter().zip(["o1ioi", "sieve"]) {
        assert_eq!(line["strategy"], name);
        assert_eq!(line["reported_on"], json!(["pairsum"]));
        assert!(
            line["reported_tuned"].as_f64().is_some() && line["params"].is_object(),
            "{line}"
        );
    }
    drop(server);
    db.drop_db().await?;
    Ok(())
}

#[test]
fn the_scoring_benchmark_prints_tables_or_json() -> anyhow::Result<()> {
    let bench = |json: bool| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_sieve"));
        cmd.args([
            "bench",
            "scoring",
            "--candidates",
            "200",
            "--generated",
            "20",
        ])
        .current_dir(repo());
        if json {
            cmd.arg("--json");
        }
        cmd.output()
    };
    let out = bench(true)?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout)?;
    let tables: Vec<Value> = text
        .lines()
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()?;
    assert_eq!(tables.len(), 1, "{text}");
    assert!(
        tables[0]["table"]
            .as_str()
            .unwrap_or("")
            .contains("200 candidates")
    );
    let rows = tables[0]["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 4, "the baseline and three scorers: {text}");
    assert_eq!(rows[0]["step"], "features (baseline)");
    assert!(rows[0]["AUC on the synthetic labels"].is_null());
    for row in &rows[1..] {
        assert!(row["seconds"].as_f64().is_some_and(|s| s >= 0.0), "{row}");
        let auc = row["AUC on the synthetic labels"].as_f64().unwrap_or(-1.0);
        assert!((0.0..=1.0).contains(&auc), "{row}");
    }
    // For a person: the same table in markdown.
    let out = bench(false)?;
    let text = String::from_utf8(out.stdout)?;
    assert!(text.contains("| step | seconds |"), "{text}");
    assert!(text.contains("| heuristic |"), "{text}");
    Ok(())
}
