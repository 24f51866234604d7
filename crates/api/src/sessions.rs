//! Live selection sessions over HTTP: start one on a problem and get the first pick; after each
//! submission to the real contest, report what it said and get the next pick.

use crate::{ApiError, AppState, Caller, Role, auth::Submitter};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use sieve_app::scoring::HEURISTIC;
use sieve_app::session::{ContestFeedback, SessionView, Step, feedback, start, view};
use sieve_domain::{CandidateId, ProblemId, Rules};
use utoipa::ToSchema;
use uuid::Uuid;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/problems/{id}/sessions", post(start_session))
        .route("/v1/sessions/{id}", get(get_session))
        .route("/v1/sessions/{id}/feedback", post(post_feedback))
}

/// A session to start.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct SessionBody {
    /// One of random, filter, alphacode, codet, openr1, o1ioi, sieve.
    strategy: String,
    /// Submissions allowed (default: the contest's K, else 50).
    k: Option<usize>,
    /// ioi, codeforces or icpc (default: the contest's rules, else ioi).
    rules: Option<String>,
    /// The scorer whose scores the strategy uses (default heuristic).
    scorer: Option<String>,
}

/// Starts a live session and proposes the first submission (submitter).
#[utoipa::path(post, path = "/v1/problems/{id}/sessions", tag = "selection", request_body = SessionBody,
    params(("id" = Uuid, Path, description = "problem id")),
    responses((status = 201, body = SessionView, description = "the session and its first pick"), (status = 404, description = "no such problem"),
              (status = 422, description = "unknown strategy, rules or scorer, or k out of range")))]
pub(crate) async fn start_session(
    _: Submitter,
    State(state): State<AppState>,
    Path(id): Path<ProblemId>,
    Json(b): Json<SessionBody>,
) -> Result<(StatusCode, Json<SessionView>), ApiError> {
    let (k, contest) = crate::selections::plan(&state, id, &b.strategy, b.k).await?;
    let rules = match &b.rules {
        Some(r) => r
            .parse()
            .map_err(|e: sieve_domain::UnknownRules| ApiError::invalid("/rules", e.to_string()))?,
        None => contest.map_or(Rules::Ioi, |c| c.rules),
    };
    let scorer = b.scorer.unwrap_or_else(|| HEURISTIC.into());
    let session = start(
        &state.store,
        &state.pools,
        id,
        &b.strategy,
        k,
        rules,
        &scorer,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(session)))
}

/// A session with its submissions and the one awaiting feedback (viewer).
#[utoipa::path(get, path = "/v1/sessions/{id}", tag = "selection",
    params(("id" = Uuid, Path, description = "session id")),
    responses((status = 200, body = SessionView, description = "the session"), (status = 404, description = "no such session")))]
pub(crate) async fn get_session(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<Json<SessionView>, ApiError> {
    caller.require(Role::Viewer)?;
    view(&state.store, id)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::not_found(format!("no session {id}")))
}

/// What the contest said of the submission awaiting feedback.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct FeedbackBody {
    /// The submitted candidate (the session's `next`).
    candidate_id: Uuid,
    /// IOI: per subtask, in the problem's order, the fraction of its points earned (0 to 1).
    subtasks: Option<Vec<f64>>,
    /// Codeforces, ICPC: whether it was accepted.
    accepted: Option<bool>,
}

/// Records the contest's feedback and proposes the next submission (submitter).
#[utoipa::path(post, path = "/v1/sessions/{id}/feedback", tag = "selection", request_body = FeedbackBody,
    params(("id" = Uuid, Path, description = "session id")),
    responses((status = 200, body = SessionView, description = "the session after the feedback, with its next pick"), (status = 404, description = "no such session"),
              (status = 409, description = "that submission does not await feedback"),
              (status = 422, description = "the feedback does not fit the contest's rules or the problem")))]
pub(crate) async fn post_feedback(
    _: Submitter,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Json(b): Json<FeedbackBody>,
) -> Result<Json<SessionView>, ApiError> {
    let Some(session) = state.store.session(id).await? else {
        return Err(ApiError::not_found(format!("no session {id}")));
    };
    let said = match session.rules {
        Rules::Ioi => {
            let n = state
                .store
                .problem_summary(session.problem_id)
                .await?
                .map_or(0, |p| p.subtasks.len());
            let s = b.subtasks.ok_or_else(|| {
                ApiError::invalid("/subtasks", "IOI feedback: the fraction earned per subtask")
            })?;
            if s.len() != n || s.iter().any(|x| !(0.0..=1.0).contains(x)) {
                return Err(ApiError::invalid(
                    "/subtasks",
                    format!("{n} fractions between 0 and 1, one per subtask in order"),
                ));
            }
            ContestFeedback::Subtasks(s)
        }
        _ => ContestFeedback::Accepted(b.accepted.ok_or_else(|| {
            ApiError::invalid("/accepted", "pass/fail feedback: accepted true or false")
        })?),
    };
    match feedback(
        &state.store,
        &state.pools,
        id,
        CandidateId(b.candidate_id),
        &said,
    )
    .await?
    {
        Step::Recorded(v) => Ok(Json(v)),
        Step::Conflict(why) => Err(ApiError::conflict(why)),
    }
}
