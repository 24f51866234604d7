//! Candidates of a problem as a filtered, paged list with a per-kind summary of their results,
//! and a problem's judging progress (what the SSE stream and the dashboard show).

use crate::{Store, StoreError};
use serde::{Deserialize, Serialize};
use sieve_domain::{CandidateId, ProblemId};
use uuid::Uuid;

/// Which candidates to list.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct CandidateFilter {
    /// Only those written by this model.
    pub model: Option<String>,
    /// Only those written for this subtask.
    pub target_subtask: Option<i16>,
    /// `pending` (not built yet), `compiled` or `failed` (compile error).
    pub build: Option<String>,
    /// `passed` or `failed`: every public test accepted, or not.
    pub public: Option<String>,
    /// Only ids after this one (paging: pass the last id of the previous page).
    pub after: Option<Uuid>,
    /// At most this many (default 100, at most 1,000).
    pub limit: Option<i64>,
}

/// One listed candidate.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CandidateItem {
    /// Its id.
    pub id: CandidateId,
    /// Language.
    pub language: String,
    /// Model, when posted.
    pub model: Option<String>,
    /// Target subtask, when posted.
    pub target_subtask: Option<i16>,
    /// Log-probability, when posted.
    pub logprob: Option<f64>,
    /// Generation tokens, when posted.
    pub gen_tokens: Option<i32>,
    /// `pending`, `compiled` or `failed`.
    pub build: String,
    /// Per test kind judged: `{"tests": n, "accepted": a, "ran": r, "score": s}`, where `ran`
    /// counts tests without an answer that ran within the limits (`OK`, stored as 10).
    pub results: serde_json::Value,
}

/// A problem's judging progress.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// Candidates posted.
    pub candidates: i64,
    /// Of which built (compiled or not).
    pub built: i64,
    /// Of which compiled.
    pub compiled: i64,
    /// Of which judged on the public tests.
    pub judged_public: i64,
    /// Of which every public test accepted.
    pub passed_public: i64,
    /// Of which judged on the generated tests.
    pub judged_generated: i64,
    /// Of which judged on the hidden tests.
    pub judged_hidden: i64,
    /// Judging jobs waiting.
    pub queued: i64,
    /// Judging jobs running.
    pub running: i64,
    /// Judging jobs that failed for good.
    pub failed: i64,
}

impl Store {
    /// The candidates of `problem` that pass `filter`, in posting order.
    pub async fn list_candidates(
        &self,
        problem: ProblemId,
        f: &CandidateFilter,
    ) -> Result<Vec<CandidateItem>, StoreError> {
        let limit = f.limit.unwrap_or(100).clamp(1, 1000);
        let rows = sqlx::query!(
            r#"SELECT c.id, c.language, c.model, c.target_subtask, c.logprob, c.gen_tokens,
                   CASE WHEN b.key IS NULL THEN 'pending' WHEN b.ok THEN 'compiled' ELSE 'failed' END AS "build!",
                   (SELECT coalesce(jsonb_object_agg(r.kind, jsonb_build_object(
                        'tests', cardinality(r.verdicts),
                        'accepted', (SELECT count(*) FROM unnest(r.verdicts) v WHERE v = 0),
                        'ran', (SELECT count(*) FROM unnest(r.verdicts) v WHERE v = 10),
                        'score', (SELECT coalesce(sum(s), 0) FROM unnest(r.scores) s))), '{}')
                    FROM results r WHERE r.problem_id = c.problem_id AND r.build_key = c.build_key) AS "results!"
               FROM candidates c LEFT JOIN builds b ON b.key = c.build_key
               LEFT JOIN results pr ON pr.problem_id = c.problem_id AND pr.build_key = c.build_key AND pr.kind = 'public'
               WHERE c.problem_id = $1
                 AND ($2::uuid IS NULL OR c.id > $2)
                 AND ($3::text IS NULL OR c.model = $3)
                 AND ($4::smallint IS NULL OR c.target_subtask = $4)
                 AND ($5::text IS NULL OR $5 = CASE WHEN b.key IS NULL THEN 'pending' WHEN b.ok THEN 'compiled' ELSE 'failed' END)
                 AND ($6::text IS NULL OR (pr.verdicts IS NOT NULL AND
                      $6 = CASE WHEN pr.passed THEN 'passed' ELSE 'failed' END))
               ORDER BY c.id LIMIT $7"#,
            problem.0,
            f.after,
            f.model,
            f.target_subtask,
            f.build,
            f.public,
            limit
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| CandidateItem {
                id: CandidateId(r.id),
                language: r.language,
                model: r.model,
                target_subtask: r.target_subtask,
                logprob: r.logprob,
                gen_tokens: r.gen_tokens,
                build: r.build,
                results: r.results,
            })
            .collect())
    }

    /// How far judging of `problem` has come.
    pub async fn progress(&self, problem: ProblemId) -> Result<Progress, StoreError> {
        // Jobs first: a job is marked done after its results are written, so when none is left
        // here, the counts read next include every result (read the other way round, the last
        // job could finish in between and "done" come with stale counts).
        let j = sqlx::query!(
            r#"SELECT count(*) FILTER (WHERE state = 'queued') AS "queued!",
                   count(*) FILTER (WHERE state = 'running') AS "running!",
                   count(*) FILTER (WHERE state = 'failed') AS "failed!"
               FROM jobs WHERE problem_id = $1 AND kind = 'judge'"#,
            problem.0
        )
        .fetch_one(self.pool())
        .await?;
        let c = sqlx::query!(
            r#"SELECT count(*) AS "candidates!",
                   count(c.build_key) AS "built!",
                   count(*) FILTER (WHERE b.ok) AS "compiled!",
                   count(*) FILTER (WHERE EXISTS (SELECT 1 FROM results r WHERE r.problem_id = $1
                       AND r.build_key = c.build_key AND r.kind = 'public')) AS "judged_public!",
                   count(*) FILTER (WHERE EXISTS (SELECT 1 FROM results r WHERE r.problem_id = $1
                       AND r.build_key = c.build_key AND r.kind = 'public' AND r.passed)) AS "passed_public!",
                   count(*) FILTER (WHERE EXISTS (SELECT 1 FROM results r WHERE r.problem_id = $1
                       AND r.build_key = c.build_key AND r.kind = 'generated')) AS "judged_generated!",
                   count(*) FILTER (WHERE EXISTS (SELECT 1 FROM results r WHERE r.problem_id = $1
                       AND r.build_key = c.build_key AND r.kind = 'hidden')) AS "judged_hidden!"
               FROM candidates c LEFT JOIN builds b ON b.key = c.build_key WHERE c.problem_id = $1"#,
            problem.0
        )
        .fetch_one(self.pool())
        .await?;
        Ok(Progress {
            candidates: c.candidates,
            built: c.built,
            compiled: c.compiled,
            judged_public: c.judged_public,
            passed_public: c.passed_public,
            judged_generated: c.judged_generated,
            judged_hidden: c.judged_hidden,
            queued: j.queued,
            running: j.running,
            failed: j.failed,
        })
    }
}
