//! Deleting candidates, problems and contests on real PostgreSQL: what is a deleted row's own
//! goes, what another row still names stays, and a collection never takes a blob that a
//! transaction in flight is about to name.

use sieve_domain::{
    BlobHash, BuildKey, Checker, ContestId, Language, Limits, OutputHash, ProblemId, Rules,
    Subtask, TestKind, TestOutcome, TimeFactor, Verdict,
};
use sieve_store::Store;
use sieve_store::candidates::{BuildRow, NewCandidate, NewResults};
use sieve_store::contests::NewContest;
use sieve_store::delete::{CandidateInUse, Deleted};
use sieve_store::problems::{NewProblem, NewTest};
use sieve_store::selections::{PickRow, SelectionRow};
use sieve_testkit::testing::TestDb;
use std::time::Duration;

async fn store() -> anyhow::Result<(TestDb, Store)> {
    let db = TestDb::new().await?;
    let store = Store::from_pool(db.pool.clone());
    Ok((db, store))
}

fn problem(slug: &str, tests: &[(&str, &[u8])], checker: Checker) -> NewProblem {
    NewProblem {
        slug: slug.into(),
        name: slug.into(),
        limits: Limits {
            time_ms: 1000,
            memory_bytes: 1 << 28,
            output_bytes: 1 << 20,
        },
        time_factor: TimeFactor::new(1.0).unwrap(),
        time_factor_from: "default".into(),
        checker,
        precision: 2,
        subtasks: vec![Subtask {
            name: "all".into(),
            points: 100.0,
            tests: (0..tests.len()).collect(),
            contains: vec![],
        }],
        tests: tests
            .iter()
            .map(|(name, input)| NewTest {
                name: (*name).into(),
                kind: TestKind::Hidden,
                input: input.to_vec(),
                answer: Some(format!("answer of {name}").into_bytes()),
            })
            .collect(),
        grader: vec![(
            "grader.cpp".into(),
            format!("grader of {slug}").into_bytes(),
        )],
        warnings: vec![],
        contest: None,
    }
}

fn candidate(source: &str) -> NewCandidate {
    NewCandidate {
        source: source.into(),
        language: Language::default(),
        target_subtask: None,
        model: None,
        logprob: None,
        gen_tokens: None,
        tags: serde_json::json!({}),
        idempotency_key: None,
    }
}

async fn blob_exists(store: &Store, data: &[u8]) -> anyhow::Result<bool> {
    Ok(store.get_blob(&BlobHash::of(data)).await?.is_some())
}

async fn count(db: &TestDb, table: &str) -> anyhow::Result<i64> {
    Ok(sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
        .fetch_one(&db.pool)
        .await?)
}

/// Builds `source` (its module is `module`) for `candidate` and stores one hidden result.
async fn judged(
    store: &Store,
    problem: ProblemId,
    candidate: sieve_domain::CandidateId,
    source: &str,
    module: &[u8],
) -> anyhow::Result<BuildKey> {
    let key = BuildKey(*blake3::hash(source.as_bytes()).as_bytes());
    let build = BuildRow {
        key,
        ok: true,
        module_hash: Some(BlobHash::of(module)),
        message: String::new(),
    };
    store
        .record_build(
            candidate,
            &build,
            Some(module),
            &BlobHash::of(source.as_bytes()),
            Language::default(),
            "test-toolchain",
            1,
        )
        .await?;
    let outcome = TestOutcome {
        test: 0,
        verdict: Verdict::AC,
        score: 1.0,
        time_us: 10,
        fuel: 0,
        memory_kib: 1,
        output_hash: OutputHash([0; 16]),
    };
    store
        .put_results(&NewResults {
            problem,
            build_key: &key,
            kind: TestKind::Hidden,
            results: &[outcome],
            time_factor: TimeFactor::new(1.0).unwrap(),
            failure: None,
            host: None,
        })
        .await?;
    Ok(key)
}

