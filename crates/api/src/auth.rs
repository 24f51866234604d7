//! Who is calling: an API key (`Authorization: Bearer <key>`, or for reads the dashboard's
//! `sieve_key` cookie) with its role, or — only when the server was started in the explicit local
//! mode — the single local user, who may do everything.

use crate::{ApiError, AppState};
use axum::extract::{FromRequestParts, State};
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

/// A caller with at least the submitter role. As an extractor it checks the key from the
/// request's headers before any body extractor runs, so a refused request's body is never read.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Submitter;

/// A caller with the admin role, checked before the body is read (see [`Submitter`]).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Admin;

impl FromRequestParts<AppState> for Submitter {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let caller = Caller::from_request_parts(parts, state).await?;
        caller.require(Role::Submitter)?;
        Ok(Submitter)
    }
}

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let caller = Caller::from_request_parts(parts, state).await?;
        caller.require(Role::Admin)?;
        Ok(Admin)
    }
}

/// In the local mode, where every request is the admin's: a request must name a loopback host
/// (a DNS-rebinding page names its own), and one that changes state must carry a content type
/// that a cross-site form or `fetch` cannot send without a CORS preflight (which sieve never
/// grants): not `text/plain`, `application/x-www-form-urlencoded` or `multipart/form-data`.
pub(crate) async fn local_guard(
    State(state): State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    if state.auth != AuthMode::Local {
        return next.run(request).await;
    }
    let host = request
        .headers()
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| request.uri().host());
    if !host.is_some_and(is_loopback_host) {
        return ApiError::forbidden(
            "the local mode serves loopback hosts only (localhost, 127.0.0.1, [::1])",
        )
        .into_response();
    }
    let reading = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if !reading {
        let content_type = request
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                v.split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase()
            });
        let simple = match content_type.as_deref() {
            None => true,
            Some(t) => [
                "text/plain",
                "application/x-www-form-urlencoded",
                "multipart/form-data",
            ]
            .contains(&t),
        };
        if simple {
            return ApiError::unsupported_media_type(
                "in the local mode, requests that change state need a JSON, NDJSON or \
                 octet-stream content type (a cross-site form cannot send one)",
            )
            .into_response();
        }
    }
    next.run(request).await
}

/// `localhost`, `127.x.y.z` or `[::1]`, with or without a port.
fn is_loopback_host(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        host.rsplit_once(':').map_or(host, |(h, port)| {
            if port.chars().all(|c| c.is_ascii_digit()) {
                h
            } else {
                host
            }
        })
    };
    if name.eq_ignore_ascii_case("localhost") {
        return true;
    }
    name.parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.is_loopback())
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

#[cfg(test)]
mod tests {
    use super::is_loopback_host;

    #[test]
    fn only_loopback_names_are_local() {
        for ok in [
            "localhost",
            "localhost:8080",
            "127.0.0.1",
            "127.0.0.1:80",
            "[::1]",
            "[::1]:9",
        ] {
            assert!(is_loopback_host(ok), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:8080",
            "10.0.0.1",
            "localhost.evil.example",
            "[::2]:1",
            "",
        ] {
            assert!(!is_loopback_host(bad), "{bad}");
        }
    }
}
