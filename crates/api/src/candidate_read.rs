//! Candidates read back: one with its source, build and per-test results, and a problem's
//! candidates as a filtered, paged list.

use crate::{ApiError, AppState, Caller, Role};
use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use sieve_domain::{CandidateId, Language, ProblemId, TestKind, Verdict};
use sieve_store::candidate_list::{CandidateFilter, CandidateItem};
use std::collections::BTreeMap;
use utoipa::ToSchema;
use uuid::Uuid;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/candidates/{id}", get(get_candidate))
        .route("/v1/problems/{id}/candidates", get(list_candidates))
        .route("/v1/problems/{id}/results", get(export_results))
}

/// One line of a problem's results export: a candidate with its build and results as
/// `GET /v1/candidates/{id}` gives them, without its source.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ResultsLine {
    id: CandidateId,
    language: String,
    model: Option<String>,
    target_subtask: Option<i16>,
    /// `pending`, `compiled` or `failed`.
    build: String,
    /// Per kind of test judged, each test's result (hidden tests: admins only).
    results: BTreeMap<String, Vec<TestResultOut>>,
    /// Per kind of test judged, each subtask's outcome.
    subtasks: BTreeMap<String, Vec<SubtaskOut>>,
    /// Per kind of test with answers judged, the IOI points.
    points: BTreeMap<String, f64>,
}

/// Every candidate of a problem with its results, one JSON object per line
/// (`application/x-ndjson`), in posting order: the whole problem in one request (viewer; per-test
/// results on hidden tests: admin).
#[utoipa::path(get, path = "/v1/problems/{id}/results", tag = "candidates",
    params(("id" = Uuid, Path, description = "problem id")),
    responses((status = 200, content_type = "application/x-ndjson", body = ResultsLine,
               description = "one line per candidate"),
              (status = 404, description = "no such problem")))]
pub(crate) async fn export_results(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<ProblemId>,
) -> Result<impl axum::response::IntoResponse, ApiError> {
    caller.require(Role::Viewer)?;
    let Some(problem) = state.store.problem_summary(id).await? else {
        return Err(ApiError::not_found(format!("no problem {id}")));
    };
    let mut body = Vec::new();
    for c in state.store.problem_results(id).await? {
        let (mut results, mut subtasks, mut points) =
            (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
        for (kind, outcomes) in &c.results {
            KindView::of(Some(&problem), *kind, outcomes, caller.role).insert(
                *kind,
                &mut results,
                &mut subtasks,
                &mut points,
            );
        }
        let line = ResultsLine {
            id: c.id,
            language: c.language,
            model: c.model,
            target_subtask: c.target_subtask,
            build: c.build,
            results,
            subtasks,
            points,
        };
        serde_json::to_writer(&mut body, &line)
            .map_err(|e| ApiError::unavailable(format!("encoding the export: {e}")))?;
        body.push(b'\n');
    }
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/x-ndjson")],
        body,
    ))
}

/// A compile's outcome.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct BuildOut {
    ok: bool,
    /// The compiler's (capped) message.
    message: String,
}

/// One test's result. Hidden tests are shown by name and verdict, never by content.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct TestResultOut {
    test: i32,
    name: String,
    verdict: Verdict,
    score: f32,
    time_us: i32,
    memory_kib: i32,
}

/// One subtask's outcome on one kind of test, as a contest shows it: no per-test figures.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SubtaskOut {
    /// The subtask's name.
    subtask: String,
    /// AC, or the verdict of its first test (in test order) that failed; OK when every test
    /// ran without error and none had an answer to check.
    verdict: Verdict,
    /// Its points times the minimum score of its tests with answers; null when none had one.
    points: Option<f64>,
}

