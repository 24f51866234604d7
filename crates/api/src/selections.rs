//! Selections (which candidates to submit, in order, with the reason for each) and simulated
//! contests (every strategy replayed against the hidden tests, next to random and the oracle).

use crate::{ApiError, AppState, Caller, Role, auth::Submitter};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use sieve_app::holdout::Holdout;
use sieve_app::replay::simulate_contest;
use sieve_app::scoring::{HEURISTIC, load_scorer};
use sieve_app::selection::select_and_store;
use sieve_domain::{ContestId, ProblemId};
use sieve_selection::STRATEGIES;
use sieve_store::selections::SelectionRow;
use utoipa::ToSchema;
use uuid::Uuid;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/problems/{id}/selections", post(post_selection))
        .route("/v1/selections/{id}", get(get_selection))
        .route("/v1/contests/{id}/simulations", post(post_simulation))
        .route("/v1/simulations/{id}", get(get_simulation))
}

/// A selection to make.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct SelectionBody {
    /// One of random, filter, alphacode, codet, openr1, o1ioi, sieve.
    strategy: String,
    /// Submissions (default: the contest's K, else 50).
    k: Option<usize>,
    /// The scorer whose scores it uses (default heuristic, newest version).
    scorer: Option<String>,
}

/// Chooses the submissions for a problem, ahead of any feedback, and stores them (submitter).
#[utoipa::path(post, path = "/v1/problems/{id}/selections", tag = "selection", request_body = SelectionBody,
    params(("id" = Uuid, Path, description = "problem id")),
    responses((status = 201, body = SelectionRow, description = "the selection, stored"), (status = 404, description = "no such problem"),
              (status = 422, description = "unknown strategy or scorer, or k out of range")))]
pub(crate) async fn post_selection(
    _: Submitter,
    State(state): State<AppState>,
    Path(id): Path<ProblemId>,
    Json(b): Json<SelectionBody>,
) -> Result<(StatusCode, Json<SelectionRow>), ApiError> {
    let (k, _) = plan(&state, id, &b.strategy, b.k).await?;
    let scorer = b.scorer.unwrap_or_else(|| HEURISTIC.into());
    let scorer = load_scorer(&state.store, &scorer, None).await?;
    let row = select_and_store(&state.store, id, &b.strategy, k, scorer).await?;
    Ok((StatusCode::CREATED, Json(row)))
}

/// Checks a strategy's name and the number of submissions on `problem` (default: its contest's
/// K, else 50); also gives the problem's contest.
pub(crate) async fn plan(
    state: &AppState,
    problem: ProblemId,
    strategy: &str,
    k: Option<usize>,
) -> Result<(usize, Option<sieve_store::contests::ContestRow>), ApiError> {
    let Some(summary) = state.store.problem_summary(problem).await? else {
        return Err(ApiError::not_found(format!("no problem {problem}")));
    };
    if !STRATEGIES.contains(&strategy) {
        return Err(ApiError::invalid(
            "/strategy",
            format!("one of {}", STRATEGIES.join(", ")),
        ));
    }
    let contest = match summary.contest_id {
        Some(c) => state.store.contest(c).await?,
        None => None,
    };
    let k = k
        .or(contest.as_ref().map(|c| c.submission_limit as usize))
        .unwrap_or(50);
    if !(1..=MAX_K).contains(&k) {
        return Err(ApiError::invalid("/k", format!("between 1 and {MAX_K}")));
    }
    Ok((k, contest))
}

/// A stored selection (viewer).
#[utoipa::path(get, path = "/v1/selections/{id}", tag = "selection",
    params(("id" = Uuid, Path, description = "selection id")),
    responses((status = 200, body = SelectionRow, description = "the selection"), (status = 404, description = "no such selection")))]
pub(crate) async fn get_selection(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<Json<SelectionRow>, ApiError> {
    caller.require(Role::Viewer)?;
    state
        .store
        .selection(id)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::not_found(format!("no selection {id}")))
}

/// The most submissions a selection, session or replay may make per problem.
pub(crate) const MAX_K: usize = 10_000;

/// A simulation to run.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct SimulationBody {
    /// Strategies to replay (default: all).
    strategies: Option<Vec<String>>,
    /// Submissions per problem (default: the contest's K).
    k: Option<usize>,
    /// Seeds per strategy (default 20, at most 1000).
    seeds: Option<u64>,
    /// The scorer (default heuristic).
    scorer: Option<String>,
    /// Use this share of the official tests as generated tests (answers withheld) and grade on
    /// the rest; the held-out tests are recorded per problem.
    holdout: Option<f64>,
    /// Seed of the holdout's choice (default 1).
    holdout_seed: Option<u64>,
}

