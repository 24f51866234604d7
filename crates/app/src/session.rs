//! Live selection sessions: during a real contest, the client submits the pick sieve proposes,
//! reports what the contest said, and gets the next pick, chosen with that feedback (and the
//! pool as judged now). The strategy is rebuilt from the stored history at every step.

use crate::AppError;
use crate::clusters::PoolCache;
use crate::scoring::load_scorer;
use serde::Serialize;
use sieve_domain::{CandidateId, ProblemId, Rules};
use sieve_selection::{Feedback, next_pick, pool_for};
use sieve_store::Store;
use sieve_store::sessions::{SessionRow, SubmissionRow};
use uuid::Uuid;

/// A session as the client sees it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SessionView {
    /// Its id.
    pub id: Uuid,
    /// The problem.
    pub problem_id: ProblemId,
    /// The strategy.
    pub strategy: String,
    /// Submissions allowed.
    pub k: i32,
    /// `ioi`, `codeforces` or `icpc`: what feedback looks like.
    pub rules: String,
    /// The scorer.
    pub scorer: String,
    /// Submissions so far, with the contest's feedback; the last may await it.
    pub submissions: Vec<SubmissionRow>,
    /// The submission awaiting feedback: submit it, then report what the contest said.
    pub next: Option<SubmissionRow>,
    /// Nothing more to submit: K used, every subtask in full, accepted, or no new candidate.
    pub done: bool,
}

/// What a contest said of one submission.
#[derive(Clone, Debug, PartialEq)]
pub enum ContestFeedback {
    /// IOI: the fraction of each subtask's points it earned.
    Subtasks(Vec<f64>),
    /// Codeforces, ICPC: accepted or not.
    Accepted(bool),
}

impl ContestFeedback {
    fn to_json(&self) -> serde_json::Value {
        match self {
            ContestFeedback::Subtasks(s) => serde_json::json!({ "subtasks": s }),
            ContestFeedback::Accepted(a) => serde_json::json!({ "accepted": a }),
        }
    }

    fn from_json(v: &serde_json::Value) -> Option<Feedback> {
        if let Some(a) = v["accepted"].as_bool() {
            return Some(Feedback::Verdict(a));
        }
        let s = v["subtasks"].as_array()?;
        Some(Feedback::Subtasks(
            s.iter().filter_map(|x| x.as_f64()).collect(),
        ))
    }
}

/// What a feedback step came to.
#[derive(Debug)]
pub enum Step {
    /// Recorded; the session as it now stands.
    Recorded(SessionView),
    /// Refused: the feedback is not for the submission awaiting it (why).
    Conflict(String),
}

/// Starts a session on `problem` and proposes its first submission; the pools come through
/// `cache` (a session's steps mostly find the pool as the previous step left it).
pub async fn start(
    store: &Store,
    cache: &PoolCache,
    problem: ProblemId,
    strategy: &str,
    k: usize,
    rules: Rules,
    scorer: &str,
) -> Result<SessionView, AppError> {
    // Checked before anything is stored: an unknown scorer leaves no session behind.
    let loaded = load_scorer(store, scorer, None).await?;
    let id = Uuid::now_v7();
    let seed = u64::from_le_bytes(id.as_bytes()[8..16].try_into().unwrap_or([0; 8]));
    let row = SessionRow {
        id,
        problem_id: problem,
        strategy: strategy.into(),
        k: k as i32,
        rules,
        scorer: scorer.into(),
        seed: (seed >> 1) as i64,
        submissions: vec![],
    };
    store.insert_session(&row).await?;
    advance(store, cache, row, loaded).await
}

/// The session `id`, as it stands.
pub async fn view(store: &Store, id: Uuid) -> Result<Option<SessionView>, AppError> {
    Ok(store.session(id).await?.map(to_view))
}

/// Records what the contest said of `candidate`'s submission and proposes the next one.
pub async fn feedback(
    store: &Store,
    cache: &PoolCache,
    id: Uuid,
    candidate: CandidateId,
    said: &ContestFeedback,
) -> Result<Step, AppError> {
    let Some(s) = store.session(id).await? else {
        return Err(AppError::NotFound(format!("no session {id}")));
    };
    let Some(awaited) = s.submissions.iter().find(|x| x.feedback.is_none()) else {
        return Ok(Step::Conflict(
            "no submission awaits feedback: the session is over".into(),
        ));
    };
    if awaited.candidate_id != candidate
        || !store
            .record_feedback(id, awaited.rank, candidate, &said.to_json())
            .await?
    {
        return Ok(Step::Conflict(format!(
            "submission {} (candidate {}) awaits feedback",
            awaited.rank, awaited.candidate_id
        )));
    }
    let s = store
        .session(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no session {id}")))?;
    let scorer = load_scorer(store, &s.scorer, None).await?;
    Ok(Step::Recorded(advance(store, cache, s, scorer).await?))
}

/// Proposes the next submission of `s`, whose submissions all have their feedback, and stores it.
async fn advance(
    store: &Store,
    cache: &PoolCache,
    s: SessionRow,
    scorer: std::sync::Arc<dyn sieve_scoring::Scorer>,
) -> Result<SessionView, AppError> {
    let loaded = cache.get(store, s.problem_id, scorer).await?;
    let ids = &loaded.ids;
    let pool = pool_for(&loaded.pool, s.rules);
    let submitted: Vec<(usize, Feedback)> = s
        .submissions
        .iter()
        .filter_map(|x| {
            let c = ids.iter().position(|id| *id == x.candidate_id)?;
            Some((c, ContestFeedback::from_json(x.feedback.as_ref()?)?))
        })
        .collect();
    let pick = next_pick(
        &pool,
        &s.strategy,
        s.rules,
        s.k as usize,
        &submitted,
        s.seed as u64,
    )
    .map_err(|e| AppError::Strategy(e.to_string()))?;
    let Some(pick) = pick else {
        return Ok(to_view(s));
    };
    let row = SubmissionRow {
        rank: s.submissions.len() as i32 + 1,
        candidate_id: ids[pick.candidate],
        subtask: pick.subtask.map(|t| t as i16),
        reason: pick.reason,
        feedback: None,
    };
    store.add_submission(s.id, &row).await?;
    let s = store
        .session(s.id)
        .await?
        .ok_or_else(|| AppError::NotFound("the session vanished".into()))?;
    Ok(to_view(s))
}

fn to_view(s: SessionRow) -> SessionView {
    let next = s.submissions.iter().find(|x| x.feedback.is_none()).cloned();
    SessionView {
        id: s.id,
        problem_id: s.problem_id,
        strategy: s.strategy,
        k: s.k,
        rules: s.rules.name().into(),
        scorer: s.scorer,
        // Every step stores the next pick unless the session is over.
        done: next.is_none(),
        next,
        submissions: s.submissions,
    }
}
