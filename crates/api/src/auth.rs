//! Who is calling: an API key (`Authorization: Bearer <key>`, or for reads the dashboard's
//! `sieve_key` cookie) with its role, or — only when the server was started in the explicit local
//! mode — the single local user, who may do everything.

use crate::{ApiError, AppState};
use axum::extract::FromRequestParts;
use axum::http::Method;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
pub use sieve_store::keys::Role;

/// How the server authenticates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthMode {
    /// API keys required.
    Keys,
    /// No keys: one local user on loopback (`sieve serve --local`).
    Local,
}

/// The authenticated caller of a request.
#[derive(Clone, Copy, Debug)]
pub struct Caller {
    /// What the caller may do.
    pub role: Role,
    /// The API key's id; `None` for the local user.
    pub key: Option<uuid::Uuid>,
}

impl Caller {
    /// Refuses (403) callers below `role`.
    pub fn require(&self, role: Role) -> Result<(), ApiError> {
        if self.role >= role {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!(
                "this needs the {} role; the key has {}",
                role.name(),
                self.role.name()
            )))
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if state.auth == AuthMode::Local {
            return Ok(Caller {
                role: Role::Admin,
                key: None,
            });
        }
        let bearer = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        // The dashboard's browser sends its key as a cookie (EventSource cannot set headers).
        // Only reads honour it, so another site's form cannot post with the viewer's cookie.
        let reading = parts.method == Method::GET || parts.method == Method::HEAD;
        let key = bearer
            .map(str::to_string)
            .or_else(|| reading.then(|| cookie_key(&parts.headers)).flatten())
            .ok_or_else(|| {
                ApiError::unauthorized("send an API key: Authorization: Bearer <key>")
            })?;
        match state.store.api_key(key.trim()).await? {
            Some((id, role)) => Ok(Caller {
                role,
                key: Some(id),
            }),
            None => Err(ApiError::unauthorized("unknown or revoked API key")),
        }
    }
}

/// The `sieve_key` cookie's value (keys are `sieve_` and hex digits: nothing to decode).
fn cookie_key(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().strip_prefix("sieve_key="))
        .find(|k| !k.is_empty())
        .map(str::to_string)
}
