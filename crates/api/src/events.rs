//! Server-sent events: a problem's (or a whole contest's) judging progress, sent whenever it
//! changes. Each event is
//! `progress` with a [`Progress`] body plus `done` (no judging job queued or running); the
//! stream stays open for candidates posted later, with keep-alive comments meanwhile.

use crate::{ApiError, AppState, Caller, Role};
use axum::Router;
use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::get;
use futures_util::{Stream, StreamExt};
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
    /// The problem, in a contest's stream.
    #[serde(skip_serializing_if = "Option::is_none")]
    problem_id: Option<ProblemId>,
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
    Ok(progress_stream(state.store.clone(), vec![problem], false))
}

/// Judging progress of every problem of a contest as one `text/event-stream`: a `progress`
/// event per problem whose progress changed, all of them at first (viewer).
#[utoipa::path(get, path = "/v1/contests/{id}/events", tag = "candidates",
    params(("id" = Uuid, Path, description = "contest id")),
    responses((status = 200, content_type = "text/event-stream", body = ProgressEvent,
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
    Ok(progress_stream(state.store.clone(), contest.problems, true))
}

/// `progress` events for `problems`: each poll asks for every problem's progress and sends an
/// event per problem that changed (all of them at first), naming the problem when `named`.
fn progress_stream(
    store: sieve_store::Store,
    problems: Vec<ProblemId>,
    named: bool,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let last: Vec<Option<Progress>> = vec![None; problems.len()];
    let batches = futures_util::stream::unfold(
        (store, problems, last, true),
        move |(store, problems, mut last, first)| async move {
            if !first {
                tokio::time::sleep(POLL).await;
            }
            let mut events = Vec::new();
            for (i, p) in problems.iter().enumerate() {
                metrics::counter!("sieve_progress_queries_total").increment(1);
                let now = match store.progress(*p).await {
                    Ok(now) => now,
                    Err(e) => {
                        tracing::warn!(error = %e, "progress query failed");
                        continue;
                    }
                };
                if last[i].as_ref() != Some(&now) {
                    let done = now.queued == 0 && now.running == 0;
                    let data = ProgressEvent {
                        problem_id: named.then_some(*p),
                        progress: now.clone(),
                        done,
                    };
                    events.push(Ok(Event::default()
                        .event("progress")
                        .json_data(data)
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
    Sse::new(batches.flatten()).keep_alive(KeepAlive::default())
}
