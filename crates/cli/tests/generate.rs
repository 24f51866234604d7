//! `sieve tests generate` on the Pair Sums example in a fresh database: a generator, two right
//! validators and a wrong one; the inputs kept are exactly those at least the threshold's share
//! of validators accept, computed here independently of sieve; and the example's own Kattis
//! validator in Python.

mod common;

use common::{cache_dir, import_example, repo};
use sieve_domain::TestKind;
use sieve_store::Store;
use sieve_testkit::testing::TestDb;
use std::collections::BTreeSet;
use std::process::Command;

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e3779b97f4a7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58476d1ce4e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d049bb133111eb);
    x ^ (x >> 31)
}

/// What examples/pairsum/generators/random.cpp prints for `seed`, and its n.
fn generated(seed: u64) -> (String, u64) {
    generated_up_to(2500, seed)
}

/// What `random.cpp max_n seed` prints, and its n.
fn generated_up_to(max_n: u64, seed: u64) -> (String, u64) {
    let (a, b) = (splitmix(seed), splitmix(splitmix(seed)));
    let (c, d) = (splitmix(b), splitmix(splitmix(b)));
    let n = 1 + a % max_n;
    let m = 1 + (b % 1_000_000) as i64;
    let x = (c % (4 * m as u64 + 1)) as i64 - 2 * m;
    (format!("{n} {x} {m} {d}\n"), n)
}

fn generate(db: &TestDb, extra: &[&str]) -> String {
    let ex = repo().join("examples/pairsum");
    let out = Command::new(env!("CARGO_BIN_EXE_sieve"))
        .args(["tests", "generate", "pairsum", "--generator"])
        .arg(ex.join("generators/random.cpp"))
        .arg("--validator")
        .arg(ex.join("input_validators/group1.c"))
        .arg("--validator")
        .arg(ex.join("input_validators/group1_tokens.cpp"))
        .arg("--validator")
        .arg(ex.join("input_validators/group1_wrong.cpp"))
        .args(extra)
        .arg("--cache-dir")
        .arg(cache_dir())
        .env("DATABASE_URL", &db.url)
        .output()
        .expect("run sieve tests generate");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

async fn generated_inputs(
    store: &Store,
    id: sieve_domain::ProblemId,
) -> anyhow::Result<Vec<(String, Vec<usize>)>> {
    let p = store.load_problem(id).await?.expect("loads").problem;
    Ok(p.tests
        .iter()
        .enumerate()
        .filter(|(_, t)| t.kind == TestKind::Generated)
        .map(|(i, t)| {
            let subs = (0..p.subtasks.len())
                .filter(|s| p.subtasks[*s].tests.contains(&i))
                .collect();
            (String::from_utf8_lossy(&t.input).into_owned(), subs)
        })
        .collect())
}

#[tokio::test]
async fn generated_tests_keep_what_enough_validators_accept() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let id = import_example(&db, "pairsum").await?;
    let store = Store::from_pool(db.pool.clone());
    let report = tempfile::NamedTempFile::new()?;
    let stdout = generate(
        &db,
        &[
            "--count",
            "40",
            "--subtask",
            "group1",
            "--report",
            report.path().to_str().unwrap_or_default(),
        ],
    );
    // 75% of three validators: all three must accept, so the wrong one (n <= 1000) decides.
    let want: BTreeSet<String> = (1..=40)
        .map(generated)
        .filter(|(_, n)| *n <= 1000)
        .map(|(s, _)| s)
        .collect();
    assert!(
        want.len() >= 5 && want.len() < 40,
        "the seeds exercise both sides: {}",
        want.len()
    );
    let got = generated_inputs(&store, id).await?;
    let got_set: BTreeSet<String> = got.iter().map(|(s, _)| s.clone()).collect();
    assert_eq!(
        got_set, want,
        "exactly the inputs all three validators accept"
    );
    assert_eq!(got.len(), want.len(), "each stored once");
    // The tests join group1 and every subtask the package says contains it.
    let p = store.load_problem(id).await?.expect("loads").problem;
    let mut holding = vec![0];
    holding.extend((1..p.subtasks.len()).filter(|s| p.subtasks[*s].contains.contains(&0)));
    assert!(got.iter().all(|(_, subs)| subs == &holding), "{got:?}");
    assert!(
        stdout.contains(&format!("kept {} inputs", want.len())),
        "{stdout}"
    );
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(report.path())?)?;
    let mixed = report["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .filter(|i| i["accepted"] == serde_json::json!([true, true, false]))
        .count();
    let in_between = (1..=40)
        .map(generated)
        .filter(|(_, n)| (1001..=2000).contains(n))
        .count();
    assert_eq!(
        mixed, in_between,
        "the wrong validator alone rejects n in 1001..=2000"
    );

    // A lower threshold (2 of 3 suffice) keeps those too; seeds seen before are duplicates.
    let stdout = generate(&db, &["--count", "60", "--threshold", "0.6", "--json"]);
    let report: serde_json::Value = serde_json::from_str(&stdout)?;
    let want2: BTreeSet<String> = (1..=60)
        .map(generated)
        .filter(|(_, n)| *n <= 2000)
        .map(|(s, _)| s)
        .collect();
    let got2: BTreeSet<String> = generated_inputs(&store, id)
        .await?
        .into_iter()
        .map(|(s, _)| s)
        .collect();
    assert_eq!(got2, want2);
    let dups = (1..=40).map(generated).filter(|(_, n)| *n <= 1000).count();
    assert_eq!(report["duplicates"], dups, "{report}");
    // The new tests' indices, as many as were kept.
    assert_eq!(
        report["indices"].as_array().map(Vec::len),
        report["kept"].as_u64().map(|k| k as usize),
        "{report}"
    );
    assert_eq!(report["kept"], got2.len() - got.len(), "{report}");
    db.drop_db().await?;
    Ok(())
}

