//! The PostgreSQL job queue on a real server: racing workers, leases that run out, attempts.

use sieve_domain::{CandidateId, TestKind};
use sieve_store::queue::{JobKind, JobState, JudgeJob, Outcome, Task};
use sieve_store::{Store, StoreError};
use sieve_testkit::testing::TestDb;
use std::collections::HashSet;
use std::time::Duration;

fn kinds() -> [JobKind; 3] {
    JobKind::ALL
}

/// A judging task for the `n`-th (made-up) candidate.
fn task(n: u128) -> Task {
    Task::Judge(JudgeJob {
        candidate: CandidateId(uuid::Uuid::from_u128(n)),
        kinds: vec![TestKind::Public, TestKind::Generated],
        keep_going: n.is_multiple_of(2),
    })
}

async fn store() -> anyhow::Result<(TestDb, Store)> {
    let db = TestDb::new().await?;
    let store = Store::from_pool(db.pool.clone());
    Ok((db, store))
}

#[tokio::test]
async fn enqueue_with_a_dedup_key_is_idempotent() -> anyhow::Result<()> {
    let (db, store) = store().await?;
    let a = store.enqueue(None, &task(1), 0, Some("build-1")).await?;
    let b = store.enqueue(None, &task(1), 0, Some("build-1")).await?;
    let c = store.enqueue(None, &task(2), 0, None).await?;
    let d = store.enqueue(None, &task(2), 0, None).await?;
    assert_eq!(a, b);
    assert_ne!(c, d, "jobs without a key are never merged");
    assert_eq!(store.queue_depth().await?, vec![(JobKind::Judge, 3)]);
    db.drop_db().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_racing_workers_take_each_job_once() -> anyhow::Result<()> {
    let (db, store) = store().await?;
    let mut all = HashSet::new();
    for i in 0..60 {
        all.insert(store.enqueue(None, &task(i), 0, None).await?);
    }
    let worker = |name: &'static str, store: Store| async move {
        let mut taken = Vec::new();
        while let Some(job) = store
            .take_job(name, &kinds(), Duration::from_secs(30))
            .await?
        {
            assert_eq!(job.attempt, 1);
            assert_eq!(store.complete_job(job.id, name).await?, Outcome::Done);
            taken.push(job.id);
        }
        anyhow::Ok(taken)
    };
    let (a, b) = tokio::join!(
        tokio::spawn(worker("a", store.clone())),
        tokio::spawn(worker("b", store.clone()))
    );
    let (a, b) = (a??, b??);
    let (sa, sb): (HashSet<_>, HashSet<_>) =
        (a.iter().copied().collect(), b.iter().copied().collect());
    assert_eq!(sa.len(), a.len());
    assert!(sa.is_disjoint(&sb), "a job was taken by both workers");
    assert_eq!(&sa | &sb, all);
    db.drop_db().await?;
    Ok(())
}

#[tokio::test]
async fn a_dead_workers_lease_runs_out_and_another_worker_finishes_the_job() -> anyhow::Result<()> {
    let (db, store) = store().await?;
    let id = store.enqueue(None, &task(0), 0, None).await?;
    let job = store
        .take_job("dead", &kinds(), Duration::from_millis(200))
        .await?
        .expect("job");
    assert_eq!(job.id, id);
    assert!(
        store
            .take_job("other", &kinds(), Duration::from_secs(30))
            .await?
            .is_none(),
        "leased"
    );
    tokio::time::sleep(Duration::from_millis(400)).await;
    let again = store
        .take_job("other", &kinds(), Duration::from_secs(30))
        .await?
        .expect("retaken");
    assert_eq!((again.id, again.attempt), (id, 2));
    assert!(!store.heartbeat(id, "dead", Duration::from_secs(30)).await?);
    assert_eq!(store.complete_job(id, "dead").await?, Outcome::LeaseLost);
    assert_eq!(store.complete_job(id, "other").await?, Outcome::Done);
    assert_eq!(store.job_state(id).await?, Some((JobState::Done, 2)));
    db.drop_db().await?;
    Ok(())
}

#[tokio::test]
async fn a_heartbeat_keeps_the_lease() -> anyhow::Result<()> {
    let (db, store) = store().await?;
    let id = store.enqueue(None, &task(0), 0, None).await?;
    store
        .take_job("alive", &kinds(), Duration::from_millis(300))
        .await?
        .expect("job");
    for _ in 0..6 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(
            store
                .heartbeat(id, "alive", Duration::from_millis(300))
                .await?
        );
        assert!(
            store
                .take_job("thief", &kinds(), Duration::from_secs(1))
                .await?
                .is_none()
        );
    }
    db.drop_db().await?;
    Ok(())
}

