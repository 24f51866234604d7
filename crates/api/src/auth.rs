//! Who is calling: an API key (`Authorization: Bearer <key>`) with its role, or — only when the
//! server was started in the explicit local mode — the single local user, who may do everything.

use crate::{ApiError, AppState};
use axum::extract::FromRequestParts;
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
            return Ok(Caller { role: Role::Admin });
        }
        let key = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(|| {
                ApiError::unauthorized("send an API key: Authorization: Bearer <key>")
            })?;
        match state.store.role_of_key(key.trim()).await? {
            Some(role) => Ok(Caller { role }),
            None => Err(ApiError::unauthorized("unknown or revoked API key")),
        }
    }
}
