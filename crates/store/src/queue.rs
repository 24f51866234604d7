//! The work queue in PostgreSQL: jobs are taken with `FOR UPDATE SKIP LOCKED`, held by a lease
//! that the worker's heartbeat extends, and taken again by another worker when the lease runs
//! out (a worker that died). Attempts are capped; enqueueing with a dedup key is idempotent.

use crate::{Store, StoreError};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sieve_domain::{
    BlobHash, CandidateId, ContestId, GenProgram, JobId, ProblemId, TestKind, TimeFactor,
};
use sieve_formats::{Overrides, PackageFormat};
use std::time::Duration;
use uuid::Uuid;

/// What a job does: one variant per kind of work the workers take (PostgreSQL `job_kind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, sqlx::Type)]
#[sqlx(type_name = "job_kind", rename_all = "snake_case")]
pub enum JobKind {
    /// Judge a candidate ([`JudgeJob`]).
    Judge,
    /// Make an uploaded package a problem ([`PreparePackage`]).
    PreparePackage,
    /// Run a team's generators and validators into generated tests ([`GenerateTests`]).
    GenerateTests,
}

impl JobKind {
    /// Every kind.
    pub const ALL: [JobKind; 3] = [
        JobKind::Judge,
        JobKind::PreparePackage,
        JobKind::GenerateTests,
    ];

    /// Its name in the database and in metrics.
    pub fn name(self) -> &'static str {
        match self {
            JobKind::Judge => "judge",
            JobKind::PreparePackage => "prepare_package",
            JobKind::GenerateTests => "generate_tests",
        }
    }
}

/// Where a job is in its life (PostgreSQL `job_state`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, sqlx::Type)]
#[sqlx(type_name = "job_state", rename_all = "snake_case")]
pub enum JobState {
    /// Waiting for a worker.
    Queued,
    /// Leased to a worker.
    Running,
    /// Done, never to run again.
    Done,
    /// Failed on its last attempt.
    Failed,
}

impl JobState {
    /// Its name in the database and in metrics.
    pub fn name(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Failed => "failed",
        }
    }

    /// Not finished yet: queued or running.
    pub fn pending(self) -> bool {
        matches!(self, JobState::Queued | JobState::Running)
    }
}

/// What a judging job asks for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JudgeJob {
    /// The candidate.
    pub candidate: CandidateId,
    /// The kinds of test to judge it on, in order (hidden only for simulations).
    pub kinds: Vec<TestKind>,
    /// Judge the generated tests even when a public test failed, and every hidden test even
    /// after a failure in its subtask (by default both are skipped: a candidate that fails the
    /// samples is rarely worth the time, and a failed subtask is scored already).
    #[serde(default)]
    pub keep_going: bool,
}

/// What preparing an uploaded package asks for: the API has read the archive (it is a package
/// of this format) and chosen the slug; the worker compiles its checker and stores the problem.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PreparePackage {
    /// The archive as uploaded, stored as a blob.
    pub archive: BlobHash,
    /// How to read it.
    pub format: PackageFormat,
    /// The problem's slug.
    pub slug: String,
    /// Name the problem by its slug (the archive had no top folder to name it by).
    pub name_is_slug: bool,
    /// The contest it joins.
    pub contest: Option<ContestId>,
    /// Limits that win over the package's.
    pub overrides: Overrides,
    /// The time factor, when given.
    pub time_factor: Option<TimeFactor>,
    /// What unpacking the archive warned of (the package's own warnings come from reading it).
    pub warnings: Vec<String>,
}

/// What generating tests asks for (see the worker's `generate`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GenerateTests {
    /// The problem the tests join.
    pub problem: ProblemId,
    /// Programs that print one input for a seed.
    pub generators: Vec<GenProgram>,
    /// Programs that accept or reject an input.
    pub validators: Vec<GenProgram>,
    /// The seeds each generator runs with.
    pub seeds: Vec<u64>,
    /// Share of validators that must accept an input.
    pub threshold: f64,
    /// The subtasks the kept inputs join (the target and every subtask containing it).
    pub subtasks: Vec<i16>,
    /// CPU time limit of each run, in milliseconds.
    pub time_limit_ms: u64,
}

/// A job's work: its kind and its typed arguments together, so that a payload always matches
/// its kind.
#[derive(Clone, Debug, PartialEq)]
pub enum Task {
    /// Judge a candidate.
    Judge(JudgeJob),
    /// Make an uploaded package a problem.
    PreparePackage(PreparePackage),
    /// Generate tests for a problem.
    GenerateTests(GenerateTests),
}

