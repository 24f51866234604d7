//! Problems as lists and summaries (no test data), one test's data, and tests added to a stored
//! problem (generated inputs, with or without answers).

use crate::problems::parse_kind;
use crate::queue::{JudgeJob, Task, enqueue_many_on};
use crate::{Store, StoreError};
use serde::Serialize;
use sieve_domain::{CandidateId, Checker, ContestId, Limits, ProblemId, TestKind, TimeFactor};

/// A problem without its test data.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProblemSummary {
    /// Its id.
    pub id: ProblemId,
    /// Unique short name.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// Its contest.
    pub contest_id: Option<ContestId>,
    /// Limits as stated (for native code).
    pub limits: Limits,
    /// Runs are judged against the stated time limit times this factor.
    #[cfg_attr(feature = "openapi", schema(value_type = f64))]
    pub time_factor: TimeFactor,
    /// Where the factor comes from ("default", "given", "measured: ...").
    pub time_factor_from: String,
    /// Checker.
    pub checker: Checker,
    /// Decimal places of scores.
    pub precision: i16,
    /// Subtasks in order.
    pub subtasks: Vec<SubtaskInfo>,
    /// Tests in order, without data.
    pub tests: Vec<TestInfo>,
    /// What the importer could not use.
    pub warnings: Vec<String>,
}

/// A subtask of a [`ProblemSummary`].
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SubtaskInfo {
    /// Name.
    pub name: String,
    /// Points.
    pub points: f64,
    /// Indices of the subtasks it contains.
    pub contains: Vec<i16>,
}

/// A test of a [`ProblemSummary`]: where it belongs, never its content.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TestInfo {
    /// Index in the problem.
    pub idx: i32,
    /// Unique name.
    pub name: String,
    /// Public, generated or hidden.
    pub kind: TestKind,
    /// Subtasks it belongs to.
    pub subtasks: Vec<i16>,
    /// Whether it has an expected answer.
    pub has_answer: bool,
    /// Input size in bytes.
    pub input_bytes: i64,
}

/// One test's data.
#[derive(Clone, Debug, PartialEq)]
pub struct TestData {
    /// Its name.
    pub name: String,
    /// Its kind (callers decide who may read hidden data).
    pub kind: TestKind,
    /// Input.
    pub input: Vec<u8>,
    /// Expected answer, if any.
    pub answer: Option<Vec<u8>>,
}

/// A test added to a stored problem.
#[derive(Clone, Debug, PartialEq)]
pub struct AddedTest {
    /// Unique name within the problem.
    pub name: String,
    /// Its kind.
    pub kind: TestKind,
    /// Input.
    pub input: Vec<u8>,
    /// Expected answer; generated tests may have none.
    pub answer: Option<Vec<u8>>,
    /// Subtasks it belongs to.
    pub subtasks: Vec<i16>,
}

impl Store {
    /// The fuel per millisecond problem `id` is judged with by fuel: its stored rate, or, when it
    /// has none, `proposed` stored now (the first worker to judge it sets it for all, so that
    /// every machine gives the same verdicts).
    pub async fn problem_fuel_per_ms(
        &self,
        id: ProblemId,
        proposed: i64,
    ) -> Result<i64, StoreError> {
        let rate = sqlx::query_scalar!(
            r#"UPDATE problems SET fuel_per_ms = coalesce(fuel_per_ms, $2) WHERE id = $1
               RETURNING fuel_per_ms AS "rate!""#,
            id.0,
            proposed.max(1)
        )
        .fetch_optional(self.pool())
        .await?;
        rate.ok_or_else(|| StoreError::Corrupt(format!("no problem {id}")))
    }