#[tokio::test]
async fn attempts_are_capped_and_priority_orders_the_queue() -> anyhow::Result<()> {
    let (db, store) = store().await?;
    let low = store.enqueue(None, &task(0), 0, None).await?;
    let high = store.enqueue(None, &task(0), 5, None).await?;
    let first = store
        .take_job("w", &kinds(), Duration::from_secs(30))
        .await?
        .expect("job");
    assert_eq!(first.id, high, "higher priority first");
    assert_eq!(store.fail_job(high, "w", "boom").await?, Outcome::Retried);
    let again = store
        .take_job("w", &kinds(), Duration::from_secs(30))
        .await?
        .expect("job");
    assert_eq!((again.id, again.attempt), (high, 2));
    assert_eq!(store.fail_job(high, "w", "boom").await?, Outcome::Retried);
    store
        .take_job("w", &kinds(), Duration::from_secs(30))
        .await?
        .expect("third attempt");
    assert_eq!(store.fail_job(high, "w", "boom").await?, Outcome::Failed);
    let next = store
        .take_job("w", &kinds(), Duration::from_secs(30))
        .await?
        .expect("job");
    assert_eq!(next.id, low, "a failed job is never taken again");
    // Abandoned on its last attempt: swept to failed.
    for _ in 0..2 {
        store.fail_job(low, "w", "boom").await?;
        store
            .take_job("w", &kinds(), Duration::from_millis(50))
            .await?
            .expect("job");
    }
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(store.fail_abandoned_jobs().await?, 1);
    assert_eq!(store.job_state(low).await?, Some((JobState::Failed, 3)));
    db.drop_db().await?;
    Ok(())
}

#[tokio::test]
async fn a_job_is_taken_as_the_typed_task_it_was_queued_as() -> anyhow::Result<()> {
    let (db, store) = store().await?;
    let id = store.enqueue(None, &task(7), 0, None).await?;
    let job = store
        .take_job("w", &kinds(), Duration::from_secs(30))
        .await?
        .expect("job");
    assert_eq!((job.id, job.task), (id, task(7)));
    let (kind, state): (String, String) =
        sqlx::query_as("SELECT kind::text, state::text FROM jobs")
            .fetch_one(&db.pool)
            .await?;
    assert_eq!((kind.as_str(), state.as_str()), ("judge", "running"));
    // The schema holds the contract too: a kind or a state nobody handles cannot be written.
    let misspelt = sqlx::query(
        "INSERT INTO jobs (id, kind, payload) VALUES (gen_random_uuid(), 'judje', '{}')",
    )
    .execute(&db.pool)
    .await;
    assert!(misspelt.is_err(), "an unknown kind is refused");
    let bad_state = sqlx::query("UPDATE jobs SET state = 'finished'")
        .execute(&db.pool)
        .await;
    assert!(bad_state.is_err(), "an unknown state is refused");
    db.drop_db().await?;
    Ok(())
}

#[tokio::test]
async fn a_payload_that_does_not_decode_fails_for_good_at_once() -> anyhow::Result<()> {
    let (db, store) = store().await?;
    sqlx::query(
        "INSERT INTO jobs (id, kind, payload, priority) VALUES (gen_random_uuid(), 'judge', '{\"candidate\": 3}', 1)",
    )
    .execute(&db.pool)
    .await?;
    let good = store.enqueue(None, &task(1), 0, None).await?;
    let taken = store.take_job("w", &kinds(), Duration::from_secs(30)).await;
    assert!(
        matches!(taken, Err(StoreError::Corrupt(ref m)) if m.contains("does not decode")),
        "{taken:?}"
    );
    let (state, error): (String, String) =
        sqlx::query_as("SELECT state::text, last_error FROM jobs WHERE id <> $1")
            .bind(good.0)
            .fetch_one(&db.pool)
            .await?;
    assert_eq!(state, "failed", "never taken again: {error}");
    let next = store
        .take_job("w", &kinds(), Duration::from_secs(30))
        .await?
        .expect("the good job");
    assert_eq!(next.id, good);
    db.drop_db().await?;
    Ok(())
}