impl Task {
    /// Its kind.
    pub fn kind(&self) -> JobKind {
        match self {
            Task::Judge(_) => JobKind::Judge,
            Task::PreparePackage(_) => JobKind::PreparePackage,
            Task::GenerateTests(_) => JobKind::GenerateTests,
        }
    }

    /// The stored payload.
    fn payload(&self) -> Value {
        let value = match self {
            Task::Judge(job) => serde_json::to_value(job),
            Task::PreparePackage(job) => serde_json::to_value(job),
            Task::GenerateTests(job) => serde_json::to_value(job),
        };
        value.expect("job payloads are plain data")
    }

    /// The task a stored row holds.
    fn decode(kind: JobKind, payload: Value) -> Result<Task, serde_json::Error> {
        Ok(match kind {
            JobKind::Judge => Task::Judge(serde_json::from_value(payload)?),
            JobKind::PreparePackage => Task::PreparePackage(serde_json::from_value(payload)?),
            JobKind::GenerateTests => Task::GenerateTests(serde_json::from_value(payload)?),
        })
    }
}

/// What a finished job produced, kept with it for the client that queued it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum JobOutput {
    /// A package became this problem.
    Prepared {
        /// The new problem.
        problem: ProblemId,
        /// What the importer could not use.
        warnings: Vec<String>,
    },
    /// Generated tests were stored.
    Generated {
        /// Indices of the new tests.
        indices: Vec<i32>,
        /// Candidates queued again for them.
        rejudged: u64,
        /// Every generator run's fate (the worker's report).
        report: Value,
    },
    /// The job's input cannot be used: it failed for good, and says why.
    Rejected {
        /// Why.
        rejection: Rejection,
    },
}

/// Why a job's input cannot be used: the client's fault, never retried.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "cause", rename_all = "snake_case")]
pub enum Rejection {
    /// The package cannot be read.
    #[error("{message}")]
    Unreadable {
        /// The reader's message.
        message: String,
    },
    /// Another problem has the slug.
    #[error("a problem with slug {slug:?} exists")]
    SlugTaken {
        /// The slug.
        slug: String,
    },
    /// The package's checker or interactor cannot be made ready (does not compile, or is of
    /// a kind sieve cannot pair).
    #[error("{message}")]
    Checker {
        /// Why.
        message: String,
    },
    /// The package's tests cannot be made from its generators: a program does not compile, or
    /// fails, or a validator rejects an input.
    #[error("{message}")]
    Tests {
        /// Which program failed on which test, and how.
        message: String,
    },
    /// A generator (or validator) does not compile.
    #[error("{name} does not compile:\n{message}")]
    ProgramDoesNotCompile {
        /// A validator, not a generator.
        validator: bool,
        /// Its position among the generators (or validators).
        index: usize,
        /// Its name.
        name: String,
        /// The compiler's message.
        message: String,
    },
    /// The request cannot be used as it stands.
    #[error("{message}")]
    Invalid {
        /// Why.
        message: String,
    },
    /// The problem is gone.
    #[error("problem {problem} does not exist")]
    NoProblem {
        /// Its id.
        problem: ProblemId,
    },
}

/// A job as its client follows it.
#[derive(Clone, Debug, PartialEq)]
pub struct JobRecord {
    /// Its id.
    pub id: JobId,
    /// What it does.
    pub kind: JobKind,
    /// Where it is.
    pub state: JobState,
    /// Times taken so far.
    pub attempts: i32,
    /// The problem it is about, if any.
    pub problem: Option<ProblemId>,
    /// The last failure of sieve's while doing it (a failed attempt), if any.
    pub last_error: Option<String>,
    /// What it produced, once finished.
    pub output: Option<JobOutput>,
}

/// A job as a worker holds it.
#[derive(Clone, Debug, PartialEq)]
pub struct Job {
    /// Its id.
    pub id: JobId,
    /// What to do.
    pub task: Task,
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
    /// Adds a job about `problem` (if any); with a `dedup_key` already queued (in any state),
    /// returns the existing job's id.
    pub async fn enqueue(
        &self,
        problem: Option<ProblemId>,
        task: &Task,
        priority: i16,
        dedup_key: Option<&str>,
    ) -> Result<JobId, StoreError> {
        enqueue_on(self.pool(), problem, task, priority, dedup_key).await
    }

