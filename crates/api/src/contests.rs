//! Contests: rules (ioi, codeforces, icpc) and the submission limit K per problem.

use crate::{ApiError, AppState, Caller, Role, auth::Admin};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use sieve_domain::{ContestId, Rules};
use sieve_store::contests::{ContestRow, NewContest};
use utoipa::ToSchema;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/contests", get(list_contests).post(create_contest))
        .route("/v1/contests/{id}", get(get_contest))
}

/// A contest to create.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct ContestBody {
    /// Unique name.
    name: String,
    /// `ioi`, `codeforces` or `icpc`.
    rules: String,
    /// Submissions allowed per problem (default: 50 for IOI, 10 otherwise).
    submission_limit: Option<u32>,
    /// Free-form settings (Codeforces problem values, human ratings).
    #[serde(default)]
    settings: Option<serde_json::Value>,
}

/// A list of contests.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ContestList {
    contests: Vec<ContestRow>,
}

/// Creates a contest (admin).
#[utoipa::path(post, path = "/v1/contests", tag = "contests", request_body = ContestBody,
    responses((status = 201, body = ContestRow, description = "the contest created"), (status = 409, description = "the name is taken"),
              (status = 422, description = "a field is invalid")))]
pub(crate) async fn create_contest(
    _: Admin,
    State(state): State<AppState>,
    Json(body): Json<ContestBody>,
) -> Result<(StatusCode, Json<ContestRow>), ApiError> {
    if body.name.trim().is_empty() {
        return Err(ApiError::invalid("/name", "a contest needs a name"));
    }
    let rules: Rules = body
        .rules
        .parse()
        .map_err(|e: sieve_domain::UnknownRules| ApiError::invalid("/rules", e.to_string()))?;
    let k = body
        .submission_limit
        .unwrap_or_else(|| rules.default_submission_limit());
    if k == 0 || k > 10_000 {
        return Err(ApiError::invalid(
            "/submission_limit",
            "the submission limit must be between 1 and 10000",
        ));
    }
    let settings = body.settings.unwrap_or_else(|| serde_json::json!({}));
    if !settings.is_object() {
        return Err(ApiError::invalid("/settings", "settings must be an object"));
    }
    let id = state
        .store
        .insert_contest(&NewContest {
            name: body.name.trim().to_string(),
            rules,
            submission_limit: k,
            settings,
        })
        .await?;
    let row = state
        .store
        .contest(id)
        .await?
        .ok_or_else(|| ApiError::not_found("the contest vanished"))?;
    Ok((StatusCode::CREATED, Json(row)))
}

/// Every contest, newest first (viewer).
#[utoipa::path(get, path = "/v1/contests", tag = "contests", responses((status = 200, body = ContestList, description = "every contest")))]
pub(crate) async fn list_contests(
    caller: Caller,
    State(state): State<AppState>,
) -> Result<Json<ContestList>, ApiError> {
    caller.require(Role::Viewer)?;
    Ok(Json(ContestList {
        contests: state.store.contests().await?,
    }))
}

/// One contest with its problems' ids (viewer).
#[utoipa::path(get, path = "/v1/contests/{id}", tag = "contests",
    params(("id" = Uuid, Path, description = "contest id")),
    responses((status = 200, body = ContestRow, description = "the contest"), (status = 404, description = "no such contest")))]
pub(crate) async fn get_contest(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<ContestId>,
) -> Result<Json<ContestRow>, ApiError> {
    caller.require(Role::Viewer)?;
    state
        .store
        .contest(id)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::not_found(format!("no contest {id}")))
}
