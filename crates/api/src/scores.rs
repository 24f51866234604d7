//! Scorers and scores: the registered scorers (built-in, trained, remote), scoring a problem's
//! pool with one of them, and the stored scores read back.

use crate::{ApiError, AppState, Caller, Role, auth::Admin, auth::Submitter};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use sieve_app::scoring::{HEURISTIC, load_scorer, score_problem};
use sieve_domain::{CandidateId, ProblemId};
use sieve_store::scores::ScorerRow;
use utoipa::{IntoParams, ToSchema};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/scorers", get(list_scorers).post(register_scorer))
        .route(
            "/v1/problems/{id}/scores",
            get(get_scores).post(post_scores),
        )
}

/// The registered scorers.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ScorerList {
    scorers: Vec<ScorerRow>,
}

/// Every scorer version with its parameters and held-out metrics (viewer).
#[utoipa::path(get, path = "/v1/scorers", tag = "scoring", responses((status = 200, body = ScorerList, description = "the built-in and registered scorers")))]
pub(crate) async fn list_scorers(
    caller: Caller,
    State(state): State<AppState>,
) -> Result<Json<ScorerList>, ApiError> {
    caller.require(Role::Viewer)?;
    Ok(Json(ScorerList {
        scorers: state.store.scorers().await?,
    }))
}

/// A scorer to register: `http` (sieve POSTs it an `HttpRequest` and expects an
/// `HttpResponse`) or `onnx` (a model over the feature vector, run by sieve).
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct ScorerBody {
    /// Its name (not `heuristic`).
    name: String,
    /// `http` or `onnx`.
    kind: String,
    /// `http`: where to POST batches.
    url: Option<String>,
    /// `onnx`: the model file, base64. Input `[N, features]` float32, output N scores in [0, 1].
    model_base64: Option<String>,
    /// Per attempt (default 2000).
    timeout_ms: Option<u64>,
    /// Attempts after the first (default 2).
    retries: Option<u32>,
    /// Consecutive failed batches that open the circuit breaker (default 3).
    failure_threshold: Option<u32>,
    /// How long the open breaker sends everything to the fallback (default 30000).
    cooldown_ms: Option<u64>,
    /// The scorer that answers while the remote one fails (default `heuristic`).
    fallback: Option<String>,
}

/// Registers a remote (HTTP) or ONNX scorer as the next version of its name (admin).
#[utoipa::path(post, path = "/v1/scorers", tag = "scoring", request_body = ScorerBody,
    responses((status = 201, body = ScorerRow, description = "the scorer registered"), (status = 422, description = "a field is invalid")))]
pub(crate) async fn register_scorer(
    _: Admin,
    State(state): State<AppState>,
    Json(b): Json<ScorerBody>,
) -> Result<(StatusCode, Json<ScorerRow>), ApiError> {
    crate::problems::valid_slug(&b.name, "/name")?;
    if b.name == HEURISTIC {
        return Err(ApiError::invalid("/name", "heuristic is built in"));
    }
    let version = state
        .store
        .scorer(&b.name, None)
        .await?
        .map(|s| s.version + 1)
        .unwrap_or(1);
    let mut model = None;
    let params = match b.kind.as_str() {
        "http" => {
            let url = b.url.unwrap_or_default();
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(ApiError::invalid("/url", "an http:// or https:// URL"));
            }
            let fallback = b.fallback.unwrap_or_else(|| HEURISTIC.into());
            if fallback == b.name {
                return Err(ApiError::invalid(
                    "/fallback",
                    "a scorer cannot be its own fallback",
                ));
            }
            if fallback != HEURISTIC && state.store.scorer(&fallback, None).await?.is_none() {
                return Err(ApiError::invalid(
                    "/fallback",
                    format!("no scorer {fallback:?}"),
                ));
            }
            serde_json::json!({
                "url": url, "timeout_ms": b.timeout_ms.unwrap_or(2000), "retries": b.retries.unwrap_or(2),
                "failure_threshold": b.failure_threshold.unwrap_or(3),
                "cooldown_ms": b.cooldown_ms.unwrap_or(30_000), "fallback": fallback,
            })
        }
        "onnx" => {
            use base64::Engine;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(b.model_base64.unwrap_or_default())
                .map_err(|e| ApiError::invalid("/model_base64", e.to_string()))?;
            // Loaded once here so that a model sieve cannot run is refused now, not at use.
            let check = bytes.clone();
            tokio::task::spawn_blocking(move || {
                sieve_scoring::OnnxScorer::from_bytes("check", 1, &check)
            })
            .await
            .map_err(|e| ApiError::unavailable(e.to_string()))?
            .map_err(|e| ApiError::invalid("/model_base64", e.to_string()))?;
            let hash = sieve_domain::BlobHash::of(&bytes);
            model = Some(bytes);
            serde_json::json!({ "model": hash.to_string() })
        }
        other => {
            return Err(ApiError::invalid(
                "/kind",
                format!("{other:?}: http or onnx"),
            ));
        }
    };
    let row = ScorerRow {
        name: b.name,
        version,
        kind: b.kind,
        params,
        metrics: serde_json::json!({}),
    };
    let blobs: Vec<&[u8]> = model.iter().map(Vec::as_slice).collect();
    state.store.put_scorer_with_blobs(&row, &blobs).await?;
    Ok((StatusCode::CREATED, Json(row)))
}

