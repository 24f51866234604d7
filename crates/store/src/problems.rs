//! Problems with their limits, checker, subtasks and tests. A problem is written in one
//! transaction (all or nothing); test data goes to the content-addressed blobs, so a test shared
//! by several subtasks, or equal inputs across problems, are stored once.

use crate::{Store, StoreError};
use serde::{Deserialize, Serialize};
use sieve_domain::{BlobHash, Checker, Limits, ProblemId, Subtask, TestKind, TimeFactor};

/// A test to store, with its data.
#[derive(Clone, Debug, PartialEq)]
pub struct NewTest {
    /// Unique name within the problem.
    pub name: String,
    /// Public, generated or hidden.
    pub kind: TestKind,
    /// Input bytes.
    pub input: Vec<u8>,
    /// Expected answer, if any.
    pub answer: Option<Vec<u8>>,
}

/// A program file a problem ships (grader source).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoredFile {
    /// File name.
    pub name: String,
    /// Its content's blob (hex in JSON).
    pub hash: BlobHash,
}

/// A problem to store.
#[derive(Clone, Debug, PartialEq)]
pub struct NewProblem {
    /// Unique short name.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// Limits as stated (for native code).
    pub limits: Limits,
    /// Runs are judged against the stated time limit times this.
    pub time_factor: TimeFactor,
    /// Where the factor comes from ("default", "given", "measured: ...").
    pub time_factor_from: String,
    /// Checker (custom ones reference their compiled module's blob hash).
    pub checker: Checker,
    /// Decimal places of scores.
    pub precision: i16,
    /// Subtasks over `tests` (indices).
    pub subtasks: Vec<Subtask>,
    /// Tests in order.
    pub tests: Vec<NewTest>,
    /// Grader sources: (name, content).
    pub grader: Vec<(String, Vec<u8>)>,
    /// What the importer could not use.
    pub warnings: Vec<String>,
    /// The contest it belongs to, if any.
    pub contest: Option<sieve_domain::ContestId>,
}

/// A stored problem, test data included.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredProblem {
    /// Its id.
    pub id: ProblemId,
    /// Everything it was stored with.
    pub problem: NewProblem,
}

fn kind_name(kind: TestKind) -> &'static str {
    kind.name()
}

/// A test kind as the database spells it.
pub(crate) fn parse_kind(s: &str) -> TestKind {
    match s {
        "public" => TestKind::Public,
        "generated" => TestKind::Generated,
        _ => TestKind::Hidden,
    }
}

impl Store {
    /// Stores `p` in one transaction and returns its id.
    pub async fn insert_problem(&self, p: &NewProblem) -> Result<ProblemId, StoreError> {
        self.insert_problem_with_modules(p, &[]).await
    }