/// A candidate with its build and results.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CandidateOut {
    id: CandidateId,
    problem_id: ProblemId,
    language: Language,
    source: String,
    source_hash: String,
    target_subtask: Option<i16>,
    /// Null until built.
    build: Option<BuildOut>,
    /// Per kind of test judged so far, each test's result. Hidden tests' results are shown to
    /// admins only: their times and memory would tell their inputs.
    results: BTreeMap<String, Vec<TestResultOut>>,
    /// Per kind of test judged so far, each subtask's outcome (every role).
    subtasks: BTreeMap<String, Vec<SubtaskOut>>,
    /// Per kind of test judged so far: the IOI points on that kind's tests (each subtask's
    /// points times its minimum test score, over the subtasks with tests of that kind). Tests
    /// without answers (verdict OK) score nothing either way and are left out; a kind with no
    /// answered test has no entry.
    points: BTreeMap<String, f64>,
    /// Why sieve could not judge it, one line per judging job that failed for good (after its
    /// last attempt): sieve's failures, not the candidate's. Empty normally.
    judging_failures: Vec<String>,
    /// Per kind of test judged, its first failing test: the checker's or the runtime's message
    /// and the end of the candidate's stderr (hidden tests: admins only, as their messages may
    /// quote the answers).
    failures: BTreeMap<String, FailureOut>,
}

/// A kind of test's first failing test.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct FailureOut {
    /// The test's index.
    test: i32,
    /// Its name.
    name: String,
    verdict: Verdict,
    /// The checker's or the runtime's message (at most 2 KiB).
    message: String,
    /// The end of what the candidate wrote to its stderr (at most 1 KiB).
    stderr: String,
}

/// One candidate (viewer; per-test results on hidden tests: admin).
#[utoipa::path(get, path = "/v1/candidates/{id}", tag = "candidates",
    params(("id" = Uuid, Path, description = "candidate id")),
    responses((status = 200, body = CandidateOut, description = "the candidate, its verdicts per test set and its points"), (status = 404, description = "no such candidate")))]
pub(crate) async fn get_candidate(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<CandidateId>,
) -> Result<Json<CandidateOut>, ApiError> {
    caller.require(Role::Viewer)?;
    let Some((c, source)) = state.store.candidate(id).await? else {
        return Err(ApiError::not_found(format!("no candidate {id}")));
    };
    let mut build = None;
    let mut results = BTreeMap::new();
    let mut by_subtask = BTreeMap::new();
    let mut points = BTreeMap::new();
    let mut failures = BTreeMap::new();
    if let Some(key) = &c.build_key {
        if let Some(b) = state.store.build(key).await? {
            build = Some(BuildOut {
                ok: b.ok,
                message: b.message,
            });
        }
        let problem = state.store.problem_summary(c.problem_id).await?;
        for (kind, f) in state.store.result_failures(c.problem_id, key).await? {
            if kind == TestKind::Hidden && caller.role < Role::Admin {
                continue;
            }
            let name = problem
                .as_ref()
                .and_then(|p| p.tests.iter().find(|t| t.idx == f.test))
                .map(|t| t.name.clone())
                .unwrap_or_default();
            failures.insert(
                kind.name().to_string(),
                FailureOut {
                    test: f.test,
                    name,
                    verdict: f.verdict,
                    message: f.message,
                    stderr: f.stderr,
                },
            );
        }
        for kind in [TestKind::Public, TestKind::Generated, TestKind::Hidden] {
            if let Some(r) = state.store.results(c.problem_id, key, kind).await? {
                let view = KindView::of(problem.as_ref(), kind, &r, caller.role);
                view.insert(kind, &mut results, &mut by_subtask, &mut points);
            }
        }
    }
    let judging_failures = state.store.judging_failures(c.id).await?;
    Ok(Json(CandidateOut {
        id: c.id,
        problem_id: c.problem_id,
        language: c.language,
        source: String::from_utf8_lossy(&source).into_owned(),
        source_hash: c.source_hash.to_string(),
        target_subtask: c.target_subtask,
        build,
        results,
        subtasks: by_subtask,
        points,
        judging_failures,
        failures,
    }))
}

