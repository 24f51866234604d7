//! What keeps a fleet of workers going without waste: wake-ups when jobs are queued (the trigger
//! of migration 0014 notifies [`JOBS_CHANNEL`]), a job handed back when its worker is told to
//! stop, and finished jobs purged after a retention period.

use crate::{Store, StoreError};
use sieve_domain::JobId;
use sqlx::postgres::PgListener;
use std::time::Duration;

/// The channel a job's queueing is announced on (its kind as payload).
pub const JOBS_CHANNEL: &str = "sieve_jobs";

/// A connection listening on [`JOBS_CHANNEL`].
pub struct JobsListener(PgListener);

impl std::fmt::Debug for JobsListener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JobsListener")
    }
}

impl JobsListener {
    /// Waits until a job may be waiting: one was queued, or the connection was lost and made
    /// again (what was announced in between is lost, so there may be).
    pub async fn recv(&mut self) -> Result<(), StoreError> {
        self.0.try_recv().await?;
        Ok(())
    }
}

impl Store {
    /// Starts listening for queued jobs.
    pub async fn listen_jobs(&self) -> Result<JobsListener, StoreError> {
        let mut listener = PgListener::connect_with(self.pool()).await?;
        listener.listen(JOBS_CHANNEL).await?;
        Ok(JobsListener(listener))
    }

    /// Hands `job` back to the queue if `worker` holds it: queued again at once for another
    /// worker, the attempt not counted (the worker was stopped, the job did not fail). False if
    /// the worker no longer held it.
    pub async fn release_job(&self, job: JobId, worker: &str) -> Result<bool, StoreError> {
        let n = sqlx::query!(
            r#"UPDATE jobs SET state = 'queued', attempts = greatest(attempts - 1, 0),
                   lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
               WHERE id = $1 AND lease_owner = $2 AND state = 'running'"#,
            job.0,
            worker
        )
        .execute(self.pool())
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    /// Deletes the jobs that finished (done or failed) more than `age` ago; returns how many.
    /// Their clients could follow them until then (`GET /v1/jobs/{id}`).
    pub async fn purge_finished_jobs(&self, age: Duration) -> Result<u64, StoreError> {
        let n = sqlx::query!(
            r#"DELETE FROM jobs WHERE state IN ('done', 'failed')
               AND updated_at < now() - make_interval(secs => $1)"#,
            age.as_secs_f64()
        )
        .execute(self.pool())
        .await?
        .rows_affected();
        Ok(n)
    }
}