/// Package and generation jobs come back as the typed tasks they were queued as, and keep what
/// they produced: a rejection fails the job for good on its first attempt (the input is at
/// fault), an output marks it done, and a worker that lost its lease writes neither.
#[tokio::test]
async fn jobs_keep_their_outputs_and_rejections_are_final() -> anyhow::Result<()> {
    use sieve_domain::{BlobHash, GenProgram, Language, ProblemId};
    use sieve_formats::{Overrides, PackageFormat};
    use sieve_store::queue::{GenerateTests, JobOutput, PreparePackage, Rejection};
    let (db, store) = store().await?;
    let package = Task::PreparePackage(PreparePackage {
        archive: BlobHash::of(b"an archive"),
        format: PackageFormat::Cms,
        slug: "sum".into(),
        name_is_slug: false,
        contest: None,
        overrides: Overrides {
            time_ms: Some(1500),
            memory_bytes: None,
        },
        time_factor: None,
        warnings: vec!["a warning".into()],
    });
    let generate = Task::GenerateTests(GenerateTests {
        problem: ProblemId(uuid::Uuid::from_u128(7)),
        generators: vec![GenProgram {
            name: "random".into(),
            language: Language::Cpp17,
            source: "int main(){}".into(),
            args: vec!["10".into()],
        }],
        validators: vec![],
        seeds: vec![1, 2, 3],
        threshold: 0.75,
        subtasks: vec![0, 2],
        time_limit_ms: 1000,
    });
    let a = store.enqueue(None, &package, 10, None).await?;
    let b = store.enqueue(None, &generate, 10, None).await?;
    let lease = Duration::from_secs(30);
    let first = store.take_job("w", &kinds(), lease).await?.expect("a job");
    assert_eq!((first.id, &first.task), (a, &package));
    let second = store.take_job("w", &kinds(), lease).await?.expect("a job");
    assert_eq!((second.id, &second.task), (b, &generate));
    assert_eq!(store.job(a).await?.expect("job").output, None);

    let rejection = JobOutput::Rejected {
        rejection: Rejection::Checker {
            message: "checker.cpp does not compile".into(),
        },
    };
    assert_eq!(
        store.finish_job(a, "someone else", &rejection).await?,
        Outcome::LeaseLost
    );
    assert_eq!(store.finish_job(a, "w", &rejection).await?, Outcome::Failed);
    let record = store.job(a).await?.expect("job");
    assert_eq!(
        (record.kind, record.state, record.attempts),
        (JobKind::PreparePackage, JobState::Failed, 1)
    );
    assert_eq!(record.output, Some(rejection));
    let generated = JobOutput::Generated {
        indices: vec![4, 5],
        rejudged: 3,
        report: serde_json::json!({"kept": 2}),
    };
    assert_eq!(store.finish_job(b, "w", &generated).await?, Outcome::Done);
    let record = store.job(b).await?.expect("job");
    assert_eq!(record.state, JobState::Done);
    assert_eq!(record.output, Some(generated));
    assert!(
        store.take_job("w", &kinds(), lease).await?.is_none(),
        "neither is taken again"
    );
    db.drop_db().await?;
    Ok(())
}

#[tokio::test]
async fn a_queued_job_is_announced_and_a_released_one_is_queued_again() -> anyhow::Result<()> {
    let (db, store) = store().await?;
    let mut listener = store.listen_jobs().await?;
    let job = store.enqueue(None, &task(1), 0, None).await?;
    tokio::time::timeout(Duration::from_secs(5), listener.recv())
        .await
        .expect("the new job is announced")?;

    let taken = store
        .take_job("a", &kinds(), Duration::from_secs(30))
        .await?
        .expect("a job");
    assert_eq!((taken.id, taken.attempt), (job, 1));
    assert!(!store.release_job(job, "b").await?, "b does not hold it");
    assert!(store.release_job(job, "a").await?);
    // Queued again, announced, and its attempt not counted.
    tokio::time::timeout(Duration::from_secs(5), listener.recv())
        .await
        .expect("the released job is announced")?;
    let again = store
        .take_job("b", &kinds(), Duration::from_secs(30))
        .await?
        .expect("taken again at once");
    assert_eq!((again.id, again.attempt), (job, 1));
    db.drop_db().await?;
    Ok(())
}

#[tokio::test]
async fn finished_jobs_are_purged_after_their_retention() -> anyhow::Result<()> {
    let (db, store) = store().await?;
    let (done, failed, queued) = (
        store.enqueue(None, &task(1), 0, None).await?,
        store.enqueue(None, &task(2), 0, None).await?,
        store.enqueue(None, &task(3), 0, None).await?,
    );
    sqlx::query(
        "UPDATE jobs SET state = 'done', updated_at = now() - interval '2 hours' WHERE id = $1",
    )
    .bind(done.0)
    .execute(&db.pool)
    .await?;
    sqlx::query("UPDATE jobs SET state = 'failed', updated_at = now() - interval '30 minutes' WHERE id = $1")
        .bind(failed.0)
        .execute(&db.pool)
        .await?;
    sqlx::query("UPDATE jobs SET updated_at = now() - interval '2 hours' WHERE id = $1")
        .bind(queued.0)
        .execute(&db.pool)
        .await?;
    let purged = store.purge_finished_jobs(Duration::from_secs(3600)).await?;
    assert_eq!(purged, 1);
    assert!(store.job(done).await?.is_none());
    assert!(store.job(failed).await?.is_some(), "within its retention");
    assert!(
        store.job(queued).await?.is_some(),
        "never purged unfinished"
    );
    db.drop_db().await?;
    Ok(())
}
