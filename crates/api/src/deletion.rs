//! Deleting candidates, problems and contests (admin). Each answers with what went, the builds
//! and blobs nothing used any more included: they are collected in the same transaction.

use crate::{ApiError, AppState, auth::Admin};
use axum::extract::{Path, Query, State};
use axum::routing::delete;
use axum::{Json, Router};
use serde::Deserialize;
use sieve_domain::{CandidateId, ContestId, ProblemId};
use sieve_store::delete::{CandidateInUse, Deleted};
use utoipa::IntoParams;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/candidates/{id}", delete(delete_candidate))
        .route("/v1/problems/{id}", delete(delete_problem))
        .route("/v1/contests/{id}", delete(delete_contest))
}

/// How to delete a candidate.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct CandidateDeletion {
    /// Delete it even if selections picked it or sessions submitted it: those picks go too
    /// (default false: such a candidate is kept, and the answer is 409).
    #[serde(default)]
    force: bool,
}

/// Deletes a candidate with its scores, its results (unless another candidate of the problem
/// shares its build) and queued judging (admin). A candidate that a selection picked or a
/// session submitted is kept unless `force=true`.
#[utoipa::path(delete, path = "/v1/candidates/{id}", tag = "candidates",
    params(("id" = Uuid, Path, description = "candidate id"), CandidateDeletion),
    responses((status = 200, body = Deleted, description = "what was deleted and collected"),
              (status = 404, description = "no such candidate"),
              (status = 409, description = "selections picked it or sessions submitted it (their ids in the detail); use force=true")))]
pub(crate) async fn delete_candidate(
    _: Admin,
    State(state): State<AppState>,
    Path(id): Path<CandidateId>,
    Query(how): Query<CandidateDeletion>,
) -> Result<Json<Deleted>, ApiError> {
    match state.store.delete_candidate(id, how.force).await? {
        Ok(deleted) => Ok(Json(deleted)),
        Err(CandidateInUse::Missing) => Err(ApiError::not_found(format!("no candidate {id}"))),
        Err(CandidateInUse::Picked { by }) => {
            let by: Vec<String> = by.iter().map(ToString::to_string).collect();
            Err(ApiError::conflict(format!(
                "candidate {id} was picked by selections or submitted in sessions {}; \
                 delete with force=true to drop those picks",
                by.join(", ")
            ))
            .with_field("force"))
        }
    }
}

/// Deletes a problem with its tests, candidates, results, scores, selections, sessions, jobs
/// and replay runs (admin). Replays of its contest keep their reports.
#[utoipa::path(delete, path = "/v1/problems/{id}", tag = "problems",
    params(("id" = Uuid, Path, description = "problem id")),
    responses((status = 200, body = Deleted, description = "what was deleted and collected"),
              (status = 404, description = "no such problem")))]
pub(crate) async fn delete_problem(
    _: Admin,
    State(state): State<AppState>,
    Path(id): Path<ProblemId>,
) -> Result<Json<Deleted>, ApiError> {
    match state.store.delete_problem(id).await? {
        Some(deleted) => Ok(Json(deleted)),
        None => Err(ApiError::not_found(format!("no problem {id}"))),
    }
}

/// How to delete a contest.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct ContestDeletion {
    /// Delete its problems too (default false: they stay, in no contest).
    #[serde(default)]
    with_problems: bool,
}

/// Deletes a contest and its replays (admin); its problems stay, in no contest, unless
/// `with_problems=true`.
#[utoipa::path(delete, path = "/v1/contests/{id}", tag = "contests",
    params(("id" = Uuid, Path, description = "contest id"), ContestDeletion),
    responses((status = 200, body = Deleted, description = "what was deleted and collected"),
              (status = 404, description = "no such contest")))]
pub(crate) async fn delete_contest(
    _: Admin,
    State(state): State<AppState>,
    Path(id): Path<ContestId>,
    Query(how): Query<ContestDeletion>,
) -> Result<Json<Deleted>, ApiError> {
    match state.store.delete_contest(id, how.with_problems).await? {
        Some(deleted) => Ok(Json(deleted)),
        None => Err(ApiError::not_found(format!("no contest {id}"))),
    }
}
