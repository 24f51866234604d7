//! Rejudging: a problem's results dropped and their candidates queued to be judged again, on
//! chosen kinds of test, for chosen candidates, optionally rebuilt with today's toolchain.

use crate::problems::parse_kind;
use crate::queue::{JudgeJob, Task, enqueue_many_on};
use crate::{Store, StoreError};
use sieve_domain::{CandidateId, ProblemId, TestKind};
use uuid::Uuid;

/// What to judge again.
#[derive(Clone, Debug, Default)]
pub struct Rejudge {
    /// Only these kinds of test (default: every kind a candidate was judged on).
    pub kinds: Option<Vec<TestKind>>,
    /// Only these candidates (default: all of the problem's).
    pub candidates: Option<Vec<CandidateId>>,
    /// Build them again too (with today's toolchain and grader): every kind is judged again.
    pub rebuild: bool,
    /// Judge every test even after a relevant public test failed.
    pub keep_going: bool,
}

impl Store {
    /// Drops the results `what` names and queues judging jobs for them, in one transaction;
    /// returns how many jobs were queued. Results belong to a build, so every candidate sharing
    /// a dropped build is judged again too. A candidate rebuilt loses its build and gets one
    /// anew; one that never compiled is rebuilt only with `rebuild`.
    pub async fn rejudge(&self, problem: ProblemId, what: &Rejudge) -> Result<u64, StoreError> {
        let mut tx = self.pool().begin().await?;
        crate::problem_info::bump_revision(&mut *tx, problem).await?;
        let candidates: Option<Vec<Uuid>> = what
            .candidates
            .as_ref()
            .map(|c| c.iter().map(|c| c.0).collect());
        let kinds: Option<Vec<&str>> = match (&what.kinds, what.rebuild) {
            (Some(k), false) => Some(k.iter().map(|k| k.name()).collect()),
            _ => None,
        };
        let todo = sqlx::query!(
            r#"WITH target AS (
                   SELECT id, build_key FROM candidates
                   WHERE problem_id = $1 AND ($2::uuid[] IS NULL OR id = ANY($2))),
               gone AS (
                   DELETE FROM results r USING target t
                   WHERE r.problem_id = $1 AND r.build_key = t.build_key
                     AND ($3::text[] IS NULL OR r.kind::text = ANY($3))
                   RETURNING r.build_key, r.kind::text AS kind)
               SELECT DISTINCT c.id, g.kind AS "kind!"
               FROM candidates c JOIN gone g ON g.build_key = c.build_key
               WHERE c.problem_id = $1
               ORDER BY c.id"#,
            problem.0,
            candidates.as_deref() as Option<&[Uuid]>,
            kinds.as_deref() as Option<&[&str]>,
        )
        .fetch_all(&mut *tx)
        .await?;
        let mut jobs: Vec<(CandidateId, Vec<TestKind>)> = Vec::new();
        for row in todo {
            let kind = parse_kind(&row.kind);
            match jobs.last_mut() {
                Some((c, k)) if c.0 == row.id => k.push(kind),
                _ => jobs.push((CandidateId(row.id), vec![kind])),
            }
        }
        if what.rebuild {
            let rebuilt = sqlx::query_scalar!(
                r#"UPDATE candidates SET build_key = NULL
                   WHERE problem_id = $1 AND ($2::uuid[] IS NULL OR id = ANY($2))
                   RETURNING id"#,
                problem.0,
                candidates.as_deref() as Option<&[Uuid]>,
            )
            .fetch_all(&mut *tx)
            .await?;
            // A candidate that had no results (it never compiled) is built, and judged on the
            // public tests as a new one is.
            for id in rebuilt {
                if !jobs.iter().any(|(c, _)| c.0 == id) {
                    jobs.push((CandidateId(id), vec![TestKind::Public]));
                }
            }
        }
        let round = Uuid::now_v7();
        let tasks: Vec<(Task, i16, String)> = jobs
            .into_iter()
            .map(|(candidate, mut kinds)| {
                kinds.sort_by_key(|k| match k {
                    TestKind::Public => 0,
                    TestKind::Generated => 1,
                    TestKind::Hidden => 2,
                });
                let priority = if kinds == [TestKind::Hidden] { -1 } else { 0 };
                let key = format!("rejudge:{}:{round}", candidate.0);
                let task = Task::Judge(JudgeJob {
                    candidate,
                    kinds,
                    keep_going: what.keep_going,
                });
                (task, priority, key)
            })
            .collect();
        let queued = enqueue_many_on(&mut *tx, problem, &tasks).await?;
        tx.commit().await?;
        Ok(queued)
    }
}
