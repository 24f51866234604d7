use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// An error as the client sees it: an RFC 9457 `application/problem+json` body.
#[derive(Debug, Serialize)]
pub struct ApiError {
    #[serde(skip)]
    status: StatusCode,
    /// A short, stable summary of the problem type.
    title: String,
    /// What went wrong in this instance.
    detail: String,
    /// The request field at fault, as a JSON pointer, when one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<String>,
}

impl ApiError {
    /// 503: a dependency (the database) is not available.
    pub fn unavailable(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "Service unavailable",
            detail,
        )
    }

    /// 422: the request is well-formed but a field's value is not acceptable.
    pub fn invalid(field: impl Into<String>, detail: impl Into<String>) -> Self {
        let mut e = Self::new(StatusCode::UNPROCESSABLE_ENTITY, "Invalid field", detail);
        e.field = Some(field.into());
        e
    }

    /// 400: the body cannot be read as the format it claims.
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "Bad request", detail)
    }

    /// 401: no valid credentials.
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "Unauthorized", detail)
    }

    /// 403: valid credentials without the needed role.
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "Forbidden", detail)
    }

    /// 404: the resource does not exist.
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "Not found", detail)
    }

    /// 409: the request does not fit the resource's current state.
    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "Conflict", detail)
    }

    /// 413: a field is larger than allowed.
    pub fn too_large(field: impl Into<String>, detail: impl Into<String>) -> Self {
        let mut e = Self::new(StatusCode::PAYLOAD_TOO_LARGE, "Too large", detail);
        e.field = Some(field.into());
        e
    }

    /// 429: the caller holds as much of a limited resource as allowed.
    pub fn too_many_requests(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::TOO_MANY_REQUESTS, "Too many requests", detail)
    }

    fn new(status: StatusCode, title: &str, detail: impl Into<String>) -> Self {
        ApiError {
            status,
            title: title.to_string(),
            detail: detail.into(),
            field: None,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        #[derive(Serialize)]
        struct Body<'a> {
            status: u16,
            #[serde(flatten)]
            error: &'a ApiError,
        }
        let body = serde_json::to_vec(&Body {
            status: self.status.as_u16(),
            error: &self,
        })
        .unwrap_or_default();
        let mut resp = (self.status, body).into_response();
        resp.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        resp
    }
}

impl From<sieve_store::StoreError> for ApiError {
    fn from(e: sieve_store::StoreError) -> Self {
        // Constraint names map to client errors in one place; anything else is ours.
        if let sieve_store::StoreError::Invalid { field, message } = &e {
            return ApiError::invalid(field.clone(), message.clone());
        }
        let conflict = |detail: &str, field: &str| {
            ApiError::new(StatusCode::CONFLICT, "Conflict", detail).with_field(field)
        };
        match e.constraint() {
            Some("problems_slug_key") => conflict("a problem with this slug exists", "/slug"),
            Some("contests_name_key") => conflict("a contest with this name exists", "/name"),
            Some("tests_name_key") => conflict("a test with this name exists", "/tests"),
            Some("problems_contest_id_fkey") => {
                ApiError::invalid("/contest_id", "no contest with this id")
            }
            Some(c) => ApiError::new(StatusCode::CONFLICT, "Conflict", format!("violates {c}")),
            None => {
                tracing::error!(error = %e, "store error");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Internal error",
                    "the database failed; see the server log",
                )
            }
        }
    }
}

impl ApiError {
    fn with_field(mut self, field: &str) -> Self {
        self.field = Some(field.to_string());
        self
    }
}

impl From<sieve_worker::WorkerError> for ApiError {
    fn from(e: sieve_worker::WorkerError) -> Self {
        match e {
            sieve_worker::WorkerError::Store(e) => e.into(),
            sieve_worker::WorkerError::NotFound(m) => ApiError::not_found(m),
            // What the caller named (a scorer, a strategy, a subtask) cannot be used.
            sieve_worker::WorkerError::Unusable { field, message } => {
                ApiError::invalid(field, message)
            }
            other => {
                tracing::error!(error = %other, "scoring or selection failed");
                ApiError::unavailable(format!("scoring or selection failed: {other}"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sieve_worker::WorkerError;

    #[test]
    fn worker_errors_name_their_field_or_their_cause() {
        let e = ApiError::from(WorkerError::Unusable {
            field: "/strategy",
            message: "unknown strategy \"x\"".into(),
        });
        assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e.field.as_deref(), Some("/strategy"));
        let e = ApiError::from(WorkerError::NotFound("no session s".into()));
        assert_eq!((e.status, e.field), (StatusCode::NOT_FOUND, None));
        // A failure of ours is not the caller's field.
        let e = ApiError::from(WorkerError::Invalid("scoring thread: panicked".into()));
        assert_eq!((e.status, e.field), (StatusCode::SERVICE_UNAVAILABLE, None));
    }
}