    /// Every problem (of `contest`, when given), without test data, oldest first.
    pub async fn problem_summaries(
        &self,
        contest: Option<ContestId>,
    ) -> Result<Vec<ProblemSummary>, StoreError> {
        let ids = sqlx::query_scalar!(
            "SELECT id FROM problems WHERE $1::uuid IS NULL OR contest_id = $1 ORDER BY created_at",
            contest.map(|c| c.0)
        )
        .fetch_all(self.pool())
        .await?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(p) = self.problem_summary(ProblemId(id)).await? {
                out.push(p);
            }
        }
        Ok(out)
    }

    /// One problem without its test data.
    pub async fn problem_summary(
        &self,
        id: ProblemId,
    ) -> Result<Option<ProblemSummary>, StoreError> {
        let Some(r) = sqlx::query!(
            r#"SELECT slug, name, contest_id, time_limit_ms, memory_limit_bytes, output_limit_bytes,
                   checker, score_precision, import_warnings, time_factor, time_factor_from
               FROM problems WHERE id = $1"#,
            id.0
        )
        .fetch_optional(self.pool())
        .await?
        else {
            return Ok(None);
        };
        let subtasks = sqlx::query!(
            "SELECT name, points, contains FROM subtasks WHERE problem_id = $1 ORDER BY idx",
            id.0
        )
        .fetch_all(self.pool())
        .await?;
        let tests = sqlx::query!(
            r#"SELECT t.idx, t.name, t.kind::text AS "kind!", t.subtasks, t.answer_hash IS NOT NULL AS "has_answer!",
                   b.size AS input_bytes
               FROM tests t JOIN blobs b ON b.hash = t.input_hash WHERE t.problem_id = $1 ORDER BY t.idx"#,
            id.0
        )
        .fetch_all(self.pool())
        .await?;
        Ok(Some(ProblemSummary {
            id,
            slug: r.slug,
            name: r.name,
            contest_id: r.contest_id.map(ContestId),
            limits: Limits {
                time_ms: r.time_limit_ms as u64,
                memory_bytes: r.memory_limit_bytes as u64,
                output_bytes: r.output_limit_bytes as u64,
            },
            time_factor: TimeFactor::new(f64::from(r.time_factor))
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            time_factor_from: r.time_factor_from,
            checker: serde_json::from_value(r.checker)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            precision: r.score_precision,
            subtasks: subtasks
                .into_iter()
                .map(|s| SubtaskInfo {
                    name: s.name,
                    points: s.points,
                    contains: s.contains,
                })
                .collect(),
            tests: tests
                .into_iter()
                .map(|t| TestInfo {
                    idx: t.idx,
                    name: t.name,
                    kind: parse_kind(&t.kind),
                    subtasks: t.subtasks,
                    has_answer: t.has_answer,
                    input_bytes: t.input_bytes,
                })
                .collect(),
            warnings: r.import_warnings,
        }))
    }

    /// The problem's revision: it changes whenever tests are added.
    pub async fn problem_revision(&self, problem: ProblemId) -> Result<Option<i32>, StoreError> {
        Ok(
            sqlx::query_scalar!("SELECT revision FROM problems WHERE id = $1", problem.0)
                .fetch_optional(self.pool())
                .await?,
        )
    }

    /// The data of test `idx` of `problem`.
    pub async fn test_data(
        &self,
        problem: ProblemId,
        idx: i32,
    ) -> Result<Option<TestData>, StoreError> {
        let r = sqlx::query!(
            r#"SELECT t.name, t.kind::text AS "kind!", i.data AS input, a.data AS "answer?"
               FROM tests t JOIN blobs i ON i.hash = t.input_hash
               LEFT JOIN blobs a ON a.hash = t.answer_hash
               WHERE t.problem_id = $1 AND t.idx = $2"#,
            problem.0,
            idx
        )
        .fetch_optional(self.pool())
        .await?;
        Ok(r.map(|r| TestData {
            name: r.name,
            kind: parse_kind(&r.kind),
            input: r.input,
            answer: r.answer,
        }))
    }

    /// Appends `tests` to `problem` in one transaction; returns their indices and how many
    /// candidates were queued again. A name already used, or a subtask that does not exist,
    /// fails the whole call. Results on the kinds of test added are dropped and their
    /// candidates queued to be judged again (hidden tests: only those judged on hidden before).
    pub async fn add_tests(
        &self,
        problem: ProblemId,
        tests: &[AddedTest],
    ) -> Result<(Vec<i32>, u64), StoreError> {
        let mut tx = self.pool().begin().await?;
        crate::delete::hold_blobs(&mut tx).await?;
        // Serialises concurrent appends to one problem (the index is max + 1).
        bump_revision(&mut *tx, problem).await?;
        let subtasks: i64 = sqlx::query_scalar!(
            r#"SELECT count(*) AS "n!" FROM subtasks WHERE problem_id = $1"#,
            problem.0
        )
        .fetch_one(&mut *tx)
        .await?;
        let next: i32 = sqlx::query_scalar!(
            r#"SELECT coalesce(max(idx) + 1, 0) AS "n!" FROM tests WHERE problem_id = $1"#,
            problem.0
        )
        .fetch_one(&mut *tx)
        .await?;
        let mut out = Vec::with_capacity(tests.len());
        for (k, t) in tests.iter().enumerate() {
            if let Some(bad) = t
                .subtasks
                .iter()
                .find(|s| **s < 0 || **s as i64 >= subtasks)
            {
                return Err(StoreError::NoSuchSubtask {
                    test: k,
                    subtask: *bad,
                });
            }
            let input = crate::put_blob_on(&mut *tx, &t.input).await?;
            let answer = match &t.answer {
                Some(a) => Some(crate::put_blob_on(&mut *tx, a).await?.to_vec()),
                None => None,
            };
            let idx = next + k as i32;
            sqlx::query!(
                r#"INSERT INTO tests (problem_id, idx, name, kind, input_hash, answer_hash, subtasks)
                   VALUES ($1, $2, $3, $4::text::test_kind, $5, $6, $7)"#,
                problem.0,
                idx,
                t.name,
                t.kind.name(),
                &input[..],
                answer,
                &t.subtasks
            )
            .execute(&mut *tx)
            .await?;
            out.push(idx);
        }
        let mut kinds: Vec<&str> = tests.iter().map(|t| t.kind.name()).collect();
        kinds.sort();
        kinds.dedup();
        // What the new tests change: every built candidate is judged on their kinds; hidden
        // tests only for candidates that had hidden results (simulations judged them).
        let todo = sqlx::query!(
            r#"WITH gone AS (
                   DELETE FROM results WHERE problem_id = $1 AND kind::text = ANY($2)
                   RETURNING build_key, kind::text AS kind)
               SELECT c.id, k.kind AS "kind!" FROM candidates c JOIN builds b ON b.key = c.build_key AND b.ok
               CROSS JOIN unnest($2::text[]) AS k(kind)
               WHERE c.problem_id = $1 AND (k.kind <> 'hidden'
                   OR EXISTS (SELECT 1 FROM gone g WHERE g.build_key = c.build_key AND g.kind = 'hidden'))"#,
            problem.0,
            &kinds as &[&str],
        )
        .fetch_all(&mut *tx)
        .await?;
        let jobs: Vec<(Task, i16, String)> = todo
            .into_iter()
            .map(|row| {
                let kind = parse_kind(&row.kind);
                let task = Task::Judge(JudgeJob {
                    candidate: CandidateId(row.id),
                    kinds: vec![kind],
                    keep_going: false,
                });
                let priority = if kind == TestKind::Hidden { -1 } else { 0 };
                (
                    task,
                    priority,
                    format!("rejudge:{}:{}:{next}", row.id, kind.name()),
                )
            })
            .collect();
        let rejudged = enqueue_many_on(&mut *tx, problem, &jobs).await?;
        tx.commit().await?;
        Ok((out, rejudged))
    }
}

/// Marks `problem` changed, so that workers reload it; the row lock it takes serialises changes
/// to the problem's tests and results (appends, rejudges) until the transaction ends.
pub(crate) async fn bump_revision<'e>(
    executor: impl sqlx::PgExecutor<'e>,
    problem: ProblemId,
) -> Result<(), StoreError> {
    sqlx::query!(
        "UPDATE problems SET revision = revision + 1 WHERE id = $1",
        problem.0
    )
    .execute(executor)
    .await?;
    Ok(())
}
