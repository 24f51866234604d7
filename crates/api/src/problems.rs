//! Problems: created from JSON (limits, built-in checker, subtasks with points and containment,
//! tests of kind public / generated / hidden), listed, read without their test data.

use crate::tests_data::{TestBody, decode_tests};
use crate::{ApiError, AppState, Caller, Role, auth::Admin};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use sieve_domain::{
    Checker, ContestId, Limits, NameKind, ProblemId, Subtask, TimeFactor, check_name,
};
use sieve_store::problem_info::ProblemSummary;
use sieve_store::problems::{NewProblem, NewTest};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// Largest JSON body for a problem with its tests (packages are better uploaded as archives).
pub const MAX_PROBLEM_BODY: usize = 256 << 20;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/v1/problems",
            get(list_problems)
                .post(create_problem)
                .layer(DefaultBodyLimit::max(MAX_PROBLEM_BODY)),
        )
        .route("/v1/problems/{id}", get(get_problem))
}

/// A subtask of a problem to create.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct SubtaskBody {
    /// Unique name.
    name: String,
    /// Points.
    points: f64,
    /// Indices of the subtasks this one contains (solving it solves them).
    #[serde(default)]
    contains: Vec<usize>,
}

/// A problem to create.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct ProblemBody {
    /// Unique short name: letters, digits, `-`, `_`, `.`.
    slug: String,
    /// Display name (default: the slug).
    name: Option<String>,
    /// The contest it belongs to.
    contest_id: Option<Uuid>,
    /// Time limit per test, as stated for native code.
    time_limit_ms: u64,
    /// Runs are judged against the time limit times this, from 1 to 4 (default 1.5; `sieve
    /// judge --calibrate-time` measures a problem's own from its reference solutions).
    time_factor: Option<f64>,
    /// Memory limit (default 256 MiB).
    memory_limit_mb: Option<u64>,
    /// Output limit (default 64 MiB).
    output_limit_mb: Option<u64>,
    /// A built-in checker (default tokens); custom checkers come with packages.
    checker: Option<Checker>,
    /// Decimal places of scores (default 2).
    precision: Option<i16>,
    /// Subtasks in order (default: one of 100 points over every scored test).
    #[serde(default)]
    subtasks: Vec<SubtaskBody>,
    /// Tests in order.
    tests: Vec<TestBody>,
}

/// Which problems to list.
#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct ProblemQuery {
    /// Only the problems of this contest.
    contest_id: Option<Uuid>,
}

/// A list of problems.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ProblemList {
    problems: Vec<ProblemSummary>,
}

pub(crate) fn valid_slug(slug: &str, field: &str) -> Result<(), ApiError> {
    if sieve_domain::is_slug(slug) {
        Ok(())
    } else {
        Err(ApiError::invalid(field, sieve_domain::SLUG_RULE))
    }
}

