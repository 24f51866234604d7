//! API keys: listing them (never the keys themselves, only their ids, roles and labels) and
//! revoking one (admin). Keys are created with `sieve keys create`, where the new key is printed
//! once.

use crate::{ApiError, AppState, auth::Admin};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get};
use axum::{Json, Router};
use serde::Serialize;
use sieve_store::keys::KeyRow;
use utoipa::ToSchema;
use uuid::Uuid;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/keys", get(list_keys))
        .route("/v1/keys/{id}", delete(revoke_key))
}

/// Every API key, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct KeyList {
    keys: Vec<KeyRow>,
}

/// Lists the API keys, revoked ones included (admin).
#[utoipa::path(get, path = "/v1/keys", tag = "operations",
    responses((status = 200, body = KeyList, description = "every key's id, role, label and dates")))]
pub(crate) async fn list_keys(
    _: Admin,
    State(state): State<AppState>,
) -> Result<Json<KeyList>, ApiError> {
    Ok(Json(KeyList {
        keys: state.store.api_keys().await?,
    }))
}

/// Revokes an API key: from then on it authenticates nothing (admin). Revoking a revoked key
/// changes nothing.
#[utoipa::path(delete, path = "/v1/keys/{id}", tag = "operations",
    params(("id" = Uuid, Path, description = "key id (from GET /v1/keys)")),
    responses((status = 204, description = "the key is revoked"), (status = 404, description = "no such key")))]
pub(crate) async fn revoke_key(
    _: Admin,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    match state.store.revoke_api_key(id).await? {
        Some(_) => Ok(StatusCode::NO_CONTENT),
        None => Err(ApiError::not_found(format!("no key {id}"))),
    }
}