#[tokio::test]
async fn generated_tests_through_the_api() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let id = import_example(&db, "pairsum").await?;
    let server = common::serve_with(&db, &["--local"]);
    let ex = repo().join("examples/pairsum");
    let read = |p: &str| std::fs::read_to_string(ex.join(p)).expect("fixture");
    let program = |name: &str, language: &str, source: String| serde_json::json!({ "name": name, "language": language, "source": source });
    let url = format!("{}/v1/problems/{id}/generated-tests", server.url);
    let client = reqwest::Client::new();
    let mut body = serde_json::json!({
        "generators": [{
            "name": "random", "language": "cpp", "source": read("generators/random.cpp"),
            "args": ["1200"],
        }],
        "validators": [
            program("a", "c", read("input_validators/group1.c")),
            program("b", "cpp", read("input_validators/group1_tokens.cpp")),
            // Named like the generator: the field at fault is still the validator's.
            program("random", "cpp", "int main( {".into()),
        ],
        "count": 10,
        "subtask": 0,
    });
    // Queued, and compiled by the worker: the job names the program that does not compile.
    let resp = client.post(&url).json(&body).send().await?;
    assert_eq!(resp.status(), 202);
    let job = finished(&client, &server.url, resp).await?;
    assert_eq!(job["state"], "failed", "{job}");
    assert_eq!(job["rejected"]["field"], "validators/2/source", "{job}");
    let tests_before = Store::from_pool(db.pool.clone())
        .load_problem(id)
        .await?
        .expect("p")
        .problem
        .tests
        .len();
    body["validators"][2] = program("wrong", "cpp", read("input_validators/group1_wrong.cpp"));
    body["subtask"] = serde_json::json!(7);
    let resp = client.post(&url).json(&body).send().await?;
    assert_eq!(resp.status(), 422, "no subtask 7");
    body["subtask"] = serde_json::json!(0);
    let resp = client.post(&url).json(&body).send().await?;
    assert_eq!(resp.status(), 202);
    let job = finished(&client, &server.url, resp).await?;
    assert_eq!(job["state"], "done", "{job}");
    let out = &job["generated"];
    let want = (1..=10)
        .map(|s| generated_up_to(1200, s))
        .filter(|(_, n)| *n <= 1000)
        .count();
    assert!(want > 5, "the argument narrows n: {want} of 10 kept");
    assert_eq!(out["indices"].as_array().map(Vec::len), Some(want), "{out}");
    assert_eq!(out["report"]["kept"], want);
    let tests_after = Store::from_pool(db.pool.clone())
        .load_problem(id)
        .await?
        .expect("p")
        .problem
        .tests
        .len();
    assert_eq!(
        tests_after,
        tests_before + want,
        "nothing stored by the refused requests"
    );
    drop(server);
    db.drop_db().await?;
    Ok(())
}

