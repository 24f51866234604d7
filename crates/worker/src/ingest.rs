//! Candidates into the store with their judging queued: shared by the API's candidate routes and
//! the CLI's file importers, so both queue the same jobs.

use serde_json::{Value, json};
use sieve_domain::{CandidateId, ProblemId, TestKind};
use sieve_store::StoreError;
use sieve_store::candidates::{Batch, NewCandidate};

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
        if !open.is_empty() {
            let job = judge_payload(*cid, &open, plan.keep_going);
            batch
                .enqueue(problem, "judge", &job, 0, Some(&format!("judge:{cid}")))
                .await?;
        }
        if !hidden.is_empty() {
            let job = judge_payload(*cid, &hidden, plan.keep_going);
            let key = format!("judge-hidden:{cid}");
            batch
                .enqueue(problem, "judge", &job, -1, Some(&key))
                .await?;
        }
    }
    Ok(ids)
}

/// The `judge` job's payload (the worker's `JudgeJob`).
fn judge_payload(candidate: CandidateId, kinds: &[TestKind], keep_going: bool) -> Value {
    json!({ "candidate": candidate, "kinds": kinds, "keep_going": keep_going })
}
