//! Definitions the database restates from `domain` must say the same thing: "passed" is
//! `Verdict::passes` in Rust and `sieve_passes` (behind `results.passed`) in SQL.

use sieve_domain::Verdict;
use sieve_testkit::testing::TestDb;

#[tokio::test]
async fn passed_means_the_same_in_sql_and_in_rust() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let scores = [0.0f32, 0.5, 0.999, 1.0, 1.5, f32::NAN];
    let mut cases = Vec::new();
    for v in Verdict::ALL {
        for s in scores {
            cases.push((v, s));
        }
    }
    for (v, s) in &cases {
        let sql: bool = sqlx::query_scalar("SELECT sieve_passes($1, $2)")
            .bind(vec![v.index()])
            .bind(vec![*s])
            .fetch_one(&db.pool)
            .await?;
        assert_eq!(sql, v.passes(f64::from(*s)), "{} with score {s}", v.code());
    }
    // A row passes when every test in it does; an empty row passes, as ALL over nothing does.
    for (a, b) in cases.iter().zip(cases.iter().rev()) {
        let sql: bool = sqlx::query_scalar("SELECT sieve_passes($1, $2)")
            .bind(vec![a.0.index(), b.0.index()])
            .bind(vec![a.1, b.1])
            .fetch_one(&db.pool)
            .await?;
        let rust = a.0.passes(f64::from(a.1)) && b.0.passes(f64::from(b.1));
        assert_eq!(sql, rust, "{a:?} and {b:?}");
    }
    let empty: bool = sqlx::query_scalar("SELECT sieve_passes('{}', '{}')")
        .fetch_one(&db.pool)
        .await?;
    assert!(empty);
    db.drop_db().await?;
    Ok(())
}
