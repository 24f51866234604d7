//! The queries behind the dashboard, as JSON: a problem's funnel, outcomes per test set, run-time
//! and memory histograms, clusters and selections, and a contest's simulations. All for viewers.

use crate::candidate_read::kind_points;
use crate::{ApiError, AppState, Caller, Role};
use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use sieve_domain::{CandidateId, ContestId, ProblemId};
use sieve_store::dashboard::{KindOutcomes, SimulationItem};
use sieve_worker::clusters::{ClusterView, passed_public_clusters, problem_clusters};
use sieve_worker::scoring::{HEURISTIC, load_scorer};
use std::sync::Arc;
use utoipa::ToSchema;
use uuid::Uuid;

/// Histogram buckets between 0 and the limit; one more holds what went over it.
const BUCKETS: usize = 20;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/problems/{id}/funnel", get(funnel))
        .route("/v1/problems/{id}/verdicts", get(verdicts))
        .route("/v1/problems/{id}/resources", get(resources))
        .route("/v1/problems/{id}/clusters", get(clusters))
        .route("/v1/problems/{id}/selections", get(selections))
        .route("/v1/contests/{id}/simulations", get(simulations))
}

async fn summary(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
) -> Result<sieve_store::problem_info::ProblemSummary, ApiError> {
    caller.require(Role::Viewer)?;
    state
        .store
        .problem_summary(ProblemId(id))
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no problem {id}")))
}

/// A problem's funnel, stage by stage.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Funnel {
    /// Candidates posted.
    posted: i64,
    /// Of which compiled.
    compiled: i64,
    /// Of which every public test accepted (every compiled one when there are none).
    passed_public: i64,
    /// Distinct output signatures on the generated tests among those.
    clusters: i64,
    /// Candidates picked by the newest selection.
    selected: i64,
    /// Of those, the ones accepted on every hidden test.
    accepted_hidden: i64,
    /// The newest selection.
    selection_id: Option<Uuid>,
}

/// posted -> compiled -> passed public -> clusters -> selected -> accepted on hidden (viewer).
#[utoipa::path(get, path = "/v1/problems/{id}/funnel", tag = "dashboard",
    params(("id" = Uuid, Path, description = "problem id")),
    responses((status = 200, body = Funnel), (status = 404, description = "no such problem")))]
pub(crate) async fn funnel(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<Json<Funnel>, ApiError> {
    summary(&state, &caller, id).await?;
    let c = state.store.funnel_counts(ProblemId(id)).await?;
    let clusters = passed_public_clusters(&state.store, ProblemId(id)).await?;
    Ok(Json(Funnel {
        posted: c.posted,
        compiled: c.compiled,
        passed_public: c.passed_public,
        clusters,
        selected: c.selected,
        accepted_hidden: c.accepted_hidden,
        selection_id: c.selection_id,
    }))
}

/// Outcomes per test set.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Verdicts {
    /// public, generated, hidden.
    kinds: Vec<KindOutcomes>,
}

/// Per test set, candidates by outcome: AC, or the first failing test's verdict (viewer).
#[utoipa::path(get, path = "/v1/problems/{id}/verdicts", tag = "dashboard",
    params(("id" = Uuid, Path, description = "problem id")),
    responses((status = 200, body = Verdicts), (status = 404, description = "no such problem")))]
pub(crate) async fn verdicts(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<Json<Verdicts>, ApiError> {
    summary(&state, &caller, id).await?;
    let kinds = state.store.kind_outcomes(ProblemId(id)).await?;
    Ok(Json(Verdicts { kinds }))
}

/// One histogram bucket: `lo <= x < hi`; `hi` null for the bucket over the limit.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Bucket {
    lo: f64,
    hi: Option<f64>,
    count: usize,
}

/// Each judged candidate's largest run time and memory, against the limits.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Resources {
    /// Candidates judged.
    candidates: usize,
    time_limit_ms: f64,
    memory_limit_kib: f64,
    time_ms: Vec<Bucket>,
    memory_kib: Vec<Bucket>,
}

