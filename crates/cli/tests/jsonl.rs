//! JSONL problems (CodeContests' fields) and candidates from files, through the CLI into a
//! fresh database: a CodeContests line with its solutions, and export → import round trips of
//! a real Kattis package and of a package with a custom checker and a grader.

mod common;

use common::repo;
use sieve_domain::TestKind;
use sieve_store::Store;
use sieve_store::problem_info::AddedTest;
use sieve_store::queue::{JobKind, JobState};
use sieve_testkit::testing::TestDb;
use std::path::Path;
use std::process::{Command, Output};

fn sieve(db: &TestDb, args: &[&str]) -> Output {
    common::sieve_ok(db, args)
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap_or_default()
}

#[tokio::test]
async fn codecontests_line_with_solutions() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let file = repo().join("tests/fixtures/packages/codecontests-sum.jsonl");
    let out = sieve(&db, &["import", "jsonl", path(&file)]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cf_rating"),
        "unused keys are named: {stderr}"
    );
    assert!(
        stderr.contains("1 in python2"),
        "skipped solutions are counted: {stderr}"
    );
    let store = Store::from_pool(db.pool.clone());
    let id = store
        .problem_by_slug("1000_a-sum-of-two")
        .await?
        .expect("slug made of the name");
    let p = store.load_problem(id).await?.expect("loads").problem;
    assert_eq!(p.limits.time_ms, 2500);
    assert_eq!(p.limits.memory_bytes, 256 << 20);
    let kinds: Vec<TestKind> = p.tests.iter().map(|t| t.kind).collect();
    use TestKind::*;
    assert_eq!(
        kinds,
        [Public, Hidden, Hidden, Generated, Generated, Generated]
    );
    assert_eq!(p.tests[2].answer.as_deref(), Some(&b"4000000000\n"[..]));
    assert_eq!(p.subtasks.len(), 1);
    assert_eq!(p.subtasks[0].tests, vec![1, 2], "the private tests score");
    let tags: Vec<(String, String)> = sqlx::query_as(
        "SELECT tags->>'origin', language FROM candidates ORDER BY tags->>'origin', language",
    )
    .fetch_all(&db.pool)
    .await?;
    assert_eq!(
        tags,
        [
            ("incorrect_solutions".to_string(), "cpp17".to_string()),
            ("solutions".to_string(), "cpp17".to_string()),
            ("solutions".to_string(), "python3".to_string())
        ]
    );
    let jobs = store.job_counts().await?;
    assert_eq!(jobs, [(JobKind::Judge, JobState::Queued, 3)]);
    // Importing again with --skip-existing adds nothing.
    sieve(&db, &["import", "jsonl", path(&file), "--skip-existing"]);
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM candidates")
        .fetch_one(&db.pool)
        .await?;
    assert_eq!(n, 3);
    db.drop_db().await?;
    Ok(())
}

/// Exports `slug`, imports the line back as `copy`, and asserts the two problems are equal.
async fn round_trip(db: &TestDb, slug: &str) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("out.jsonl");
    sieve(db, &["export", slug, "-o", path(&file)]);
    let text = std::fs::read_to_string(&file)?;
    assert_eq!(text.lines().count(), 1);
    sieve(
        db,
        &[
            "import",
            "jsonl",
            path(&file),
            "--slug",
            "copy",
            "--judge",
            "",
        ],
    );
    let store = Store::from_pool(db.pool.clone());
    let a = store.problem_by_slug(slug).await?.expect("original");
    let b = store.problem_by_slug("copy").await?.expect("copy");
    let mut a = store.load_problem(a).await?.expect("loads").problem;
    let b = store.load_problem(b).await?.expect("loads").problem;
    a.slug = b.slug.clone();
    a.warnings = b.warnings.clone();
    assert_eq!(a, b, "export then import gives an equal problem");
    Ok(())
}

#[tokio::test]
async fn export_import_round_trip_of_a_real_package_with_generated_tests() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let dir = repo().join("tests/fixtures/problems/brandpost/package");
    sieve(
        &db,
        &["import", "kattis", path(&dir), "--slug", "brandpost"],
    );
    let store = Store::from_pool(db.pool.clone());
    let id = store.problem_by_slug("brandpost").await?.expect("imported");
    // Generated tests, one without an answer, complete the three kinds.
    let generated = vec![
        AddedTest {
            name: "gen/1".into(),
            kind: TestKind::Generated,
            input: b"1 1 1\n#\n".to_vec(),
            answer: None,
            subtasks: vec![0],
        },
        AddedTest {
            name: "gen/2".into(),
            kind: TestKind::Generated,
            input: vec![0xff, 0xfe, b'\n'],
            answer: Some(b"0\n".to_vec()),
            subtasks: vec![],
        },
    ];
    store.add_tests(id, &generated).await?;
    round_trip(&db, "brandpost").await?;
    db.drop_db().await?;
    Ok(())
}

#[tokio::test]
async fn export_import_round_trip_with_a_custom_checker_and_a_grader() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let dir = tempfile::tempdir()?;
    let pkg = dir.path().join("checked-sum");
    let src = repo().join("tests/fixtures/packages/grader-sum");
    Command::new("cp")
        .args(["-r", path(&src), path(&pkg)])
        .status()?;
    std::fs::write(
        pkg.join("problem.yaml"),
        "name: Sum with a validator\ntype: pass-fail\nvalidation: custom\nlimits:\n  time_limit: 1\n  memory: 256\n",
    )?;
    std::fs::create_dir_all(pkg.join("output_validators/check"))?;
    std::fs::copy(
        repo().join("tests/fixtures/verdicts/checkers/kattis_validator.cpp"),
        pkg.join("output_validators/check/check.cpp"),
    )?;
    sieve(&db, &["import", "kattis", path(&pkg)]);
    let store = Store::from_pool(db.pool.clone());
    let id = store
        .problem_by_slug("checked-sum")
        .await?
        .expect("imported");
    let p = store.load_problem(id).await?.expect("loads").problem;
    assert!(matches!(p.checker, sieve_domain::Checker::Kattis { .. }));
    assert!(!p.grader.is_empty(), "the grader is stored");
    round_trip(&db, "checked-sum").await?;
    db.drop_db().await?;
    Ok(())
}