/// What a caller sees of a candidate's results on one kind of test: each test's result (hidden
/// ones: admins only), each subtask's outcome, and the kind's points (none when no test had an
/// answer).
pub(crate) struct KindView {
    tests: Option<Vec<TestResultOut>>,
    subtasks: Vec<SubtaskOut>,
    points: Option<f64>,
}

impl KindView {
    /// The view of `results` (one kind's) of a candidate of `problem`, for a caller with `role`.
    pub(crate) fn of(
        problem: Option<&sieve_store::problem_info::ProblemSummary>,
        kind: TestKind,
        results: &[sieve_domain::TestOutcome],
        role: Role,
    ) -> KindView {
        let (names, subtasks, precision) = problem
            .map(|p| (&p.tests[..], &p.subtasks[..], p.precision))
            .unwrap_or((&[], &[], 0));
        let name = |i: i32| {
            names
                .iter()
                .find(|t| t.idx == i)
                .map(|t| t.name.clone())
                .unwrap_or_default()
        };
        let answered: Vec<(i32, f32)> = results
            .iter()
            .filter(|t| t.verdict != Verdict::Ran)
            .map(|t| (t.test, t.score))
            .collect();
        let verdicts: Vec<(i32, Verdict, f32)> = results
            .iter()
            .map(|t| (t.test, t.verdict, t.score))
            .collect();
        KindView {
            tests: (kind != TestKind::Hidden || role >= Role::Admin).then(|| {
                results
                    .iter()
                    .map(|t| TestResultOut {
                        test: t.test,
                        name: name(t.test),
                        verdict: t.verdict,
                        score: t.score,
                        time_us: t.time_us,
                        memory_kib: t.memory_kib,
                    })
                    .collect()
            }),
            subtasks: subtask_outcomes(&verdicts, names, subtasks, precision),
            points: (!answered.is_empty())
                .then(|| kind_points(&answered, names, subtasks, precision)),
        }
    }

    fn insert(
        self,
        kind: TestKind,
        results: &mut BTreeMap<String, Vec<TestResultOut>>,
        by_subtask: &mut BTreeMap<String, Vec<SubtaskOut>>,
        points: &mut BTreeMap<String, f64>,
    ) {
        let k = kind.name().to_string();
        if let Some(p) = self.points {
            points.insert(k.clone(), p);
        }
        by_subtask.insert(k.clone(), self.subtasks);
        if let Some(t) = self.tests {
            results.insert(k, t);
        }
    }
}

/// Each subtask with tests among `results` (test, verdict, score): its first failing verdict
/// in test order (AC when none failed) and its points.
fn subtask_outcomes(
    results: &[(i32, Verdict, f32)],
    tests: &[sieve_store::problem_info::TestInfo],
    subtasks: &[sieve_store::problem_info::SubtaskInfo],
    precision: i16,
) -> Vec<SubtaskOut> {
    subtasks
        .iter()
        .enumerate()
        .filter_map(|(s, sub)| {
            let mut mine: Vec<&(i32, Verdict, f32)> = results
                .iter()
                .filter(|r| {
                    tests
                        .iter()
                        .any(|t| t.idx == r.0 && t.subtasks.contains(&(s as i16)))
                })
                .collect();
            if mine.is_empty() {
                return None;
            }
            mine.sort_by_key(|r| r.0);
            let answered = || mine.iter().filter(|r| r.1 != Verdict::Ran);
            let min = answered().map(|r| r.2 as f64).reduce(f64::min);
            let failed = mine
                .iter()
                .map(|r| r.1)
                .find(|v| *v != Verdict::AC && *v != Verdict::Ran);
            let verdict = match (failed, min) {
                (Some(v), _) => v,
                (None, Some(_)) => Verdict::AC,
                (None, None) => Verdict::Ran,
            };
            Some(SubtaskOut {
                subtask: sub.name.clone(),
                verdict,
                points: min.map(|min| {
                    sieve_domain::round_points(min * sub.points, precision.max(0) as u32)
                }),
            })
        })
        .collect()
}