#[tokio::test]
async fn a_candidate_goes_with_its_build_and_blobs_once_no_twin_uses_them() -> anyhow::Result<()> {
    let (db, store) = store().await?;
    let p = store
        .insert_problem(&problem("p", &[("1", b"in 1")], Checker::Tokens))
        .await?;
    let twins = store
        .insert_candidates(p, &[candidate("int main(){}"), candidate("int main(){}")])
        .await?;
    let (a, b) = (twins[0].0, twins[1].0);
    judged(&store, p, a, "int main(){}", b"module").await?;
    judged(&store, p, b, "int main(){}", b"module").await?;
    let judge = |c| {
        sieve_store::queue::Task::Judge(sieve_store::queue::JudgeJob {
            candidate: c,
            kinds: vec![TestKind::Hidden],
            keep_going: false,
        })
    };
    store.enqueue(Some(p), &judge(a), 0, None).await?;
    store.enqueue(Some(p), &judge(b), 0, None).await?;

    // Its twin (same source, same build) keeps the results, the build and the blobs.
    let first = store.delete_candidate(a, false).await?;
    assert_eq!(
        first,
        Ok(Deleted {
            candidates: 1,
            ..Deleted::default()
        })
    );
    assert_eq!(count(&db, "results").await?, 1);
    assert_eq!(count(&db, "builds").await?, 1);
    assert!(blob_exists(&store, b"int main(){}").await?);
    assert!(store.candidate(a).await?.is_none());
    let queued: Vec<serde_json::Value> = sqlx::query_scalar("SELECT payload FROM jobs")
        .fetch_all(&db.pool)
        .await?;
    assert_eq!(
        queued.len(),
        1,
        "its queued judging went, its twin's stayed"
    );
    assert_eq!(queued[0]["candidate"], b.to_string());

    // The last one takes them all with it.
    let second = store.delete_candidate(b, false).await?.unwrap();
    assert_eq!((second.candidates, second.results), (1, 1));
    assert_eq!((second.builds, second.blobs), (1, 2), "{second:?}");
    assert_eq!(
        second.blob_bytes,
        (b"int main(){}".len() + b"module".len()) as u64
    );
    assert_eq!(count(&db, "builds").await?, 0);
    assert!(!blob_exists(&store, b"int main(){}").await?);
    assert!(!blob_exists(&store, b"module").await?);
    // The problem's own blobs are untouched.
    assert!(blob_exists(&store, b"in 1").await?);
    assert_eq!(
        store.delete_candidate(b, false).await?,
        Err(CandidateInUse::Missing)
    );
    db.drop_db().await?;
    Ok(())
}

#[tokio::test]
async fn a_picked_candidate_is_kept_unless_forced() -> anyhow::Result<()> {
    let (db, store) = store().await?;
    let p = store
        .insert_problem(&problem("p", &[("1", b"in 1")], Checker::Tokens))
        .await?;
    let c = store.insert_candidates(p, &[candidate("picked")]).await?[0].0;
    let selection = uuid::Uuid::now_v7();
    store
        .insert_selection(&SelectionRow {
            id: selection,
            problem_id: p,
            strategy: "sieve".into(),
            k: 1,
            scorer: None,
            picks: vec![PickRow {
                rank: 0,
                candidate_id: c,
                subtask: None,
                score: None,
                reason: "test".into(),
            }],
        })
        .await?;
    assert_eq!(
        store.delete_candidate(c, false).await?,
        Err(CandidateInUse::Picked {
            by: vec![selection]
        })
    );
    assert!(store.candidate(c).await?.is_some(), "nothing was deleted");
    assert!(blob_exists(&store, b"picked").await?);
    let forced = store.delete_candidate(c, true).await?.unwrap();
    assert_eq!((forced.candidates, forced.blobs), (1, 1));
    assert_eq!(count(&db, "selection_picks").await?, 0);
    db.drop_db().await?;
    Ok(())
}

#[tokio::test]
async fn a_problem_goes_with_what_only_it_names() -> anyhow::Result<()> {
    let (db, store) = store().await?;
    let module = b"checker module".to_vec();
    let checker = Checker::Testlib {
        program: BlobHash::of(&module),
    };
    let a = store
        .insert_problem_with_modules(
            &problem("a", &[("1", b"shared input"), ("2", b"only a")], checker),
            std::slice::from_ref(&module),
        )
        .await?;
    let b = store
        .insert_problem(&problem("b", &[("1", b"shared input")], Checker::Tokens))
        .await?;
    let ca = store
        .insert_candidates(a, &[candidate("same source")])
        .await?[0]
        .0;
    store
        .insert_candidates(b, &[candidate("same source")])
        .await?;
    judged(&store, a, ca, "same source", b"a module").await?;
    // A collection keeps what rows name, the checker's module (named in JSON) included.
    let swept = store.collect_garbage().await?;
    assert_eq!(swept, Deleted::default());
    assert!(blob_exists(&store, &module).await?);

    let deleted = store.delete_problem(a).await?.expect("problem a exists");
    assert_eq!(
        (deleted.problems, deleted.candidates, deleted.results),
        (1, 1, 1)
    );
    assert_eq!(deleted.builds, 1);
    for gone in [
        &b"only a"[..],
        b"answer of 2",
        b"grader of a",
        &module,
        b"a module",
    ] {
        assert!(
            !blob_exists(&store, gone).await?,
            "{:?} was a's alone",
            String::from_utf8_lossy(gone)
        );
    }
    for kept in [
        &b"shared input"[..],
        b"answer of 1",
        b"same source",
        b"grader of b",
    ] {
        assert!(
            blob_exists(&store, kept).await?,
            "{:?} is b's too",
            String::from_utf8_lossy(kept)
        );
    }
    assert!(store.load_problem(b).await?.is_some());
    assert!(store.delete_problem(a).await?.is_none());
    db.drop_db().await?;
    Ok(())
}

