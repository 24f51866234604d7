//! The queries behind the dashboard's problem page, as JSON: the funnel, outcomes per test set,
//! run-time and memory histograms, and clusters. All for viewers.

use crate::{ApiError, AppState, Caller, Role};
use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use sieve_app::clusters::{ClusterView, problem_clusters};
use sieve_app::scoring::{HEURISTIC, load_scorer};
use sieve_domain::ProblemId;
use sieve_store::dashboard::KindOutcomes;
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
}

pub(crate) async fn summary(
    state: &AppState,
    caller: &Caller,
    id: ProblemId,
) -> Result<sieve_store::problem_info::ProblemSummary, ApiError> {
    caller.require(Role::Viewer)?;
    state
        .store
        .problem_summary(id)
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
    responses((status = 200, body = Funnel, description = "how many candidates reached each stage"), (status = 404, description = "no such problem")))]
pub(crate) async fn funnel(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<ProblemId>,
) -> Result<Json<Funnel>, ApiError> {
    summary(&state, &caller, id).await?;
    let c = state.store.funnel_counts(id).await?;
    let clusters = state.pools.passed_public_clusters(&state.store, id).await?;
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
    responses((status = 200, body = Verdicts, description = "verdict counts per test set"), (status = 404, description = "no such problem")))]
pub(crate) async fn verdicts(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<ProblemId>,
) -> Result<Json<Verdicts>, ApiError> {
    summary(&state, &caller, id).await?;
    let kinds = state.store.kind_outcomes(id).await?;
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

/// Histograms of each candidate's largest run time and memory over its tests (viewer; over
/// hidden tests too: admin).
#[utoipa::path(get, path = "/v1/problems/{id}/resources", tag = "dashboard",
    params(("id" = Uuid, Path, description = "problem id")),
    responses((status = 200, body = Resources, description = "time and memory used, against the limits"), (status = 404, description = "no such problem")))]
pub(crate) async fn resources(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<ProblemId>,
) -> Result<Json<Resources>, ApiError> {
    let p = summary(&state, &caller, id).await?;
    // Peaks over hidden tests would tell their inputs: admins only.
    let usage = state.store.usage(id, caller.role >= Role::Admin).await?;
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
    responses((status = 200, body = ClusterView, description = "the candidates grouped by their outputs"), (status = 404, description = "no such problem"),
              (status = 422, description = "the subtask is out of range, or the scorer unknown")))]
pub(crate) async fn clusters(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<ProblemId>,
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
    let view = problem_clusters(&state.store, &state.pools, id, q.subtask, scorer).await?;
    Ok(Json(view))
}

#[cfg(test)]
mod tests {
    use super::histogram;

    #[test]
    fn buckets_cover_the_limit_and_what_went_over_it() {
        let h = histogram([0.0, 49.9, 50.0, 999.9, 1000.0, 2500.0].into_iter(), 1000.0);
        assert_eq!(h.len(), 21);
        assert_eq!((h[0].lo, h[0].hi, h[0].count), (0.0, Some(50.0), 2));
        assert_eq!(h[1].count, 1, "50 starts the second bucket");
        assert_eq!(h[19].count, 1);
        assert_eq!((h[20].lo, h[20].hi, h[20].count), (1000.0, None, 2));
    }
}
