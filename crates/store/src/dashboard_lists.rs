//! The dashboard's lists: a problem's selections with how each pick did on the hidden tests,
//! and a contest's simulations with their reports.

use crate::{Store, StoreError};
use serde::Serialize;
use sieve_domain::{CandidateId, ContestId, ProblemId};
use uuid::Uuid;

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
                      r.test_idx AS "test_idx?", r.scores AS "scores?",
                      cardinality(r.verdicts) > 0 AND r.passed AS "accepted?"
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
            .map(|r| PickOutcome {
                selection_id: r.selection_id,
                rank: r.rank,
                candidate_id: CandidateId(r.candidate_id),
                hidden: r
                    .test_idx
                    .unwrap_or_default()
                    .into_iter()
                    .zip(r.scores.unwrap_or_default())
                    .collect(),
                accepted: r.accepted.unwrap_or(false),
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
