//! Every candidate of a problem with its results, read in one query for a bulk export.

use crate::candidates::{ResultColumns, outcomes};
use crate::problems::parse_kind;
use crate::{Store, StoreError};
use sieve_domain::{CandidateId, ProblemId, TestKind, TestOutcome};

/// One candidate of a problem with its results on each kind of test judged.
#[derive(Clone, Debug, PartialEq)]
pub struct CandidateResults {
    /// The candidate.
    pub id: CandidateId,
    /// Its language's name.
    pub language: String,
    /// The model that wrote it, if told.
    pub model: Option<String>,
    /// The subtask it was written for, if told.
    pub target_subtask: Option<i16>,
    /// `pending`, `compiled` or `failed`.
    pub build: String,
    /// Per kind of test judged, each test's outcome.
    pub results: Vec<(TestKind, Vec<TestOutcome>)>,
}

impl Store {
    /// Every candidate of `problem` in posting order, with its results (one query).
    pub async fn problem_results(
        &self,
        problem: ProblemId,
    ) -> Result<Vec<CandidateResults>, StoreError> {
        let rows = sqlx::query!(
            r#"SELECT c.id, c.language, c.model, c.target_subtask,
                   CASE WHEN b.key IS NULL THEN 'pending' WHEN b.ok THEN 'compiled' ELSE 'failed' END AS "build!",
                   r.kind::text AS "kind?", r.test_idx AS "test_idx?", r.verdicts AS "verdicts?",
                   r.scores AS "scores?", r.time_us AS "time_us?", r.fuel AS "fuel?",
                   r.memory_kib AS "memory_kib?", r.output_hashes AS "output_hashes?"
               FROM candidates c LEFT JOIN builds b ON b.key = c.build_key
               LEFT JOIN results r ON r.problem_id = c.problem_id AND r.build_key = c.build_key
               WHERE c.problem_id = $1
               ORDER BY c.id, r.kind"#,
            problem.0
        )
        .fetch_all(self.pool())
        .await?;
        let mut out: Vec<CandidateResults> = Vec::new();
        for r in rows {
            let id = CandidateId(r.id);
            if out.last().is_none_or(|c| c.id != id) {
                out.push(CandidateResults {
                    id,
                    language: r.language,
                    model: r.model,
                    target_subtask: r.target_subtask,
                    build: r.build,
                    results: vec![],
                });
            }
            let (
                Some(kind),
                Some(test_idx),
                Some(verdicts),
                Some(scores),
                Some(time_us),
                Some(fuel),
                Some(memory_kib),
                Some(hashes),
            ) = (
                r.kind,
                r.test_idx,
                r.verdicts,
                r.scores,
                r.time_us,
                r.fuel,
                r.memory_kib,
                r.output_hashes,
            )
            else {
                continue;
            };
            let outcomes = outcomes(&ResultColumns {
                test_idx: &test_idx,
                verdicts: &verdicts,
                scores: &scores,
                time_us: &time_us,
                fuel: &fuel,
                memory_kib: &memory_kib,
                output_hashes: &hashes,
            })?;
            if let Some(last) = out.last_mut() {
                last.results.push((parse_kind(&kind), outcomes));
            }
        }
        Ok(out)
    }
}
