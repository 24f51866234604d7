//! Generated tests from the team's generator and input-validator programs, run in the sandbox on
//! this server (bounded: at most 10 programs of each kind and 1,000 seeds), kept when enough
//! validators accept them, and stored as generated tests of the target subtask.

use crate::{ApiError, AppState, auth::Submitter};
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use sieve_domain::{Language, Limits, ProblemId};
use sieve_worker::generate::{GenProgram, GenerateError, GenerateSpec, generate, subtasks_holding};
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
    language: String,
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
    /// Time limit of each run in milliseconds (default 10,000).
    #[serde(default = "default_time")]
    time_limit_ms: u64,
}

/// What was generated.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Generated {
    /// Indices of the new tests.
    indices: Vec<i32>,
    /// Candidates queued again for the new tests.
    rejudged: u64,
    /// Every generator run's fate: kept, rejected (with each validator's vote), duplicate or
    /// failed; and the totals.
    #[schema(value_type = Object)]
    report: serde_json::Value,
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
            let language = match p.language.parse::<Language>() {
                Ok(l) if l.is_compiled() => l,
                Ok(_) => {
                    return Err(ApiError::invalid(
                        format!("{field}/{i}/language"),
                        "give C or C++ source",
                    ));
                }
                Err(e) => {
                    return Err(ApiError::invalid(
                        format!("{field}/{i}/language"),
                        e.to_string(),
                    ));
                }
            };
            Ok(GenProgram {
                name: p.name,
                language,
                source: p.source,
                args: p.args,
            })
        })
        .collect()
}

/// Runs the generators with seeds `first_seed..first_seed + count`, keeps each input that at
/// least `threshold` of the validators accept, drops duplicates (of each other and of the
/// problem's tests), and stores the rest as generated tests without answers (submitter).
#[utoipa::path(post, path = "/v1/problems/{id}/generated-tests", tag = "problems", request_body = GenerateBody,
    params(("id" = Uuid, Path, description = "problem id")),
    responses((status = 201, body = Generated), (status = 404, description = "no such problem"),
              (status = 422, description = "a field is invalid, or a program does not compile")))]
pub(crate) async fn generate_tests(
    _: Submitter,
    State(state): State<AppState>,
    Path(id): Path<ProblemId>,
    Json(body): Json<GenerateBody>,
) -> Result<(StatusCode, Json<Generated>), ApiError> {
    if body.count == 0 || body.count > MAX_SEEDS {
        return Err(ApiError::invalid(
            "count",
            format!("1 to {MAX_SEEDS} seeds"),
        ));
    }
    if !(body.threshold > 0.0 && body.threshold <= 1.0) {
        return Err(ApiError::invalid("threshold", "a share in (0, 1]"));
    }
    let n_gen = body.generators.len();
    let names: Vec<String> = body
        .generators
        .iter()
        .chain(&body.validators)
        .map(|p| p.name.clone())
        .collect();
    let spec = GenerateSpec {
        generators: programs(body.generators, "generators")?,
        validators: programs(body.validators, "validators")?,
        seeds: (body.first_seed..body.first_seed.saturating_add(body.count)).collect(),
        threshold: body.threshold,
        limits: Limits {
            time_ms: body.time_limit_ms.clamp(1, 60_000),
            ..Limits::default()
        },
    };
    let problem = state
        .store
        .load_problem(id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no problem {id}")))?;
    let subtasks = match body.subtask {
        None => vec![],
        Some(s) if s < problem.problem.subtasks.len() => subtasks_holding(&problem, s),
        Some(s) => return Err(ApiError::invalid("subtask", format!("no subtask {s}"))),
    };
    let (toolchain, cache_dir) = state.packages.toolchain().map_err(|e| {
        tracing::error!(error = %e, "no toolchain for generators");
        ApiError::unavailable("the compiler toolchain is not available on this server")
    })?;
    let (tests, report) = tokio::task::spawn_blocking(move || {
        generate(&toolchain, &cache_dir, &spec, &problem, &subtasks)
    })
    .await
    .map_err(|e| ApiError::unavailable(format!("generation failed: {e}")))?
    .map_err(|e| match e {
        GenerateError::Compile { name, message } => {
            let at = names.iter().position(|n| *n == name).unwrap_or(0);
            let field = if at < n_gen {
                format!("generators/{at}/source")
            } else {
                format!("validators/{}/source", at - n_gen)
            };
            ApiError::invalid(field, format!("{name} does not compile:\n{message}"))
        }
        GenerateError::Invalid(m) => ApiError::invalid("", m),
        GenerateError::Sandbox(e) => ApiError::unavailable(e.to_string()),
    })?;
    let (indices, rejudged) = if tests.is_empty() {
        (vec![], 0)
    } else {
        state.store.add_tests(id, &tests).await?
    };
    let report = serde_json::to_value(&report).map_err(|e| ApiError::unavailable(e.to_string()))?;
    Ok((
        StatusCode::CREATED,
        Json(Generated {
            indices,
            rejudged,
            report,
        }),
    ))
}
