//! The work queue in PostgreSQL: jobs are taken with `FOR UPDATE SKIP LOCKED`, held by a lease
//! that the worker's heartbeat extends, and taken again by another worker when the lease runs
//! out (a worker that died). Attempts are capped; enqueueing with a dedup key is idempotent.

use crate::{Store, StoreError};
use serde_json::Value;
use sieve_domain::{CandidateId, JobId};
use std::time::Duration;
use uuid::Uuid;

/// A job as a worker holds it.
#[derive(Clone, Debug, PartialEq)]
pub struct Job {
    /// Its id.
    pub id: JobId,
    /// What to do (e.g. `judge`).
    pub kind: String,
    /// The job's arguments.
    pub payload: Value,
    /// This is the n-th time the job was taken (1 the first time).
    pub attempt: i32,
}

/// How a job ended from the queue's point of view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Done, never to run again.
    Done,
    /// Put back to run again (attempts remain).
    Retried,
    /// Failed for good (no attempts left).
    Failed,
    /// The worker no longer held the lease: another worker has (or will have) the job.
    LeaseLost,
}

fn lease_secs(lease: Duration) -> f64 {
    lease.as_secs_f64()
}

impl Store {
    /// Adds a job; with a `dedup_key` already queued (in any state), returns the existing job's id.
    pub async fn enqueue(
        &self,
        kind: &str,
        payload: &Value,
        priority: i16,
        dedup_key: Option<&str>,
    ) -> Result<JobId, StoreError> {
        enqueue_on(self.pool(), None, kind, payload, priority, dedup_key).await
    }

