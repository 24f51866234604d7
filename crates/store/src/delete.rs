//! Deleting candidates, problems and contests, and collecting what nothing uses any more: builds
//! no candidate or result names, and blobs no row names.
//!
//! A blob is named by foreign keys (tests, builds, candidates) and by hashes written in JSON
//! (problems' checkers and graders, scorers' models, the payloads of queued or running jobs). To
//! keep a blob that is being stored from being collected before the row naming it lands, every
//! transaction that stores blobs holds [`hold_blobs`] (a shared advisory lock) and a collection
//! holds it exclusively: a collection never sees a blob stored but not yet named.

use crate::{Store, StoreError};
use serde::Serialize;
use sieve_domain::{CandidateId, ContestId, ProblemId};
use sqlx::PgConnection;
use uuid::Uuid;

/// The advisory lock that orders blob writers (shared) against collections (exclusive).
const BLOBS_LOCK: i64 = i64::from_be_bytes(*b"sieveblb");

/// Takes the shared blob lock for the rest of the transaction on `conn`: blobs stored in it
/// cannot be collected before it commits.
pub(crate) async fn hold_blobs(conn: &mut PgConnection) -> Result<(), StoreError> {
    sqlx::query!("SELECT pg_advisory_xact_lock_shared($1)", BLOBS_LOCK)
        .execute(conn)
        .await?;
    Ok(())
}

/// Takes the blob lock exclusively for the rest of the transaction: waits for every transaction
/// storing blobs to end, and holds new ones off.
async fn hold_blobs_exclusively(conn: &mut PgConnection) -> Result<(), StoreError> {
    sqlx::query!("SELECT pg_advisory_xact_lock($1)", BLOBS_LOCK)
        .execute(conn)
        .await?;
    Ok(())
}

/// What a deletion or a collection removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Deleted {
    /// Problems deleted.
    pub problems: u64,
    /// Candidates deleted.
    pub candidates: u64,
    /// Results deleted (one per build, problem and kind of test).
    pub results: u64,
    /// Builds that no candidate or result used any more.
    pub builds: u64,
    /// Blobs that nothing named any more.
    pub blobs: u64,
    /// Their bytes.
    pub blob_bytes: u64,
}

/// Why a candidate was not deleted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CandidateInUse {
    /// It is not there.
    Missing,
    /// Selections picked it or sessions submitted it (delete with `force` to drop those picks).
    Picked {
        /// The selections and sessions that did.
        by: Vec<Uuid>,
    },
}

