//! `sieve pool synth` on a real problem (CSES Dice Combinations) in a fresh database: the
//! hand-written correct solutions and their mutants, judged by real workers on its own
//! tests; the mutants must be distinct, labelled, and mostly (not all) wrong.

mod common;

use common::repo;
use serde_json::json;
use sieve_store::Store;
use sieve_store::queue::JobState;
use sieve_testkit::testing::TestDb;
use std::time::{Duration, Instant};

fn sieve(db: &TestDb, args: &[&str]) -> String {
    String::from_utf8_lossy(&common::sieve_ok(db, args).stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn synthetic_pool_from_correct_solutions_is_judged_and_mostly_wrong() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let dir = repo().join("tests/fixtures/problems/cses-1633/package");
    let fixtures = repo().join("tests/fixtures/problems/cses-1633");
    let (dir, fixtures) = (dir.to_string_lossy(), fixtures.to_string_lossy());
    sieve(
        &db,
        &[
            "import",
            "folder",
            &dir,
            "--slug",
            "dice",
            "--time-limit",
            "1000",
            "--memory-limit",
            "512",
        ],
    );
    let args = [
        "pool",
        "synth",
        "dice",
        "--from",
        &fixtures,
        "--count",
        "24",
        "--seed",
        "7",
        "--judge",
        "hidden",
        "--keep-going",
    ];
    let out = sieve(&db, &args);
    assert!(out.contains("and 24 mutants"), "{out}");
    // The same seed again adds nothing: the pool is reproducible and idempotent.
    let again = sieve(&db, &[&args[..], &["--json"]].concat());
    let again: serde_json::Value = serde_json::from_str(again.trim())?;
    assert_eq!(
        (&again["mutants"], &again["new"]),
        (&json!(24), &json!(0)),
        "{again}"
    );
    let parents = std::fs::read_dir(repo().join("tests/fixtures/problems/cses-1633"))?
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.file_name().to_string_lossy().starts_with("ac_"))
        })
        .count();
    // A batch worker judges everything queued, then exits by itself.
    let started = Instant::now();
    sieve(&db, &["worker", "--workers", "2", "--until-idle"]);
    assert!(started.elapsed() < Duration::from_secs(600));
    let store = Store::from_pool(db.pool.clone());
    let left = store.job_counts().await?;
    assert!(
        left.iter().all(|(_, state, _)| *state == JobState::Done),
        "{left:?}"
    );
    // Each candidate's hidden verdicts: all accepted or not.
    let rows: Vec<(String, Option<String>, bool)> = sqlx::query_as(
        r#"SELECT c.tags->>'origin', c.tags->>'operator',
                  coalesce(b.ok AND NOT EXISTS (SELECT 1 FROM results r, unnest(r.verdicts) v
                           WHERE r.build_key = c.build_key AND r.kind = 'hidden' AND v <> 0), false)
           FROM candidates c LEFT JOIN builds b ON b.key = c.build_key"#,
    )
    .fetch_all(&db.pool)
    .await?;
    assert_eq!(rows.len(), parents + 24);
    let solved = |origin: &str| rows.iter().filter(|r| r.0 == origin && r.2).count();
    assert_eq!(solved("parent"), parents, "every parent is correct");
    let mutants_solved = solved("synth");
    assert!(
        mutants_solved < 24 / 2,
        "most mutants are wrong: {mutants_solved} of 24 solve it"
    );
    assert!(
        rows.iter()
            .filter(|r| r.0 == "synth")
            .all(|r| r.1.is_some()),
        "labelled"
    );
    let distinct: i64 = sqlx::query_scalar("SELECT count(DISTINCT source_hash) FROM candidates")
        .fetch_one(&db.pool)
        .await?;
    assert_eq!(distinct as usize, parents + 24);
    // The judged pool replays with 30% of its tests used as generated ones.
    let out = sieve(
        &db,
        &[
            "simulate",
            "--problem",
            "dice",
            "--holdout",
            "0.3",
            "--seeds",
            "3",
            "--json",
        ],
    );
    let reports: serde_json::Value = serde_json::from_str(&out)?;
    let oracle = &reports[0]["report"]["oracle"];
    assert_eq!(oracle[0], 100.0, "a parent is in the pool: {reports}");
    db.drop_db().await?;
    Ok(())
}
