//! What scorers need and what they say: a problem's pool as scoring data (features are computed
//! from it), registered scorers with their parameters and metrics, and scores per candidate.

use crate::{Store, StoreError};
use serde::Serialize;
use sieve_domain::{CandidateId, ProblemId, TestKind, TestOutcome};
use sieve_scoring::{CandidateData, ProblemContext};

/// One candidate of a pool, with what the judge knows of it.
#[derive(Clone, Debug)]
pub struct PoolEntry {
    /// Its id.
    pub id: CandidateId,
    /// What the features are computed from.
    pub data: CandidateData,
    /// Its source.
    pub source: String,
    /// Its results on the hidden tests (empty when not judged on them).
    pub hidden: Vec<TestOutcome>,
}

/// A problem's candidates as scoring data.
#[derive(Clone, Debug)]
pub struct Pool {
    /// The problem as the features see it.
    pub context: ProblemContext,
    /// Its candidates, in posting order.
    pub entries: Vec<PoolEntry>,
}

/// A registered scorer.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScorerRow {
    /// Name.
    pub name: String,
    /// Version.
    pub version: i32,
    /// `heuristic`, `logistic` or `http`.
    pub kind: String,
    /// Parameters (a model's weights, a remote scorer's URL).
    pub params: serde_json::Value,
    /// Held-out metrics of a trained model.
    pub metrics: serde_json::Value,
}

/// One results row's columns, as a left join reads them (all `None` when not judged).
struct Columns {
    test_idx: Option<Vec<i32>>,
    verdicts: Option<Vec<i16>>,
    scores: Option<Vec<f32>>,
    time_us: Option<Vec<i32>>,
    fuel: Option<Vec<i64>>,
    memory_kib: Option<Vec<i32>>,
    hashes: Option<Vec<u8>>,
}

fn outcomes(c: Columns) -> Result<Vec<TestOutcome>, StoreError> {
    let (Some(t), Some(v), Some(s), Some(tm), Some(f), Some(m), Some(h)) = (
        c.test_idx,
        c.verdicts,
        c.scores,
        c.time_us,
        c.fuel,
        c.memory_kib,
        c.hashes,
    ) else {
        return Ok(vec![]);
    };
    (0..t.len())
        .map(|i| {
            Ok(TestOutcome {
                test: t[i],
                verdict: crate::candidates::verdict_at(&v, i)?,
                score: s[i],
                time_us: tm[i],
                fuel: f[i],
                memory_kib: m[i],
                output_hash: crate::candidates::hash_at(&h, i)?,
            })
        })
        .collect()
}

