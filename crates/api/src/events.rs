//! Server-sent events: a problem's judging progress, sent whenever it changes. Each event is
//! `progress` with a [`Progress`] body plus `done` (no judging job queued or running); the
//! stream stays open for candidates posted later, with keep-alive comments meanwhile.

use crate::{ApiError, AppState, Caller, Role};
use axum::Router;
use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::get;
use futures_util::Stream;
use serde::Serialize;
use sieve_domain::ProblemId;
use sieve_store::candidate_list::Progress;
use std::convert::Infallible;
use std::time::Duration;
use utoipa::ToSchema;
use uuid::Uuid;

/// How often the database is asked for progress while a client listens.
const POLL: Duration = Duration::from_millis(250);

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/v1/problems/{id}/events", get(progress_events))
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
