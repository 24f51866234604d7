//! Server-sent events: a problem's (or a whole contest's) judging progress, sent whenever it
//! changes. Each event is
//! `progress` with a [`Progress`] body plus `done` (no judging job queued or running); the
//! stream stays open for candidates posted later, with keep-alive comments meanwhile.

use crate::{ApiError, AppState, Caller, Role};
use axum::Router;
use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::get;
use futures_util::Stream;
use serde::Serialize;
use sieve_domain::{ContestId, ProblemId};
use sieve_store::candidate_list::Progress;
use std::convert::Infallible;
use std::time::Duration;
use utoipa::ToSchema;
use uuid::Uuid;

/// How often the database is asked for progress while a client listens.
const POLL: Duration = Duration::from_millis(250);

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/problems/{id}/events", get(progress_events))
        .route("/v1/contests/{id}/events", get(contest_events))
}

/// One progress event's data.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ProgressEvent {
    #[serde(flatten)]
    progress: Progress,
    /// Nothing queued or running: every posted candidate is judged as far as asked.
    done: bool,
}

/// Judging progress of a problem as a `text/event-stream` of `progress` events (viewer).
#[utoipa::path(get, path = "/v1/problems/{id}/events", tag = "candidates",
    params(("id" = Uuid, Path, description = "problem id")),
    responses((status = 200, content_type = "text/event-stream", body = ProgressEvent,
               description = "`progress` events, one per change"),
              (status = 404, description = "no such problem")))]
pub(crate) async fn progress_events(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    caller.require(Role::Viewer)?;
    let problem = ProblemId(id);
    if !state.store.problem_exists(problem).await? {
        return Err(ApiError::not_found(format!("no problem {id}")));
    }
    let store = state.store.clone();
    let stream = futures_util::stream::unfold(
        (store, None::<Progress>, true),
        move |(store, last, first)| async move {
            let mut first = first;
            loop {
                if !first {
                    tokio::time::sleep(POLL).await;
                }
                first = false;
                let now = match store.progress(problem).await {
                    Ok(p) => p,
                    Err(e) => {
                        tracing::warn!(error = %e, "progress query failed");
                        continue;
                    }
                };
                if last.as_ref() != Some(&now) {
                    let done = now.queued == 0 && now.running == 0;
                    let event = Event::default()
                        .event("progress")
                        .json_data(ProgressEvent {
                            progress: now.clone(),
                            done,
                        })
                        .unwrap_or_default();
                    return Some((Ok(event), (store, Some(now), false)));
                }
            }
        },
    );
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

/// One problem's progress within a contest's stream.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ContestProgressEvent {
    problem_id: ProblemId,
    #[serde(flatten)]
    progress: Progress,
    /// Nothing queued or running for this problem.
    done: bool,
}

/// Judging progress of every problem of a contest as one `text/event-stream`: a `progress`
/// event per problem whose progress changed, all of them at first (viewer).
#[utoipa::path(get, path = "/v1/contests/{id}/events", tag = "candidates",
    params(("id" = Uuid, Path, description = "contest id")),
    responses((status = 200, content_type = "text/event-stream", body = ContestProgressEvent,
               description = "`progress` events, one per problem and change"),
              (status = 404, description = "no such contest")))]
pub(crate) async fn contest_events(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    caller.require(Role::Viewer)?;
    let Some(contest) = state.store.contest(ContestId(id)).await? else {
        return Err(ApiError::not_found(format!("no contest {id}")));
    };
    let store = state.store.clone();
    let problems = contest.problems;
    let last: Vec<Option<Progress>> = vec![None; problems.len()];
    // Each step polls every problem once and yields the events of those that changed.
    let batches = futures_util::stream::unfold(
        (store, problems, last, true),
        |(store, problems, mut last, first)| async move {
            if !first {
                tokio::time::sleep(POLL).await;
            }
            let mut events = Vec::new();
            for (i, p) in problems.iter().enumerate() {
                let now = match store.progress(*p).await {
                    Ok(now) => now,
                    Err(e) => {
                        tracing::warn!(error = %e, "progress query failed");
                        continue;
                    }
                };
                if last[i].as_ref() != Some(&now) {
                    let done = now.queued == 0 && now.running == 0;
                    events.push(Ok(Event::default()
                        .event("progress")
                        .json_data(ContestProgressEvent {
                            problem_id: *p,
                            progress: now.clone(),
                            done,
                        })
                        .unwrap_or_default()));
                    last[i] = Some(now);
                }
            }
            Some((
                futures_util::stream::iter(events),
                (store, problems, last, false),
            ))
        },
    );
    use futures_util::StreamExt;
    Ok(Sse::new(batches.flatten()).keep_alive(KeepAlive::default()))
}