#[tokio::test]
async fn export_import_round_trip_of_a_testlib_interactor_and_its_checker() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let pkg = repo().join("tests/fixtures/packages/polygon-interactive");
    sieve(&db, &["import", "polygon", path(&pkg)]);
    let store = Store::from_pool(db.pool.clone());
    let id = store
        .problem_by_slug("poly-guess")
        .await?
        .expect("imported");
    let p = store.load_problem(id).await?.expect("loads").problem;
    let sieve_domain::Checker::TestlibInteractive { then, .. } = &p.checker else {
        panic!("not a testlib interactor: {:?}", p.checker);
    };
    assert!(
        matches!(then.as_deref(), Some(sieve_domain::Checker::Testlib { .. })),
        "{then:?}"
    );
    assert_eq!(p.checker.programs().len(), 2, "both modules are named");
    round_trip(&db, "poly-guess").await?;
    db.drop_db().await?;
    Ok(())
}

#[tokio::test]
async fn candidates_from_a_directory_and_from_jsonl() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let dir = repo().join("tests/fixtures/problems/cses-1158/package");
    let limits = ["--time-limit", "1000", "--memory-limit", "512"];
    let mut args = vec!["import", "folder", path(&dir), "--slug", "book-shop"];
    args.extend(limits);
    sieve(&db, &args);
    let fixtures = repo().join("tests/fixtures/problems/cses-1158");
    let out = sieve(
        &db,
        &[
            "candidates",
            "add",
            "book-shop",
            path(&fixtures),
            "--model",
            "hand",
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let sources = std::fs::read_dir(&fixtures)?
        .filter(|e| {
            e.as_ref().is_ok_and(|e| {
                let n = e.file_name();
                let n = n.to_string_lossy();
                n.ends_with(".cpp") || n.ends_with(".c")
            })
        })
        .count();
    assert!(
        stdout.contains(&format!("added {sources} candidates")),
        "{stdout}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("expected.tsv"));
    let langs: Vec<(String, String)> = sqlx::query_as(
        "SELECT tags->>'file', language FROM candidates WHERE model = 'hand' ORDER BY 1",
    )
    .fetch_all(&db.pool)
    .await?;
    assert!(langs.contains(&("ac_two_rows.c".into(), "c17".into())));
    assert!(langs.contains(&("ac_1d.cpp".into(), "cpp17".into())));
    // The same directory again adds nothing; a JSONL file adds its lines with their metadata.
    let again = sieve(&db, &["candidates", "add", "book-shop", path(&fixtures)]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("added 0 candidates"));
    let json = sieve(
        &db,
        &["candidates", "add", "book-shop", path(&fixtures), "--json"],
    );
    let v: serde_json::Value = serde_json::from_slice(&json.stdout)?;
    assert_eq!(v["added"], 0, "{v}");
    assert!(v["known"].as_u64().is_some_and(|k| k > 0), "{v}");
    assert_eq!(
        v["candidates"].as_array().map(Vec::len),
        v["known"].as_u64().map(|k| k as usize)
    );
    let tmp = tempfile::tempdir()?;
    let jsonl = tmp.path().join("c.jsonl");
    std::fs::write(
        &jsonl,
        "{\"source\":\"int main(){}\",\"language\":\"c\",\"model\":\"m1\",\"logprob\":-3.5,\"target_subtask\":0}\n\n\
         {\"source\":\"int main(){return 1;}\",\"language\":\"cpp\"}\n",
    )?;
    sieve(
        &db,
        &[
            "candidates",
            "add",
            "book-shop",
            path(&jsonl),
            "--model",
            "m2",
            "--judge",
            "",
        ],
    );
    let rows: Vec<(Option<String>, Option<f64>)> = sqlx::query_as(
        "SELECT model, logprob FROM candidates WHERE model IN ('m1', 'm2') ORDER BY model",
    )
    .fetch_all(&db.pool)
    .await?;
    assert_eq!(
        rows,
        [(Some("m1".into()), Some(-3.5)), (Some("m2".into()), None)]
    );
    let queued: i64 = sqlx::query_scalar("SELECT count(*) FROM jobs")
        .fetch_one(&db.pool)
        .await?;
    assert_eq!(
        queued as usize, sources,
        "--judge '' stores without judging"
    );
    // A bad line is refused with its line number, and nothing of the file is stored.
    std::fs::write(
        &jsonl,
        "{\"source\":\"x\",\"language\":\"c\"}\n{\"source\":\"y\",\"language\":\"cobol\"}\n",
    )?;
    let bad = Command::new(env!("CARGO_BIN_EXE_sieve"))
        .args(["candidates", "add", "book-shop", path(&jsonl)])
        .env("DATABASE_URL", &db.url)
        .output()?;
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains(":2"));
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM candidates")
        .fetch_one(&db.pool)
        .await?;
    assert_eq!(n as usize, sources + 2);
    db.drop_db().await?;
    Ok(())
}