#[tokio::test]
async fn a_contest_keeps_its_problems_unless_asked() -> anyhow::Result<()> {
    let (db, store) = store().await?;
    let contest = |name: &str| NewContest {
        name: name.into(),
        rules: Rules::Ioi,
        submission_limit: 50,
        settings: serde_json::json!({}),
    };
    let keep = store.insert_contest(&contest("keep")).await?;
    let mut p = problem("kept", &[("1", b"kept input")], Checker::Tokens);
    p.contest = Some(keep);
    let kept = store.insert_problem(&p).await?;
    let deleted = store.delete_contest(keep, false).await?.unwrap();
    assert_eq!(deleted, Deleted::default());
    assert!(store.contest(keep).await?.is_none());
    assert!(
        store.load_problem(kept).await?.is_some(),
        "the problem stays"
    );

    let go = store.insert_contest(&contest("go")).await?;
    let mut p = problem("gone", &[("1", b"gone input")], Checker::Tokens);
    p.contest = Some(go);
    let gone = store.insert_problem(&p).await?;
    let deleted = store.delete_contest(go, true).await?.unwrap();
    assert_eq!(deleted.problems, 1);
    assert!(store.load_problem(gone).await?.is_none());
    assert!(!blob_exists(&store, b"gone input").await?);
    assert!(
        store
            .delete_contest(ContestId::new(), false)
            .await?
            .is_none()
    );
    db.drop_db().await?;
    Ok(())
}

#[tokio::test]
async fn a_collection_takes_uploads_once_their_job_is_done() -> anyhow::Result<()> {
    let (db, store) = store().await?;
    let archive = b"an uploaded package".to_vec();
    let job = store
        .enqueue_with_blob(
            &archive,
            |hash| {
                sieve_store::queue::Task::PreparePackage(sieve_store::queue::PreparePackage {
                    archive: hash,
                    format: sieve_formats::PackageFormat::Kattis,
                    slug: "up".into(),
                    name_is_slug: true,
                    contest: None,
                    overrides: Default::default(),
                    time_factor: None,
                    warnings: vec![],
                })
            },
            0,
        )
        .await?;
    assert_eq!(
        store.collect_garbage().await?.blobs,
        0,
        "a queued job names it"
    );
    assert!(blob_exists(&store, &archive).await?);
    sqlx::query("UPDATE jobs SET state = 'done' WHERE id = $1")
        .bind(job.0)
        .execute(&db.pool)
        .await?;
    let swept = store.collect_garbage().await?;
    assert_eq!((swept.blobs, swept.blob_bytes), (1, archive.len() as u64));
    assert!(!blob_exists(&store, &archive).await?);
    db.drop_db().await?;
    Ok(())
}

#[tokio::test]
async fn a_collection_waits_for_blobs_being_stored() -> anyhow::Result<()> {
    let (db, store) = store().await?;
    let p = store
        .insert_problem(&problem("p", &[("1", b"in")], Checker::Tokens))
        .await?;
    // A blob nothing names yet, as a module stored just before its build row would be.
    store.put_blob(b"about to be named").await?;
    let mut batch = store.begin_batch().await?;
    batch
        .insert_candidates(p, &[candidate("about to be named")])
        .await?;
    let sweep = tokio::spawn({
        let store = store.clone();
        async move { store.collect_garbage().await }
    });
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        !sweep.is_finished(),
        "a collection ran while a transaction was storing blobs"
    );
    batch.commit().await?;
    let swept = sweep.await??;
    assert_eq!(swept.blobs, 0);
    assert!(blob_exists(&store, b"about to be named").await?);
    db.drop_db().await?;
    Ok(())
}