/// A simulation just stored.
#[derive(Serialize, ToSchema)]
pub(crate) struct SimulationCreated {
    /// Its id, for `GET /v1/simulations/{id}`.
    id: Uuid,
    /// What the replays gave.
    #[schema(value_type = sieve_app::replay::SimulationReport)]
    report: serde_json::Value,
}

/// A stored simulation.
#[derive(Serialize, ToSchema)]
pub(crate) struct SimulationOut {
    /// Its id.
    id: Uuid,
    /// The contest replayed.
    #[schema(value_type = Uuid)]
    contest_id: ContestId,
    /// What was asked: strategies, k, seeds, scorer (`name@version`), holdout.
    #[schema(value_type = Object)]
    params: serde_json::Value,
    /// What the replays gave (as stored when it ran).
    #[schema(value_type = sieve_app::replay::SimulationReport)]
    report: serde_json::Value,
    /// How many runs (strategy, problem, seed) were stored.
    runs: i64,
}

/// Replays the contest against the hidden tests with each strategy and stores the report and
/// every run (submitter). Candidates must have been judged on the hidden tests.
#[utoipa::path(post, path = "/v1/contests/{id}/simulations", tag = "selection", request_body = SimulationBody,
    params(("id" = Uuid, Path, description = "contest id")),
    responses((status = 201, body = SimulationCreated, description = "the stored simulation: per problem, each strategy's mean with a 95% interval, random's exact expectation, the oracle"),
              (status = 404, description = "no such contest"), (status = 422, description = "a field is invalid")))]
pub(crate) async fn post_simulation(
    _: Submitter,
    State(state): State<AppState>,
    Path(id): Path<ContestId>,
    Json(b): Json<SimulationBody>,
) -> Result<(StatusCode, Json<SimulationCreated>), ApiError> {
    if state.store.contest(id).await?.is_none() {
        return Err(ApiError::not_found(format!("no contest {id}")));
    }
    let names = b
        .strategies
        .unwrap_or_else(|| STRATEGIES.iter().map(|s| s.to_string()).collect());
    if let Some((i, bad)) = names
        .iter()
        .enumerate()
        .find(|(_, n)| !STRATEGIES.contains(&n.as_str()))
    {
        return Err(ApiError::invalid(
            format!("/strategies/{i}"),
            format!("unknown strategy {bad:?}"),
        ));
    }
    if let Some(k) = b.k.filter(|k| !(1..=MAX_K).contains(k)) {
        return Err(ApiError::invalid(
            "/k",
            format!("{k}: between 1 and {MAX_K}"),
        ));
    }
    let seeds = b.seeds.unwrap_or(20);
    if !(1..=1000).contains(&seeds) {
        return Err(ApiError::invalid("/seeds", "between 1 and 1000"));
    }
    let holdout = match b.holdout {
        Some(share) if share > 0.0 && share < 1.0 => Some(Holdout {
            share,
            seed: b.holdout_seed.unwrap_or(1),
        }),
        Some(_) => {
            return Err(ApiError::invalid(
                "/holdout",
                "a share strictly between 0 and 1",
            ));
        }
        None => None,
    };
    let scorer = b.scorer.unwrap_or_else(|| HEURISTIC.into());
    let scorer = load_scorer(&state.store, &scorer, None).await?;
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let replay = simulate_contest(&state.store, id, &names, b.k, seeds, scorer, holdout).await?;
    let (_, _, report) = state
        .store
        .simulation(replay.id)
        .await?
        .ok_or_else(|| ApiError::unavailable("the simulation vanished"))?;
    Ok((
        StatusCode::CREATED,
        Json(SimulationCreated {
            id: replay.id,
            report,
        }),
    ))
}

/// A stored simulation: parameters, report, and how many runs it stored (viewer).
#[utoipa::path(get, path = "/v1/simulations/{id}", tag = "selection",
    params(("id" = Uuid, Path, description = "simulation id")),
    responses((status = 200, body = SimulationOut, description = "the simulation"),
              (status = 404, description = "no such simulation")))]
pub(crate) async fn get_simulation(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<Json<SimulationOut>, ApiError> {
    caller.require(Role::Viewer)?;
    let (contest, params, report) = state
        .store
        .simulation(id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no simulation {id}")))?;
    let runs = state.store.simulation_run_count(id).await?;
    Ok(Json(SimulationOut {
        id,
        contest_id: contest,
        params,
        report,
        runs,
    }))
}
