use anyhow::Context;
use clap::Subcommand;
use sieve_pglocal::{Database, DbArgs, LocalCluster, ensure_database};

/// Actions on the private cluster.
#[derive(Debug, Subcommand)]
pub enum DbAction {
    /// Start the private cluster (initialising it on first use) and print its URL.
    Start,
    /// Stop the private cluster.
    Stop,
    /// Print the private cluster's URL, starting it if needed.
    Url,
    /// Apply pending migrations to the database (DATABASE_URL or the private cluster).
    Migrate,
    /// Collect what nothing uses any more: builds no candidate or result uses, and blobs no row
    /// names (uploaded packages once prepared, above all). Deletions collect their own at once.
    Gc {
        /// What was collected, as one JSON object.
        #[arg(long)]
        json: bool,
    },
}

/// Opens the database of `args`, runs `f` with a store on a current-thread runtime, and closes
/// the database again (stopping a private cluster this process started), whatever `f` returned.
pub fn with_store<T, Fut>(
    args: &DbArgs,
    f: impl FnOnce(sieve_store::Store) -> Fut,
) -> anyhow::Result<T>
where
    Fut: std::future::Future<Output = anyhow::Result<T>>,
{
    let db = Database::open(args)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let result = rt.block_on(async {
        let store = sieve_store::Store::connect(&db.url, 2)
            .await
            .context("connecting to the database")?;
        f(store).await
    });
    drop(rt);
    db.close();
    result
}

/// Runs `sieve db ...`.
pub fn run(action: DbAction, args: &DbArgs) -> anyhow::Result<()> {
    let dir = args.data_dir.join("pg");
    match action {
        DbAction::Start | DbAction::Url => {
            let cluster = LocalCluster::ensure(&dir, false)?;
            println!("{}", ensure_database(&cluster, "sieve")?);
        }
        DbAction::Migrate => {
            let db = Database::open(args)?;
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            rt.block_on(sieve_store::Store::connect(&db.url, 2))?;
            println!("migrations applied");
            db.close();
        }
        DbAction::Gc { json } => {
            let swept = with_store(
                args,
                |store| async move { Ok(store.collect_garbage().await?) },
            )?;
            if json {
                println!("{}", serde_json::to_string(&swept)?);
            } else {
                println!(
                    "collected {} builds and {} blobs ({:.1} MiB)",
                    swept.builds,
                    swept.blobs,
                    swept.blob_bytes as f64 / (1 << 20) as f64
                );
            }
        }
        DbAction::Stop => {
            if dir.join("PG_VERSION").exists() {
                LocalCluster::ensure(&dir, false)?.stop()?;
            }
        }
    }
    Ok(())
}

/// Runs `sieve keys create`.
pub fn create_key(args: &DbArgs, role: &str, label: &str) -> anyhow::Result<()> {
    let role = sieve_store::keys::Role::parse(role)
        .ok_or_else(|| anyhow::anyhow!("unknown role {role:?}: admin, submitter or viewer"))?;
    let db = Database::open(args)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let key = rt.block_on(async {
        let store = sieve_store::Store::connect(&db.url, 2).await?;
        store.create_api_key(role, label).await
    })?;
    println!("{key}");
    db.close();
    Ok(())
}

/// Runs `sieve keys list`: a table, or one JSON object per line.
pub fn list_keys(args: &DbArgs, json: bool) -> anyhow::Result<()> {
    let keys = with_store(args, |store| async move { Ok(store.api_keys().await?) })?;
    for k in &keys {
        if json {
            println!("{}", serde_json::to_string(k)?);
        } else {
            println!(
                "{}  {:<9}  {}  {:<20}  {}",
                k.id,
                k.role,
                k.created_at,
                k.revoked_at
                    .as_deref()
                    .map_or("active".to_string(), |r| format!("revoked {r}")),
                k.label
            );
        }
    }
    Ok(())
}

/// Runs `sieve keys revoke`.
pub fn revoke_key(args: &DbArgs, id: uuid::Uuid) -> anyhow::Result<()> {
    let revoked = with_store(
        args,
        |store| async move { Ok(store.revoke_api_key(id).await?) },
    )?;
    match revoked {
        Some(k) => {
            println!("revoked {} ({}, {})", k.id, k.role, k.label);
            Ok(())
        }
        None => anyhow::bail!("no key {id} (sieve keys list shows them)"),
    }
}
