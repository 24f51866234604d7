use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use sieve_app::AppError;
use sieve_store::queue::Rejection;

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

    /// 415: the request's content type is not one this route takes.
    pub fn unsupported_media_type(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Unsupported media type",
            detail,
        )
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

/// Renders every error response that is not problem+json yet as one: axum's own rejections
/// (bad JSON, a missing field, a bad UUID in the path, a wrong content type, an unknown route, a
/// wrong method, a body over its limit or too slow to arrive) answer in plain text or with an
/// empty body. Their text becomes the detail, and a JSON rejection's path the field. Headers
/// such as `Allow` are kept.
pub(crate) async fn problem_json(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let already = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    if already || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 64 << 10)
        .await
        .unwrap_or_default();
    let text = String::from_utf8_lossy(&text).trim().to_string();
    let title = status.canonical_reason().unwrap_or("Error");
    let detail = match (status, text.is_empty()) {
        (StatusCode::NOT_FOUND, true) => "no such route".to_string(),
        (StatusCode::METHOD_NOT_ALLOWED, true) => "this route does not take this method".into(),
        (_, true) => title.to_string(),
        (_, false) => text,
    };
    let mut error = ApiError::new(status, title, detail);
    error.field = rejected_field(&error.detail);
    let mut out = error.into_response();
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            out.headers_mut().insert(name.clone(), value.clone());
        }
    }
    out
}

/// The JSON pointer of the field a deserialisation error names: `candidates[0].language: …` or
/// `missing field `k``.
fn rejected_field(detail: &str) -> Option<String> {
    let rest = [
        "Failed to deserialize the JSON body into the target type: ",
        "Failed to deserialize query string: ",
    ]
    .iter()
    .find_map(|p| detail.strip_prefix(p))?;
    let (path, message) = match rest.split_once(": ") {
        Some((path, message)) if !path.contains(' ') => (path, message),
        _ => ("", rest),
    };
    let mut pointer: String = path
        .split(['.', '['])
        .filter(|s| !s.is_empty())
        .map(|s| format!("/{}", s.trim_end_matches(']')))
        .collect();
    if let Some(name) = message
        .strip_prefix("missing field `")
        .and_then(|m| m.split('`').next())
    {
        pointer.push('/');
        pointer.push_str(name);
    }
    (!pointer.is_empty()).then_some(pointer)
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
        if self.status == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"sieve\""),
            );
        }
        resp
    }
}

impl From<sieve_store::StoreError> for ApiError {
    fn from(e: sieve_store::StoreError) -> Self {
        // Constraint names map to client errors in one place; anything else is ours.
        if let sieve_store::StoreError::NoSuchSubtask { test, .. } = &e {
            return ApiError::invalid(format!("/tests/{test}/subtasks"), e.to_string());
        }
        if let sieve_store::StoreError::IdempotencyConflict { index, .. } = &e {
            return ApiError::conflict(e.to_string())
                .with_field(&format!("/candidates/{index}/idempotency_key"));
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
    pub(crate) fn with_field(mut self, field: &str) -> Self {
        self.field = Some(field.to_string());
        self
    }

    /// Its HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// Its title.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// Its detail.
    pub fn detail(&self) -> &str {
        &self.detail
    }

    /// The request field at fault, if one is.
    pub fn field(&self) -> Option<&str> {
        self.field.as_deref()
    }
}

impl From<Rejection> for ApiError {
    fn from(r: Rejection) -> Self {
        let detail = r.to_string();
        match r {
            Rejection::Unreadable { .. } | Rejection::Checker { .. } | Rejection::Tests { .. } => {
                ApiError::invalid("body", detail)
            }
            Rejection::SlugTaken { .. } => ApiError::conflict(detail).with_field("slug"),
            Rejection::ProgramDoesNotCompile {
                validator, index, ..
            } => {
                let list = if validator {
                    "validators"
                } else {
                    "generators"
                };
                ApiError::invalid(format!("{list}/{index}/source"), detail)
            }
            Rejection::Invalid { .. } => ApiError::invalid("", detail),
            Rejection::NoProblem { .. } => ApiError::not_found(detail),
        }
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Store(e) => e.into(),
            AppError::NotFound(m) => ApiError::not_found(m),
            AppError::Package(e) => {
                let too_large =
                    matches!(&e, sieve_formats::FormatError::Archive(a) if a.is_too_large());
                if too_large {
                    ApiError::too_large("body", e.to_string())
                } else {
                    ApiError::invalid("body", e.to_string())
                }
            }
            e @ AppError::NoSlug => ApiError::invalid("slug", e.to_string()),
            e @ AppError::BadSlug(_) => ApiError::invalid("slug", e.to_string()),
            AppError::Rejected(r) => r.into(),
            // What the caller named (a scorer, a strategy, a subtask) cannot be used.
            AppError::Scorer(m) => ApiError::invalid("/scorer", m),
            AppError::Strategy(m) => ApiError::invalid("/strategy", m),
            e @ AppError::SubtaskOutOfRange { .. } => ApiError::invalid("subtask", e.to_string()),
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

    #[test]
    fn rejections_name_the_field_at_fault() {
        let body = "Failed to deserialize the JSON body into the target type: ";
        assert_eq!(
            rejected_field(&format!("{body}candidates[0].language: invalid type: integer `3`, expected a string at line 1 column 30")).as_deref(),
            Some("/candidates/0/language")
        );
        assert_eq!(
            rejected_field(&format!(
                "{body}missing field `strategy` at line 1 column 2"
            ))
            .as_deref(),
            Some("/strategy")
        );
        assert_eq!(
            rejected_field(&format!(
                "{body}candidates[2]: missing field `source` at line 1 column 9"
            ))
            .as_deref(),
            Some("/candidates/2/source")
        );
        assert_eq!(
            rejected_field("Failed to parse the request body as JSON: EOF"),
            None
        );
    }

    #[test]
    fn app_errors_name_their_field_or_their_cause() {
        let e = ApiError::from(AppError::Strategy("unknown strategy \"x\"".into()));
        assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e.field.as_deref(), Some("/strategy"));
        let e = ApiError::from(AppError::SubtaskOutOfRange {
            subtask: 3,
            subtasks: 2,
        });
        assert_eq!(e.field.as_deref(), Some("subtask"));
        assert!(e.detail.contains("subtask 3 out of range"), "{}", e.detail);
        let e = ApiError::from(sieve_store::StoreError::NoSuchSubtask {
            test: 4,
            subtask: 7,
        });
        assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e.field.as_deref(), Some("/tests/4/subtasks"));
        let e = ApiError::from(AppError::NotFound("no session s".into()));
        assert_eq!((e.status, e.field), (StatusCode::NOT_FOUND, None));
        // A failure of ours is not the caller's field.
        let e = ApiError::from(AppError::Thread("scoring thread: panicked".into()));
        assert_eq!((e.status, e.field), (StatusCode::SERVICE_UNAVAILABLE, None));
    }
}