    /// Takes the most urgent job of one of `kinds` that is queued, or whose lease has run out,
    /// and leases it to `worker` for `lease`. Concurrent takers never get the same job.
    pub async fn take_job(
        &self,
        worker: &str,
        kinds: &[String],
        lease: Duration,
    ) -> Result<Option<Job>, StoreError> {
        let row = sqlx::query!(
            r#"UPDATE jobs SET state = 'running', lease_owner = $1,
                   lease_expires_at = now() + make_interval(secs => $2),
                   attempts = attempts + 1, updated_at = now()
               WHERE id = (
                   SELECT id FROM jobs
                   WHERE kind = ANY($3)
                     AND attempts < max_attempts
                     AND (state = 'queued' OR (state = 'running' AND lease_expires_at < now()))
                   ORDER BY priority DESC, created_at
                   FOR UPDATE SKIP LOCKED
                   LIMIT 1)
               RETURNING id, kind, payload, attempts"#,
            worker,
            lease_secs(lease),
            kinds
        )
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|r| Job {
            id: JobId(r.id),
            kind: r.kind,
            payload: r.payload,
            attempt: r.attempts,
        }))
    }

    /// Extends `worker`'s lease on `job`; false when the lease was lost to another worker.
    pub async fn heartbeat(
        &self,
        job: JobId,
        worker: &str,
        lease: Duration,
    ) -> Result<bool, StoreError> {
        let n = sqlx::query!(
            r#"UPDATE jobs SET lease_expires_at = now() + make_interval(secs => $3), updated_at = now()
               WHERE id = $1 AND lease_owner = $2 AND state = 'running'"#,
            job.0,
            worker,
            lease_secs(lease)
        )
        .execute(self.pool())
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    /// Marks `job` done, if `worker` still holds it (`lease_owner` then says who did it).
    pub async fn complete_job(&self, job: JobId, worker: &str) -> Result<Outcome, StoreError> {
        let n = sqlx::query!(
            r#"UPDATE jobs SET state = 'done', lease_expires_at = NULL, updated_at = now()
               WHERE id = $1 AND lease_owner = $2 AND state = 'running'"#,
            job.0,
            worker
        )
        .execute(self.pool())
        .await?
        .rows_affected();
        Ok(if n == 1 {
            Outcome::Done
        } else {
            Outcome::LeaseLost
        })
    }

    /// Records a failure of `job`: queued again while attempts remain, failed for good after.
    pub async fn fail_job(
        &self,
        job: JobId,
        worker: &str,
        error: &str,
    ) -> Result<Outcome, StoreError> {
        let state = sqlx::query_scalar!(
            r#"UPDATE jobs SET state = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END,
                   last_error = $3, lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
               WHERE id = $1 AND lease_owner = $2 AND state = 'running'
               RETURNING state"#,
            job.0,
            worker,
            error
        )
        .fetch_optional(self.pool())
        .await?;
        Ok(match state.as_deref() {
            Some("failed") => Outcome::Failed,
            Some(_) => Outcome::Retried,
            None => Outcome::LeaseLost,
        })
    }

    /// Marks as failed the jobs whose lease ran out on their last attempt (their worker died and
    /// no attempt remains), so that they do not look forever in progress. Returns how many.
    /// Workers call it every lease period.
    pub async fn fail_abandoned_jobs(&self) -> Result<u64, StoreError> {
        let n = sqlx::query!(
            r#"UPDATE jobs SET state = 'failed',
                   last_error = 'sieve failed: the worker stopped holding the job (its lease ran out) on the last attempt',
                   lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
               WHERE state = 'running' AND lease_expires_at < now() AND attempts >= max_attempts"#
        )
        .execute(self.pool())
        .await?
        .rows_affected();
        Ok(n)
    }

    /// Why sieve could not judge `candidate`: one line per `judge` job of it that failed for good
    /// (after its last attempt), naming the kinds of test and the job's last error. These are
    /// sieve's failures, never the candidate's.
    pub async fn judging_failures(
        &self,
        candidate: CandidateId,
    ) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query!(
            r#"SELECT coalesce((SELECT string_agg(k, ', ') FROM jsonb_array_elements_text(payload->'kinds') k), '') AS "kinds!",
                   coalesce(last_error, 'no error recorded') AS "error!"
               FROM jobs WHERE kind = 'judge' AND state = 'failed' AND payload->>'candidate' = $1::uuid::text
               ORDER BY created_at"#,
            candidate.0
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                format!(
                    "sieve failed to judge it on the {} tests: {}",
                    r.kinds, r.error
                )
            })
            .collect())
    }

    /// The state of a job (`queued`, `running`, `done`, `failed`) and its attempts so far.
    pub async fn job_state(&self, job: JobId) -> Result<Option<(String, i32)>, StoreError> {
        let row = sqlx::query!("SELECT state, attempts FROM jobs WHERE id = $1", job.0)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.map(|r| (r.state, r.attempts)))
    }

    /// Jobs per kind and state.
    pub async fn job_counts(&self) -> Result<Vec<(String, String, i64)>, StoreError> {
        let rows = sqlx::query!(
            r#"SELECT kind, state, count(*) AS "n!" FROM jobs GROUP BY kind, state ORDER BY kind, state"#
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(|r| (r.kind, r.state, r.n)).collect())
    }

    /// Jobs waiting to run, per kind.
    pub async fn queue_depth(&self) -> Result<Vec<(String, i64)>, StoreError> {
        let rows = sqlx::query!(
            r#"SELECT kind, count(*) AS "n!" FROM jobs WHERE state = 'queued' GROUP BY kind ORDER BY kind"#
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(|r| (r.kind, r.n)).collect())
    }
}

/// [`Store::enqueue`] on any connection or transaction.
pub(crate) async fn enqueue_on<'e>(
    executor: impl sqlx::PgExecutor<'e>,
    problem: Option<sieve_domain::ProblemId>,
    kind: &str,
    payload: &Value,
    priority: i16,
    dedup_key: Option<&str>,
) -> Result<JobId, StoreError> {
    let id = Uuid::now_v7();
    let row = sqlx::query_scalar!(
        r#"INSERT INTO jobs (id, kind, payload, priority, dedup_key, problem_id) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (dedup_key) DO UPDATE SET dedup_key = EXCLUDED.dedup_key
           RETURNING id"#,
        id,
        kind,
        payload,
        priority,
        dedup_key,
        problem.map(|p| p.0)
    )
    .fetch_one(executor)
    .await?;
    Ok(JobId(row))
}