    /// Stores `p` and the compiled programs its checker names by hash (`modules`), in one
    /// transaction, and returns its id.
    pub async fn insert_problem_with_modules(
        &self,
        p: &NewProblem,
        modules: &[Vec<u8>],
    ) -> Result<ProblemId, StoreError> {
        let id = ProblemId::new();
        let mut tx = self.pool().begin().await?;
        crate::delete::hold_blobs(&mut tx).await?;
        for module in modules {
            crate::put_blob_on(&mut *tx, module).await?;
        }
        let mut grader = Vec::new();
        for (name, data) in &p.grader {
            let h = crate::put_blob_on(&mut *tx, data).await?;
            grader.push(StoredFile {
                name: name.clone(),
                hash: BlobHash(h),
            });
        }
        sqlx::query!(
            r#"INSERT INTO problems (id, slug, name, time_limit_ms, memory_limit_bytes, output_limit_bytes,
                   checker, score_precision, grader, import_warnings, contest_id, time_factor,
                   time_factor_from)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"#,
            id.0,
            p.slug,
            p.name,
            p.limits.time_ms as i32,
            p.limits.memory_bytes as i64,
            p.limits.output_bytes as i64,
            serde_json::to_value(&p.checker).unwrap_or_default(),
            p.precision,
            serde_json::to_value(&grader).unwrap_or_default(),
            &p.warnings,
            p.contest.map(|c| c.0),
            p.time_factor.value() as f32,
            p.time_factor_from
        )
        .execute(&mut *tx)
        .await?;
        for (i, s) in p.subtasks.iter().enumerate() {
            let contains: Vec<i16> = s.contains.iter().map(|c| *c as i16).collect();
            sqlx::query!(
                "INSERT INTO subtasks (problem_id, idx, name, points, contains) VALUES ($1, $2, $3, $4, $5)",
                id.0,
                i as i16,
                s.name,
                s.points,
                &contains
            )
            .execute(&mut *tx)
            .await?;
        }
        for (i, t) in p.tests.iter().enumerate() {
            let input = crate::put_blob_on(&mut *tx, &t.input).await?;
            let answer = match &t.answer {
                Some(a) => Some(crate::put_blob_on(&mut *tx, a).await?.to_vec()),
                None => None,
            };
            let member: Vec<i16> = (0..p.subtasks.len())
                .filter(|s| p.subtasks[*s].tests.contains(&i))
                .map(|s| s as i16)
                .collect();
            sqlx::query!(
                r#"INSERT INTO tests (problem_id, idx, name, kind, input_hash, answer_hash, subtasks)
                   VALUES ($1, $2, $3, $4::text::test_kind, $5, $6, $7)"#,
                id.0,
                i as i32,
                t.name,
                kind_name(t.kind),
                &input[..],
                answer,
                &member
            )
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// The problem stored under `id`, with its test data.
    pub async fn load_problem(&self, id: ProblemId) -> Result<Option<StoredProblem>, StoreError> {
        let Some(row) = sqlx::query!(
            r#"SELECT slug, name, time_limit_ms, memory_limit_bytes, output_limit_bytes, checker,
                   score_precision, grader, import_warnings, contest_id, time_factor, time_factor_from
               FROM problems WHERE id = $1"#,
            id.0
        )
        .fetch_optional(self.pool())
        .await?
        else {
            return Ok(None);
        };
        let tests = sqlx::query!(
            r#"SELECT t.name, t.kind::text AS "kind!", i.data AS input, a.data AS "answer?", t.subtasks
               FROM tests t JOIN blobs i ON i.hash = t.input_hash
               LEFT JOIN blobs a ON a.hash = t.answer_hash
               WHERE t.problem_id = $1 ORDER BY t.idx"#,
            id.0
        )
        .fetch_all(self.pool())
        .await?;
        let subtask_rows = sqlx::query!(
            "SELECT name, points, contains FROM subtasks WHERE problem_id = $1 ORDER BY idx",
            id.0
        )
        .fetch_all(self.pool())
        .await?;
        let subtasks = subtask_rows
            .into_iter()
            .enumerate()
            .map(|(s, r)| Subtask {
                name: r.name,
                points: r.points,
                tests: (0..tests.len())
                    .filter(|t| tests[*t].subtasks.contains(&(s as i16)))
                    .collect(),
                contains: r.contains.iter().map(|c| *c as usize).collect(),
            })
            .collect();
        let files: Vec<StoredFile> = serde_json::from_value(row.grader)
            .map_err(|e| StoreError::Corrupt(format!("problem {id}'s grader files: {e}")))?;
        let mut grader = Vec::new();
        for f in files {
            let data = self.get_blob(&f.hash).await?.ok_or_else(|| {
                StoreError::Corrupt(format!("grader file {} ({}) is not stored", f.name, f.hash))
            })?;
            grader.push((f.name, data));
        }
        let problem = NewProblem {
            slug: row.slug,
            name: row.name,
            limits: Limits {
                time_ms: row.time_limit_ms as u64,
                memory_bytes: row.memory_limit_bytes as u64,
                output_bytes: row.output_limit_bytes as u64,
            },
            time_factor: TimeFactor::new(f64::from(row.time_factor))
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            time_factor_from: row.time_factor_from,
            checker: serde_json::from_value(row.checker)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            precision: row.score_precision,
            subtasks,
            tests: tests
                .into_iter()
                .map(|t| NewTest {
                    name: t.name,
                    kind: parse_kind(&t.kind),
                    input: t.input,
                    answer: t.answer,
                })
                .collect(),
            grader,
            warnings: row.import_warnings,
            contest: row.contest_id.map(sieve_domain::ContestId),
        };
        Ok(Some(StoredProblem { id, problem }))
    }

    /// The id of the problem called `slug`.
    pub async fn problem_by_slug(&self, slug: &str) -> Result<Option<ProblemId>, StoreError> {
        let id = sqlx::query_scalar!("SELECT id FROM problems WHERE slug = $1", slug)
            .fetch_optional(self.pool())
            .await?;
        Ok(id.map(ProblemId))
    }
}

impl Store {
    /// Whether a problem with `id` exists.
    pub async fn problem_exists(&self, id: ProblemId) -> Result<bool, StoreError> {
        let found = sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM problems WHERE id = $1) AS "e!""#,
            id.0
        )
        .fetch_one(self.pool())
        .await?;
        Ok(found)
    }
}
