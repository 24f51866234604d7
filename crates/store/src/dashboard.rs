//! The dashboard's read models: a problem's funnel, outcomes per test set, run-time and memory
//! per candidate, its selections with how each pick did on the hidden tests, and a contest's
//! simulations. Each is one or two queries over indexed columns.

use crate::{Store, StoreError};
use serde::Serialize;
use sieve_domain::{CandidateId, ContestId, ProblemId, Verdict};
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

/// A pick of a selection with how it did on the hidden tests.
#[derive(Clone, Debug, PartialEq)]
pub struct PickOutcome {
    /// The selection.
    pub selection_id: Uuid,
    /// 1 for the first submission.
    pub rank: i32,
    /// The candidate.
    pub candidate_id: CandidateId,
    /// Per hidden test judged: (test index, score); empty when not judged on them.
    pub hidden: Vec<(i32, f32)>,
    /// Every hidden test accepted.
    pub accepted: bool,
}

/// A stored simulation, as listed.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SimulationItem {
    /// Its id.
    pub id: Uuid,
    /// `queued`, `running`, `done` or `failed`.
    pub status: String,
    /// What was asked: strategies, k, seeds, scorer, holdout.
    pub params: serde_json::Value,
    /// The report, once done.
    pub report: Option<serde_json::Value>,
    /// When it was asked for.
    pub created_at: String,
    /// When it finished.
    pub finished_at: Option<String>,
}

impl Store {
    /// The SQL-answered stages of `problem`'s funnel.
    pub async fn funnel_counts(&self, problem: ProblemId) -> Result<FunnelCounts, StoreError> {
        let c = sqlx::query!(
            r#"SELECT count(*) AS "posted!",
                   count(*) FILTER (WHERE b.ok) AS "compiled!",
                   count(*) FILTER (WHERE b.ok AND (pr.verdicts IS NULL AND NOT EXISTS (
                       SELECT 1 FROM tests t WHERE t.problem_id = $1 AND t.kind = 'public')
                       OR 0 = ALL(pr.verdicts))) AS "passed_public!"
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
                       AND 0 = ALL(r.verdicts)) AS "accepted!"
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
        // 0 AC, 9 SK (not run after a failure), 10 OK (ran, no answer to compare with).
        let rows = sqlx::query!(
            r#"SELECT r.kind::text AS "kind!",
                   coalesce((SELECT v FROM unnest(r.verdicts) WITH ORDINALITY u(v, i)
                              WHERE v NOT IN (0, 9, 10) ORDER BY i LIMIT 1),
                            CASE WHEN 10 = ANY(r.verdicts) THEN 10 ELSE 0 END)::smallint AS "outcome!",
                   count(*) AS "n!"
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

    /// Each judged candidate's largest run time and memory over every test it ran.
    pub async fn usage(&self, problem: ProblemId) -> Result<Vec<Usage>, StoreError> {
        let rows = sqlx::query!(
            r#"SELECT max((SELECT max(t) FROM unnest(r.time_us) t)) AS "time_us!",
                      max((SELECT max(m) FROM unnest(r.memory_kib) m)) AS "memory_kib!"
               FROM candidates c JOIN results r ON r.problem_id = c.problem_id
                    AND r.build_key = c.build_key
               WHERE c.problem_id = $1 AND cardinality(r.verdicts) > 0
               GROUP BY c.id"#,
            problem.0
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

    /// The newest `limit` selections of `problem`, newest first, with when each was made.
    pub async fn problem_selections(
        &self,
        problem: ProblemId,
        limit: i64,
    ) -> Result<Vec<(crate::selections::SelectionRow, String)>, StoreError> {
        let ids = sqlx::query!(
            r#"SELECT id, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "at!"
               FROM selections WHERE problem_id = $1
               ORDER BY created_at DESC, id DESC LIMIT $2"#,
            problem.0,
            limit
        )
        .fetch_all(self.pool())
        .await?;
        let mut out = Vec::with_capacity(ids.len());
        for r in ids {
            if let Some(s) = self.selection(r.id).await? {
                out.push((s, r.at));
            }
        }
        Ok(out)
    }

    /// How every pick of `selections` did on the hidden tests.
    pub async fn pick_outcomes(&self, selections: &[Uuid]) -> Result<Vec<PickOutcome>, StoreError> {
        let rows = sqlx::query!(
            r#"SELECT p.selection_id, p.rank, p.candidate_id,
                      r.test_idx AS "test_idx?", r.scores AS "scores?", r.verdicts AS "verdicts?"
               FROM selection_picks p JOIN candidates c ON c.id = p.candidate_id
               LEFT JOIN results r ON r.problem_id = c.problem_id AND r.build_key = c.build_key
                    AND r.kind = 'hidden'
               WHERE p.selection_id = ANY($1)"#,
            selections
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let verdicts = r.verdicts.unwrap_or_default();
                PickOutcome {
                    selection_id: r.selection_id,
                    rank: r.rank,
                    candidate_id: CandidateId(r.candidate_id),
                    hidden: r
                        .test_idx
                        .unwrap_or_default()
                        .into_iter()
                        .zip(r.scores.unwrap_or_default())
                        .collect(),
                    accepted: !verdicts.is_empty() && verdicts.iter().all(|v| *v == 0),
                }
            })
            .collect())
    }

    /// The newest simulations of `contest`, newest first.
    pub async fn contest_simulations(
        &self,
        contest: ContestId,
        limit: i64,
    ) -> Result<Vec<SimulationItem>, StoreError> {
        let rows = sqlx::query!(
            r#"SELECT id, status, params, report,
                   to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "created_at!",
                   to_char(finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS finished_at
               FROM simulations WHERE contest_id = $1
               ORDER BY created_at DESC, id DESC LIMIT $2"#,
            contest.0,
            limit
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| SimulationItem {
                id: r.id,
                status: r.status,
                params: r.params,
                report: r.report,
                created_at: r.created_at,
                finished_at: r.finished_at,
            })
            .collect())
    }
}
