//! Selections (the ordered picks a strategy made, with their reasons) and simulations (replayed
//! contests with their report and per-seed runs), stored as made.

use crate::{Store, StoreError};
use serde::Serialize;
use sieve_domain::{CandidateId, ContestId, ProblemId};
use uuid::Uuid;

/// One pick of a selection.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PickRow {
    /// 1 for the first submission.
    pub rank: i32,
    /// The candidate.
    pub candidate_id: CandidateId,
    /// The subtask it was aimed at.
    pub subtask: Option<i16>,
    /// The scorer's score of it.
    pub score: Option<f32>,
    /// Why it was picked.
    pub reason: String,
}

/// A stored selection.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SelectionRow {
    /// Its id.
    pub id: Uuid,
    /// The problem.
    pub problem_id: ProblemId,
    /// The strategy.
    pub strategy: String,
    /// The submission limit.
    pub k: i32,
    /// The scorer (name and version, `name@version`).
    pub scorer: Option<String>,
    /// The picks in submission order.
    pub picks: Vec<PickRow>,
}

/// One replay of a simulation.
#[derive(Clone, Debug, PartialEq)]
pub struct RunRow {
    /// The strategy.
    pub strategy: String,
    /// The problem.
    pub problem_id: ProblemId,
    /// The seed.
    pub seed: i32,
    /// Its score.
    pub score: f64,
    /// Submissions made.
    pub submissions: i32,
    /// Picks and outcome.
    pub detail: serde_json::Value,
}

impl Store {
    /// Stores a selection with its picks, in one transaction.
    pub async fn insert_selection(&self, s: &SelectionRow) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await?;
        sqlx::query!(
            "INSERT INTO selections (id, problem_id, strategy, k, scorer) VALUES ($1, $2, $3, $4, $5)",
            s.id,
            s.problem_id.0,
            s.strategy,
            s.k,
            s.scorer
        )
        .execute(&mut *tx)
        .await?;
        for p in &s.picks {
            sqlx::query!(
                r#"INSERT INTO selection_picks (selection_id, rank, candidate_id, subtask, score, reason)
                   VALUES ($1, $2, $3, $4, $5, $6)"#,
                s.id,
                p.rank,
                p.candidate_id.0,
                p.subtask,
                p.score,
                serde_json::json!({ "text": p.reason })
            )
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// A stored selection.
    pub async fn selection(&self, id: Uuid) -> Result<Option<SelectionRow>, StoreError> {
        let Some(s) = sqlx::query!(
            "SELECT problem_id, strategy, k, scorer FROM selections WHERE id = $1",
            id
        )
        .fetch_optional(self.pool())
        .await?
        else {
            return Ok(None);
        };
        let picks = sqlx::query!(
            r#"SELECT rank, candidate_id, subtask, score, reason FROM selection_picks
               WHERE selection_id = $1 ORDER BY rank"#,
            id
        )
        .fetch_all(self.pool())
        .await?;
        Ok(Some(SelectionRow {
            id,
            problem_id: ProblemId(s.problem_id),
            strategy: s.strategy,
            k: s.k,
            scorer: s.scorer,
            picks: picks
                .into_iter()
                .map(|p| PickRow {
                    rank: p.rank,
                    candidate_id: CandidateId(p.candidate_id),
                    subtask: p.subtask,
                    score: p.score,
                    reason: p.reason["text"].as_str().unwrap_or_default().to_string(),
                })
                .collect(),
        }))
    }

    /// Stores a finished simulation with its report and runs, in one transaction.
    pub async fn insert_simulation(
        &self,
        id: Uuid,
        contest: ContestId,
        params: &serde_json::Value,
        report: &serde_json::Value,
        runs: &[RunRow],
    ) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await?;
        sqlx::query!(
            r#"INSERT INTO simulations (id, contest_id, params, status, report, finished_at)
               VALUES ($1, $2, $3, 'done', $4, now())"#,
            id,
            contest.0,
            params,
            report
        )
        .execute(&mut *tx)
        .await?;
        for r in runs {
            sqlx::query!(
                r#"INSERT INTO simulation_runs (simulation_id, strategy, problem_id, seed, score, submissions, detail)
                   VALUES ($1, $2, $3, $4, $5, $6, $7)"#,
                id,
                r.strategy,
                r.problem_id.0,
                r.seed,
                r.score,
                r.submissions,
                r.detail
            )
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// A stored simulation: its contest, parameters and report.
    pub async fn simulation(
        &self,
        id: Uuid,
    ) -> Result<Option<(ContestId, serde_json::Value, serde_json::Value)>, StoreError> {
        let row = sqlx::query!(
            "SELECT contest_id, params, report FROM simulations WHERE id = $1",
            id
        )
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|r| {
            (
                ContestId(r.contest_id),
                r.params,
                r.report.unwrap_or_default(),
            )
        }))
    }

    /// How many runs a simulation stored.
    pub async fn simulation_run_count(&self, id: Uuid) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar!(
            r#"SELECT count(*) AS "n!" FROM simulation_runs WHERE simulation_id = $1"#,
            id
        )
        .fetch_one(self.pool())
        .await?)
    }
}