    /// Stores `data` and queues the task `task` makes of its hash, together: the blob cannot be
    /// collected before the queued job names it.
    pub async fn enqueue_with_blob(
        &self,
        data: &[u8],
        task: impl FnOnce(BlobHash) -> Task,
        priority: i16,
    ) -> Result<JobId, StoreError> {
        let mut tx = self.pool().begin().await?;
        crate::delete::hold_blobs(&mut tx).await?;
        let hash = BlobHash(crate::put_blob_on(&mut *tx, data).await?);
        let id = enqueue_on(&mut *tx, None, &task(hash), priority, None).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Takes the most urgent job of one of `kinds` that is queued, or whose lease has run out,
    /// and leases it to `worker` for `lease`. Concurrent takers never get the same job. A job
    /// whose payload does not decode as its kind's is failed for good at once (no attempt could
    /// do better) and reported as [`StoreError::Corrupt`].
    pub async fn take_job(
        &self,
        worker: &str,
        kinds: &[JobKind],
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
               RETURNING id, kind AS "kind: JobKind", payload, attempts"#,
            worker,
            lease_secs(lease),
            kinds as &[JobKind]
        )
        .fetch_optional(self.pool())
        .await?;
        let Some(r) = row else {
            return Ok(None);
        };
        match Task::decode(r.kind, r.payload) {
            Ok(task) => Ok(Some(Job {
                id: JobId(r.id),
                task,
                attempt: r.attempts,
            })),
            Err(e) => {
                let error = format!("the {} job's payload does not decode: {e}", r.kind.name());
                sqlx::query!(
                    r#"UPDATE jobs SET state = 'failed', last_error = $2, lease_owner = NULL,
                           lease_expires_at = NULL, updated_at = now()
                       WHERE id = $1"#,
                    r.id,
                    error
                )
                .execute(self.pool())
                .await?;
                Err(StoreError::Corrupt(format!("job {}: {error}", r.id)))
            }
        }
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

    /// Ends `job` with what it produced, if `worker` still holds it: done, or failed for good
    /// when the output is a [`JobOutput::Rejected`] (the input is at fault: no retry helps).
    pub async fn finish_job(
        &self,
        job: JobId,
        worker: &str,
        output: &JobOutput,
    ) -> Result<Outcome, StoreError> {
        let rejected = matches!(output, JobOutput::Rejected { .. });
        let state = if rejected {
            JobState::Failed
        } else {
            JobState::Done
        };
        let value = serde_json::to_value(output).expect("job outputs are plain data");
        let n = sqlx::query!(
            r#"UPDATE jobs SET state = $3, result = $4, lease_expires_at = NULL, updated_at = now()
               WHERE id = $1 AND lease_owner = $2 AND state = 'running'"#,
            job.0,
            worker,
            state as JobState,
            value
        )
        .execute(self.pool())
        .await?
        .rows_affected();
        Ok(match (n, rejected) {
            (1, false) => Outcome::Done,
            (1, true) => Outcome::Failed,
            _ => Outcome::LeaseLost,
        })
    }

    /// A job as its client follows it; `None` when there is no such job.
    pub async fn job(&self, job: JobId) -> Result<Option<JobRecord>, StoreError> {
        let row = sqlx::query!(
            r#"SELECT id, kind AS "kind: JobKind", state AS "state: JobState", attempts,
                      problem_id, last_error, result
               FROM jobs WHERE id = $1"#,
            job.0
        )
        .fetch_optional(self.pool())
        .await?;
        let Some(r) = row else { return Ok(None) };
        let output = r
            .result
            .map(serde_json::from_value)
            .transpose()
            .map_err(|e| StoreError::Corrupt(format!("job {}'s result: {e}", r.id)))?;
        Ok(Some(JobRecord {
            id: JobId(r.id),
            kind: r.kind,
            state: r.state,
            attempts: r.attempts,
            problem: r.problem_id.map(ProblemId),
            last_error: r.last_error,
            output,
        }))
    }

    /// Records a failure of `job`: queued again while attempts remain, failed for good after.
    pub async fn fail_job(
        &self,
        job: JobId,
        worker: &str,
        error: &str,
    ) -> Result<Outcome, StoreError> {
        let state = sqlx::query_scalar!(
            r#"UPDATE jobs SET state = CASE WHEN attempts >= max_attempts THEN 'failed'::job_state ELSE 'queued'::job_state END,
                   last_error = $3, lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
               WHERE id = $1 AND lease_owner = $2 AND state = 'running'
               RETURNING state AS "state: JobState""#,
            job.0,
            worker,
            error
        )
        .fetch_optional(self.pool())
        .await?;
        Ok(match state {
            Some(JobState::Failed) => Outcome::Failed,
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
            r#"SELECT kind AS "kind: JobKind", payload, coalesce(last_error, 'no error recorded') AS "error!"
               FROM jobs WHERE kind = 'judge' AND state = 'failed' AND payload->>'candidate' = $1::uuid::text
               ORDER BY created_at"#,
            candidate.0
        )
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|r| {
                let Task::Judge(job) = Task::decode(r.kind, r.payload)
                    .map_err(|e| StoreError::Corrupt(format!("a judge job's payload: {e}")))?
                else {
                    return Err(StoreError::Corrupt("a judge job of another kind".into()));
                };
                let kinds: Vec<&str> = job.kinds.iter().map(|k| k.name()).collect();
                Ok(format!(
                    "sieve failed to judge it on the {} tests: {}",
                    kinds.join(", "),
                    r.error
                ))
            })
            .collect()
    }

    /// The state of a job and its attempts so far.
    pub async fn job_state(&self, job: JobId) -> Result<Option<(JobState, i32)>, StoreError> {
        let row = sqlx::query!(
            r#"SELECT state AS "state: JobState", attempts FROM jobs WHERE id = $1"#,
            job.0
        )
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|r| (r.state, r.attempts)))
    }

    /// Jobs per kind and state.
    pub async fn job_counts(&self) -> Result<Vec<(JobKind, JobState, i64)>, StoreError> {
        let rows = sqlx::query!(
            r#"SELECT kind AS "kind: JobKind", state AS "state: JobState", count(*) AS "n!"
               FROM jobs GROUP BY kind, state ORDER BY kind, state"#
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(|r| (r.kind, r.state, r.n)).collect())
    }

    /// Jobs waiting to run, per kind.
    pub async fn queue_depth(&self) -> Result<Vec<(JobKind, i64)>, StoreError> {
        let rows = sqlx::query!(
            r#"SELECT kind AS "kind: JobKind", count(*) AS "n!" FROM jobs WHERE state = 'queued'
               GROUP BY kind ORDER BY kind"#
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(|r| (r.kind, r.n)).collect())
    }
}

