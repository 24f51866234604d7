//! Rejudging a problem's candidates (admin): their results dropped and judging queued again,
//! after a checker, test or toolchain fix.

use crate::{ApiError, AppState, auth::Admin};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use sieve_domain::{CandidateId, ProblemId, TestKind};
use sieve_store::rejudge::Rejudge;
use utoipa::ToSchema;

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/v1/problems/{id}/rejudge", post(rejudge))
}

/// What to judge again.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RejudgeBody {
    /// Only these kinds of test: `public`, `generated`, `hidden` (default: every kind each
    /// candidate was judged on).
    kinds: Option<Vec<String>>,
    /// Only these candidates of the problem (default: all).
    #[schema(value_type = Option<Vec<uuid::Uuid>>)]
    candidates: Option<Vec<CandidateId>>,
    /// Build them again with today's toolchain and grader; every kind is judged again.
    #[serde(default)]
    rebuild: bool,
    /// Judge every test even after a relevant public test failed.
    #[serde(default)]
    keep_going: bool,
}

/// How many judging jobs were queued.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Rejudged {
    queued: u64,
}

/// Drops the results the body names and queues their candidates to be judged again (admin).
/// Results belong to a build, so candidates sharing one are judged again together. Follow the
/// judging with `GET /v1/problems/{id}/events`.
#[utoipa::path(post, path = "/v1/problems/{id}/rejudge", tag = "candidates", request_body = RejudgeBody,
    params(("id" = Uuid, Path, description = "problem id")),
    responses((status = 202, body = Rejudged, description = "the judging jobs queued"),
              (status = 404, description = "no such problem"),
              (status = 422, description = "a kind or a candidate is not one of the problem's")))]
pub(crate) async fn rejudge(
    _: Admin,
    State(state): State<AppState>,
    Path(problem): Path<ProblemId>,
    Json(body): Json<RejudgeBody>,
) -> Result<(StatusCode, Json<Rejudged>), ApiError> {
    if !state.store.problem_exists(problem).await? {
        return Err(ApiError::not_found(format!("no problem {problem}")));
    }
    let kinds = match &body.kinds {
        None => None,
        Some(list) => Some(
            list.iter()
                .enumerate()
                .map(|(i, k)| {
                    serde_json::from_value::<TestKind>(serde_json::json!(k)).map_err(|_| {
                        ApiError::invalid(
                            format!("/kinds/{i}"),
                            format!("{k:?}: public, generated or hidden"),
                        )
                    })
                })
                .collect::<Result<Vec<_>, _>>()?,
        ),
    };
    if let Some(ids) = &body.candidates {
        for (i, id) in ids.iter().enumerate() {
            let of_problem = state
                .store
                .candidate(*id)
                .await?
                .is_some_and(|(c, _)| c.problem_id == problem);
            if !of_problem {
                return Err(ApiError::invalid(
                    format!("/candidates/{i}"),
                    format!("{id} is not a candidate of problem {problem}"),
                ));
            }
        }
    }
    let queued = state
        .store
        .rejudge(
            problem,
            &Rejudge {
                kinds,
                candidates: body.candidates,
                rebuild: body.rebuild,
                keep_going: body.keep_going,
            },
        )
        .await?;
    Ok((StatusCode::ACCEPTED, Json(Rejudged { queued })))
}