fn to_problem(body: ProblemBody) -> Result<NewProblem, ApiError> {
    valid_slug(&body.slug, "/slug")?;
    if let Some(name) = &body.name {
        check_name(NameKind::Problem, name)
            .map_err(|e| ApiError::invalid("/name", e.to_string()))?;
    }
    if body.time_limit_ms == 0 || body.time_limit_ms > 60_000 {
        return Err(ApiError::invalid(
            "/time_limit_ms",
            "between 1 and 60000 ms",
        ));
    }
    let mb = |v: Option<u64>, default: u64, field: &str| match v.unwrap_or(default) {
        m @ 1..=4096 => Ok(m << 20),
        _ => Err(ApiError::invalid(field, "between 1 and 4096 MiB")),
    };
    let limits = Limits {
        time_ms: body.time_limit_ms,
        memory_bytes: mb(body.memory_limit_mb, 256, "/memory_limit_mb")?,
        output_bytes: mb(body.output_limit_mb, 64, "/output_limit_mb")?,
    };
    let (time_factor, time_factor_from) = match body.time_factor {
        Some(f) => (
            TimeFactor::new(f).map_err(|e| ApiError::invalid("/time_factor", e.to_string()))?,
            "given".to_string(),
        ),
        None => (TimeFactor::DEFAULT, "default".to_string()),
    };
    let checker = body.checker.unwrap_or(Checker::Tokens);
    if checker.custom_program().is_some() {
        return Err(ApiError::invalid(
            "/checker",
            "custom checkers come with an uploaded package (POST /v1/problems/package)",
        ));
    }
    let n = body.subtasks.len();
    let tests = decode_tests(body.tests, n)?;
    let mut subtasks: Vec<Subtask> = Vec::with_capacity(n);
    for (i, s) in body.subtasks.into_iter().enumerate() {
        check_name(NameKind::Subtask, &s.name)
            .map_err(|e| ApiError::invalid(format!("/subtasks/{i}/name"), e.to_string()))?;
        if !(s.points.is_finite() && s.points >= 0.0) {
            return Err(ApiError::invalid(
                format!("/subtasks/{i}/points"),
                "points must be >= 0",
            ));
        }
        if let Some(c) = s.contains.iter().find(|c| **c >= n || **c == i) {
            return Err(ApiError::invalid(
                format!("/subtasks/{i}/contains"),
                format!("no other subtask {c}"),
            ));
        }
        subtasks.push(Subtask {
            name: s.name,
            points: s.points,
            tests: (0..tests.len())
                .filter(|t| tests[*t].1.contains(&(i as i16)))
                .collect(),
            contains: s.contains,
        });
    }
    if subtasks.is_empty() {
        // Scored like a problem without subtasks: all or nothing on the hidden tests (on the
        // public ones when there are no hidden tests).
        let kind_tests = |k| {
            (0..tests.len())
                .filter(|t| tests[*t].0.kind == k)
                .collect::<Vec<_>>()
        };
        let hidden = kind_tests(sieve_domain::TestKind::Hidden);
        subtasks.push(Subtask {
            name: "all".into(),
            points: 100.0,
            tests: if hidden.is_empty() {
                kind_tests(sieve_domain::TestKind::Public)
            } else {
                hidden
            },
            contains: vec![],
        });
    }
    Ok(NewProblem {
        name: body.name.unwrap_or_else(|| body.slug.clone()),
        slug: body.slug,
        limits,
        time_factor,
        time_factor_from,
        checker,
        precision: body.precision.unwrap_or(2).clamp(0, 9),
        subtasks,
        tests: tests
            .into_iter()
            .map(|(t, _)| NewTest {
                name: t.name,
                kind: t.kind,
                input: t.input,
                answer: t.answer,
            })
            .collect(),
        grader: vec![],
        warnings: vec![],
        contest: body.contest_id.map(ContestId),
    })
}

/// Creates a problem with its tests, all or nothing (admin).
#[utoipa::path(post, path = "/v1/problems", tag = "problems", request_body = ProblemBody,
    responses((status = 201, body = ProblemSummary, description = "the problem created"), (status = 409, description = "the slug is taken"),
              (status = 422, description = "a field is invalid")))]
pub(crate) async fn create_problem(
    _: Admin,
    State(state): State<AppState>,
    Json(body): Json<ProblemBody>,
) -> Result<(StatusCode, Json<ProblemSummary>), ApiError> {
    let problem = to_problem(body)?;
    let id = state.store.insert_problem(&problem).await?;
    Ok((StatusCode::CREATED, Json(summary(&state, id).await?)))
}

pub(crate) async fn summary(state: &AppState, id: ProblemId) -> Result<ProblemSummary, ApiError> {
    state
        .store
        .problem_summary(id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no problem {id}")))
}

/// Problems (of one contest, when asked), without test data (viewer).
#[utoipa::path(get, path = "/v1/problems", tag = "problems", params(ProblemQuery),
    responses((status = 200, body = ProblemList, description = "every problem")))]
pub(crate) async fn list_problems(
    caller: Caller,
    State(state): State<AppState>,
    Query(q): Query<ProblemQuery>,
) -> Result<Json<ProblemList>, ApiError> {
    caller.require(Role::Viewer)?;
    Ok(Json(ProblemList {
        problems: state
            .store
            .problem_summaries(q.contest_id.map(ContestId))
            .await?,
    }))
}

/// One problem: limits, checker, subtasks, and its tests by name and kind (viewer).
#[utoipa::path(get, path = "/v1/problems/{id}", tag = "problems",
    params(("id" = Uuid, Path, description = "problem id")),
    responses((status = 200, body = ProblemSummary, description = "the problem"), (status = 404, description = "no such problem")))]
pub(crate) async fn get_problem(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<ProblemId>,
) -> Result<Json<ProblemSummary>, ApiError> {
    caller.require(Role::Viewer)?;
    Ok(Json(summary(&state, id).await?))
}
