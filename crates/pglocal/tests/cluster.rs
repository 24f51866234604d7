//! The private cluster on a real PostgreSQL installation.

/// As root, the server runs as `postgres`, which cannot enter root's mode-0700 home: the cluster
/// asked for there must start all the same (the README's commands run from such a clone).
#[tokio::test]
async fn a_cluster_under_a_directory_postgres_cannot_enter_starts() -> anyhow::Result<()> {
    if !std::fs::read_to_string("/proc/self/status")?
        .lines()
        .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(2) == Some("0"))
    {
        eprintln!("not root: the server runs as the caller, who can reach its own directory");
        return Ok(());
    }
    let closed = tempfile::tempdir()?;
    std::fs::set_permissions(
        closed.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o700),
    )?;
    let data_dir = closed.path().join("clone/target/sieve-test/pg");
    let cluster = sieve_pglocal::LocalCluster::ensure(&data_dir, true)?;
    let pool = sqlx::PgPool::connect(&cluster.url("postgres")).await?;
    let one: i32 = sqlx::query_scalar("SELECT 1").fetch_one(&pool).await?;
    assert_eq!(one, 1);
    pool.close().await;
    // Asked for again (another process, or `sieve db stop`), it is the same cluster.
    let again = sieve_pglocal::LocalCluster::ensure(&data_dir, true)?;
    assert!(!again.started_here(), "found running, not started twice");
    again.stop()?;
    let real = std::fs::canonicalize(&data_dir)?;
    assert_ne!(
        real, data_dir,
        "the server's files live where postgres can reach them"
    );
    std::fs::remove_dir_all(&real)?;
    Ok(())
}
