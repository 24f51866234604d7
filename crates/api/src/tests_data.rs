//! Test data: tests as JSON (text, or base64 for bytes), tests added to a stored problem
//! (generated inputs may come without answers), and one test's data read back. The content of
//! hidden tests goes to admins only, and never into a log line.

use crate::{ApiError, AppState, Caller, Role, auth::Admin};
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use sieve_domain::{ProblemId, TestKind};
use sieve_store::problem_info::AddedTest;
use utoipa::ToSchema;
use uuid::Uuid;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/v1/problems/{id}/tests",
            post(add_tests).layer(DefaultBodyLimit::max(crate::problems::MAX_PROBLEM_BODY)),
        )
        .route("/v1/problems/{id}/tests/{idx}", get(get_test))
}

/// A test as posted: `input` and `answer` as text, or `input_base64` / `answer_base64`.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct TestBody {
    /// Unique name within the problem.
    pub name: String,
    /// `public`, `generated` or `hidden`.
    pub kind: TestKind,
    /// Input as text.
    pub input: Option<String>,
    /// Input as base64, for bytes that are not UTF-8.
    pub input_base64: Option<String>,
    /// Expected answer as text; generated tests may have none.
    pub answer: Option<String>,
    /// Expected answer as base64.
    pub answer_base64: Option<String>,
    /// Indices of the subtasks it belongs to.
    #[serde(default)]
    pub subtasks: Vec<i16>,
}

/// A test whose data is decoded, with its subtasks.
pub(crate) type Decoded = (sieve_formats::PackageTest, Vec<i16>);

fn bytes(
    text: Option<String>,
    b64: Option<String>,
    field: &str,
) -> Result<Option<Vec<u8>>, ApiError> {
    match (text, b64) {
        (Some(_), Some(_)) => Err(ApiError::invalid(
            field,
            "give the text or the base64, not both",
        )),
        (Some(t), None) => Ok(Some(t.into_bytes())),
        (None, Some(b)) => STANDARD
            .decode(b.as_bytes())
            .map(Some)
            .map_err(|e| ApiError::invalid(format!("{field}_base64"), e.to_string())),
        (None, None) => Ok(None),
    }
}

/// Decodes and checks posted tests against a problem with `subtasks` subtasks.
pub(crate) fn decode_tests(
    tests: Vec<TestBody>,
    subtasks: usize,
) -> Result<Vec<Decoded>, ApiError> {
    let mut names = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(tests.len());
    for (i, t) in tests.into_iter().enumerate() {
        let at = |f: &str| format!("/tests/{i}/{f}");
        sieve_domain::check_name(sieve_domain::NameKind::Test, &t.name)
            .map_err(|e| ApiError::invalid(at("name"), e.to_string()))?;
        if t.name.is_empty() || !names.insert(t.name.clone()) {
            return Err(ApiError::invalid(
                at("name"),
                "test names must be present and unique",
            ));
        }
        let input = bytes(t.input, t.input_base64, &at("input"))?
            .ok_or_else(|| ApiError::invalid(at("input"), "a test needs an input"))?;
        let answer = bytes(t.answer, t.answer_base64, &at("answer"))?;
        if answer.is_none() && t.kind != TestKind::Generated {
            return Err(ApiError::invalid(
                at("answer"),
                "only generated tests may come without an answer",
            ));
        }
        if let Some(s) = t
            .subtasks
            .iter()
            .find(|s| **s < 0 || **s as usize >= subtasks)
        {
            return Err(ApiError::invalid(at("subtasks"), format!("no subtask {s}")));
        }
        out.push((
            sieve_formats::PackageTest {
                name: t.name,
                kind: t.kind,
                input,
                answer,
            },
            t.subtasks,
        ));
    }
    Ok(out)
}

/// Tests to add.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct AddTestsBody {
    tests: Vec<TestBody>,
}

/// The indices the added tests got.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AddedTests {
    indices: Vec<i32>,
    /// Candidates queued again to be judged on the new tests.
    rejudged: u64,
}

/// Adds tests to a problem, all or nothing (admin). Candidates already judged on tests of the
/// same kind are queued again, so their results cover the new tests.
#[utoipa::path(post, path = "/v1/problems/{id}/tests", tag = "problems", request_body = AddTestsBody,
    params(("id" = Uuid, Path, description = "problem id")),
    responses((status = 201, body = AddedTests, description = "the tests added"), (status = 409, description = "a name is taken"),
              (status = 422, description = "a field is invalid")))]
pub(crate) async fn add_tests(
    _: Admin,
    State(state): State<AppState>,
    Path(id): Path<ProblemId>,
    Json(body): Json<AddTestsBody>,
) -> Result<(StatusCode, Json<AddedTests>), ApiError> {
    let summary = crate::problems::summary(&state, id).await?;
    let tests: Vec<AddedTest> = decode_tests(body.tests, summary.subtasks.len())?
        .into_iter()
        .map(|(t, subtasks)| AddedTest {
            name: t.name,
            kind: t.kind,
            input: t.input,
            answer: t.answer,
            subtasks,
        })
        .collect();
    let (indices, rejudged) = state.store.add_tests(id, &tests).await?;
    Ok((StatusCode::CREATED, Json(AddedTests { indices, rejudged })))
}

/// One test's data.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct TestOut {
    name: String,
    kind: TestKind,
    /// Input as text, when it is UTF-8.
    input: Option<String>,
    /// Input as base64, when it is not.
    input_base64: Option<String>,
    /// Answer as text, when there is one and it is UTF-8.
    answer: Option<String>,
    /// Answer as base64, when it is not UTF-8.
    answer_base64: Option<String>,
}

fn encode(data: Option<Vec<u8>>) -> (Option<String>, Option<String>) {
    match data.map(String::from_utf8) {
        None => (None, None),
        Some(Ok(text)) => (Some(text), None),
        Some(Err(e)) => (None, Some(STANDARD.encode(e.into_bytes()))),
    }
}

/// One test's input and answer (viewer; hidden tests: admin only).
#[utoipa::path(get, path = "/v1/problems/{id}/tests/{idx}", tag = "problems",
    params(("id" = Uuid, Path, description = "problem id"), ("idx" = i32, Path, description = "test index")),
    responses((status = 200, body = TestOut, description = "the test"), (status = 403, description = "a hidden test, asked by a non-admin"),
              (status = 404, description = "no such test")))]
pub(crate) async fn get_test(
    caller: Caller,
    State(state): State<AppState>,
    Path((id, idx)): Path<(Uuid, i32)>,
) -> Result<Json<TestOut>, ApiError> {
    caller.require(Role::Viewer)?;
    let t = state
        .store
        .test_data(ProblemId(id), idx)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no test {idx} in problem {id}")))?;
    if t.kind == TestKind::Hidden {
        caller.require(Role::Admin)?;
    }
    let (input, input_base64) = encode(Some(t.input));
    let (answer, answer_base64) = encode(t.answer);
    Ok(Json(TestOut {
        name: t.name,
        kind: t.kind,
        input,
        input_base64,
        answer,
        answer_base64,
    }))
}