fn histogram(values: impl Iterator<Item = f64>, limit: f64) -> Vec<Bucket> {
    let step = limit / BUCKETS as f64;
    let mut out: Vec<Bucket> = (0..=BUCKETS)
        .map(|i| Bucket {
            lo: i as f64 * step,
            hi: (i < BUCKETS).then(|| (i + 1) as f64 * step),
            count: 0,
        })
        .collect();
    for v in values {
        let i = if v >= limit {
            BUCKETS
        } else {
            ((v / step) as usize).min(BUCKETS - 1)
        };
        out[i].count += 1;
    }
    out
}

/// Histograms of each candidate's largest run time and memory over its tests (viewer).
#[utoipa::path(get, path = "/v1/problems/{id}/resources", tag = "dashboard",
    params(("id" = Uuid, Path, description = "problem id")),
    responses((status = 200, body = Resources), (status = 404, description = "no such problem")))]
pub(crate) async fn resources(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<Json<Resources>, ApiError> {
    let p = summary(&state, &caller, id).await?;
    let usage = state.store.usage(ProblemId(id)).await?;
    let time_limit_ms = p.limits.time_ms as f64;
    let memory_limit_kib = p.limits.memory_bytes as f64 / 1024.0;
    Ok(Json(Resources {
        candidates: usage.len(),
        time_limit_ms,
        memory_limit_kib,
        time_ms: histogram(
            usage.iter().map(|u| u.time_us as f64 / 1000.0),
            time_limit_ms,
        ),
        memory_kib: histogram(usage.iter().map(|u| u.memory_kib as f64), memory_limit_kib),
    }))
}

/// Which clusters to show.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub(crate) struct ClusterQuery {
    /// A subtask (0-based): cluster on its generated tests. Omitted: on all of them.
    subtask: Option<usize>,
    /// The scorer whose scores are averaged (default heuristic).
    scorer: Option<String>,
}

/// The problem's candidates clustered by their outputs on the generated tests, as the
/// strategies cluster them, largest first (viewer).
#[utoipa::path(get, path = "/v1/problems/{id}/clusters", tag = "dashboard",
    params(("id" = Uuid, Path, description = "problem id"), ClusterQuery),
    responses((status = 200, body = ClusterView), (status = 404, description = "no such problem"),
              (status = 422, description = "the subtask is out of range, or the scorer unknown")))]
pub(crate) async fn clusters(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Query(q): Query<ClusterQuery>,
) -> Result<Json<ClusterView>, ApiError> {
    let p = summary(&state, &caller, id).await?;
    if let Some(s) = q.subtask.filter(|s| *s >= p.subtasks.len()) {
        return Err(ApiError::invalid(
            "/subtask",
            format!(
                "subtask {s} out of range: the problem has {}",
                p.subtasks.len()
            ),
        ));
    }
    // Reading must not register anything: the built-in scorer is used as is.
    let scorer: Arc<dyn sieve_scoring::Scorer> = match q.scorer.as_deref() {
        None | Some(HEURISTIC) => Arc::new(sieve_scoring::Heuristic),
        Some(name) => load_scorer(&state.store, name, None).await?,
    };
    let view = problem_clusters(&state.store, ProblemId(id), q.subtask, scorer).await?;
    Ok(Json(view))
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
    responses((status = 200, body = SelectionList), (status = 404, description = "no such problem")))]
pub(crate) async fn selections(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<Json<SelectionList>, ApiError> {
    let p = summary(&state, &caller, id).await?;
    let rows = state.store.problem_selections(ProblemId(id), 50).await?;
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
    responses((status = 200, body = SimulationList), (status = 404, description = "no such contest")))]
pub(crate) async fn simulations(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<Json<SimulationList>, ApiError> {
    caller.require(Role::Viewer)?;
    if state.store.contest(ContestId(id)).await?.is_none() {
        return Err(ApiError::not_found(format!("no contest {id}")));
    }
    let simulations = state.store.contest_simulations(ContestId(id), 100).await?;
    Ok(Json(SimulationList { simulations }))
}
