//! Real PostgreSQL: migrations on an empty database, and isolation between test databases.

use sieve_store::{MIGRATOR, Store};
use sieve_testkit::testing::TestDb;

#[tokio::test]
async fn migrations_apply_to_an_empty_database() -> anyhow::Result<()> {
    let db = TestDb::empty().await?;
    let tables: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'",
    )
    .fetch_one(&db.pool)
    .await?;
    assert_eq!(tables, 0, "a fresh empty database has no tables");
    MIGRATOR.run(&db.pool).await?;
    let store = Store::from_pool(db.pool.clone());
    store.ready().await?;
    for table in [
        "blobs",
        "problems",
        "tests",
        "candidates",
        "results",
        "jobs",
        "api_keys",
    ] {
        let found: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM information_schema.tables WHERE table_name = $1)",
        )
        .bind(table)
        .fetch_one(&db.pool)
        .await?;
        assert!(found, "table {table} missing after migrations");
    }
    db.drop_db().await?;
    Ok(())
}

#[tokio::test]
async fn two_test_databases_are_isolated() -> anyhow::Result<()> {
    let a = TestDb::new().await?;
    let b = TestDb::new().await?;
    assert_ne!(a.name, b.name);
    let store_a = Store::from_pool(a.pool.clone());
    let hash = store_a.put_blob(b"only in a").await?;
    assert_eq!(
        store_a.get_blob(&hash).await?.as_deref(),
        Some(&b"only in a"[..])
    );
    let store_b = Store::from_pool(b.pool.clone());
    assert_eq!(
        store_b.get_blob(&hash).await?,
        None,
        "b must not see a's rows"
    );
    let count_b: i64 = sqlx::query_scalar("SELECT count(*) FROM blobs")
        .fetch_one(&b.pool)
        .await?;
    assert_eq!(count_b, 0);
    a.drop_db().await?;
    b.drop_db().await?;
    Ok(())
}

#[tokio::test]
async fn blobs_are_content_addressed_and_stored_once() -> anyhow::Result<()> {
    let db = TestDb::new().await?;
    let store = Store::from_pool(db.pool.clone());
    let h1 = store.put_blob(b"same bytes").await?;
    let h2 = store.put_blob(b"same bytes").await?;
    assert_eq!(h1, h2);
    assert_eq!(h1.0, *blake3::hash(b"same bytes").as_bytes());
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM blobs")
        .fetch_one(&db.pool)
        .await?;
    assert_eq!(n, 1);
    db.drop_db().await?;
    Ok(())
}