impl Store {
    /// The candidates of `problem` with their builds and results, as scoring data.
    pub async fn scoring_pool(&self, problem: ProblemId) -> Result<Option<Pool>, StoreError> {
        let Some(summary) = self.problem_summary(problem).await? else {
            return Ok(None);
        };
        let subtask_tests = (0..summary.subtasks.len())
            .map(|s| {
                summary
                    .tests
                    .iter()
                    .filter(|t| t.subtasks.contains(&(s as i16)))
                    .map(|t| t.idx)
                    .collect()
            })
            .collect();
        let context = ProblemContext {
            time_limit_us: summary.limits.time_ms * 1000,
            memory_limit_kib: summary.limits.memory_bytes >> 10,
            subtask_tests,
            contains: summary
                .subtasks
                .iter()
                .map(|s| s.contains.iter().map(|c| *c as usize).collect())
                .collect(),
            generated_with_answer: summary
                .tests
                .iter()
                .filter(|t| t.kind == TestKind::Generated && t.has_answer)
                .map(|t| t.idx)
                .collect(),
        };
        let rows = sqlx::query!(
            r#"SELECT c.id, c.source_hash, s.data AS source, c.logprob, c.gen_tokens, c.target_subtask,
                   b.ok AS "ok?", b.message AS "message?",
                   p.test_idx AS "p_idx?", p.verdicts AS "p_v?", p.scores AS "p_s?", p.time_us AS "p_t?",
                   p.fuel AS "p_f?", p.memory_kib AS "p_m?", p.output_hashes AS "p_h?",
                   g.test_idx AS "g_idx?", g.verdicts AS "g_v?", g.scores AS "g_s?", g.time_us AS "g_t?",
                   g.fuel AS "g_f?", g.memory_kib AS "g_m?", g.output_hashes AS "g_h?",
                   h.test_idx AS "h_idx?", h.verdicts AS "h_v?", h.scores AS "h_s?", h.time_us AS "h_t?",
                   h.fuel AS "h_f?", h.memory_kib AS "h_m?", h.output_hashes AS "h_h?"
               FROM candidates c JOIN blobs s ON s.hash = c.source_hash
               LEFT JOIN builds b ON b.key = c.build_key
               LEFT JOIN results p ON p.problem_id = c.problem_id AND p.build_key = c.build_key AND p.kind = 'public'
               LEFT JOIN results g ON g.problem_id = c.problem_id AND g.build_key = c.build_key AND g.kind = 'generated'
               LEFT JOIN results h ON h.problem_id = c.problem_id AND h.build_key = c.build_key AND h.kind = 'hidden'
               WHERE c.problem_id = $1 ORDER BY c.id"#,
            problem.0
        )
        .fetch_all(self.pool())
        .await?;
        let entries = rows
            .into_iter()
            .map(|r| {
                let source = String::from_utf8_lossy(&r.source).into_owned();
                let public = outcomes(Columns {
                    test_idx: r.p_idx,
                    verdicts: r.p_v,
                    scores: r.p_s,
                    time_us: r.p_t,
                    fuel: r.p_f,
                    memory_kib: r.p_m,
                    hashes: r.p_h,
                })?;
                let generated = outcomes(Columns {
                    test_idx: r.g_idx,
                    verdicts: r.g_v,
                    scores: r.g_s,
                    time_us: r.g_t,
                    fuel: r.g_f,
                    memory_kib: r.g_m,
                    hashes: r.g_h,
                })?;
                let hidden = outcomes(Columns {
                    test_idx: r.h_idx,
                    verdicts: r.h_v,
                    scores: r.h_s,
                    time_us: r.h_t,
                    fuel: r.h_f,
                    memory_kib: r.h_m,
                    hashes: r.h_h,
                })?;
                Ok(PoolEntry {
                    id: CandidateId(r.id),
                    data: CandidateData {
                        compiled: r.ok.unwrap_or(false),
                        compile_warnings: r
                            .message
                            .as_deref()
                            .map(|m| m.matches("warning:").count() as u32)
                            .unwrap_or(0),
                        public,
                        generated,
                        source_hash: hex::encode(&r.source_hash),
                        source_len: source.len(),
                        logprob: r.logprob,
                        gen_tokens: r.gen_tokens,
                        target_subtask: r.target_subtask,
                    },
                    source,
                    hidden,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(Some(Pool { context, entries }))
    }

    /// The problems with candidates judged on hidden tests (training data for scorers).
    pub async fn problems_with_hidden_results(&self) -> Result<Vec<ProblemId>, StoreError> {
        let ids = sqlx::query_scalar!(
            "SELECT DISTINCT problem_id FROM results WHERE kind = 'hidden' ORDER BY problem_id"
        )
        .fetch_all(self.pool())
        .await?;
        Ok(ids.into_iter().map(ProblemId).collect())
    }

    /// Registers a scorer version (replacing its parameters if it exists).
    pub async fn put_scorer(&self, s: &ScorerRow) -> Result<(), StoreError> {
        self.put_scorer_with_blobs(s, &[]).await
    }

    /// Registers a scorer version with the blobs its parameters name by hash (a model), in one
    /// transaction.
    pub async fn put_scorer_with_blobs(
        &self,
        s: &ScorerRow,
        blobs: &[&[u8]],
    ) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await?;
        crate::delete::hold_blobs(&mut tx).await?;
        for blob in blobs {
            crate::put_blob_on(&mut *tx, blob).await?;
        }
        sqlx::query!(
            r#"INSERT INTO scorers (name, version, kind, params, metrics) VALUES ($1, $2, $3, $4, $5)
               ON CONFLICT (name, version) DO UPDATE SET kind = EXCLUDED.kind, params = EXCLUDED.params,
                   metrics = EXCLUDED.metrics"#,
            s.name,
            s.version,
            s.kind,
            s.params,
            s.metrics
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The scorer `name` at `version`, or its newest version.
    pub async fn scorer(
        &self,
        name: &str,
        version: Option<i32>,
    ) -> Result<Option<ScorerRow>, StoreError> {
        let row = sqlx::query!(
            r#"SELECT name, version, kind, params, metrics FROM scorers
               WHERE name = $1 AND ($2::int IS NULL OR version = $2)
               ORDER BY version DESC LIMIT 1"#,
            name,
            version
        )
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|r| ScorerRow {
            name: r.name,
            version: r.version,
            kind: r.kind,
            params: r.params,
            metrics: r.metrics,
        }))
    }

    /// Every registered scorer version, by name and version.
    pub async fn scorers(&self) -> Result<Vec<ScorerRow>, StoreError> {
        let rows = sqlx::query!(
            "SELECT name, version, kind, params, metrics FROM scorers ORDER BY name, version"
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| ScorerRow {
                name: r.name,
                version: r.version,
                kind: r.kind,
                params: r.params,
                metrics: r.metrics,
            })
            .collect())
    }

    /// Stores scores by scorer `name` at `version` (replacing earlier ones), in one statement.
    pub async fn put_scores(
        &self,
        name: &str,
        version: i32,
        scores: &[(CandidateId, f64)],
    ) -> Result<(), StoreError> {
        let ids: Vec<uuid::Uuid> = scores.iter().map(|s| s.0.0).collect();
        let values: Vec<f32> = scores.iter().map(|s| s.1.clamp(0.0, 1.0) as f32).collect();
        sqlx::query!(
            r#"INSERT INTO candidate_scores (candidate_id, scorer_name, scorer_version, score)
               SELECT c, $1, $2, s FROM unnest($3::uuid[], $4::real[]) AS t(c, s)
               ON CONFLICT (candidate_id, scorer_name, scorer_version) DO UPDATE SET score = EXCLUDED.score"#,
            name,
            version,
            &ids,
            &values
        )
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The stored scores of `problem`'s candidates by scorer `name` at `version`, in posting order.
    pub async fn scores(
        &self,
        problem: ProblemId,
        name: &str,
        version: i32,
    ) -> Result<Vec<(CandidateId, f64)>, StoreError> {
        let rows = sqlx::query!(
            r#"SELECT s.candidate_id, s.score FROM candidate_scores s
               JOIN candidates c ON c.id = s.candidate_id
               WHERE c.problem_id = $1 AND s.scorer_name = $2 AND s.scorer_version = $3
               ORDER BY c.id"#,
            problem.0,
            name,
            version
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| (CandidateId(r.candidate_id), r.score as f64))
            .collect())
    }
}
