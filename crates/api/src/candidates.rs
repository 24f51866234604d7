//! Candidates: posted in batches (idempotent by key), judged by the workers, read back with
//! their build and per-test results.

use crate::{ApiError, AppState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sieve_domain::{CandidateId, Language, ProblemId, TestKind};
use sieve_store::candidates::NewCandidate;
use uuid::Uuid;

/// Most candidates in one request.
pub const MAX_BATCH: usize = 10_000;
/// Largest source accepted.
pub const MAX_SOURCE: usize = 1 << 20;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/problems/{id}/candidates", post(post_candidates))
        .route("/v1/candidates/{id}", get(get_candidate))
}

#[derive(Debug, Deserialize)]
struct PostBody {
    candidates: Vec<NewCandidate>,
    /// Test kinds to judge on; default: public and generated.
    #[serde(default)]
    judge: Option<Vec<TestKind>>,
}

#[derive(Debug, Serialize)]
struct Posted {
    id: CandidateId,
    created: bool,
}

async fn post_candidates(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Json(body): Json<PostBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let problem = ProblemId(id);
    if body.candidates.len() > MAX_BATCH {
        return Err(ApiError::too_large(
            "/candidates",
            format!("at most {MAX_BATCH} candidates per request"),
        ));
    }
    for (i, c) in body.candidates.iter().enumerate() {
        if let Err(e) = c.language.parse::<Language>() {
            return Err(ApiError::invalid(
                format!("/candidates/{i}/language"),
                e.to_string(),
            ));
        }
        if c.source.len() > MAX_SOURCE {
            return Err(ApiError::too_large(
                format!("/candidates/{i}/source"),
                format!("sources are limited to {MAX_SOURCE} bytes"),
            ));
        }
    }
    if !state.store.problem_exists(problem).await? {
        return Err(ApiError::not_found(format!("no problem {id}")));
    }
    let kinds = body
        .judge
        .unwrap_or_else(|| vec![TestKind::Public, TestKind::Generated]);
    let ids = state
        .store
        .insert_candidates(problem, &body.candidates)
        .await?;
    for (cid, created) in &ids {
        if *created {
            let job = sieve_worker_payload(*cid, &kinds);
            state
                .store
                .enqueue("judge", &job, 0, Some(&format!("judge:{cid}")))
                .await?;
        }
    }
    let out: Vec<Posted> = ids
        .into_iter()
        .map(|(id, created)| Posted { id, created })
        .collect();
    Ok((StatusCode::CREATED, Json(json!({ "candidates": out }))))
}

/// The `judge` job's payload (the worker's `JudgeJob`), written here without depending on the
/// worker crate.
fn sieve_worker_payload(candidate: CandidateId, kinds: &[TestKind]) -> Value {
    json!({ "candidate": candidate, "kinds": kinds })
}

async fn get_candidate(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<Json<Value>, ApiError> {
    let Some((c, _source)) = state.store.candidate(CandidateId(id)).await? else {
        return Err(ApiError::not_found(format!("no candidate {id}")));
    };
    let mut build = Value::Null;
    let mut results = serde_json::Map::new();
    if let Some(key_hex) = &c.build_key {
        let mut key = [0u8; 32];
        if hex::decode_to_slice(key_hex, &mut key).is_ok() {
            if let Some(b) = state.store.build(&key).await? {
                build = json!({ "ok": b.ok, "message": b.message });
            }
            for kind in [TestKind::Public, TestKind::Generated, TestKind::Hidden] {
                if let Some(r) = state.store.results(c.problem_id, &key, kind).await? {
                    let tests: Vec<Value> = r
                        .iter()
                        .map(|t| json!({ "test": t.test, "verdict": t.verdict.code(), "score": t.score, "time_us": t.time_us, "memory_kib": t.memory_kib }))
                        .collect();
                    results.insert(kind.name().to_string(), Value::Array(tests));
                }
            }
        }
    }
    Ok(Json(json!({
        "id": c.id,
        "problem_id": c.problem_id,
        "language": c.language,
        "source_hash": c.source_hash,
        "build": build,
        "results": results,
    })))
}