/// [`Store::enqueue`] on any connection or transaction.
pub(crate) async fn enqueue_on<'e>(
    executor: impl sqlx::PgExecutor<'e>,
    problem: Option<ProblemId>,
    task: &Task,
    priority: i16,
    dedup_key: Option<&str>,
) -> Result<JobId, StoreError> {
    let id = Uuid::now_v7();
    let row = sqlx::query_scalar!(
        r#"INSERT INTO jobs (id, kind, payload, priority, dedup_key, problem_id) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (dedup_key) DO UPDATE SET dedup_key = EXCLUDED.dedup_key
           RETURNING id"#,
        id,
        task.kind() as JobKind,
        task.payload(),
        priority,
        dedup_key,
        problem.map(|p| p.0)
    )
    .fetch_one(executor)
    .await?;
    Ok(JobId(row))
}

/// Queues `jobs` about `problem` (each with its priority and dedup key) in one statement; a key
/// already queued is skipped. Returns how many were added.
pub(crate) async fn enqueue_many_on<'e>(
    executor: impl sqlx::PgExecutor<'e>,
    problem: ProblemId,
    jobs: &[(Task, i16, String)],
) -> Result<u64, StoreError> {
    let ids: Vec<Uuid> = jobs.iter().map(|_| Uuid::now_v7()).collect();
    let kinds: Vec<JobKind> = jobs.iter().map(|(t, _, _)| t.kind()).collect();
    let payloads: Vec<Value> = jobs.iter().map(|(t, _, _)| t.payload()).collect();
    let priorities: Vec<i16> = jobs.iter().map(|(_, p, _)| *p).collect();
    let keys: Vec<String> = jobs.iter().map(|(_, _, k)| k.clone()).collect();
    let n = sqlx::query!(
        r#"INSERT INTO jobs (id, kind, payload, priority, dedup_key, problem_id)
           SELECT id, kind, payload, priority, dedup_key, $6
           FROM unnest($1::uuid[], $2::job_kind[], $3::jsonb[], $4::int2[], $5::text[])
                AS j(id, kind, payload, priority, dedup_key)
           ON CONFLICT (dedup_key) DO NOTHING"#,
        &ids,
        &kinds as &[JobKind],
        &payloads,
        &priorities,
        &keys,
        problem.0
    )
    .execute(executor)
    .await?
    .rows_affected();
    Ok(n)
}
