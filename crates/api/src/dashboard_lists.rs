//! The dashboard's lists, as JSON: a problem's selections with each pick's hidden outcome, and a
//! contest's simulations. For viewers.

use crate::candidate_read::kind_points;
use crate::dashboard_data::summary;
use crate::{ApiError, AppState, Caller, Role};
use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use sieve_domain::{CandidateId, ContestId, ProblemId};
use sieve_store::dashboard_lists::SimulationItem;
use utoipa::ToSchema;
use uuid::Uuid;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/problems/{id}/selections", get(selections))
        .route("/v1/contests/{id}/simulations", get(simulations))
}

/// A pick, with how it did on the hidden tests.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct PickOut {
    rank: i32,
    candidate_id: CandidateId,
    subtask: Option<i16>,
    score: Option<f32>,
    reason: String,
    /// Its points on the hidden tests (null when not judged on them).
    hidden_points: Option<f64>,
    /// Accepted on every hidden test (null when not judged on them).
    hidden_accepted: Option<bool>,
}

/// A stored selection with its picks' outcomes.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SelectionOut {
    id: Uuid,
    problem_id: ProblemId,
    strategy: String,
    k: i32,
    scorer: Option<String>,
    created_at: String,
    picks: Vec<PickOut>,
}

/// A problem's selections.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SelectionList {
    selections: Vec<SelectionOut>,
}

/// The problem's newest 50 selections, newest first, each pick with its hidden outcome (viewer).
#[utoipa::path(get, path = "/v1/problems/{id}/selections", tag = "dashboard",
    params(("id" = Uuid, Path, description = "problem id")),
    responses((status = 200, body = SelectionList, description = "the problem's selections, newest first"), (status = 404, description = "no such problem")))]
pub(crate) async fn selections(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<ProblemId>,
) -> Result<Json<SelectionList>, ApiError> {
    let p = summary(&state, &caller, id).await?;
    let rows = state.store.problem_selections(id, 50).await?;
    let ids: Vec<Uuid> = rows.iter().map(|(s, _)| s.id).collect();
    let outcomes = state.store.pick_outcomes(&ids).await?;
    let selections = rows
        .into_iter()
        .map(|(s, created_at)| SelectionOut {
            picks: s
                .picks
                .into_iter()
                .map(|pick| {
                    let o = outcomes
                        .iter()
                        .find(|o| o.selection_id == s.id && o.rank == pick.rank)
                        .filter(|o| !o.hidden.is_empty());
                    PickOut {
                        rank: pick.rank,
                        candidate_id: pick.candidate_id,
                        subtask: pick.subtask,
                        score: pick.score,
                        reason: pick.reason,
                        hidden_points: o
                            .map(|o| kind_points(&o.hidden, &p.tests, &p.subtasks, p.precision)),
                        hidden_accepted: o.map(|o| o.accepted),
                    }
                })
                .collect(),
            id: s.id,
            problem_id: s.problem_id,
            strategy: s.strategy,
            k: s.k,
            scorer: s.scorer,
            created_at,
        })
        .collect();
    Ok(Json(SelectionList { selections }))
}

/// A contest's simulations.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SimulationList {
    simulations: Vec<SimulationItem>,
}

/// The contest's newest 100 simulations with their reports, newest first (viewer).
#[utoipa::path(get, path = "/v1/contests/{id}/simulations", tag = "dashboard",
    params(("id" = Uuid, Path, description = "contest id")),
    responses((status = 200, body = SimulationList, description = "the contest's simulations, newest first"), (status = 404, description = "no such contest")))]
pub(crate) async fn simulations(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<ContestId>,
) -> Result<Json<SimulationList>, ApiError> {
    caller.require(Role::Viewer)?;
    if state.store.contest(id).await?.is_none() {
        return Err(ApiError::not_found(format!("no contest {id}")));
    }
    let simulations = state.store.contest_simulations(id, 100).await?;
    Ok(Json(SimulationList { simulations }))
}