/// Which scorer to use.
#[derive(Debug, Deserialize, ToSchema, IntoParams)]
pub(crate) struct ScorerChoice {
    /// Its name (default `heuristic`).
    scorer: Option<String>,
    /// Its version (default: the newest).
    version: Option<i32>,
}

/// One candidate's score.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CandidateScore {
    candidate_id: CandidateId,
    score: f64,
}

impl From<(CandidateId, f64)> for CandidateScore {
    fn from((candidate_id, score): (CandidateId, f64)) -> Self {
        CandidateScore {
            candidate_id,
            score,
        }
    }
}

/// A problem's scores by one scorer.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Scores {
    scorer: String,
    version: i32,
    scores: Vec<CandidateScore>,
}

/// Scores every candidate of a problem and stores the scores (submitter).
#[utoipa::path(post, path = "/v1/problems/{id}/scores", tag = "scoring", request_body = ScorerChoice,
    params(("id" = Uuid, Path, description = "problem id")),
    responses((status = 200, body = Scores, description = "the candidates' scores, computed and stored"), (status = 404, description = "no such problem"),
              (status = 422, description = "no such scorer")))]
pub(crate) async fn post_scores(
    _: Submitter,
    State(state): State<AppState>,
    Path(id): Path<ProblemId>,
    Json(choice): Json<ScorerChoice>,
) -> Result<Json<Scores>, ApiError> {
    if !state.store.problem_exists(id).await? {
        return Err(ApiError::not_found(format!("no problem {id}")));
    }
    let name = choice.scorer.unwrap_or_else(|| HEURISTIC.into());
    let scorer = load_scorer(&state.store, &name, choice.version).await?;
    let version = scorer.version();
    let scores = score_problem(&state.store, id, scorer).await?;
    Ok(Json(Scores {
        scorer: name,
        version,
        scores: scores.into_iter().map(CandidateScore::from).collect(),
    }))
}

/// The stored scores of a problem's candidates by one scorer (viewer).
#[utoipa::path(get, path = "/v1/problems/{id}/scores", tag = "scoring",
    params(("id" = Uuid, Path, description = "problem id"), ScorerChoice),
    responses((status = 200, body = Scores, description = "the stored scores"), (status = 422, description = "no such scorer")))]
pub(crate) async fn get_scores(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<ProblemId>,
    Query(choice): Query<ScorerChoice>,
) -> Result<Json<Scores>, ApiError> {
    caller.require(Role::Viewer)?;
    let name = choice.scorer.unwrap_or_else(|| HEURISTIC.into());
    let row = state
        .store
        .scorer(&name, choice.version)
        .await?
        .ok_or_else(|| ApiError::invalid("scorer", format!("no scorer {name:?}")))?;
    let scores = state.store.scores(id, &name, row.version).await?;
    Ok(Json(Scores {
        scorer: name,
        version: row.version,
        scores: scores.into_iter().map(CandidateScore::from).collect(),
    }))
}
