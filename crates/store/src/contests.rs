//! Contests: a set of problems judged under one set of rules with a submission limit K.

use crate::{Store, StoreError};
use serde::Serialize;
use sieve_domain::{ContestId, ProblemId, Rules};

/// A contest to store.
#[derive(Clone, Debug, PartialEq)]
pub struct NewContest {
    /// Unique name.
    pub name: String,
    /// Its rules.
    pub rules: Rules,
    /// Submissions allowed per problem (K).
    pub submission_limit: u32,
    /// Free-form settings (Codeforces problem values, human ratings).
    pub settings: serde_json::Value,
}

/// A stored contest.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ContestRow {
    /// Its id.
    pub id: ContestId,
    /// Unique name.
    pub name: String,
    /// Its rules.
    pub rules: Rules,
    /// Submissions allowed per problem (K).
    pub submission_limit: u32,
    /// Free-form settings.
    pub settings: serde_json::Value,
    /// Its problems, in the order they were added.
    pub problems: Vec<ProblemId>,
}

impl Store {
    /// Stores a contest.
    pub async fn insert_contest(&self, c: &NewContest) -> Result<ContestId, StoreError> {
        let id = ContestId::new();
        sqlx::query!(
            "INSERT INTO contests (id, name, rules, submission_limit, settings) VALUES ($1, $2, $3, $4, $5)",
            id.0,
            c.name,
            c.rules.name(),
            c.submission_limit as i32,
            c.settings
        )
        .execute(self.pool())
        .await?;
        Ok(id)
    }

    /// Every contest, newest first, with its problems.
    pub async fn contests(&self) -> Result<Vec<ContestRow>, StoreError> {
        let rows = sqlx::query!(
            r#"SELECT c.id, c.name, c.rules, c.submission_limit, c.settings,
                   coalesce(array_agg(p.id ORDER BY p.created_at) FILTER (WHERE p.id IS NOT NULL), '{}') AS "problems!"
               FROM contests c LEFT JOIN problems p ON p.contest_id = c.id
               GROUP BY c.id ORDER BY c.created_at DESC"#
        )
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(ContestRow {
                    id: ContestId(r.id),
                    name: r.name,
                    rules: r.rules.parse().map_err(|e: sieve_domain::UnknownRules| {
                        StoreError::Corrupt(e.to_string())
                    })?,
                    submission_limit: r.submission_limit as u32,
                    settings: r.settings,
                    problems: r.problems.into_iter().map(ProblemId).collect(),
                })
            })
            .collect()
    }

    /// One contest with its problems.
    pub async fn contest(&self, id: ContestId) -> Result<Option<ContestRow>, StoreError> {
        Ok(self.contests().await?.into_iter().find(|c| c.id == id))
    }

    /// Puts `problem` into `contest` (or takes it out with `None`); false if either is missing.
    pub async fn set_problem_contest(
        &self,
        problem: ProblemId,
        contest: Option<ContestId>,
    ) -> Result<bool, StoreError> {
        let n = sqlx::query!(
            "UPDATE problems SET contest_id = $2 WHERE id = $1",
            problem.0,
            contest.map(|c| c.0)
        )
        .execute(self.pool())
        .await?
        .rows_affected();
        Ok(n == 1)
    }
}