impl Store {
    /// Deletes candidate `id`, its scores, its results (unless another candidate of the problem
    /// has the same build), then the builds and blobs nothing uses any more. A candidate that a
    /// selection picked or a session submitted is kept unless `force`, which drops those picks.
    pub async fn delete_candidate(
        &self,
        id: CandidateId,
        force: bool,
    ) -> Result<Result<Deleted, CandidateInUse>, StoreError> {
        let mut tx = self.pool().begin().await?;
        hold_blobs_exclusively(&mut tx).await?;
        let Some(row) = sqlx::query!(
            "SELECT problem_id, source_hash, build_key FROM candidates WHERE id = $1 FOR UPDATE",
            id.0
        )
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(Err(CandidateInUse::Missing));
        };
        if !force {
            let by = sqlx::query_scalar!(
                r#"SELECT selection_id AS "id!" FROM selection_picks WHERE candidate_id = $1
                   UNION SELECT session_id FROM session_submissions WHERE candidate_id = $1"#,
                id.0
            )
            .fetch_all(&mut *tx)
            .await?;
            if !by.is_empty() {
                return Ok(Err(CandidateInUse::Picked { by }));
            }
        }
        sqlx::query!("DELETE FROM candidates WHERE id = $1", id.0)
            .execute(&mut *tx)
            .await?;
        // Queued judging of it has nothing left to judge.
        sqlx::query!(
            "DELETE FROM jobs WHERE kind = 'judge' AND state = 'queued' AND payload->>'candidate' = $1",
            id.0.to_string()
        )
        .execute(&mut *tx)
        .await?;
        let mut deleted = Deleted {
            candidates: 1,
            ..Deleted::default()
        };
        let mut builds = Vec::new();
        if let Some(build) = row.build_key {
            // Results belong to (problem, build): other candidates with the same build keep them.
            deleted.results = sqlx::query!(
                r#"DELETE FROM results r WHERE r.problem_id = $1 AND r.build_key = $2
                   AND NOT EXISTS (SELECT 1 FROM candidates c
                                   WHERE c.problem_id = $1 AND c.build_key = $2)"#,
                row.problem_id,
                build
            )
            .execute(&mut *tx)
            .await?
            .rows_affected();
            builds.push(build);
        }
        let blobs = collect(&mut tx, Some(&builds), Some(vec![row.source_hash])).await?;
        deleted.builds = blobs.0;
        (deleted.blobs, deleted.blob_bytes) = (blobs.1, blobs.2);
        tx.commit().await?;
        Ok(Ok(deleted))
    }

    /// Deletes problem `id` with everything that is its own (tests, candidates, results, scores,
    /// selections, sessions, jobs, runs of replays), then the builds and blobs nothing uses any
    /// more. `None` if there is no such problem.
    pub async fn delete_problem(&self, id: ProblemId) -> Result<Option<Deleted>, StoreError> {
        let mut tx = self.pool().begin().await?;
        hold_blobs_exclusively(&mut tx).await?;
        let deleted = delete_problems(&mut tx, &[id.0]).await?;
        if deleted.problems == 0 {
            return Ok(None);
        }
        tx.commit().await?;
        Ok(Some(deleted))
    }

    /// Deletes contest `id` and its replays. Its problems are deleted too when `with_problems`,
    /// and otherwise stay, in no contest. `None` if there is no such contest.
    pub async fn delete_contest(
        &self,
        id: ContestId,
        with_problems: bool,
    ) -> Result<Option<Deleted>, StoreError> {
        let mut tx = self.pool().begin().await?;
        hold_blobs_exclusively(&mut tx).await?;
        let problems = sqlx::query_scalar!(
            "SELECT id FROM problems WHERE contest_id = $1 FOR UPDATE",
            id.0
        )
        .fetch_all(&mut *tx)
        .await?;
        let gone = sqlx::query!("DELETE FROM contests WHERE id = $1", id.0)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if gone == 0 {
            return Ok(None);
        }
        let deleted = if with_problems {
            delete_problems(&mut tx, &problems).await?
        } else {
            Deleted::default()
        };
        tx.commit().await?;
        Ok(Some(deleted))
    }

    /// Collects every build no candidate or result uses and every blob nothing names: what
    /// deletions leave behind them is collected at once, this catches the rest (uploaded
    /// packages once prepared, modules of builds whose candidates went).
    pub async fn collect_garbage(&self) -> Result<Deleted, StoreError> {
        let mut tx = self.pool().begin().await?;
        hold_blobs_exclusively(&mut tx).await?;
        let (builds, blobs, blob_bytes) = collect(&mut tx, None, None).await?;
        tx.commit().await?;
        Ok(Deleted {
            builds,
            blobs,
            blob_bytes,
            ..Deleted::default()
        })
    }
}

