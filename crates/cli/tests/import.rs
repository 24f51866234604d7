//! `sieve import` into a real (fresh) database, from packages in the shape of real ones
//! (tests/fixtures/problems/<problem>/package: a Kattis package whose groups share tests through
//! symlinks, and a CSES-style folder).

use sieve_store::Store;
use sieve_testkit::testing::TestDb;
use std::path::PathBuf;
use std::process::{Command, Output};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn import(db: &TestDb, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sieve"))
        .arg("import")
        .args(args)
        .arg("--cache-dir")
        .arg(repo().join("target/sieve-test/cache"))
        .env("DATABASE_URL", &db.url)
        .output()
        .expect("run sieve import")
}

#[tokio::test]
async fn kattis_package_with_groups_and_shared_tests() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let dir = repo().join("tests/fixtures/problems/brandpost/package");
    let out = import(
        &db,
        &[
            "kattis",
            dir.to_str().unwrap_or_default(),
            "--slug",
            "brandpost",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("time_multipliers"),
        "the misspelt key is reported: {stderr}"
    );
    let store = Store::from_pool(db.pool.clone());
    let id = store.problem_by_slug("brandpost").await?.expect("imported");
    let p = store.load_problem(id).await?.expect("loads").problem;
    let points: Vec<f64> = p.subtasks.iter().map(|s| s.points).collect();
    assert_eq!(points, vec![10.0, 15.0, 17.0, 27.0, 31.0]);
    assert_eq!(
        p.tests.len(),
        15,
        "a test shared by several groups is one test (2 samples and 13 secret)"
    );
    let first = p
        .tests
        .iter()
        .position(|t| t.name == "secret/group1/01-01")
        .expect("test");
    assert!(
        p.subtasks.iter().all(|s| s.tests.contains(&first)),
        "shared by all five groups"
    );
    assert_eq!(
        p.subtasks[4].contains,
        vec![0, 1, 2, 3],
        "group5 contains the others"
    );
    assert!(p.warnings.iter().any(|w| w.contains("time_multipliers")));
    // Round trip: what is stored is what the package says.
    let package = sieve_formats::load_kattis(&dir, &Default::default())?;
    assert_eq!(p.subtasks, package.subtasks);
    let pairs = |t: &Vec<sieve_store::problems::NewTest>| -> Vec<(String, Vec<u8>)> {
        t.iter()
            .map(|t| (t.name.clone(), t.input.clone()))
            .collect()
    };
    let package_pairs: Vec<(String, Vec<u8>)> = package
        .tests
        .iter()
        .map(|t| (t.name.clone(), t.input.clone()))
        .collect();
    assert_eq!(pairs(&p.tests), package_pairs);
    db.drop_db().await?;
    Ok(())
}

#[tokio::test]
async fn folder_with_limits_from_the_command_line_and_no_duplicates() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let dir = repo().join("tests/fixtures/problems/cses-1158/package");
    let args = [
        "folder",
        dir.to_str().unwrap_or_default(),
        "--slug",
        "book-shop",
        "--time-limit",
        "1000",
        "--memory-limit",
        "512",
    ];
    let out = import(&db, &args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let store = Store::from_pool(db.pool.clone());
    let id = store.problem_by_slug("book-shop").await?.expect("imported");
    let p = store.load_problem(id).await?.expect("loads").problem;
    assert_eq!(p.limits.time_ms, 1000);
    assert_eq!(p.limits.memory_bytes, 512 << 20);
    assert_eq!(p.tests.len(), 10);
    assert_eq!(p.subtasks.len(), 1);
    assert_eq!(p.subtasks[0].points, 100.0);
    let again = import(&db, &args);
    assert!(
        !again.status.success(),
        "a second import under the same slug is refused"
    );
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));
    // --json: what was imported, one object per problem; a skipped one says so.
    let json = |slug: &str, extra: &[&str]| {
        let mut a = args.to_vec();
        a[3] = slug;
        a.push("--json");
        a.extend_from_slice(extra);
        let out = import(&db, &a);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("one JSON object")
    };
    let second = json("book-shop-2", &[]);
    assert_eq!(second["slug"], "book-shop-2");
    assert_eq!(
        second["tests"]["hidden"].as_u64().unwrap_or(0)
            + second["tests"]["public"].as_u64().unwrap_or(0),
        10
    );
    assert_eq!(second["time_limit_ms"], 1000);
    assert!(second["id"].is_string(), "{second}");
    let skipped = json("book-shop", &["--skip-existing"]);
    assert_eq!(skipped["skipped"], true, "{skipped}");
    assert_eq!(skipped["existing"], id.to_string());
    let problems: i64 = sqlx::query_scalar("SELECT count(*) FROM problems")
        .fetch_one(&db.pool)
        .await?;
    assert_eq!(problems, 2);
    db.drop_db().await?;
    Ok(())
}