/// IOI points of one kind's results: each subtask with tests among them scores its points times
/// the minimum of their scores.
pub(crate) fn kind_points(
    results: &[(i32, f32)],
    tests: &[sieve_store::problem_info::TestInfo],
    subtasks: &[sieve_store::problem_info::SubtaskInfo],
    precision: i16,
) -> f64 {
    let total: f64 = subtasks
        .iter()
        .enumerate()
        .filter_map(|(s, sub)| {
            let scores: Vec<f64> = results
                .iter()
                .filter(|r| {
                    tests
                        .iter()
                        .any(|t| t.idx == r.0 && t.subtasks.contains(&(s as i16)))
                })
                .map(|r| r.1 as f64)
                .collect();
            let min = scores.into_iter().reduce(f64::min)?;
            Some(min * sub.points)
        })
        .sum();
    sieve_domain::round_points(total, precision.max(0) as u32)
}

/// A page of candidates.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CandidatePage {
    candidates: Vec<CandidateItem>,
    /// Pass as `after` for the next page; null on the last.
    next: Option<CandidateId>,
}

/// Query of the candidate list (see [`CandidateFilter`]).
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub(crate) struct ListQuery {
    /// Only those written by this model.
    model: Option<String>,
    /// Only those written for this subtask.
    target_subtask: Option<i16>,
    /// `pending`, `compiled` or `failed`.
    build: Option<String>,
    /// `passed` or `failed` on the public tests.
    public: Option<String>,
    /// Only ids after this one.
    after: Option<Uuid>,
    /// Page size, 1 to 1000 (default 100).
    limit: Option<i64>,
}

/// A problem's candidates, filtered and paged in posting order (viewer; counts on hidden tests:
/// admin).
#[utoipa::path(get, path = "/v1/problems/{id}/candidates", tag = "candidates",
    params(("id" = Uuid, Path, description = "problem id"), ListQuery),
    responses((status = 200, body = CandidatePage, description = "a page of the problem's candidates"), (status = 404, description = "no such problem"),
              (status = 422, description = "a filter is invalid")))]
pub(crate) async fn list_candidates(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<ProblemId>,
    Query(q): Query<ListQuery>,
) -> Result<Json<CandidatePage>, ApiError> {
    caller.require(Role::Viewer)?;
    if !state.store.problem_exists(id).await? {
        return Err(ApiError::not_found(format!("no problem {id}")));
    }
    if let Some(b) = q
        .build
        .as_deref()
        .filter(|b| !["pending", "compiled", "failed"].contains(b))
    {
        return Err(ApiError::invalid(
            "build",
            format!("{b:?}: pending, compiled or failed"),
        ));
    }
    if let Some(p) = q
        .public
        .as_deref()
        .filter(|p| !["passed", "failed"].contains(p))
    {
        return Err(ApiError::invalid(
            "public",
            format!("{p:?}: passed or failed"),
        ));
    }
    let limit = q.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::invalid("limit", "between 1 and 1000"));
    }
    let filter = CandidateFilter {
        model: q.model,
        target_subtask: q.target_subtask,
        build: q.build,
        public: q.public,
        after: q.after,
        limit: Some(limit),
    };
    let mut candidates = state.store.list_candidates(id, &filter).await?;
    if caller.role < Role::Admin {
        // Counts of accepted hidden tests tell more than a contest shows: the candidate's
        // subtask outcomes (`GET /v1/candidates/{id}`) are what non-admins get.
        for c in &mut candidates {
            if let Some(kinds) = c.results.as_object_mut() {
                kinds.remove("hidden");
            }
        }
    }
    let next = (candidates.len() as i64 == limit)
        .then(|| candidates.last().map(|c| c.id))
        .flatten();
    Ok(Json(CandidatePage { candidates, next }))
}
