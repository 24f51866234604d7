//! Candidates into the store with their judging queued: shared by the API's candidate routes and
//! the CLI's file importers, so both queue the same jobs.

use sieve_domain::{CandidateId, ProblemId, TestKind};
use sieve_store::StoreError;
use sieve_store::candidates::{Batch, NewCandidate};
use sieve_store::queue::{JudgeJob, Task};

/// What to judge new candidates on.
#[derive(Clone, Debug)]
pub struct JudgePlan {
    /// Test kinds to judge on; empty: store only.
    pub kinds: Vec<TestKind>,
    /// Run every test even after a relevant public test failed.
    pub keep_going: bool,
}

impl Default for JudgePlan {
    /// Public and generated tests, skipping generated ones after a relevant public failure.
    fn default() -> Self {
        JudgePlan {
            kinds: vec![TestKind::Public, TestKind::Generated],
            keep_going: false,
        }
    }
}

/// Stores `candidates` of `problem` inside `batch` and queues judging for the new ones: public
/// and generated tests in one job, hidden tests (for simulations only) in a job of their own
/// behind all selection work. Returns each candidate's id and whether it is new.
pub async fn store_candidates(
    batch: &mut Batch,
    plan: &JudgePlan,
    problem: ProblemId,
    candidates: &[NewCandidate],
) -> Result<Vec<(CandidateId, bool)>, StoreError> {
    let ids = batch.insert_candidates(problem, candidates).await?;
    let (hidden, open): (Vec<TestKind>, Vec<TestKind>) =
        plan.kinds.iter().partition(|k| **k == TestKind::Hidden);
    for (cid, created) in &ids {
        if !*created {
            continue;
        }
        let job = |kinds: &[TestKind]| {
            Task::Judge(JudgeJob {
                candidate: *cid,
                kinds: kinds.to_vec(),
                keep_going: plan.keep_going,
            })
        };
        if !open.is_empty() {
            let key = format!("judge:{cid}");
            batch.enqueue(problem, &job(&open), 0, Some(&key)).await?;
        }
        if !hidden.is_empty() {
            let key = format!("judge-hidden:{cid}");
            batch
                .enqueue(problem, &job(&hidden), -1, Some(&key))
                .await?;
        }
    }
    Ok(ids)
}
