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
    let mut jobs = Vec::new();
    for (cid, _) in ids.iter().filter(|(_, created)| *created) {
        let job = |kinds: &[TestKind]| {
            Task::Judge(JudgeJob {
                candidate: *cid,
                kinds: kinds.to_vec(),
                keep_going: plan.keep_going,
            })
        };
        if !open.is_empty() {
            jobs.push((job(&open), 0, format!("judge:{cid}")));
        }
        if !hidden.is_empty() {
            jobs.push((job(&hidden), -1, format!("judge-hidden:{cid}")));
        }
    }
    // One statement for the whole batch: ingest is the service's hot path.
    batch.enqueue_many(problem, &jobs).await?;
    Ok(ids)
}
