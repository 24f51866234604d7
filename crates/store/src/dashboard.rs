//! The dashboard's read models of a problem: its funnel, outcomes per test set, run-time and
//! memory per candidate (from per-row summaries computed when results are written), and what
//! its cached pool is keyed by.

use crate::{Store, StoreError};
use serde::Serialize;
use sieve_domain::{OutputHash, ProblemId, Verdict};
use std::collections::BTreeMap;
use uuid::Uuid;

/// The stages of a problem's funnel that SQL answers (clusters come from the pool).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FunnelCounts {
    /// Candidates posted.
    pub posted: i64,
    /// Of which compiled.
    pub compiled: i64,
    /// Of which every public test accepted (every compiled one when there are no public tests).
    pub passed_public: i64,
    /// The newest selection, if any.
    pub selection_id: Option<Uuid>,
    /// Distinct candidates it picked.
    pub selected: i64,
    /// Of those, the ones that pass every hidden test.
    pub accepted_hidden: i64,
}

/// One test set's outcomes.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct KindOutcomes {
    /// `public`, `generated` or `hidden`.
    pub kind: String,
    /// Tests of that kind.
    pub tests: i64,
    /// Candidates judged on them.
    pub judged: i64,
    /// Candidates per outcome: `AC` when every test passed (`OK` when some generated test had no
    /// answer to compare with), else the verdict of the first test that failed.
    pub outcomes: BTreeMap<String, i64>,
}

/// A candidate's largest run time and memory over every test it ran.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Usage {
    /// Microseconds.
    pub time_us: i32,
    /// KiB.
    pub memory_kib: i32,
}

impl Store {
    /// The SQL-answered stages of `problem`'s funnel.
    pub async fn funnel_counts(&self, problem: ProblemId) -> Result<FunnelCounts, StoreError> {
        let c = sqlx::query!(
            r#"SELECT count(*) AS "posted!",
                   count(*) FILTER (WHERE b.ok) AS "compiled!",
                   count(*) FILTER (WHERE b.ok AND (pr.verdicts IS NULL AND NOT EXISTS (
                       SELECT 1 FROM tests t WHERE t.problem_id = $1 AND t.kind = 'public')
                       OR pr.passed)) AS "passed_public!"
               FROM candidates c LEFT JOIN builds b ON b.key = c.build_key
               LEFT JOIN results pr ON pr.problem_id = c.problem_id AND pr.build_key = c.build_key
                    AND pr.kind = 'public'
               WHERE c.problem_id = $1"#,
            problem.0
        )
        .fetch_one(self.pool())
        .await?;
        let s = sqlx::query!(
            r#"SELECT s.id,
                   (SELECT count(DISTINCT p.candidate_id) FROM selection_picks p
                     WHERE p.selection_id = s.id) AS "selected!",
                   (SELECT count(DISTINCT p.candidate_id) FROM selection_picks p
                      JOIN candidates c ON c.id = p.candidate_id
                      JOIN results r ON r.problem_id = c.problem_id AND r.build_key = c.build_key
                           AND r.kind = 'hidden'
                     WHERE p.selection_id = s.id AND cardinality(r.verdicts) > 0
                       AND r.passed) AS "accepted!"
               FROM selections s WHERE s.problem_id = $1
               ORDER BY s.created_at DESC, s.id DESC LIMIT 1"#,
            problem.0
        )
        .fetch_optional(self.pool())
        .await?;
        Ok(FunnelCounts {
            posted: c.posted,
            compiled: c.compiled,
            passed_public: c.passed_public,
            selection_id: s.as_ref().map(|s| s.id),
            selected: s.as_ref().map_or(0, |s| s.selected),
            accepted_hidden: s.as_ref().map_or(0, |s| s.accepted),
        })
    }