/// Generated inputs are deduplicated against the public and generated tests, not against the
/// hidden ones: whether an input is among those is not for selection to learn.
#[tokio::test]
async fn an_input_equal_to_a_hidden_test_is_kept() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let id = import_example(&db, "pairsum").await?;
    let server = common::serve_with(&db, &["--local"]);
    let data = repo().join("examples/pairsum/data");
    let sample = std::fs::read_to_string(data.join("sample/1.in"))?;
    let hidden = std::fs::read_to_string(data.join("secret/group1/101-n1-m5.in"))?;
    // Prints its arguments but the last (the seed), space-separated, on one line.
    let echo = "#include <stdio.h>\nint main(int c,char**v){for(int i=1;i<c-1;i++)printf(i>1?\" %s\":\"%s\",v[i]);printf(\"\\n\");return 0;}\n";
    let generator = |name: &str, input: &str| {
        let args: Vec<&str> = input.split_whitespace().collect();
        assert_eq!(
            format!("{}\n", args.join(" ")),
            input,
            "one line, single spaces"
        );
        serde_json::json!({"name": name, "language": "c", "source": echo, "args": args})
    };
    let body = serde_json::json!({
        "generators": [
            generator("as_sample", &sample),
            generator("as_hidden", &hidden),
            generator("new", "3 1 4 1\n"),
        ],
        "validators": [{"name": "any", "language": "c", "source": "int main(void){return 0;}\n"}],
        "count": 1,
        "subtask": 0,
    });
    let resp = reqwest::Client::new()
        .post(format!("{}/v1/problems/{id}/generated-tests", server.url))
        .json(&body)
        .send()
        .await?;
    assert_eq!(resp.status(), 202);
    let job = finished(&reqwest::Client::new(), &server.url, resp).await?;
    assert_eq!(job["generated"]["report"]["kept"], 2, "{job}");
    let store = Store::from_pool(db.pool.clone());
    let mut inputs: Vec<String> = generated_inputs(&store, id)
        .await?
        .into_iter()
        .map(|(s, _)| s)
        .collect();
    inputs.sort();
    assert_eq!(inputs, vec![hidden, "3 1 4 1\n".to_string()]);
    drop(server);
    db.drop_db().await?;
    Ok(())
}

/// The job a 202 answer queued, once finished (waiting on the job's `Location`).
async fn finished(
    client: &reqwest::Client,
    base: &str,
    queued: reqwest::Response,
) -> anyhow::Result<serde_json::Value> {
    let at = queued.headers()["location"].to_str()?.to_string();
    for _ in 0..12 {
        let job: serde_json::Value = client
            .get(format!("{base}{at}?wait_ms=10000"))
            .send()
            .await?
            .json()
            .await?;
        if job["state"] == "done" || job["state"] == "failed" {
            return Ok(job);
        }
    }
    anyhow::bail!("the job at {at} did not finish in two minutes")
}

#[tokio::test]
async fn a_python_validator_judges_generated_inputs() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let id = import_example(&db, "pairsum").await?;
    let ex = repo().join("examples/pairsum");
    let validator = format!(
        "{} maxN=1000",
        ex.join("input_validators/validate.py").display()
    );
    let out = Command::new(env!("CARGO_BIN_EXE_sieve"))
        .args([
            "tests",
            "generate",
            "pairsum",
            "--count",
            "20",
            "--generator",
        ])
        .arg(ex.join("generators/random.cpp"))
        .args(["--validator", &validator, "--cache-dir"])
        .arg(cache_dir())
        .env("DATABASE_URL", &db.url)
        .output()?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Kattis's input validator in Python, run in the sandbox: exit 42 accepts, 43 rejects.
    let want: BTreeSet<String> = (1..=20)
        .map(generated)
        .filter(|(_, n)| *n <= 1000)
        .map(|(s, _)| s)
        .collect();
    assert!(!want.is_empty() && want.len() < 20, "{}", want.len());
    let store = Store::from_pool(db.pool.clone());
    let got: BTreeSet<String> = generated_inputs(&store, id)
        .await?
        .into_iter()
        .map(|(s, _)| s)
        .collect();
    assert_eq!(got, want);
    db.drop_db().await?;
    Ok(())
}