/// Deletes `problems` (their own rows go by cascade) and collects what they alone used.
async fn delete_problems(tx: &mut PgConnection, problems: &[Uuid]) -> Result<Deleted, StoreError> {
    if problems.is_empty() {
        return Ok(Deleted::default());
    }
    let counts = sqlx::query!(
        r#"SELECT (SELECT count(*) FROM candidates WHERE problem_id = ANY($1)) AS "candidates!",
                  (SELECT count(*) FROM results WHERE problem_id = ANY($1)) AS "results!""#,
        problems
    )
    .fetch_one(&mut *tx)
    .await?;
    let builds = sqlx::query_scalar!(
        r#"SELECT DISTINCT build_key AS "key!" FROM results WHERE problem_id = ANY($1)
           UNION SELECT build_key FROM candidates WHERE problem_id = ANY($1) AND build_key IS NOT NULL"#,
        problems
    )
    .fetch_all(&mut *tx)
    .await?;
    // The blobs the problems name: their tests', programs' and candidates' (builds' come later).
    let named = sqlx::query_scalar!(
        r#"SELECT input_hash AS "hash!" FROM tests WHERE problem_id = ANY($1)
           UNION SELECT answer_hash FROM tests WHERE problem_id = ANY($1) AND answer_hash IS NOT NULL
           UNION SELECT source_hash FROM candidates WHERE problem_id = ANY($1)
           UNION SELECT decode(v #>> '{}', 'hex')
                 FROM problems p, jsonb_path_query(jsonb_build_array(p.checker, p.grader), 'strict $.**') v
                 WHERE p.id = ANY($1) AND jsonb_typeof(v) = 'string'
                   AND v #>> '{}' ~ '^[0-9a-f]{64}$'"#,
        problems
    )
    .fetch_all(&mut *tx)
    .await?;
    let gone = sqlx::query!("DELETE FROM problems WHERE id = ANY($1)", problems)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    let (builds, blobs, blob_bytes) = collect(tx, Some(&builds), Some(named)).await?;
    Ok(Deleted {
        problems: gone,
        candidates: counts.candidates as u64,
        results: counts.results as u64,
        builds,
        blobs,
        blob_bytes,
    })
}

/// Deletes those of `builds` (every build when `None`) that no candidate or result uses, then
/// those of `blobs` (every blob when `None`) plus the deleted builds' that nothing names. Returns the builds deleted,
/// the blobs deleted and their bytes. The caller holds the blob lock exclusively.
async fn collect(
    tx: &mut PgConnection,
    builds: Option<&[Vec<u8>]>,
    blobs: Option<Vec<Vec<u8>>>,
) -> Result<(u64, u64, u64), StoreError> {
    let dropped = sqlx::query!(
        r#"DELETE FROM builds b WHERE ($1::bytea[] IS NULL OR b.key = ANY($1))
           AND NOT EXISTS (SELECT 1 FROM candidates c WHERE c.build_key = b.key)
           AND NOT EXISTS (SELECT 1 FROM results r WHERE r.build_key = b.key)
           RETURNING b.source_hash, b.module_hash"#,
        builds
    )
    .fetch_all(&mut *tx)
    .await?;
    let candidates = blobs.map(|mut named| {
        for b in &dropped {
            named.push(b.source_hash.clone());
            named.extend(b.module_hash.clone());
        }
        named
    });
    // Hashes in JSON are 64 lower-case hex digits wherever they sit (domain::BlobHash's form):
    // any such string in a column that may name blobs keeps the blob.
    let gone = sqlx::query!(
        r#"WITH named_in_json AS (
               SELECT decode(v #>> '{}', 'hex') AS hash
               FROM (SELECT jsonb_path_query(jsonb_build_array(checker, grader), 'strict $.**')
                     FROM problems
                     UNION ALL SELECT jsonb_path_query(params, 'strict $.**') FROM scorers
                     UNION ALL SELECT jsonb_path_query(payload, 'strict $.**') FROM jobs
                               WHERE state IN ('queued', 'running')) AS j (v)
               WHERE jsonb_typeof(v) = 'string' AND v #>> '{}' ~ '^[0-9a-f]{64}$')
           DELETE FROM blobs b
           WHERE ($1::bytea[] IS NULL OR b.hash = ANY($1))
             AND NOT EXISTS (SELECT 1 FROM tests t WHERE t.input_hash = b.hash)
             AND NOT EXISTS (SELECT 1 FROM tests t WHERE t.answer_hash = b.hash)
             AND NOT EXISTS (SELECT 1 FROM candidates c WHERE c.source_hash = b.hash)
             AND NOT EXISTS (SELECT 1 FROM builds d WHERE d.source_hash = b.hash)
             AND NOT EXISTS (SELECT 1 FROM builds d WHERE d.module_hash = b.hash)
             AND NOT EXISTS (SELECT 1 FROM named_in_json n WHERE n.hash = b.hash)
           RETURNING b.size"#,
        candidates.as_deref()
    )
    .fetch_all(&mut *tx)
    .await?;
    Ok((
        dropped.len() as u64,
        gone.len() as u64,
        gone.iter().map(|s| s.size as u64).sum(),
    ))
}
