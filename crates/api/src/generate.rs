//! Generated tests from the team's generator and input-validator programs (bounded: at most 10
//! programs of each kind and 1,000 seeds): the request is checked here and queued; a worker
//! compiles and runs the programs in its sandbox, keeps the inputs enough validators accept,
//! and stores them as generated tests of the target subtask. The client follows the job.

use crate::jobs::{JobView, Queued, queued};
use crate::{ApiError, AppState, auth::Submitter};
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::routing::post;
use axum::{Json, Router};
use serde::Deserialize;
use sieve_app::generation::{Request, submit};
use sieve_domain::{GenProgram, Language, ProblemId};
use utoipa::ToSchema;

const MAX_PROGRAMS: usize = 10;
const MAX_SEEDS: u64 = 1000;

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route(
        "/v1/problems/{id}/generated-tests",
        post(generate_tests).layer(DefaultBodyLimit::max(8 << 20)),
    )
}

/// A generator or validator program.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct ProgramBody {
    /// Short name, used in the tests' names.
    name: String,
    /// c, cpp, cpp20, ...
    #[schema(value_type = String)]
    language: Language,
    /// The source.
    source: String,
    /// Arguments before the seed (generators) or flags (validators).
    #[serde(default)]
    args: Vec<String>,
}

fn default_count() -> u64 {
    20
}
fn default_first_seed() -> u64 {
    1
}
fn default_threshold() -> f64 {
    0.75
}
fn default_time() -> u64 {
    10_000
}

/// What to generate.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct GenerateBody {
    /// Programs that print one input for `argv[1]` = seed.
    generators: Vec<ProgramBody>,
    /// Programs that read an input on stdin and exit 0 (or 42) to accept it.
    validators: Vec<ProgramBody>,
    /// Seeds per generator (default 20, at most 1,000).
    #[serde(default = "default_count")]
    count: u64,
    /// The first seed (default 1).
    #[serde(default = "default_first_seed")]
    first_seed: u64,
    /// Share of validators that must accept an input (default 0.75).
    #[serde(default = "default_threshold")]
    threshold: f64,
    /// Index of the subtask the inputs are for; they also join every subtask containing it.
    subtask: Option<usize>,
    /// Time limit of each run in milliseconds (default 10,000, at most 60,000).
    #[serde(default = "default_time")]
    time_limit_ms: u64,
}

fn programs(list: Vec<ProgramBody>, field: &str) -> Result<Vec<GenProgram>, ApiError> {
    if list.is_empty() || list.len() > MAX_PROGRAMS {
        return Err(ApiError::invalid(
            field,
            format!("give 1 to {MAX_PROGRAMS} programs"),
        ));
    }
    let mut names = std::collections::HashSet::new();
    list.into_iter()
        .enumerate()
        .map(|(i, p)| {
            let valid = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
            if p.name.is_empty() || !p.name.chars().all(valid) || !names.insert(p.name.clone()) {
                return Err(ApiError::invalid(
                    format!("{field}/{i}/name"),
                    "names are unique and made of letters, digits, '_' and '-'",
                ));
            }
            if !p.language.is_source() {
                return Err(ApiError::invalid(
                    format!("{field}/{i}/language"),
                    "give C, C++ or Python source",
                ));
            }
            Ok(GenProgram {
                name: p.name,
                language: p.language,
                source: p.source,
                args: p.args,
            })
        })
        .collect()
}

/// Queues a run of the generators with seeds `first_seed..first_seed + count`: a worker keeps
/// each input that at least `threshold` of the validators accept, drops duplicates (of each
/// other and of the problem's public and generated tests), and stores the rest as generated
/// tests without answers (submitter). Follow the job at `Location`; it ends with the new
/// tests' indices and every run's fate, or with the program that does not compile.
#[utoipa::path(post, path = "/v1/problems/{id}/generated-tests", tag = "problems", request_body = GenerateBody,
    params(("id" = Uuid, Path, description = "problem id")),
    responses((status = 202, body = JobView, description = "queued; follow the job"),
              (status = 404, description = "no such problem"),
              (status = 422, description = "a field is invalid")))]
pub(crate) async fn generate_tests(
    _: Submitter,
    State(state): State<AppState>,
    Path(id): Path<ProblemId>,
    Json(body): Json<GenerateBody>,
) -> Result<Queued, ApiError> {
    if body.count == 0 || body.count > MAX_SEEDS {
        return Err(ApiError::invalid(
            "count",
            format!("1 to {MAX_SEEDS} seeds"),
        ));
    }
    if !(body.threshold > 0.0 && body.threshold <= 1.0) {
        return Err(ApiError::invalid("threshold", "a share in (0, 1]"));
    }
    if !(1..=60_000).contains(&body.time_limit_ms) {
        return Err(ApiError::invalid("time_limit_ms", "1 to 60,000 ms"));
    }
    let request = Request {
        generators: programs(body.generators, "generators")?,
        validators: programs(body.validators, "validators")?,
        seeds: (body.first_seed..body.first_seed.saturating_add(body.count)).collect(),
        threshold: body.threshold,
        subtask: body.subtask,
        time_limit_ms: body.time_limit_ms,
    };
    let job = submit(&state.store, id, request).await?;
    queued(&state, job).await
}