    /// Per test set, how many candidates ended in each outcome.
    pub async fn kind_outcomes(&self, problem: ProblemId) -> Result<Vec<KindOutcomes>, StoreError> {
        let tests = sqlx::query!(
            r#"SELECT kind::text AS "kind!", count(*) AS "n!" FROM tests WHERE problem_id = $1
               GROUP BY kind"#,
            problem.0
        )
        .fetch_all(self.pool())
        .await?;
        // `outcome` is computed when the row is written (migration 0004).
        let rows = sqlx::query!(
            r#"SELECT r.kind::text AS "kind!", r.outcome AS "outcome!", count(*) AS "n!"
               FROM candidates c JOIN results r ON r.problem_id = c.problem_id
                    AND r.build_key = c.build_key
               WHERE c.problem_id = $1 GROUP BY 1, 2"#,
            problem.0
        )
        .fetch_all(self.pool())
        .await?;
        let mut out = Vec::new();
        for kind in ["public", "generated", "hidden"] {
            let mut outcomes = BTreeMap::new();
            for r in rows.iter().filter(|r| r.kind == kind) {
                let v = Verdict::from_index(r.outcome).unwrap_or(Verdict::JudgeError);
                *outcomes.entry(v.code().to_string()).or_insert(0) += r.n;
            }
            out.push(KindOutcomes {
                kind: kind.into(),
                tests: tests.iter().find(|t| t.kind == kind).map_or(0, |t| t.n),
                judged: outcomes.values().sum(),
                outcomes,
            });
        }
        Ok(out)
    }

    /// Each judged candidate's largest run time and memory over the tests it ran (hidden ones
    /// only `with_hidden`).
    pub async fn usage(
        &self,
        problem: ProblemId,
        with_hidden: bool,
    ) -> Result<Vec<Usage>, StoreError> {
        let rows = sqlx::query!(
            r#"SELECT max(r.max_time_us) AS "time_us!", max(r.max_memory_kib) AS "memory_kib!"
               FROM candidates c JOIN results r ON r.problem_id = c.problem_id
                    AND r.build_key = c.build_key
               WHERE c.problem_id = $1 AND cardinality(r.verdicts) > 0
                     AND ($2 OR r.kind <> 'hidden')
               GROUP BY c.id"#,
            problem.0,
            with_hidden
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| Usage {
                time_us: r.time_us,
                memory_kib: r.memory_kib,
            })
            .collect())
    }

    /// Per compiled candidate that passed every public test (or of a problem without any), its
    /// verdicts and output hashes on the generated tests, when judged on them.
    pub async fn generated_outputs_of_passing(
        &self,
        problem: ProblemId,
    ) -> Result<Vec<Vec<(Verdict, OutputHash)>>, StoreError> {
        let rows = sqlx::query!(
            r#"SELECT g.verdicts, g.output_hashes
               FROM candidates c JOIN builds b ON b.key = c.build_key AND b.ok
               JOIN results g ON g.problem_id = c.problem_id AND g.build_key = c.build_key
                    AND g.kind = 'generated'
               LEFT JOIN results p ON p.problem_id = c.problem_id AND p.build_key = c.build_key
                    AND p.kind = 'public'
               WHERE c.problem_id = $1 AND (p.verdicts IS NULL OR p.passed)"#,
            problem.0
        )
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|r| {
                (0..r.verdicts.len())
                    .map(|i| {
                        let verdict = crate::candidates::verdict_at(&r.verdicts, i)?;
                        Ok((verdict, crate::candidates::hash_at(&r.output_hashes, i)?))
                    })
                    .collect()
            })
            .collect()
    }

    /// A value that changes whenever `problem`'s candidates, results or tests do: what a cache of
    /// its pool is keyed by.
    pub async fn pool_version(&self, problem: ProblemId) -> Result<String, StoreError> {
        Ok(sqlx::query_scalar!(
            r#"SELECT concat_ws('/',
                   (SELECT count(*) FROM candidates WHERE problem_id = $1),
                   (SELECT count(*) FROM results WHERE problem_id = $1),
                   (SELECT max(judged_at) FROM results WHERE problem_id = $1),
                   (SELECT revision FROM problems WHERE id = $1)) AS "v!""#,
            problem.0
        )
        .fetch_one(self.pool())
        .await?)
    }
}
