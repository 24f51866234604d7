//! Jobs a client follows: an uploaded package being prepared, tests being generated. Both are
//! queued for the workers (the API process never compiles or runs what a client sent); the
//! route that queued one answers 202 with the job and its `Location`, and `GET /v1/jobs/{id}`
//! says where it is and, once finished, what it produced or why its input could not be used.

use crate::{ApiError, AppState, auth::Submitter};
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use sieve_domain::JobId;
use sieve_store::problem_info::ProblemSummary;
use sieve_store::queue::{JobOutput, JobRecord};
use std::time::{Duration, Instant};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// Longest a client may wait on a job in one request.
const MAX_WAIT: Duration = Duration::from_secs(60);

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/v1/jobs/{id}", get(job))
}

/// How long to wait for the job to finish.
#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct WaitQuery {
    /// Answer when the job has finished or after this many milliseconds, whichever is first (at
    /// most 60,000; default 0, answer at once).
    wait_ms: Option<u64>,
}

/// Why a finished job's input could not be used: the problem+json the request would have had,
/// had the work been done while it waited.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct JobProblem {
    /// The HTTP status such a request gets (422, 409, 404).
    status: u16,
    /// A short summary.
    title: String,
    /// What went wrong.
    detail: String,
    /// The request field at fault, when one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<String>,
}

/// Generated tests, as stored.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct GeneratedTests {
    /// Indices of the new tests.
    indices: Vec<i32>,
    /// Candidates queued again for the new tests.
    rejudged: u64,
    /// Every generator run's fate: kept, rejected (with each validator's vote), duplicate or
    /// failed; and the totals.
    #[schema(value_type = Object)]
    report: serde_json::Value,
}

/// A job: where it is, and what it produced.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct JobView {
    /// Its id.
    #[schema(value_type = String, format = Uuid)]
    id: Uuid,
    /// `judge`, `prepare_package` or `generate_tests`.
    kind: String,
    /// `queued`, `running`, `done` or `failed`.
    state: String,
    /// Times a worker took it.
    attempts: i32,
    /// The problem it is about (for a package, once stored).
    #[schema(value_type = Option<String>, format = Uuid)]
    problem_id: Option<Uuid>,
    /// A package's stored problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    problem: Option<ProblemSummary>,
    /// What the importer could not use (a package).
    #[serde(skip_serializing_if = "Option::is_none")]
    warnings: Option<Vec<String>>,
    /// The tests generated.
    #[serde(skip_serializing_if = "Option::is_none")]
    generated: Option<GeneratedTests>,
    /// Why the input could not be used (state `failed`, the client's fault).
    #[serde(skip_serializing_if = "Option::is_none")]
    rejected: Option<JobProblem>,
    /// sieve's own last failure while doing it (retried while attempts remain; state `failed`
    /// with this alone is sieve's fault).
    #[serde(skip_serializing_if = "Option::is_none")]
    last_error: Option<String>,
}

/// A job just queued: 202 with the job, and `Location` to follow it.
pub(crate) struct Queued(JobView);

impl IntoResponse for Queued {
    fn into_response(self) -> Response {
        let location = format!("/v1/jobs/{}", self.0.id);
        (
            StatusCode::ACCEPTED,
            [(header::LOCATION, location)],
            Json(self.0),
        )
            .into_response()
    }
}

/// The answer to a request whose work was queued as `job`.
pub(crate) async fn queued(state: &AppState, job: JobId) -> Result<Queued, ApiError> {
    let record = state
        .store
        .job(job)
        .await?
        .ok_or_else(|| ApiError::unavailable(format!("job {} vanished", job.0)))?;
    Ok(Queued(view(state, record).await?))
}

async fn view(state: &AppState, r: JobRecord) -> Result<JobView, ApiError> {
    let mut v = JobView {
        id: r.id.0,
        kind: r.kind.name().to_string(),
        state: r.state.name().to_string(),
        attempts: r.attempts,
        problem_id: r.problem.map(|p| p.0),
        problem: None,
        warnings: None,
        generated: None,
        rejected: None,
        last_error: r.last_error,
    };
    match r.output {
        None => {}
        Some(JobOutput::Prepared { problem, warnings }) => {
            v.problem_id = Some(problem.0);
            v.problem = state.store.problem_summary(problem).await?;
            v.warnings = Some(warnings);
        }
        Some(JobOutput::Generated {
            indices,
            rejudged,
            report,
        }) => {
            v.generated = Some(GeneratedTests {
                indices,
                rejudged,
                report,
            })
        }
        Some(JobOutput::Rejected { rejection }) => {
            let e = ApiError::from(rejection);
            v.rejected = Some(JobProblem {
                status: e.status().as_u16(),
                title: e.title().to_string(),
                detail: e.detail().to_string(),
                field: e.field().map(str::to_string),
            });
        }
    }
    Ok(v)
}

/// A job and, once finished, what it produced (submitter). With `wait_ms`, answers when the job
/// finishes or the wait is over.
#[utoipa::path(get, path = "/v1/jobs/{id}", tag = "jobs",
    params(("id" = Uuid, Path, description = "job id"), WaitQuery),
    responses((status = 200, body = JobView, description = "the job, with its output or rejection once it ended"), (status = 404, description = "no such job")))]
pub(crate) async fn job(
    _: Submitter,
    State(state): State<AppState>,
    Path(id): Path<JobId>,
    Query(q): Query<WaitQuery>,
) -> Result<Json<JobView>, ApiError> {
    let deadline = Instant::now() + Duration::from_millis(q.wait_ms.unwrap_or(0)).min(MAX_WAIT);
    loop {
        let record = state
            .store
            .job(id)
            .await?
            .ok_or_else(|| ApiError::not_found(format!("no job {}", id.0)))?;
        if !record.state.pending() || Instant::now() >= deadline {
            return Ok(Json(view(&state, record).await?));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
