//! Live selection sessions and their submissions (see migration 0006): what was submitted, in
//! order, and what the contest said of each; the last submission awaits its feedback.

use crate::{Store, StoreError};
use serde::Serialize;
use sieve_domain::{CandidateId, ProblemId, Rules};
use uuid::Uuid;

/// A session as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct SessionRow {
    /// Its id.
    pub id: Uuid,
    /// The problem.
    pub problem_id: ProblemId,
    /// The strategy.
    pub strategy: String,
    /// Submissions allowed.
    pub k: i32,
    /// The contest's rules (what feedback looks like).
    pub rules: Rules,
    /// The scorer (`name`, its newest version).
    pub scorer: String,
    /// The strategy's random seed.
    pub seed: i64,
    /// Submissions in order.
    pub submissions: Vec<SubmissionRow>,
}

/// One submission of a session.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SubmissionRow {
    /// 1 for the first.
    pub rank: i32,
    /// The candidate to submit.
    pub candidate_id: CandidateId,
    /// The subtask it is aimed at.
    pub subtask: Option<i16>,
    /// Why it was picked.
    pub reason: String,
    /// What the contest said: `{"subtasks": [...]}` or `{"accepted": bool}`; null while awaited.
    pub feedback: Option<serde_json::Value>,
}

impl Store {
    /// Stores a new session (without submissions).
    pub async fn insert_session(&self, s: &SessionRow) -> Result<(), StoreError> {
        sqlx::query!(
            "INSERT INTO selection_sessions (id, problem_id, strategy, k, rules, scorer, seed)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            s.id,
            s.problem_id.0,
            s.strategy,
            s.k,
            s.rules.name(),
            s.scorer,
            s.seed
        )
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// A session with its submissions in order.
    pub async fn session(&self, id: Uuid) -> Result<Option<SessionRow>, StoreError> {
        let Some(s) = sqlx::query!(
            "SELECT problem_id, strategy, k, rules, scorer, seed FROM selection_sessions WHERE id = $1",
            id
        )
        .fetch_optional(self.pool())
        .await?
        else {
            return Ok(None);
        };
        let submissions = sqlx::query!(
            "SELECT rank, candidate_id, subtask, reason, feedback FROM session_submissions
             WHERE session_id = $1 ORDER BY rank",
            id
        )
        .fetch_all(self.pool())
        .await?
        .into_iter()
        .map(|r| SubmissionRow {
            rank: r.rank,
            candidate_id: CandidateId(r.candidate_id),
            subtask: r.subtask,
            reason: r.reason,
            feedback: r.feedback,
        })
        .collect();
        Ok(Some(SessionRow {
            id,
            problem_id: ProblemId(s.problem_id),
            strategy: s.strategy,
            k: s.k,
            rules: s.rules.parse().unwrap_or(Rules::Ioi),
            scorer: s.scorer,
            seed: s.seed,
            submissions,
        }))
    }

    /// Adds the next submission of `session`; false when that rank or candidate is there already
    /// (another request got there first).
    pub async fn add_submission(
        &self,
        session: Uuid,
        s: &SubmissionRow,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query!(
            "INSERT INTO session_submissions (session_id, rank, candidate_id, subtask, reason)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
            session,
            s.rank,
            s.candidate_id.0,
            s.subtask,
            s.reason
        )
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Records the contest's `feedback` on submission `rank` of `session`, if it is `candidate`'s
    /// and still awaits it; false otherwise.
    pub async fn record_feedback(
        &self,
        session: Uuid,
        rank: i32,
        candidate: CandidateId,
        feedback: &serde_json::Value,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query!(
            "UPDATE session_submissions SET feedback = $4
             WHERE session_id = $1 AND rank = $2 AND candidate_id = $3 AND feedback IS NULL",
            session,
            rank,
            candidate.0,
            feedback
        )
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
